/* credring plugin ABI — what a provider plugin exports.
 *
 * A plugin is a shared object NAME.so that exports exactly one symbol,
 * CR_PLUGIN_SYMBOL, a const CrPluginDescriptor.  For an OAuth2 provider whose
 * token endpoint plain data can describe, this is the whole plugin:
 *
 *   #include <credring/plugin.h>
 *
 *   static const CrPluginParam params[] = {
 *     { "scope", CR_PARAM_REQUIRED, NULL },
 *     { "audience", CR_PARAM_OPTIONAL, "https://api.example.com" },
 *     { NULL, CR_PARAM_OPTIONAL, NULL },
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
 * Build it with
 *
 *   cc -shared -fPIC -fvisibility=hidden $(pkg-config --cflags credring) \
 *      -o example.so example.c
 *
 * and install it as $(pkg-config --variable=plugindir credring)/example.so.
 * An account then says "provider = example".  doc/writing-a-provider.md
 * walks through it, and through the provider files that need no compiler.
 *
 * What the core does with a descriptor: it POSTs grant_type (and username
 * and password for the password grant), the client credentials (in the
 * body or in an Authorization: Basic header) and every parameter that has a
 * value to the token URL, as a form or a JSON object of strings; then it
 * reads the token, its type and its expiry from the top-level members of
 * the JSON answer.  A provider that data cannot describe adds hooks (ABI
 * 1.1, below); tests/plugins/hooks.c uses both.
 *
 * For the grants that sign a person in (ABI 1.2) the core opens the
 * authorization URL in the browser (authorization code with PKCE), or
 * asks the device authorization URL for a code to show; then it POSTs the
 * code, or polls with the device code, to the token URL, always as a form
 * (RFC 6749 §4.1.3, RFC 8628 §3.4).  A refresh_token in any answer is kept
 * in the keyring and used, as a form POST, before any grant that needs a
 * person or a stored password.  Provider parameters go with the grants
 * that ask for a token (client credentials, password, the authorization
 * and device requests), not with the code exchange or a refresh.
 *
 * Rules the loader enforces (it refuses the plugin, naming the file and the
 * rule, otherwise): the file and its directory are owned by root or the
 * user and writable by neither group nor others; the symbol exists; the
 * ABI is this one (below); name equals the file's base name; description
 * is one printable line; a default token URL is https, without user or
 * password (the same for the ABI 1.2 URLs); every enum holds a value this
 * header defines, the grant set holds the default grant and only grants a
 * provider may name, and a grant that signs a person in has its endpoint
 * (or none, for an account to name); an issuer has no query or fragment
 * (RFC 8414 §2); a default scope is one printable line; parameter names
 * are [A-Za-z0-9_.-]+ and neither one the core sends itself (grant_type,
 * client_id, client_secret, username, password; for the grants of 1.2
 * response_type, redirect_uri, state, code_challenge,
 * code_challenge_method, code, code_verifier, device_code, refresh_token,
 * token, token_type_hint) nor an account key of its own meaning
 * (provider, token_url, host, url, ca_file, timeout, min_valid, grant,
 * client_auth, signin_timeout, issuer, authorization_url,
 * device_authorization_url, revocation_url).
 *
 * Plugins do not link against libcredring and the ABI has no GLib types:
 * it is plain C, and what a hook needs is passed in.
 *
 * Compatibility: the loader refuses a descriptor whose abi_major differs
 * from CR_PLUGIN_ABI_MAJOR, or whose abi_minor is newer than the core's,
 * with a message naming both.  Fields are only ever appended, and a field
 * added in minor N is read only from a plugin that declares abi_minor >= N
 * (and whose struct_size covers it): a plugin built against 1.0 keeps
 * loading, unchanged, into every 1.x core.  Enum values are never
 * renumbered.
 */
#ifndef CREDRING_PLUGIN_H
#define CREDRING_PLUGIN_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#define CR_PLUGIN_ABI_MAJOR 1
/* 1.0: the data descriptor.  1.1: CR_CLIENT_AUTH_BASIC_RAW and the hooks.
 * 1.2: signing a person in (the authorization code and device grants,
 * public clients, refresh tokens): the endpoints, the grant set, the
 * default scope. */
#define CR_PLUGIN_ABI_MINOR 2

/* The one symbol a plugin exports. */
#define CR_PLUGIN_SYMBOL "credring_plugin"

#define CR_PLUGIN_EXPORT __attribute__((visibility ("default")))

/* How the client obtains the token. */
typedef enum {
  CR_GRANT_CLIENT_CREDENTIALS = 1, /* RFC 6749 §4.4 */
  CR_GRANT_PASSWORD = 2,           /* RFC 6749 §4.3; legacy (RFC 9700 §2.4) */
  /* ABI 1.2.  A person signs in in the browser; the code comes back to a
   * loopback redirect (RFC 8252), with PKCE S256 always (RFC 7636). */
  CR_GRANT_AUTHORIZATION_CODE = 3,
  /* ABI 1.2.  A person signs in on any device with a code (RFC 8628). */
  CR_GRANT_DEVICE_CODE = 4,
  /* ABI 1.2.  Not a grant a provider names: the core uses it whenever it
   * holds a refresh token (RFC 6749 §6). */
  CR_GRANT_REFRESH_TOKEN = 5,
} CrGrantType;

