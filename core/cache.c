/* The token cache: serve a fresh cached token, else fetch one once. */
#include "config.h"

#include <credring/credring.h>

#include "lock.h"

static gint64
now_seconds (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

/* Library messages name the account, since a script may ask for several. */
static void
prefix_account (GError **error, const CrAccount *account)
{
  if (error != NULL && *error != NULL && !g_str_has_prefix ((*error)->message, "account ["))
    g_prefix_error (error, "account [%s]: ", account->name);
}

/* Attempts per token request, all within the account's timeout. */
#define MAX_ATTEMPTS 3
#define BACKOFF_BASE_MS 500
/* A Retry-After longer than this is not worth waiting for in a CLI. */
#define RETRY_AFTER_CAP_MS 10000

static gboolean
is_retryable_status (long status)
{
  return status == 429 || (status >= 500 && status <= 599);
}

/* Exponential backoff with full jitter, so that many clients refused at
 * once do not come back at once; a server's Retry-After wins. */
static gint64
retry_delay_ms (int attempt, gint64 retry_after)
{
  gint64 ceiling = (gint64) BACKOFF_BASE_MS << (attempt - 1);

  if (retry_after >= 0)
    return MIN (retry_after * 1000, RETRY_AFTER_CAP_MS);
  return ceiling / 2 + g_random_int_range (0, (gint32) (ceiling / 2) + 1);
}

/* POSTs @request, trying again on transient failures while time is left. */
static CrResponse *
post_with_retries (const CrRequest *request, const CrAccount *account, GError **error)
{
  gint64 deadline = g_get_monotonic_time () / 1000 + (gint64) account->timeout * 1000;

  for (int attempt = 1;; attempt++)
    {
      gint64 left = deadline - g_get_monotonic_time () / 1000;
      gboolean transient = FALSE;
      GError *local_error = NULL;
      gint64 delay;
      CrResponse *response = cr_http_post (request, account, left, &transient, &local_error);

      if (response != NULL && !is_retryable_status (response->status))
        return response;
      if (response != NULL)
        {
          delay = retry_delay_ms (attempt, response->retry_after);
          transient = TRUE;
        }
      else
        delay = retry_delay_ms (attempt, -1);

      left = deadline - g_get_monotonic_time () / 1000;
      if (!transient || attempt == MAX_ATTEMPTS || delay >= left)
        {
          /* The last answer, even a 5xx, says more than "gave up". */
          if (response != NULL)
            return response;
          g_propagate_error (error, local_error);
          return NULL;
        }
      g_debug ("account [%s]: attempt %d failed (%s); trying again in %" G_GINT64_FORMAT " ms",
               account->name, attempt,
               response ? "server busy or failing" : local_error->message, delay);
      cr_response_free (response);
      g_clear_error (&local_error);
      g_usleep ((gulong) delay * 1000);
    }
}

CrToken *
cr_token_fetch (const CrAccount *account, const CrPluginDescriptor *provider,
                const CrCredentials *credentials, GError **error)
{
  g_autoptr (CrRequest) request = NULL;
  g_autoptr (CrResponse) response = NULL;
  CrToken *token;

  g_return_val_if_fail (account != NULL && provider != NULL && credentials != NULL, NULL);

  request = cr_request_build (provider, account, credentials, error);
  if (request != NULL)
    response = post_with_retries (request, account, error);
  if (response == NULL)
    {
      prefix_account (error, account);
      return NULL;
    }
  token = cr_response_parse (provider, response, now_seconds (), error);
  prefix_account (error, account);
  return token;
}

static gboolean
load_secret (const CrAccount *account, CrSecretKind kind, char **out, GError **error)
{
  GError *local_error = NULL;

  *out = cr_store_lookup_secret (account->name, kind, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }
  if (*out == NULL)
    {
      g_set_error (error, CR_ERROR, CR_ERROR_CONFIG,
                   "account [%s] has no stored %s: run 'credring login %s'", account->name,
                   kind == CR_SECRET_PASSWORD ? "password" : "client secret", account->name);
      return FALSE;
    }
  return TRUE;
}

static CrToken *
fetch_and_store (const CrAccount *account, const CrPluginDescriptor *provider, GError **error)
{
  cr_autosecret char *client_secret = NULL;
  cr_autosecret char *password = NULL;
  CrCredentials credentials = { NULL, NULL };
  g_autoptr (CrToken) token = NULL;

  if (!load_secret (account, CR_SECRET_CLIENT_SECRET, &client_secret, error))
    return NULL;
  if (provider->grant == CR_GRANT_PASSWORD &&
      !load_secret (account, CR_SECRET_PASSWORD, &password, error))
    return NULL;
  credentials.client_secret = client_secret;
  credentials.password = password;

  token = cr_token_fetch (account, provider, &credentials, error);
  if (token == NULL || !cr_store_save_token (account->name, token, error))
    return NULL;
  return g_steal_pointer (&token);
}

CrToken *
cr_cache_get_token (const CrAccount *account, CrPlugin *plugin, gint64 min_valid,
                    gboolean force_refresh, GError **error)
{
  const CrPluginDescriptor *provider;
  g_autoptr (CrToken) token = NULL;
  g_autoptr (CrLock) lock = NULL;
  GError *local_error = NULL;
  gint64 started = now_seconds ();

  g_return_val_if_fail (account != NULL && plugin != NULL, NULL);

  provider = cr_plugin_get_descriptor (plugin);
  if (min_valid < 0)
    min_valid = account->min_valid;

  /* The hot path: one keyring lookup, nothing else. */
  if (!force_refresh)
    {
      token = cr_store_lookup_token (account->name, &local_error);
      if (local_error != NULL)
        {
          g_propagate_error (error, local_error);
          return NULL;
        }
      if (token != NULL && cr_token_is_fresh (token, started, min_valid))
        {
          g_debug ("account [%s]: cached token valid for %" G_GINT64_FORMAT " s more",
                   account->name, token->expires_at - started);
          return g_steal_pointer (&token);
        }
      g_clear_pointer (&token, cr_token_free);
    }

  lock = cr_lock_acquire (account->name, account->timeout, error);
  if (lock == NULL)
    return NULL;

  /* Whoever held the lock before us may have just fetched the token we need;
   * for a forced refresh, only a token issued since we were asked will do. */
  token = cr_store_lookup_token (account->name, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return NULL;
    }
  if (token != NULL && cr_token_is_fresh (token, now_seconds (), min_valid) &&
      (!force_refresh || token->issued_at > started))
    return g_steal_pointer (&token);

  g_debug ("account [%s]: fetching a new token", account->name);
  return fetch_and_store (account, provider, error);
}
