/* Unit tests for the loader's trust in a path (core/provider/loader.c): every
 * directory on the way to a plugin, a provider file or the fetch module
 * must be writable by nobody but root and us, and what is loaded is the
 * very file that was checked.
 *
 * Everything is copied into a throwaway directory (under $TMPDIR, a
 * sticky directory such as /tmp: its rule is tested too).  The tests pass
 * as root and as any other user; giving a directory to another user needs
 * root, and without it that part is a reported skip. */

#include "config.h"

#include <dlfcn.h>
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>

#include <credring/credring.h>

#include "fetch/fetch-module.h"
#include "provider/fetch-loader.h"
#include "provider/trusted-file.h"
#include "provider/provider-file.h"

#include "testutil.h"

static char *tmp_root;
static char *real_plugin_dir; /* the build tree's compiled plugins */
static char *fetch_module;    /* the build tree's fetch.so */
static guint dir_counter;

#define PROVIDER_TEXT(description, url)                                                     \
  "[provider]\n"                                                                           \
  "description = " description "\n"                                                        \
  "token_url = " url "\n"                                                                  \
  "grant = client_credentials\n"                                                           \
  "client_auth = body\n"                                                                   \
  "body = form\n"

#define ORIGINAL PROVIDER_TEXT ("The original", "https://auth.example.com/token")
#define IMPOSTOR PROVIDER_TEXT ("An impostor", "https://attacker.example/token")

/* ---- helpers ----------------------------------------------------------- */

/* A new directory @relative (its parents too, all mode 0755) under a new
 * directory of the throwaway root; the new directory's path in @top. */
static char *
new_tree (const char *relative, char **top)
{
  g_autofree char *base = g_strdup_printf ("tree-%u", ++dir_counter);
  g_autofree char *top_dir = g_build_filename (tmp_root, base, NULL);
  char *dir = g_build_filename (top_dir, relative, NULL);
  g_autofree char *walk = g_strdup (dir);

  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  /* The umask may have taken bits; every level gets exactly 0755. */
  while (strlen (walk) > strlen (tmp_root))
    {
      char *slash = strrchr (walk, '/');

      g_assert_cmpint (g_chmod (walk, 0755), ==, 0);
      *slash = '\0';
    }
  if (top != NULL)
    *top = g_steal_pointer (&top_dir);
  return dir;
}

static char *
write_provider (const char *dir, const char *name, const char *text)
{
  g_autoptr (GError) error = NULL;
  char *path = g_build_filename (dir, name, NULL);

  g_file_set_contents_full (path, text, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0644, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_chmod (path, 0644), ==, 0);
  return path;
}

static char *
copy_plugin (const char *name, const char *to_dir, const char *as)
{
  g_autofree char *from = g_build_filename (real_plugin_dir, name, NULL);

  return cr_test_copy_file (from, to_dir, as, 0755);
}

static char *
copy_fetch_module (const char *to_dir)
{
  return cr_test_copy_file (fetch_module, to_dir, NULL, 0755);
}

/* Fails unless @message is one line. */
static void
assert_one_line (const char *message)
{
  g_assert_null (strpbrk (message, "\r\n"));
}

/* Fails unless @message refuses @path because of @ancestor, for @reason. */
static void
assert_refused_for (const char *message, const char *path, const char *ancestor,
                    const char *reason)
{
  g_autofree char *prefix = g_strconcat (ancestor, ": refused: ", NULL);

  g_test_message ("%s", message);
  assert_one_line (message);
  if (!g_str_has_prefix (message, prefix))
    g_error ("'%s' does not start with '%s'", message, prefix);
  cr_test_assert_contains (message, reason);
  cr_test_assert_contains (message, path);
}

/* The plugin @name from $CREDRING_PLUGIN_DIR=@dir must be refused; returns
 * the message. */
static char *
plugin_refused (const char *dir, const char *name)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CrProvider) provider = NULL;

  g_setenv ("CREDRING_PLUGIN_DIR", dir, TRUE);
  provider = cr_provider_load (name, &error);
  g_assert_null (provider);
  g_assert_error (error, CR_ERROR, CR_ERROR_CONFIG);
  return g_strdup (error->message);
}

static void
assert_plugin_loads (const char *dir, const char *name)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CrProvider) provider = NULL;

  g_setenv ("CREDRING_PLUGIN_DIR", dir, TRUE);
  provider = cr_provider_load (name, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (cr_provider_get_descriptor (provider)->name, ==, name);
}

