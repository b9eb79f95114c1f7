/* The way to a running credring-service (core/service/socket.c) and the
 * change marks it trusts (core/cache/changes.c).  A thread of this test
 * plays the service, answering as told, so that each way an answer can
 * be wrong is shown to send the asker its own way. */
#include "config.h"

#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "cache/changes.h"
#include "service/socket.h"
#include "testutil.h"
#include "token/token.h"

static char *runtime_dir;

#define FINGERPRINT "0123abcd"

static gint64
now_seconds (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

static void
test_question_round_trip (void)
{
  g_autofree char *line = cr_service_question_format ("acme.prod@eu-1", FINGERPRINT, 300);
  g_autofree char *account = NULL;
  g_autofree char *fingerprint = NULL;
  gint64 min_valid = 0;

  g_assert_cmpstr (line, ==, "token acme.prod@eu-1 " FINGERPRINT " 300\n");
  line[strlen (line) - 1] = '\0';
  g_assert_true (cr_service_question_parse (line, &account, &fingerprint, &min_valid));
  g_assert_cmpstr (account, ==, "acme.prod@eu-1");
  g_assert_cmpstr (fingerprint, ==, FINGERPRINT);
  g_assert_cmpint (min_valid, ==, 300);
}

static void
test_question_refused (void)
{
  const char *bad[] = {
    "", "token", "token a b", "token a b 1 2", "get a b 1", "token a/b " FINGERPRINT " 1",
    "token a " FINGERPRINT " -2", "token a " FINGERPRINT " 2147483648", "token a f-g 1",
    "token a " FINGERPRINT " 1x", "token  a " FINGERPRINT " 1", "token a\t" FINGERPRINT " 1",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *account = NULL;
      g_autofree char *fingerprint = NULL;
      gint64 min_valid;

      g_test_message ("question: '%s'", bad[i]);
      g_assert_false (cr_service_question_parse (bad[i], &account, &fingerprint, &min_valid));
      g_assert_null (account);
    }
}

static void
test_answer_round_trip (void)
{
  g_autoptr (CrToken) token = cr_token_new ("abc def~!", "Bearer", 100, 200);
  g_autoptr (CrToken) back = NULL;
  char *line = cr_service_answer_format (token);
  char *miss = cr_service_answer_format (NULL);

  g_assert_cmpstr (line, ==, "ok 100 200 Bearer abc def~!\n");
  g_assert_cmpstr (miss, ==, "miss\n");
  line[strlen (line) - 1] = '\0';
  back = cr_service_answer_parse (line, FINGERPRINT);
  g_assert_nonnull (back);
  /* A token may hold spaces: it is the rest of the line. */
  g_assert_cmpstr (back->access_token, ==, "abc def~!");
  g_assert_cmpstr (back->token_type, ==, "Bearer");
  g_assert_cmpint (back->issued_at, ==, 100);
  g_assert_cmpint (back->expires_at, ==, 200);
  g_assert_cmpstr (back->fingerprint, ==, FINGERPRINT);
  g_assert_null (cr_service_answer_parse ("miss", FINGERPRINT));
  cr_secret_free (line);
  g_free (miss);
}

static void
test_answer_refused (void)
{
  const char *bad[] = {
    "", "ok", "ok 1 2 Bearer", "ok 1 2 Bearer ", "ok x 2 Bearer t", "ok 1 -2 Bearer t",
    "ok 1 2 Bea:rer t", "ok 1 2 Bearer t\x01u", "ok 1 2 Bearer t\xc3\xa9", "OK 1 2 Bearer t",
    "ok  1 2 Bearer t",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_test_message ("answer: '%s'", bad[i]);
      g_assert_null (cr_service_answer_parse (bad[i], FINGERPRINT));
    }
}

/* ---- a pretend service ---------------------------------------------------- */

typedef struct {
  int listener;
  const char *answer;    /* sent as it is, NULL: nothing, ever */
  char question[256];
} Pretend;

static gpointer
serve_once (gpointer data)
{
  Pretend *pretend = data;
  int fd = accept (pretend->listener, NULL, NULL);
  gsize used = 0;

  g_assert_cmpint (fd, >=, 0);
  while (used < sizeof pretend->question - 1 && strchr (pretend->question, '\n') == NULL)
    {
      ssize_t n = recv (fd, pretend->question + used, sizeof pretend->question - 1 - used, 0);

      if (n <= 0)
        break;
      used += (gsize) n;
    }
  if (pretend->answer != NULL)
    g_assert_cmpint (send (fd, pretend->answer, strlen (pretend->answer), MSG_NOSIGNAL), ==,
                     (gssize) strlen (pretend->answer));
  else
    while (recv (fd, pretend->question + used, 1, 0) > 0) /* until the asker gives up */
      ;
  close (fd);
  return NULL;
}

/* What cr_service_ask_token() makes of @answer, asking with @min_valid. */
static CrToken *
ask_pretend (const char *answer, gint64 min_valid, char **question)
{
  g_autofree char *path = cr_service_socket_path (NULL);
  struct sockaddr_un address = { .sun_family = AF_UNIX };
  Pretend pretend = { .answer = answer };
  GThread *thread;
  CrToken *token;

  g_assert_nonnull (path);
  g_assert_cmpuint (strlen (path), <, sizeof address.sun_path);
  memcpy (address.sun_path, path, strlen (path) + 1);
  unlink (path);
  pretend.listener = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  g_assert_cmpint (bind (pretend.listener, (struct sockaddr *) &address, sizeof address), ==, 0);
  g_assert_cmpint (listen (pretend.listener, 1), ==, 0);
  thread = g_thread_new ("pretend-service", serve_once, &pretend);
  token = cr_service_ask_token ("acme", FINGERPRINT, min_valid);
  g_thread_join (thread);
  close (pretend.listener);
  unlink (path);
  if (question != NULL)
    *question = g_strdup (pretend.question);
  return token;
}

static void
test_ask_served (void)
{
  g_autofree char *answer =
    g_strdup_printf ("ok %" G_GINT64_FORMAT " %" G_GINT64_FORMAT " Bearer tok en\n",
                     now_seconds (), now_seconds () + 3600);
  g_autofree char *question = NULL;
  g_autoptr (CrToken) token = ask_pretend (answer, 600, &question);

  g_assert_cmpstr (question, ==, "token acme " FINGERPRINT " 600\n");
  g_assert_nonnull (token);
  g_assert_cmpstr (token->access_token, ==, "tok en");
  g_assert_cmpstr (token->fingerprint, ==, FINGERPRINT);
}

static void
test_ask_not_served (void)
{
  g_autofree char *short_lived =
    g_strdup_printf ("ok %" G_GINT64_FORMAT " %" G_GINT64_FORMAT " Bearer t\n", now_seconds (),
                     now_seconds () + 100);
  g_autofree char *two_lines =
    g_strdup_printf ("ok %" G_GINT64_FORMAT " %" G_GINT64_FORMAT " Bearer t\nmore\n",
                     now_seconds (), now_seconds () + 3600);
  g_autofree char *unfinished =
    g_strdup_printf ("ok %" G_GINT64_FORMAT " %" G_GINT64_FORMAT " Bearer t", now_seconds (),
                     now_seconds () + 3600);
  const char *answers[] = { "miss\n", short_lived, two_lines, unfinished, "nonsense\n" };

  /* Fresh for 100 s is not fresh for 600: whatever the service thinks. */
  for (gsize i = 0; i < G_N_ELEMENTS (answers); i++)
    {
      g_autoptr (CrToken) token = ask_pretend (answers[i], 600, NULL);

      g_test_message ("answer: '%s'", answers[i]);
      g_assert_null (token);
    }
}

static void
test_ask_bounded (void)
{
  gint64 started = g_get_monotonic_time ();
  g_autoptr (CrToken) token = ask_pretend (NULL, -1, NULL);
  gint64 waited_msec = (g_get_monotonic_time () - started) / 1000;

  g_assert_null (token);
  g_assert_cmpint (waited_msec, >=, CR_SERVICE_ANSWER_TIMEOUT_MSEC - 50);
  cr_test_assert_within (waited_msec, CR_SERVICE_ANSWER_TIMEOUT_MSEC + 3000);
}

static void
test_ask_nobody (void)
{
  g_autofree char *path = cr_service_socket_path (NULL);
  int fd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  struct sockaddr_un address = { .sun_family = AF_UNIX };
  g_autoptr (CrToken) none = NULL;
  g_autoptr (CrToken) dead = NULL;

  unlink (path);
  none = cr_service_ask_token ("acme", FINGERPRINT, -1);
  g_assert_null (none);
  /* A dead service's socket: bound, nobody listening. */
  memcpy (address.sun_path, path, strlen (path) + 1);
  g_assert_cmpint (bind (fd, (struct sockaddr *) &address, sizeof address), ==, 0);
  close (fd);
  dead = cr_service_ask_token ("acme", FINGERPRINT, -1);
  g_assert_null (dead);
  unlink (path);
}

/* ---- change marks --------------------------------------------------------- */

static void
test_marks (void)
{
  CrChangeMark never, first, second, again;
  g_autofree char *path = g_build_filename (runtime_dir, "credring", "acme.changed", NULL);
  CrChange change;

  cr_change_mark_read ("acme", &never);
  g_assert_false (never.exists);
  cr_change_mark ("acme", CR_CHANGE_TOKEN);
  cr_change_mark_read ("acme", &first);
  g_assert_true (first.exists);
  g_assert_false (cr_change_mark_equal (&never, &first));
  g_assert_true (cr_change_mark_read_change (path, &change));
  g_assert_cmpint (change, ==, CR_CHANGE_TOKEN);
  /* At once, within any clock's resolution: still seen (a new inode). */
  cr_change_mark ("acme", CR_CHANGE_LOGOUT);
  cr_change_mark_read ("acme", &second);
  g_assert_false (cr_change_mark_equal (&first, &second));
  g_assert_true (cr_change_mark_read_change (path, &change));
  g_assert_cmpint (change, ==, CR_CHANGE_LOGOUT);
  cr_change_mark_read ("acme", &again);
  g_assert_true (cr_change_mark_equal (&second, &again));
  /* Another account's mark is another file. */
  cr_change_mark ("other", CR_CHANGE_LOGIN);
  cr_change_mark_read ("acme", &again);
  g_assert_true (cr_change_mark_equal (&second, &again));
}

static void
test_mark_names (void)
{
  g_autofree char *account = cr_change_mark_account ("acme.prod.changed");
  g_autofree char *tmp = cr_change_mark_account ("acme.changed.X3F9QZ");
  g_autofree char *bare = cr_change_mark_account (".changed");
  g_autofree char *lock = cr_change_mark_account ("acme.lock");

  CrChange change = CR_CHANGE_LOGIN;

  g_assert_cmpstr (account, ==, "acme.prod");
  g_assert_null (tmp);
  /* The name a mark is renamed from says its change. */
  g_assert_true (cr_change_from_temporary_name ("acme.prod.changed.token.A1b2C3", &change));
  g_assert_cmpint (change, ==, CR_CHANGE_TOKEN);
  g_assert_true (cr_change_from_temporary_name ("acme.changed.logout.A1b2C3", &change));
  g_assert_cmpint (change, ==, CR_CHANGE_LOGOUT);
  g_assert_false (cr_change_from_temporary_name ("acme.changed.tokens.A1b2C3", &change));
  g_assert_false (cr_change_from_temporary_name ("acme.changed", &change));
  g_assert_false (cr_change_from_temporary_name ("acme.lock", &change));
  g_assert_null (bare);
  g_assert_null (lock);
}

int
main (int argc, char **argv)
{
  int status;

  runtime_dir = cr_test_init (&argc, &argv, "service-socket");
  g_setenv ("XDG_RUNTIME_DIR", runtime_dir, TRUE);

  g_test_add_func ("/service/question/round-trip", test_question_round_trip);
  g_test_add_func ("/service/question/refused", test_question_refused);
  g_test_add_func ("/service/answer/round-trip", test_answer_round_trip);
  g_test_add_func ("/service/answer/refused", test_answer_refused);
  g_test_add_func ("/service/ask/served", test_ask_served);
  g_test_add_func ("/service/ask/not-served", test_ask_not_served);
  g_test_add_func ("/service/ask/bounded", test_ask_bounded);
  g_test_add_func ("/service/ask/nobody", test_ask_nobody);
  g_test_add_func ("/service/marks/change", test_marks);
  g_test_add_func ("/service/marks/names", test_mark_names);
  status = g_test_run ();
  cr_test_remove_tree (runtime_dir);
  return status;
}
