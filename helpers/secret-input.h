/* Reading secrets for `credring login`: from the terminal without echo, or
 * as key=value lines on stdin.  Never from argv. */
#ifndef CR_SECRET_INPUT_H
#define CR_SECRET_INPUT_H

#include <credring/credring.h>

G_BEGIN_DECLS

/* The secrets a provider needs: client_secret always, password for the
 * password grant.  Free with secret_input_clear(). */
typedef struct {
  char *client_secret;
  char *password;
} SecretInput;

/* Which of them to read: a full login wants both its provider needs,
 * `login --only` one.  The others stay NULL. */
typedef enum {
  SECRET_INPUT_CLIENT_SECRET = 1 << 0,
  SECRET_INPUT_PASSWORD = 1 << 1,
} SecretInputWanted;

/* Reads `client_secret=...` and `password=...` lines from @fd until EOF.
 * Every wanted key exactly once, no other key, no empty value, no NUL or
 * CR: otherwise CR_ERROR_CONFIG and nothing is kept. */
gboolean secret_input_read_lines (int fd, SecretInputWanted wanted, SecretInput *out,
                                  GError **error);

/* Asks on /dev/tty with echo off for each wanted secret.  CR_ERROR_CONFIG
 * without a terminal. */
gboolean secret_input_prompt (const char *account, SecretInputWanted wanted, SecretInput *out,
                              GError **error);

void secret_input_clear (SecretInput *input);

G_END_DECLS

#endif /* CR_SECRET_INPUT_H */
