/* A secret command's line, read as configuration (account/ checks it when
 * accounts.conf is read; keyring/secret-command.c runs it): split into
 * words as a shell would, and the commands that can only print their own
 * arguments.  Apart from running it, which needs GIO. */
#include "config.h"

#include <credring/credring.h>

#include "keyring/secret-command.h"

char **
cr_secret_command_split (const char *command_line, GError **error)
{
  char **argv = NULL;

  g_return_val_if_fail (command_line != NULL, NULL);

  /* GLib's messages quote the whole line: ours do not, in case someone
   * wrote a secret there after all.  It also refuses a line of blanks. */
  if (!g_shell_parse_argv (command_line, NULL, &argv, NULL))
    {
      g_set_error (error, CR_ERROR, CR_ERROR_CONFIG,
                   "does not split into words as a shell would (a quote left open, a "
                   "backslash at the end, or no word at all)");
      return NULL;
    }
  return argv;
}

gboolean
cr_secret_command_prints_itself (char **argv)
{
  g_autofree char *program = NULL;

  g_return_val_if_fail (argv != NULL && argv[0] != NULL, FALSE);

  program = g_path_get_basename (argv[0]);
  return g_str_equal (program, "echo") || g_str_equal (program, "printf");
}
