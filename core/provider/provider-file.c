/* Provider files: a provider described in a key file, for standard OAuth2
 * APIs, so that adding one needs no compiler.
 *
 *   [provider]
 *   description = Example API (client credentials)
 *   token_url = https://auth.example.com/oauth/token
 *   grant = client_credentials
 *   client_auth = body
 *   body = form
 *   params = audience!;scope
 *
 * A provider that signs people in names its grants (the first is the
 * default) and their endpoints:
 *
 *   grants = authorization_code;device_code
 *   authorization_url = https://auth.example.com/oauth/authorize
 *   device_authorization_url = https://auth.example.com/oauth/device
 *   revocation_url = https://auth.example.com/oauth/revoke
 *   default_scope = openid offline_access
 *   client_auth = none
 *
 * A standard OpenID provider names its issuer instead, and what the file
 * leaves out (endpoints, grants, client authentication) its metadata
 * tells (provider/metadata.h), discovered when an account first needs it:
 *
 *   [provider]
 *   description = Example OpenID provider
 *   issuer = https://login.example.com
 *   client_auth = none
 *
 * The checks are those of a compiled plugin's descriptor, and stricter
 * about the file: an unknown group or key, a key given twice or an empty
 * value is an error, and every error names the file, the line and the key. */
#include "config.h"

#include <stdarg.h>
#include <string.h>
#include <unistd.h>

#include <credring/credring.h>

#include "provider/descriptor.h"
#include "base/keyfile.h"
#include "provider/metadata.h"
#include "provider/names.h"
#include "provider/trusted-file.h"
#include "provider/provider-file.h"

#define GROUP "provider"
#define FIELD_NAME_MAX 128
#define DESCRIPTION_MAX 200
#define URL_MAX 2048

struct _CrProviderFile {
  CrPluginDescriptor descriptor;
  CrPluginParam *params;  /* the descriptor's, NULL-name terminated */
  GStringChunk *strings;  /* every string the descriptor points to */
  unsigned int left_to_metadata; /* CrMetadataChoice: what the issuer's metadata decides */
};

static const char *const known_keys[] = {
  "description", "token_url", "grant", "grants", "client_auth", "body", "params",
  "token_field", "token_type_field", "expires_in_field", "expires_at_field",
  "authorization_url", "device_authorization_url", "revocation_url", "default_scope", "issuer",
  NULL,
};

typedef struct {
  const char *path;
  CrKeyFile *file;
  CrProviderFile *result;
} Reader;

/* "FILE:LINE: key 'KEY': ..." — the line when the file has the key. */
G_GNUC_PRINTF (4, 5) static gboolean
key_error (Reader *reader, const char *key, GError **error, const char *format, ...)
{
  guint line = cr_keyfile_key_line (reader->file, GROUP, key);
  g_autofree char *what = NULL;
  g_autofree char *shown = NULL;
  g_autofree char *shown_key = NULL;
  va_list args;

  va_start (args, format);
  what = g_strdup_vprintf (format, args);
  va_end (args);
  /* Keys and values come from the file: shown, not obeyed. */
  shown = cr_escape_for_message (what, -1, 300);
  shown_key = cr_escape_for_message (key, -1, 64);
  if (line > 0)
    g_set_error (error, CR_ERROR, CR_ERROR_CONFIG, "%s:%u: key '%s': %s", reader->path, line,
                 shown_key, shown);
  else
    g_set_error (error, CR_ERROR, CR_ERROR_CONFIG, "%s: key '%s': %s", reader->path, shown_key,
                 shown);
  return FALSE;
}

/* The value of @key, stripped; NULL without an error when it is absent. */
static gboolean
get_value (Reader *reader, const char *key, gboolean required, const char **out, GError **error)
{
  g_autoptr (GError) local_error = NULL;
  g_autofree char *value = NULL;

  *out = NULL;
  if (!g_key_file_has_key (reader->file->keyfile, GROUP, key, NULL))
    {
      if (!required)
        return TRUE;
      g_set_error (error, CR_ERROR, CR_ERROR_CONFIG, "%s: [%s] has no '%s' key", reader->path,
                   GROUP, key);
      return FALSE;
    }
  value = cr_keyfile_get_string (reader->file, GROUP, key, &local_error);
  if (local_error != NULL)
    return key_error (reader, key, error, "%s", local_error->message);
  g_strstrip (value);
  if (*value == '\0')
    return key_error (reader, key, error, "empty value");
  *out = g_string_chunk_insert (reader->result->strings, value);
  return TRUE;
}

