/* The keys of an account that say how a person signs in: which of its
 * provider's grants it uses, whether the client has a secret, the scope,
 * the endpoints and the redirect URI (RFC 8252).  Read once, by
 * cr_account_resolve(), like every other key. */
#include "config.h"

#include <string.h>

#include <gio/gio.h>

#include <credring/credring.h>

#include "account/account.h"
#include "base/ascii.h"
#include "provider/names.h"

gboolean
cr_grant_needs_person (CrGrantType grant)
{
  return grant == CR_GRANT_AUTHORIZATION_CODE || grant == CR_GRANT_DEVICE_CODE;
}

/* "a, b" of the grants in @set, for messages. */
static char *
grant_names (unsigned int set)
{
  g_autoptr (GString) names = g_string_new (NULL);

  for (int g = CR_GRANT_CLIENT_CREDENTIALS; g < CR_GRANT_REFRESH_TOKEN; g++)
    if ((set & CR_GRANT_BIT (g)) != 0)
      g_string_append_printf (names, "%s%s", names->len > 0 ? ", " : "",
                              cr_grant_to_string ((CrGrantType) g));
  return g_string_free (g_steal_pointer (&names), FALSE);
}

static gboolean
resolve_grant (CrAccount *account, const CrPluginDescriptor *provider, GError **error)
{
  const char *name = cr_account_value (account, "grant");
  unsigned int offered = cr_provider_grant_set (provider);
  g_autofree char *names = NULL;
  CrGrantType grant;

  account->grant = provider->grant;
  if (name == NULL)
    return TRUE;
  if (cr_grant_from_string (name, &grant) && grant != CR_GRANT_REFRESH_TOKEN &&
      (offered & CR_GRANT_BIT (grant)) != 0)
    {
      account->grant = grant;
      return TRUE;
    }
  names = grant_names (offered);
  {
    g_autofree char *shown = cr_escape_for_message (name, -1, 64);

    return cr_account_set_error (error, account, "grant '%s' is not one provider %s offers (%s)",
                                 shown, provider->name, names);
  }
}

static gboolean
resolve_client_auth (CrAccount *account, const CrPluginDescriptor *provider, GError **error)
{
  const char *name = cr_account_value (account, "client_auth");

  account->client_auth = provider->client_auth;
  if (name != NULL && !cr_client_auth_from_string (name, &account->client_auth))
    {
      g_autofree char *shown = cr_escape_for_message (name, -1, 64);
      g_autofree char *names = cr_client_auth_list_names ();

      return cr_account_set_error (error, account, "client_auth '%s' is not one of %s", shown,
                                   names);
    }
  /* RFC 6749 §4.4: only a confidential client may ask for a token of its own. */
  if (account->client_auth == CR_CLIENT_AUTH_NONE && account->grant == CR_GRANT_CLIENT_CREDENTIALS)
    return cr_account_set_error (error, account,
                                 "the client credentials grant needs a client secret "
                                 "(client_auth none is for the grants that sign a person in)");
  return TRUE;
}

/* A path the listener serves as it is: "/" and RFC 3986's unreserved
 * characters, nothing escaped. */
static gboolean
is_plain_path (const char *path)
{
  return *path == '\0' || (*path == '/' && cr_ascii_is_word (path, 512, "/-._~"));
}

/* RFC 8252 §7.3 and §8.3: http, a loopback IP literal (not "localhost",
 * which a hosts file or DNS may turn elsewhere), a port or none (any, an
 * ephemeral one), a path, no query or fragment. */
