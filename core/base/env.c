/* Reading the environment as a library should: never trusting it in a
 * setuid or setgid process. */
#include "config.h"

#include <stdlib.h>

#include <credring/credring.h>

#include "base/env.h"

const char *
cr_getenv_secure (const char *name)
{
#ifdef HAVE_SECURE_GETENV
  return secure_getenv (name);
#else
  return g_getenv (name);
#endif
}
