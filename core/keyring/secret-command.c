/* A secret printed by a command the user configured: run without a shell,
 * with a time limit, its stdout read into wiped memory and capped. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include <gio/gio.h>

#include <credring/credring.h>

#include "keyring/secret-command.h"
#include "keyring/sources.h"

/* One run of the command, driven by its own main context. */
typedef struct {
  GSubprocess *child;
  GInputStream *stdout_pipe;
  GCancellable *cancellable;
  char *buffer; /* secret: CR_SECRET_SOURCE_MAX_BYTES + 1, and a NUL */
  gsize length;
  gboolean reading, waiting, timed_out, too_long;
  gboolean own_group; /* the child leads a process group of its own */
  int read_errno;
} Run;

static void read_more (Run *run);

/* Killing it when it is still there to be killed: once reaped, its pid
 * may be another process's.  A group of its own outlives it while its
 * members (what it started) do, and its id is not reused meanwhile. */
static void
kill_child (Run *run)
{
  const char *identifier = g_subprocess_get_identifier (run->child);
  gint64 pid = 0;

  if (run->own_group && identifier != NULL &&
      g_ascii_string_to_signed (identifier, 10, 2, G_MAXINT, &pid, NULL))
    kill (-(pid_t) pid, SIGKILL);
  else if (run->waiting)
    g_subprocess_force_exit (run->child);
}

static void
on_read (GObject *source, GAsyncResult *result, gpointer data)
{
  Run *run = data;
  g_autoptr (GError) error = NULL;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (source), result, &error);

  if (n <= 0)
    {
      if (n < 0 && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        run->read_errno = EIO;
      run->reading = FALSE;
      return;
    }
  run->length += (gsize) n;
  if (run->length > CR_SECRET_SOURCE_MAX_BYTES)
    {
      /* No secret is that long: stopped rather than read to the end. */
      run->too_long = TRUE;
      run->reading = FALSE;
      kill_child (run);
      return;
    }
  read_more (run);
}

static void
read_more (Run *run)
{
  g_input_stream_read_async (run->stdout_pipe, run->buffer + run->length,
                             CR_SECRET_SOURCE_MAX_BYTES + 1 - run->length, G_PRIORITY_DEFAULT,
                             run->cancellable, on_read, run);
}

static void
on_exited (GObject *source, GAsyncResult *result, gpointer data)
{
  Run *run = data;

  g_subprocess_wait_finish (G_SUBPROCESS (source), result, NULL);
  run->waiting = FALSE;
}

static gboolean
on_timeout (gpointer data)
{
  Run *run = data;

  run->timed_out = TRUE;
  kill_child (run);
  return G_SOURCE_REMOVE;
}

/* In the child, before exec: a process group of its own, so that a
 * timeout kills what it started too.  Only without a controlling
 * terminal: in the background of one, a command that asks there for a
 * passphrase would be stopped (SIGTTIN) instead of asking. */
static void
lead_own_group (gpointer data)
{
  (void) data;
  setpgid (0, 0);
}

static gboolean
has_controlling_terminal (void)
{
  int fd = open ("/dev/tty", O_RDONLY | O_NOCTTY | O_CLOEXEC | O_NONBLOCK);

  if (fd < 0)
    return FALSE;
  close (fd);
  return TRUE;
}

static GSubprocess *
start (char **argv, gboolean own_group, GError **error)
{
  g_autoptr (GSubprocessLauncher) launcher = NULL;
  GSubprocessFlags flags = G_SUBPROCESS_FLAGS_STDOUT_PIPE;
  GSubprocess *child;
  g_autoptr (GError) spawn_error = NULL;

  /* A terminal may answer a passphrase prompt; a pipe into us carries
   * someone else's data (a secret for --secret-stdin, git's protocol),
   * which the command must not eat: it gets /dev/null, GIO's default. */
  if (isatty (STDIN_FILENO))
    flags |= G_SUBPROCESS_FLAGS_STDIN_INHERIT;
  launcher = g_subprocess_launcher_new (flags);
  if (own_group)
    g_subprocess_launcher_set_child_setup (launcher, lead_own_group, NULL, NULL);
  child = g_subprocess_launcher_spawnv (launcher, (const char *const *) argv, &spawn_error);
  if (child == NULL)
    g_set_error (error, CR_ERROR, CR_ERROR_KEYRING, "could not be run: %s", spawn_error->message);
  return child;
}

