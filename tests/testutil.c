/* Helpers shared by the GTest unit tests (see testutil.h). */

#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>

#include <credring/credring.h>

#include "testutil.h"
#include "token/request.h"

#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#endif
#endif
#ifndef RUNNING_ON_VALGRIND
#define RUNNING_ON_VALGRIND 0
#endif
#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#else
#define UNDER_ASAN 0
#endif

/* A throwaway HOME and XDG directories under @root, set before anything
 * reads them, so that nothing here can reach the user's configuration or
 * keyring.  (G_TEST_OPTION_ISOLATE_DIRS would do it per test, but GLib
 * leaks the old values by design, which would hide real leaks from
 * valgrind.) */
static void
isolate_home (const char *root)
{
  static const char *const vars[] = {
    "HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME",
    "XDG_RUNTIME_DIR",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (vars); i++)
    {
      g_autofree char *dir = g_build_filename (root, "home", vars[i], NULL);

      g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
      g_setenv (vars[i], dir, TRUE);
    }
  g_unsetenv ("DBUS_SESSION_BUS_ADDRESS");
  g_unsetenv ("CREDRING_CONFIG");
}

char *
cr_test_init (int *argc, char ***argv, const char *name)
{
  g_autofree char *template = g_strdup_printf ("credring-test-%s-XXXXXX", name);
  char *tmp_dir;

  g_test_init (argc, argv, NULL);

  tmp_dir = g_dir_make_tmp (template, NULL);
  g_assert_nonnull (tmp_dir);
  isolate_home (tmp_dir);

  /* Manual runs: the plugins and the fetch module of the build tree. */
  if (g_getenv ("CREDRING_PLUGIN_DIR") == NULL)
    {
      g_autofree char *dir = g_test_build_filename (G_TEST_BUILT, "..", "plugins", ".libs", NULL);

      g_setenv ("CREDRING_PLUGIN_DIR", dir, TRUE);
    }
  if (g_getenv ("CREDRING_FETCH_MODULE") == NULL)
    {
      g_autofree char *module = g_test_build_filename (G_TEST_BUILT, "..", "core", ".libs",
                                                       "fetch.so", NULL);

      g_setenv ("CREDRING_FETCH_MODULE", module, TRUE);
    }
  return tmp_dir;
}

void
cr_test_remove_tree (const char *path)
{
  if (g_file_test (path, G_FILE_TEST_IS_DIR) && !g_file_test (path, G_FILE_TEST_IS_SYMLINK))
    {
      g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
      const char *entry;

      /* Tests may leave directories read-only. */
      g_chmod (path, 0700);
      while (dir != NULL && (entry = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, entry, NULL);

          cr_test_remove_tree (child);
        }
      g_rmdir (path);
    }
  else
    g_unlink (path);
}

char *
cr_test_write_file (const char *dir, const char *name, const char *text)
{
  g_autoptr (GError) error = NULL;
  char *path = g_build_filename (dir, name, NULL);

  g_file_set_contents (path, text, -1, &error);
  g_assert_no_error (error);
  return path;
}

char *
cr_test_copy_file (const char *from, const char *to_dir, const char *as, int mode)
{
  g_autofree char *base = g_path_get_basename (from);
  char *to = g_build_filename (to_dir, as != NULL ? as : base, NULL);
  g_autofree char *data = NULL;
  g_autoptr (GError) error = NULL;
  gsize len = 0;

  g_file_get_contents (from, &data, &len, &error);
  g_assert_no_error (error);
  /* CONSISTENT: a new file, so that a shorter copy leaves no old tail. */
  g_file_set_contents_full (to, data, len, G_FILE_SET_CONTENTS_CONSISTENT, mode, &error);
  g_assert_no_error (error);
  /* The umask may have taken bits the loader's checks are about. */
  g_assert_cmpint (g_chmod (to, mode), ==, 0);
  return to;
}

