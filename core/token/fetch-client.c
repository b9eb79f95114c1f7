/* Getting a token over the network: build the request, hand it to the
 * fetch module (fetch/fetch-module.h, loaded by provider/fetch-loader.c on
 * the first fetch of a process so that the cache-hit path never maps
 * libcurl), read the answer.
 * Every error it reports names the account, once, here. */
#include "config.h"

#include <credring/credring.h>

#include "account/account.h"
#include "fetch/fetch-module.h"
#include "token/fetch-client.h"
#include "token/request.h"
#include "token/response.h"

/* Sends @request; the answer as the response parser reads it. */
static CrResponse *
post (const CrFetchModule *module, const CrRequest *request, const CrAccount *account,
      GBytes *ca_certs, GError **error)
{
  char message[512] = "";
  CrFetchRequest wire = {
    .url = request->url,
    .headers = (const char *const *) request->headers,
    .authorization = request->authorization,
    .body = request->body,
    .body_len = request->body_len,
    .timeout_ms = (long) account->timeout * 1000,
  };
  CrFetchResponse *answer = NULL;
  CrFetchStatus status;
  CrResponse *response;

  if (ca_certs != NULL)
    wire.extra_ca_pem = g_bytes_get_data (ca_certs, &wire.extra_ca_pem_len);
  status = module->post (&wire, &answer, message, sizeof message);
  if (status != CR_FETCH_OK || answer == NULL)
    {
      /* The module's words are secret-free, but still text from elsewhere. */
      g_autofree char *shown = cr_escape_for_message (message, -1, 400);

      g_set_error (error, CR_ERROR, status == CR_FETCH_NETWORK ? CR_ERROR_NETWORK : CR_ERROR_FAILED,
                   "%s", shown);
      return NULL;
    }
  /* The parser's own type: the strings move over, the module frees its shell. */
  response = g_new0 (CrResponse, 1);
  response->status = answer->status;
  response->content_type = g_steal_pointer (&answer->content_type);
  response->body = g_steal_pointer (&answer->body);
  response->body_len = answer->body_len;
  response->retry_after = answer->retry_after;
  module->response_free (answer);
  return response;
}

CrResponse *
cr_fetch_call (const CrAccount *account, const CrPluginDescriptor *provider,
               const CrClientSecrets *credentials, const CrGrantInput *input, GBytes *ca_certs,
               GError **error)
{
  const CrFetchModule *module;
  g_autoptr (CrRequest) request = NULL;

  request = cr_request_prepare (provider, account, credentials, input, error);
  if (request == NULL)
    return NULL;
  module = cr_fetch_module (error);
  if (module == NULL)
    return NULL;
  return post (module, request, account, ca_certs, error);
}

CrToken *
cr_fetch_token (const CrAccount *account, const CrPluginDescriptor *provider,
                const CrClientSecrets *credentials, const CrGrantInput *input, GBytes *ca_certs,
                GError **error)
{
  g_autoptr (CrResponse) response = NULL;
  CrToken *token = NULL;

  response = cr_fetch_call (account, provider, credentials, input, ca_certs, error);
  if (response != NULL)
    token = cr_response_parse (provider, account, response, g_get_real_time () / G_USEC_PER_SEC,
                               error);
  return token != NULL ? token : cr_account_prefix_error (error, account);
}

CrToken *
cr_token_fetch (const CrAccount *account, const CrPluginDescriptor *provider,
                const CrClientSecrets *credentials, GError **error)
{
  g_autoptr (GBytes) ca_certs = NULL;

  g_return_val_if_fail (account != NULL && provider != NULL && credentials != NULL, NULL);
  g_return_val_if_fail (account->endpoint != NULL, NULL);

  if (!cr_account_read_ca_file (account, &ca_certs, error))
    return NULL;
  return cr_fetch_token (account, provider, credentials, NULL, ca_certs, error);
}
