/* Reading secrets for `credring login`. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "secret-input.h"

/* Far above any real secret; a bigger input is a mistake, not a secret. */
#define INPUT_MAX_BYTES (64 * 1024)

void
secret_input_clear (CrClientSecrets *input)
{
  /* The strings are ours (secret_input_*() allocated them): const only to
   * the functions that borrow them. */
  cr_secret_free ((char *) input->client_secret);
  cr_secret_free ((char *) input->password);
  input->client_secret = NULL;
  input->password = NULL;
}

/* Reads all of @fd into @buffer (@size bytes, one kept for the NUL).  The
 * buffer is the caller's so it can be wiped whatever happens. */
static gssize
read_all (int fd, char *buffer, gsize size)
{
  gsize used = 0;

  while (used < size - 1)
    {
      gssize n = read (fd, buffer + used, size - 1 - used);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return -1;
      if (n == 0)
        break;
      used += (gsize) n;
    }
  buffer[used] = '\0';
  return (gssize) used;
}

static gboolean
bad_input (GError **error, const char *why)
{
  g_set_error (error, CR_ERROR, CR_ERROR_CONFIG, "secret input: %s", why);
  return FALSE;
}

static gboolean
parse_lines (char *text, gsize len, SecretInputWanted wanted, CrClientSecrets *found, GError **error)
{
  char *line = text;
  char *end = text + len;

  if (memchr (text, '\0', len) != NULL)
    return bad_input (error, "a NUL byte in the input");
  while (line < end)
    {
      char *newline = memchr (line, '\n', end - line);
      char *stop = newline ? newline : end;
      char *equals;
      const char **slot;

      *stop = '\0';
      if (*line == '\0')
        {
          line = stop + 1;
          continue;
        }
      if (strchr (line, '\r') != NULL)
        return bad_input (error, "a carriage return in a line (use Unix line ends)");
      equals = strchr (line, '=');
      if (equals == NULL)
        return bad_input (error, "a line without '=' (expected client_secret=... or password=...)");
      *equals = '\0';
      if (g_str_equal (line, "client_secret") && (wanted & SECRET_INPUT_CLIENT_SECRET) != 0)
        slot = &found->client_secret;
      else if (g_str_equal (line, "password") && (wanted & SECRET_INPUT_PASSWORD) != 0)
        slot = &found->password;
      else
        {
          g_autofree char *key = cr_escape_for_message (line, -1, 40);

          g_set_error (error, CR_ERROR, CR_ERROR_CONFIG, "secret input: unexpected key '%s'", key);
          return FALSE;
        }
      if (*slot != NULL)
        {
          g_set_error (error, CR_ERROR, CR_ERROR_CONFIG, "secret input: '%s' given twice", line);
          return FALSE;
        }
      if (equals[1] == '\0')
        {
          g_set_error (error, CR_ERROR, CR_ERROR_CONFIG, "secret input: '%s' is empty", line);
          return FALSE;
        }
      *slot = g_strdup (equals + 1);
      line = stop + 1;
    }
  if ((wanted & SECRET_INPUT_CLIENT_SECRET) != 0 && found->client_secret == NULL)
    return bad_input (error, "no client_secret=... line");
  if ((wanted & SECRET_INPUT_PASSWORD) != 0 && found->password == NULL)
    return bad_input (error, "no password=... line");
  return TRUE;
}

gboolean
secret_input_read_lines (int fd, SecretInputWanted wanted, CrClientSecrets *out, GError **error)
{
  char *buffer = g_malloc (INPUT_MAX_BYTES + 2);
  CrClientSecrets found = { NULL, NULL };
  gssize len = read_all (fd, buffer, INPUT_MAX_BYTES + 2);
  gboolean ok;

  if (len < 0)
    ok = bad_input (error, g_strerror (errno));
  else if (len > INPUT_MAX_BYTES)
    ok = bad_input (error, "more than 64 KiB");
  else
    ok = parse_lines (buffer, (gsize) len, wanted, &found, error);

  cr_secret_wipe (buffer, INPUT_MAX_BYTES + 2);
  g_free (buffer);
  if (!ok)
    {
      secret_input_clear (&found);
      return FALSE;
    }
  *out = found;
  return TRUE;
}

