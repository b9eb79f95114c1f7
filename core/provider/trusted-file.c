/* Trusting a file by its path: every directory on the way to it, and the
 * file, walked through descriptors and checked as OpenSSH's safe_path()
 * and sudo's secure path do; then the file checked is the one read or
 * dlopen()ed, whatever the path names by then.  Plugins, provider files,
 * the fetch module, accounts.conf and an account's ca_file all come
 * through here: each decides where secrets go, or runs as us. */
#include "config.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <credring/credring.h>

#include "base/error.h"
#include "provider/trusted-file.h"

/* Root's and our own files are trusted; anything another user could have
 * written, or could have swapped in, is not, since loading it runs its code
 * as us (or, for a provider file, sends our secrets where it says).
 *
 * So a path is walked from "/" one component at a time, each opened
 * relative to the descriptor of the directory checked before it, as
 * OpenSSH's safe_path() and sudo check every component: each directory on
 * the way must be root's or ours and writable by nobody else, and what
 * is loaded is the file behind the descriptor that was checked, whatever
 * the path names by then.
 *
 * One exception: a directory others may write but with the sticky bit
 * (/tmp, 1777) may be passed through into a subdirectory, since only its
 * owner (checked: root or us), root and the subdirectory's owner (checked
 * too) may rename or remove that, and a directory cannot be hard-linked.
 * A symlink or the file itself in such a directory is refused: anyone may
 * put one there, or hard-link a file of root's under the name we want. */

/* At most this many symlinks on the way, as the kernel's own limit. */
#define MAX_SYMLINKS 40

/* Directories are only passed through: O_PATH needs no read permission
 * (a home directory may be 0711). */
#ifndef O_PATH
#define O_PATH 0
#endif

typedef struct {
  const char *path;    /* as asked for: every message names it */
  GString *where;      /* the directory reached so far, as a real path */
  int dir;             /* its descriptor (-1 before the walk) */
  struct stat dir_st;  /* and what fstat() said of it */
  GQueue rest;         /* the components still to walk (char *) */
  guint symlinks;
  gboolean check_file; /* the file's own owner and mode too, not only the way */
} Walk;

/* "WHAT: refused: REASON (CONTEXT PATH)": the component refused first,
 * then the file it was refused for, since a directory holds many. */
static gboolean
refuse (Walk *walk, const char *what, const char *reason, const char *context, GError **error)
{
  if (context == NULL)
    g_set_error (error, CR_ERROR, CR_ERROR_CONFIG, "%s: refused: %s", what, reason);
  else
    g_set_error (error, CR_ERROR, CR_ERROR_CONFIG, "%s: refused: %s (%s %s)", what, reason,
                 context, walk->path);
  return FALSE;
}

static gboolean
check_owner (Walk *walk, const struct stat *st, const char *what, const char *context,
             GError **error)
{
  g_autofree char *reason = NULL;

  if (st->st_uid == 0 || st->st_uid == getuid ())
    return TRUE;
  reason = g_strdup_printf ("owned by another user (uid %u)", (unsigned) st->st_uid);
  return refuse (walk, what, reason, context, error);
}

/* Root's or ours, and writable by nobody else; a sticky directory may be
 * writable when @sticky_ok (see above). */
static gboolean
check_stat (Walk *walk, const struct stat *st, const char *what, gboolean sticky_ok,
            const char *context, GError **error)
{
  if (!check_owner (walk, st, what, context, error))
    return FALSE;
  if ((st->st_mode & (S_IWGRP | S_IWOTH)) != 0 && !(sticky_ok && (st->st_mode & S_ISVTX) != 0))
    return refuse (walk, what, "group- or world-writable", context, error);
  return TRUE;
}

/* How a directory relates to the file: it holds the file when
 * @when_holding components are left to walk, else it is further up. */
static const char *
dir_context (Walk *walk, guint when_holding)
{
  return g_queue_get_length (&walk->rest) == when_holding ? "the directory of"
                                                          : "on the path to";
}

static gboolean
fail_errno (Walk *walk, int saved, GError **error)
{
  g_set_error (error, CR_ERROR, CR_ERROR_CONFIG, "%s: %s", walk->path, g_strerror (saved));
  return FALSE;
}

/* Makes the directory open at @fd (ours now), reached by @name (NULL: the
 * root), the current one, once its owner is checked; who may write it
 * matters when it is left, and for what. */
