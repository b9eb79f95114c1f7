/* A token as `credring token --format` prints it (token-output.c). */
#ifndef CREDRING_TOKEN_OUTPUT_H
#define CREDRING_TOKEN_OUTPUT_H

#include <credring/credring.h>

G_BEGIN_DECLS

/* The names --format takes, NULL-terminated: "raw" first (the default),
 * then "header", "json", "kubectl".  The one list the fast path, the
 * CLI's option check and its help use. */
extern const char *const token_output_formats[];

/* RFC 3339 in UTC, whole seconds ("2025-01-31T12:00:00Z"); NULL when
 * @unix_time is out of GDateTime's range. */
char *token_output_rfc3339 (gint64 unix_time);

/* Prints @token for @account on stdout as @format says: NULL or "raw"
 * (the token), "header" (an Authorization header), "json", "kubectl"
 * (client.authentication.k8s.io/v1 ExecCredential, for kubectl's exec
 * credential plugins: status.token, status.expirationTimestamp).  Every copy of the
 * token made on the way is wiped. */
void token_output_print (const CrAccount *account, const CrToken *token, const char *format);

G_END_DECLS

#endif /* CREDRING_TOKEN_OUTPUT_H */
