/* Handing a token to other programs (wrappers.h): exec, curl, kubectl's
 * ExecCredential and the refused token HTTPie's plugin reports. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>


#include "token-output.h"
#include "wrappers.h"

#define ENV_NAME_MAX_CHARS 128
/* The longest header line whose status is looked at; longer lines are
 * never status lines ("HTTP/2 401 Unauthorized"). */
#define HEADER_LINE_MAX 1024
/* A 401 answer's output held back until it is known whether the request
 * is made again: an API's refusal is a line of JSON, not megabytes. */
#define HELD_OUTPUT_MAX (256 * 1024)
/* How much of a 401 answer is kept to be quoted, and shown. */
#define REFUSAL_KEPT_BYTES 1024
#define REFUSAL_SHOWN_CHARS 200
#define HTTP_UNAUTHORIZED 401

/* ---- shared ------------------------------------------------------------- */

/* One line on stderr; @detail (from a server, a file or argv) escaped. */
static void
say (const char *account, const char *message, const char *detail)
{
  g_autofree char *account_shown = cr_escape_for_message (account, -1, 200);
  g_autofree char *detail_shown = detail ? cr_escape_for_message (detail, -1, 1000) : NULL;

  g_printerr ("credring: %s: %s%s%s\n", account_shown, message, detail ? ": " : "",
              detail ? detail_shown : "");
}

/* The library's messages name the account already. */
static int
report (GError *error)
{
  int status = cr_error_exit_status (error);
  g_autofree char *shown = cr_escape_for_message (error->message, -1, 1000);

  g_printerr ("credring: %s\n", shown);
  g_error_free (error);
  return status;
}

/* As `credring token` gets one: the account's margin, a sign-in only
 * where someone can answer it, the service asked first. */
static CrToken *
get_token (const CrAccount *account, CrProvider *provider, GError **error)
{
  CrTokenOptions options = {
    .min_valid = -1,
    .signin = CR_SIGNIN_IF_SOMEONE_ANSWERS,
    .ask_service = TRUE,
  };

  return cr_cache_get_token_with (account, provider, &options, error);
}

/* ---- exec --------------------------------------------------------------- */

