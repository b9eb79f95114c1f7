/* Change marks (cache/changes.h says what they are for). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include <credring/credring.h>

#include "cache/changes.h"
#include "base/runtime-dir.h"

static const char *const change_names[] = {
  [CR_CHANGE_TOKEN] = "token",
  [CR_CHANGE_LOGIN] = "login",
  [CR_CHANGE_LOGOUT] = "logout",
};

const char *
cr_change_to_string (CrChange change)
{
  g_return_val_if_fail (change <= CR_CHANGE_LOGOUT, NULL);
  return change_names[change];
}

static char *
mark_path (const char *account, GError **error)
{
  g_autofree char *dir = cr_runtime_dir (error);

  if (dir == NULL)
    return NULL;
  return g_strconcat (dir, G_DIR_SEPARATOR_S, account, CR_CHANGE_MARK_SUFFIX, NULL);
}

/* Written beside the mark as ACCOUNT.changed.CHANGE.XXXXXX, then renamed
 * over it: the rename changes the mark's inode (seen even where two
 * changes fall within the file system's time resolution), and a watcher
 * learns each change from the name it is renamed from, even when the
 * next one has replaced the file by the time it reads it. */
static gboolean
write_mark (const char *path, CrChange change, GError **error)
{
  g_autofree char *temporary = g_strdup_printf ("%s.%s.XXXXXX", path, cr_change_to_string (change));
  g_autofree char *text = g_strconcat (cr_change_to_string (change), "\n", NULL);
  int fd = g_mkstemp_full (temporary, O_WRONLY | O_CLOEXEC, 0600);
  gboolean written;

  if (fd < 0)
    {
      int saved = errno;

      g_set_error (error, CR_ERROR, CR_ERROR_FAILED, "%s: %s", temporary, g_strerror (saved));
      return FALSE;
    }
  written = write (fd, text, strlen (text)) == (ssize_t) strlen (text);
  if (close (fd) != 0 || !written || rename (temporary, path) != 0)
    {
      int saved = errno;

      g_unlink (temporary);
      g_set_error (error, CR_ERROR, CR_ERROR_FAILED, "%s: %s", path, g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}

void
cr_change_mark (const char *account, CrChange change)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = NULL;

  g_return_if_fail (account != NULL);

  path = mark_path (account, &error);
  if (path == NULL || !write_mark (path, change, &error))
    g_warning ("account [%s]: credring-service may not notice this change: %s", account,
               error->message);
}

void
cr_change_mark_read (const char *account, CrChangeMark *mark)
{
  g_autofree char *path = mark_path (account, NULL);
  struct stat st;

  g_return_if_fail (account != NULL && mark != NULL);

  memset (mark, 0, sizeof *mark);
  if (path == NULL || stat (path, &st) != 0)
    return;
  mark->exists = TRUE;
  mark->device = st.st_dev;
  mark->inode = st.st_ino;
  mark->modified_nsec = (gint64) st.st_mtim.tv_sec * G_GINT64_CONSTANT (1000000000) +
                        st.st_mtim.tv_nsec;
}

gboolean
cr_change_mark_equal (const CrChangeMark *a, const CrChangeMark *b)
{
  return a->exists == b->exists && a->device == b->device && a->inode == b->inode &&
         a->modified_nsec == b->modified_nsec;
}

char *
cr_change_mark_account (const char *basename)
{
  gsize len = strlen (basename);
  gsize suffix = strlen (CR_CHANGE_MARK_SUFFIX);

  if (len <= suffix || !g_str_has_suffix (basename, CR_CHANGE_MARK_SUFFIX) ||
      basename[0] == '.')
    return NULL;
  return g_strndup (basename, len - suffix);
}

gboolean
cr_change_from_temporary_name (const char *basename, CrChange *change)
{
  const char *suffix = strstr (basename, CR_CHANGE_MARK_SUFFIX ".");

  if (suffix == NULL)
    return FALSE;
  suffix += strlen (CR_CHANGE_MARK_SUFFIX ".");
  for (gsize i = 0; i < G_N_ELEMENTS (change_names); i++)
    if (g_str_has_prefix (suffix, change_names[i]) && suffix[strlen (change_names[i])] == '.')
      {
        *change = (CrChange) i;
        return TRUE;
      }
  return FALSE;
}

gboolean
cr_change_mark_read_change (const char *path, CrChange *change)
{
  char text[16] = "";
  FILE *file = fopen (path, "re");
  gboolean read = file != NULL && fgets (text, sizeof text, file) != NULL;

  if (file != NULL)
    fclose (file);
  if (!read)
    return FALSE;
  text[strcspn (text, "\n")] = '\0';
  for (gsize i = 0; i < G_N_ELEMENTS (change_names); i++)
    if (strcmp (text, change_names[i]) == 0)
      {
        *change = (CrChange) i;
        return TRUE;
      }
  return FALSE;
}
