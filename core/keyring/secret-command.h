/* Private to libcredring: a secret printed by a command the user
 * configured (secret_command, password_command): `pass show acme`,
 * `vault kv get -field=client_secret secret/acme`, `systemd-creds
 * decrypt ...`.  Knows nothing of accounts: its messages name neither the
 * account nor the key, which the caller adds (cache/secrets.c).
 *
 *   cr_autosecret char *secret = cr_secret_command_run ("pass show acme", 30, &error);
 *   if (secret == NULL)
 *     g_prefix_error (&error, "account [acme]: secret_command ");  // "exited with status 3"
 */
#ifndef CR_SECRET_COMMAND_H
#define CR_SECRET_COMMAND_H

#include <glib.h>

G_BEGIN_DECLS

/* @command_line split into words as a POSIX shell would (quotes and
 * backslashes; g_shell_parse_argv()), without a shell ever running it: no
 * expansion, no redirection, no pipes.  CR_ERROR_CONFIG for a line that
 * does not parse or holds no word.  Free with g_strfreev(). */
char **cr_secret_command_split (const char *command_line, GError **error);

/* TRUE when @argv[0] is a program that can only print its own arguments
 * (echo, printf, in any directory): a command line that uses one holds
 * the secret itself, in plain text in the accounts file. */
gboolean cr_secret_command_prints_itself (char **argv);

/* Runs @command_line (split by cr_secret_command_split()) and returns the
 * one line it prints on stdout (cr_secret_one_line()): secret, wipe it.
 * Its stderr is ours, its stdin the terminal when ours is one (a command
 * may ask a passphrase) and /dev/null otherwise (never what a pipe brings
 * us); our environment, which holds no secret; no descriptor of ours.
 * After @timeout_seconds it is killed (SIGKILL; without a controlling
 * terminal, all of its process group: what it started too).  Failures are
 * CR_ERROR_KEYRING, one line, never quoting the output: "exited with
 * status N", "was killed by signal N", "did not finish within N s (killed)",
 * "output holds more than one line", "output is empty", "could not be run: ...";
 * a line that does not split is CR_ERROR_CONFIG. */
char *cr_secret_command_run (const char *command_line, guint timeout_seconds, GError **error);

G_END_DECLS

#endif /* CR_SECRET_COMMAND_H */
