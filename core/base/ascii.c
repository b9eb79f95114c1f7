/* Names that end up in URLs, headers, file names and keyring attributes:
 * the one test of "only these characters". */
#include "config.h"

#include <string.h>

#include <credring/credring.h>

#include "base/ascii.h"

gboolean
cr_ascii_is_word (const char *text, gsize max_len, const char *extra)
{
  if (text == NULL || *text == '\0' || strlen (text) > max_len)
    return FALSE;
  for (const char *p = text; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && strchr (extra, *p) == NULL)
      return FALSE;
  return TRUE;
}
