/* Private to libcredring: secret memory that only the core and its
 * modules need (secret.c); the rest of it is API, in credring/credring.h. */
#ifndef CR_BASE_SECRET_H
#define CR_BASE_SECRET_H

#include <glib.h>

G_BEGIN_DECLS

/* Compares two secrets in time that does not depend on their contents.  NULL equals only NULL. */
gboolean cr_secret_equal (const char *a, const char *b);

G_END_DECLS

#endif /* CR_BASE_SECRET_H */
