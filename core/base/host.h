/* Private to libcredring: host names as git writes them (host.c). */
#ifndef CR_HOST_H
#define CR_HOST_H

#include <glib.h>

G_BEGIN_DECLS

/* Splits @host as git writes it, "name", "name:port", "[v6]" or
 * "[v6]:port", into @name as written (brackets kept) and @port, the text
 * after the ':' ("" when there is none; not checked).  FALSE, with both
 * NULL, for anything else (an unbracketed name holding ':', text after
 * "]").  Free both with g_free(). */
gboolean cr_host_split (const char *host, char **name, char **port);
/* @text, the port cr_host_split() found, as a number: 0 for "" (the
 * scheme's default), else decimal digits naming 1 to 65535.  FALSE for
 * anything else ("1@evil.example", "x", "+80", "65536"). */
gboolean cr_host_parse_port (const char *text, int *port);

G_END_DECLS

#endif /* CR_HOST_H */
