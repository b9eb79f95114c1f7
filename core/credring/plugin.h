/* credring plugin ABI — what a provider plugin exports.
 *
 * A plugin is a shared object NAME.so that exports exactly one symbol,
 * CR_PLUGIN_SYMBOL, a const CrPluginDescriptor.  For an OAuth2 provider whose
 * token endpoint plain data can describe, the whole plugin is:
 *
 *   #include <credring/plugin.h>
 *
 *   static const CrPluginParam params[] = {
 *     { "scope", CR_PARAM_REQUIRED, NULL },
 *     { NULL, 0, NULL }
 *   };
 *
 *   CR_PLUGIN_EXPORT const CrPluginDescriptor credring_plugin = {
 *     CR_PLUGIN_DESCRIPTOR_HEADER,
 *     .name = "example",
 *     .description = "Example API (client credentials)",
 *     .token_url = "https://auth.example.com/oauth/token",
 *     .grant = CR_GRANT_CLIENT_CREDENTIALS,
 *     .client_auth = CR_CLIENT_AUTH_BODY,
 *     .body_format = CR_BODY_FORM,
 *     .params = params,
 *     .token_field = "access_token",
 *     .token_type_field = "token_type",
 *     .expiry_field = "expires_in",
 *     .expiry_form = CR_EXPIRY_SECONDS,
 *   };
 *
 * The descriptor's name must equal the file's base name.  Plugins do not link
 * against libcredring and use no GLib types: the ABI is plain C.
 *
 * Compatibility: the loader refuses a descriptor whose abi_major differs from
 * CR_PLUGIN_ABI_MAJOR, or whose abi_minor is newer than the core's.  Fields are
 * only ever appended; a field added in minor N is read only from plugins that
 * declare abi_minor >= N.  Enum values are never renumbered.
 */
#ifndef CREDRING_PLUGIN_H
#define CREDRING_PLUGIN_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#define CR_PLUGIN_ABI_MAJOR 1
#define CR_PLUGIN_ABI_MINOR 0

/* The one symbol a plugin exports. */
#define CR_PLUGIN_SYMBOL "credring_plugin"

#define CR_PLUGIN_EXPORT __attribute__((visibility ("default")))

/* How the client obtains the token (RFC 6749 §4.4 and §4.3). */
typedef enum {
  CR_GRANT_CLIENT_CREDENTIALS = 1,
  CR_GRANT_PASSWORD = 2,
} CrGrantType;

/* Where the client id and secret go (RFC 6749 §2.3.1). */
typedef enum {
  CR_CLIENT_AUTH_BASIC = 1, /* Authorization: Basic, id and secret form-urlencoded first */
  CR_CLIENT_AUTH_BODY = 2,  /* client_id and client_secret as body parameters */
} CrClientAuth;

/* How the request body is encoded. */
typedef enum {
  CR_BODY_FORM = 1, /* application/x-www-form-urlencoded */
  CR_BODY_JSON = 2, /* application/json, every value a string */
} CrBodyFormat;

/* How the response says when the token expires. */
typedef enum {
  CR_EXPIRY_SECONDS = 1,  /* a number of seconds from now (RFC 6749 expires_in) */
  CR_EXPIRY_ABSOLUTE = 2, /* an ISO-8601 timestamp with a zone */
} CrExpiryForm;

typedef enum {
  CR_PARAM_OPTIONAL = 0,
  CR_PARAM_REQUIRED = 1,
} CrParamPresence;

/* A provider-specific body parameter, taken from the account key of the same
 * name.  The account value wins over default_value; an optional parameter
 * with neither is left out of the request. */
typedef struct {
  const char *name;
  CrParamPresence presence;
  const char *default_value;
} CrPluginParam;

typedef struct {
  /* Fields of ABI 1.0.  Start every descriptor with CR_PLUGIN_DESCRIPTOR_HEADER. */
  unsigned int abi_major;
  unsigned int abi_minor;
  size_t struct_size;

  const char *name;        /* equals the file's base name: [a-z0-9_-]+ */
  const char *description; /* one line of UTF-8 without control characters */

  /* Default token endpoint, https only.  "{host}" is replaced by the
   * account's host key.  NULL when every customer has its own URL: the
   * account must then set token_url. */
  const char *token_url;

  CrGrantType grant;
  CrClientAuth client_auth;
  CrBodyFormat body_format;

  /* Extra body parameters, ended by an entry whose name is NULL.  May be NULL. */
  const CrPluginParam *params;

  /* Response mapping: names of the top-level JSON members. */
  const char *token_field;      /* the access token */
  const char *token_type_field; /* NULL: the provider sends none, Bearer is implied */
  const char *expiry_field;
  CrExpiryForm expiry_form;
} CrPluginDescriptor;

#define CR_PLUGIN_DESCRIPTOR_HEADER                                            \
  .abi_major = CR_PLUGIN_ABI_MAJOR, .abi_minor = CR_PLUGIN_ABI_MINOR,          \
  .struct_size = sizeof (CrPluginDescriptor)

#ifdef __cplusplus
}
#endif

#endif /* CREDRING_PLUGIN_H */