static char *
provider_refused (const char *path, const char *name)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CrProviderFile) file = cr_provider_file_load (path, name, &error);

  g_assert_null (file);
  g_assert_error (error, CR_ERROR, CR_ERROR_CONFIG);
  return g_strdup (error->message);
}

static void
assert_provider_loads (const char *path, const char *name)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CrProviderFile) file = cr_provider_file_load (path, name, &error);

  g_assert_no_error (error);
  g_assert_nonnull (file);
}

static char *
module_refused (const char *path)
{
  g_autoptr (GError) error = NULL;
  void *handle = cr_trusted_module_open (path, &error);

  g_assert_null (handle);
  g_assert_error (error, CR_ERROR, CR_ERROR_CONFIG);
  return g_strdup (error->message);
}

static void
assert_module_loads (const char *path)
{
  g_autoptr (GError) error = NULL;
  void *handle = cr_trusted_module_open (path, &error);

  g_assert_no_error (error);
  g_assert_nonnull (dlsym (handle, CR_FETCH_MODULE_SYMBOL));
  dlclose (handle);
}

/* ---- every directory on the way --------------------------------------- */

static const mode_t unsafe_modes[] = { 0777, 0775, 0757, 0770, 0707 };

/* A plugin directory two levels below a directory others may write: they
 * could rename the level below and put their own in its place between the
 * check and the load. */
static void
test_ancestor_writable_plugin (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (unsafe_modes); i++)
    {
      g_autofree char *top = NULL;
      g_autofree char *dir = new_tree ("shared/lib/plugins", &top);
      g_autofree char *ancestor = g_build_filename (top, "shared", NULL);
      g_autofree char *path = copy_plugin ("ants.so", dir, NULL);
      g_autofree char *message = NULL;
      g_autoptr (GPtrArray) failures = g_ptr_array_new_with_free_func (g_free);
      g_autoptr (GPtrArray) providers = NULL;

      g_assert_cmpint (g_chmod (ancestor, unsafe_modes[i]), ==, 0);
      message = plugin_refused (dir, "ants");
      assert_refused_for (message, path, ancestor, "group- or world-writable");

      /* Listed as a failure too, never loaded. */
      providers = cr_provider_load_all (failures);
      g_assert_cmpuint (providers->len, ==, 0);
      g_assert_cmpuint (failures->len, ==, 1);
      assert_refused_for (g_ptr_array_index (failures, 0), path, ancestor,
                          "group- or world-writable");

      /* The ancestor's mode was the reason. */
      g_assert_cmpint (g_chmod (ancestor, 0755), ==, 0);
      assert_plugin_loads (dir, "ants");
    }
}

static void
test_ancestor_writable_provider_file (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (unsafe_modes); i++)
    {
      g_autofree char *top = NULL;
      g_autofree char *dir = new_tree ("shared/providers", &top);
      g_autofree char *ancestor = g_build_filename (top, "shared", NULL);
      g_autofree char *path = write_provider (dir, "p.conf", ORIGINAL);
      g_autofree char *message = NULL;

      g_assert_cmpint (g_chmod (ancestor, unsafe_modes[i]), ==, 0);
      message = provider_refused (path, "p");
      assert_refused_for (message, path, ancestor, "group- or world-writable");

      g_assert_cmpint (g_chmod (ancestor, 0755), ==, 0);
      assert_provider_loads (path, "p");
    }
}

/* The fetch module (token/fetch-client.c loads it with cr_trusted_module_open()) runs as
 * us and sees every secret. */
static void
test_ancestor_writable_fetch_module (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (unsafe_modes); i++)
    {
      g_autofree char *top = NULL;
      g_autofree char *dir = new_tree ("shared/lib/credring", &top);
      g_autofree char *ancestor = g_build_filename (top, "shared", NULL);
      g_autofree char *path = copy_fetch_module (dir);
      g_autofree char *message = NULL;

      g_assert_cmpint (g_chmod (ancestor, unsafe_modes[i]), ==, 0);
      message = module_refused (path);
      assert_refused_for (message, path, ancestor, "group- or world-writable");

      g_assert_cmpint (g_chmod (ancestor, 0755), ==, 0);
      assert_module_loads (path);
    }
}

/* The top of the throwaway tree is owned by another user: that user could
 * swap what it holds.  Only root can give a directory away. */