/* A value that names none of @names (a list from provider/names.c, freed here). */
static gboolean
not_a_choice (Reader *reader, const char *key, const char *value, char *names, GError **error)
{
  g_autofree char *allowed = names;

  return key_error (reader, key, error, "'%s' is not one of %s", value, allowed);
}

static gboolean
get_field_name (Reader *reader, const char *key, const char *fallback, const char **out,
                GError **error)
{
  if (!get_value (reader, key, FALSE, out, error))
    return FALSE;
  if (*out == NULL)
    {
      *out = fallback;
      return TRUE;
    }
  if (strlen (*out) > FIELD_NAME_MAX || !cr_descriptor_is_printable_line (*out))
    return key_error (reader, key, error, "not a JSON member name of at most %d printable bytes",
                      FIELD_NAME_MAX);
  return TRUE;
}

static gboolean
check_url (Reader *reader, const char *key, const char *url, GError **error)
{
  g_auto (GStrv) parts = NULL;
  g_autofree char *example = NULL;
  g_autoptr (GUri) uri = NULL;

  if (strlen (url) > URL_MAX || !cr_descriptor_is_printable_line (url) ||
      !cr_descriptor_is_https_url (url))
    return key_error (reader, key, error, "'%s' is not an https URL", url);
  /* {host} stands for (part of) the host, once: with a name in its place
   * the URL must parse, and have that name in its host. */
  parts = g_strsplit (url, "{host}", -1);
  example = g_strjoinv (CR_DESCRIPTOR_EXAMPLE_HOST, parts);
  uri = cr_descriptor_parse_url_template (url);
  if (uri == NULL || strpbrk (example, "{}") != NULL ||
      !cr_descriptor_host_placeholder_in_host (url))
    return key_error (reader, key, error,
                      "'%s' is not a URL (only {host} may stand in it, once, in the host)",
                      url);
  return TRUE;
}

/* RFC 8414 §2: an https URL without query or fragment, compared with the
 * metadata's as written ("https://a.example/" is not "https://a.example").
 * No {host}: discovery happens before any account could fill it. */
static gboolean
get_issuer (Reader *reader, const char **out, GError **error)
{
  g_autoptr (GUri) uri = NULL;
  const char *host;

  if (!get_value (reader, "issuer", FALSE, out, error))
    return FALSE;
  if (*out == NULL)
    return TRUE;
  if (strlen (*out) <= URL_MAX && cr_descriptor_is_printable_line (*out) &&
      cr_descriptor_is_https_url (*out) && strpbrk (*out, "{}?# ") == NULL)
    uri = g_uri_parse (*out, G_URI_FLAGS_NONE, NULL);
  host = uri != NULL ? g_uri_get_host (uri) : NULL;
  if (host == NULL || *host == '\0' || g_uri_get_userinfo (uri) != NULL)
    return key_error (reader, "issuer", error,
                      "'%s' is not an https URL without user, query or fragment (RFC 8414 §2)",
                      *out);
  return TRUE;
}

/* An optional endpoint URL. */
static gboolean
get_url (Reader *reader, const char *key, const char **out, GError **error)
{
  return get_value (reader, key, FALSE, out, error) &&
         (*out == NULL || check_url (reader, key, *out, error));
}

static gboolean
parse_grant (Reader *reader, const char *key, const char *name, CrGrantType *grant,
             GError **error)
{
  if (cr_grant_from_string (name, grant) && cr_descriptor_is_nameable_grant (*grant))
    return TRUE;
  /* The refresh grant is the core's own: not offered as a choice. */
  return key_error (reader, key, error,
                    "'%s' is not one of client_credentials, password, authorization_code, "
                    "device_code",
                    name);
}

