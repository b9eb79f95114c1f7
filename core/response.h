/* Private to libcredring: what response.c shares with the hooks. */
#ifndef CR_RESPONSE_H
#define CR_RESPONSE_H

#include <credring/credring.h>

G_BEGIN_DECLS

/* The checks every token passes before it is stored, whoever parsed it:
 * printable ASCII (RFC 6749 A.12) of at most CR_TOKEN_MAX_BYTES, a Bearer
 * type (NULL: implied), an expiry in the future and at most ten years
 * away.  CR_ERROR_NETWORK naming the HTTP @status otherwise. */
gboolean cr_response_check_token (const char *access_token, const char *token_type,
                                  gint64 expires_at, gint64 now, long status, GError **error);

/* The provider's own @message (escaped, one line) as the error for @code:
 * CR_ERROR_CONFIG (the request was refused), CR_ERROR_REJECTED (the
 * credentials were) or CR_ERROR_NETWORK (anything else), naming the HTTP
 * @status.  The words are the same whoever read the answer. */
void cr_response_set_provider_error (GError **error, int code, const char *message, long status);

G_END_DECLS

#endif /* CR_RESPONSE_H */