static void
test_ancestor_other_owner (void)
{
  const uid_t nobody = 65534;
  g_autofree char *top = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *plugin = NULL;
  g_autofree char *provider = NULL;
  g_autofree char *module = NULL;

  if (getuid () != 0)
    {
      g_test_skip ("needs root to give a directory to another user");
      return;
    }
  dir = new_tree ("owned/lib", &top);
  plugin = copy_plugin ("ants.so", dir, NULL);
  provider = write_provider (dir, "p.conf", ORIGINAL);
  module = copy_fetch_module (dir);
  g_assert_cmpint (chown (top, nobody, nobody), ==, 0);
  {
    g_autofree char *message = plugin_refused (dir, "ants");

    assert_refused_for (message, plugin, top, "owned by another user (uid 65534)");
  }
  {
    g_autofree char *message = provider_refused (provider, "p");

    assert_refused_for (message, provider, top, "owned by another user (uid 65534)");
  }
  {
    g_autofree char *message = module_refused (module);

    assert_refused_for (message, module, top, "owned by another user (uid 65534)");
  }
  g_assert_cmpint (chown (top, 0, 0), ==, 0);
  assert_plugin_loads (dir, "ants");
  assert_provider_loads (provider, "p");
  assert_module_loads (module);
}

/* A safe symlink into a directory below a writable one: where the link
 * leads is walked as carefully as the path given. */
static void
test_ancestor_writable_behind_symlink (void)
{
  g_autofree char *top = NULL;
  g_autofree char *safe = new_tree ("safe", NULL);
  g_autofree char *dir = new_tree ("shared/plugins", &top);
  g_autofree char *ancestor = g_build_filename (top, "shared", NULL);
  g_autofree char *target = copy_plugin ("ants.so", dir, NULL);
  g_autofree char *link = g_build_filename (safe, "ants.so", NULL);
  g_autofree char *provider = write_provider (dir, "p.conf", ORIGINAL);
  g_autofree char *provider_link = g_build_filename (safe, "p.conf", NULL);
  g_autofree char *dir_link = g_build_filename (safe, "plugins", NULL);

  g_assert_cmpint (symlink (target, link), ==, 0);
  g_assert_cmpint (symlink (provider, provider_link), ==, 0);
  g_assert_cmpint (symlink (dir, dir_link), ==, 0);
  g_assert_cmpint (g_chmod (ancestor, 0777), ==, 0);
  {
    g_autofree char *message = plugin_refused (safe, "ants");

    assert_refused_for (message, link, ancestor, "group- or world-writable");
  }
  {
    /* A symlink to the directory, in the middle of the path. */
    g_autofree char *message = plugin_refused (dir_link, "ants");

    assert_refused_for (message, dir_link, ancestor, "group- or world-writable");
  }
  {
    g_autofree char *message = provider_refused (provider_link, "p");

    assert_refused_for (message, provider_link, ancestor, "group- or world-writable");
  }
  g_assert_cmpint (g_chmod (ancestor, 0755), ==, 0);
  assert_plugin_loads (safe, "ants");
  assert_plugin_loads (dir_link, "ants");
  assert_provider_loads (provider_link, "p");
}

/* The symlink itself in a directory others may write: they could point it
 * at any file of root's. */
static void
test_symlink_in_writable_dir (void)
{
  g_autofree char *shared = new_tree ("shared", NULL);
  g_autofree char *dir = new_tree ("plugins", NULL);
  g_autofree char *target = copy_plugin ("ants.so", dir, NULL);
  g_autofree char *link = g_build_filename (shared, "plugins", NULL);
  static const mode_t modes[] = { 0777, 01777 };

  g_assert_cmpint (symlink (dir, link), ==, 0);
  for (gsize i = 0; i < G_N_ELEMENTS (modes); i++)
    {
      g_autofree char *message = NULL;

      g_assert_cmpint (g_chmod (shared, modes[i]), ==, 0);
      message = plugin_refused (link, "ants");
      assert_refused_for (message, link, shared, "group- or world-writable");
    }
  g_assert_cmpint (g_chmod (shared, 0755), ==, 0);
  assert_plugin_loads (link, "ants");
}

/* A sticky directory such as /tmp may be passed through, into a directory
 * of ours: nobody else may rename or remove what we own there.  The file
 * itself may not sit in it: anyone could add a hard link to a file of
 * root's there. */