/* A set of grants (CrPluginDescriptor.grants). */
#define CR_GRANT_BIT(grant) (1u << (unsigned int) (grant))

/* Where the client id and secret go (RFC 6749 §2.3.1). */
typedef enum {
  /* Authorization: Basic base64 (form-urlencode (id) ":" form-urlencode
   * (secret)), as RFC 6749 §2.3.1 says. */
  CR_CLIENT_AUTH_BASIC = 1,
  /* client_id and client_secret as body parameters. */
  CR_CLIENT_AUTH_BODY = 2,
  /* ABI 1.1.  Authorization: Basic base64 (id ":" secret), the bytes as
   * they are (RFC 7617), for servers that do not decode the pair.  The same
   * as CR_CLIENT_AUTH_BASIC for ids and secrets of letters, digits and
   * "-._~". */
  CR_CLIENT_AUTH_BASIC_RAW = 3,
  /* ABI 1.2.  A public client (RFC 6749 §2.1): client_id in the body and
   * no secret, for the grants that sign a person in; a descriptor whose
   * default grant is client credentials cannot have it (§4.4). */
  CR_CLIENT_AUTH_NONE = 4,
} CrClientAuth;

/* How the request body is encoded. */
typedef enum {
  CR_BODY_FORM = 1, /* application/x-www-form-urlencoded */
  CR_BODY_JSON = 2, /* application/json, an object whose values are all strings */
} CrBodyFormat;

/* How the response says when the token expires. */
typedef enum {
  CR_EXPIRY_SECONDS = 1,  /* a whole number of seconds from now (RFC 6749 expires_in) */
  CR_EXPIRY_ABSOLUTE = 2, /* an ISO-8601 timestamp with a zone */
} CrExpiryForm;

typedef enum {
  CR_PARAM_OPTIONAL = 0,
  CR_PARAM_REQUIRED = 1,
} CrParamPresence;

/* A provider-specific body parameter, taken from the account key of the same
 * name.  The account value wins over default_value; an optional parameter
 * with neither is left out of the request; a required one with neither
 * makes the account invalid (an error naming the account and the key). */
typedef struct {
  const char *name;
  CrParamPresence presence;
  const char *default_value; /* NULL: none */
} CrPluginParam;

/* ---- hooks (ABI 1.1) ----------------------------------------------------
 *
 * A hook returns CR_PLUGIN_OK, or one of the failure codes with one line
 * of text written into @error (at most @error_size bytes, NUL included;
 * the core shows it, escaped, after the account's name).  A hook never
 * sees a secret: the core alone puts the client secret and the password on
 * the wire.  Hooks run in the credring process, may be called from any
 * thread but never concurrently for one request, and must not keep the
 * pointers they are given.  A hook that copies the answer (it holds the
 * token) should wipe its copies before it returns. */

typedef enum {
  CR_PLUGIN_OK = 0,
  CR_PLUGIN_ERROR_CONFIG = 2,   /* the account's settings are wrong */
  CR_PLUGIN_ERROR_REJECTED = 3, /* the provider refused the credentials */
  CR_PLUGIN_ERROR_RESPONSE = 4, /* the answer is not a token (or a server error) */
} CrPluginStatus;

/* What a hook may read of the account. */
typedef struct CrPluginContext CrPluginContext;
struct CrPluginContext {
  const char *account;   /* the account's name */
  const char *client_id;
  /* The account's value for @key (a parameter, "host", "username", ...),
   * or NULL when it has none.  Never a secret: secrets are not keys. */
  const char *(*get_value) (const CrPluginContext *context, const char *key);
  void *core; /* the core's own; do not touch */
};

/* Hands one request header to the core, which copies it.  Returns 0, or -1
 * when the core refuses it: a name that is not an HTTP token of at most 64
 * characters, an empty value or one with anything but printable ASCII,
 * more than 16 headers or 8 KiB, or a header the core sets itself or that
 * frames the request (Authorization, Proxy-Authorization, Content-Type,
 * Content-Length, Host, Accept, User-Agent, Expect, Transfer-Encoding,
 * Connection, Cookie, TE, Trailer, Upgrade, Keep-Alive, Proxy-Connection,
 * HTTP2-Settings).  A refused header fails the request with
 * CR_ERROR_CONFIG (exit 2), whatever the hook returns. */
typedef int (*CrPluginAddHeaderFunc) (void *sink, const char *name, const char *value);

/* Adds headers to the token request, before the core sends it (and in
 * `credring token --dry-run`, which shows them).  A failure code fails
 * the request with the same exit status as from parse_response. */
typedef CrPluginStatus (*CrPluginAddHeadersFunc) (const CrPluginContext *context,
                                                  CrPluginAddHeaderFunc add_header, void *sink,
                                                  char *error, size_t error_size);