const CrPluginParam *
cr_test_find_param (const CrPluginDescriptor *d, const char *name)
{
  for (const CrPluginParam *p = d->params; p != NULL && p->name != NULL; p++)
    if (g_str_equal (p->name, name))
      return p;
  return NULL;
}

guint
cr_test_count_params (const CrPluginDescriptor *d)
{
  guint n = 0;

  for (const CrPluginParam *p = d->params; p != NULL && p->name != NULL; p++)
    n++;
  return n;
}

CrProvider *
cr_test_load_provider (const char *name)
{
  g_autoptr (GError) error = NULL;
  CrProvider *provider = cr_provider_load (name, &error);

  g_assert_no_error (error);
  g_assert_nonnull (provider);
  return provider;
}

CrAccount *
cr_test_account_from_text (const char *dir, const char *text, const char *name)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = cr_test_write_file (dir, "accounts.conf", text);
  g_autoptr (CrConfig) config = cr_config_load (path, &error);
  CrAccount *account;

  g_assert_no_error (error);
  g_assert_nonnull (config);
  account = cr_config_get_account (config, name, &error);
  g_assert_no_error (error);
  g_assert_nonnull (account);
  return account;
}

void
cr_test_assert_contains (const char *haystack, const char *needle)
{
  if (strstr (haystack, needle) == NULL)
    g_error ("'%s' does not contain '%s'", haystack, needle);
}

CrRequest *
cr_test_build_request (const CrPluginDescriptor *d, CrAccount *account,
                       const CrClientSecrets *credentials, GError **error)
{
  if (!cr_account_resolve (account, d, NULL, error))
    return NULL;
  return credentials != NULL ? cr_request_build (d, account, credentials, error)
                             : cr_request_build_masked (d, account, error);
}

void
cr_test_assert_within (gint64 elapsed_msec, gint64 bound_msec)
{
  if (RUNNING_ON_VALGRIND)
    {
      g_test_message ("time bound not checked under valgrind: %" G_GINT64_FORMAT
                      " ms (bound %" G_GINT64_FORMAT " ms)", elapsed_msec, bound_msec);
      return;
    }
  g_assert_cmpint (elapsed_msec, <, bound_msec);
}

guint
cr_test_time_scale (void)
{
  return RUNNING_ON_VALGRIND ? 10 : 1;
}

gboolean
cr_test_can_scan_heap (void)
{
  return !RUNNING_ON_VALGRIND && !UNDER_ASAN;
}

/* Reads /proc/self/maps into a static buffer: see testutil.h. */
gboolean
cr_test_heap_holds (const char *needle)
{
  static char maps[1 << 16];
  gsize needle_len = strlen (needle);
  gssize len;
  char *line;
  int fd;

  fd = g_open ("/proc/self/maps", O_RDONLY, 0);
  g_assert_cmpint (fd, >=, 0);
  len = read (fd, maps, sizeof maps - 1);
  close (fd);
  g_assert_cmpint (len, >, 0);
  maps[len] = '\0';

  for (line = maps; line != NULL && *line != '\0';)
    {
      char *next = strchr (line, '\n');
      char *end;
      guint64 start = g_ascii_strtoull (line, &end, 16);
      guint64 stop = g_ascii_strtoull (end + 1, &end, 16);
      const char *perms = end + 1;
      const char *path;

      if (next != NULL)
        *next++ = '\0';
      /* "start-stop perms offset dev inode [path]": the path is the sixth field. */
      path = perms;
      for (int field = 0; field < 4 && path != NULL; field++)
        {
          path = strchr (path, ' ');
          if (path != NULL)
            path += strspn (path, " ");
        }
      if (perms[0] == 'r' && perms[1] == 'w' &&
          (path == NULL || *path == '\0' || strcmp (path, "[heap]") == 0))
        {
          const char *block = (const char *) (guintptr) start;

          for (guint64 i = 0; i + needle_len <= stop - start; i++)
            if (block[i] == needle[0] && memcmp (block + i, needle, needle_len) == 0)
              return TRUE;
        }
      line = next;
    }
  return FALSE;
}
