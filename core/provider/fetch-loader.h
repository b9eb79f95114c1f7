/* Private to libcredring: loading the fetch module (fetch/fetch-module.h),
 * fetch.so, the only code that links libcurl and libsoup.  Whoever talks
 * to a server (the token client, a sign-in, discovering an issuer's
 * metadata) asks for it here, on first use, so that a process that does
 * not (the cache-hit path) never maps it:
 *
 *   const CrFetchModule *module = cr_fetch_module (error);
 *
 *   if (module == NULL)
 *     return FALSE;
 *   status = module->post (&request, &answer, message, sizeof message);
 */
#ifndef CR_FETCH_LOADER_H
#define CR_FETCH_LOADER_H

#include <glib.h>

#include "fetch/fetch-module.h"

G_BEGIN_DECLS

/* The fetch module, loaded once per process, with the trust checks of a
 * plugin (cr_trusted_module_open()): $CREDRING_FETCH_MODULE, else the
 * installed one.  CR_ERROR_FAILED ("credring is not installed right")
 * when it is missing, refused or not this credring's version; every call
 * after a failure fails the same way. */
const CrFetchModule *cr_fetch_module (GError **error);

/* One GET of @url through @module, no credentials, @ca_certs (nullable)
 * trusted besides the system's; any HTTP status is an answer (free it
 * with module->response_free()).  No answer at all is CR_ERROR_NETWORK
 * with the module's words. */
CrFetchResponse *cr_fetch_get (const CrFetchModule *module, const char *url, GBytes *ca_certs,
                               gint64 timeout_ms, GError **error);

G_END_DECLS

#endif /* CR_FETCH_LOADER_H */
