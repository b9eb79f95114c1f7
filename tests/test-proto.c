/* Unit tests for the git credential protocol (core/git/proto.c). */

#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "credring/proto.h"
#include "git/proto-writer.h"

#include "testutil.h"

/* Never to appear in an error message. */
#define SECRET "hunter2-SeCrEt"

static gboolean
parse (CrGitCredential *c, const char *input, GError **error)
{
  return cr_git_credential_parse (c, input, strlen (input), error);
}

/* Parses @input, which must fail with a one-line error of @code that
 * never mentions SECRET; returns the message. */
static char *
parse_error_code (const char *input, gsize len, CrErrorCode code)
{
  g_auto(CrGitCredential) c = CR_GIT_CREDENTIAL_INIT;
  g_autoptr(GError) error = NULL;

  g_assert_false (cr_git_credential_parse (&c, input, len, &error));
  g_assert_error (error, CR_ERROR, (gint) code);
  g_assert_null (strchr (error->message, '\n'));
  g_assert_null (strstr (error->message, SECRET));
  g_test_message ("error: %s", error->message);
  return g_strdup (error->message);
}

/* ... CR_ERROR_CONFIG: what the request got wrong. */
static char *
parse_error (const char *input, gsize len)
{
  return parse_error_code (input, len, CR_ERROR_CONFIG);
}

/* A line over the limit is CR_ERROR_FAILED (exit 1): a limit of ours, not
 * a usage error, since git writes lines of any length. */
static void
assert_too_long (const char *input, const char *expected_message)
{
  g_autofree char *message = parse_error_code (input, strlen (input), CR_ERROR_FAILED);

  g_assert_cmpstr (message, ==, expected_message);
}

static void
assert_parse_error (const char *input, const char *expected_message)
{
  g_autofree char *message = parse_error (input, strlen (input));

  g_assert_cmpstr (message, ==, expected_message);
}

static char *
repeat (char ch, gsize n)
{
  char *s = g_malloc (n + 1);

  memset (s, ch, n);
  s[n] = '\0';
  return s;
}

/* ---- reading ----------------------------------------------------------- */

static void
test_get_request (void)
{
  g_auto(CrGitCredential) c = CR_GIT_CREDENTIAL_INIT;
  g_autoptr(GError) error = NULL;

  g_assert_true (parse (&c,
                        "capability[]=authtype\n"
                        "capability[]=state\n"
                        "protocol=https\n"
                        "host=example.com:8443\n"
                        "path=org/repo.git\n"
                        "username=alice\n"
                        "wwwauth[]=Bearer realm=\"api\"\n"
                        "wwwauth[]=Basic realm=\"git\"\n"
                        "\n"
                        "protocol=after the empty line, not read\n",
                        &error));
  g_assert_no_error (error);
  g_assert_cmpuint (c.capabilities, ==, CR_CAPABILITY_AUTHTYPE | CR_CAPABILITY_STATE);
  g_assert_cmpstr (c.protocol, ==, "https");
  g_assert_cmpstr (c.host, ==, "example.com:8443");
  g_assert_cmpstr (c.path, ==, "org/repo.git");
  g_assert_cmpstr (c.username, ==, "alice");
  g_assert_null (c.password);
  g_assert_cmpuint (g_strv_length (c.wwwauth), ==, 2);
  g_assert_cmpstr (c.wwwauth[0], ==, "Bearer realm=\"api\"");
  g_assert_cmpstr (c.wwwauth[1], ==, "Basic realm=\"git\"");
  g_assert_null (c.state);
}

static void
test_answer_fields (void)
{
  g_auto(CrGitCredential) c = CR_GIT_CREDENTIAL_INIT;
  g_autoptr(GError) error = NULL;

  g_assert_true (parse (&c,
                        "authtype=Bearer\n"
                        "credential=" SECRET "\n"
                        "ephemeral=true\n"
                        "continue=1\n"
                        "password=" SECRET "\n"
                        "oauth_refresh_token=" SECRET "\n"
                        "password_expiry_utc=1700000000\n"
                        "state[]=credring:one\n"
                        "state[]=credring:two",  /* no final newline */
                        &error));
  g_assert_no_error (error);
  g_assert_cmpstr (c.authtype, ==, "Bearer");
  g_assert_cmpstr (c.credential, ==, SECRET);
  g_assert_cmpstr (c.password, ==, SECRET);
  g_assert_cmpstr (c.oauth_refresh_token, ==, SECRET);
  g_assert_cmpint (c.password_expiry_utc, ==, 1700000000);
  g_assert_true (c.ephemeral);
  g_assert_true (c.multistage);
  g_assert_cmpuint (g_strv_length (c.state), ==, 2);
  g_assert_cmpstr (c.state[1], ==, "credring:two");
}

