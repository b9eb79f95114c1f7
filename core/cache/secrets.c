/* Where an account's secrets come from, decided here and nowhere else: a
 * systemd credential, then the account's command, then the keyring.  The
 * first two are opted into by their presence (a service started with
 * LoadCredential=, a secret_command key) and are never written by
 * credring; where neither is, `credring login` fills the keyring. */
#include "config.h"

#include <credring/credring.h>

#include "account/account.h"
#include "keyring/secret-command.h"
#include "keyring/sources.h"
#include "keyring/store.h"

/* The account key naming a command that prints @kind; none prints a
 * refresh token, which the provider issues and credring keeps. */
static const char *
command_key (CrSecretKind kind)
{
  switch (kind)
    {
    case CR_SECRET_CLIENT_SECRET:
      return "secret_command";
    case CR_SECRET_PASSWORD:
      return "password_command";
    case CR_SECRET_REFRESH_TOKEN:
    default:
      return NULL;
    }
}

/* "credring.ACCOUNT.KIND": account names hold no '/' (config.c). */
static char *
credential_name (const CrAccount *account, CrSecretKind kind)
{
  return g_strdup_printf ("credring.%s.%s", account->name, cr_secret_kind_to_string (kind));
}

CrSecretSource
cr_secret_source_of (const CrAccount *account, CrSecretKind kind)
{
  g_autofree char *name = NULL;
  const char *key = command_key (kind);

  g_return_val_if_fail (account != NULL, CR_SECRET_SOURCE_KEYRING);

  name = credential_name (account, kind);
  if (cr_credential_exists (name))
    return CR_SECRET_SOURCE_SYSTEMD_CREDENTIAL;
  if (key != NULL && cr_account_value (account, key) != NULL)
    return CR_SECRET_SOURCE_COMMAND;
  return CR_SECRET_SOURCE_KEYRING;
}

const char *
cr_secret_source_describe (CrSecretSource source, CrSecretKind kind)
{
  switch (source)
    {
    case CR_SECRET_SOURCE_SYSTEMD_CREDENTIAL:
      return "systemd credential";
    case CR_SECRET_SOURCE_COMMAND:
      return command_key (kind) != NULL ? command_key (kind) : "command";
    case CR_SECRET_SOURCE_KEYRING:
    default:
      return "keyring";
    }
}

/* The command's line, one run: its messages get the account and the key. */
static char *
run_command (const CrAccount *account, CrSecretKind kind, GError **error)
{
  const char *key = command_key (kind);
  char *secret;

  secret = cr_secret_command_run (cr_account_value (account, key),
                                  (guint) account->secret_command_timeout, error);
  if (secret == NULL)
    g_prefix_error (error, "account [%s]: %s ", account->name, key);
  return secret;
}

char *
cr_secret_load (const CrAccount *account, CrSecretKind kind, GError **error)
{
  g_autofree char *name = NULL;
  const char *key = command_key (kind);
  char *secret = NULL;

  g_return_val_if_fail (account != NULL, NULL);

  name = credential_name (account, kind);
  if (!cr_credential_read (name, &secret, error))
    return cr_account_prefix_error (error, account);
  if (secret != NULL)
    {
      g_debug ("account [%s]: %s from systemd credential %s", account->name,
               cr_secret_kind_describe (kind), name);
      return secret;
    }
  if (key != NULL && cr_account_value (account, key) != NULL)
    {
      g_debug ("account [%s]: %s from %s", account->name, cr_secret_kind_describe (kind), key);
      return run_command (account, kind, error);
    }
  return cr_store_lookup_secret (account->name, kind, error);
}