static void
test_sticky_ancestor (void)
{
  static const mode_t modes[] = { 01777, 01775, 01770 };

  for (gsize i = 0; i < G_N_ELEMENTS (modes); i++)
    {
      g_autofree char *top = NULL;
      g_autofree char *dir = new_tree ("sticky/ours", &top);
      g_autofree char *sticky = g_build_filename (top, "sticky", NULL);
      g_autofree char *plugin = copy_plugin ("ants.so", dir, NULL);
      g_autofree char *provider = write_provider (dir, "p.conf", ORIGINAL);
      g_autofree char *module = copy_fetch_module (dir);
      g_autofree char *in_sticky = copy_plugin ("autograb.so", sticky, NULL);
      g_autofree char *message = NULL;

      g_assert_cmpint (g_chmod (sticky, modes[i]), ==, 0);
      assert_plugin_loads (dir, "ants");
      assert_provider_loads (provider, "p");
      assert_module_loads (module);

      message = plugin_refused (sticky, "autograb");
      assert_refused_for (message, in_sticky, sticky, "group- or world-writable");
      g_assert_cmpint (g_chmod (sticky, 0755), ==, 0);
    }
}

/* A relative directory and ".." are walked as the kernel would. */
static void
test_relative_and_dotdot (void)
{
  g_autofree char *top = NULL;
  g_autofree char *dir = new_tree ("a/plugins", &top);
  g_autofree char *other = g_build_filename (top, "b", NULL);
  g_autofree char *cwd = g_get_current_dir ();
  g_autofree char *dotdot = g_build_filename (other, "..", "a", "plugins", NULL);

  g_free (copy_plugin ("ants.so", dir, NULL));
  g_assert_cmpint (g_mkdir (other, 0755), ==, 0);
  g_assert_cmpint (g_chmod (other, 0755), ==, 0);
  assert_plugin_loads (dotdot, "ants");

  g_assert_cmpint (g_chdir (top), ==, 0);
  assert_plugin_loads ("a/plugins", "ants");
  assert_plugin_loads ("./b/../a//plugins/", "ants");
  g_assert_cmpint (g_chdir (cwd), ==, 0);
}

/* ---- what is loaded is what was checked -------------------------------- */

/* The loader's last look at a file is a stat() or fstat() that shows its
 * owner and mode.  These wrappers (the test program's own, which the
 * loader, linked into it, calls) replace the watched file on disk, by
 * rename(), right after that look, as an attacker who won the race would:
 * the loader must go on with the file it looked at. */
static struct {
  dev_t dev;
  ino_t ino;
  char *replacement; /* renamed over target */
  char *target;
  gboolean armed;
  gboolean swapped;
} swap;

static void
arm_swap (const char *target, const char *replacement)
{
  struct stat st;

  g_assert_cmpint (lstat (target, &st), ==, 0);
  g_free (swap.target);
  g_free (swap.replacement);
  swap.dev = st.st_dev;
  swap.ino = st.st_ino;
  swap.target = g_strdup (target);
  swap.replacement = g_strdup (replacement);
  swap.swapped = FALSE;
  swap.armed = TRUE;
}

/* The swap must have happened, else the test proves nothing. */
static void
assert_swapped (void)
{
  swap.armed = FALSE;
  if (!swap.swapped)
    g_error ("the loader never stat()ed %s: the swap did not happen", swap.target);
  g_clear_pointer (&swap.target, g_free);
  g_clear_pointer (&swap.replacement, g_free);
}

static void
swap_if_watched (const struct stat *st)
{
  if (!swap.armed || st->st_dev != swap.dev || st->st_ino != swap.ino)
    return;
  swap.armed = FALSE;
  if (rename (swap.replacement, swap.target) != 0)
    g_error ("rename %s: %s", swap.replacement, g_strerror (errno));
  swap.swapped = TRUE;
}

int
stat (const char *path, struct stat *st)
{
  static int (*real) (const char *, struct stat *);
  int result;

  if (real == NULL)
    real = (int (*) (const char *, struct stat *)) dlsym (RTLD_NEXT, "stat");
  result = real (path, st);
  if (result == 0)
    swap_if_watched (st);
  return result;
}

int
fstat (int fd, struct stat *st)
{
  static int (*real) (int, struct stat *);
  int result;

  if (real == NULL)
    real = (int (*) (int, struct stat *)) dlsym (RTLD_NEXT, "fstat");
  result = real (fd, st);
  if (result == 0)
    swap_if_watched (st);
  return result;
}