/* "grant = NAME" (the one grant), or "grants = A;B" (the first is the
 * default), or both when the default is not the first listed. */
static gboolean
get_grants (Reader *reader, GError **error)
{
  CrPluginDescriptor *d = &reader->result->descriptor;
  g_autoptr (GError) local_error = NULL;
  g_auto (GStrv) items = NULL;
  const char *grant = NULL, *grants = NULL;
  gsize count = 0;

  if (!get_value (reader, "grant", FALSE, &grant, error) ||
      !get_value (reader, "grants", FALSE, &grants, error))
    return FALSE;
  if (grant == NULL && grants == NULL && d->issuer != NULL)
    {
      /* Until the metadata says, a default no account is served with. */
      d->grant = CR_GRANT_AUTHORIZATION_CODE;
      reader->result->left_to_metadata |= CR_METADATA_GRANTS;
      return TRUE;
    }
  if (grant == NULL && grants == NULL)
    {
      g_set_error (error, CR_ERROR, CR_ERROR_CONFIG, "%s: [%s] has no 'grant' key",
                   reader->path, GROUP);
      return FALSE;
    }
  if (grant != NULL && !parse_grant (reader, "grant", grant, &d->grant, error))
    return FALSE;
  if (grants == NULL)
    return TRUE;
  items = cr_keyfile_get_string_list (reader->file, GROUP, "grants", &count, &local_error);
  if (local_error != NULL)
    return key_error (reader, "grants", error, "%s", local_error->message);
  for (gsize i = 0; i < count; i++)
    {
      CrGrantType each;

      if (!parse_grant (reader, "grants", g_strstrip (items[i]), &each, error))
        return FALSE;
      if ((d->grants & CR_GRANT_BIT (each)) != 0)
        return key_error (reader, "grants", error, "'%s' is listed twice", items[i]);
      d->grants |= CR_GRANT_BIT (each);
      if (i == 0 && grant == NULL)
        d->grant = each;
    }
  if ((d->grants & CR_GRANT_BIT (d->grant)) == 0)
    return key_error (reader, "grant", error, "'%s' is not among the grants", grant);
  return TRUE;
}

/* "audience!;scope": names, a trailing '!' marking the required ones. */
static gboolean
get_params (Reader *reader, GError **error)
{
  g_autoptr (GError) local_error = NULL;
  g_auto (GStrv) items = NULL;
  g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  gsize count = 0;
  const char *text;
  CrPluginParam *params;

  if (!g_key_file_has_key (reader->file->keyfile, GROUP, "params", NULL))
    return TRUE;
  if (!get_value (reader, "params", TRUE, &text, error))
    return FALSE; /* an empty list is an empty value, refused as any other */
  items = cr_keyfile_get_string_list (reader->file, GROUP, "params", &count, &local_error);
  if (local_error != NULL)
    return key_error (reader, "params", error, "%s", local_error->message);
  if (count > CR_PROVIDER_FILE_MAX_PARAMS)
    return key_error (reader, "params", error, "more than %d parameters",
                      CR_PROVIDER_FILE_MAX_PARAMS);

  params = g_new0 (CrPluginParam, count + 1);
  reader->result->params = params;
  for (gsize i = 0; i < count; i++)
    {
      const char *written = g_strstrip (items[i]);
      gsize len = strlen (written);
      gboolean required = len > 0 && written[len - 1] == '!';
      g_autofree char *name = g_strndup (written, required ? len - 1 : len);

      if (!cr_descriptor_is_param_name (name))
        return key_error (reader, "params", error,
                          "'%s' is not a parameter name ([A-Za-z0-9_.-]+, at most %d, "
                          "then '!' if required)",
                          written, CR_PARAM_NAME_MAX);
      if (cr_descriptor_is_reserved_param (name))
        return key_error (reader, "params", error,
                          "'%s' is a key credring sends or reads itself", name);
      if (!g_hash_table_add (seen, g_strdup (name)))
        return key_error (reader, "params", error, "'%s' is listed twice", name);
      params[i].name = g_string_chunk_insert (reader->result->strings, name);
      params[i].presence = required ? CR_PARAM_REQUIRED : CR_PARAM_OPTIONAL;
    }
  reader->result->descriptor.params = params;
  return TRUE;
}

