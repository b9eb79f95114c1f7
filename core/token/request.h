/* Private to libcredring: request building (request.c) as the rest of
 * token/ and the tests use it. */
#ifndef CR_REQUEST_H
#define CR_REQUEST_H

#include <credring/credring.h>

G_BEGIN_DECLS

/* "Basic " + base64 (form-urlencode (id) ":" form-urlencode (secret)), RFC
 * 6749 §2.3.1.  Secret. */
char *cr_basic_authorization (const char *client_id, const char *client_secret);

/* cr_request_build() (@credentials NULL: _masked()) whose errors do not
 * name the account: for a caller that names it once for everything it
 * reports (fetch-client.c). */
CrRequest *cr_request_prepare (const CrPluginDescriptor *provider, const CrAccount *account,
                               const CrClientSecrets *credentials, GError **error);

/* The request that fetches a token for @account from @provider with
 * @credentials.  CR_ERROR_CONFIG for an account that lacks what the
 * provider needs, a missing secret, or a plugin hook that fails. */
CrRequest *cr_request_build (const CrPluginDescriptor *provider,
                             const CrAccount *account,
                             const CrClientSecrets *credentials, GError **error);

G_END_DECLS

#endif /* CR_REQUEST_H */
