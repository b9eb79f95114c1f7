/* The asynchronous API (cr_token_get_async(), cr_login_async()) driven
 * for tests/integration/async.sh, through the installed library's API
 * alone.  What happened is printed as "key value" lines on stdout:
 *
 *   token TOKEN                    a call's answer (one line per call)
 *   error DOMAIN CODE MESSAGE      or its error
 *   ticks N                        times the main loop's 50 ms timeout ran
 *                                  before the last answer
 *   tell_lines N                   lines the calls told (they are on stderr)
 *   tell_elsewhere N               ... of them outside the main thread, or
 *                                  with the main context not ours
 *   tell_after_end N               ... of them after the call was
 *                                  cancelled or answered
 *   cancel_to_answer_ms N          from g_cancellable_cancel() to the answer
 *   sync_token TOKEN / sync_error  cr_cache_get_token() afterwards
 *
 * Usage: async-driver COMMAND ACCOUNT [ARGS]
 *   token ACCOUNT [--sign-in]      one call (--sign-in: a device sign-in may start)
 *   many ACCOUNT N                 N calls at once
 *   login ACCOUNT [--client-secret-stdin | --cancel-on-tell]
 *                                  cr_login_async(), with a code; the
 *                                  client secret read from stdin, or the
 *                                  call cancelled by the first line told
 *   login ACCOUNT --cancel-in-browser
 *                                  cr_login_async() in the browser,
 *                                  cancelled by the second line told (the
 *                                  address: the redirect is awaited next)
 *   cancel-before ACCOUNT          a call whose cancellable is cancelled already
 *   cancel-when FILE LINES ACCOUNT a call cancelled once FILE has more than
 *                                  LINES lines (an emulator's log: the
 *                                  request is in flight), then a synchronous
 *                                  call
 *
 * Each call is made as a careless caller would make it: the moment it
 * returns, the options are overwritten, the account's name too, and both
 * the account and the provider are freed.  An implementation that kept
 * the caller's instead of its own copies shows it: other answers here, a
 * use after free under ASan and valgrind.  The process exits only once
 * every call's task is finalised, its worker done, so that the leak
 * checkers see everything freed. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <credring/credring.h>

typedef struct {
  GMainLoop *loop;
  GThread *main_thread;
  gboolean login;
  gboolean sign_in;
  gboolean browser;
  gint cancel_on_line; /* cancelled by the Nth line told; 0: not */
  char *client_secret; /* secret */
  GCancellable *cancellable;
  guint pending; /* calls without their answer yet */
  gint alive;    /* calls whose task is not finalised yet (atomic) */
  guint ticks;
  gint tell_lines, tell_elsewhere; /* atomic: a wrong tell runs in a worker */
  guint tell_after_end;
  gint64 cancelled_at; /* monotonic µs; 0: not cancelled */
  const char *cancel_file;
  guint cancel_lines;
} Driver;

static gboolean
maybe_quit (gpointer data)
{
  Driver *d = data;

  if (d->pending == 0 && g_atomic_int_get (&d->alive) == 0)
    g_main_loop_quit (d->loop);
  return G_SOURCE_REMOVE;
}

/* In whichever thread drops the task's last reference. */
static void
task_finalised (gpointer data, GObject *where_it_was)
{
  Driver *d = data;

  g_atomic_int_dec_and_test (&d->alive);
  g_idle_add (maybe_quit, d);
}

static gboolean
tick (gpointer data)
{
  Driver *d = data;

  if (d->pending > 0)
    d->ticks++;
  return G_SOURCE_CONTINUE;
}

static void
tell (const char *line, gpointer data)
{
  Driver *d = data;

  g_atomic_int_inc (&d->tell_lines);
  if (g_thread_self () != d->main_thread || !g_main_context_is_owner (g_main_context_default ()))
    g_atomic_int_inc (&d->tell_elsewhere);
  if (d->pending == 0 || g_cancellable_is_cancelled (d->cancellable))
    d->tell_after_end++;
  fprintf (stderr, "%s\n", line);
  if (d->cancel_on_line == g_atomic_int_get (&d->tell_lines))
    g_cancellable_cancel (d->cancellable);
}

static void
answered (GObject *source, GAsyncResult *result, gpointer data)
{
  Driver *d = data;
  g_autoptr (GError) error = NULL;
  g_autoptr (CrToken) token =
    d->login ? cr_login_finish (result, &error) : cr_token_get_finish (result, &error);

  if (d->cancelled_at != 0)
    printf ("cancel_to_answer_ms %" G_GINT64_FORMAT "\n",
            (g_get_monotonic_time () - d->cancelled_at) / 1000);
  if (token != NULL)
    printf ("token %s\n", token->access_token);
  else
    printf ("error %s %d %s\n", g_quark_to_string (error->domain), error->code, error->message);
  /* Its end may come after its answer: a cancelled worker runs on. */
  g_object_weak_ref (G_OBJECT (result), task_finalised, d);
  d->pending--;
  g_idle_add (maybe_quit, d);
}

static void
load (const char *name, CrAccount **account, CrProvider **provider)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CrConfig) config = cr_config_load_account_only (NULL, FALSE, name, &error);

  *account = config ? cr_config_open_account (config, name, provider, NULL, &error) : NULL;
  if (*account == NULL)
    {
      printf ("load_error %s\n", error->message);
      exit (2);
    }
}