static gboolean
enter (Walk *walk, int fd, const char *name, GError **error)
{
  struct stat st;

  if (fd < 0 || fstat (fd, &st) != 0)
    {
      int saved = errno;

      if (fd >= 0)
        close (fd);
      return fail_errno (walk, saved, error);
    }
  if (walk->dir >= 0)
    close (walk->dir);
  walk->dir = fd;
  walk->dir_st = st;
  if (name == NULL)
    g_string_assign (walk->where, "/");
  else if (g_str_equal (name, ".."))
    {
      char *slash = strrchr (walk->where->str, '/');

      g_string_truncate (walk->where, slash == walk->where->str ? 1 : slash - walk->where->str);
    }
  else
    {
      if (walk->where->len > 1)
        g_string_append_c (walk->where, '/');
      g_string_append (walk->where, name);
    }
  return check_owner (walk, &st, walk->where->str, dir_context (walk, 1), error);
}

static gboolean
enter_root (Walk *walk, GError **error)
{
  return enter (walk, open ("/", O_PATH | O_DIRECTORY | O_CLOEXEC), NULL, error);
}

/* Puts the components of @text before those still to walk. */
static void
push_components (Walk *walk, const char *text)
{
  g_auto (GStrv) parts = g_strsplit (text, "/", -1);

  for (guint i = g_strv_length (parts); i > 0; i--)
    if (*parts[i - 1] != '\0' && !g_str_equal (parts[i - 1], "."))
      g_queue_push_head (&walk->rest, g_strdup (parts[i - 1]));
}

/* The symlink @name, in a directory nobody else may write (else they
 * could point it anywhere), is replaced by what it holds. */
static gboolean
follow (Walk *walk, const char *name, const struct stat *st, GError **error)
{
  g_autofree char *link = g_build_filename (walk->where->str, name, NULL);
  char target[PATH_MAX];
  ssize_t length;

  if (!check_stat (walk, &walk->dir_st, walk->where->str, FALSE, dir_context (walk, 0), error) ||
      !check_owner (walk, st, link, "on the path to", error))
    return FALSE;
  if (++walk->symlinks > MAX_SYMLINKS)
    return fail_errno (walk, ELOOP, error);
  length = readlinkat (walk->dir, name, target, sizeof target);
  if (length < 0)
    return fail_errno (walk, errno, error);
  if ((size_t) length >= sizeof target)
    return fail_errno (walk, ENAMETOOLONG, error);
  target[length] = '\0';
  push_components (walk, target);
  return target[0] != '/' || enter_root (walk, error);
}

/* The subdirectory @name (or ".."), opened without following a link. */
static gboolean
step_into (Walk *walk, const char *name, GError **error)
{
  /* ".." leads back up, whatever else the directory holds. */
  if (!g_str_equal (name, "..") &&
      !check_stat (walk, &walk->dir_st, walk->where->str, TRUE, dir_context (walk, 0), error))
    return FALSE;
  return enter (walk, openat (walk->dir, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC),
                name, error);
}

/* The last component, which @seen (its lstat()) shows: a regular file,
 * opened without following a link and checked through its descriptor. */
static int
open_file (Walk *walk, const char *name, const struct stat *seen, GError **error)
{
  g_autofree char *real = g_build_filename (walk->where->str, name, NULL);
  /* Through a symlink, the refusal names both. */
  gboolean as_asked = g_str_equal (real, walk->path);
  struct stat st;
  int fd;

  if (!check_stat (walk, &walk->dir_st, walk->where->str, FALSE, "the directory of", error))
    return -1;
  /* Before open(): opening a FIFO would block, a device may act on it. */
  if (!S_ISREG (seen->st_mode))
    {
      g_set_error (error, CR_ERROR, CR_ERROR_CONFIG, "%s: not a regular file", walk->path);
      return -1;
    }
  fd = openat (walk->dir, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
  if (fd < 0)
    {
      fail_errno (walk, errno, error);
      return -1;
    }
  if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode))
    {
      close (fd);
      g_set_error (error, CR_ERROR, CR_ERROR_CONFIG, "%s: not a regular file", walk->path);
      return -1;
    }
  if (walk->check_file && !check_stat (walk, &st, as_asked ? walk->path : real, FALSE,
                                       as_asked ? NULL : "reached from", error))
    {
      close (fd);
      return -1;
    }
  return fd;
}

static int
walk_to_file (Walk *walk, GError **error)
{
  char *name;

  if (!enter_root (walk, error))
    return -1;
  while ((name = g_queue_pop_head (&walk->rest)) != NULL)
    {
      g_autofree char *owned = name;
      struct stat st;

      if (fstatat (walk->dir, name, &st, AT_SYMLINK_NOFOLLOW) != 0)
        {
          fail_errno (walk, errno, error);
          return -1;
        }
      if (S_ISLNK (st.st_mode))
        {
          if (!follow (walk, name, &st, error))
            return -1;
        }
      else if (g_queue_is_empty (&walk->rest))
        return open_file (walk, name, &st, error);
      else if (!step_into (walk, name, error))
        return -1;
    }
  /* The path ends in a directory ("/", or a symlink to one). */
  g_set_error (error, CR_ERROR, CR_ERROR_CONFIG, "%s: not a regular file", walk->path);
  return -1;
}

