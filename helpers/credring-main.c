/* The credring executable.  `credring token ACCOUNT` with credring-service
 * running is answered here (token-fast.c), by a process that links GLib
 * and the core's account and provider code only; everything else is the
 * CLI (credring.c), a module loaded here, with libcredring and all it
 * brings (GIO, libsecret, ...), as fetch.so brings libcurl: a process pays
 * for those only when it needs them. */
#include "config.h"

#include <dlfcn.h>
#include <stdio.h>

#include <credring/credring.h>

#include "base/env.h"
#include "provider/trusted-file.h"
#include "token-fast.h"

#define CLI_MODULE_ENTRY "credring_cli_main"

/* The CLI module: $CREDRING_CLI_MODULE (the build tree), else the
 * installed one, with the trust checks of a plugin: it runs as us. */
static int
run_cli (int argc, char **argv)
{
  const char *env = cr_getenv_secure ("CREDRING_CLI_MODULE");
  const char *path = (env != NULL && *env != '\0') ? env : CR_CLI_MODULE;
  g_autoptr (GError) error = NULL;
  int (*cli_main) (int, char **) = NULL;
  void *handle = cr_trusted_module_open (path, &error);

  if (handle != NULL)
    *(void **) &cli_main = dlsym (handle, CLI_MODULE_ENTRY);
  if (cli_main == NULL)
    {
      g_autofree char *why = cr_escape_for_message (error ? error->message : path, -1, 500);

      fprintf (stderr, "credring: credring is not installed right: %s%s\n", why,
               error ? "" : " lacks " CLI_MODULE_ENTRY);
      return CR_ERROR_FAILED;
    }
  return cli_main (argc, argv);
}

int
main (int argc, char **argv)
{
  int status = token_fast (argc, argv);

  return status >= 0 ? status : run_cli (argc, argv);
}
