/* Unit tests for secrets from outside the keyrings (core/keyring/sources.c,
 * core/keyring/secret-command.c): the one-line rule, splitting a command
 * line, running real commands (sh) with their failures, and reading
 * systemd credentials from a real directory.  An account using them
 * against a provider is tests/integration/secret-sources.sh's. */

#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "keyring/secret-command.h"
#include "keyring/sources.h"

#include "testutil.h"

static char *test_dir;

static void
assert_one_line_fails (const char *text, gsize length, const char *problem)
{
  g_autoptr (GError) error = NULL;
  char *secret = cr_secret_one_line (text, length, "output", &error);

  g_assert_null (secret);
  g_assert_error (error, CR_ERROR, CR_ERROR_KEYRING);
  g_assert_cmpstr (error->message, ==, problem);
}

static void
test_one_line (void)
{
  g_autoptr (GError) error = NULL;
  cr_autosecret char *secret = NULL;
  cr_autosecret char *with_cr = NULL;
  cr_autosecret char *bare = NULL;

  secret = cr_secret_one_line ("s3cret\n", 7, "output", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (secret, ==, "s3cret");
  /* Without a newline, and with blanks kept: a secret may have them. */
  bare = cr_secret_one_line (" s3 cret ", 9, "output", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (bare, ==, " s3 cret ");
  /* Only "\n" ends the line; a '\r' is the secret's own. */
  with_cr = cr_secret_one_line ("s3cret\r\n", 8, "output", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (with_cr, ==, "s3cret\r");

  assert_one_line_fails ("", 0, "output is empty");
  assert_one_line_fails ("\n", 1, "output is empty");
  assert_one_line_fails ("s3cret\n\n", 8, "output holds more than one line");
  assert_one_line_fails ("one\ntwo", 7, "output holds more than one line");
  assert_one_line_fails ("one\ntwo\n", 8, "output holds more than one line");
  assert_one_line_fails ("\ns3cret", 7, "output holds more than one line");
  assert_one_line_fails ("s3\0cret", 7, "output holds a NUL byte");
}

static void
test_split (void)
{
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) argv = NULL;
  g_auto (GStrv) plain = NULL;
  char **bad;

  argv = cr_secret_command_split ("vault kv get '-field=client secret' \"secret/a b\" x\\ y",
                                  &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (argv), ==, 6);
  g_assert_cmpstr (argv[0], ==, "vault");
  g_assert_cmpstr (argv[3], ==, "-field=client secret");
  g_assert_cmpstr (argv[4], ==, "secret/a b");
  g_assert_cmpstr (argv[5], ==, "x y");
  /* No shell: what a shell would expand is passed as written. */
  plain = cr_secret_command_split ("pass show $HOME/x; rm -rf ~ | tee `id`", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (plain[2], ==, "$HOME/x;");
  g_assert_cmpstr (plain[4], ==, "-rf");
  g_assert_cmpstr (plain[5], ==, "~");
  g_assert_cmpstr (plain[6], ==, "|");

  for (const char *const *line = (const char *const[]) { "", "   ", "pass 'show", "pass \"x",
                                                        "pass x\\", NULL };
       *line != NULL; line++)
    {
      g_autoptr (GError) split_error = NULL;

      bad = cr_secret_command_split (*line, &split_error);
      g_assert_null (bad);
      g_assert_error (split_error, CR_ERROR, CR_ERROR_CONFIG);
      /* The line is not quoted back: it might hold a secret after all. */
      if (**line != '\0' && strcmp (*line, "   ") != 0)
        g_assert_null (strstr (split_error->message, *line));
    }
}

static void
test_prints_itself (void)
{
  static const struct {
    const char *line;
    gboolean prints_itself;
  } cases[] = {
    { "echo s3cret", TRUE },
    { "/bin/echo -n s3cret", TRUE },
    { "printf %s s3cret", TRUE },
    { "/usr/bin/printf s3cret", TRUE },
    { "pass show acme", FALSE },
    { "cat /run/secrets/acme", FALSE },
    { "echoes", FALSE },
    { "sh -c 'echo s3cret'", FALSE }, /* not caught: the docs say so */
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_auto (GStrv) argv = cr_secret_command_split (cases[i].line, NULL);

      g_assert_nonnull (argv);
      g_assert_cmpint (cr_secret_command_prints_itself (argv), ==, cases[i].prints_itself);
    }
}

/* The command's error message, which must be one line. */
static char *
run_fails (const char *line, guint timeout)
{
  g_autoptr (GError) error = NULL;
  char *secret = cr_secret_command_run (line, timeout, &error);

  g_assert_null (secret);
  g_assert_nonnull (error);
  g_assert_true (error->domain == CR_ERROR);
  g_assert_null (strchr (error->message, '\n'));
  return g_strdup_printf ("%d %s", error->code, error->message);
}

static void
test_run (void)
{
  g_autoptr (GError) error = NULL;
  cr_autosecret char *secret = NULL;
  cr_autosecret char *quoted = NULL;
  g_autofree char *message = NULL;

  secret = cr_secret_command_run ("sh -c 'printf \"%s\\n\" s3cret'", 5, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (secret, ==, "s3cret");
  /* Its words as split, with no shell in between. */
  quoted = cr_secret_command_run ("printf '%s|%s' 'a b' $HOME", 5, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (quoted, ==, "a b|$HOME");

  message = run_fails ("sh -c 'echo s3cret; exit 3'", 5);
  g_assert_cmpstr (message, ==, "5 exited with status 3");
  g_free (message);
  message = run_fails ("sh -c 'kill -TERM $$'", 5);
  g_assert_cmpstr (message, ==, "5 was killed by signal 15");
  g_free (message);
  message = run_fails ("sh -c 'printf \"one\\ntwo\\n\"'", 5);
  g_assert_cmpstr (message, ==, "5 output holds more than one line");
  g_free (message);
  message = run_fails ("true", 5);
  g_assert_cmpstr (message, ==, "5 output is empty");
  g_free (message);
  message = run_fails ("sh -c 'head -c 70000 /dev/zero | tr \"\\0\" x'", 5);
  g_assert_cmpstr (message, ==, "5 printed more than 65536 bytes");
  g_free (message);
  message = run_fails ("/nonexistent/credring-no-such-command", 5);
  g_assert_true (g_str_has_prefix (message, "5 could not be run: "));
  g_free (message);
  message = run_fails ("pass 'show", 5);
  g_assert_true (g_str_has_prefix (message, "2 does not split"));
}

/* A command that does not end is killed at the time limit, with what it
 * started: without a controlling terminal, which the test makes sure of
 * in a subprocess of its own (setsid), whoever runs it. */
static void
check_run_timeout (void)
{
  g_autofree char *pid_file = g_build_filename (test_dir, "sleep.pid", NULL);
  g_autofree char *line = g_strdup_printf ("sh -c 'sleep 30 & echo $! >%s; wait'", pid_file);
  g_autofree char *message = NULL;
  g_autofree char *pid_text = NULL;
  gint64 started = g_get_monotonic_time ();
  gint64 elapsed;
  guint64 pid;

  message = run_fails (line, 1);
  elapsed = g_get_monotonic_time () - started;
  g_assert_cmpstr (message, ==, "5 did not finish within 1 s (killed)");
  g_assert_cmpint (elapsed, >=, 900 * 1000);
  cr_test_assert_within (elapsed / 1000, 3000);
  g_assert_true (g_file_get_contents (pid_file, &pid_text, NULL, NULL));
  g_assert_true (g_ascii_string_to_unsigned (g_strstrip (pid_text), 10, 2, G_MAXINT, &pid, NULL));
  /* SIGKILL is delivered at once, but the zombie's parent (sh, gone too)
   * is init's to reap: "not running" is kill() failing or a zombie. */
  for (int i = 0; i < 50; i++)
    {
      g_autofree char *stat_path = g_strdup_printf ("/proc/%" G_GUINT64_FORMAT "/stat", pid);
      g_autofree char *stat = NULL;

      if (!g_file_get_contents (stat_path, &stat, NULL, NULL) || strstr (stat, ") Z ") != NULL)
        return;
      g_usleep (100 * 1000);
    }
  g_test_fail_printf ("the command's child (pid %" G_GUINT64_FORMAT ") is still running", pid);
}

static void
test_run_timeout (void)
{
  if (g_test_subprocess ())
    {
      g_assert_cmpint (setsid (), >=, 0);
      check_run_timeout ();
      return;
    }
  g_test_trap_subprocess (NULL, 10 * cr_test_time_scale () * G_USEC_PER_SEC,
                          G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

static char *
credential_dir (void)
{
  char *dir = g_build_filename (test_dir, "credentials", NULL);

  cr_test_remove_tree (dir);
  g_assert_cmpint (g_mkdir (dir, 0700), ==, 0);
  g_setenv ("CREDENTIALS_DIRECTORY", dir, TRUE);
  return dir;
}

/* What follows credential @name's path in its error message, which must
 * be one line naming the file. */
static char *
credential_fails (const char *dir, const char *name)
{
  g_autoptr (GError) error = NULL;
  char *secret = NULL;
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autofree char *prefix = g_strconcat ("systemd credential ", path, NULL);

  g_assert_false (cr_credential_read (name, &secret, &error));
  g_assert_null (secret);
  g_assert_error (error, CR_ERROR, CR_ERROR_KEYRING);
  g_assert_null (strchr (error->message, '\n'));
  g_assert_true (g_str_has_prefix (error->message, prefix));
  return g_strdup (error->message + strlen (prefix));
}

static void
write_mode (const char *dir, const char *name, const char *text, gsize length, int mode)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);

  g_assert_true (g_file_set_contents (path, text, (gssize) length, NULL));
  g_assert_cmpint (g_chmod (path, mode), ==, 0);
}

static void
assert_credential_fails (const char *dir, const char *name, const char *problem)
{
  g_autofree char *got = credential_fails (dir, name);

  g_assert_cmpstr (got, ==, problem);
}

static void
test_credentials (void)
{
  g_autofree char *dir = credential_dir ();
  g_autofree char *fifo = g_build_filename (dir, "fifo", NULL);
  g_autofree char *link = g_build_filename (dir, "link", NULL);
  g_autofree char *subdir = g_build_filename (dir, "subdir", NULL);
  g_autofree char *big = g_malloc (CR_SECRET_SOURCE_MAX_BYTES + 1);
  g_autoptr (GError) error = NULL;
  char *secret = NULL;

  write_mode (dir, "good", "s3cret\n", 7, 0400);
  g_assert_true (cr_credential_read ("good", &secret, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (secret, ==, "s3cret");
  cr_secret_free (secret);
  g_assert_true (cr_credential_exists ("good"));

  /* None there: no error, the next source's turn. */
  g_assert_true (cr_credential_read ("missing", &secret, &error));
  g_assert_no_error (error);
  g_assert_null (secret);
  g_assert_false (cr_credential_exists ("missing"));

  write_mode (dir, "two", "one\ntwo\n", 8, 0400);
  assert_credential_fails (dir, "two", " holds more than one line");
  write_mode (dir, "empty", "", 0, 0400);
  assert_credential_fails (dir, "empty", " is empty");
  write_mode (dir, "nul", "s3\0cret", 7, 0400);
  assert_credential_fails (dir, "nul", " holds a NUL byte");
  write_mode (dir, "writable", "s3cret", 6, 0620);
  assert_credential_fails (dir, "writable", ": writable by others");
  memset (big, 'x', CR_SECRET_SOURCE_MAX_BYTES + 1);
  write_mode (dir, "big", big, CR_SECRET_SOURCE_MAX_BYTES + 1, 0400);
  assert_credential_fails (dir, "big", ": too large for a secret");
  /* A FIFO nobody writes to: refused at once, not waited on. */
  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
  g_assert_true (cr_credential_exists ("fifo"));
  assert_credential_fails (dir, "fifo", ": not a regular file");
  g_assert_cmpint (g_mkdir (subdir, 0700), ==, 0);
  assert_credential_fails (dir, "subdir", ": not a regular file");
  g_assert_cmpint (symlink ("good", link), ==, 0);
  assert_credential_fails (dir, "link", ": a symbolic link");

  /* Outside a service with credentials, there are none. */
  g_unsetenv ("CREDENTIALS_DIRECTORY");
  g_assert_false (cr_credential_exists ("good"));
  g_assert_true (cr_credential_read ("good", &secret, &error));
  g_assert_null (secret);
  g_setenv ("CREDENTIALS_DIRECTORY", "", TRUE);
  g_assert_false (cr_credential_exists ("good"));
  g_assert_null (cr_credential_path ("good"));
}

int
main (int argc, char **argv)
{
  int status;

  test_dir = cr_test_init (&argc, &argv, "secret-sources");
  g_test_add_func ("/secret-sources/one-line", test_one_line);
  g_test_add_func ("/secret-sources/split", test_split);
  g_test_add_func ("/secret-sources/prints-itself", test_prints_itself);
  g_test_add_func ("/secret-sources/run", test_run);
  g_test_add_func ("/secret-sources/run-timeout", test_run_timeout);
  g_test_add_func ("/secret-sources/credentials", test_credentials);
  status = g_test_run ();
  cr_test_remove_tree (test_dir);
  g_free (test_dir);
  return status;
}
