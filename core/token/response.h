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

/* The error for an answer that carries no success, worded as
 * cr_response_parse() words it (without a provider's hook).  Returns FALSE. */
gboolean cr_response_set_failure (const CrResponse *response, GError **error);

/* The RFC 6749 §5.2 error code of an answer (400 or 401 with a JSON
 * "error" that is a word), or NULL: what a device poll (RFC 8628 §3.5) and
 * a refresh tell apart. */
char *cr_response_oauth_error (const CrResponse *response);

G_END_DECLS

#endif /* CR_RESPONSE_H */
