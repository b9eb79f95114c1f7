/* A flat-object JSON reader over yajl's event parser. */
#include "config.h"

#include <string.h>

#include <yajl/yajl_parse.h>

#include <credring/credring.h>

#include "token/json.h"

#define MAX_MEMBERS 256

typedef struct {
  CrJsonType type;
  char *text; /* secret: may be a token */
} Member;

struct _CrJsonObject {
  GHashTable *members; /* name -> Member */
};

typedef struct {
  CrJsonObject *object;
  int depth;
  char *key; /* current top-level key, awaiting its value */
  gboolean saw_object;
  const char *failure;
} Reader;

static void
member_free (gpointer data)
{
  Member *member = data;

  cr_secret_free (member->text);
  g_free (member);
}

/* yajl keeps copies of the strings it decodes; this allocator wipes every
 * block before giving it back.  A header remembers each block's size. */
typedef struct {
  size_t size;
  size_t pad; /* keeps the payload aligned for any type */
} BlockHeader;

static void *
wiping_malloc (void *ctx, size_t size)
{
  BlockHeader *header = g_malloc (sizeof (BlockHeader) + size);

  header->size = size;
  return header + 1;
}

static void
wiping_free (void *ctx, void *ptr)
{
  BlockHeader *header;

  if (ptr == NULL)
    return;
  header = (BlockHeader *) ptr - 1;
  cr_secret_wipe (ptr, header->size);
  g_free (header);
}

static void *
wiping_realloc (void *ctx, void *ptr, size_t size)
{
  void *bigger = wiping_malloc (ctx, size);

  if (ptr != NULL)
    {
      BlockHeader *header = (BlockHeader *) ptr - 1;

      memcpy (bigger, ptr, MIN (header->size, size));
      wiping_free (ctx, ptr);
    }
  return bigger;
}

static gboolean
fail (Reader *reader, const char *why)
{
  reader->failure = why;
  return FALSE;
}

/* Records a scalar or the start of a compound as the value of the pending
 * top-level key; values nested deeper are only counted, never kept. */
static int
add_value (Reader *reader, CrJsonType type, const char *text, size_t len)
{
  Member *member;

  if (reader->depth != 1 || reader->key == NULL)
    return reader->depth > 0 ? 1 : fail (reader, "not a JSON object");
  if (text != NULL && memchr (text, '\0', len) != NULL)
    return fail (reader, "a NUL character in a JSON string");
  if (g_hash_table_contains (reader->object->members, reader->key))
    return fail (reader, "a duplicate key in the JSON object");
  if (g_hash_table_size (reader->object->members) >= MAX_MEMBERS)
    return fail (reader, "too many members in the JSON object");

  member = g_new0 (Member, 1);
  member->type = type;
  member->text = text ? g_strndup (text, len) : NULL;
  g_hash_table_insert (reader->object->members, g_steal_pointer (&reader->key), member);
  return 1;
}

static int
on_null (void *ctx)
{
  return add_value (ctx, CR_JSON_NULL, NULL, 0);
}

static int
on_boolean (void *ctx, int value)
{
  return add_value (ctx, CR_JSON_BOOLEAN, value ? "true" : "false", value ? 4 : 5);
}

static int
on_number (void *ctx, const char *text, size_t len)
{
  return add_value (ctx, CR_JSON_NUMBER, text, len);
}

static int
on_string (void *ctx, const unsigned char *text, size_t len)
{
  return add_value (ctx, CR_JSON_STRING, (const char *) text, len);
}

static int
open_compound (Reader *reader)
{
  if (reader->depth >= 1 && !add_value (reader, CR_JSON_COMPOUND, NULL, 0))
    return 0;
  if (++reader->depth > CR_JSON_MAX_DEPTH)
    return fail (reader, "JSON nested too deeply");
  return 1;
}

static int
on_start_map (void *ctx)
{
  Reader *reader = ctx;

  if (reader->depth == 0)
    reader->saw_object = TRUE;
  return open_compound (reader);
}

static int
on_map_key (void *ctx, const unsigned char *key, size_t len)
{
  Reader *reader = ctx;

  if (reader->depth != 1)
    return 1;
  if (memchr (key, '\0', len) != NULL)
    return fail (reader, "a NUL character in a JSON key");
  g_free (reader->key);
  reader->key = g_strndup ((const char *) key, len);
  return 1;
}

static int
on_end_compound (void *ctx)
{
  Reader *reader = ctx;

  reader->depth--;
  return 1;
}

static int
on_start_array (void *ctx)
{
  Reader *reader = ctx;

  if (reader->depth == 0)
    return fail (reader, "not a JSON object");
  return open_compound (reader);
}

static const yajl_callbacks callbacks = {
  .yajl_null = on_null,
  .yajl_boolean = on_boolean,
  .yajl_number = on_number,
  .yajl_string = on_string,
  .yajl_start_map = on_start_map,
  .yajl_map_key = on_map_key,
  .yajl_end_map = on_end_compound,
  .yajl_start_array = on_start_array,
  .yajl_end_array = on_end_compound,
};

CrJsonObject *
cr_json_parse_object (const char *data, gsize len, GError **error)
{
  yajl_alloc_funcs allocator = { wiping_malloc, wiping_realloc, wiping_free, NULL };
  g_autoptr (CrJsonObject) object = g_new0 (CrJsonObject, 1);
  Reader reader = { object, 0, NULL, FALSE, NULL };
  yajl_status status;
  yajl_handle parser;

  object->members = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, member_free);
  if (memchr (data, '\0', len) != NULL)
    {
      g_set_error (error, CR_ERROR, CR_ERROR_FAILED, "a NUL byte in the JSON text");
      return NULL;
    }

  parser = yajl_alloc (&callbacks, &allocator, &reader);
  status = yajl_parse (parser, (const unsigned char *) data, len);
  if (status == yajl_status_ok)
    status = yajl_complete_parse (parser);
  yajl_free (parser);
  g_free (reader.key);

  if (status != yajl_status_ok || reader.depth != 0 || !reader.saw_object)
    {
      g_set_error (error, CR_ERROR, CR_ERROR_FAILED, "%s",
                   reader.failure ? reader.failure : "not valid JSON");
      return NULL;
    }
  return g_steal_pointer (&object);
}

void
cr_json_object_free (CrJsonObject *object)
{
  if (object == NULL)
    return;
  g_hash_table_unref (object->members);
  g_free (object);
}

gboolean
cr_json_object_get (CrJsonObject *object, const char *name, CrJsonType *type, const char **text)
{
  Member *member = g_hash_table_lookup (object->members, name);

  if (member == NULL)
    return FALSE;
  if (type != NULL)
    *type = member->type;
  if (text != NULL)
    *text = member->text;
  return TRUE;
}

const char *
cr_json_object_get_string (CrJsonObject *object, const char *name)
{
  Member *member = g_hash_table_lookup (object->members, name);

  return (member != NULL && member->type == CR_JSON_STRING) ? member->text : NULL;
}
