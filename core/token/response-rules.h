/* Private to libcredring: the verdicts on a token endpoint's answer that
 * the standard mapping (response.c) and the parse_response hook (hooks.c)
 * share. */
#ifndef CR_RESPONSE_RULES_H
#define CR_RESPONSE_RULES_H

#include <credring/credring.h>

G_BEGIN_DECLS

/* A token endpoint's answer, as the fetch module hands it over. */
typedef struct {
  long status;
  char *content_type; /* nullable */
  char *body;         /* secret; NUL-terminated (may hold NULs before body_len) */
  gsize body_len;
  gint64 retry_after; /* seconds from a Retry-After header, or -1 */
} CrResponse;

/* Wipes the body, then frees.  NULL is fine. */
void cr_response_free (CrResponse *response);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CrResponse, cr_response_free)

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

/* "token endpoint answered HTTP @status but @why" as CR_ERROR_NETWORK.
 * Returns FALSE. */
gboolean cr_response_invalid_token (GError **error, long status, const char *why);

/* No provider issues tokens for longer; a bigger number is an error. */
#define CR_TOKEN_MAX_LIFETIME_SECONDS (10 * 366 * 24 * 3600)

G_END_DECLS

#endif /* CR_RESPONSE_RULES_H */
