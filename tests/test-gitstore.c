/* Unit tests for git credentials in the keyring (core/keyring/gitstore.c):
 * the layout of the secret value, parsed apart from libsecret.  Storing and
 * finding them in a real Secret Service is tests/integration/git-storage.sh's. */

#include <string.h>

#include <glib.h>

#include "keyring/store.h"

#include "testutil.h"

static void
test_value_fields (void)
{
  CrGitStoredValue value;

  cr_git_stored_value_parse ("pw\npassword_expiry_utc=1700000000\noauth_refresh_token=rt", &value);
  g_assert_cmpstr (value.password, ==, "pw");
  g_assert_cmpint (value.expiry, ==, 1700000000);
  g_assert_cmpstr (value.refresh_token, ==, "rt");
  cr_git_stored_value_clear (&value);
  g_assert_null (value.password);
  g_assert_null (value.refresh_token);

  /* What git-credential-libsecret stores without an expiry or a refresh token. */
  cr_git_stored_value_parse ("only a password", &value);
  g_assert_cmpstr (value.password, ==, "only a password");
  g_assert_cmpint (value.expiry, ==, 0);
  g_assert_null (value.refresh_token);
  cr_git_stored_value_clear (&value);
}

/* A refresh token given twice: the first was freed unwiped when the
 * second replaced it.  The secret is a literal, so the only copies the
 * heap may hold are the ones the parser made.  Bytes 24 to 55 of it are
 * looked for: malloc reuses the first 16 bytes of a freed block. */
#define REFRESH_SECRET "Rk7Lp2Wd9Xc4Vb1Nm6Qs3Ty8Ue5Io0Pa2Sd7Fg4Hj9Kl1Zx6Cv3Bn8Mq5We0"
#define REFRESH_SECRET_PIECE "Ue5Io0Pa2Sd7Fg4Hj9Kl1Zx6Cv3Bn8Mq"

static void
test_value_repeated_refresh_token_wiped (void)
{
  static const char text[] = "pw\noauth_refresh_token=" REFRESH_SECRET "\n"
                             "oauth_refresh_token=rt\n";
  gboolean leaked = FALSE;

  if (!cr_test_can_scan_heap ())
    {
      g_test_skip ("freed memory cannot be scanned under valgrind or ASan");
      return;
    }
  for (int layout = 0; layout < 4 && !leaked; layout++)
    {
      /* Another heap layout each time round. */
      g_autofree char *plug = g_malloc (48 << layout);
      CrGitStoredValue value;

      cr_git_stored_value_parse (text, &value);
      g_assert_cmpstr (value.refresh_token, ==, "rt");
      cr_git_stored_value_clear (&value);
      leaked = cr_test_heap_holds (REFRESH_SECRET_PIECE);
    }
  if (leaked)
    g_test_fail_printf ("core/keyring/gitstore.c cr_git_stored_value_parse(): the refresh token "
                        "given first is left unwiped in freed memory");
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/gitstore/value/fields", test_value_fields);
  g_test_add_func ("/gitstore/value/repeated-refresh-token-wiped",
                   test_value_repeated_refresh_token_wiped);

  return g_test_run ();
}
