/* Private to libcredring: credring-service's local socket, through which
 * `credring token` and git-credential-credring ask for a cached token in
 * one round trip instead of opening a Secret Service session of their own.
 *
 * One question and one answer per connection, each one line:
 *   token ACCOUNT FINGERPRINT MIN_VALID
 *   ok ISSUED_AT EXPIRES_AT TOKEN_TYPE ACCESS_TOKEN     (or)   miss
 * FINGERPRINT is cr_account_fingerprint() of the asker's settings, so that
 * a token issued under others is not served; MIN_VALID as CrTokenOptions'
 * (-1: the default).  The service answers only a token fresh for that
 * long and still in the keyring; "miss" sends the asker its usual way:
 * the service never fetches for it, since only the asker can ask a
 * person (its terminal) for what a fetch may need. */
#ifndef CR_SERVICE_SOCKET_H
#define CR_SERVICE_SOCKET_H

#include <credring/credring.h>

G_BEGIN_DECLS

#define CR_SERVICE_SOCKET_NAME "service.socket"
/* The longest line either side sends, the newline included. */
#define CR_SERVICE_MAX_LINE (CR_TOKEN_MAX_BYTES + 256)
/* How long an asker waits for the answer before going its own way. */
#define CR_SERVICE_ANSWER_TIMEOUT_MSEC 2000

/* Where the socket is: in the runtime directory (base/runtime-dir.h). */
char *cr_service_socket_path (GError **error);

char *cr_service_question_format (const char *account, const char *fingerprint,
                                  gint64 min_valid);
/* FALSE for anything but a well-formed question (@line without its newline). */
gboolean cr_service_question_parse (const char *line, char **account, char **fingerprint,
                                    gint64 *min_valid);

/* The answer for @token (NULL: "miss"), newline included; a secret: free
 * it with cr_secret_free(). */
char *cr_service_answer_format (const CrToken *token);
/* The token in @line (without its newline), its fingerprint set to
 * @fingerprint; NULL for "miss" or anything malformed. */
CrToken *cr_service_answer_parse (const char *line, const char *fingerprint);

/* A token for @account issued under @fingerprint, fresh for @min_valid,
 * from a running credring-service of this user; NULL when none runs, it
 * has none, or anything at all goes wrong (the asker then looks itself:
 * the service is a shortcut, never the authority).  Waits at most
 * CR_SERVICE_ANSWER_TIMEOUT_MSEC. */
CrToken *cr_service_ask_token (const char *account, const char *fingerprint, gint64 min_valid);

G_END_DECLS

#endif /* CR_SERVICE_SOCKET_H */
