/* Private to the fetch module: the loopback listener for a browser's
 * sign-in redirect (RFC 8252 §7.3), behind fetch-module.h's listen,
 * wait_redirect, listener_free and query_free, which say what each does.
 *
 *   CrRedirectListener *listener;
 *   unsigned int port;
 *   char *query, message[512];
 *
 *   if (cr_redirect_listen ("127.0.0.1", 0, "/callback", &listener, &port,
 *                           message, sizeof message) == CR_FETCH_OK &&
 *       cr_redirect_wait (listener, state, 120000, &query,
 *                         message, sizeof message) == CR_FETCH_OK)
 *     ...
 */
#ifndef CR_REDIRECT_LISTENER_H
#define CR_REDIRECT_LISTENER_H

#include <stddef.h>

#include "fetch/fetch-module.h"

/* A query longer than this is no provider's redirect: 400. */
#define CR_REDIRECT_MAX_QUERY_BYTES (8 * 1024)

CrFetchStatus cr_redirect_listen (const char *host, unsigned int port, const char *path,
                                  CrRedirectListener **listener, unsigned int *bound_port,
                                  char *message, size_t message_size);

CrFetchStatus cr_redirect_wait (CrRedirectListener *listener, const char *state,
                                long timeout_ms, char **query, char *message,
                                size_t message_size);

void cr_redirect_listener_free (CrRedirectListener *listener);

void cr_redirect_query_free (char *query);

#endif /* CR_REDIRECT_LISTENER_H */
