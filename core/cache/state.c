/* What is known of an account without asking its provider: the state
 * `credring status` and credring-service's ListAccounts show. */
#include "config.h"

#include <credring/credring.h>

#include "cache/cache.h"
#include "keyring/store.h"
#include "provider/discovery.h"

void
cr_account_state_clear (CrAccountState *status)
{
  g_free (status->provider);
  g_free (status->problem);
}

/* Whether @kind is there to use, and where from: a credential or a
 * command is taken as there (reading one may ask a person, running one
 * may take long), a stored one looked up. */
static gboolean
secret_state (const CrAccount *account, CrSecretKind kind, int *state, CrSecretSource *source,
              CrSecretStore *where, GError **error)
{
  GError *local_error = NULL;
  cr_autosecret char *secret = NULL;

  *source = cr_secret_source_of (account, kind);
  if (*source != CR_SECRET_SOURCE_KEYRING)
    {
      *state = 1;
      return TRUE;
    }
  secret = cr_store_lookup_secret_where (account->name, kind, where, &local_error);

  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }
  *state = secret != NULL;
  return TRUE;
}

/* The client secret, the password when @uses_password, the refresh
 * token: whether each is there, where from, and where it is kept. */
static gboolean
collect_secrets (const CrAccount *account, gboolean uses_password, CrAccountState *status,
                 GError **error)
{
  return secret_state (account, CR_SECRET_CLIENT_SECRET, &status->client_secret,
                       &status->client_secret_source, &status->client_secret_store, error) &&
         (!uses_password || secret_state (account, CR_SECRET_PASSWORD, &status->password,
                                          &status->password_source, &status->password_store,
                                          error)) &&
         secret_state (account, CR_SECRET_REFRESH_TOKEN, &status->refresh_token,
                       &status->refresh_token_source, &status->refresh_token_store, error);
}

/* @account resolved against @provider as cr_config_open_account() does,
 * from the discovery cache alone (the issuer is not asked here): the
 * fingerprint of the settings a cached token must have been issued for,
 * or NULL with *@problem saying why the account cannot be used. */
static char *
resolve_without_asking (CrAccount *account, CrProvider *provider, GPtrArray *warnings,
                        GError **problem)
{
  const CrPluginDescriptor *descriptor = cr_provider_get_descriptor (provider);
  gboolean discovered = TRUE;

  for (const char *const *w = cr_provider_get_warnings (provider); *w != NULL; w++)
    g_ptr_array_add (warnings, g_strdup (*w));
  if (cr_provider_discover_cached (provider, &discovered, problem) && !discovered)
    g_set_error (problem, CR_ERROR, CR_ERROR_CONFIG,
                 "its endpoints are not known until its issuer %s is asked (the next "
                 "token request does)", descriptor->issuer);
  if (*problem != NULL || !cr_account_resolve (account, descriptor, warnings, problem))
    return NULL;
  return cr_account_fingerprint (account, descriptor);
}

/* The steps of cr_config_open_account() one by one: an account that gets
 * no further than its provider still has secrets to show. */
gboolean
cr_account_state_collect (CrConfig *config, const char *name, gint64 now, CrAccountState *status,
                          GPtrArray *warnings, GError **error)
{
  g_autoptr (CrAccount) account = NULL;
  g_autoptr (CrProvider) provider = NULL;
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
      provider = cr_provider_load (account->provider, &problem);
    }
  /* The token the cache would serve is one issued for these settings. */
  if (provider != NULL)
    fingerprint = resolve_without_asking (account, provider, warnings, &problem);
  if (fingerprint != NULL)
    status->grant = account->grant;
  if (problem != NULL)
    status->problem = g_strdup (problem->message);
  if (account == NULL)
    return TRUE;

  status->public_client = fingerprint != NULL && account->client_auth == CR_CLIENT_AUTH_NONE;
  if (!collect_secrets (account, provider != NULL && account->grant == CR_GRANT_PASSWORD, status,
                        error))
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
      status->token_store = cr_store_get_token_store ();
      status->expires_at = token->expires_at;
      status->other_settings = fingerprint != NULL &&
                               g_strcmp0 (token->fingerprint, fingerprint) != 0;
      status->will_refresh = status->other_settings ||
                             !cr_token_is_fresh (token, now, account->min_valid);
    }
  return TRUE;
}

