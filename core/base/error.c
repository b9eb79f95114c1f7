/* The CR_ERROR domain; its codes double as the CLI's exit statuses. */
#include "config.h"

#include <credring/credring.h>

#include "base/error.h"

GQuark
cr_error_quark (void)
{
  return g_quark_from_static_string ("cr-error-quark");
}

int
cr_error_exit_status (const GError *error)
{
  if (error != NULL && error->domain == CR_ERROR && error->code >= CR_ERROR_FAILED &&
      error->code <= CR_ERROR_KEYRING)
    return error->code;
  return CR_ERROR_FAILED;
}

gboolean
cr_unichar_needs_escape (gunichar c)
{
  /* Control and format characters could rewrite the terminal line or
   * forge a second one, and so could a line or paragraph separator in a
   * viewer that breaks lines there: show them, do not obey them. */
  return c < 0x20 || c == 0x7f || g_unichar_iscntrl (c) ||
         g_unichar_type (c) == G_UNICODE_FORMAT ||
         g_unichar_type (c) == G_UNICODE_LINE_SEPARATOR ||
         g_unichar_type (c) == G_UNICODE_PARAGRAPH_SEPARATOR;
}

char *
cr_escape_for_message (const char *text, gssize len, gsize max_chars)
{
  g_autofree char *valid = g_utf8_make_valid (text, len);
  GString *out = g_string_new (NULL);
  gsize count = 0;

  for (const char *p = valid; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (count++ == max_chars)
        {
          g_string_append (out, "...");
          break;
        }
      if (cr_unichar_needs_escape (c))
        g_string_append_printf (out, c <= 0xff ? "\\x%02X" : "\\u%04X", c);
      else
        g_string_append_unichar (out, c);
    }
  return g_string_free (out, FALSE);
}

void
cr_propagate_escaped (GError **error, GError *local_error)
{
  char *shown;

  if (local_error == NULL)
    return;
  shown = cr_escape_for_message (local_error->message, -1, 400);
  g_free (local_error->message);
  local_error->message = shown;
  g_propagate_error (error, local_error);
}
