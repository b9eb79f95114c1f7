/* Refresh tokens (RFC 6749 §6): using one, and revoking one (RFC 7009).
 * Stored as a secret of the account, beside its client secret; which one
 * is current is decided under the account's lock (cache.c). */
#include "config.h"

#include <credring/credring.h>

#include <string.h>

#include "account/account.h"
#include "base/secret.h"
#include "cache/refresh.h"
#include "keyring/store.h"
#include "token/fetch-client.h"
#include "token/response.h"

/* What a refresh token in the keyring is bound to: the account's settings
 * when it was issued (cr_account_fingerprint()), so that a changed scope,
 * client id or endpoint never sends it (it would bring the old scope, or
 * go to another server); and when a systemd credential gives the account
 * its refresh token (*@credential, secret), that credential too: one the
 * provider rotated stands for the credential it replaced (which systemd
 * keeps read-only), until someone puts a new one there. */
static char *
binding_of (const CrAccount *account, const char *fingerprint, char **credential,
            GError **error)
{
  g_autofree char *digest = NULL;

  *credential = NULL;
  if (!cr_refresh_from_credential (account))
    return g_strdup (fingerprint);
  *credential = cr_secret_load (account, CR_SECRET_REFRESH_TOKEN, error);
  if (*credential == NULL)
    return NULL;
  digest = g_compute_checksum_for_string (G_CHECKSUM_SHA256, *credential, -1);
  return g_strconcat (fingerprint, "+", digest, NULL);
}

gboolean
cr_refresh_from_credential (const CrAccount *account)
{
  return cr_secret_source_of (account, CR_SECRET_REFRESH_TOKEN) ==
         CR_SECRET_SOURCE_SYSTEMD_CREDENTIAL;
}

gboolean
cr_refresh_is_dead_mark (const char *stored)
{
  return stored != NULL && g_str_has_suffix (stored, "\n");
}

/* The keyring holds "BINDING\nTOKEN" (binding_of()), or "BINDING\n" when
 * the credential of that binding was refused as dead
 * (cr_refresh_forget_dead()).  A refresh token is never empty and never
 * holds a newline (RFC 6749 A.17: VSCHAR). */
gboolean
cr_refresh_store (const CrAccount *account, const char *refresh_token, const char *fingerprint,
                  GError **error)
{
  cr_autosecret char *credential = NULL;
  cr_autosecret char *value = NULL;
  g_autofree char *binding = binding_of (account, fingerprint, &credential, error);

  if (binding == NULL)
    return FALSE;
  /* Not rotated: the credential still holds it, and needs no copy. */
  if (cr_secret_equal (credential, refresh_token))
    return TRUE;
  value = g_strconcat (binding, "\n", refresh_token, NULL);
  return cr_store_save_secret (account->name, CR_SECRET_REFRESH_TOKEN, value, error);
}

char *
cr_refresh_load (const CrAccount *account, const char *fingerprint, gboolean *other_settings,
                 GError **error)
{
  cr_autosecret char *credential = NULL;
  cr_autosecret char *value = NULL;
  g_autofree char *binding = binding_of (account, fingerprint, &credential, error);
  GError *local_error = NULL;
  const char *newline;

  if (other_settings != NULL)
    *other_settings = FALSE;
  if (binding == NULL)
    return NULL;
  value = cr_store_lookup_secret (account->name, CR_SECRET_REFRESH_TOKEN, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return NULL;
    }
  if (value == NULL)
    return g_steal_pointer (&credential);
  newline = strchr (value, '\n');
  if (newline != NULL && (gsize) (newline - value) == strlen (binding) &&
      strncmp (value, binding, strlen (binding)) == 0)
    return newline[1] != '\0' ? g_strdup (newline + 1) : NULL;
  /* The mark of a credential that was replaced since, or of other
   * settings: nothing to send or revoke, dropped without a word. */
  if (cr_refresh_is_dead_mark (value))
    {
      if (!cr_store_clear_secret (account->name, CR_SECRET_REFRESH_TOKEN, error))
        return NULL;
      return g_steal_pointer (&credential);
    }
  /* Issued under other settings (or not by credring), or in place of
   * another credential: never sent. */
  g_debug ("account [%s]: the stored refresh token is for other settings: dropped",
           account->name);
  if (other_settings != NULL)
    *other_settings = TRUE;
  if (!cr_store_clear_secret (account->name, CR_SECRET_REFRESH_TOKEN, error))
    return NULL;
  return g_steal_pointer (&credential);
}

gboolean
cr_refresh_forget_dead (const CrAccount *account, const char *fingerprint, GError **error)
{
  cr_autosecret char *credential = NULL;
  g_autofree char *binding = NULL;
  g_autofree char *marker = NULL;

  if (!cr_refresh_from_credential (account))
    return cr_store_clear_secret (account->name, CR_SECRET_REFRESH_TOKEN, error);
  /* Left alone, the credential would stand in again at the next call. */
  binding = binding_of (account, fingerprint, &credential, error);
  if (binding == NULL)
    return FALSE;
  marker = g_strconcat (binding, "\n", NULL);
  return cr_store_save_secret (account->name, CR_SECRET_REFRESH_TOKEN, marker, error);
}

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
  if (response != NULL && response->status >= 200 && response->status < 300)
    return TRUE;
  if (response != NULL)
    cr_response_set_failure (response, error);
  cr_account_prefix_error (error, account);
  return FALSE;
}