static void
test_empty_input (void)
{
  g_auto(CrGitCredential) c = CR_GIT_CREDENTIAL_INIT;
  g_autoptr(GError) error = NULL;

  g_assert_true (cr_git_credential_parse (&c, NULL, 0, &error));
  g_assert_true (parse (&c, "\nprotocol=https\n", &error));
  g_assert_no_error (error);
  g_assert_null (c.protocol);
}

static void
test_url (void)
{
  static const struct {
    const char *url, *protocol, *host, *path, *username, *password;
  } cases[] = {
    { "https://example.com", "https", "example.com", NULL, NULL, NULL },
    { "https://example.com/", "https", "example.com", NULL, NULL, NULL },
    { "https://alice:" SECRET "%3A%40@example.com:8443//org/repo.git//",
      "https", "example.com:8443", "org/repo.git", "alice", SECRET ":@" },
    { "https://bob%40corp@git.example.com/a%20b", "https", "git.example.com", "a b", "bob@corp", NULL },
    { "https://@example.com/x", "https", "example.com", "x", "", NULL },
    { "https://[::1]:8080/x", "https", "[::1]:8080", "x", NULL, NULL },
    { "https://[::1]/x", "https", "[::1]", "x", NULL, NULL },
    { "https://[fe80::1%25eth0]:22/x", "https", "[fe80::1%eth0]:22", "x", NULL, NULL },
    { "https://h/p?q=1#frag", "https", "h", "p?q=1#frag", NULL, NULL },
    { "https://h?q", "https", "h", "?q", NULL, NULL },
    { "cert:///etc/ssl/cert.pem", "cert", "", "etc/ssl/cert.pem", NULL, NULL },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_auto(CrGitCredential) c = CR_GIT_CREDENTIAL_INIT;
      g_autoptr(GError) error = NULL;
      g_autofree char *input = g_strdup_printf ("url=%s\n", cases[i].url);

      g_test_message ("url=%s", cases[i].url);
      g_assert_true (parse (&c, input, &error));
      g_assert_no_error (error);
      g_assert_cmpstr (c.protocol, ==, cases[i].protocol);
      g_assert_cmpstr (c.host, ==, cases[i].host);
      g_assert_cmpstr (c.path, ==, cases[i].path);
      g_assert_cmpstr (c.username, ==, cases[i].username);
      g_assert_cmpstr (c.password, ==, cases[i].password);
    }
}

static void
test_url_errors (void)
{
  static const char *const bad[] = {
    "url=example.com/" SECRET "\n",
    "url=https:/" SECRET "\n",
    "url=https://u:" SECRET "%0A@h/\n",
    "url=https://u:" SECRET "%0d@h/\n",
    "url=https://u:" SECRET "@h/a%00b\n",
    "url=https://u:" SECRET "@h/%zz\n",
    "url=https://u:" SECRET "@h:99999/\n",
    "url=https://u:" SECRET "@[fe80::1%25%0A]/\n",
    "url=https://u:" SECRET "@[fe80::1%25a%00b]/\n",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    g_free (parse_error (bad[i], strlen (bad[i])));

  /* url= sets parts; giving one of them again is a repeat. */
  assert_parse_error ("url=https://h/\nhost=h\n", "line 2 (host): given twice (first on line 1)");
  assert_parse_error ("password=x\nurl=https://u:" SECRET "@h/\n",
                      "line 2 (password): given twice (first on line 1)");
  assert_parse_error ("url=https://h/\nurl=https://h/\n", "line 2 (url): given twice (first on line 1)");

  /* ... but parts the URL leaves out may come on their own lines. */
  {
    g_auto(CrGitCredential) c = CR_GIT_CREDENTIAL_INIT;
    g_autoptr(GError) error = NULL;

    g_assert_true (parse (&c, "username=bob\nurl=https://h/\npassword=" SECRET "\n", &error));
    g_assert_no_error (error);
    g_assert_cmpstr (c.username, ==, "bob");
    g_assert_cmpstr (c.password, ==, SECRET);
  }
}

static void
test_lists (void)
{
  g_auto(CrGitCredential) c = CR_GIT_CREDENTIAL_INIT;
  g_autoptr(GError) error = NULL;

  g_assert_true (parse (&c,
                        "wwwauth[]=a\n"
                        "state[]=s1\n"
                        "wwwauth[]=b\n"
                        "capability[]=authtype\n"
                        "wwwauth[]=\n"      /* resets wwwauth[] only */
                        "capability[]=\n"
                        "wwwauth[]=c\n"
                        "capability[]=state\n"
                        "capability[]=future-capability\n"
                        "state[]=s2\n",
                        &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (c.wwwauth), ==, 1);
  g_assert_cmpstr (c.wwwauth[0], ==, "c");
  g_assert_cmpuint (g_strv_length (c.state), ==, 2);
  g_assert_cmpstr (c.state[0], ==, "s1");
  g_assert_cmpstr (c.state[1], ==, "s2");
  g_assert_cmpuint (c.capabilities, ==, CR_CAPABILITY_STATE);

  g_assert_true (parse (&c, "state[]=x\nstate[]=\n", &error));
  g_assert_null (c.state);
}

/* @n lines "@key=vI". */
static char *
many (const char *key, guint n)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < n; i++)
    g_string_append_printf (s, "%s=v%u\n", key, i);
  return g_string_free (s, FALSE);
}

