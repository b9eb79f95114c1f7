/* What is known of an account without asking its provider: the state
 * `credring status` and credring-service's ListAccounts show. */
#include "config.h"

#include <credring/credring.h>

#include "keyring/store.h"

void
cr_account_state_clear (CrAccountState *status)
{
  g_free (status->provider);
  g_free (status->problem);
}

static gboolean
secret_state (const char *account, CrSecretKind kind, int *state, GError **error)
{
  GError *local_error = NULL;
  cr_autosecret char *secret = cr_store_lookup_secret (account, kind, &local_error);

  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }
  *state = secret != NULL;
  return TRUE;
}

/* The steps of cr_config_open_account() one by one: an account that gets
 * no further than its provider still has secrets to show. */
gboolean
cr_account_state_collect (CrConfig *config, const char *name, gint64 now, CrAccountState *status,
                GPtrArray *warnings, GError **error)
{
  g_autoptr (CrAccount) account = NULL;
  g_autoptr (CrProvider) plugin = NULL;
  g_autoptr (CrToken) token = NULL;
  g_autoptr (GError) problem = NULL;
  g_autofree char *fingerprint = NULL;
  GError *local_error = NULL;

  status->name = name;
  status->client_secret = status->password = status->refresh_token = -1;
  account = cr_config_get_account (config, name, &problem);
  if (account != NULL)
    {
      status->provider = g_strdup (account->provider);
      plugin = cr_provider_load (account->provider, &problem);
    }
  if (plugin != NULL)
    {
      const CrPluginDescriptor *provider = cr_provider_get_descriptor (plugin);

      for (const char *const *w = cr_provider_get_warnings (plugin); *w != NULL; w++)
        g_ptr_array_add (warnings, g_strdup (*w));
      /* The token the cache would serve is one issued for these settings. */
      if (cr_account_resolve (account, provider, warnings, &problem))
        {
          fingerprint = cr_account_fingerprint (account, provider);
          status->grant = account->grant;
        }
    }
  if (problem != NULL)
    status->problem = g_strdup (problem->message);
  if (account == NULL)
    return TRUE;

  if (!secret_state (name, CR_SECRET_CLIENT_SECRET, &status->client_secret, error))
    return FALSE;
  status->public_client = fingerprint != NULL && account->client_auth == CR_CLIENT_AUTH_NONE;
  if (plugin != NULL && account->grant == CR_GRANT_PASSWORD &&
      !secret_state (name, CR_SECRET_PASSWORD, &status->password, error))
    return FALSE;
  if (!secret_state (name, CR_SECRET_REFRESH_TOKEN, &status->refresh_token, error))
    return FALSE;

  token = cr_cache_lookup_token (name, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }
  if (token != NULL)
    {
      status->has_token = TRUE;
      status->expires_at = token->expires_at;
      status->other_settings = fingerprint != NULL &&
                               g_strcmp0 (token->fingerprint, fingerprint) != 0;
      status->will_refresh = status->other_settings ||
                             !cr_token_is_fresh (token, now, account->min_valid);
    }
  return TRUE;
}

