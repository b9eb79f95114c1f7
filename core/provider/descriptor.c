/* The rules a provider descriptor follows, whether it comes from a
 * compiled plugin or from a provider file (credring/plugin.h states them). */
#include "config.h"

#include <string.h>

#include <credring/credring.h>

#include "provider/descriptor.h"
#include "provider/names.h"

/* The size of a descriptor of each minor of ABI 1: indexed by abi_minor. */
static const gsize descriptor_sizes[] = {
  CR_PLUGIN_DESCRIPTOR_SIZE_1_0,
  CR_PLUGIN_DESCRIPTOR_SIZE_1_1,
  CR_PLUGIN_DESCRIPTOR_SIZE_1_2,
};
G_STATIC_ASSERT (G_N_ELEMENTS (descriptor_sizes) == CR_PLUGIN_ABI_MINOR + 1);

/* Parameter names the core itself sends, and account keys that mean
 * something else: a plugin may not redefine them. */
static const char *const reserved_params[] = {
  "grant_type", "client_id", "client_secret", "username", "password",
  "provider", "token_url", "host", "url", "ca_file", "timeout", "min_valid",
  /* ABI 1.2's own keys and what its grants send */
  "grant", "client_auth", "redirect_uri", "signin_timeout", "authorization_url",
  "device_authorization_url", "revocation_url", "code", "code_verifier",
  "device_code", "refresh_token", "state", "response_type", "code_challenge",
  "code_challenge_method", "token", "token_type_hint", "issuer", NULL,
};

gboolean
cr_descriptor_is_provider_name (const char *name)
{
  if (name == NULL || *name == '\0' || strlen (name) > CR_PROVIDER_NAME_MAX)
    return FALSE;
  for (const char *p = name; *p != '\0'; p++)
    if (!g_ascii_islower (*p) && !g_ascii_isdigit (*p) && *p != '_' && *p != '-')
      return FALSE;
  return TRUE;
}

gboolean
cr_descriptor_is_param_name (const char *name)
{
  if (name == NULL || *name == '\0' || strlen (name) > CR_PARAM_NAME_MAX)
    return FALSE;
  for (const char *p = name; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '_' && *p != '-' && *p != '.')
      return FALSE;
  return TRUE;
}

gboolean
cr_descriptor_is_reserved_param (const char *name)
{
  return g_strv_contains (reserved_params, name);
}

gboolean
cr_descriptor_is_printable_line (const char *text)
{
  if (!g_utf8_validate (text, -1, NULL))
    return FALSE;
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    if (g_unichar_iscntrl (g_utf8_get_char (p)))
      return FALSE;
  return TRUE;
}

gboolean
cr_descriptor_is_https_url (const char *url)
{
  const char *authority = url + strlen ("https://");

  /* No user:password@ either: curl would send it as its own Basic header. */
  return g_str_has_prefix (url, "https://") && *authority != '\0' && *authority != '/' &&
         memchr (authority, '@', strcspn (authority, "/?#")) == NULL;
}

