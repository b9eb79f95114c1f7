/* Unit tests for tokens (core/token/token.c), message escaping (core/base/error.c)
 * and secret wiping (core/base/secret.c). */

#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>

#include <credring/credring.h>

#include "testutil.h"
#include "token/token.h"
#include "base/error.h"
#include "base/secret.h"

static char *tmp_dir;

/* ---- freshness --------------------------------------------------------- */

static void
test_default_min_valid (void)
{
  static const struct {
    gint64 lifetime;
    gint64 expected;
  } cases[] = {
    { 0, 1 },          /* no lifetime: never served */
    { 1, 1 },          /* served only in the second it was issued */
    { 10, 5 },         /* half the lifetime: a short-lived token is cached too */
    { 30, 15 },
    { 31, 15 },
    { 60, 30 },
    { 119, 59 },
    { 120, 60 },       /* half the lifetime reaches the floor */
    { 599, 60 },       /* 10% is 59: the floor wins */
    { 600, 60 },       /* 10% equals the floor */
    { 610, 61 },       /* 10% wins from here */
    { 3599, 359 },     /* AutoGrab's expires_in */
    { 7200, 720 },     /* ACAEngine's */
    { 86400, 8640 },   /* Dataloy's */
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (CrToken) token = cr_token_new ("t", "Bearer", 1000, 1000 + cases[i].lifetime);

      g_test_message ("lifetime %" G_GINT64_FORMAT " s", cases[i].lifetime);
      g_assert_cmpint (cr_token_default_min_valid (token), ==, cases[i].expected);
    }
}

static void
test_is_fresh_boundaries (void)
{
  /* Lifetime 3600: the default minimum is 360 s. */
  g_autoptr (CrToken) token = cr_token_new ("t", "Bearer", 10000, 13600);

  /* Default policy (-1). */
  g_assert_true (cr_token_is_fresh (token, 10000, -1));
  g_assert_true (cr_token_is_fresh (token, 13600 - 360, -1));   /* exactly min_valid left */
  g_assert_false (cr_token_is_fresh (token, 13600 - 359, -1));  /* one second less */
  g_assert_false (cr_token_is_fresh (token, 13600, -1));
  g_assert_false (cr_token_is_fresh (token, 20000, -1));

  /* A clock before the issue time proves nothing about the age. */
  g_assert_false (cr_token_is_fresh (token, 9999, -1));
  g_assert_false (cr_token_is_fresh (token, 9999, 0));

  /* An explicit min_valid overrides the default, both ways. */
  g_assert_true (cr_token_is_fresh (token, 13600 - 100, 100));
  g_assert_false (cr_token_is_fresh (token, 13600 - 99, 100));
  g_assert_false (cr_token_is_fresh (token, 10000, 3601));
  g_assert_true (cr_token_is_fresh (token, 10000, 3600));
  g_assert_true (cr_token_is_fresh (token, 13600, 0));
  g_assert_false (cr_token_is_fresh (token, 13601, 0));
}

static void
test_is_fresh_short_lifetime (void)
{
  /* 100 s lifetime: half of it (50 s) caps the 60 s floor. */
  g_autoptr (CrToken) token = cr_token_new ("t", "Bearer", 0, 100);
  /* Tokens that live less than the floor are served for half their life,
   * not fetched again on every call. */
  g_autoptr (CrToken) half_minute = cr_token_new ("t", "Bearer", 1000, 1030);
  g_autoptr (CrToken) ten_seconds = cr_token_new ("t", "Bearer", 1000, 1010);

  g_assert_true (cr_token_is_fresh (token, 50, -1));
  g_assert_false (cr_token_is_fresh (token, 51, -1));

  g_assert_true (cr_token_is_fresh (half_minute, 1000, -1));
  g_assert_true (cr_token_is_fresh (half_minute, 1015, -1));
  g_assert_false (cr_token_is_fresh (half_minute, 1016, -1));
  g_assert_true (cr_token_is_fresh (ten_seconds, 1000, -1));
  g_assert_true (cr_token_is_fresh (ten_seconds, 1005, -1));
  g_assert_false (cr_token_is_fresh (ten_seconds, 1006, -1));
  /* An explicit minimum is still what was asked for. */
  g_assert_false (cr_token_is_fresh (half_minute, 1000, 60));
  g_assert_true (cr_token_is_fresh (half_minute, 1020, 10));
}

