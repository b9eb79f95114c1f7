/* Private to the fetch module: one POST (or GET) over libcurl. */
#ifndef CR_HTTP_H
#define CR_HTTP_H

#include <glib.h>

#include "fetch/fetch-module.h"

G_BEGIN_DECLS

/* POSTs @request within @timeout_ms, or GETs it (no body) when its
 * method is "GET"; any other method is CR_ERROR_FAILED.  Only https (http for loopback hosts,
 * then never through a proxy), verified TLS with the request's extra CAs
 * trusted besides the system's, no redirects.  Any HTTP status is a
 * response; transport failures are CR_ERROR_NETWORK, and *@transient
 * (nullable) says whether trying again may help (refused connection,
 * timeout, broken transfer — not a certificate problem). */
CrFetchResponse *cr_http_post (const CrFetchRequest *request, gint64 timeout_ms,
                               gboolean *transient, GError **error);

/* Wipes the body, then frees.  NULL is fine. */
void cr_http_response_free (CrFetchResponse *response);

G_END_DECLS

#endif /* CR_HTTP_H */