static void
test_list_cap (void)
{
  g_auto(CrGitCredential) c = CR_GIT_CREDENTIAL_INIT;
  g_autoptr(GError) error = NULL;
  g_autofree char *full = many ("wwwauth[]", CR_PROTO_MAX_VALUES);
  g_autofree char *over = many ("state[]", CR_PROTO_MAX_VALUES + 1);
  g_autofree char *caps = many ("capability[]", CR_PROTO_MAX_VALUES + 1);
  g_autofree char *twice = g_strconcat (full, "wwwauth[]=\n", full, NULL);

  g_assert_true (parse (&c, full, &error));
  g_assert_cmpuint (g_strv_length (c.wwwauth), ==, CR_PROTO_MAX_VALUES);
  g_assert_true (parse (&c, twice, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (c.wwwauth), ==, CR_PROTO_MAX_VALUES);
  g_assert_cmpstr (c.wwwauth[0], ==, "v0");

  assert_parse_error (over, "line 65 (state[]): more than 64 values");
  assert_parse_error (caps, "line 65 (capability[]): more than 64 values");
}

static void
test_unknown_keys (void)
{
  g_auto(CrGitCredential) c = CR_GIT_CREDENTIAL_INIT;
  g_autoptr(GError) error = NULL;

  g_assert_true (parse (&c,
                        "future=1\n"
                        "quit=true\n"
                        "=no key\n"
                        "Host=case matters\n"
                        "protocol=https\n"
                        "future=2\n"
                        "future[]=a\n"
                        "host=h\n",
                        &error));
  g_assert_no_error (error);
  g_assert_cmpstr (c.protocol, ==, "https");
  g_assert_cmpstr (c.host, ==, "h");
}

static void
test_line_length (void)
{
  /* The limit counts the newline: CR_PROTO_MAX_LINE - 1 bytes of text + '\n' is the longest line. */
  gsize room = CR_PROTO_MAX_LINE - 1 - strlen ("path=");
  g_autofree char *value = repeat ('a', room);
  g_autofree char *longest = g_strdup_printf ("path=%s\nhost=h\n", value);
  g_autofree char *longest_last = g_strdup_printf ("host=h\npath=%s", value);
  g_autofree char *too_long = g_strdup_printf ("path=%sa\n", value);
  g_autofree char *too_long_last = g_strdup_printf ("host=h\npath=%sa", value);
  g_autofree char *unknown_too_long = g_strdup_printf ("zzzz=%sa\n", value);
  g_autofree char *secret_too_long = g_strdup_printf ("password=" SECRET "%s\n", value);
  g_autofree char *line_1_too_long = g_strdup_printf ("line 1: longer than %d bytes", CR_PROTO_MAX_LINE);
  g_autofree char *line_2_too_long = g_strdup_printf ("line 2: longer than %d bytes", CR_PROTO_MAX_LINE);
  g_auto(CrGitCredential) c = CR_GIT_CREDENTIAL_INIT;
  g_autoptr(GError) error = NULL;

  g_assert_cmpuint (strchr (longest, '\n') - longest + 1, ==, CR_PROTO_MAX_LINE);
  g_assert_true (parse (&c, longest, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (strlen (c.path), ==, room);
  g_assert_cmpstr (c.host, ==, "h");
  g_assert_true (parse (&c, longest_last, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (strlen (c.path), ==, room);

  assert_too_long (too_long, line_1_too_long);
  assert_too_long (too_long_last, line_2_too_long);
  assert_too_long (unknown_too_long, line_1_too_long);
  assert_too_long (secret_too_long, line_1_too_long);
}

static void
test_bad_bytes (void)
{
  static const char nul_value[] = "protocol=https\npassword=" SECRET "\0tail\n";
  static const char nul_unknown[] = "x\0y=1\n";
  g_autofree char *message = NULL;

  message = parse_error (nul_value, sizeof nul_value - 1);
  g_assert_cmpstr (message, ==, "line 2 (password): contains a NUL byte");
  g_clear_pointer (&message, g_free);
  message = parse_error (nul_unknown, sizeof nul_unknown - 1);
  g_assert_cmpstr (message, ==, "line 1: contains a NUL byte");

  assert_parse_error ("protocol=https\r\n", "line 1 (protocol): contains a carriage return");
  assert_parse_error ("credential=" SECRET "\r\n", "line 1 (credential): contains a carriage return");
  assert_parse_error ("protocol=https\r", "line 1 (protocol): contains a carriage return");
  assert_parse_error ("host=h\r\n\r\n", "line 1 (host): contains a carriage return");
  assert_parse_error ("x\ry=1\n", "line 1: contains a carriage return");
}

static void
test_missing_equals (void)
{
  assert_parse_error ("protocol=https\nhost\n", "line 2: no '=' in the line");
  /* A password holding a newline: its second half must not be quoted. */
  assert_parse_error ("password=first-half\n" SECRET "\n", "line 2: no '=' in the line");
}

static void
test_repeated (void)
{
  static const char *const keys[] = {
    "protocol", "host", "path", "username", "password", "oauth_refresh_token",
    "authtype", "credential", "ephemeral", "continue", "password_expiry_utc", "url",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (keys); i++)
    {
      const char *value = g_str_equal (keys[i], "url") ? "https://h/"
                          : g_str_equal (keys[i], "password_expiry_utc") ? "1"
                          : g_str_equal (keys[i], "ephemeral") || g_str_equal (keys[i], "continue") ? "1"
                          : SECRET;
      g_autofree char *input = g_strdup_printf ("%s=%s\nprotocol2=x\n%s=%s\n",
                                                keys[i], value, keys[i], value);
      g_autofree char *expected = g_strdup_printf ("line 3 (%s): given twice (first on line 1)", keys[i]);

      assert_parse_error (input, expected);
    }
}

static void
test_values (void)
{
  g_auto(CrGitCredential) c = CR_GIT_CREDENTIAL_INIT;
  g_autoptr(GError) error = NULL;

  g_assert_true (parse (&c, "password_expiry_utc=0\nephemeral=no\ncontinue=\n", &error));
  g_assert_cmpint (c.password_expiry_utc, ==, 0);
  g_assert_false (c.ephemeral);
  g_assert_false (c.multistage);
  g_assert_true (parse (&c, "ephemeral=YES\ncontinue=2\n", &error));
  g_assert_no_error (error);
  g_assert_true (c.ephemeral);
  g_assert_true (c.multistage);

  assert_parse_error ("password_expiry_utc=soon\n",
                      "line 1 (password_expiry_utc): not a number of seconds: 'soon'");
  assert_parse_error ("password_expiry_utc=-1\n",
                      "line 1 (password_expiry_utc): not a number of seconds: '-1'");
  assert_parse_error ("password_expiry_utc=99999999999999999999\n",
                      "line 1 (password_expiry_utc): not a number of seconds: '99999999999999999999'");
  /* Control bytes and non-ASCII in a quoted value are escaped. */
  assert_parse_error ("ephemeral=\x1b[31mred\\\xc3\xa9\n",
                      "line 1 (ephemeral): not a boolean: '\\x1b[31mred\\\\\\xc3\\xa9'");
  /* Long values are cut. */
  assert_parse_error ("continue=0123456789012345678901234567890123456789x\n",
                      "line 1 (continue): not a boolean: '0123456789012345678901234567890123456789...'");
}

static void
test_failure_keeps_credential (void)
{
  g_auto(CrGitCredential) c = CR_GIT_CREDENTIAL_INIT;
  g_autoptr(GError) error = NULL;

  g_assert_true (parse (&c, "protocol=https\nhost=kept\n", &error));
  g_assert_false (parse (&c, "protocol=http\nhost=a\nhost=b\n", &error));
  g_assert_error (error, CR_ERROR, CR_ERROR_CONFIG);
  g_assert_cmpstr (c.protocol, ==, "https");
  g_assert_cmpstr (c.host, ==, "kept");

  /* Success replaces everything, including fields the new input lacks. */
  g_clear_error (&error);
  g_assert_true (parse (&c, "host=new\n", &error));
  g_assert_null (c.protocol);
  g_assert_cmpstr (c.host, ==, "new");
}

/* ---- reading from a file descriptor ------------------------------------ */

static void
test_read_fd (void)
{
  static const char input[] = "protocol=https\nhost=h\n\nnot a protocol line\n";
  g_auto(CrGitCredential) c = CR_GIT_CREDENTIAL_INIT;
  g_autoptr(GError) error = NULL;
  int fds[2];

  g_assert_no_errno (pipe (fds));
  g_assert_cmpint (write (fds[1], input, sizeof input - 1), ==, sizeof input - 1);
  /* Not closed: the reader must stop at the empty line, not wait for EOF. */
  g_assert_true (cr_git_credential_read_fd (&c, fds[0], &error));
  g_assert_no_error (error);
  g_assert_cmpstr (c.host, ==, "h");
  close (fds[0]);
  close (fds[1]);
}

static int
temp_file_with (const char *data, gsize len)
{
  g_autofree char *path = NULL;
  int fd = g_file_open_tmp ("test-proto-XXXXXX", &path, NULL);

  g_assert_cmpint (fd, >=, 0);
  g_unlink (path);
  g_assert_cmpint (write (fd, data, len), ==, (gssize) len);
  g_assert_cmpint (lseek (fd, 0, SEEK_SET), ==, 0);
  return fd;
}

static void
test_read_fd_limits (void)
{
  g_autofree char *filler = repeat ('v', 55);
  g_autofree char *line = g_strdup_printf ("unknown=%s\n", filler);
  g_autofree char *last = NULL;
  GString *big = g_string_new ("host=h\n");
  g_auto(CrGitCredential) c = CR_GIT_CREDENTIAL_INIT;
  g_autoptr(GError) error = NULL;
  int fd;

  /* Exactly the limit, the empty line that ends the request its last byte. */
  while (big->len + strlen (line) + 1 <= CR_PROTO_MAX_INPUT)
    g_string_append (big, line);
  last = repeat ('x', CR_PROTO_MAX_INPUT - big->len - strlen ("r=\n\n"));
  g_string_append_printf (big, "r=%s\n\n", last);
  g_assert_cmpuint (big->len, ==, CR_PROTO_MAX_INPUT);

  fd = temp_file_with (big->str, big->len);
  g_assert_true (cr_git_credential_read_fd (&c, fd, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (c.host, ==, "h");
  close (fd);

  /* One byte more: the empty line is now past the limit. */
  g_string_prepend_c (big, 'y');
  fd = temp_file_with (big->str, big->len);
  g_assert_false (cr_git_credential_read_fd (&c, fd, &error));
  g_assert_error (error, CR_ERROR, CR_ERROR_FAILED);
  g_assert_cmpstr (error->message, ==, "the request is longer than 1048576 bytes");
  g_assert_cmpstr (c.host, ==, "h");
  close (fd);
  g_string_free (big, TRUE);
}

static void
test_read_fd_error (void)
{
  g_auto(CrGitCredential) c = CR_GIT_CREDENTIAL_INIT;
  g_autoptr(GError) error = NULL;
  int fd = open ("/", O_RDONLY | O_DIRECTORY);

  g_assert_cmpint (fd, >=, 0);
  g_assert_false (cr_git_credential_read_fd (&c, fd, &error));
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_ISDIR);
  close (fd);
}

/* ---- writing ----------------------------------------------------------- */

static void
fill (CrGitCredential *c)
{
  c->capabilities = CR_CAPABILITY_AUTHTYPE | CR_CAPABILITY_STATE;
  c->protocol = g_strdup ("https");
  c->host = g_strdup ("example.com:8443");
  c->path = g_strdup ("org/repo.git");
  c->username = g_strdup ("alice");
  c->password = g_strdup (SECRET);
  c->password_expiry_utc = 1700000000;
  c->oauth_refresh_token = g_strdup (SECRET "-refresh");
  c->authtype = g_strdup ("Bearer");
  c->credential = g_strdup (SECRET "-credential");
  c->ephemeral = TRUE;
  c->multistage = TRUE;
  c->wwwauth = g_strsplit ("Bearer realm=x|Basic", "|", -1);
  c->state = g_strsplit ("one|two", "|", -1);
}

static const char full_text[] =
  "capability[]=authtype\n"
  "capability[]=state\n"
  "authtype=Bearer\n"
  "credential=" SECRET "-credential\n"
  "ephemeral=true\n"
  "protocol=https\n"
  "host=example.com:8443\n"
  "path=org/repo.git\n"
  "username=alice\n"
  "password=" SECRET "\n"
  "oauth_refresh_token=" SECRET "-refresh\n"
  "password_expiry_utc=1700000000\n"
  "wwwauth[]=Bearer realm=x\n"
  "wwwauth[]=Basic\n"
  "continue=true\n"
  "state[]=one\n"
  "state[]=two\n";

static void
test_write (void)
{
  g_auto(CrGitCredential) c = CR_GIT_CREDENTIAL_INIT;
  g_autoptr(GString) out = g_string_new ("before\n");
  g_autoptr(GError) error = NULL;

  g_assert_true (cr_git_credential_write (&c, out, &error));
  g_assert_cmpstr (out->str, ==, "before\n");

  fill (&c);
  g_assert_true (cr_git_credential_write (&c, out, &error));
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (out->str, "before\n"));
  g_assert_cmpstr (out->str + strlen ("before\n"), ==, full_text);

  g_string_truncate (out, 0);
  g_assert_true (cr_proto_write_pair (out, "quit", "1", -1, &error));
  g_assert_true (cr_proto_write_pair (out, "k", "a=b", 3, &error));
  g_assert_cmpstr (out->str, ==, "quit=1\nk=a=b\n");
}

/* Writing @c must fail, append nothing, and not quote the secret. */
static void
assert_write_refused_code (const CrGitCredential *c, CrErrorCode code, const char *expected_message)
{
  g_autoptr(GString) out = g_string_new ("kept\n");
  g_autoptr(GError) error = NULL;

  g_assert_false (cr_git_credential_write (c, out, &error));
  g_assert_error (error, CR_ERROR, (gint) code);
  g_assert_cmpstr (error->message, ==, expected_message);
  g_assert_null (strstr (error->message, SECRET));
  g_assert_cmpstr (out->str, ==, "kept\n");
}

static void
assert_write_refused (const CrGitCredential *c, const char *expected_message)
{
  assert_write_refused_code (c, CR_ERROR_CONFIG, expected_message);
}

static void
test_write_refuses (void)
{
  g_autoptr(GString) out = g_string_new ("kept\n");
  g_autoptr(GError) error = NULL;
  g_autofree char *too_long = repeat ('a', CR_PROTO_MAX_LINE);
  g_autofree char *too_long_message =
    g_strdup_printf ("cannot write 'path': the line would be longer than %d bytes", CR_PROTO_MAX_LINE);

  {
    g_auto(CrGitCredential) c = CR_GIT_CREDENTIAL_INIT;

    fill (&c);
    g_free (c.password);
    c.password = g_strdup (SECRET "\nprotocol=evil");
    assert_write_refused (&c, "cannot write 'password': the value holds a newline, CR or NUL");
    g_free (c.password);
    c.password = g_strdup (SECRET "\r");
    assert_write_refused (&c, "cannot write 'password': the value holds a newline, CR or NUL");
    g_free (c.password);
    c.password = NULL;
    g_free (c.state[1]);
    c.state[1] = g_strdup ("");
    assert_write_refused (&c, "cannot write 'state[]': an empty value in the list");
    g_free (c.state[1]);
    c.state[1] = NULL;
    c.password_expiry_utc = -1;
    assert_write_refused (&c, "cannot write 'password_expiry_utc': negative");
    c.password_expiry_utc = 0;
    g_free (c.path);
    c.path = g_strdup (too_long);
    assert_write_refused_code (&c, CR_ERROR_FAILED, too_long_message);
  }

  g_assert_false (cr_proto_write_pair (out, "password", SECRET "\0x", sizeof SECRET + 1, &error));
  g_assert_error (error, CR_ERROR, CR_ERROR_CONFIG);
  g_assert_cmpstr (error->message, ==, "cannot write 'password': the value holds a newline, CR or NUL");
  g_clear_error (&error);
  g_assert_false (cr_proto_write_pair (out, "", "v", -1, &error));
  g_assert_cmpstr (error->message, ==, "cannot write '': empty key");
  g_clear_error (&error);
  g_assert_false (cr_proto_write_pair (out, "a=b", "v", -1, &error));
  g_assert_cmpstr (error->message, ==, "cannot write 'a=b': the key holds '=' or a control character");
  g_clear_error (&error);
  g_assert_false (cr_proto_write_pair (out, "a\nb", "v", -1, &error));
  g_assert_cmpstr (error->message, ==, "cannot write 'a\\x0ab': the key holds '=' or a control character");
  g_assert_cmpstr (out->str, ==, "kept\n");
}

/* Whatever token credring takes goes to git whole, as a password or as a
 * credential, and comes back (git's store and erase) whole. */
static void
test_longest_token (void)
{
  cr_autosecret char *token = repeat ('t', CR_TOKEN_MAX_BYTES);
  gboolean with_authtype[] = { FALSE, TRUE };

  for (gsize i = 0; i < G_N_ELEMENTS (with_authtype); i++)
    {
      g_auto(CrGitCredential) answer = CR_GIT_CREDENTIAL_INIT;
      g_auto(CrGitCredential) back = CR_GIT_CREDENTIAL_INIT;
      GString *out = g_string_new (NULL);
      g_autoptr(GError) error = NULL;

      answer.protocol = g_strdup ("https");
      answer.host = g_strdup ("api.example.com");
      if (with_authtype[i])
        {
          answer.capabilities = CR_CAPABILITY_AUTHTYPE;
          answer.authtype = g_strdup ("Bearer");
          answer.credential = g_strdup (token);
        }
      else
        {
          answer.username = g_strdup ("client");
          answer.password = g_strdup (token);
        }
      g_assert_true (cr_git_credential_write (&answer, out, &error));
      g_assert_no_error (error);
      g_assert_true (cr_git_credential_parse (&back, out->str, out->len, &error));
      g_assert_no_error (error);
      g_assert_cmpstr (with_authtype[i] ? back.credential : back.password, ==, token);
      cr_secret_string_free (out);
    }
}

static void
test_round_trip (void)
{
  g_auto(CrGitCredential) first = CR_GIT_CREDENTIAL_INIT;
  g_auto(CrGitCredential) second = CR_GIT_CREDENTIAL_INIT;
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(GString) again = g_string_new (NULL);
  g_autoptr(GError) error = NULL;

  g_assert_true (parse (&first, full_text, &error));
  g_assert_true (cr_git_credential_write (&first, out, &error));
  g_assert_cmpstr (out->str, ==, full_text);

  /* url= comes back as its parts. */
  g_assert_true (parse (&first, "url=https://u:p%09q@h:1/a%2Fb/?x\nwwwauth[]=w\n", &error));
  g_string_truncate (out, 0);
  g_assert_true (cr_git_credential_write (&first, out, &error));
  g_assert_cmpstr (out->str, ==,
                   "protocol=https\nhost=h:1\npath=a/b/?x\nusername=u\npassword=p\tq\nwwwauth[]=w\n");
  g_assert_true (cr_git_credential_parse (&second, out->str, out->len, &error));
  g_assert_true (cr_git_credential_write (&second, again, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (again->str, ==, out->str);
}

/* ---- secrets in url= ---------------------------------------------------- */

/* GLib's URI parser copies the userinfo, password and all, and frees the
 * copies unwiped: the one it normalizes and drops, what it decoded before
 * a bad escape or a decoded newline, and the password itself when a later
 * part (the port) fails (found by the free hook of fuzz-proto,
 * fuzz/corpus/proto/url-password-*).  The secret is a literal, so the only
 * copies the heap may hold are the ones the parser made.  Bytes 24 to 55
 * of it are looked for: malloc reuses the first 16 bytes of a freed block. */
#define URL_SECRET "Xr4Tb8Wq2Lm6Zs0Hc3Vn7Jd1Kf5Gp9Ay2Ue6Io0Pl4Mk8Nj3Bh7Dg1Fs5Qa9Wz"
#define URL_SECRET_PIECE "Kf5Gp9Ay2Ue6Io0Pl4Mk8Nj3Bh7Dg1Fs"

static void
test_url_password_wiped (void)
{
  static const struct {
    const char *what;
    const char *input;
  } cases[] = {
    { "parsed", "url=https://u:" URL_SECRET "@h/\n" },
    { "a decoded newline", "url=https://u:" URL_SECRET "%0A@h/\n" },
    { "a bad escape", "url=https://u:" URL_SECRET "%zz@h/\n" },
    { "a bad port", "url=https://u:" URL_SECRET "@h:99999/\n" },
    { "a bad host", "url=https://u:" URL_SECRET "@[::1/\n" },
    { "given twice", "password=x\nurl=https://u:" URL_SECRET "@h/\n" },
  };

  g_autoptr (GString) leaks = g_string_new (NULL);

  if (!cr_test_can_scan_heap ())
    {
      g_test_skip ("freed memory cannot be scanned under valgrind or ASan");
      return;
    }
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      gboolean leaked = FALSE;

      for (int layout = 0; layout < 4 && !leaked; layout++)
        {
          /* Another heap layout each time round. */
          g_autofree char *plug = g_malloc (48 << layout);
          CrGitCredential c = CR_GIT_CREDENTIAL_INIT;
          GError *error = NULL;

          (void) cr_git_credential_parse (&c, cases[i].input, strlen (cases[i].input), &error);
          g_clear_error (&error);
          cr_git_credential_clear (&c);
          leaked = cr_test_heap_holds (URL_SECRET_PIECE);
        }
      if (leaked)
        g_string_append_printf (leaks, "%s%s", leaks->len > 0 ? ", " : "", cases[i].what);
    }
  if (leaks->len > 0)
    g_test_fail_printf ("core/git/proto.c parse_url(): a copy of the URL's password is left "
                        "unwiped in freed memory (%s)", leaks->str);
}

/* ---- clearing ---------------------------------------------------------- */

static void
test_clear_secrets (void)
{
  CrGitCredential c = CR_GIT_CREDENTIAL_INIT;

  fill (&c);
  cr_git_credential_clear_secrets (&c);
  g_assert_null (c.password);
  g_assert_null (c.credential);
  g_assert_null (c.oauth_refresh_token);
  g_assert_cmpstr (c.username, ==, "alice");
  g_assert_cmpstr (c.host, ==, "example.com:8443");
  g_assert_cmpint (c.password_expiry_utc, ==, 1700000000);
  g_assert_nonnull (c.wwwauth);
  cr_git_credential_clear_secrets (&c);

  cr_git_credential_clear (&c);
  g_assert_null (c.username);
  g_assert_null (c.wwwauth);
  g_assert_cmpuint (c.capabilities, ==, 0);
  g_assert_false (c.ephemeral);
  cr_git_credential_clear (&c);
}

/* https anywhere; plain http only to this machine, in every spelling git
 * may write its host; nothing else. */
static void
test_safe_for_token (void)
{
  static const struct {
    const char *protocol, *host;
    gboolean safe;
  } cases[] = {
    { "https", "api.example.com", TRUE },
    { "HTTPS", "api.example.com:8443", TRUE },
    { "http", "127.0.0.1", TRUE },
    { "http", "127.0.0.1:8080", TRUE },
    { "Http", "localhost:3000", TRUE },
    { "http", "LOCALHOST", TRUE },
    { "http", "[::1]:8080", TRUE },
    { "http", "[::1]", TRUE },
    { "http", "127.9.9.9", TRUE },
    { "http", "api.example.com", FALSE },
    { "http", "127.0.0.1.evil.example", FALSE },
    { "http", "localhost.evil.example:80", FALSE },
    { "http", "[::2]:80", FALSE },
    { "http", "::1", FALSE },          /* unbracketed: not a host git writes */
    { "http", "[::1]x", FALSE },
    { "http", "localhost:1@evil.example", FALSE },
    { "http", "127.0.0.1:80@evil.example", FALSE },
    { "http", "localhost:x/y", FALSE },
    { "http", "localhost:65536", FALSE },
    { "http", "[::1]:8080@evil.example", FALSE },
    { "http", "", FALSE },
    { "http", NULL, FALSE },
    { "smtp", "127.0.0.1", FALSE },
    { NULL, "127.0.0.1", FALSE },
    { "httpss", "api.example.com", FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      CrGitCredential c = CR_GIT_CREDENTIAL_INIT;

      c.protocol = (char *) cases[i].protocol;
      c.host = (char *) cases[i].host;
      g_test_message ("%s://%s", cases[i].protocol, cases[i].host);
      g_assert_cmpint (cr_git_credential_is_safe_for_token (&c), ==, cases[i].safe);
    }
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/proto/parse/get-request", test_get_request);
  g_test_add_func ("/proto/parse/answer-fields", test_answer_fields);
  g_test_add_func ("/proto/parse/empty-input", test_empty_input);
  g_test_add_func ("/proto/parse/url", test_url);
  g_test_add_func ("/proto/parse/url-errors", test_url_errors);
  g_test_add_func ("/proto/parse/url-password-wiped", test_url_password_wiped);
  g_test_add_func ("/proto/parse/lists", test_lists);
  g_test_add_func ("/proto/parse/list-cap", test_list_cap);
  g_test_add_func ("/proto/parse/unknown-keys", test_unknown_keys);
  g_test_add_func ("/proto/parse/line-length", test_line_length);
  g_test_add_func ("/proto/parse/bad-bytes", test_bad_bytes);
  g_test_add_func ("/proto/parse/missing-equals", test_missing_equals);
  g_test_add_func ("/proto/parse/repeated", test_repeated);
  g_test_add_func ("/proto/parse/values", test_values);
  g_test_add_func ("/proto/parse/failure-keeps-credential", test_failure_keeps_credential);
  g_test_add_func ("/proto/read-fd/stops-at-empty-line", test_read_fd);
  g_test_add_func ("/proto/read-fd/limits", test_read_fd_limits);
  g_test_add_func ("/proto/read-fd/error", test_read_fd_error);
  g_test_add_func ("/proto/write/fields", test_write);
  g_test_add_func ("/proto/write/refuses", test_write_refuses);
  g_test_add_func ("/proto/write/longest-token", test_longest_token);
  g_test_add_func ("/proto/round-trip", test_round_trip);
  g_test_add_func ("/proto/clear-secrets", test_clear_secrets);
  g_test_add_func ("/proto/safe-for-token", test_safe_for_token);

  return g_test_run ();
}