static gboolean
resolve_redirect_uri (CrAccount *account, GError **error)
{
  const char *text = cr_account_value (account, "redirect_uri");
  g_autoptr (GUri) uri = NULL;
  const char *host, *authority, *written_path;

  if (text == NULL)
    return TRUE;
  uri = g_uri_parse (text, G_URI_FLAGS_NONE, NULL);
  host = uri != NULL ? g_uri_get_host (uri) : NULL;
  /* The path as written, which is what is sent: GLib's has lost its dot
   * segments, and whatever they held. */
  authority = strstr (text, "://");
  written_path = authority != NULL ? strchr (authority + strlen ("://"), '/') : NULL;
  if (uri == NULL || !g_str_equal (g_uri_get_scheme (uri), "http") || host == NULL ||
      (!g_str_equal (host, "127.0.0.1") && !g_str_equal (host, "::1")) ||
      g_uri_get_userinfo (uri) != NULL || g_uri_get_query (uri) != NULL ||
      g_uri_get_fragment (uri) != NULL || g_uri_get_port (uri) == 0 ||
      !is_plain_path (g_uri_get_path (uri)) ||
      (written_path != NULL && !is_plain_path (written_path)))
    return cr_account_set_error (error, account,
                                 "redirect_uri must be http://127.0.0.1[:PORT]/PATH or "
                                 "http://[::1][:PORT]/PATH (RFC 8252: a loopback address, "
                                 "not localhost; a plain path, no query)");
  account->redirect_uri = g_strdup (text);
  return TRUE;
}

/* The endpoint @key: required for the grant in use (@needed), else
 * taken when it resolves.  The account's own value must be right either
 * way; the provider's template may not fit an account that does not use
 * it (an account with its own token_url has no host for {host}). */
static gboolean
resolve_endpoint (CrAccount *account, const char *key, const char *template, gboolean needed,
                  char **out, GError **error)
{
  g_autoptr (GError) local_error = NULL;
  gboolean own = cr_account_value (account, key) != NULL;

  if (!needed && !own && template == NULL)
    return TRUE;
  *out = cr_account_endpoint_url (account, key, template, &local_error);
  if (*out != NULL || (!needed && !own))
    return TRUE;
  g_propagate_error (error, g_steal_pointer (&local_error));
  return FALSE;
}

gboolean
cr_provider_takes_scope (const CrPluginDescriptor *provider)
{
  /* One that signs people in, or says what to ask for: not one of ABI
   * 1.1, whose requests (AutoGrab's: grant_type alone) stay as they were. */
  return provider->default_scope != NULL ||
         (cr_provider_grant_set (provider) & (CR_GRANT_BIT (CR_GRANT_AUTHORIZATION_CODE) |
                                        CR_GRANT_BIT (CR_GRANT_DEVICE_CODE))) != 0;
}

static gboolean
has_scope_param (const CrPluginDescriptor *provider)
{
  for (const CrPluginParam *p = provider->params; p != NULL && p->name != NULL; p++)
    if (g_str_equal (p->name, "scope"))
      return TRUE;
  return FALSE;
}

gboolean
cr_account_resolve_signin (CrAccount *account, const CrPluginDescriptor *provider,
                           GError **error)
{
  const char *scope = cr_account_value (account, "scope");

  g_clear_pointer (&account->authorization_endpoint, g_free);
  g_clear_pointer (&account->device_endpoint, g_free);
  g_clear_pointer (&account->revocation_endpoint, g_free);
  g_clear_pointer (&account->redirect_uri, g_free);
  g_clear_pointer (&account->scope, g_free);
  g_clear_pointer (&account->issuer, g_free);

  if (!resolve_grant (account, provider, error) ||
      !resolve_client_auth (account, provider, error) || !resolve_redirect_uri (account, error))
    return FALSE;
  /* A provider with a scope parameter sends it as a parameter already. */
  if (cr_provider_takes_scope (provider) && !has_scope_param (provider))
    account->scope = g_strdup (scope != NULL ? scope : provider->default_scope);
  return resolve_endpoint (account, "authorization_url", provider->authorization_url,
                           account->grant == CR_GRANT_AUTHORIZATION_CODE,
                           &account->authorization_endpoint, error) &&
         resolve_endpoint (account, "device_authorization_url", provider->device_authorization_url,
                           account->grant == CR_GRANT_DEVICE_CODE, &account->device_endpoint,
                           error) &&
         resolve_endpoint (account, "revocation_url", provider->revocation_url, FALSE,
                           &account->revocation_endpoint, error) &&
         resolve_endpoint (account, "issuer", provider->issuer, FALSE, &account->issuer, error);
}
