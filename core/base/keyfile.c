/* Reading small key files whole, and remembering where each key was. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <credring/credring.h>

#include "base/keyfile.h"

static char *
line_key (const char *group, const char *key)
{
  return g_strconcat (group, "\n", key, NULL);
}

/* The line in the file of row @row (from 0) of the text parsed: the same
 * but one, unless only some lines were parsed (@line_map, nullable). */
static guint
file_line (const GArray *line_map, guint row)
{
  if (line_map == NULL)
    return row + 1;
  return row < line_map->len ? g_array_index (line_map, guint, row) : 0;
}

/* Whether @row, its leading white space skipped, is a group header as
 * GKeyFile reads one, and which group: "[name]", then only blanks and
 * bytes 0x80..0xBF, which GLib's g_key_file_line_is_group() steps over
 * unseen (g_utf8_find_next_char() skips UTF-8 continuation bytes, valid
 * or not); a '\r' may end the row, as GLib drops it before the newline. */
static gboolean
header_group (const char *row, gsize len, const char **name, gsize *name_len)
{
  const char *end = row + len;
  const char *close;

  while (row < end && g_ascii_isspace (*row))
    row++;
  if (row == end || *row != '[')
    return FALSE;
  close = memchr (row, ']', (gsize) (end - row));
  if (close == NULL)
    return FALSE;
  for (const char *p = close + 1; p < end; p++)
    {
      guchar byte = (guchar) *p;

      if (byte != ' ' && byte != '\t' && (byte & 0xc0) != 0x80 && !(byte == '\r' && p + 1 == end))
        return FALSE;
    }
  *name = row + 1;
  *name_len = (gsize) (close - row - 1);
  return TRUE;
}

/* The lines of @text under the headers of @group, each with its newline
 * if it has one (GLib drops a '\r' only before a newline), and in
 * @line_map the line each came from: what GKeyFile needs to read that one
 * group, without parsing all the others. */
static char *
group_text (const char *text, gsize length, const char *group, GArray *line_map)
{
  GString *out = g_string_new (NULL);
  gsize group_len = strlen (group);
  gboolean inside = FALSE;
  const char *row = text, *end = text + length;
  guint number = 1;

  while (row < end)
    {
      const char *newline = memchr (row, '\n', (gsize) (end - row));
      gsize len = newline != NULL ? (gsize) (newline - row) : (gsize) (end - row);
      const char *name;
      gsize name_len;

      if (header_group (row, len, &name, &name_len))
        inside = name_len == group_len && memcmp (name, group, group_len) == 0;
      if (inside)
        {
          g_string_append_len (out, row, (gssize) len);
          if (newline != NULL)
            g_string_append_c (out, '\n');
          g_array_append_val (line_map, number);
        }
      number++;
      row += len + 1;
    }
  return g_string_free (out, FALSE);
}

/* One pass over the text, read as GKeyFile reads it: blank lines and
 * comments skipped, "[group]" headers, "key = value" lines. */
static void
index_lines (CrKeyFile *file, const char *text, const GArray *line_map)
{
  g_auto (GStrv) rows = g_strsplit (text, "\n", -1);
  /* "group\nkey" seen so far: GKeyFile merges a group given twice, so a
   * key repeated under a second header of the same group is repeated too. */
  g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *group = NULL;

  for (guint i = 0; rows[i] != NULL; i++)
    {
      const char *row = rows[i];
      const char *equals, *name;
      gsize name_len;

      while (g_ascii_isspace (*row))
        row++;
      if (*row == '#' || *row == '\0')
        continue;
      /* The text parsed: a line that starts with '[' is a header. */
      if (header_group (row, strlen (row), &name, &name_len))
        {
          g_free (group);
          group = g_strndup (name, name_len);
          if (!g_hash_table_contains (file->group_lines, group))
            g_hash_table_insert (file->group_lines, g_strdup (group),
                                 GUINT_TO_POINTER (file_line (line_map, i)));
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
          file->repeated_line = file_line (line_map, i);
        }
      g_hash_table_replace (file->key_lines, where, GUINT_TO_POINTER (file_line (line_map, i)));
    }
}

/* Whether the first @count of @rows parse, each line with its newline as
 * in the file (GLib reads a "...\r" that ends the text otherwise than
 * "...\r\n"). */
static gboolean
prefix_parses (char **rows, guint count)
{
  g_autoptr (GKeyFile) keyfile = g_key_file_new ();
  g_autoptr (GString) text = g_string_new (NULL);

  for (guint i = 0; i < count; i++)
    {
      g_string_append (text, rows[i]);
      g_string_append_c (text, '\n');
    }
  return g_key_file_load_from_data (keyfile, text->str, text->len, G_KEY_FILE_NONE, NULL);
}