gboolean
wrappers_check_env_name (const char *name, GError **error)
{
  gsize len;

  if (name == NULL)
    return TRUE;
  len = strlen (name);
  if (len == 0 || len > ENV_NAME_MAX_CHARS || g_ascii_isdigit (name[0]) ||
      strspn (name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_") != len)
    {
      g_autofree char *shown = cr_escape_for_message (name, -1, 40);

      g_set_error (error, CR_ERROR, CR_ERROR_CONFIG,
                   "--env takes a variable name: letters, digits and _, not starting with a "
                   "digit, at most %d characters (not '%s')",
                   ENV_NAME_MAX_CHARS, shown);
      return FALSE;
    }
  if (g_str_equal (name, WRAPPERS_ENV_TYPE) || g_str_equal (name, WRAPPERS_ENV_EXPIRES_AT))
    {
      g_set_error (error, CR_ERROR, CR_ERROR_CONFIG, "--env %s: exec sets %s itself", name,
                   name);
      return FALSE;
    }
  return TRUE;
}

/* What setenv() copied of the token, wiped before it is dropped: exec
 * failed and this process goes on. */
static void
wipe_env (const char *name)
{
  char *value = getenv (name);

  if (value != NULL)
    cr_secret_wipe (value, strlen (value));
  g_unsetenv (name);
}

int
wrappers_exec (const CrAccount *account, CrProvider *provider, const char *env_name,
               char **command)
{
  g_autoptr (CrToken) token = NULL;
  g_autofree char *expires_at = NULL;
  const char *name = env_name ? env_name : WRAPPERS_DEFAULT_ENV;
  GError *error = NULL;
  int saved_errno;

  g_return_val_if_fail (command != NULL && command[0] != NULL, CR_ERROR_CONFIG);

  token = get_token (account, provider, &error);
  if (token == NULL)
    return report (error);
  expires_at = token_output_rfc3339 (token->expires_at);
  /* In the environment, which only the process and its owner can read
   * (/proc/PID/environ is mode 0400), unlike argv. */
  if (!g_setenv (name, token->access_token, TRUE) || !g_setenv (WRAPPERS_ENV_TYPE, "Bearer", TRUE) ||
      !g_setenv (WRAPPERS_ENV_EXPIRES_AT, expires_at ? expires_at : "", TRUE))
    {
      wipe_env (name);
      say (account->name, "cannot set the environment", g_strerror (errno));
      return CR_ERROR_FAILED;
    }
  fflush (NULL);
  execvp (command[0], command);
  saved_errno = errno;
  wipe_env (name);
  {
    /* The program's name is argv: shown, never obeyed by the terminal. */
    g_autofree char *program = cr_escape_for_message (command[0], -1, 300);
    g_autofree char *message = g_strdup_printf ("cannot run %s", program);

    say (account->name, message, g_strerror (saved_errno));
  }
  /* What a shell answers: 127 not found, 126 found but not runnable. */
  return saved_errno == ENOENT || saved_errno == ENOTDIR ? 127 : 126;
}

/* ---- curl: what credring tells curl ------------------------------------- */

/* Whether curl would read stdin, or a file that may be a pipe, for this
 * request: `-d @-`, `-T -`, `-K -`, `-F x=<-`, `--data @/dev/stdin`, a
 * shell's `<(...)`.  Such a body can be read once only, so the request is
 * not made twice.  A word that only looks like one costs the retry, never
 * a wrong request. */
static gboolean
reads_stdin_or_pipe (char **args)
{
  for (guint i = 0; args[i] != NULL; i++)
    {
      const char *arg = args[i];
      gsize len = strlen (arg);

      if (g_str_equal (arg, "-") || g_str_equal (arg, ".") || g_str_has_suffix (arg, "@-") ||
          g_str_has_suffix (arg, "<-") || strstr (arg, "@-;") != NULL ||
          strstr (arg, "<-;") != NULL || strstr (arg, "/dev/stdin") != NULL ||
          strstr (arg, "/dev/fd/") != NULL || strstr (arg, "/proc/self/fd/") != NULL)
        return TRUE;
      /* A cluster of short options ending in -T or -K with stdin: -sT- */
      if (len >= 3 && arg[0] == '-' && arg[1] != '-' &&
          (arg[len - 2] == 'T' || arg[len - 2] == 'K') &&
          (arg[len - 1] == '-' || arg[len - 1] == '.'))
        return TRUE;
    }
  return FALSE;
}

/* --next (-:) starts another set of URLs, which the header would not go with. */
static gboolean
has_next (char **args)
{
  for (guint i = 0; args[i] != NULL; i++)
    if (g_str_equal (args[i], "--next") || g_str_equal (args[i], "-:"))
      return TRUE;
  return FALSE;
}

/* curl's configuration: the header, as a quoted string (\ and " escaped),
 * and where to dump the answers' headers.  At a terminal, curl would show
 * no progress meter writing there itself; writing to credring's pipe it
 * would. */
static GString *
curl_config (const char *access_token, int header_fd, gboolean at_terminal)
{
  GString *config = g_string_sized_new (2 * strlen (access_token) + 256);

  g_string_append (config, "header = \"Authorization: Bearer ");
  for (const char *p = access_token; *p != '\0'; p++)
    {
      if (*p == '"' || *p == '\\')
        g_string_append_c (config, '\\');
      g_string_append_c (config, *p);
    }
  g_string_append (config, "\"\n");
  g_string_append_printf (config, "dump-header = \"/dev/fd/%d\"\n", header_fd);
  if (at_terminal)
    g_string_append (config, "no-progress-meter\n");
  return config;
}

/* A pipe holding @config whole, its write end closed: curl reads it at
 * start (-K /dev/fd/N), and nothing of it is ever on disk.  The read end,
 * close-on-exec; -1 and an error otherwise. */
static int
config_pipe (const GString *config, GError **error)
{
  int fds[2];
  int capacity;
  gsize done = 0;

  if (pipe2 (fds, O_CLOEXEC | O_NONBLOCK) < 0)
    {
      g_set_error (error, CR_ERROR, CR_ERROR_FAILED, "cannot make a pipe: %s",
                   g_strerror (errno));
      return -1;
    }
  capacity = fcntl (fds[1], F_GETPIPE_SZ);
  if (capacity >= 0 && (gsize) capacity < config->len)
    (void) fcntl (fds[1], F_SETPIPE_SZ, (int) config->len);
  while (done < config->len)
    {
      ssize_t n = write (fds[1], config->str + done, config->len - done);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        {
          /* O_NONBLOCK: a pipe too small says so instead of waiting forever. */
          g_set_error (error, CR_ERROR, CR_ERROR_FAILED, "cannot pass the token to curl: %s",
                       g_strerror (n < 0 ? errno : EIO));
          close (fds[0]);
          close (fds[1]);
          return -1;
        }
      done += (gsize) n;
    }
  close (fds[1]);
  /* curl reads it blocking, as any file. */
  (void) fcntl (fds[0], F_SETFL, fcntl (fds[0], F_GETFL) & ~O_NONBLOCK);
  return fds[0];
}

/* curl, -K /dev/fd/N, then the user's arguments (after -q, which curl
 * takes only as its first).  Free with g_strfreev(). */
static char **
curl_argv (char **user_args, int config_fd)
{
  GStrvBuilder *argv = g_strv_builder_new ();
  g_autofree char *config_path = g_strdup_printf ("/dev/fd/%d", config_fd);
  char **result;
  guint i = 0;

  g_strv_builder_add (argv, "curl");
  if (user_args[0] != NULL && (g_str_equal (user_args[0], "-q") ||
                               g_str_equal (user_args[0], "--disable")))
    g_strv_builder_add (argv, user_args[i++]);
  g_strv_builder_add (argv, "-K");
  g_strv_builder_add (argv, config_path);
  g_strv_builder_addv (argv, (const char **) &user_args[i]);
  result = g_strv_builder_end (argv);
  g_strv_builder_unref (argv);
  return result;
}

/* ---- curl: what it answers ---------------------------------------------- */

/* The status of the last answer, from the header lines curl dumps. */
typedef struct {
  char line[HEADER_LINE_MAX];
  gsize len;
  gboolean overlong;
  int status;
} StatusReader;

/* "HTTP/1.1 401 Unauthorized", "HTTP/2 401": a header name has no "/",
 * so only a status line starts so. */
static void
read_status_line (StatusReader *reader)
{
  const char *space;

  reader->line[reader->len] = '\0';
  if (!g_str_has_prefix (reader->line, "HTTP/"))
    return;
  space = strchr (reader->line, ' ');
  if (space != NULL && g_ascii_isdigit (space[1]) && g_ascii_isdigit (space[2]) &&
      g_ascii_isdigit (space[3]) && (space[4] == ' ' || space[4] == '\r' || space[4] == '\0'))
    reader->status = (space[1] - '0') * 100 + (space[2] - '0') * 10 + (space[3] - '0');
}

static void
status_reader_feed (StatusReader *reader, const char *data, gsize n)
{
  for (gsize i = 0; i < n; i++)
    {
      if (data[i] == '\n')
        {
          if (!reader->overlong)
            read_status_line (reader);
          reader->len = 0;
          reader->overlong = FALSE;
        }
      else if (reader->len < sizeof reader->line - 1)
        reader->line[reader->len++] = data[i];
      else
        reader->overlong = TRUE;
    }
}

/* Reads what the header pipe holds now (it is non-blocking).  FALSE at its end. */
static gboolean
drain_headers (int fd, StatusReader *reader)
{
  char buffer[4096];

  for (;;)
    {
      ssize_t n = read (fd, buffer, sizeof buffer);

      if (n > 0)
        status_reader_feed (reader, buffer, (gsize) n);
      else if (n < 0 && errno == EINTR)
        continue;
      else if (n < 0 && errno == EAGAIN)
        return TRUE;
      else
        return FALSE;
    }
}

typedef struct {
  int exit_status;      /* curl's, as a shell says it (128+N: killed by N) */
  int http_status;      /* of the last answer; 0: none seen */
  gboolean forwarded;   /* some of curl's output reached stdout */
  gboolean stdout_lost; /* stdout refused a write: nothing more goes there */
  GByteArray *held;     /* output of a 401 answer, held back */
  GByteArray *refusal;  /* the start of a 401 answer, to quote */
} CurlRun;

static void
curl_run_clear (CurlRun *run)
{
  g_clear_pointer (&run->held, g_byte_array_unref);
  g_clear_pointer (&run->refusal, g_byte_array_unref);
}

static void
write_stdout (CurlRun *run, const guint8 *data, gsize n)
{
  gsize done = 0;

  while (!run->stdout_lost && done < n)
    {
      ssize_t w = write (STDOUT_FILENO, data + done, n - done);

      if (w < 0 && errno == EINTR)
        continue;
      if (w <= 0)
        run->stdout_lost = TRUE;
      else
        done += (gsize) w;
    }
  run->forwarded = TRUE;
}

/* What was held back goes out after all: it is the answer the user gets. */
static void
release_held (CurlRun *run)
{
  if (run->held == NULL || run->held->len == 0)
    return;
  write_stdout (run, run->held->data, run->held->len);
  g_byte_array_set_size (run->held, 0);
}

/* Output of the answer whose status is run->http_status: held back while
 * it is a 401 that may be asked again (@may_hold), else passed on. */
static void
take_output (CurlRun *run, const guint8 *data, gsize n, gboolean may_hold)
{
  if (run->http_status == HTTP_UNAUTHORIZED && run->refusal->len < REFUSAL_KEPT_BYTES)
    g_byte_array_append (run->refusal, data, MIN (n, REFUSAL_KEPT_BYTES - run->refusal->len));
  if (may_hold && !run->forwarded && run->http_status == HTTP_UNAUTHORIZED &&
      run->held->len + n <= HELD_OUTPUT_MAX)
    {
      g_byte_array_append (run->held, data, n);
      return;
    }
  release_held (run);
  write_stdout (run, data, n);
}

/* Reads curl's output and its header dump until curl closes both.  Output
 * is looked at only after every header line written before it: curl
 * writes (and flushes) an answer's headers before its body, so the status
 * read then is that of the answer the output belongs to. */
static void
pump (int out_fd, int header_fd, CurlRun *run, gboolean may_hold)
{
  StatusReader reader = { .status = 0 };
  gboolean out_open = TRUE;
  gboolean header_open = TRUE;
  guint8 buffer[16384];

  while (out_open || header_open)
    {
      struct pollfd fds[2] = {
        { .fd = header_open ? header_fd : -1, .events = POLLIN },
        { .fd = out_open ? out_fd : -1, .events = POLLIN },
      };
      ssize_t n;

      if (poll (fds, 2, -1) < 0)
        {
          if (errno == EINTR)
            continue;
          break;
        }
      if (header_open && fds[0].revents != 0)
        header_open = drain_headers (header_fd, &reader);
      if (!out_open || fds[1].revents == 0)
        continue;
      n = read (out_fd, buffer, sizeof buffer);
      if (n < 0 && (errno == EINTR || errno == EAGAIN))
        continue;
      if (n <= 0)
        {
          out_open = FALSE;
          continue;
        }
      if (header_open)
        header_open = drain_headers (header_fd, &reader);
      run->http_status = reader.status;
      take_output (run, buffer, (gsize) n, may_hold);
      /* The reader went away (| head): curl is told so by its pipe. */
      if (run->stdout_lost)
        out_open = FALSE;
    }
  run->http_status = reader.status;
}

static int
shell_status (int wait_status)
{
  if (WIFEXITED (wait_status))
    return WEXITSTATUS (wait_status);
  if (WIFSIGNALED (wait_status))
    return 128 + WTERMSIG (wait_status);
  return CR_ERROR_FAILED;
}

static void
close_fd (int *fd)
{
  if (*fd >= 0)
    close (*fd);
  *fd = -1;
}

/* One run of curl with @access_token.  FALSE when curl could not be run:
 * *@spawn_status is then 127 or 126 and @error says why. */
static gboolean
run_curl (const char *access_token, char **user_args, gboolean may_hold, CurlRun *run,
          int *spawn_status, GError **error)
{
  int header_pipe[2] = { -1, -1 };
  int out_pipe[2] = { -1, -1 };
  int config_fd = -1;
  g_autoptr (GString) config = NULL;
  g_auto (GStrv) argv = NULL;
  GPid pid = 0;
  int wait_status = 0;
  gboolean spawned;

  *spawn_status = CR_ERROR_FAILED;
  if (pipe2 (header_pipe, O_CLOEXEC) < 0 || pipe2 (out_pipe, O_CLOEXEC) < 0)
    {
      g_set_error (error, CR_ERROR, CR_ERROR_FAILED, "cannot make a pipe: %s",
                   g_strerror (errno));
      close_fd (&header_pipe[0]);
      close_fd (&header_pipe[1]);
      return FALSE;
    }
  config = curl_config (access_token, header_pipe[1], isatty (STDOUT_FILENO));
  config_fd = config_pipe (config, error);
  cr_secret_wipe (config->str, config->allocated_len);
  if (config_fd >= 0)
    {
      int fds[] = { config_fd, header_pipe[1] };

      argv = curl_argv (user_args, config_fd);
      /* The caller's descriptors too (a shell's <(...) is /dev/fd/63);
       * ours are close-on-exec but the two curl is told of, kept at
       * their numbers. */
      spawned = g_spawn_async_with_pipes_and_fds (
        NULL, (const char *const *) argv, NULL,
        G_SPAWN_SEARCH_PATH | G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_LEAVE_DESCRIPTORS_OPEN |
          G_SPAWN_CHILD_INHERITS_STDIN,
        NULL, NULL, -1, out_pipe[1], -1, fds, fds, G_N_ELEMENTS (fds), &pid, NULL, NULL, NULL,
        error);
      if (!spawned)
        *spawn_status = g_error_matches (*error, G_SPAWN_ERROR, G_SPAWN_ERROR_NOENT) ? 127 : 126;
    }
  else
    spawned = FALSE;
  close_fd (&config_fd);
  close_fd (&header_pipe[1]);
  close_fd (&out_pipe[1]);
  if (spawned)
    {
      (void) fcntl (header_pipe[0], F_SETFL, fcntl (header_pipe[0], F_GETFL) | O_NONBLOCK);
      pump (out_pipe[0], header_pipe[0], run, may_hold);
    }
  close_fd (&header_pipe[0]);
  close_fd (&out_pipe[0]);
  if (!spawned)
    return FALSE;
  while (waitpid (pid, &wait_status, 0) < 0 && errno == EINTR)
    ;
  g_spawn_close_pid (pid);
  run->exit_status = shell_status (wait_status);
  return TRUE;
}

/* The last answer is a 401: said once, with the start of the API's
 * answer (Dataloy's {"message":"Token expired."}) when it came to stdout. */
static int
report_refusal (const CrAccount *account, const CurlRun *run, const char *why)
{
  g_autofree char *quoted = NULL;
  g_autofree char *message = g_strdup_printf ("the API refused %s (HTTP 401)", why);

  if (run->refusal->len > 0)
    {
      g_autofree char *start =
        g_strndup ((const char *) run->refusal->data, run->refusal->len);

      quoted = cr_escape_for_message (g_strchomp (start), -1, REFUSAL_SHOWN_CHARS);
    }
  say (account->name, message, quoted);
  return CR_ERROR_REJECTED;
}

/* Why the last answer, a 401, is the one the user gets. */
static const char *
refusal_reason (int attempt, gboolean replayable)
{
  if (attempt == 2)
    return "a new token too";
  if (!replayable)
    return "the token; not retried: the request reads stdin or a pipe, which cannot be "
           "read twice";
  return "the token; not retried: curl's output had begun";
}

/* The output held back is the answer after all; returns @status. */
static int
finish (CurlRun *run, int status)
{
  release_held (run);
  curl_run_clear (run);
  return status;
}

int
wrappers_curl (const CrAccount *account, CrProvider *provider, char **curl_args)
{
  g_autoptr (CrToken) token = NULL;
  gboolean replayable;
  GError *error = NULL;

  g_return_val_if_fail (curl_args != NULL && curl_args[0] != NULL, CR_ERROR_CONFIG);

  if (has_next (curl_args))
    {
      say (account->name, "curl: --next (-:) is not supported: the token would go with the "
                          "first set of URLs only; run credring curl once per set", NULL);
      return CR_ERROR_CONFIG;
    }
  replayable = !reads_stdin_or_pipe (curl_args);
  token = get_token (account, provider, &error);
  if (token == NULL)
    return report (error);
  /* A reader of stdout that goes away is curl's to hear of (exit 23). */
  signal (SIGPIPE, SIG_IGN);

  for (int attempt = 1;; attempt++)
    {
      CurlRun run = { .held = g_byte_array_new (), .refusal = g_byte_array_new () };
      gboolean last = attempt == 2 || !replayable;
      int status = 0;

      if (!run_curl (token->access_token, curl_args, !last, &run, &status, &error))
        {
          say (account->name, "cannot run curl", error->message);
          g_error_free (error);
          return finish (&run, status);
        }
      if (run.http_status != HTTP_UNAUTHORIZED)
        return finish (&run, run.exit_status);
      /* Refused: dropped as git's erase drops it, unless another process
       * has put a new token in its place. */
      if (!cr_cache_forget_token_if (account, token->access_token, &error))
        return finish (&run, report (error));
      if (last || run.forwarded)
        return finish (&run, report_refusal (account, &run, refusal_reason (attempt, replayable)));
      g_clear_pointer (&token, cr_token_free);
      token = get_token (account, provider, &error);
      /* Without a new token, the first answer is the one there is. */
      if (token == NULL)
        return finish (&run, report (error));
      g_debug ("%s: the API refused the token (HTTP 401); asking once more with a new one",
               account->name);
      /* The refused answer's output is dropped: stdout gets the next one. */
      curl_run_clear (&run);
    }
}

/* ---- kubectl ------------------------------------------------------------ */

/* ---- the refused token ---------------------------------------------------- */

gboolean
wrappers_forget_refused_token (const CrAccount *account, GError **error)
{
  /* A token, its newline (CR LF too) and one byte more to see it is too long. */
  gsize size = CR_TOKEN_MAX_BYTES + 3;
  char *buffer = g_malloc0 (size + 1);
  gsize len = 0;
  gboolean ok;

  while (len < size)
    {
      ssize_t n = read (STDIN_FILENO, buffer + len, size - len);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        break;
      len += (gsize) n;
    }
  buffer[len] = '\0';
  if (len > 0 && buffer[len - 1] == '\n')
    buffer[--len] = '\0';
  if (len > 0 && buffer[len - 1] == '\r')
    buffer[--len] = '\0';
  if (len == 0 || len > CR_TOKEN_MAX_BYTES || strlen (buffer) != len ||
      strchr (buffer, '\n') != NULL)
    {
      g_set_error (error, CR_ERROR, CR_ERROR_CONFIG,
                   "--refused-token-stdin: stdin must hold one token, of at most %d bytes, "
                   "on one line",
                   CR_TOKEN_MAX_BYTES);
      cr_secret_free_sized (buffer, size + 1);
      return FALSE;
    }
  ok = cr_cache_forget_token_if (account, buffer, error);
  cr_secret_free_sized (buffer, size + 1);
  return ok;
}
