/* Refresh tokens (RFC 6749 §6): using one, and revoking one (RFC 7009).
 * Stored as a secret of the account, beside its client secret; which one
 * is current is decided under the account's lock (cache.c). */
#include "config.h"

#include <credring/credring.h>

#include "account/account.h"
#include "cache/refresh.h"
#include "token/fetch-client.h"
#include "token/response.h"

CrToken *
cr_refresh_use (const CrAccount *account, const CrPluginDescriptor *provider,
                const CrClientSecrets *credentials, const char *refresh_token, GBytes *ca_certs,
                gboolean *dead, GError **error)
{
  CrGrantInput input = {
    .call = CR_CALL_TOKEN, .grant = CR_GRANT_REFRESH_TOKEN, .refresh_token = refresh_token,
  };
  g_autoptr (CrResponse) response = NULL;
  g_autofree char *code = NULL;
  CrToken *token = NULL;

  *dead = FALSE;
  response = cr_fetch_call (account, provider, credentials, &input, ca_certs, error);
  if (response == NULL)
    return cr_account_prefix_error (error, account);
  code = cr_response_oauth_error (response);
  /* RFC 6749 §5.2: invalid_grant is a refresh token that is expired,
   * revoked or superseded: it will never work again. */
  if (g_strcmp0 (code, "invalid_grant") == 0)
    {
      *dead = TRUE;
      cr_response_set_failure (response, error);
      return cr_account_prefix_error (error, account);
    }
  token = cr_response_parse (provider, account, response, g_get_real_time () / G_USEC_PER_SEC,
                             error);
  if (token == NULL)
    return cr_account_prefix_error (error, account);
  /* RFC 6749 §6: without a new one the old one stays good. */
  if (token->refresh_token == NULL)
    token->refresh_token = g_strdup (refresh_token);
  return token;
}

gboolean
cr_refresh_revoke (const CrAccount *account, const CrPluginDescriptor *provider,
                   const CrClientSecrets *credentials, const char *refresh_token,
                   GBytes *ca_certs, GError **error)
{
  CrGrantInput input = { .call = CR_CALL_REVOCATION, .refresh_token = refresh_token };
  g_autoptr (CrResponse) response = NULL;

  response = cr_fetch_call (account, provider, credentials, &input, ca_certs, error);
  /* RFC 7009 §2.2: 200 whether or not the token was valid. */
  if (response != NULL && response->status == 200)
    return TRUE;
  if (response != NULL)
    cr_response_set_failure (response, error);
  cr_account_prefix_error (error, account);
  return FALSE;
}
