/* Which account answers a request for a URL (the git helper's question). */
#include "config.h"

#include <string.h>

#include <credring/credring.h>

/* "host" or "host:port" as git writes it: no default port, IPv6 in brackets. */
static char *
git_host (GUri *uri)
{
  const char *host = g_uri_get_host (uri);
  int port = g_uri_get_port (uri);
  const char *scheme = g_uri_get_scheme (uri);
  gboolean default_port = port == -1 || (g_str_equal (scheme, "https") && port == 443) ||
                          (g_str_equal (scheme, "http") && port == 80);
  g_autofree char *name = strchr (host, ':') ? g_strdup_printf ("[%s]", host) : g_strdup (host);

  return default_port ? g_steal_pointer (&name) : g_strdup_printf ("%s:%d", name, port);
}

/* A path prefix matches whole segments: "v2" covers "v2" and "v2/x", not "v2x". */
static gboolean
path_covers (const char *prefix, const char *path)
{
  gsize len = strlen (prefix);

  if (len == 0)
    return TRUE;
  if (path == NULL || strncmp (prefix, path, len) != 0)
    return FALSE;
  return path[len] == '\0' || path[len] == '/' || prefix[len - 1] == '/';
}

gboolean
cr_url_matches (const char *url, const char *protocol, const char *host, const char *path)
{
  g_autoptr (GUri) uri = NULL;
  g_autofree char *uri_host = NULL;
  const char *uri_path;

  /* No protocol or host is no request at all: never a wildcard. */
  if (protocol == NULL || *protocol == '\0' || host == NULL || *host == '\0')
    return FALSE;
  uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL || g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0')
    return FALSE;
  uri_host = git_host (uri);
  if (g_ascii_strcasecmp (g_uri_get_scheme (uri), protocol) != 0 ||
      g_ascii_strcasecmp (uri_host, host) != 0)
    return FALSE;
  uri_path = g_uri_get_path (uri);
  while (*uri_path == '/')
    uri_path++;
  return path_covers (uri_path, path);
}

char **
cr_account_urls (const CrAccount *account, const CrPluginDescriptor *provider)
{
  g_autofree char *token_url = NULL;
  g_autoptr (GUri) uri = NULL;
  char **origin;

  g_return_val_if_fail (account != NULL, NULL);

  if (account->urls != NULL)
    return g_strdupv (account->urls);
  if (account->token_url != NULL)
    token_url = g_strdup (account->token_url);
  else if (provider != NULL)
    token_url = cr_account_token_url (account, provider, NULL);
  if (token_url != NULL)
    uri = g_uri_parse (token_url, G_URI_FLAGS_NONE, NULL);

  origin = g_new0 (char *, 2);
  if (uri != NULL)
    origin[0] = g_uri_join (G_URI_FLAGS_NONE, g_uri_get_scheme (uri), NULL, g_uri_get_host (uri),
                            g_uri_get_port (uri), "", NULL, NULL);
  return origin;
}

static gboolean
account_matches (const CrAccount *account, const char *protocol, const char *host,
                 const char *path)
{
  g_autoptr (CrPlugin) plugin = NULL;
  g_auto (GStrv) urls = NULL;

  /* The plugin is needed only to derive the default URL from its token URL. */
  if (account->urls == NULL && account->token_url == NULL)
    plugin = cr_plugin_load (account->provider, NULL);
  urls = cr_account_urls (account, plugin ? cr_plugin_get_descriptor (plugin) : NULL);
  for (guint i = 0; urls[i] != NULL; i++)
    if (cr_url_matches (urls[i], protocol, host, path))
      return TRUE;
  return FALSE;
}

CrAccount *
cr_config_match_account (CrConfig *config, const char *protocol, const char *host,
                         const char *path)
{
  g_auto (GStrv) names = NULL;

  g_return_val_if_fail (config != NULL, NULL);

  names = cr_config_list_accounts (config);
  for (guint i = 0; names[i] != NULL; i++)
    {
      /* An account that does not load cannot answer; it is not an error here. */
      g_autoptr (CrAccount) account = cr_config_get_account (config, names[i], NULL);

      if (account != NULL && account_matches (account, protocol, host, path))
        return g_steal_pointer (&account);
    }
  return NULL;
}
