/* Reading small key files whole, and remembering where each key was. */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include <credring/credring.h>

#include "keyfile.h"

static char *
line_key (const char *group, const char *key)
{
  return g_strconcat (group, "\n", key, NULL);
}

/* One pass over the text, read as GKeyFile reads it: blank lines and
 * comments skipped, "[group]" headers, "key = value" lines. */
static void
index_lines (CrKeyFile *file, const char *text)
{
  g_auto (GStrv) rows = g_strsplit (text, "\n", -1);
  /* "group\nkey" seen so far: GKeyFile merges a group given twice, so a
   * key repeated under a second header of the same group is repeated too. */
  g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *group = NULL;

  for (guint i = 0; rows[i] != NULL; i++)
    {
      const char *row = rows[i];
      const char *equals;

      while (g_ascii_isspace (*row))
        row++;
      if (*row == '#' || *row == '\0')
        continue;
      if (*row == '[')
        {
          const char *end = strchr (row, ']');

          g_free (group);
          group = end ? g_strndup (row + 1, end - row - 1) : NULL;
          if (group != NULL && !g_hash_table_contains (file->group_lines, group))
            g_hash_table_insert (file->group_lines, g_strdup (group), GUINT_TO_POINTER (i + 1));
          continue;
        }
      equals = strchr (row, '=');
      if (group == NULL || equals == NULL)
        continue;
      g_autofree char *key = g_strstrip (g_strndup (row, equals - row));
      char *where = line_key (group, key);

      if (!g_hash_table_add (seen, g_strdup (where)) && file->repeated_key == NULL)
        {
          file->repeated_key = g_strdup (where);
          file->repeated_line = i + 1;
        }
      g_hash_table_replace (file->key_lines, where, GUINT_TO_POINTER (i + 1));
    }
}

CrKeyFile *
cr_keyfile_read (const char *path, const char *what, gsize max_bytes, gboolean missing_ok,
                 GError **error)
{
  g_autoptr (CrKeyFile) file = NULL;
  g_autoptr (GError) local_error = NULL;
  g_autofree char *text = NULL;
  gsize length = 0;
  GStatBuf st;

  g_return_val_if_fail (path != NULL && what != NULL, NULL);

  /* Refuse devices and huge files before reading them into memory. */
  if (g_file_test (path, G_FILE_TEST_EXISTS) && !g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, CR_ERROR, CR_ERROR_CONFIG, "%s: not a regular file", path);
      return NULL;
    }
  if (g_stat (path, &st) == 0 && (gsize) st.st_size > max_bytes)
    {
      g_set_error (error, CR_ERROR, CR_ERROR_CONFIG, "%s: not a %s (too large or binary)", path,
                   what);
      return NULL;
    }
  if (!g_file_get_contents (path, &text, &length, &local_error))
    {
      if (!missing_ok || !g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        {
          g_autofree char *shown = cr_escape_for_message (local_error->message, -1, 300);

          g_set_error (error, CR_ERROR, CR_ERROR_CONFIG, "%s", shown);
          return NULL;
        }
      text = g_strdup ("");
      length = 0;
    }
  if (length > max_bytes || strlen (text) != length)
    {
      g_set_error (error, CR_ERROR, CR_ERROR_CONFIG, "%s: not a %s (too large or binary)", path,
                   what);
      return NULL;
    }

  file = g_new0 (CrKeyFile, 1);
  file->keyfile = g_key_file_new ();
  file->key_lines = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  file->group_lines = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  if (!g_key_file_load_from_data (file->keyfile, text, length, G_KEY_FILE_NONE, &local_error))
    {
      /* GLib quotes the offending line: show it, do not obey it. */
      g_autofree char *shown = cr_escape_for_message (local_error->message, -1, 200);

      g_set_error (error, CR_ERROR, CR_ERROR_CONFIG, "%s: %s", path, shown);
      return NULL;
    }
  index_lines (file, text);
  return g_steal_pointer (&file);
}

char **
cr_keyfile_keys_as_written (const CrKeyFile *file, const char *group)
{
  g_autoptr (GStrvBuilder) keys = g_strv_builder_new ();
  g_autofree char *prefix = g_strconcat (group, "\n", NULL);
  GHashTableIter iter;
  gpointer where;

  g_hash_table_iter_init (&iter, file->key_lines);
  while (g_hash_table_iter_next (&iter, &where, NULL))
    if (g_str_has_prefix (where, prefix))
      g_strv_builder_add (keys, (const char *) where + strlen (prefix));
  return g_strv_builder_end (keys);
}

guint
cr_keyfile_key_line (const CrKeyFile *file, const char *group, const char *key)
{
  g_autofree char *where = line_key (group, key);

  return GPOINTER_TO_UINT (g_hash_table_lookup (file->key_lines, where));
}

void
cr_keyfile_free (CrKeyFile *file)
{
  if (file == NULL)
    return;
  if (file->keyfile != NULL)
    g_key_file_unref (file->keyfile);
  g_clear_pointer (&file->key_lines, g_hash_table_unref);
  g_clear_pointer (&file->group_lines, g_hash_table_unref);
  g_free (file->repeated_key);
  g_free (file);
}
