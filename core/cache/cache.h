/* Private to libcredring: what the cache's files share with
 * credring-service and the credring executable, which link the core's
 * objects: the cached token as it is, and which settings it was issued
 * under. */
#ifndef CR_CACHE_H
#define CR_CACHE_H

#include <credring/credring.h>

G_BEGIN_DECLS

/* @account's cached token as it is, fresh or not (a damaged one reads as
 * none); NULL without an error when there is none.  Keyring failures are
 * CR_ERROR_KEYRING.  For showing: cr_cache_get_token() is what serves one. */
CrToken *cr_cache_lookup_token (const char *account, GError **error);

/* A digest of the settings that decide which token an account gets
 * (provider, token URL, host, client id, username, provider parameters)
 * and of what @provider makes of them (its token URL, grant, client
 * authentication, body format and parameters): a cached token issued
 * under other settings, or by a provider described otherwise, is not served. */
char *cr_account_fingerprint (const CrAccount *account, const CrPluginDescriptor *provider);

G_END_DECLS

#endif /* CR_CACHE_H */
