/* The fetch module's entry (fetch-module.h): POST a prepared request,
 * again on transient failures, and hand back the last answer; and the
 * loopback listener for a sign-in redirect (redirect-listener.c). */
#include "config.h"

#include <credring/credring.h>

#include "fetch/fetch-module.h"
#include "fetch/http.h"
#include "fetch/redirect-listener.h"

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
static CrFetchResponse *
post_with_retries (const CrFetchRequest *request, GError **error)
{
  gint64 deadline = g_get_monotonic_time () / 1000 + request->timeout_ms;

  for (int attempt = 1;; attempt++)
    {
      gint64 left = deadline - g_get_monotonic_time () / 1000;
      gboolean transient = FALSE;
      GError *local_error = NULL;
      gint64 delay;
      CrFetchResponse *response = cr_http_post (request, left, &transient, &local_error);

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
      g_debug ("attempt %d failed (%s); trying again in %" G_GINT64_FORMAT " ms", attempt,
               response ? "server busy or failing" : local_error->message, delay);
      cr_http_response_free (response);
      g_clear_error (&local_error);
      g_usleep ((gulong) delay * 1000);
    }
}

static CrFetchStatus
post (const CrFetchRequest *request, CrFetchResponse **response, char *message,
      size_t message_size)
{
  g_autoptr (GError) error = NULL;

  *response = post_with_retries (request, &error);
  if (*response != NULL)
    return CR_FETCH_OK;
  g_strlcpy (message, error->message, message_size);
  return error->code == CR_ERROR_NETWORK ? CR_FETCH_NETWORK : CR_FETCH_FAILED;
}

CR_PLUGIN_EXPORT const CrFetchModule credring_fetch_module = {
  .version = CR_FETCH_MODULE_VERSION,
  .struct_size = sizeof (CrFetchModule),
  .post = post,
  .response_free = cr_http_response_free,
  .listen = cr_redirect_listen,
  .wait_redirect = cr_redirect_wait,
  .listener_free = cr_redirect_listener_free,
  .query_free = cr_redirect_query_free,
};
