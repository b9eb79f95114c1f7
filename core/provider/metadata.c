/* An authorization server's metadata (provider/metadata.h): RFC 8414 §2
 * names the members, §3.3 says what a client must check. */
#include "config.h"

#include <string.h>

#include <credring/credring.h>

#include "provider/metadata.h"

#define MAX_DEPTH 16
#define URL_MAX 2048

/* RFC 8628 §3.4: the device grant's grant_type. */
#define DEVICE_GRANT_URN "urn:ietf:params:oauth:grant-type:device_code"

static gboolean
set_error_valist (GError **error, int code, const char *format, va_list args)
  G_GNUC_PRINTF (3, 0);

static gboolean
set_error_valist (GError **error, int code, const char *format, va_list args)
{
  g_autofree char *text = g_strdup_vprintf (format, args);

  g_set_error_literal (error, CR_ERROR, code, text);
  return FALSE;
}

/* The server answered wrongly: CR_ERROR_NETWORK, as for any bad answer. */
static gboolean
refuse (GError **error, const char *format, ...) G_GNUC_PRINTF (2, 3);

static gboolean
refuse (GError **error, const char *format, ...)
{
  va_list args;

  va_start (args, format);
  set_error_valist (error, CR_ERROR_NETWORK, format, args);
  va_end (args);
  return FALSE;
}

/* What yajl lets through and a metadata document has no use for: a NUL,
 * raw or escaped (yajl_tree's strings end at it, so "https://a\u0000b"
 * would pass for "https://a"), comments (yajl_tree allows them), nesting
 * deep enough to make freeing the tree recurse far, and anything but
 * white space after the outermost value (yajl takes an unfinished string
 * there for the start of more input and says nothing, so the document
 * would not stay JSON inside the discovery cache's wrapper). */
static gboolean
is_plain_json (const char *text, gsize len)
{
  gboolean in_string = FALSE;
  gboolean closed = FALSE;
  int depth = 0;

  for (gsize i = 0; i < len; i++)
    {
      char c = text[i];

      if (c == '\0')
        return FALSE;
      if (in_string)
        {
          if (c == '\\' && len - i > 5 && memcmp (text + i + 1, "u0000", 5) == 0)
            return FALSE;
          if (c == '\\' && i + 1 < len)
            i++;
          else if (c == '"')
            in_string = FALSE;
          continue;
        }
      if (closed && !g_ascii_isspace (c))
        return FALSE;
      if (c == '"')
        in_string = TRUE;
      else if (c == '/')
        return FALSE;
      else if ((c == '{' || c == '[') && ++depth > MAX_DEPTH)
        return FALSE;
      else if (c == '}' || c == ']')
        closed = --depth <= 0;
    }
  return TRUE;
}

/* A member named twice: which of the two counts would be a guess. */
static const char *
repeated_member (yajl_val object)
{
  g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  for (size_t i = 0; i < object->u.object.len; i++)
    if (!g_hash_table_add (seen, (gpointer) object->u.object.keys[i]))
      return object->u.object.keys[i];
  return NULL;
}

gboolean
cr_metadata_read_json (const char *text, gsize len, yajl_val *tree, GError **error)
{
  g_autofree char *copy = NULL;
  char why[128] = "";
  const char *repeated;

  *tree = NULL;
  if (len > CR_METADATA_MAX_BYTES)
    return refuse (error, "more than %d bytes", CR_METADATA_MAX_BYTES);
  if (!is_plain_json (text, len))
    return refuse (error,
                   "not plain JSON (a NUL byte, a comment, text after the object, "
                   "or nesting over %d levels)",
                   MAX_DEPTH);
  /* yajl_tree wants a string. */
  copy = g_strndup (text, len);
  *tree = yajl_tree_parse (copy, why, sizeof why);
  if (*tree == NULL || !YAJL_IS_OBJECT (*tree))
    {
      g_clear_pointer (tree, yajl_tree_free);
      return refuse (error, "not a JSON object");
    }
  repeated = repeated_member (*tree);
  if (repeated != NULL)
    {
      g_autofree char *shown = cr_escape_for_message (repeated, -1, 64);

      g_clear_pointer (tree, yajl_tree_free);
      return refuse (error, "member '%s' is given twice", shown);
    }
  return TRUE;
}

/* The member @name of @object, or NULL. */
static yajl_val
member (yajl_val object, const char *name)
{
  for (size_t i = 0; i < object->u.object.len; i++)
    if (strcmp (object->u.object.keys[i], name) == 0)
      return object->u.object.values[i];
  return NULL;
}

