/* Private to libcredring: reading a token endpoint's answer (response.c). */
#ifndef CR_RESPONSE_H
#define CR_RESPONSE_H

#include <credring/credring.h>

#include "token/response-rules.h"

G_BEGIN_DECLS


/* Turns a token endpoint's answer into a token, or into one clear line of
 * error: CR_ERROR_REJECTED for the provider's OAuth error, CR_ERROR_CONFIG
 * for a request it calls wrong, CR_ERROR_NETWORK for anything else that is
 * not a valid token response.  A provider with a parse_response hook reads
 * the answer itself, seeing @account (nullable: no account values). */
CrToken *cr_response_parse (const CrPluginDescriptor *provider,
                            const CrAccount *account, const CrResponse *response,
                            gint64 now, GError **error);

G_END_DECLS

#endif /* CR_RESPONSE_H */