GUri *
cr_descriptor_parse_url_template (const char *url)
{
  g_auto (GStrv) parts = g_strsplit (url, "{host}", -1);
  g_autofree char *example = g_strjoinv (CR_DESCRIPTOR_EXAMPLE_HOST, parts);
  GUri *uri = g_uri_parse (example, G_URI_FLAGS_NONE, NULL);

  if (uri != NULL && (g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0'))
    g_clear_pointer (&uri, g_uri_unref);
  return uri;
}

/* The host of @url with @name in place of each {host}; NULL when none. */
static char *
host_with (const char *url, const char *name)
{
  g_auto (GStrv) parts = g_strsplit (url, "{host}", -1);
  g_autofree char *filled = g_strjoinv (name, parts);
  g_autoptr (GUri) uri = g_uri_parse (filled, G_URI_FLAGS_NONE, NULL);

  return uri != NULL && g_uri_get_host (uri) != NULL ? g_strdup (g_uri_get_host (uri)) : NULL;
}

gboolean
cr_descriptor_host_placeholder_in_host (const char *url)
{
  const char *placeholder = strstr (url, "{host}");
  g_autofree char *one = NULL;
  g_autofree char *other = NULL;

  if (placeholder == NULL)
    return TRUE;
  if (strstr (placeholder + strlen ("{host}"), "{host}") != NULL)
    return FALSE;
  one = host_with (url, "one.invalid");
  other = host_with (url, "other.invalid");
  /* Each name where it was put, as it was put (not turned into another
   * spelling of a host, as GLib does to one holding non-ASCII letters). */
  return one != NULL && other != NULL && !g_str_equal (one, other) &&
         strstr (one, "one.invalid") != NULL && strstr (other, "other.invalid") != NULL;
}

static gboolean
invalid (GError **error, const char *reason)
{
  g_set_error (error, CR_ERROR, CR_ERROR_CONFIG, "%s", reason);
  return FALSE;
}

static gboolean
is_field_name (const char *name)
{
  return name != NULL && *name != '\0';
}

/* The fields every ABI version has, that say which version and struct it is. */
static gboolean
validate_header (const CrPluginDescriptor *d, const char *expected_name, GError **error)
{
  if (d->abi_major != CR_PLUGIN_ABI_MAJOR || d->abi_minor > CR_PLUGIN_ABI_MINOR)
    {
      g_set_error (error, CR_ERROR, CR_ERROR_CONFIG,
                   "plugin ABI %u.%u is not supported by this credring (ABI %d.%d)",
                   d->abi_major, d->abi_minor, CR_PLUGIN_ABI_MAJOR, CR_PLUGIN_ABI_MINOR);
      return FALSE;
    }
  if (d->struct_size < CR_PLUGIN_DESCRIPTOR_SIZE_1_0)
    return invalid (error, "descriptor is smaller than ABI 1.0 requires");
  if (d->struct_size < descriptor_sizes[d->abi_minor])
    {
      g_set_error (error, CR_ERROR, CR_ERROR_CONFIG,
                   "descriptor is smaller than its ABI 1.%u requires", d->abi_minor);
      return FALSE;
    }
  if (!cr_descriptor_is_provider_name (d->name))
    return invalid (error, "descriptor has no valid name ([a-z0-9_-]+)");
  if (expected_name != NULL && strcmp (d->name, expected_name) != 0)
    {
      g_autofree char *shown = cr_escape_for_message (expected_name, -1, 64);

      g_set_error (error, CR_ERROR, CR_ERROR_CONFIG,
                   "descriptor name '%s' differs from the file name '%s'", d->name, shown);
      return FALSE;
    }
  return TRUE;
}

/* A default endpoint URL (NULL: none): https, and parsed now, not when an
 * account asks for a token. */
static gboolean
validate_url (const char *url, const char *what, GError **error)
{
  g_autoptr (GUri) uri = NULL;

  if (url == NULL)
    return TRUE;
  if (!cr_descriptor_is_https_url (url) || !cr_descriptor_is_printable_line (url))
    {
      g_set_error (error, CR_ERROR, CR_ERROR_CONFIG, "default %s URL is not https", what);
      return FALSE;
    }
  if ((uri = cr_descriptor_parse_url_template (url)) == NULL)
    {
      g_set_error (error, CR_ERROR, CR_ERROR_CONFIG, "default %s URL is not a URL", what);
      return FALSE;
    }
  if (!cr_descriptor_host_placeholder_in_host (url))
    {
      g_set_error (error, CR_ERROR, CR_ERROR_CONFIG,
                   "default %s URL has {host} outside its host or more than once", what);
      return FALSE;
    }
  return TRUE;
}

gboolean
cr_descriptor_is_nameable_grant (CrGrantType grant)
{
  return grant != CR_GRANT_REFRESH_TOKEN && cr_grant_to_string (grant) != NULL;
}

/* The grants and endpoints of ABI 1.2 (zero in older descriptors, once
 * normalised): the set holds the default and only grants one may name. */
static gboolean
validate_grants (const CrPluginDescriptor *d, GError **error)
{
  unsigned int known = 0;

  for (int g = CR_GRANT_CLIENT_CREDENTIALS; g <= CR_GRANT_REFRESH_TOKEN; g++)
    if (cr_descriptor_is_nameable_grant ((CrGrantType) g))
      known |= CR_GRANT_BIT (g);
  /* The grants of 1.2 come with 1.2's fields. */
  if (!cr_descriptor_is_nameable_grant (d->grant) ||
      (d->grant > CR_GRANT_PASSWORD && d->abi_minor < 2))
    return invalid (error, "unknown grant type");
  /* An older descriptor ends before these fields. */
  if (d->abi_minor < 2)
    return TRUE;
  if ((d->grants & ~known) != 0)
    return invalid (error, "the grant set holds a grant this credring does not know");
  if (d->grants != 0 && (d->grants & CR_GRANT_BIT (d->grant)) == 0)
    return invalid (error, "the grant set lacks the default grant");
  if (!validate_url (d->authorization_url, "authorization", error) ||
      !validate_url (d->device_authorization_url, "device authorization", error) ||
      !validate_url (d->revocation_url, "revocation", error) ||
      !validate_url (d->issuer, "issuer", error))
    return FALSE;
  /* RFC 8414 §2; a query would swallow the well-known path discovery adds. */
  if (d->issuer != NULL && strpbrk (d->issuer, "?#") != NULL)
    return invalid (error, "issuer has a query or fragment (RFC 8414 §2: it may not)");
  if (d->default_scope != NULL &&
      (*d->default_scope == '\0' || !cr_descriptor_is_printable_line (d->default_scope)))
    return invalid (error, "default scope is not one printable line");
  return TRUE;
}

/* What is sent where, and how the answer is read. */
static gboolean
validate_request (const CrPluginDescriptor *d, GError **error)
{
  if (!validate_url (d->token_url, "token", error) || !validate_grants (d, error))
    return FALSE;
  /* basic-raw came with ABI 1.1, none (public clients) with 1.2. */
  if (cr_client_auth_to_string (d->client_auth) == NULL ||
      (d->client_auth == CR_CLIENT_AUTH_BASIC_RAW && d->abi_minor < 1) ||
      (d->client_auth == CR_CLIENT_AUTH_NONE && d->abi_minor < 2))
    return invalid (error, "unknown client authentication");
  /* RFC 6749 §4.4: only a confidential client asks for a token of its own;
   * every account left to these defaults would fail. */
  if (d->client_auth == CR_CLIENT_AUTH_NONE && d->grant == CR_GRANT_CLIENT_CREDENTIALS)
    return invalid (error, "the client credentials grant needs a client secret, and the "
                           "default client authentication is none");
  if (cr_body_format_to_string (d->body_format) == NULL)
    return invalid (error, "unknown body format");
  /* Fields of 1.1 exist only in descriptors that declare 1.1; a
   * parse_response hook reads the answer instead of the field names. */
  if (!(d->abi_minor >= 1 && d->parse_response != NULL))
    {
      if (cr_expiry_form_to_string (d->expiry_form) == NULL)
        return invalid (error, "unknown expiry form");
      if (!is_field_name (d->token_field) || !is_field_name (d->expiry_field))
        return invalid (error, "descriptor lacks the token or expiry field name");
    }
  for (const CrPluginParam *p = d->params; p != NULL && p->name != NULL; p++)
    {
      if (!cr_descriptor_is_param_name (p->name) || cr_descriptor_is_reserved_param (p->name))
        return invalid (error, "descriptor has an invalid or reserved parameter name");
      if (p->presence != CR_PARAM_OPTIONAL && p->presence != CR_PARAM_REQUIRED)
        return invalid (error, "unknown parameter presence");
    }
  return TRUE;
}

gboolean
cr_descriptor_validate (const CrPluginDescriptor *d, const char *expected_name, GError **error)
{
  g_return_val_if_fail (d != NULL, FALSE);

  if (!validate_header (d, expected_name, error))
    return FALSE;
  if (d->description == NULL || *d->description == '\0' ||
      !cr_descriptor_is_printable_line (d->description))
    return invalid (error, "descriptor has no one-line description");
  return validate_request (d, error);
}

void
cr_descriptor_normalize (const CrPluginDescriptor *descriptor, CrPluginDescriptor *copy)
{
  gsize size;

  g_return_if_fail (descriptor != NULL && copy != NULL);
  g_return_if_fail (descriptor->abi_minor <= CR_PLUGIN_ABI_MINOR);

  size = descriptor_sizes[descriptor->abi_minor];

  memset (copy, 0, sizeof *copy);
  memcpy (copy, descriptor, size);
}
