/* credring-service's local socket: the line protocol both sides speak, and
 * the asking side (service/socket.h says what for). */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "base/ascii.h"
#include "base/runtime-dir.h"
#include "service/socket.h"
#include "token/token.h"

char *
cr_service_socket_path (GError **error)
{
  g_autofree char *dir = cr_runtime_dir (error);

  return dir != NULL ? g_build_filename (dir, CR_SERVICE_SOCKET_NAME, NULL) : NULL;
}

char *
cr_service_question_format (const char *account, const char *fingerprint, gint64 min_valid)
{
  return g_strdup_printf ("token %s %s %" G_GINT64_FORMAT "\n", account, fingerprint, min_valid);
}

/* A whole number in [@min, @max], in decimal with an optional '-'. */
static gboolean
parse_number (const char *text, gint64 min, gint64 max, gint64 *out)
{
  return g_ascii_string_to_signed (text, 10, min, max, out, NULL);
}

gboolean
cr_service_question_parse (const char *line, char **account, char **fingerprint,
                           gint64 *min_valid)
{
  g_auto (GStrv) words = g_strsplit (line, " ", -1);

  if (g_strv_length (words) != 4 || strcmp (words[0], "token") != 0 ||
      !cr_ascii_is_word (words[1], 256, "._@-") || !cr_ascii_is_word (words[2], 256, "") ||
      !parse_number (words[3], -1, G_MAXINT32, min_valid))
    return FALSE;
  *account = g_strdup (words[1]);
  *fingerprint = g_strdup (words[2]);
  return TRUE;
}

char *
cr_service_answer_format (const CrToken *token)
{
  GString *answer;

  if (token == NULL)
    return g_strdup ("miss\n");
  /* Sized once, so that no copy of the token is left behind by a realloc. */
  answer = g_string_sized_new (strlen (token->access_token) + strlen (token->token_type) + 64);
  g_string_append_printf (answer, "ok %" G_GINT64_FORMAT " %" G_GINT64_FORMAT " %s ",
                          token->issued_at, token->expires_at, token->token_type);
  g_string_append (answer, token->access_token);
  g_string_append_c (answer, '\n');
  return g_string_free (answer, FALSE);
}

CrToken *
cr_service_answer_parse (const char *line, const char *fingerprint)
{
  /* ok ISSUED EXPIRES TYPE TOKEN: the token last, as it may hold spaces. */
  const char *fields[4];
  const char *p = line;
  g_autofree char *issued = NULL, *expires = NULL, *type = NULL;
  gint64 issued_at, expires_at;
  CrToken *token;

  if (!g_str_has_prefix (line, "ok "))
    return NULL;
  p += 3;
  for (int i = 0; i < 3; i++)
    {
      fields[i] = p;
      p = strchr (p, ' ');
      if (p == NULL)
        return NULL;
      p++;
    }
  fields[3] = p;
  issued = g_strndup (fields[0], fields[1] - fields[0] - 1);
  expires = g_strndup (fields[1], fields[2] - fields[1] - 1);
  type = g_strndup (fields[2], fields[3] - fields[2] - 1);
  if (!parse_number (issued, 0, G_MAXINT64, &issued_at) ||
      !parse_number (expires, 0, G_MAXINT64, &expires_at) ||
      !cr_ascii_is_word (type, 64, "") || !cr_token_text_is_valid (fields[3]))
    return NULL;
  token = cr_token_new (fields[3], type, issued_at, expires_at);
  token->fingerprint = g_strdup (fingerprint);
  return token;
}

/* Connected to a socket of this user's, or -1. */
static int
connect_to_service (void)
{
  g_autofree char *path = cr_service_socket_path (NULL);
  struct sockaddr_un address = { .sun_family = AF_UNIX };
  struct ucred peer;
  socklen_t peer_len = sizeof peer;
  int fd;

  if (path == NULL || strlen (path) >= sizeof address.sun_path)
    return -1;
  memcpy (address.sun_path, path, strlen (path) + 1);
  fd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return -1;
  /* No service: the socket is missing, or a dead one's is left (refused). */
  if (connect (fd, (struct sockaddr *) &address, sizeof address) != 0 ||
      getsockopt (fd, SOL_SOCKET, SO_PEERCRED, &peer, &peer_len) != 0 || peer.uid != getuid ())
    {
      close (fd);
      return -1;
    }
  return fd;
}

static gboolean
send_all (int fd, const char *data, gsize len)
{
  while (len > 0)
    {
      ssize_t n = send (fd, data, len, MSG_NOSIGNAL);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return FALSE;
      data += n;
      len -= (gsize) n;
    }
  return TRUE;
}

/* The answer's one line, without its newline, into @buffer (a secret);
 * FALSE when it does not come whole within @deadline (monotonic). */
static gboolean
receive_line (int fd, char *buffer, gsize size, gint64 deadline)
{
  gsize used = 0;

  while (used < size - 1)
    {
      struct pollfd readable = { .fd = fd, .events = POLLIN };
      gint64 left_msec = (deadline - g_get_monotonic_time ()) / 1000;
      ssize_t n;
      char *end;

      if (left_msec <= 0)
        return FALSE;
      n = poll (&readable, 1, (int) left_msec);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return FALSE;
      n = recv (fd, buffer + used, size - 1 - used, 0);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return FALSE;
      used += (gsize) n;
      buffer[used] = '\0';
      end = memchr (buffer, '\n', used);
      if (end != NULL)
        {
          *end = '\0';
          return end == buffer + used - 1; /* one line, nothing after it */
        }
    }
  return FALSE;
}

CrToken *
cr_service_ask_token (const char *account, const char *fingerprint, gint64 min_valid)
{
  gint64 deadline = g_get_monotonic_time () + CR_SERVICE_ANSWER_TIMEOUT_MSEC * 1000;
  g_autofree char *question = NULL;
  char *answer;
  CrToken *token = NULL;
  int fd;

  g_return_val_if_fail (account != NULL && fingerprint != NULL, NULL);

  fd = connect_to_service ();
  if (fd < 0)
    return NULL;
  question = cr_service_question_format (account, fingerprint, min_valid);
  answer = g_malloc (CR_SERVICE_MAX_LINE);
  if (send_all (fd, question, strlen (question)) &&
      receive_line (fd, answer, CR_SERVICE_MAX_LINE, deadline))
    token = cr_service_answer_parse (answer, fingerprint);
  close (fd);
  cr_secret_free_sized (answer, CR_SERVICE_MAX_LINE);
  /* Only what the asker asked for, whatever the service says. */
  if (token != NULL && !cr_token_is_fresh (token, g_get_real_time () / G_USEC_PER_SEC, min_valid))
    g_clear_pointer (&token, cr_token_free);
  g_debug ("account [%s]: credring-service %s", account,
           token != NULL ? "served the cached token" : "did not serve a token");
  return token;
}