/* A descriptor of the regular file at @path, open for reading, when every
 * directory on the way passes the checks above, and the file too when
 * @check_file (else its owner and mode are the caller's to check); -1 and
 * CR_ERROR_CONFIG naming @path, the component refused and why otherwise. */
static int
open_trusted (const char *path, gboolean check_file, GError **error)
{
  Walk walk = { path, g_string_new ("/"), -1, { 0 }, G_QUEUE_INIT, 0, check_file };
  char *cwd = NULL;
  int fd = -1;

  push_components (&walk, path);
  if (!g_path_is_absolute (path))
    {
      /* A relative path is walked from "/" too, through the current
       * directory's path (getcwd(), unlike g_get_current_dir(), fails
       * rather than answer "/" for a directory since removed). */
      cwd = getcwd (NULL, 0);
      if (cwd == NULL)
        fail_errno (&walk, errno, error);
      else
        push_components (&walk, cwd);
    }
  if (g_path_is_absolute (path) || cwd != NULL)
    fd = walk_to_file (&walk, error);
  free (cwd);
  if (walk.dir >= 0)
    close (walk.dir);
  g_string_free (walk.where, TRUE);
  g_queue_clear_full (&walk.rest, g_free);
  return fd;
}

int
cr_trusted_file_open (const char *path, GError **error)
{
  GError *local_error = NULL;
  int fd = open_trusted (path, TRUE, &local_error);

  cr_propagate_escaped (error, local_error);
  return fd;
}

int
cr_trusted_path_open (const char *path, GError **error)
{
  GError *local_error = NULL;
  int fd = open_trusted (path, FALSE, &local_error);

  cr_propagate_escaped (error, local_error);
  return fd;
}

/* Whether the dynamic linker knows a loaded object as @name.  Asked while
 * the descriptor @name stands for holds /dev/null: dlopen() also finds a
 * file already loaded under another name, and only the name may count. */
static gboolean
name_is_taken (const char *name)
{
  void *loaded = dlopen (name, RTLD_LAZY | RTLD_LOCAL | RTLD_NOLOAD);

  if (loaded == NULL)
    return FALSE;
  dlclose (loaded);
  return TRUE;
}

/* The one place that dlopen()s: the file open at @fd (closed here), as
 * "/proc/self/fd/N", which opens what the descriptor holds, not what the
 * path names by now.  The dynamic linker knows an object by every name it
 * was opened by, and hands it back for any of them: a plugin loaded as
 * "/proc/self/fd/N", or loaded again under that name, keeps it after N is
 * closed and reused.  So N is the lowest number no loaded object bears.
 * RTLD_NOW: a module with unresolved symbols fails here, not mid-request. */
static void *
dlopen_descriptor (int fd, const char *path, GError **error)
{
  g_autoptr (GArray) taken = g_array_new (FALSE, FALSE, sizeof (int));
  g_autofree char *name = NULL;
  const char *reason = NULL;
  void *handle = NULL;
  int slot;

  for (;;)
    {
      slot = open ("/dev/null", O_RDONLY | O_CLOEXEC);
      if (slot < 0)
        break;
      g_free (name);
      name = g_strdup_printf ("/proc/self/fd/%d", slot);
      if (!name_is_taken (name))
        break;
      g_array_append_val (taken, slot);
    }
  if (slot < 0 || dup3 (fd, slot, O_CLOEXEC) < 0)
    reason = g_strerror (errno);
  else
    handle = dlopen (name, RTLD_NOW | RTLD_LOCAL);
  if (handle == NULL && reason == NULL)
    {
      reason = dlerror ();
      /* It names the file as opened: @path says it better. */
      if (reason != NULL && g_str_has_prefix (reason, name) &&
          g_str_has_prefix (reason + strlen (name), ": "))
        reason += strlen (name) + 2;
    }
  if (handle == NULL)
    g_set_error (error, CR_ERROR, CR_ERROR_CONFIG, "%s: cannot load: %s", path,
                 reason != NULL ? reason : "unknown error");
  for (guint i = 0; i < taken->len; i++)
    close (g_array_index (taken, int, i));
  if (slot >= 0)
    close (slot);
  close (fd);
  return handle;
}

static void *
load_trusted (const char *path, GError **error)
{
  int fd = open_trusted (path, TRUE, error);

  if (fd < 0)
    return NULL;
  return dlopen_descriptor (fd, path, error);
}

void *
cr_trusted_module_open (const char *path, GError **error)
{
  GError *local_error = NULL;
  void *handle = load_trusted (path, &local_error);

  cr_propagate_escaped (error, local_error);
  return handle;
}
