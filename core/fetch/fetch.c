/* The fetch module's entry: build the request, POST it (again, on
 * transient failures), parse the answer.  Built as its own module so that
 * only a fetch maps libcurl (see fetch.h). */
#include "config.h"

#include <credring/credring.h>

#include "fetch/fetch.h"

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

  /* Compared before multiplying: a huge Retry-After must not overflow. */
  if (retry_after >= 0)
    return retry_after >= RETRY_AFTER_CAP_MS / 1000 ? RETRY_AFTER_CAP_MS : retry_after * 1000;
  return ceiling / 2 + g_random_int_range (0, (gint32) (ceiling / 2) + 1);
}

/* POSTs @request, trying again on transient failures while time is left. */
static CrResponse *
post_with_retries (const CrRequest *request, const CrAccount *account, GBytes *ca_certs,
                   GError **error)
{
  gint64 deadline = g_get_monotonic_time () / 1000 + (gint64) account->timeout * 1000;

  for (int attempt = 1;; attempt++)
    {
      gint64 left = deadline - g_get_monotonic_time () / 1000;
      gboolean transient = FALSE;
      GError *local_error = NULL;
      gint64 delay;
      CrResponse *response = cr_http_post (request, ca_certs, left, &transient, &local_error);

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
cr_fetch_module_fetch_token (const CrAccount *account, const CrPluginDescriptor *provider,
                             const CrCredentials *credentials, GBytes *ca_certs, GError **error)
{
  g_autoptr (CrRequest) request = NULL;
  g_autoptr (CrResponse) response = NULL;

  g_return_val_if_fail (account != NULL && provider != NULL && credentials != NULL, NULL);

  request = cr_request_build (provider, account, credentials, error);
  if (request != NULL)
    response = post_with_retries (request, account, ca_certs, error);
  if (response == NULL)
    return NULL;
  return cr_response_parse (provider, account, response, g_get_real_time () / G_USEC_PER_SEC, error);
}
