/* token-async ACCOUNT: prints the account's token, asked for without
 * blocking the main loop, as a GTK program would ask for it.  Ctrl-C
 * cancels.  Build it against an installed credring:
 *
 *   cc token-async.c $(pkg-config --cflags --libs credring) -o token-async
 */
#include <stdio.h>

#include <glib-unix.h>
#include <credring/credring.h>

typedef struct {
  GMainLoop *loop;
  GCancellable *cancellable;
  int status;
} App;

/* What the person must see to sign in (the address, the code).  A
 * desktop program shows it in its window: this runs in the main thread. */
static void
show_line (const char *line, gpointer user_data)
{
  g_printerr ("%s\n", line);
}

static void
on_token (GObject *source, GAsyncResult *result, gpointer user_data)
{
  App *app = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (CrToken) token = cr_token_get_finish (result, &error);

  if (token != NULL)
    printf ("%s\n", token->access_token);
  else
    {
      g_printerr ("token-async: %s\n", error->message);
      /* CR_ERROR codes are credring's exit statuses; cancelled is 1. */
      app->status = cr_error_exit_status (error);
    }
  g_main_loop_quit (app->loop);
}

static gboolean
on_interrupt (gpointer user_data)
{
  App *app = user_data;

  g_cancellable_cancel (app->cancellable); /* on_token() follows at once */
  return G_SOURCE_REMOVE;
}

int
main (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CrConfig) config = NULL;
  g_autoptr (CrAccount) account = NULL;
  g_autoptr (CrProvider) provider = NULL;
  /* A sign-in may start if the account needs one: its lines go to show_line(). */
  CrTokenOptions options = {
    .min_valid = -1, .signin = CR_SIGNIN_IF_SOMEONE_ANSWERS, .tell = show_line,
  };
  App app = { NULL };

  if (argc != 2)
    {
      g_printerr ("usage: token-async ACCOUNT\n");
      return 2;
    }
  cr_secret_prepare_front_end (); /* no core dumps, stdout unbuffered */
  config = cr_config_load_account_only (NULL, FALSE, argv[1], &error);
  account = config ? cr_config_open_account (config, argv[1], &provider, NULL, &error) : NULL;
  if (account == NULL)
    {
      g_printerr ("token-async: %s\n", error->message);
      return cr_error_exit_status (error);
    }

  app.loop = g_main_loop_new (NULL, FALSE);
  app.cancellable = g_cancellable_new ();
  g_unix_signal_add (SIGINT, on_interrupt, &app);
  cr_token_get_async (account, provider, &options, app.cancellable, on_token, &app);
  /* The call keeps what it needs: ours may go now. */
  g_clear_pointer (&account, cr_account_free);
  g_clear_pointer (&provider, cr_provider_free);
  g_main_loop_run (app.loop);

  g_object_unref (app.cancellable);
  g_main_loop_unref (app.loop);
  return app.status;
}
