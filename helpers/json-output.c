/* JSON on stdout for the CLI's --format json: yajl's generator writes into
 * a GString (json_append), and json_print() makes what it wrote safe for
 * a terminal. */
#include "config.h"

#include <stdio.h>

#include <credring/credring.h>

#include "base/error.h"

#include "json-output.h"

void
json_append (void *ctx, const char *text, size_t len)
{
  g_string_append_len (ctx, text, len);
}

/* Prints a JSON document and a newline.  yajl escapes only what JSON
 * requires (U+0000-U+001F); DEL, C1 controls, bidi overrides and line
 * separators it writes as they are, for a terminal to obey.  They can only
 * be inside strings (yajl writes everything else in ASCII), where \uXXXX is
 * the same character to a JSON reader.  Never a document with a secret. */
void
json_print (const GString *json)
{
  g_autoptr (GString) out = g_string_sized_new (json->len + 1);

  for (const char *p = json->str; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (!cr_unichar_needs_escape (c))
        g_string_append_len (out, p, g_utf8_next_char (p) - p);
      else if (c <= 0xffff)
        g_string_append_printf (out, "\\u%04X", c);
      else /* a UTF-16 surrogate pair */
        g_string_append_printf (out, "\\u%04X\\u%04X", 0xd800 + ((c - 0x10000) >> 10),
                                0xdc00 + ((c - 0x10000) & 0x3ff));
    }
  g_string_append_c (out, '\n');
  fwrite (out->str, 1, out->len, stdout);
}
