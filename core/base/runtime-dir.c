/* Where the processes of one user meet: the account locks, the change
 * marks and credring-service's socket. */
#include "config.h"

#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include <credring/credring.h>

#include "base/env.h"
#include "base/runtime-dir.h"

char *
cr_runtime_dir (GError **error)
{
  const char *runtime = cr_getenv_secure ("XDG_RUNTIME_DIR");
  g_autofree char *dir = NULL;
  struct stat st;

  if (runtime != NULL && g_path_is_absolute (runtime) && g_file_test (runtime, G_FILE_TEST_IS_DIR))
    dir = g_build_filename (runtime, "credring", NULL);
  else
    dir = g_build_filename (g_get_user_cache_dir (), "credring", "locks", NULL);

  if (g_mkdir_with_parents (dir, 0700) != 0 || lstat (dir, &st) != 0)
    {
      int saved = errno;

      g_set_error (error, CR_ERROR, CR_ERROR_FAILED, "cannot create lock directory %s: %s", dir,
                   g_strerror (saved));
      return NULL;
    }
  /* Another user's directory could hold a lock we would wait on forever,
   * a mark that hides a logout, or a socket that serves forged tokens. */
  if (!S_ISDIR (st.st_mode) || st.st_uid != getuid () || (st.st_mode & 0077) != 0)
    {
      g_set_error (error, CR_ERROR, CR_ERROR_FAILED,
                   "lock directory %s must be a directory of ours with mode 0700", dir);
      return NULL;
    }
  return g_steal_pointer (&dir);
}