static void
test_checked_is_loaded_plugin (void)
{
  g_autofree char *dir = new_tree ("plugins", NULL);
  g_autofree char *path = copy_plugin ("ants.so", dir, NULL);
  g_autofree char *impostor = copy_plugin ("autograb.so", dir, "impostor");
  g_autoptr (GError) error = NULL;
  g_autoptr (CrProvider) provider = NULL;

  g_setenv ("CREDRING_PLUGIN_DIR", dir, TRUE);
  arm_swap (path, impostor);
  provider = cr_provider_load ("ants", &error);
  assert_swapped ();
  /* Loading the file now at the path would run the impostor's code (its
   * descriptor is then refused for its name, too late). */
  g_assert_no_error (error);
  g_assert_cmpstr (cr_provider_get_descriptor (provider)->name, ==, "ants");
}

static void
test_checked_is_loaded_provider_file (void)
{
  g_autofree char *dir = new_tree ("providers", NULL);
  g_autofree char *path = write_provider (dir, "p.conf", ORIGINAL);
  g_autofree char *impostor = write_provider (dir, "impostor", IMPOSTOR);
  g_autoptr (GError) error = NULL;
  g_autoptr (CrProviderFile) file = NULL;

  arm_swap (path, impostor);
  file = cr_provider_file_load (path, "p", &error);
  assert_swapped ();
  g_assert_no_error (error);
  g_assert_cmpstr (cr_provider_file_get_descriptor (file)->token_url, ==,
                   "https://auth.example.com/token");
}

static void
test_checked_is_loaded_fetch_module (void)
{
  g_autofree char *dir = new_tree ("credring", NULL);
  g_autofree char *path = copy_fetch_module (dir);
  g_autofree char *impostor = copy_plugin ("ants.so", dir, "impostor");
  g_autoptr (GError) error = NULL;
  void *handle;

  arm_swap (path, impostor);
  handle = cr_trusted_module_open (path, &error);
  assert_swapped ();
  g_assert_no_error (error);
  g_assert_nonnull (dlsym (handle, CR_FETCH_MODULE_SYMBOL));
  g_assert_null (dlsym (handle, CR_PLUGIN_SYMBOL));
  dlclose (handle);
}

/* Plugins loaded one after another, some twice, some freed in between:
 * each load gets the plugin it asked for, whatever was loaded before. */
static void
test_load_sequence (void)
{
  static const char *const names[] = { "ants", "autograb", "acaengine", "dataloy" };
  g_autoptr (GPtrArray) kept = g_ptr_array_new_with_free_func ((GDestroyNotify) cr_provider_free);

  g_setenv ("CREDRING_PLUGIN_DIR", real_plugin_dir, TRUE);
  for (guint round = 0; round < 3; round++)
    for (gsize i = 0; i < G_N_ELEMENTS (names); i++)
      {
        g_autoptr (CrProvider) once = cr_test_load_provider (names[i]);
        CrProvider *twice = cr_test_load_provider (names[i]);

        g_assert_cmpstr (cr_provider_get_descriptor (once)->name, ==, names[i]);
        g_assert_cmpstr (cr_provider_get_descriptor (twice)->name, ==, names[i]);
        /* Every other one outlives the first load of the same file. */
        if ((round + i) % 2 == 0)
          g_ptr_array_add (kept, twice);
        else
          cr_provider_free (twice);
      }
}

/* ---- the fetch module's version and size ------------------------------- */

/* In the child (cr_fetch_module() loads once per process): what became of
 * the module $CREDRING_FETCH_MODULE names, one line on stdout. */
static void
print_fetch_module_outcome (void)
{
  g_autoptr (GError) error = NULL;
  const CrFetchModule *module = cr_fetch_module (&error);

  if (module != NULL)
    g_print ("loaded: version %u, %zu bytes\n", module->version, module->struct_size);
  else
    g_print ("refused (code %d): %s\n", error->code, error->message);
}

/* @built (a module of the build tree) copied as fetch.so into a directory
 * the loader trusts, and loaded by cr_fetch_module() in a child; its line
 * must be @before, the copy's path and @after (NULL: @before alone). */