/* ---- keyring form ------------------------------------------------------ */

static void
test_new_defaults (void)
{
  g_autoptr (CrToken) token = cr_token_new ("abc", NULL, 1, 2);

  g_assert_cmpstr (token->access_token, ==, "abc");
  g_assert_cmpstr (token->token_type, ==, "Bearer");
  g_assert_cmpint (token->issued_at, ==, 1);
  g_assert_cmpint (token->expires_at, ==, 2);
}

static void
assert_round_trip (const char *access_token, const char *token_type, gint64 issued_at,
                   gint64 expires_at)
{
  g_autoptr (CrToken) token = cr_token_new (access_token, token_type, issued_at, expires_at);
  g_autoptr (CrToken) back = NULL;
  g_autoptr (GError) error = NULL;
  cr_autosecret char *data = cr_token_serialize (token);

  g_assert_nonnull (data);
  g_test_message ("serialized: %zu bytes", strlen (data));
  back = cr_token_deserialize (data, strlen (data), &error);
  g_assert_no_error (error);
  g_assert_nonnull (back);
  g_assert_cmpstr (back->access_token, ==, access_token);
  g_assert_cmpstr (back->token_type, ==, token_type);
  g_assert_cmpint (back->issued_at, ==, issued_at);
  g_assert_cmpint (back->expires_at, ==, expires_at);
}

static void
test_round_trip (void)
{
  assert_round_trip ("5474r2x214z26484u2e4y4a403q5e4z5m4j4b403s526", "Bearer", 1691667717,
                     1691671317);
  /* JSON-special and space characters survive. */
  assert_round_trip ("a\"b\\c/d e{f}", "bearer", 0, 1);
  /* Long token (a JWT-sized one). */
  {
    g_autofree char *longtoken = g_strnfill (4000, 'x');

    assert_round_trip (longtoken, "Bearer", 1700000000, 1700086400);
  }
  /* Large times. */
  assert_round_trip ("t", "Bearer", G_GINT64_CONSTANT (4102444800), G_GINT64_CONSTANT (4102531200));
}

static void
test_serialize_is_json (void)
{
  g_autoptr (CrToken) token = cr_token_new ("tok", "Bearer", 100, 200);
  cr_autosecret char *data = cr_token_serialize (token);

  g_assert_cmpstr (data, ==,
                   "{\"access_token\":\"tok\",\"token_type\":\"Bearer\","
                   "\"issued_at\":100,\"expires_at\":200}");
}

static void
assert_deserialize_fails (const char *data, gssize len)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CrToken) token = NULL;

  token = cr_token_deserialize (data, len < 0 ? strlen (data) : (gsize) len, &error);
  g_assert_null (token);
  g_assert_error (error, CR_ERROR, CR_ERROR_FAILED);
  g_assert_nonnull (error->message);
}