/* The line GKeyFile refused in @text, which it refuses, or 0: its errors
 * quote the line but do not number it.  GLib itself is the judge: it reads
 * line by line, so the first N lines parse exactly when the bad line comes
 * later, and a binary search over N finds it in a few parses. */
static guint
malformed_line (const char *text)
{
  g_auto (GStrv) rows = g_strsplit (text, "\n", -1);
  guint good = 0, bad = g_strv_length (rows);

  /* The last row is what follows the file's last newline: "" or a line
   * without one, which the search below reads with one. */
  if (bad == 0 || prefix_parses (rows, bad))
    return 0;
  while (bad - good > 1)
    {
      guint middle = good + (bad - good) / 2;

      if (prefix_parses (rows, middle))
        good = middle;
      else
        bad = middle;
    }
  return bad;
}

/* The contents of the file open at @fd, read through that one descriptor,
 * so that what is checked (a regular file, not too large) is what is read,
 * and never more than @max_bytes: a FIFO or a device swapped in cannot
 * stall or flood us. */
static gboolean
read_capped (int fd, const char *shown_path, const char *what, gsize max_bytes,
             char **text_out, gsize *length_out, struct stat *st_out, GError **error)
{
  g_autofree char *text = NULL;
  gsize length = 0, capacity;
  struct stat st;

  if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode))
    {
      g_set_error (error, CR_ERROR, CR_ERROR_CONFIG, "%s: not a regular file", shown_path);
      return FALSE;
    }
  if ((gsize) st.st_size > max_bytes)
    {
      g_set_error (error, CR_ERROR, CR_ERROR_CONFIG, "%s: not a %s (too large or binary)",
                   shown_path, what);
      return FALSE;
    }
  /* One byte more than fstat() promised shows a file that grew meanwhile. */
  capacity = (gsize) st.st_size + 1;
  text = g_malloc (capacity + 1);
  while (length < capacity)
    {
      ssize_t n = read (fd, text + length, capacity - length);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int saved = errno;

          g_set_error (error, CR_ERROR, CR_ERROR_CONFIG, "%s: %s", shown_path,
                       g_strerror (saved));
          return FALSE;
        }
      if (n == 0)
        break;
      length += (gsize) n;
    }
  if (length > (gsize) st.st_size)
    {
      g_set_error (error, CR_ERROR, CR_ERROR_CONFIG, "%s: changed while it was read", shown_path);
      return FALSE;
    }
  text[length] = '\0';
  *text_out = g_steal_pointer (&text);
  *length_out = length;
  *st_out = st;
  return TRUE;
}

/* The contents of @path, read by read_capped() through a descriptor
 * opened without blocking (a FIFO would) and without becoming its
 * controlling terminal. */
