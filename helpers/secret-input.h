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

/* Reads `client_secret=...` and `password=...` lines from @fd until EOF.
 * Every needed key exactly once, no other key, no empty value, no NUL or
 * CR: otherwise CR_ERROR_CONFIG and nothing is kept. */
gboolean secret_input_read_lines (int fd, gboolean want_password, SecretInput *out,
                                  GError **error);

/* Asks on /dev/tty with echo off.  CR_ERROR_CONFIG without a terminal. */
gboolean secret_input_prompt (const char *account, gboolean want_password, SecretInput *out,
                              GError **error);

void secret_input_clear (SecretInput *input);

G_END_DECLS

#endif /* CR_SECRET_INPUT_H */
