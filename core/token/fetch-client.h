/* Private to libcredring: getting a token over the network (fetch-client.c). */
#ifndef CR_FETCH_CLIENT_H
#define CR_FETCH_CLIENT_H

#include <credring/credring.h>

#include "fetch/fetch-module.h"
#include "token/request.h"
#include "token/response-rules.h"

G_BEGIN_DECLS

/* @account's ca_file, read as accounts.conf is (a regular file of at most
 * 1 MiB of text, opened without blocking), so that a FIFO or a device
 * named there can neither hang the caller nor fill memory; *@out NULL for
 * an account without one.  CR_ERROR_CONFIG naming the account and the key. */
gboolean cr_fetch_read_ca_file (const CrAccount *account, GBytes **out, GError **error);

/* The fetch module (fetch/fetch-module.h), loaded on first use; CR_ERROR_FAILED
 * when it is missing or not this credring's. */
const CrFetchModule *cr_fetch_module (GError **error);

/* Sends the request for @input (NULL: the account's own grant) and hands
 * back the answer, whatever its status; errors do not name the account. */
CrResponse *cr_fetch_call (const CrAccount *account, const CrPluginDescriptor *provider,
                           const CrClientSecrets *credentials, const CrGrantInput *input,
                           GBytes *ca_certs, GError **error);

/* cr_token_fetch() with the ca_file already read (@ca_certs, nullable),
 * for @input (NULL: the account's own grant). */
CrToken *cr_fetch_token (const CrAccount *account, const CrPluginDescriptor *provider,
                         const CrClientSecrets *credentials, const CrGrantInput *input,
                         GBytes *ca_certs, GError **error);

G_END_DECLS

#endif /* CR_FETCH_CLIENT_H */