static void
test_deserialize_garbage (void)
{
  assert_deserialize_fails ("", 0);
  assert_deserialize_fails ("not json", -1);
  assert_deserialize_fails ("[]", -1);
  assert_deserialize_fails ("{}", -1);
  assert_deserialize_fails ("{\"access_token\":\"t\"", -1);   /* truncated */
  assert_deserialize_fails ("{\"access_token\":\"t\",\"token_type\":\"Bearer\","
                            "\"issued_at\":1}", -1);          /* no expires_at */
  assert_deserialize_fails ("{\"access_token\":1,\"token_type\":\"Bearer\","
                            "\"issued_at\":1,\"expires_at\":2}", -1);
  assert_deserialize_fails ("{\"access_token\":\"t\",\"token_type\":null,"
                            "\"issued_at\":1,\"expires_at\":2}", -1);
  assert_deserialize_fails ("{\"access_token\":\"t\",\"token_type\":\"Bearer\","
                            "\"issued_at\":\"1\",\"expires_at\":2}", -1);
  assert_deserialize_fails ("{\"access_token\":\"t\",\"token_type\":\"Bearer\","
                            "\"issued_at\":1,\"expires_at\":2.5}", -1);
  assert_deserialize_fails ("{\"access_token\":\"t\",\"token_type\":\"Bearer\","
                            "\"issued_at\":-1,\"expires_at\":2}", -1);
  assert_deserialize_fails ("{\"access_token\":\"t\",\"token_type\":\"Bearer\","
                            "\"issued_at\":1,\"expires_at\":99999999999999999999}", -1);
  /* A NUL byte inside the data. */
  {
    static const char with_nul[] = "{\"access_token\":\"t\0u\",\"token_type\":\"Bearer\","
                                   "\"issued_at\":1,\"expires_at\":2}";

    assert_deserialize_fails (with_nul, sizeof with_nul - 1);
  }
  /* Binary junk. */
  assert_deserialize_fails ("\xff\xfe\x01\x02", 4);
}

/* CrToken promises an access_token of printable ASCII; a keyring value that
 * would break that (e.g. a newline, which could inject a line into git's
 * credential protocol) must not become a token. */
static void
test_deserialize_unprintable_token (void)
{
  static const char *const values[] = {
    "{\"access_token\":\"a\\nb\",\"token_type\":\"Bearer\",\"issued_at\":1,\"expires_at\":2}",
    "{\"access_token\":\"\",\"token_type\":\"Bearer\",\"issued_at\":1,\"expires_at\":2}",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (values); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (CrToken) token = cr_token_deserialize (values[i], strlen (values[i]), &error);

      if (token != NULL)
        {
          /* Regression guard (a bug found and fixed): cr_token_deserialize() does not check
           * the token text. */
          g_test_fail_printf ("%s", "core/token/token.c cr_token_deserialize() accepts an empty access_token "
                             "or one holding control characters");
          return;
        }
      g_assert_error (error, CR_ERROR, CR_ERROR_FAILED);
    }
}

/* One limit everywhere a token is taken: an answer, and the keyring too, so
 * that a token cached by another version cannot be served past it. */
