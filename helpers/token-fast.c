/* The path people hit every minute, with credring-service running:
 * `credring token ACCOUNT` reads the account, loads its provider, and asks
 * the service for the cached token, in a process that maps GLib and the
 * core's account and provider code only — not GIO, libsecret or libcurl,
 * whose loading alone costs more than the rest (bench/service.sh).
 *
 * Only the plain success is handled here: any other command or option, no
 * service, a miss, a warning to show, an error, leaves the call to the CLI
 * (credring-main.c loads it), which starts again from the beginning and
 * says what must be said.  Nothing is printed here unless a token is. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <credring/credring.h>

#include "cache/cache.h"
#include "service/socket.h"
#include "token-fast.h"
#include "token-output.h"

typedef struct {
  const char *account;
  const char *format;
  const char *min_valid;
  const char *config;
} TokenArgs;

/* @arg, at argv[*i], is option --@name (or -@letter) with a value: the
 * value, from "--name=VALUE" or the next word. */
static gboolean
take_value (int argc, char **argv, int *i, const char *name, char letter, const char **value)
{
  const char *arg = argv[*i];
  gsize len = strlen (name);

  if (strncmp (arg, "--", 2) == 0 && strncmp (arg + 2, name, len) == 0 && arg[2 + len] == '=')
    {
      *value = arg + 3 + len;
      return TRUE;
    }
  if (((strncmp (arg, "--", 2) == 0 && strcmp (arg + 2, name) == 0) ||
       (letter != '\0' && arg[0] == '-' && arg[1] == letter && arg[2] == '\0')) &&
      *i + 1 < argc)
    {
      *value = argv[++*i];
      return TRUE;
    }
  return FALSE;
}

/* `token ACCOUNT` with --format, --min-valid and --config only (in any
 * order, each once); FALSE for anything else. */
static gboolean
parse (int argc, char **argv, TokenArgs *args)
{
  guint64 seconds;

  if (argc < 3 || strcmp (argv[1], "token") != 0)
    return FALSE;
  for (int i = 2; i < argc; i++)
    {
      const char *before[] = { args->format, args->min_valid, args->config };

      if (argv[i][0] != '-' && args->account == NULL)
        args->account = argv[i];
      else if (!take_value (argc, argv, &i, "format", 'f', &args->format) &&
               !take_value (argc, argv, &i, "min-valid", '\0', &args->min_valid) &&
               !take_value (argc, argv, &i, "config", 'c', &args->config))
        return FALSE;
      else if ((before[0] != NULL && before[0] != args->format) ||
               (before[1] != NULL && before[1] != args->min_valid) ||
               (before[2] != NULL && before[2] != args->config))
        return FALSE; /* given twice: the CLI's to judge */
    }
  return args->account != NULL && args->account[0] != '\0' &&
         (args->format == NULL || g_strv_contains (token_output_formats, args->format)) &&
         (args->min_valid == NULL ||
          g_ascii_string_to_unsigned (args->min_valid, 10, 0, G_MAXINT32, &seconds, NULL));
}

static gboolean
service_listens (void)
{
  g_autofree char *path = cr_service_socket_path (NULL);

  return path != NULL && access (path, F_OK) == 0;
}

/* The account, resolved, when reading it has nothing to say. */
static CrAccount *
open_account (const TokenArgs *args, CrProvider **provider)
{
  g_autoptr (CrConfig) config = NULL;
  g_autoptr (GPtrArray) warnings = g_ptr_array_new_with_free_func (g_free);
  g_auto (GStrv) file_warnings = NULL;
  g_autoptr (CrAccount) account = NULL;

  config = cr_config_load_account_only (args->config, args->config != NULL, args->account, NULL);
  if (config == NULL)
    return NULL;
  file_warnings = cr_config_get_warnings (config);
  if (file_warnings[0] != NULL)
    return NULL;
  account = cr_config_open_account (config, args->account, provider, warnings, NULL);
  if (account == NULL || warnings->len > 0)
    return NULL;
  return g_steal_pointer (&account);
}

int
token_fast (int argc, char **argv)
{
  TokenArgs args = { NULL };
  g_autoptr (CrAccount) account = NULL;
  g_autoptr (CrProvider) provider = NULL;
  g_autoptr (CrToken) token = NULL;
  g_autofree char *fingerprint = NULL;
  guint64 seconds = 0;

  /* Without a service, straight on: no file read, nothing loaded. */
  if (!parse (argc, argv, &args) || !service_listens ())
    return -1;
  cr_secret_prepare_front_end ();
  account = open_account (&args, &provider);
  if (account == NULL)
    return -1;
  if (args.min_valid != NULL)
    g_ascii_string_to_unsigned (args.min_valid, 10, 0, G_MAXINT32, &seconds, NULL);
  fingerprint = cr_account_fingerprint (account, cr_provider_get_descriptor (provider));
  token = cr_service_ask_token (account->name, fingerprint,
                                args.min_valid != NULL ? (gint64) seconds : account->min_valid);
  if (token == NULL)
    return -1;
  token_output_print (account, token, args.format);
  if (fflush (stdout) != 0 || ferror (stdout))
    {
      g_printerr ("credring: cannot write the output: %s\n", g_strerror (errno));
      return CR_ERROR_FAILED;
    }
  return 0;
}
