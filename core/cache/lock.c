/* Per-account lock files, so that many processes make one token request. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gio/gio.h>
#include <glib/gstdio.h>

#include <credring/credring.h>

#include "cache/lock.h"
#include "base/runtime-dir.h"

#define POLL_INTERVAL_USEC (20 * 1000)
/* A fetch takes less; a wait this long is someone else's sign-in. */
#define WAITING_TOLD_AFTER_USEC G_USEC_PER_SEC

struct _CrLock {
  int fd;
};

/* The account's lock file, opened (created 0600 if need be); -1 otherwise,
 * and *@path_out its name either way. */
static int
open_lock_file (const char *account, char **path_out, GError **error)
{
  g_autofree char *dir = cr_runtime_dir (error);
  int fd;

  *path_out = NULL;
  if (dir == NULL)
    return -1;
  *path_out = g_strconcat (dir, G_DIR_SEPARATOR_S, account, ".lock", NULL);
  fd = open (*path_out, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0)
    {
      int saved = errno;

      g_set_error (error, CR_ERROR, CR_ERROR_FAILED, "cannot open lock file %s: %s", *path_out,
                   g_strerror (saved));
    }
  return fd;
}

CrLock *
cr_lock_acquire (const char *account, int timeout_seconds, CrLockWaiting waiting,
                 gpointer waiting_data, GError **error)
{
  g_autofree char *path = NULL;
  gint64 deadline, told_at;
  CrLock *lock;
  int fd = open_lock_file (account, &path, error);

  if (fd < 0)
    return NULL;

  /* Polling keeps the wait bounded without signals or threads. */
  deadline = g_get_monotonic_time () + (gint64) timeout_seconds * G_USEC_PER_SEC;
  told_at = g_get_monotonic_time () + WAITING_TOLD_AFTER_USEC;
  while (flock (fd, LOCK_EX | LOCK_NB) != 0)
    {
      /* Kept before anything else runs: telling the person writes to
       * stderr, which may fail and set errno of its own. */
      int saved = errno;

      if (saved != EWOULDBLOCK && saved != EINTR)
        {
          g_set_error (error, CR_ERROR, CR_ERROR_FAILED, "cannot lock %s: %s", path,
                       g_strerror (saved));
          close (fd);
          return NULL;
        }
      /* Whoever asked is gone (a cancelled cr_login_async(), say). */
      if (g_cancellable_set_error_if_cancelled (g_cancellable_get_current (), error))
        {
          close (fd);
          return NULL;
        }
      if (waiting != NULL && g_get_monotonic_time () >= told_at)
        {
          waiting (waiting_data);
          waiting = NULL;
        }
      if (g_get_monotonic_time () >= deadline)
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