/* RFC 8414 §2: endpoints are URLs that use the https scheme; like a token
 * URL, http only to this machine.  No user:password@ (curl would send it
 * as a Basic header of its own), no fragment, nothing {host} could fill. */
static gboolean
is_endpoint_url (const char *url)
{
  g_autoptr (GUri) uri = NULL;
  const char *scheme, *host;

  if (strlen (url) > URL_MAX || strpbrk (url, "{}") != NULL)
    return FALSE;
  for (const char *p = url; *p != '\0'; p++)
    if (*p <= ' ' || *p > '~')
      return FALSE;
  uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL)
    return FALSE;
  scheme = g_uri_get_scheme (uri);
  host = g_uri_get_host (uri);
  if (host == NULL || *host == '\0' || g_uri_get_userinfo (uri) != NULL ||
      g_uri_get_fragment (uri) != NULL)
    return FALSE;
  return g_ascii_strcasecmp (scheme, "https") == 0 ||
         (g_ascii_strcasecmp (scheme, "http") == 0 && cr_host_is_loopback (host));
}

/* The endpoint @name into *@out: absent is fine unless @required. */
static gboolean
get_endpoint (yajl_val object, const char *name, gboolean required, char **out, GError **error)
{
  yajl_val value = member (object, name);

  if (value == NULL && !required)
    return TRUE;
  if (value == NULL)
    return refuse (error, "no %s", name);
  if (!YAJL_IS_STRING (value))
    return refuse (error, "%s is not a string", name);
  if (!is_endpoint_url (value->u.string))
    {
      g_autofree char *shown = cr_escape_for_message (value->u.string, -1, 200);

      return refuse (error,
                     "%s '%s' is not an https URL without user:password@ or fragment "
                     "(http only to this machine)",
                     name, shown);
    }
  *out = g_strdup (value->u.string);
  return TRUE;
}

/* The strings of the array @name, or @fallback (RFC 8414's default) when
 * it is absent.  Not freed: they point into @object or @fallback. */
static gboolean
get_list (yajl_val object, const char *name, const char *const *fallback, GPtrArray *out,
          GError **error)
{
  yajl_val value = member (object, name);

  if (value == NULL)
    {
      for (guint i = 0; fallback[i] != NULL; i++)
        g_ptr_array_add (out, (gpointer) fallback[i]);
      return TRUE;
    }
  if (!YAJL_IS_ARRAY (value))
    return refuse (error, "%s is not an array", name);
  for (size_t i = 0; i < value->u.array.len; i++)
    {
      if (!YAJL_IS_STRING (value->u.array.values[i]))
        return refuse (error, "%s holds something other than strings", name);
      g_ptr_array_add (out, value->u.array.values[i]->u.string);
    }
  return TRUE;
}

static gboolean
list_has (GPtrArray *list, const char *name)
{
  for (guint i = 0; i < list->len; i++)
    if (strcmp (g_ptr_array_index (list, i), name) == 0)
      return TRUE;
  return FALSE;
}

/* The lists: which grants, client authentications and PKCE methods. */
static gboolean
read_lists (CrMetadata *metadata, yajl_val object, GError **error)
{
  static const char *const default_grants[] = { "authorization_code", "implicit", NULL };
  static const char *const default_auths[] = { "client_secret_basic", NULL };
  static const char *const no_methods[] = { NULL };
  g_autoptr (GPtrArray) grants = g_ptr_array_new ();
  g_autoptr (GPtrArray) auths = g_ptr_array_new ();
  g_autoptr (GPtrArray) methods = g_ptr_array_new ();

  if (!get_list (object, "grant_types_supported", default_grants, grants, error) ||
      !get_list (object, "token_endpoint_auth_methods_supported", default_auths, auths, error) ||
      !get_list (object, "code_challenge_methods_supported", no_methods, methods, error))
    return FALSE;
  if (list_has (grants, "authorization_code"))
    metadata->grants |= CR_GRANT_BIT (CR_GRANT_AUTHORIZATION_CODE);
  if (list_has (grants, DEVICE_GRANT_URN))
    metadata->grants |= CR_GRANT_BIT (CR_GRANT_DEVICE_CODE);
  if (list_has (grants, "client_credentials"))
    metadata->grants |= CR_GRANT_BIT (CR_GRANT_CLIENT_CREDENTIALS);
  if (list_has (grants, "password"))
    metadata->grants |= CR_GRANT_BIT (CR_GRANT_PASSWORD);
  if (list_has (auths, "client_secret_basic"))
    metadata->client_auths |= CR_CLIENT_AUTH_BIT (CR_CLIENT_AUTH_BASIC);
  if (list_has (auths, "client_secret_post"))
    metadata->client_auths |= CR_CLIENT_AUTH_BIT (CR_CLIENT_AUTH_BODY);
  if (list_has (auths, "none"))
    metadata->client_auths |= CR_CLIENT_AUTH_BIT (CR_CLIENT_AUTH_NONE);
  metadata->s256 = list_has (methods, "S256");
  return TRUE;
}

