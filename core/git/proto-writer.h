/* Private to libcredring: one line of git's credential protocol (proto.c),
 * for the tests. */
#ifndef CR_PROTO_WRITER_H
#define CR_PROTO_WRITER_H

#include <credring/proto.h>

G_BEGIN_DECLS

/* Appends one "@key=@value\n" line to @out.  @value_len may be -1 when @value
 * is NUL-terminated; with an explicit length an embedded NUL is detected.
 * CR_ERROR_CONFIG, with nothing appended, when @key is empty or holds '=' or
 * a control character, when @value holds a newline, CR or NUL, or when the
 * line would exceed CR_PROTO_MAX_LINE.  The message names @key, never
 * @value. */
gboolean cr_proto_write_pair (GString *out, const char *key, const char *value,
                              gssize value_len, GError **error);

G_END_DECLS

#endif /* CR_PROTO_WRITER_H */
