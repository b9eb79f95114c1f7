/* Private to libcredring: names made of a few ASCII characters (ascii.c). */
#ifndef CR_ASCII_H
#define CR_ASCII_H

#include <glib.h>

G_BEGIN_DECLS

/* TRUE for a non-empty @text of at most @max_len bytes, each an ASCII
 * letter or digit or one of @extra (not NUL). */
gboolean cr_ascii_is_word (const char *text, gsize max_len, const char *extra);

G_END_DECLS

#endif /* CR_ASCII_H */
