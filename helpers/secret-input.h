/* Reading secrets for `credring login`: from the terminal without echo, or
 * as key=value lines on stdin.  Never from argv. */
#ifndef CR_SECRET_INPUT_H
#define CR_SECRET_INPUT_H

#include <credring/credring.h>

G_BEGIN_DECLS

/* Which of them to read: a full login wants both its provider needs,
 * `login --only` one.  The others stay NULL. */
typedef enum {
  SECRET_INPUT_CLIENT_SECRET = 1 << 0,
  SECRET_INPUT_PASSWORD = 1 << 1,
} SecretInputWanted;

/* Reads `client_secret=...` and `password=...` lines from @fd until EOF.
 * Every wanted key exactly once, no other key, no empty value, no NUL or
 * CR: otherwise CR_ERROR_CONFIG and nothing is kept. */
gboolean secret_input_read_lines (int fd, SecretInputWanted wanted, CrClientSecrets *out,
                                  GError **error);

/* Asks on /dev/tty with echo off for each wanted secret.  CR_ERROR_CONFIG
 * without a terminal. */
gboolean secret_input_prompt (const char *account, SecretInputWanted wanted, CrClientSecrets *out,
                              GError **error);

/* What the functions above read is the caller's, in CrClientSecrets (whose
 * strings are const only to those that borrow them): wipes and frees it. */
void secret_input_clear (CrClientSecrets *input);

G_END_DECLS

#endif /* CR_SECRET_INPUT_H */
