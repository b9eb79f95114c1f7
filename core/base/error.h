/* Private to libcredring: handing errors on (error.c). */
#ifndef CR_BASE_ERROR_H
#define CR_BASE_ERROR_H

#include <glib.h>

G_BEGIN_DECLS

/* Hands @local_error (nullable, consumed) to @error with its message made
 * one printable line (cr_escape_for_message()): for messages that quote
 * file names, which hold whatever bytes a directory listing or the
 * environment gave. */
void cr_propagate_escaped (GError **error, GError *local_error);

/* TRUE for a character that cr_escape_for_message() escapes: what JSON
 * output escapes too. */
gboolean cr_unichar_needs_escape (gunichar c);

G_END_DECLS

#endif /* CR_BASE_ERROR_H */
