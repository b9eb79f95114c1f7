/* Private to libcredring: getting a token over the network (fetch-client.c). */
#ifndef CR_FETCH_CLIENT_H
#define CR_FETCH_CLIENT_H

#include <credring/credring.h>

#include "fetch/fetch-module.h"
#include "provider/fetch-loader.h"
#include "token/request.h"
#include "token/response-rules.h"

G_BEGIN_DECLS

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
