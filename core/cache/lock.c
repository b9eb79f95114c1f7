/* Per-account lock files, so that many processes make one token request. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include <credring/credring.h>

#include "base/env.h"
#include "cache/lock.h"

#define POLL_INTERVAL_USEC (20 * 1000)

struct _CrLock {
  int fd;
};

static char *
lock_directory (GError **error)
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
  /* Another user's directory could hold a lock we would wait on forever. */
  if (!S_ISDIR (st.st_mode) || st.st_uid != getuid () || (st.st_mode & 0077) != 0)
    {
      g_set_error (error, CR_ERROR, CR_ERROR_FAILED,
                   "lock directory %s must be a directory of ours with mode 0700", dir);
      return NULL;
    }
  return g_steal_pointer (&dir);
}

CrLock *
cr_lock_acquire (const char *account, int timeout_seconds, GError **error)
{
  g_autofree char *dir = lock_directory (error);
  g_autofree char *path = NULL;
  gint64 deadline;
  CrLock *lock;
  int fd;

  if (dir == NULL)
    return NULL;
  path = g_strconcat (dir, G_DIR_SEPARATOR_S, account, ".lock", NULL);
  fd = open (path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0)
    {
      int saved = errno;

      g_set_error (error, CR_ERROR, CR_ERROR_FAILED, "cannot open lock file %s: %s", path,
                   g_strerror (saved));
      return NULL;
    }

  /* Polling keeps the wait bounded without signals or threads. */
  deadline = g_get_monotonic_time () + (gint64) timeout_seconds * G_USEC_PER_SEC;
  while (flock (fd, LOCK_EX | LOCK_NB) != 0)
    {
      if ((errno != EWOULDBLOCK && errno != EINTR) || g_get_monotonic_time () >= deadline)
        {
          g_set_error (error, CR_ERROR, CR_ERROR_FAILED,
                       "account [%s]: another credring process has been fetching a token for "
                       "more than %d s; try again",
                       account, timeout_seconds);
          close (fd);
          return NULL;
        }
      g_usleep (POLL_INTERVAL_USEC);
    }
  lock = g_new0 (CrLock, 1);
  lock->fd = fd;
  return lock;
}

void
cr_lock_release (CrLock *lock)
{
  if (lock == NULL)
    return;
  close (lock->fd); /* closing the last descriptor drops the flock */
  g_free (lock);
}
