/* Private to libcredring: making tokens and their keyring form (token.c). */
#ifndef CR_TOKEN_H
#define CR_TOKEN_H

#include <credring/credring.h>

G_BEGIN_DECLS

CrToken *cr_token_new (const char *access_token, const char *token_type,
                       gint64 issued_at, gint64 expires_at);
/* TRUE for a non-empty string of printable ASCII (%x20-7E), RFC 6749 A.12,
 * of at most CR_TOKEN_MAX_BYTES bytes. */
gboolean cr_token_text_is_valid (const char *text);
/* The default minimum remaining lifetime: max (60 s, 10% of the lifetime),
 * but at most half the lifetime (tokens that live a minute or less are
 * cached too) and at least 1 s. */
gint64 cr_token_default_min_valid (const CrToken *token);
/* The keyring form (JSON).  Secret. */
char *cr_token_serialize (const CrToken *token);
CrToken *cr_token_deserialize (const char *data, gsize len, GError **error);

G_END_DECLS

#endif /* CR_TOKEN_H */