/* The terminal as it was, for the signal handler to put back. */
static struct termios saved_termios;
static volatile sig_atomic_t tty_fd = -1;

static void
restore_tty_and_die (int signo)
{
  if (tty_fd >= 0)
    tcsetattr (tty_fd, TCSAFLUSH, &saved_termios);
  signal (signo, SIG_DFL);
  raise (signo);
}

static char *
prompt_one (int fd, const char *prompt, GError **error)
{
  char buffer[4096];
  struct termios quiet;
  struct sigaction restore = { 0 }, old_int, old_term;
  gssize len = 0;
  char *newline;

  if (tcgetattr (fd, &saved_termios) != 0)
    {
      g_set_error (error, CR_ERROR, CR_ERROR_CONFIG, "cannot use the terminal: %s",
                   g_strerror (errno));
      return NULL;
    }
  restore.sa_handler = restore_tty_and_die;
  sigaction (SIGINT, &restore, &old_int);
  sigaction (SIGTERM, &restore, &old_term);
  tty_fd = fd;

  quiet = saved_termios;
  quiet.c_lflag &= ~(tcflag_t) ECHO;
  quiet.c_lflag |= ECHONL;
  (void) !write (fd, prompt, strlen (prompt));
  tcsetattr (fd, TCSAFLUSH, &quiet);
  do
    len = read (fd, buffer, sizeof buffer - 1);
  while (len < 0 && errno == EINTR);
  tcsetattr (fd, TCSAFLUSH, &saved_termios);

  tty_fd = -1;
  sigaction (SIGINT, &old_int, NULL);
  sigaction (SIGTERM, &old_term, NULL);

  if (len <= 0)
    {
      cr_secret_wipe (buffer, sizeof buffer);
      g_set_error (error, CR_ERROR, CR_ERROR_CONFIG, "no input at the prompt");
      return NULL;
    }
  buffer[len] = '\0';
  newline = strchr (buffer, '\n');
  if (newline == NULL || buffer[0] == '\n')
    {
      cr_secret_wipe (buffer, sizeof buffer);
      g_set_error (error, CR_ERROR, CR_ERROR_CONFIG,
                   newline == NULL ? "input at the prompt is too long" : "empty input");
      return NULL;
    }
  *newline = '\0';
  char *secret = g_strdup (buffer);
  cr_secret_wipe (buffer, sizeof buffer);
  return secret;
}

gboolean
secret_input_prompt (const char *account, SecretInputWanted wanted, CrClientSecrets *out,
                     GError **error)
{
  g_autofree char *secret_prompt = g_strdup_printf ("Client secret for %s: ", account);
  g_autofree char *password_prompt = g_strdup_printf ("Password for %s: ", account);
  CrClientSecrets found = { NULL, NULL };
  gboolean ok = TRUE;
  int fd = open ("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY);

  if (fd < 0)
    {
      g_set_error (error, CR_ERROR, CR_ERROR_CONFIG,
                   "no terminal to ask on: give the secrets with --secret-stdin");
      return FALSE;
    }
  if ((wanted & SECRET_INPUT_CLIENT_SECRET) != 0)
    {
      found.client_secret = prompt_one (fd, secret_prompt, error);
      ok = found.client_secret != NULL;
    }
  if (ok && (wanted & SECRET_INPUT_PASSWORD) != 0)
    {
      found.password = prompt_one (fd, password_prompt, error);
      ok = found.password != NULL;
    }
  close (fd);
  if (!ok)
    {
      secret_input_clear (&found);
      return FALSE;
    }
  *out = found;
  return TRUE;
}