static void
test_token_length (void)
{
  g_autofree char *longest = g_strnfill (CR_TOKEN_MAX_BYTES, 'a');
  g_autofree char *too_long = g_strnfill (CR_TOKEN_MAX_BYTES + 1, 'a');
  g_autoptr (CrToken) kept = cr_token_new (longest, "Bearer", 1, 2);
  g_autoptr (CrToken) over = cr_token_new (too_long, "Bearer", 1, 2);
  g_autofree char *kept_value = cr_token_serialize (kept);
  g_autofree char *over_value = cr_token_serialize (over);
  g_autoptr (GError) error = NULL;
  g_autoptr (CrToken) read_back = NULL;
  g_autoptr (CrToken) refused = NULL;

  g_assert_true (cr_token_text_is_valid (longest));
  g_assert_false (cr_token_text_is_valid (too_long));

  read_back = cr_token_deserialize (kept_value, strlen (kept_value), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (read_back->access_token, ==, longest);
  refused = cr_token_deserialize (over_value, strlen (over_value), &error);
  g_assert_null (refused);
  g_assert_error (error, CR_ERROR, CR_ERROR_FAILED);
}

/* ---- messages ---------------------------------------------------------- */

static void
assert_escaped (const char *text, gssize len, gsize max_chars, const char *expected)
{
  g_autofree char *escaped = cr_escape_for_message (text, len, max_chars);

  g_assert_cmpstr (escaped, ==, expected);
  g_assert_true (g_utf8_validate (escaped, -1, NULL));
}

static void
test_escape_for_message (void)
{
  assert_escaped ("plain text", -1, 200, "plain text");
  assert_escaped ("", -1, 200, "");
  /* Newline, carriage return, ESC, tab, DEL. */
  assert_escaped ("a\nb\rc\x1b[2Jd\te\x7f", -1, 200, "a\\x0Ab\\x0Dc\\x1B[2Jd\\x09e\\x7F");
  /* C1 control (U+0085 NEL) and a format character (U+202E RIGHT-TO-LEFT OVERRIDE). */
  assert_escaped ("x\xc2\x85y\xe2\x80\xaez", -1, 200, "x\\x85y\\u202Ez");
  /* Line and paragraph separators (U+2028, U+2029): a second line to a viewer. */
  assert_escaped ("a\xe2\x80\xa8" "b\xe2\x80\xa9" "c", -1, 200, "a\\u2028b\\u2029c");
  /* Printable non-ASCII is kept. */
  assert_escaped ("caf\xc3\xa9 \xe2\x82\xac", -1, 200, "caf\xc3\xa9 \xe2\x82\xac");
  /* Invalid UTF-8 is replaced by U+FFFD. */
  assert_escaped ("a\xff" "b", -1, 200, "a\xef\xbf\xbd" "b");
  /* @len limits what is read. */
  assert_escaped ("abcdef", 3, 200, "abc");
}

static void
test_unichar_needs_escape (void)
{
  static const gunichar escaped[] = { 0x00, 0x07, 0x0a, 0x1b, 0x7f, 0x85, 0x9b, 0x200e,
                                      0x2028, 0x2029, 0x202e, 0x2066, 0xfeff, 0xe0001 };
  static const gunichar kept[] = { ' ', 'a', '~', 0xa0, 0xe9, 0x20ac, 0x4e2d, 0x1f600 };

  for (gsize i = 0; i < G_N_ELEMENTS (escaped); i++)
    {
      g_test_message ("U+%04X", escaped[i]);
      g_assert_true (cr_unichar_needs_escape (escaped[i]));
    }
  for (gsize i = 0; i < G_N_ELEMENTS (kept); i++)
    {
      g_test_message ("U+%04X", kept[i]);
      g_assert_false (cr_unichar_needs_escape (kept[i]));
    }
}

static void
test_escape_cut (void)
{
  /* Exactly max_chars characters: nothing cut. */
  assert_escaped ("abcde", -1, 5, "abcde");
  /* One more: cut after max_chars, with a marker. */
  assert_escaped ("abcdef", -1, 5, "abcde...");
  /* Characters, not bytes, are counted. */
  assert_escaped ("\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9", -1, 2, "\xc3\xa9\xc3\xa9...");
  /* An escaped control character counts as one. */
  assert_escaped ("\n\n\n", -1, 2, "\\x0A\\x0A...");
  assert_escaped ("abc", -1, 0, "...");

  {
    g_autofree char *big = g_strnfill (10000, 'm');
    g_autofree char *escaped = cr_escape_for_message (big, -1, 200);

    g_assert_cmpuint (strlen (escaped), ==, 203);
    g_assert_true (g_str_has_suffix (escaped, "m..."));
  }
}

/* ---- wiping ------------------------------------------------------------ */

static gboolean
is_zero (const guchar *data, gsize len)
{
  for (gsize i = 0; i < len; i++)
    if (data[i] != 0)
      return FALSE;
  return TRUE;
}

static void
test_secret_wipe (void)
{
  guchar *buffer = g_malloc (64);

  memset (buffer, 'S', 64);
  cr_secret_wipe (buffer + 8, 32);
  g_assert_true (is_zero (buffer + 8, 32));
  /* Exactly the range asked for. */
  for (gsize i = 0; i < 8; i++)
    g_assert_cmpint (buffer[i], ==, 'S');
  for (gsize i = 40; i < 64; i++)
    g_assert_cmpint (buffer[i], ==, 'S');

  cr_secret_wipe (buffer, 64);
  g_assert_true (is_zero (buffer, 64));

  /* NULL and zero length are harmless. */
  cr_secret_wipe (NULL, 10);
  memset (buffer, 'S', 64);
  cr_secret_wipe (buffer, 0);
  g_assert_cmpint (buffer[0], ==, 'S');
  g_free (buffer);

  /* The free functions accept NULL. */
  cr_secret_free (NULL);
  cr_secret_string_free (NULL);
  {
    cr_autosecret char *scoped = g_strdup ("scoped secret");

    g_assert_nonnull (scoped);
  }
  {
    GString *string = g_string_new ("secret");

    g_string_append (string, " grows");
    cr_secret_string_free (string);
  }
  {
    char *s = g_strdup ("freed secret");

    cr_secret_freep (&s);
    g_assert_null (s);
  }
}

static void
test_secret_equal (void)
{
  g_assert_true (cr_secret_equal ("s3cret", "s3cret"));
  g_assert_true (cr_secret_equal ("", ""));
  g_assert_true (cr_secret_equal (NULL, NULL));
  g_assert_false (cr_secret_equal ("s3cret", "s3creT"));
  g_assert_false (cr_secret_equal ("s3cret", "s3cre"));   /* prefix */
  g_assert_false (cr_secret_equal ("s3cre", "s3cret"));
  g_assert_false (cr_secret_equal ("a", ""));
  g_assert_false (cr_secret_equal ("", "a"));
  g_assert_false (cr_secret_equal ("a", NULL));
  g_assert_false (cr_secret_equal (NULL, ""));
}

/* ---- error codes ------------------------------------------------------- */

static void
test_exit_status (void)
{
  g_autoptr (GError) config = g_error_new_literal (CR_ERROR, CR_ERROR_CONFIG, "x");
  g_autoptr (GError) keyring = g_error_new_literal (CR_ERROR, CR_ERROR_KEYRING, "x");
  g_autoptr (GError) other = g_error_new_literal (G_FILE_ERROR, G_FILE_ERROR_NOENT, "x");
  g_autoptr (GError) unknown = g_error_new_literal (CR_ERROR, 99, "x");

  /* Part of the ABI: never renumbered. */
  g_assert_cmpint (CR_ERROR_FAILED, ==, 1);
  g_assert_cmpint (CR_ERROR_CONFIG, ==, 2);
  g_assert_cmpint (CR_ERROR_REJECTED, ==, 3);
  g_assert_cmpint (CR_ERROR_NETWORK, ==, 4);
  g_assert_cmpint (CR_ERROR_KEYRING, ==, 5);

  g_assert_cmpint (cr_error_exit_status (config), ==, 2);
  g_assert_cmpint (cr_error_exit_status (keyring), ==, 5);
  g_assert_cmpint (cr_error_exit_status (other), ==, 1);
  g_assert_cmpint (cr_error_exit_status (unknown), ==, 1);
  g_assert_cmpint (cr_error_exit_status (NULL), ==, 1);
}

int
main (int argc, char **argv)
{
  int status;

  tmp_dir = cr_test_init (&argc, &argv, "token");

  g_test_add_func ("/token/default-min-valid", test_default_min_valid);
  g_test_add_func ("/token/is-fresh/boundaries", test_is_fresh_boundaries);
  g_test_add_func ("/token/is-fresh/short-lifetime", test_is_fresh_short_lifetime);
  g_test_add_func ("/token/new-defaults", test_new_defaults);
  g_test_add_func ("/token/serialize/round-trip", test_round_trip);
  g_test_add_func ("/token/serialize/json", test_serialize_is_json);
  g_test_add_func ("/token/deserialize/garbage", test_deserialize_garbage);
  g_test_add_func ("/token/deserialize/unprintable-token", test_deserialize_unprintable_token);
  g_test_add_func ("/token/length", test_token_length);
  g_test_add_func ("/error/escape-for-message", test_escape_for_message);
  g_test_add_func ("/error/escape-cut", test_escape_cut);
  g_test_add_func ("/error/unichar-needs-escape", test_unichar_needs_escape);
  g_test_add_func ("/error/exit-status", test_exit_status);
  g_test_add_func ("/secret/wipe", test_secret_wipe);
  g_test_add_func ("/secret/equal", test_secret_equal);

  status = g_test_run ();
  cr_test_remove_tree (tmp_dir);
  g_free (tmp_dir);
  return status;
}
