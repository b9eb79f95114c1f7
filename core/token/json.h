/* Private to libcredring: the one JSON shape credring reads.
 *
 * Token responses and cached token values are flat JSON objects.  This
 * reader keeps their top-level members, refuses what a token endpoint has
 * no business sending (duplicate keys, deep nesting, NUL bytes, invalid
 * UTF-8) and wipes every buffer it and yajl used, since the members hold
 * tokens. */
#ifndef CR_JSON_H
#define CR_JSON_H

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  CR_JSON_STRING,
  CR_JSON_NUMBER, /* text is the number as written */
  CR_JSON_BOOLEAN,
  CR_JSON_NULL,
  CR_JSON_COMPOUND, /* an object or array; text is NULL */
} CrJsonType;

typedef struct _CrJsonObject CrJsonObject;

/* Deeper nesting than this is refused as hostile. */
#define CR_JSON_MAX_DEPTH 8

/* Parses @data (@len bytes, no NUL required) as one JSON object.  On
 * failure returns NULL with a short reason in @error (CR_ERROR_FAILED). */
CrJsonObject *cr_json_parse_object (const char *data, gsize len, GError **error);
void cr_json_object_free (CrJsonObject *object);

/* The member's text (NULL for objects, arrays and null) and type; NULL and
 * FALSE when there is no such member. */
gboolean cr_json_object_get (CrJsonObject *object, const char *name, CrJsonType *type,
                             const char **text);
/* The member when it is a string, else NULL. */
const char *cr_json_object_get_string (CrJsonObject *object, const char *name);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CrJsonObject, cr_json_object_free)

G_END_DECLS

#endif /* CR_JSON_H */