/* RFC 9207 §3: a boolean, false when absent.  Anything else is a broken
 * document, not a "no": it decides whether a redirect is trusted. */
static gboolean
read_issuer_in_redirect (CrMetadata *metadata, yajl_val object, GError **error)
{
  yajl_val flag = member (object, "authorization_response_iss_parameter_supported");

  if (flag != NULL && !YAJL_IS_TRUE (flag) && !YAJL_IS_FALSE (flag))
    return refuse (error, "authorization_response_iss_parameter_supported is not true or false");
  metadata->issuer_in_redirect = flag != NULL && YAJL_IS_TRUE (flag);
  return TRUE;
}

/* RFC 8414 §3.3: the issuer it names is the one asked for, exactly;
 * else an attacker's metadata could stand in for the server's. */
static gboolean
check_issuer (yajl_val object, const char *issuer, GError **error)
{
  yajl_val named = member (object, "issuer");
  g_autofree char *shown = NULL;

  if (named == NULL || !YAJL_IS_STRING (named))
    return refuse (error, "no issuer (RFC 8414 §3.3)");
  if (strcmp (named->u.string, issuer) == 0)
    return TRUE;
  shown = cr_escape_for_message (named->u.string, -1, 200);
  return refuse (error, "it names the issuer '%s', not %s (RFC 8414 §3.3)", shown, issuer);
}

CrMetadata *
cr_metadata_from_json (const char *issuer, yajl_val object, GError **error)
{
  g_autoptr (CrMetadata) metadata = NULL;

  g_return_val_if_fail (issuer != NULL && object != NULL, NULL);

  if (!YAJL_IS_OBJECT (object))
    {
      refuse (error, "not a JSON object");
      return NULL;
    }
  if (!check_issuer (object, issuer, error))
    return NULL;
  metadata = g_new0 (CrMetadata, 1);
  metadata->issuer = g_strdup (issuer);
  if (!get_endpoint (object, "token_endpoint", TRUE, &metadata->token_endpoint, error) ||
      !get_endpoint (object, "authorization_endpoint", FALSE, &metadata->authorization_endpoint,
                     error) ||
      !get_endpoint (object, "device_authorization_endpoint", FALSE,
                     &metadata->device_authorization_endpoint, error) ||
      !get_endpoint (object, "revocation_endpoint", FALSE, &metadata->revocation_endpoint,
                     error) ||
      !read_lists (metadata, object, error) || !read_issuer_in_redirect (metadata, object, error))
    return NULL;
  return g_steal_pointer (&metadata);
}

CrMetadata *
cr_metadata_parse (const char *issuer, const char *text, gsize len, GError **error)
{
  yajl_val tree = NULL;
  CrMetadata *metadata;

  g_return_val_if_fail (issuer != NULL && text != NULL, NULL);

  if (!cr_metadata_read_json (text, len, &tree, error))
    return NULL;
  metadata = cr_metadata_from_json (issuer, tree, error);
  yajl_tree_free (tree);
  return metadata;
}

void
cr_metadata_free (CrMetadata *metadata)
{
  if (metadata == NULL)
    return;
  g_free (metadata->issuer);
  g_free (metadata->token_endpoint);
  g_free (metadata->authorization_endpoint);
  g_free (metadata->device_authorization_endpoint);
  g_free (metadata->revocation_endpoint);
  g_free (metadata);
}

gboolean
cr_metadata_needed (const CrPluginDescriptor *provider, unsigned int left)
{
  unsigned int grants;

  g_return_val_if_fail (provider != NULL, FALSE);

  if (provider->issuer == NULL || strstr (provider->issuer, "{host}") != NULL)
    return FALSE;
  grants = cr_provider_grant_set (provider);
  return left != 0 || provider->token_url == NULL ||
         ((grants & CR_GRANT_BIT (CR_GRANT_AUTHORIZATION_CODE)) != 0 &&
          provider->authorization_url == NULL) ||
         ((grants & CR_GRANT_BIT (CR_GRANT_DEVICE_CODE)) != 0 &&
          provider->device_authorization_url == NULL);
}