static gboolean
read_path (const char *path, const char *shown_path, const char *what, gsize max_bytes,
           char **text, gsize *length, struct stat *st, GError **error)
{
  int fd = open (path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
  gboolean read_ok;

  if (fd < 0)
    {
      int saved = errno;

      g_set_error (error, CR_ERROR, CR_ERROR_CONFIG, "%s: %s", shown_path, g_strerror (saved));
      return FALSE;
    }
  read_ok = read_capped (fd, shown_path, what, max_bytes, text, length, st, error);
  close (fd);
  return read_ok;
}

/* @text (taken) as bytes, unless it holds a NUL: not text then. */
static GBytes *
text_bytes (const char *shown_path, const char *what, char *text, gsize length, GError **error)
{
  if (strlen (text) != length)
    {
      g_set_error (error, CR_ERROR, CR_ERROR_CONFIG, "%s: not a %s (too large or binary)",
                   shown_path, what);
      g_free (text);
      return NULL;
    }
  return g_bytes_new_take (text, length);
}

GBytes *
cr_file_read_text_stat (const char *path, const char *what, gsize max_bytes, struct stat *st,
                        GError **error)
{
  g_autofree char *shown_path = NULL;
  g_autofree char *text = NULL;
  gsize length = 0;

  g_return_val_if_fail (path != NULL && what != NULL && st != NULL, NULL);

  shown_path = cr_escape_for_message (path, -1, 300);
  if (!read_path (path, shown_path, what, max_bytes, &text, &length, st, error))
    return NULL;
  return text_bytes (shown_path, what, g_steal_pointer (&text), length, error);
}

/* read_capped() of @fd, a file @path names in messages (*@shown_path:
 * that name escaped, for the caller's own messages). */
static gboolean
read_fd (int fd, const char *path, const char *what, gsize max_bytes, char **shown_path,
         char **text, gsize *length, struct stat *st, GError **error)
{
  *shown_path = cr_escape_for_message (path, -1, 300);
  return read_capped (fd, *shown_path, what, max_bytes, text, length, st, error);
}

GBytes *
cr_file_read_text_fd (int fd, const char *path, const char *what, gsize max_bytes,
                      GError **error)
{
  g_autofree char *shown_path = NULL;
  g_autofree char *text = NULL;
  gsize length = 0;
  struct stat st;

  g_return_val_if_fail (fd >= 0 && path != NULL && what != NULL, NULL);

  if (!read_fd (fd, path, what, max_bytes, &shown_path, &text, &length, &st, error))
    return NULL;
  return text_bytes (shown_path, what, g_steal_pointer (&text), length, error);
}

/* Parses @text, as read from @shown_path (@found: whether there was a file). */
static CrKeyFile *
parse (const char *shown_path, const char *what, const char *text, gsize length,
       gboolean found, const struct stat *st, const char *only_group, GError **error)
{
  g_autoptr (CrKeyFile) file = NULL;
  g_autoptr (GError) local_error = NULL;
  g_autoptr (GArray) line_map = NULL;
  g_autofree char *part = NULL;

  if (strlen (text) != length)
    {
      g_set_error (error, CR_ERROR, CR_ERROR_CONFIG, "%s: not a %s (too large or binary)",
                   shown_path, what);
      return NULL;
    }
  /* Parsing a big file costs more than everything else a cached token
   * does: only the group asked for is handed to GKeyFile. */
  if (only_group != NULL)
    {
      line_map = g_array_new (FALSE, FALSE, sizeof (guint));
      part = group_text (text, length, only_group, line_map);
      text = part;
      length = strlen (part);
    }

  file = g_new0 (CrKeyFile, 1);
  file->keyfile = g_key_file_new ();
  file->key_lines = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  file->group_lines = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  file->found = found;
  file->st = *st;
  if (!g_key_file_load_from_data (file->keyfile, text, length, G_KEY_FILE_NONE, &local_error))
    {
      /* GLib quotes the offending line: show it, do not obey it. */
      g_autofree char *shown = cr_escape_for_message (local_error->message, -1, 200);
      guint line = malformed_line (text);

      line = line > 0 ? file_line (line_map, line - 1) : 0;

      if (line > 0)
        g_set_error (error, CR_ERROR, CR_ERROR_CONFIG, "%s:%u: %s", shown_path, line, shown);
      else
        g_set_error (error, CR_ERROR, CR_ERROR_CONFIG, "%s: %s", shown_path, shown);
      return NULL;
    }
  index_lines (file, text, line_map);
  return g_steal_pointer (&file);
}

CrKeyFile *
cr_keyfile_empty (void)
{
  struct stat none = { 0 };

  return parse ("", "", "", 0, FALSE, &none, NULL, NULL);
}

CrKeyFile *
cr_keyfile_read_fd (int fd, const char *path, const char *what, gsize max_bytes,
                    const char *only_group, GError **error)
{
  g_autofree char *text = NULL;
  g_autofree char *shown_path = NULL;
  gsize length = 0;
  struct stat st;

  g_return_val_if_fail (fd >= 0 && path != NULL && what != NULL, NULL);

  if (!read_fd (fd, path, what, max_bytes, &shown_path, &text, &length, &st, error))
    return NULL;
  return parse (shown_path, what, text, length, TRUE, &st, only_group, error);
}

/* GLib 2.74 sets its GError twice (and warns) for a value holding a bad
 * escape and ending in a lone backslash: such a value is refused here,
 * before GLib reads it. */
static gboolean
check_escapes (GKeyFile *keyfile, const char *group, const char *key, GError **error)
{
  g_autofree char *raw = g_key_file_get_value (keyfile, group, key, NULL);
  gsize len = raw ? strlen (raw) : 0, backslashes = 0;

  while (backslashes < len && raw[len - 1 - backslashes] == '\\')
    backslashes++;
  if (backslashes % 2 == 1)
    {
      g_set_error_literal (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                           "the value ends in an escape character (\\)");
      return FALSE;
    }
  return TRUE;
}

char *
cr_keyfile_get_string (const CrKeyFile *file, const char *group, const char *key,
                       GError **error)
{
  if (!check_escapes (file->keyfile, group, key, error))
    return NULL;
  return g_key_file_get_string (file->keyfile, group, key, error);
}

char **
cr_keyfile_get_string_list (const CrKeyFile *file, const char *group, const char *key,
                            gsize *length, GError **error)
{
  if (!check_escapes (file->keyfile, group, key, error))
    return NULL;
  return g_key_file_get_string_list (file->keyfile, group, key, length, error);
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