/* Until it has exited and its output has been read, or the time is up;
 * then nothing of it is left running or pending. */
static void
drive (Run *run, GMainContext *context, guint timeout_seconds)
{
  g_autoptr (GSource) timer = g_timeout_source_new (timeout_seconds * 1000);

  g_source_set_callback (timer, on_timeout, run, NULL);
  g_source_attach (timer, context);
  run->reading = run->waiting = TRUE;
  read_more (run);
  g_subprocess_wait_async (run->child, NULL, on_exited, run);
  while ((run->reading || run->waiting) && !run->timed_out)
    g_main_context_iteration (context, TRUE);
  g_source_destroy (timer);
  /* Killed, it exits at once; what it started may hold the pipe open
   * (when it could not be killed with it): the read is abandoned. */
  if (run->waiting)
    kill_child (run);
  if (run->reading)
    g_cancellable_cancel (run->cancellable);
  while (run->reading || run->waiting)
    g_main_context_iteration (context, TRUE);
}

/* What became of the command, as an error; TRUE when it did its part. */
static gboolean
check_ending (const Run *run, guint timeout_seconds, GError **error)
{
  GSubprocess *child = run->child;

  if (run->timed_out)
    g_set_error (error, CR_ERROR, CR_ERROR_KEYRING, "did not finish within %u s (killed)",
                 timeout_seconds);
  else if (run->too_long)
    g_set_error (error, CR_ERROR, CR_ERROR_KEYRING, "printed more than %u bytes",
                 (unsigned) CR_SECRET_SOURCE_MAX_BYTES);
  else if (g_subprocess_get_if_signaled (child))
    g_set_error (error, CR_ERROR, CR_ERROR_KEYRING, "was killed by signal %d",
                 g_subprocess_get_term_sig (child));
  else if (g_subprocess_get_exit_status (child) != 0)
    g_set_error (error, CR_ERROR, CR_ERROR_KEYRING, "exited with status %d",
                 g_subprocess_get_exit_status (child));
  else if (run->read_errno != 0)
    g_set_error (error, CR_ERROR, CR_ERROR_KEYRING, "output could not be read");
  else
    return TRUE;
  return FALSE;
}

char *
cr_secret_command_run (const char *command_line, guint timeout_seconds, GError **error)
{
  g_auto (GStrv) argv = NULL;
  g_autoptr (GMainContext) context = NULL;
  Run run = { NULL };
  char *secret = NULL;

  g_return_val_if_fail (command_line != NULL && timeout_seconds > 0, NULL);

  argv = cr_secret_command_split (command_line, error);
  if (argv == NULL)
    return NULL;
  run.own_group = !has_controlling_terminal ();
  run.child = start (argv, run.own_group, error);
  if (run.child == NULL)
    return NULL;
  /* Its own context: whatever the caller's thread runs meanwhile (a
   * service's main loop) neither sees these callbacks nor is run here. */
  context = g_main_context_new ();
  g_main_context_push_thread_default (context);
  run.stdout_pipe = g_subprocess_get_stdout_pipe (run.child);
  run.cancellable = g_cancellable_new ();
  run.buffer = g_malloc (CR_SECRET_SOURCE_MAX_BYTES + 2);
  drive (&run, context, timeout_seconds);
  g_main_context_pop_thread_default (context);

  run.buffer[run.length] = '\0';
  if (check_ending (&run, timeout_seconds, error))
    secret = cr_secret_one_line (run.buffer, run.length, "output", error);
  cr_secret_free_sized (run.buffer, CR_SECRET_SOURCE_MAX_BYTES + 2);
  g_object_unref (run.cancellable);
  g_object_unref (run.child);
  return secret;
}