static void
start_call (Driver *d, const char *name)
{
  CrTokenOptions options = { .min_valid = -1, .tell = tell, .tell_data = d };
  volatile CrTokenOptions *scribble = &options;
  CrProvider *provider = NULL;
  CrAccount *account = NULL;

  load (name, &account, &provider);
  if (d->login || d->sign_in)
    {
      options.signin = CR_SIGNIN_ALWAYS;
      options.method = d->browser ? CR_SIGNIN_METHOD_BROWSER : CR_SIGNIN_METHOD_DEVICE;
    }
  d->pending++;
  g_atomic_int_inc (&d->alive);
  if (d->login)
    cr_login_async (account, provider, d->client_secret, &options, d->cancellable, answered, d);
  else
    cr_token_get_async (account, provider, &options, d->cancellable, answered, d);

  /* The careless caller (volatile: these stores must happen). */
  scribble->min_valid = G_MAXINT32;
  scribble->force_refresh = TRUE;
  scribble->method = CR_SIGNIN_METHOD_BROWSER;
  scribble->tell = NULL;
  for (volatile char *c = account->name; *c != '\0'; c++)
    *c = 'x';
  if (d->client_secret != NULL)
    cr_secret_wipe (d->client_secret, strlen (d->client_secret));
  cr_account_free (account);
  cr_provider_free (provider);
}

static gboolean
cancel_when_logged (gpointer data)
{
  Driver *d = data;
  g_autofree char *text = NULL;
  guint lines = 0;

  if (g_file_get_contents (d->cancel_file, &text, NULL, NULL))
    for (const char *p = text; *p != '\0'; p++)
      lines += *p == '\n';
  if (lines <= d->cancel_lines)
    return G_SOURCE_CONTINUE;
  d->cancelled_at = g_get_monotonic_time ();
  g_cancellable_cancel (d->cancellable);
  return G_SOURCE_REMOVE;
}

static void
sync_call (const char *name)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CrProvider) provider = NULL;
  g_autoptr (CrAccount) account = NULL;
  g_autoptr (CrToken) token = NULL;

  load (name, &account, &provider);
  token = cr_cache_get_token (account, provider, -1, FALSE, &error);
  if (token != NULL)
    printf ("sync_token %s\n", token->access_token);
  else
    printf ("sync_error %s %d %s\n", g_quark_to_string (error->domain), error->code,
            error->message);
}

static int
usage (void)
{
  fprintf (stderr, "usage: async-driver token|many|login|cancel-before|cancel-when ...\n");
  return 2;
}

int
main (int argc, char **argv)
{
  Driver d = { .main_thread = g_thread_self () };
  const char *command = argc > 1 ? argv[1] : "";
  const char *account;
  guint64 calls = 1;

  cr_secret_prepare_front_end ();
  if (g_str_equal (command, "cancel-when") && argc == 5)
    {
      d.cancel_file = argv[2];
      d.cancel_lines = (guint) g_ascii_strtoull (argv[3], NULL, 10);
      account = argv[4];
    }
  else if (argc >= 3)
    account = argv[2];
  else
    return usage ();
  if (g_str_equal (command, "many") &&
      (argc != 4 || !g_ascii_string_to_unsigned (argv[3], 10, 1, 100, &calls, NULL)))
    return usage ();
  d.login = g_str_equal (command, "login");
  d.sign_in = argc == 4 && g_str_equal (argv[3], "--sign-in");
  if (d.login && argc == 4 && g_str_equal (argv[3], "--cancel-on-tell"))
    d.cancel_on_line = 1;
  d.browser = d.login && argc == 4 && g_str_equal (argv[3], "--cancel-in-browser");
  if (d.browser)
    d.cancel_on_line = 2;
  if (d.login && argc == 4 && g_str_equal (argv[3], "--client-secret-stdin"))
    {
      char line[256];

      if (fgets (line, sizeof line, stdin) == NULL)
        return usage ();
      line[strcspn (line, "\n")] = '\0';
      d.client_secret = g_strdup (line);
      cr_secret_wipe (line, sizeof line);
    }

  d.loop = g_main_loop_new (NULL, FALSE);
  d.cancellable = g_cancellable_new ();
  if (g_str_equal (command, "cancel-before"))
    g_cancellable_cancel (d.cancellable);
  if (d.cancel_file != NULL)
    g_timeout_add (20, cancel_when_logged, &d);
  g_timeout_add (50, tick, &d);
  for (guint64 i = 0; i < calls; i++)
    start_call (&d, account);
  g_main_loop_run (d.loop);
  printf ("ticks %u\ntell_lines %d\ntell_elsewhere %d\ntell_after_end %u\n", d.ticks,
          g_atomic_int_get (&d.tell_lines), g_atomic_int_get (&d.tell_elsewhere),
          d.tell_after_end);
  if (d.cancel_file != NULL)
    sync_call (account);

  cr_secret_free (d.client_secret);
  g_object_unref (d.cancellable);
  g_main_loop_unref (d.loop);
  cr_store_disconnect ();
  return 0;
}
