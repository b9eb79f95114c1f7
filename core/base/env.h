/* Private to libcredring: reading the environment. */
#ifndef CR_ENV_H
#define CR_ENV_H

#include <glib.h>

G_BEGIN_DECLS

/* getenv() that returns NULL in a setuid or setgid process. */
const char *cr_getenv_secure (const char *name);

G_END_DECLS

#endif /* CR_ENV_H */
