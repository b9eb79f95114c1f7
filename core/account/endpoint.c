/* An account's token endpoint: the provider's URL or the account's own, and
 * the rule that secrets travel only over https (or to this machine). */
#include "config.h"

#include <string.h>

#include <gio/gio.h>

#include <credring/credring.h>

#include "account/account.h"
#include "base/ascii.h"

/* A host value fills {host} in a URL, so it must not be able to add a path,
 * credentials or a second host. */
static gboolean
is_host_value (const char *host)
{
  return cr_ascii_is_word (host, 255, ".-:[]");
}

/* The account's own URL (@own), else @template with {host} filled in. */
static char *
template_url (const CrAccount *account, const char *key, const char *own, const char *template,
              GError **error)
{
  g_auto (GStrv) parts = NULL;

  if (own != NULL)
    return g_strdup (own);
  if (template == NULL)
    {
      cr_account_require_key (account, key, error);
      return NULL;
    }
  if (strstr (template, "{host}") == NULL)
    return g_strdup (template);
  if (account->host == NULL || !is_host_value (account->host))
    {
      cr_account_set_error (error, account, "needs a 'host' key holding a host name");
      return NULL;
    }
  parts = g_strsplit (template, "{host}", -1);
  return g_strjoinv (account->host, parts);
}

char *
cr_account_token_url (const CrAccount *account, const CrPluginDescriptor *provider,
                      GError **error)
{
  g_return_val_if_fail (account != NULL && provider != NULL, NULL);

  return cr_account_endpoint_url (account, "token_url", provider->token_url, error);
}

char *
cr_account_endpoint_url (const CrAccount *account, const char *key, const char *template,
                         GError **error)
{
  g_autofree char *url = NULL;
  g_autoptr (GUri) uri = NULL;
  g_autoptr (GError) parse_error = NULL;
  const char *scheme, *host;
  /* "token URL" for token_url: the words people know from messages. */
  g_autofree char *what = g_strdelimit (
    g_strndup (key, strlen (key) - (g_str_has_suffix (key, "_url") ? strlen ("_url") : 0)), "_",
    ' ');

  g_return_val_if_fail (account != NULL && key != NULL, NULL);

  url = template_url (account, key, cr_account_value (account, key), template, error);
  if (url == NULL)
    return NULL;
  uri = g_uri_parse (url, G_URI_FLAGS_NONE, &parse_error);
  if (uri == NULL || g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0')
    {
      /* GLib quotes the URL, which may hold anything. */
      g_autofree char *why = parse_error ? cr_escape_for_message (parse_error->message, -1, 200)
                                         : g_strdup ("no host");

      cr_account_set_error (error, account, "bad %s URL: %s", what, why);
      return NULL;
    }
  /* curl would turn user:password@ into an Authorization header of its
   * own, beside the provider's client authentication, unmasked by
   * --dry-run and --verbose. */
  if (g_uri_get_userinfo (uri) != NULL)
    {
      cr_account_set_error (error, account, "the %s URL must not hold a user or password", what);
      return NULL;
    }
  scheme = g_uri_get_scheme (uri);
  host = g_uri_get_host (uri);
  /* Plain http would hand the client secret to anyone on the path. */
  if (!g_str_equal (scheme, "https") && !(g_str_equal (scheme, "http") && cr_host_is_loopback (host)))
    {
      cr_account_set_error (error, account, "%s URL must be https (http only for loopback hosts)",
                            what);
      return NULL;
    }
  return g_steal_pointer (&url);
}
