/* Private to libcredring: the fetch module, which does the HTTP side of
 * getting a token (http.c, fetch.c) and is the only part that links
 * libcurl.  cache.c loads it on the first fetch, so the cache-hit
 * path never maps libcurl and its dependencies. */
#ifndef CR_FETCH_H
#define CR_FETCH_H

#include <credring/credring.h>

G_BEGIN_DECLS

/* "Basic " + base64 (form-urlencode (id) ":" form-urlencode (secret)), RFC
 * 6749 §2.3.1 (request.c, for the tests).  Secret. */
char *cr_basic_authorization (const char *client_id, const char *client_secret);

/* POSTs @request within @timeout_ms.  Only https (http for loopback hosts),
 * verified TLS with @ca_certs (nullable: the account's ca_file as cache.c
 * read it, PEM) trusted besides the system's CAs, no redirects.  Any HTTP
 * status is a response; transport failures are CR_ERROR_NETWORK, and
 * *@transient (nullable) says whether trying again may help (refused
 * connection, timeout, broken transfer — not a certificate problem). */
CrResponse *cr_http_post (const CrRequest *request, GBytes *ca_certs, gint64 timeout_ms,
                          gboolean *transient, GError **error);

/* The module's one exported function: what cr_token_fetch() does, with the
 * account's ca_file already read (@ca_certs, nullable): the module never
 * opens it, so what was checked is what is used. */
#define CR_FETCH_MODULE_SYMBOL "cr_fetch_module_fetch_token"
typedef CrToken *(*CrFetchTokenFunc) (const CrAccount *account,
                                      const CrPluginDescriptor *provider,
                                      const CrCredentials *credentials, GBytes *ca_certs,
                                      GError **error);
CR_PLUGIN_EXPORT CrToken *cr_fetch_module_fetch_token (const CrAccount *account,
                                                       const CrPluginDescriptor *provider,
                                                       const CrCredentials *credentials,
                                                       GBytes *ca_certs, GError **error);

G_END_DECLS

#endif /* CR_FETCH_H */
