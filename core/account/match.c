/* Which account answers a request for a URL (the git helper's question). */
#include "config.h"

#include <string.h>

#include <gio/gio.h>

#include <credring/credring.h>

#include "account/account.h"
#include "base/host.h"

/* What names a server, compared the way RFC 3986 §6.2.2-6.2.3 says two
 * spellings of one are equal: scheme and host name in any case, no port
 * meaning the scheme's default, and a fully qualified name's trailing dot
 * (RFC 1034 §3.1) left out.  @host is an IP literal without its brackets. */
typedef struct {
  const char *scheme;
  char *host;
  int port; /* -1: none given and the scheme has no default */
} Origin;

static void
origin_clear (Origin *origin)
{
  g_clear_pointer (&origin->host, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Origin, origin_clear)

static int
default_port (const char *scheme)
{
  if (g_ascii_strcasecmp (scheme, "https") == 0)
    return 443;
  if (g_ascii_strcasecmp (scheme, "http") == 0)
    return 80;
  return -1;
}

/* A host name without one trailing dot; an IP literal (it holds ':') as it is. */
static char *
host_name (const char *name, gsize len)
{
  if (len > 1 && name[len - 1] == '.' && name[len - 2] != '.' && memchr (name, ':', len) == NULL)
    len--;
  return g_strndup (name, len);
}

/* @port_text as a port: empty means the default (RFC 3986 §3.2.3), else
 * decimal digits naming 1 to 65535. */
static gboolean
parse_port (const char *scheme, const char *port_text, int *port)
{
  if (!cr_host_parse_port (port_text, port))
    return FALSE;
  if (*port == 0)
    *port = default_port (scheme);
  return TRUE;
}

/* The origin of a request: @host as git writes it, "name", "name:port" or
 * "[v6]:port".  FALSE when it is none of those. */
static gboolean
request_origin (const char *protocol, const char *host, Origin *origin)
{
  g_autofree char *name = NULL;
  g_autofree char *port = NULL;
  const char *bare;
  gsize bare_len;

  if (!cr_host_split (host, &name, &port) || !parse_port (protocol, port, &origin->port))
    return FALSE;
  bare = name[0] == '[' ? name + 1 : name;
  bare_len = strlen (bare) - (name[0] == '[' ? 1 : 0);
  if (bare_len == 0)
    return FALSE;
  origin->scheme = protocol;
  origin->host = host_name (bare, bare_len);
  return TRUE;
}

/* The origin of an account URL; GLib has taken the brackets off an IP literal. */
static gboolean
url_origin (GUri *uri, Origin *origin)
{
  const char *host = g_uri_get_host (uri);

  if (host == NULL || *host == '\0')
    return FALSE;
  origin->scheme = g_uri_get_scheme (uri);
  origin->host = host_name (host, strlen (host));
  origin->port = g_uri_get_port (uri) != -1 ? g_uri_get_port (uri) : default_port (origin->scheme);
  return TRUE;
}

/* IPv6 literals are compared as addresses: "::1" and "0:0::1" are one host. */
static gboolean
same_host (const char *a, const char *b)
{
  g_autoptr (GInetAddress) address_a = NULL;
  g_autoptr (GInetAddress) address_b = NULL;

  if (g_ascii_strcasecmp (a, b) == 0)
    return TRUE;
  if (strchr (a, ':') == NULL || strchr (b, ':') == NULL)
    return FALSE;
  address_a = g_inet_address_new_from_string (a);
  address_b = g_inet_address_new_from_string (b);
  return address_a != NULL && address_b != NULL && g_inet_address_equal (address_a, address_b);
}

static gboolean
same_origin (const Origin *a, const Origin *b)
{
  return g_ascii_strcasecmp (a->scheme, b->scheme) == 0 && a->port == b->port &&
         same_host (a->host, b->host);
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
  g_auto (Origin) wanted = { 0 };
  g_auto (Origin) requested = { 0 };
  g_autofree char *request_path = NULL;
  const char *uri_path;

  /* No protocol or host is no request at all: never a wildcard. */
  if (protocol == NULL || *protocol == '\0' || host == NULL || *host == '\0')
    return FALSE;
  uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL || !url_origin (uri, &wanted) || !request_origin (protocol, host, &requested) ||
      !same_origin (&wanted, &requested))
    return FALSE;
  uri_path = g_uri_get_path (uri);
  while (*uri_path == '/')
    uri_path++;
  /* git leaves a URL's query and fragment in its path; they name no other
   * place for credentials. */
  if (path != NULL)
    request_path = g_strndup (path, strcspn (path, "?#"));
  return path_covers (uri_path, request_path);
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

/* Whether one of @urls covers the request. */
static gboolean
urls_match (char **urls, const char *protocol, const char *host, const char *path)
{
  for (guint i = 0; urls[i] != NULL; i++)
    if (cr_url_matches (urls[i], protocol, host, path))
      return TRUE;
  return FALSE;
}

/* The providers loaded while matching one request, each at most once:
 * several accounts of one provider share it, and one that failed to load
 * is not tried again. */
typedef struct {
  GHashTable *loaded;   /* provider name -> CrProvider */
  GHashTable *failures; /* provider name -> the GError of its loading */
} Providers;

static void
providers_clear (Providers *providers)
{
  g_clear_pointer (&providers->loaded, g_hash_table_unref);
  g_clear_pointer (&providers->failures, g_hash_table_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Providers, providers_clear)

/* Read by the tests through cr_match_provider_loads(). */
static guint provider_loads;

guint
cr_match_provider_loads (void)
{
  return g_atomic_int_get (&provider_loads);
}

/* The provider @name, loaded on first use; owned by @providers. */
static CrProvider *
providers_get (Providers *providers, const char *name, GError **error)
{
  CrProvider *provider = g_hash_table_lookup (providers->loaded, name);
  GError *failure = g_hash_table_lookup (providers->failures, name);

  if (provider == NULL && failure == NULL)
    {
      g_atomic_int_inc (&provider_loads);
      provider = cr_provider_load (name, &failure);
      if (provider != NULL)
        g_hash_table_insert (providers->loaded, g_strdup (name), provider);
      else
        g_hash_table_insert (providers->failures, g_strdup (name), failure);
    }
  if (provider == NULL)
    g_propagate_error (error, g_error_copy (failure));
  return provider;
}

/* The URLs @account answers for; without url and token_url its provider
 * tells them, so that is loaded.  NULL, with the reason, when they cannot
 * be known. */
static char **
matching_urls (const CrAccount *account, Providers *providers, GError **error)
{
  CrProvider *provider;
  g_autofree char *token_url = NULL;

  if (account->urls != NULL || account->token_url != NULL)
    return cr_account_urls (account, NULL);
  provider = providers_get (providers, account->provider, error);
  if (provider == NULL)
    {
      g_prefix_error (error, "%s: account [%s]: ", account->config_path, account->name);
      return NULL;
    }
  /* Its error says why there is no URL to match (a missing host, an
   * issuer that cannot be asked, ...). */
  if (!cr_account_complete_provider (account, provider, error))
    return NULL;
  token_url = cr_account_token_url (account, cr_provider_get_descriptor (provider), error);
  if (token_url == NULL)
    return NULL;
  return cr_account_urls (account, cr_provider_get_descriptor (provider));
}

/* The matched @account resolved, as cr_config_open_account() does, with
 * its provider moved out of @providers into *@provider_out. */
static CrAccount *
open_matched (Providers *providers, CrAccount *account, CrProvider **provider_out,
              GPtrArray *warnings, GError **error)
{
  g_autoptr (CrAccount) owned = account;
  g_autoptr (CrProvider) provider = NULL;
  g_autofree char *stolen_key = NULL;

  if (providers_get (providers, account->provider, error) == NULL)
    {
      g_prefix_error (error, "%s: account [%s]: ", account->config_path, account->name);
      return NULL;
    }
  g_hash_table_steal_extended (providers->loaded, account->provider, (gpointer *) &stolen_key,
                               (gpointer *) &provider);
  if (!cr_account_resolve_with (account, provider, warnings, error))
    return NULL;
  *provider_out = g_steal_pointer (&provider);
  return g_steal_pointer (&owned);
}

static void
add_warning (GPtrArray *warnings, char *warning)
{
  if (warnings != NULL)
    g_ptr_array_add (warnings, warning);
  else
    g_free (warning);
}

CrAccount *
cr_config_match_account (CrConfig *config, const char *protocol, const char *host,
                         const char *path, CrProvider **provider_out, GPtrArray *warnings,
                         GError **error)
{
  g_auto (Providers) providers = { NULL, NULL };
  g_auto (GStrv) names = NULL;

  g_return_val_if_fail (config != NULL && provider_out != NULL, NULL);

  providers.loaded = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                            (GDestroyNotify) cr_provider_free);
  providers.failures = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                              (GDestroyNotify) g_error_free);
  names = cr_config_list_accounts (config);
  for (guint i = 0; names[i] != NULL; i++)
    {
      g_autoptr (GError) problem = NULL;
      g_autoptr (CrAccount) account = cr_config_get_account (config, names[i], &problem);
      g_auto (GStrv) urls = account ? matching_urls (account, &providers, &problem) : NULL;

      /* An account that cannot tell its URLs might be the one asked for:
       * said, so that nobody wonders why another answers, or none. */
      if (urls == NULL)
        {
          add_warning (warnings, g_strdup_printf ("%s (account skipped)", problem->message));
          continue;
        }
      /* The one that matches answers, or fails: never another in its place. */
      if (urls_match (urls, protocol, host, path))
        return open_matched (&providers, g_steal_pointer (&account), provider_out, warnings,
                             error);
    }
  return NULL;
}
