/* Unit tests for the kernel keyring (core/keyring/kernel.c), in a session
 * keyring of this process's own: never the user's keys.  The store's use
 * of it where there is no Secret Service is tests/integration/
 * kernel-keyring.sh's. */

#include <string.h>

#include <glib.h>
#include <keyutils.h>

#include "keyring/kernel.h"

#include "testutil.h"

static void
test_round_trip (void)
{
  g_autoptr (GError) error = NULL;
  cr_autosecret char *value = NULL;
  g_autofree char *description = NULL;
  key_serial_t id;
  gsize len = 0;

  g_assert_true (cr_kernel_keyring_usable ("acct", &error));
  g_assert_no_error (error);
  value = cr_kernel_keyring_lookup ("client_secret", "acct", &len, &error);
  g_assert_no_error (error);
  g_assert_null (value);

  g_assert_true (cr_kernel_keyring_save ("client_secret", "acct", "s3cret", 6, 0, &error));
  g_assert_no_error (error);
  /* Replaced in place, not a second key. */
  g_assert_true (cr_kernel_keyring_save ("client_secret", "acct", "n3w", 3, 0, &error));
  value = cr_kernel_keyring_lookup ("client_secret", "acct", &len, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (value, ==, "n3w");
  g_assert_cmpuint (len, ==, 3);

  id = keyctl_search (KEY_SPEC_SESSION_KEYRING, "user", "credring:client_secret:acct", 0);
  g_assert_cmpint (id, >, 0);
  g_assert_cmpint (keyctl_describe_alloc (id, &description), >, 0);
  /* type;uid;gid;perm;description: owner only. */
  g_assert_true (g_str_has_prefix (strchr (strchr (strchr (description, ';') + 1, ';') + 1, ';'),
                                   ";3f3f0000;"));

  g_assert_true (cr_kernel_keyring_clear ("client_secret", "acct", &error));
  g_assert_no_error (error);
  g_assert_cmpint (keyctl_search (KEY_SPEC_SESSION_KEYRING, "user",
                                  "credring:client_secret:acct", 0), <, 0);
  /* Nothing to clear is no error. */
  g_assert_true (cr_kernel_keyring_clear ("client_secret", "acct", &error));
  g_assert_no_error (error);
}

static void
test_too_big (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *big = g_malloc0 (CR_KERNEL_MAX_VALUE + 1);
  gsize len;

  memset (big, 'x', CR_KERNEL_MAX_VALUE + 1);
  g_assert_false (cr_kernel_keyring_save ("token", "acct", big, CR_KERNEL_MAX_VALUE + 1, 0,
                                          &error));
  g_assert_error (error, CR_ERROR, CR_ERROR_KEYRING);
  g_assert_null (strstr (error->message, "xxxx"));
  g_clear_error (&error);
  g_assert_null (cr_kernel_keyring_lookup ("token", "acct", &len, &error));
  g_assert_no_error (error);
}

/* A name that is no keyring is a configuration error, not "no keyring". */
static void
test_bad_keyring_name (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr (GError) error = NULL;

      g_setenv ("CREDRING_KERNEL_KEYRING", "@s", TRUE);
      g_assert_false (cr_kernel_keyring_usable ("acct", &error));
      g_assert_error (error, CR_ERROR, CR_ERROR_CONFIG);
      g_assert_nonnull (strstr (error->message, "persistent, user or session"));
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

int
main (int argc, char **argv)
{
  /* Our own throwaway directories (GLib's G_TEST_OPTION_ISOLATE_DIRS
   * leaks the paths it sets, which the sanitizer run counts). */
  g_autofree char *dir = cr_test_init (&argc, &argv, "kernel");
  int status;

  /* This process's own session keyring, inherited by the subprocess. */
  if (keyctl_join_session_keyring (NULL) < 0)
    {
      g_test_skip ("no kernel keyring here (keyctl refused)");
      status = g_test_run ();
      cr_test_remove_tree (dir);
      return status;
    }
  g_setenv ("CREDRING_KERNEL_KEYRING", "session", TRUE);
  g_test_add_func ("/kernel/round-trip", test_round_trip);
  g_test_add_func ("/kernel/too-big", test_too_big);
  g_test_add_func ("/kernel/bad-keyring-name", test_bad_keyring_name);
  status = g_test_run ();
  cr_test_remove_tree (dir);
  return status;
}
