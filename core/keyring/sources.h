/* Private to libcredring: secrets that come from outside credring's
 * keyrings, read here and never stored: systemd credentials (sources.c)
 * and the output of a command (secret-command.c).  Which of them an
 * account uses, and in which order, is decided in cache/secrets.c; these
 * functions know nothing of accounts, and their messages name what they
 * read, for the caller to prefix with the account.
 *
 *   cr_autosecret char *secret = NULL;
 *   if (!cr_credential_read ("credring.acme.client_secret", &secret, &error))
 *     ...                     // error: the file is there but unusable
 *   else if (secret == NULL)
 *     ...                     // no such credential: try the next source
 */
#ifndef CR_SOURCES_H
#define CR_SOURCES_H

#include <glib.h>

G_BEGIN_DECLS

/* The most a secret from a file or a command may take, newline included:
 * more is a mistake (a whole file, a binary), not a secret. */
#define CR_SECRET_SOURCE_MAX_BYTES (64 * 1024)

/* The secret in @text (@length bytes, NUL-terminated): all of it but one
 * trailing newline.  Empty, a NUL byte or a second line are errors
 * (CR_ERROR_KEYRING, "@what is empty" ...), the text never quoted.
 * Returns the secret (wipe it: cr_secret_free()) or NULL. */
char *cr_secret_one_line (const char *text, gsize length, const char *what, GError **error);

/* The path of systemd credential @name in $CREDENTIALS_DIRECTORY, or NULL
 * when the variable is unset or empty (not a service with credentials). */
char *cr_credential_path (const char *name);

/* Whether systemd credential @name is there, whatever it is: one that
 * cannot be read is still the one meant, and reading it says why. */
gboolean cr_credential_exists (const char *name);

/* Reads systemd credential @name as credring reads the files it trusts:
 * opened without following a symlink or blocking on a FIFO, a regular
 * file owned by root or by us that nobody else may write, at most
 * CR_SECRET_SOURCE_MAX_BYTES, one line (cr_secret_one_line()).  TRUE and
 * *@secret NULL when there is no such credential; FALSE and
 * CR_ERROR_KEYRING naming the file otherwise. */
gboolean cr_credential_read (const char *name, char **secret, GError **error);

G_END_DECLS

#endif /* CR_SOURCES_H */