/* A right answer that this provider cannot use as it stands: the provider
 * file has to say more, CR_ERROR_CONFIG. */
static gboolean
unusable (GError **error, const char *format, ...) G_GNUC_PRINTF (2, 3);

static gboolean
unusable (GError **error, const char *format, ...)
{
  va_list args;

  va_start (args, format);
  set_error_valist (error, CR_ERROR_CONFIG, format, args);
  va_end (args);
  return FALSE;
}

/* The grants the server offers that credring can use with @out's endpoints. */
static gboolean
choose_grants (const CrMetadata *metadata, CrPluginDescriptor *out, GError **error)
{
  static const CrGrantType preferred[] = { CR_GRANT_AUTHORIZATION_CODE, CR_GRANT_DEVICE_CODE,
                                           CR_GRANT_CLIENT_CREDENTIALS, CR_GRANT_PASSWORD };
  unsigned int usable = metadata->grants;

  /* A grant without its endpoint could only fail later, for every account. */
  if (out->authorization_url == NULL)
    usable &= ~CR_GRANT_BIT (CR_GRANT_AUTHORIZATION_CODE);
  if (out->device_authorization_url == NULL)
    usable &= ~CR_GRANT_BIT (CR_GRANT_DEVICE_CODE);
  if (usable == 0)
    return unusable (error,
                     "its metadata offers none of the grants credring can use "
                     "(grant_types_supported, with their endpoints): name them in the "
                     "provider file (grants = ...)");
  out->grants = usable;
  for (guint i = 0; i < G_N_ELEMENTS (preferred); i++)
    if ((usable & CR_GRANT_BIT (preferred[i])) != 0)
      {
        out->grant = preferred[i];
        break;
      }
  return TRUE;
}

/* Basic first: RFC 6749 §2.3.1 has every server support it. */
static gboolean
choose_client_auth (const CrMetadata *metadata, CrPluginDescriptor *out, GError **error)
{
  static const CrClientAuth preferred[] = { CR_CLIENT_AUTH_BASIC, CR_CLIENT_AUTH_BODY,
                                            CR_CLIENT_AUTH_NONE };

  for (guint i = 0; i < G_N_ELEMENTS (preferred); i++)
    if ((metadata->client_auths & CR_CLIENT_AUTH_BIT (preferred[i])) != 0)
      {
        out->client_auth = preferred[i];
        return TRUE;
      }
  return unusable (error,
                   "its token endpoint takes none of client_secret_basic, client_secret_post "
                   "or none (token_endpoint_auth_methods_supported): name client_auth in the "
                   "provider file");
}

gboolean
cr_metadata_apply (const CrMetadata *metadata, unsigned int left, CrPluginDescriptor *provider,
                   GError **error)
{
  CrPluginDescriptor out;

  g_return_val_if_fail (metadata != NULL && provider != NULL, FALSE);

  out = *provider;
  if (out.token_url == NULL)
    out.token_url = metadata->token_endpoint;
  if (out.authorization_url == NULL)
    out.authorization_url = metadata->authorization_endpoint;
  if (out.device_authorization_url == NULL)
    out.device_authorization_url = metadata->device_authorization_endpoint;
  if (out.revocation_url == NULL)
    out.revocation_url = metadata->revocation_endpoint;
  if ((left & CR_METADATA_GRANTS) != 0 && !choose_grants (metadata, &out, error))
    return FALSE;
  if ((left & CR_METADATA_CLIENT_AUTH) != 0 && !choose_client_auth (metadata, &out, error))
    return FALSE;
  /* The rule cr_descriptor_validate() holds a loaded provider to (RFC 6749
   * §4.4), for what the metadata chose. */
  if (out.client_auth == CR_CLIENT_AUTH_NONE && out.grant == CR_GRANT_CLIENT_CREDENTIALS)
    return unusable (error,
                     "the client credentials grant needs a client secret, and its metadata "
                     "leaves only a public client (client_auth none): name client_auth or the "
                     "grants in the provider file");
  /* credring sends PKCE S256 always; RFC 8414 §2: no list, no PKCE. */
  if ((cr_provider_grant_set (&out) & CR_GRANT_BIT (CR_GRANT_AUTHORIZATION_CODE)) != 0 && !metadata->s256)
    return unusable (error,
                     "its metadata does not list S256 in code_challenge_methods_supported, and "
                     "credring signs in with the authorization code grant only with PKCE S256 "
                     "(RFC 7636): name other grants in the provider file (grants = device_code)");
  *provider = out;
  return TRUE;
}
