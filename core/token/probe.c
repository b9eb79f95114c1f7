/* A look at an account's token endpoint for `credring doctor`: whether it
 * answers, over TLS the account trusts (its ca_file), and what time its
 * server says it is.  A GET without any credential: nothing secret is
 * sent, and the answer's body is not read. */
#include "config.h"

#include <credring/credring.h>

#include "account/account.h"
#include "provider/fetch-loader.h"
#include "token/probe.h"

/* Long enough for a TLS handshake far away; short enough for a check. */
#define PROBE_TIMEOUT_SECONDS 10

gboolean
cr_account_probe_token_url (const CrAccount *account, CrEndpointProbe *probe, GError **error)
{
  g_autoptr (GBytes) ca_certs = NULL;
  const CrFetchModule *module;
  CrFetchResponse *answer;

  g_return_val_if_fail (account != NULL && account->token_url != NULL && probe != NULL, FALSE);

  if (!cr_account_read_ca_file (account, &ca_certs, error))
    return FALSE;
  module = cr_fetch_module (error);
  if (module == NULL)
    return FALSE;
  answer = cr_fetch_get (module, account->token_url, ca_certs,
                         (gint64) MIN (account->timeout, PROBE_TIMEOUT_SECONDS) * 1000, error);
  if (answer == NULL)
    return FALSE;
  probe->checked_at = g_get_real_time () / G_USEC_PER_SEC;
  probe->http_status = answer->status;
  probe->server_time = answer->date;
  module->response_free (answer);
  return TRUE;
}
