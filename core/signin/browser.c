/* Opening the person's browser at the authorization URL, the way desktop
 * programs do: $BROWSER when set (a colon-separated list of commands, "%s"
 * standing for the URL, as the BROWSER convention and Python's webbrowser
 * module read it), else xdg-open.  The browser is started and left to
 * itself; what happens next arrives at the loopback redirect. */
#include "config.h"

#include <string.h>

#include <credring/credring.h>

#include "base/env.h"
#include "signin/signin.h"

/* @command's words with "%s" made the URL ("%%" a '%'); the URL appended
 * when the command does not say where it goes. */
static char **
command_argv (const char *command, const char *url)
{
  g_auto (GStrv) words = NULL;
  g_autoptr (GStrvBuilder) argv = g_strv_builder_new ();
  gboolean placed = FALSE;

  if (!g_shell_parse_argv (command, NULL, &words, NULL))
    return NULL;
  for (guint i = 0; words[i] != NULL; i++)
    {
      g_autoptr (GString) word = g_string_new (NULL);

      for (const char *p = words[i]; *p != '\0'; p++)
        if (p[0] == '%' && p[1] == 's')
          {
            g_string_append (word, url);
            placed = TRUE;
            p++;
          }
        else if (p[0] == '%' && p[1] == '%')
          {
            g_string_append_c (word, '%');
            p++;
          }
        else
          g_string_append_c (word, *p);
      g_strv_builder_add (argv, word->str);
    }
  if (!placed)
    g_strv_builder_add (argv, url);
  return g_strv_builder_end (argv);
}

static gboolean
spawn (const char *command, const char *url)
{
  g_auto (GStrv) argv = command_argv (command, url);
  g_autoptr (GError) error = NULL;

  if (argv == NULL || argv[0] == NULL)
    return FALSE;
  /* Its stdin is /dev/null: a pasted redirect is ours to read.  Its
   * chatter would bury the URL and the code on stderr.  GLib reaps it. */
  if (g_spawn_async (NULL, argv, NULL,
                     G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                     NULL, NULL, NULL, &error))
    return TRUE;
  g_debug ("the browser command '%s' did not start: %s", argv[0], error->message);
  return FALSE;
}

gboolean
cr_signin_open_browser (const char *url)
{
  const char *browser = cr_getenv_secure ("BROWSER");
  g_auto (GStrv) commands = NULL;

  g_return_val_if_fail (url != NULL, FALSE);

  if (browser == NULL || *browser == '\0')
    return spawn ("xdg-open", url);
  commands = g_strsplit (browser, ":", -1);
  for (guint i = 0; commands[i] != NULL; i++)
    if (*g_strstrip (commands[i]) != '\0' && spawn (commands[i], url))
      return TRUE;
  return FALSE;
}