/* The token endpoint's answer, any HTTP status. */
typedef struct {
  long status;              /* the HTTP status */
  const char *content_type; /* NULL when the server sent none */
  const char *body;         /* NUL-terminated; may hold NULs before body_len */
  size_t body_len;          /* at most 1 MiB */
  long long now;            /* the time of the answer, unix seconds */
} CrPluginResponse;

/* Hands the token to the core, which copies it.  @token_type NULL means
 * Bearer; @expires_at is unix seconds.  The core checks what it is given
 * as it checks the standard mapping's result (printable ASCII of at most
 * 64 KiB, Bearer, in the future, at most ten years away) and returns -1,
 * storing nothing, when it fails. */
typedef int (*CrPluginSetTokenFunc) (void *sink, const char *access_token,
                                     const char *token_type, long long expires_at);

/* Reads the token out of an answer the standard mapping cannot read:
 * calls set_token once and returns CR_PLUGIN_OK, or returns a failure code
 * with the provider's message (REJECTED for refused credentials, CONFIG
 * for a refused request, RESPONSE for anything else).  When it is set, the
 * descriptor's token, token type and expiry fields are not used (they may
 * be NULL). */
typedef CrPluginStatus (*CrPluginParseResponseFunc) (const CrPluginContext *context,
                                                     const CrPluginResponse *response,
                                                     CrPluginSetTokenFunc set_token,
                                                     void *sink, char *error,
                                                     size_t error_size);

/* ---- the descriptor ------------------------------------------------------ */

typedef struct {
  /* Fields of ABI 1.0.  Start every descriptor with CR_PLUGIN_DESCRIPTOR_HEADER. */
  unsigned int abi_major;
  unsigned int abi_minor;
  size_t struct_size;

  const char *name;        /* equals the file's base name: [a-z0-9_-]+, at most 64 */
  const char *description; /* one line of UTF-8 without control characters */

  /* Default token endpoint, https only, without user or password, and a
   * URL GLib can parse with any host name in place of "{host}", which is
   * replaced by the account's host key (which then is required).  {host}
   * stands at most once, and in the host only: an account's host never
   * lands in a path or query, where it would choose nothing.  NULL when
   * every customer has its own URL: the account must then set token_url. */
  const char *token_url;

  CrGrantType grant;
  CrClientAuth client_auth;
  CrBodyFormat body_format;

  /* Extra body parameters, ended by an entry whose name is NULL.  May be NULL. */
  const CrPluginParam *params;

  /* Response mapping: names of top-level members of the JSON answer. */
  const char *token_field;      /* the access token, a string */
  const char *token_type_field; /* NULL: the provider sends none, Bearer is implied */
  const char *expiry_field;     /* the expiry, in expiry_form */
  CrExpiryForm expiry_form;

  /* Fields of ABI 1.1.  NULL: the standard behaviour. */
  CrPluginAddHeadersFunc add_headers;
  CrPluginParseResponseFunc parse_response;

  /* Fields of ABI 1.2.  URLs follow token_url's rules ({host} included);
   * NULL: the provider has no such endpoint (an account may name one). */
  const char *authorization_url;        /* RFC 6749 §3.1 */
  const char *device_authorization_url; /* RFC 8628 §3.1 */
  const char *revocation_url;           /* RFC 7009 §2 */
  /* Every grant the provider supports, CR_GRANT_BIT (g) | ...; it holds
   * @grant, which stays the default for accounts that do not choose.  0:
   * @grant alone.  An account picks another with "grant = NAME". */
  unsigned int grants;
  /* The scope asked for when the account sets none (and the provider has
   * no scope parameter); NULL: none. */
  const char *default_scope;
  /* The authorization server's issuer identifier (RFC 8414 §2), https;
   * NULL: unknown.  When set, an "iss" in the browser's redirect must
   * equal it (RFC 9207 §2.4), and the endpoints left NULL here (the token
   * URL, or the endpoint of a grant in the set) come from its metadata
   * (RFC 8414 §3, OpenID Connect Discovery §4), discovered at an account's
   * first use and cached; an account's own keys still win.  An issuer
   * with {host} in it is not asked. */
  const char *issuer;
} CrPluginDescriptor;

/* The size of a descriptor built against each minor: the loader reads no
 * further into a plugin's descriptor than its minor's size. */
#define CR_PLUGIN_DESCRIPTOR_SIZE_1_0 offsetof (CrPluginDescriptor, add_headers)
#define CR_PLUGIN_DESCRIPTOR_SIZE_1_1                                           \
  (offsetof (CrPluginDescriptor, parse_response) + sizeof (CrPluginParseResponseFunc))
#define CR_PLUGIN_DESCRIPTOR_SIZE_1_2                                           \
  (offsetof (CrPluginDescriptor, issuer) + sizeof (const char *))

#define CR_PLUGIN_DESCRIPTOR_HEADER                                            \
  .abi_major = CR_PLUGIN_ABI_MAJOR, .abi_minor = CR_PLUGIN_ABI_MINOR,          \
  .struct_size = sizeof (CrPluginDescriptor)

#ifdef __cplusplus
}
#endif

#endif /* CREDRING_PLUGIN_H */