static gboolean
check_layout (Reader *reader, GError **error)
{
  g_auto (GStrv) groups = g_key_file_get_groups (reader->file->keyfile, NULL);
  g_auto (GStrv) keys = NULL;

  for (guint i = 0; groups[i] != NULL; i++)
    if (!g_str_equal (groups[i], GROUP))
      {
        g_autofree char *shown = cr_escape_for_message (groups[i], -1, 64);

        g_set_error (error, CR_ERROR, CR_ERROR_CONFIG, "%s:%u: unknown group [%s] (only [%s])",
                     reader->path,
                     GPOINTER_TO_UINT (g_hash_table_lookup (reader->file->group_lines, groups[i])),
                     shown, GROUP);
        return FALSE;
      }
  if (!g_key_file_has_group (reader->file->keyfile, GROUP))
    {
      g_set_error (error, CR_ERROR, CR_ERROR_CONFIG, "%s: no [%s] group", reader->path, GROUP);
      return FALSE;
    }
  if (reader->file->repeated_key != NULL)
    {
      g_autofree char *shown =
        cr_escape_for_message (strchr (reader->file->repeated_key, '\n') + 1, -1, 64);

      g_set_error (error, CR_ERROR, CR_ERROR_CONFIG, "%s:%u: key '%s' is given twice",
                   reader->path, reader->file->repeated_line, shown);
      return FALSE;
    }
  /* As written: a translated "description[de]" is unknown here too. */
  keys = cr_keyfile_keys_as_written (reader->file, GROUP);
  for (guint i = 0; keys[i] != NULL; i++)
    if (!g_strv_contains (known_keys, keys[i]))
      return key_error (reader, keys[i], error,
                        "unknown key (known: description, issuer, token_url, grant, grants, "
                        "client_auth, body, params, token_field, token_type_field, "
                        "expires_in_field, expires_at_field, authorization_url, "
                        "device_authorization_url, revocation_url, default_scope)");
  return TRUE;
}

/* client_auth and body.  With an issuer, client_auth may come from its
 * metadata, and the body is a form, as RFC 6749 §4 has it. */
static gboolean
get_encoding (Reader *reader, GError **error)
{
  CrPluginDescriptor *d = &reader->result->descriptor;
  const char *client_auth, *body;

  if (!get_value (reader, "client_auth", d->issuer == NULL, &client_auth, error))
    return FALSE;
  d->client_auth = CR_CLIENT_AUTH_BASIC; /* RFC 8414's default, until the metadata says */
  if (client_auth == NULL)
    reader->result->left_to_metadata |= CR_METADATA_CLIENT_AUTH;
  else if (!cr_client_auth_from_string (client_auth, &d->client_auth))
    return not_a_choice (reader, "client_auth", client_auth, cr_client_auth_list_names (), error);
  if (!get_value (reader, "body", d->issuer == NULL, &body, error))
    return FALSE;
  d->body_format = CR_BODY_FORM;
  if (body != NULL && !cr_body_format_from_string (body, &d->body_format))
    return not_a_choice (reader, "body", body, cr_body_format_list_names (), error);
  return TRUE;
}

