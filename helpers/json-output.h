/* The CLI's JSON output (json-output.c). */
#ifndef CREDRING_JSON_OUTPUT_H
#define CREDRING_JSON_OUTPUT_H

#include <glib.h>

G_BEGIN_DECLS

/* yajl_gen_print_callback appending to the GString @ctx. */
void json_append (void *ctx, const char *text, size_t len);
/* Prints @json and a newline, with what a terminal would obey escaped. */
void json_print (const GString *json);

G_END_DECLS

#endif /* CREDRING_JSON_OUTPUT_H */
