/* Private to libcredring: what the files of account/ share.  Every
 * message about an account is made here, so that it names the file and
 * the account once: "FILE: account [NAME]: ...". */
#ifndef CR_ACCOUNT_H
#define CR_ACCOUNT_H

#include <credring/credring.h>

G_BEGIN_DECLS

/* A deep copy of @account, resolved or not, that shares nothing with it
 * (what cr_token_get_async() keeps): free with cr_account_free(). */
CrAccount *cr_account_copy (const CrAccount *account);

/* Keys every account may have, whatever its provider. */
extern const char *const cr_account_common_keys[];

/* @key's value when it is set and not empty, else NULL. */
const char *cr_account_value (const CrAccount *account, const char *key);

/* Sets @error (CR_ERROR_CONFIG) to "FILE: account [NAME]: " and the
 * formatted text.  Returns FALSE. */
gboolean cr_account_set_error (GError **error, const CrAccount *account, const char *format, ...)
  G_GNUC_PRINTF (3, 4);

/* Prefixes @error (set by something that does not know the account) with
 * "account [NAME]: ", the one place such messages name it.  Returns NULL. */
gpointer cr_account_prefix_error (GError **error, const CrAccount *account);

/* TRUE when @key is set; else CR_ERROR_CONFIG naming the account and the
 * key, and the key the account has that is most likely a typo of it. */
gboolean cr_account_require_key (const CrAccount *account, const char *key, GError **error);

/* @account's ca_file, read as accounts.conf is (a regular file of at most
 * 1 MiB of text, opened without blocking), so that a FIFO or a device
 * named there can neither hang the caller nor fill memory; *@out NULL for
 * an account without one.  CR_ERROR_CONFIG naming the account and the key.
 * Whatever talks to a server for the account (its tokens, its provider's
 * metadata) trusts these CAs besides the system's. */
gboolean cr_account_read_ca_file (const CrAccount *account, GBytes **out, GError **error);

/* What an issuer leaves @provider to learn (provider/discovery.h): from
 * the discovery cache when it is fresh, else fetched with @account's
 * ca_file and timeout.  TRUE at once for a provider that names its
 * endpoints (and for one already completed in this process). */
gboolean cr_account_complete_provider (const CrAccount *account, CrProvider *provider,
                                       GError **error);

/* cr_account_resolve() against @provider as loaded (completed first by
 * cr_account_complete_provider()), its warnings (a provider file shadowed
 * by a plugin) added to @warnings (nullable). */
gboolean cr_account_resolve_with (CrAccount *account, CrProvider *provider, GPtrArray *warnings,
                                  GError **error);

/* The token URL for @account (endpoint.c): its token_url, else the
 * provider's with {host} filled in; CR_ERROR_CONFIG unless it is https
 * (http only for loopback hosts) and holds no user or password. */
char *cr_account_token_url (const CrAccount *account, const CrPluginDescriptor *provider,
                            GError **error);

/* The URL of another endpoint of @account: its @key ("authorization_url",
 * ...), else @template (the provider's; nullable) with {host} filled in,
 * under the token URL's rules.  CR_ERROR_CONFIG naming @key when neither
 * is there. */
char *cr_account_endpoint_url (const CrAccount *account, const char *key, const char *template,
                               GError **error);

/* The keys of the grants that sign a person in (signin-keys.c), read by
 * cr_account_resolve(): grant, client_auth, scope, redirect_uri and the
 * endpoints the chosen grant needs. */
gboolean cr_account_resolve_signin (CrAccount *account, const CrPluginDescriptor *provider,
                                    GError **error);
/* TRUE when an account's "scope" key means something for @provider
 * without a scope parameter: it signs people in, or has a default scope. */
gboolean cr_provider_takes_scope (const CrPluginDescriptor *provider);

/* How many times matching a URL to an account (match.c) has loaded a
 * provider in this process: what the tests count to see that it loads
 * only what it needs. */
guint cr_match_provider_loads (void);

/* TRUE when a request for @protocol://@host/@path falls under @url: the
 * same origin, and @path starting with @url's path at a segment boundary
 * when @url has one.  @host is as git writes it ("name", "name:port",
 * "[v6]:port").  Origins compare as RFC 3986 §6.2 says: scheme and host in
 * any case, the scheme's default port (443, 80) the same as none, one
 * trailing dot of a host name ignored, IPv6 literals as addresses.  A query
 * or fragment git left in @path is ignored.  A missing or empty protocol or
 * host, or a host that is not one, never matches. */
gboolean cr_url_matches (const char *url, const char *protocol, const char *host,
                         const char *path);
/* The API URLs @account's token is for: its url key, else the origin of its
 * token URL (@provider nullable when the account sets token_url).  Free
 * with g_strfreev(). */
char **cr_account_urls (const CrAccount *account, const CrPluginDescriptor *provider);

G_END_DECLS

#endif /* CR_ACCOUNT_H */