static gboolean
read_descriptor (Reader *reader, const char *name, GError **error)
{
  CrPluginDescriptor *d = &reader->result->descriptor;
  const char *expires_in = NULL, *expires_at = NULL;

  if (!check_layout (reader, error))
    return FALSE;

  d->abi_major = CR_PLUGIN_ABI_MAJOR;
  d->abi_minor = CR_PLUGIN_ABI_MINOR;
  d->struct_size = sizeof (CrPluginDescriptor);
  d->name = g_string_chunk_insert (reader->result->strings, name);

  if (!get_value (reader, "description", TRUE, &d->description, error))
    return FALSE;
  if (strlen (d->description) > DESCRIPTION_MAX ||
      !cr_descriptor_is_printable_line (d->description))
    return key_error (reader, "description", error, "not one line of at most %d printable bytes",
                      DESCRIPTION_MAX);
  if (!get_issuer (reader, &d->issuer, error) ||
      !get_url (reader, "token_url", &d->token_url, error) ||
      !get_url (reader, "authorization_url", &d->authorization_url, error) ||
      !get_url (reader, "device_authorization_url", &d->device_authorization_url, error) ||
      !get_url (reader, "revocation_url", &d->revocation_url, error) ||
      !get_grants (reader, error))
    return FALSE;
  if (!get_value (reader, "default_scope", FALSE, &d->default_scope, error))
    return FALSE;
  if (d->default_scope != NULL && (strlen (d->default_scope) > DESCRIPTION_MAX ||
                                   !cr_descriptor_is_printable_line (d->default_scope)))
    return key_error (reader, "default_scope", error,
                      "not one line of at most %d printable bytes", DESCRIPTION_MAX);
  if (!get_encoding (reader, error) || !get_params (reader, error))
    return FALSE;

  if (!get_field_name (reader, "token_field", "access_token", &d->token_field, error) ||
      !get_field_name (reader, "token_type_field", "token_type", &d->token_type_field, error) ||
      !get_field_name (reader, "expires_in_field", NULL, &expires_in, error) ||
      !get_field_name (reader, "expires_at_field", NULL, &expires_at, error))
    return FALSE;
  if (expires_in != NULL && expires_at != NULL)
    return key_error (reader, "expires_at_field", error,
                      "the expiry is either expires_in_field or expires_at_field, not both");
  d->expiry_form = expires_at != NULL ? CR_EXPIRY_ABSOLUTE : CR_EXPIRY_SECONDS;
  d->expiry_field = expires_at != NULL  ? expires_at
                    : expires_in != NULL ? expires_in
                                        : "expires_in";
  return TRUE;
}

CrProviderFile *
cr_provider_file_load (const char *path, const char *name, GError **error)
{
  g_autoptr (CrKeyFile) file = NULL;
  g_autoptr (GError) invalid = NULL;
  CrProviderFile *result;
  Reader reader;
  int fd;

  g_return_val_if_fail (path != NULL && name != NULL, NULL);

  if (!cr_descriptor_is_provider_name (name))
    {
      g_autofree char *shown = cr_escape_for_message (path, -1, 200);

      g_set_error (error, CR_ERROR, CR_ERROR_CONFIG,
                   "%s: refused: the file name is not a provider name ([a-z0-9_-]+.conf)", shown);
      return NULL;
    }
  /* It decides where the secrets go: the same trust as a plugin, and the
   * file checked is the file read. */
  fd = cr_trusted_file_open (path, error);
  if (fd < 0)
    return NULL;
  file = cr_keyfile_read_fd (fd, path, "provider file", CR_PROVIDER_FILE_MAX_BYTES, NULL, error);
  close (fd);
  if (file == NULL)
    return NULL;

  result = g_new0 (CrProviderFile, 1);
  result->strings = g_string_chunk_new (256);
  reader = (Reader) { path, file, result };
  if (!read_descriptor (&reader, name, error))
    {
      cr_provider_file_free (result);
      return NULL;
    }
  /* What the checks above missed, the plugin rules catch. */
  if (!cr_descriptor_validate (&result->descriptor, name, &invalid))
    {
      g_set_error (error, CR_ERROR, CR_ERROR_CONFIG, "%s: %s", path, invalid->message);
      cr_provider_file_free (result);
      return NULL;
    }
  return result;
}

const CrPluginDescriptor *
cr_provider_file_get_descriptor (const CrProviderFile *file)
{
  g_return_val_if_fail (file != NULL, NULL);
  return &file->descriptor;
}

unsigned int
cr_provider_file_left_to_metadata (const CrProviderFile *file)
{
  g_return_val_if_fail (file != NULL, 0);
  return file->left_to_metadata;
}

void
cr_provider_file_free (CrProviderFile *file)
{
  if (file == NULL)
    return;
  g_free (file->params);
  g_string_chunk_free (file->strings);
  g_free (file);
}