static void
assert_fetch_module_outcome (const char *built, const char *before, const char *after)
{
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autofree char *line = NULL;

  if (g_test_subprocess ())
    {
      print_fetch_module_outcome ();
      return;
    }
  dir = new_tree ("lib/credring", NULL);
  path = cr_test_copy_file (built, dir, "fetch.so", 0755);
  line = after != NULL ? g_strconcat (before, path, after, NULL) : g_strdup (before);
  g_setenv ("CREDRING_FETCH_MODULE", path, TRUE);
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_setenv ("CREDRING_FETCH_MODULE", fetch_module, TRUE);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stdout (line);
}

static char *
test_module (const char *name)
{
  return g_test_build_filename (G_TEST_BUILT, "plugins", ".libs", name, NULL);
}

/* The real one, as a control: the refusals below are the version's. */
static void
test_fetch_module_this_version (void)
{
  g_autofree char *expected = g_strdup_printf ("loaded: version %d, %zu bytes\n",
                                               CR_FETCH_MODULE_VERSION, sizeof (CrFetchModule));

  assert_fetch_module_outcome (fetch_module, expected, NULL);
}

/* An old (or newer) fetch.so left where the installed one goes. */
static void
test_fetch_module_other_version (void)
{
  g_autofree char *module = test_module ("fetch-other-version.so");
  g_autofree char *before = g_strdup_printf (
    "refused (code %d): credring is not installed right: ", CR_ERROR_FAILED);
  g_autofree char *after = g_strdup_printf (
    " is version 99 of the fetch module, this credring needs %d\n", CR_FETCH_MODULE_VERSION);

  assert_fetch_module_outcome (module, before, after);
}

/* This version by its word, but a table that ends before listen(): read
 * whole, it would be read past its end. */
static void
test_fetch_module_short_table (void)
{
  g_autofree char *module = test_module ("fetch-short-table.so");
  g_autofree char *before = g_strdup_printf (
    "refused (code %d): credring is not installed right: ", CR_ERROR_FAILED);
  g_autofree char *after = g_strdup_printf (
    " has a fetch module table of %zu bytes, version %d has %zu: it was built with "
    "another fetch-module.h\n",
    offsetof (CrFetchModule, listen), CR_FETCH_MODULE_VERSION, sizeof (CrFetchModule));

  assert_fetch_module_outcome (module, before, after);
}

int
main (int argc, char **argv)
{
  const char *env;
  int status;

  tmp_root = cr_test_init (&argc, &argv, "loader");
  env = g_getenv ("CREDRING_PLUGIN_DIR");
  {
    g_auto (GStrv) parts = g_strsplit (env, ":", 2);

    real_plugin_dir = g_strdup (parts[0]);
  }
  fetch_module = g_strdup (g_getenv ("CREDRING_FETCH_MODULE"));
  /* No provider file from anywhere but where a test puts one. */
  g_setenv ("CREDRING_PROVIDER_DIR", tmp_root, TRUE);

  g_test_add_func ("/loader/ancestor/writable/plugin", test_ancestor_writable_plugin);
  g_test_add_func ("/loader/ancestor/writable/provider-file",
                   test_ancestor_writable_provider_file);
  g_test_add_func ("/loader/ancestor/writable/fetch-module",
                   test_ancestor_writable_fetch_module);
  g_test_add_func ("/loader/ancestor/writable/behind-symlink",
                   test_ancestor_writable_behind_symlink);
  g_test_add_func ("/loader/ancestor/other-owner", test_ancestor_other_owner);
  g_test_add_func ("/loader/ancestor/symlink-in-writable-dir", test_symlink_in_writable_dir);
  g_test_add_func ("/loader/ancestor/sticky", test_sticky_ancestor);
  g_test_add_func ("/loader/ancestor/relative-and-dotdot", test_relative_and_dotdot);
  g_test_add_func ("/loader/checked-is-loaded/plugin", test_checked_is_loaded_plugin);
  g_test_add_func ("/loader/checked-is-loaded/provider-file",
                   test_checked_is_loaded_provider_file);
  g_test_add_func ("/loader/checked-is-loaded/fetch-module",
                   test_checked_is_loaded_fetch_module);
  g_test_add_func ("/loader/load-sequence", test_load_sequence);
  g_test_add_func ("/loader/fetch-module/this-version", test_fetch_module_this_version);
  g_test_add_func ("/loader/fetch-module/other-version", test_fetch_module_other_version);
  g_test_add_func ("/loader/fetch-module/short-table", test_fetch_module_short_table);

  status = g_test_run ();
  cr_test_remove_tree (tmp_root);
  g_free (tmp_root);
  g_free (real_plugin_dir);
  g_free (fetch_module);
  return status;
}
