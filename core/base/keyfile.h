/* Private to libcredring: reading the small key files credring trusts
 * (accounts.conf, provider files) with the checks both need, and the line
 * each key came from, which GKeyFile forgets; other small files (ca_file)
 * with the same checks. */
#ifndef CR_KEYFILE_H
#define CR_KEYFILE_H

#include <sys/stat.h>

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  GKeyFile *keyfile;
  /* "group\nkey" -> GUINT_TO_POINTER (line of the key's last occurrence) */
  GHashTable *key_lines;
  /* group -> GUINT_TO_POINTER (line of its first header) */
  GHashTable *group_lines;
  /* The first key given twice within one group ("group\nkey"), or NULL,
   * and the line of its second occurrence. */
  char *repeated_key;
  guint repeated_line;
  /* The file as read (fstat() of the descriptor read from); found is
   * FALSE for a missing file read as an empty one. */
  gboolean found;
  struct stat st;
} CrKeyFile;

/* The contents of @path, read the way key files are: a regular file (not a
 * FIFO or a device, which could block or never end) of at most @max_bytes,
 * through one descriptor, holding no NUL byte; @what names the kind of file
 * in those messages ("PEM file").  Errors are CR_ERROR_CONFIG, one line,
 * starting with @path.  In *@st the file as read (fstat() of the
 * descriptor read from): for a file whose owner and mode decide whether
 * to trust it. */
GBytes *cr_file_read_text_stat (const char *path, const char *what, gsize max_bytes,
                                struct stat *st, GError **error);
/* The same, from the file open at @fd (not closed; read from where it
 * stands), which @path only names in messages: for a file whose
 * descriptor was checked (cr_trusted_file_open(), or cr_trusted_path_open()
 * and the caller's own checks of the file). */
GBytes *cr_file_read_text_fd (int fd, const char *path, const char *what, gsize max_bytes,
                              GError **error);

/* Reads and parses the file open at @fd (not closed; read from where it
 * stands), which @path names in messages, refusing what is not a regular
 * file, is larger than @max_bytes or holds a NUL byte; @what names the
 * kind of file in those messages ("configuration file").  Errors are
 * CR_ERROR_CONFIG, one line, starting with @path.  With @only_group
 * (nullable), only the lines under that group's headers are parsed, line
 * numbers kept: the file is read and checked whole, but a syntax error
 * elsewhere in it goes unseen.  The descriptor is one whose file was
 * checked (cr_trusted_file_open(), or cr_trusted_path_open() and the
 * caller's own checks of the file): what was checked is what is read. */
CrKeyFile *cr_keyfile_read_fd (int fd, const char *path, const char *what, gsize max_bytes,
                               const char *only_group, GError **error);
/* A key file of no groups, found FALSE: what a missing file reads as. */
CrKeyFile *cr_keyfile_empty (void);
/* The keys of @group as the file spells them, locale suffixes
 * ("description[de]") included, which GKeyFile hides.  Free with g_strfreev(). */
char **cr_keyfile_keys_as_written (const CrKeyFile *file, const char *group);
/* g_key_file_get_string() and _get_string_list(), without GLib's warning
 * for a value with a bad escape that ends in a backslash. */
char *cr_keyfile_get_string (const CrKeyFile *file, const char *group, const char *key,
                             GError **error);
char **cr_keyfile_get_string_list (const CrKeyFile *file, const char *group, const char *key,
                                   gsize *length, GError **error);
/* The line of @key in @group, or 0 when unknown. */
guint cr_keyfile_key_line (const CrKeyFile *file, const char *group, const char *key);
void cr_keyfile_free (CrKeyFile *file);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CrKeyFile, cr_keyfile_free)

G_END_DECLS

#endif /* CR_KEYFILE_H */
