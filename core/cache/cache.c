/* The token cache: serve a fresh cached token, else fetch one once. */
#include "config.h"

#include <string.h>

#include <credring/credring.h>

#include "account/account.h"
#include "base/secret.h"
#include "cache/cache.h"
#include "cache/changes.h"
#include "cache/lock.h"
#include "cache/refresh.h"
#include "keyring/store.h"
#include "service/socket.h"
#include "signin/signin.h"
#include "token/fetch-client.h"
#include "token/token.h"

static gint64
now_seconds (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

static gboolean
load_secret (const CrAccount *account, CrSecretKind kind, char **out, GError **error)
{
  GError *local_error = NULL;

  *out = cr_secret_load (account, kind, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }
  if (*out == NULL)
    {
      /* Every way there is to give it one. */
      g_set_error (error, CR_ERROR, CR_ERROR_CONFIG,
                   "account [%s] has no stored %s: run 'credring login %s' (or set %s, or give "
                   "a service the systemd credential credring.%s.%s)", account->name,
                   cr_secret_kind_describe (kind), account->name,
                   kind == CR_SECRET_PASSWORD ? "password_command" : "secret_command",
                   account->name, cr_secret_kind_to_string (kind));
      return FALSE;
    }
  return TRUE;
}

/* A secret that comes from elsewhere (cache/secrets.c) is never copied
 * to the keyring: it stays where its owner keeps it. */
static gboolean
save_secret (const CrAccount *account, CrSecretKind kind, const char *value, GError **error)
{
  if (cr_secret_source_of (account, kind) != CR_SECRET_SOURCE_KEYRING)
    return TRUE;
  return cr_store_save_secret (account->name, kind, value, error);
}


/* A cached token counts only if it was issued for the account as it is now. */
static gboolean
is_usable (const CrToken *token, const char *fingerprint, gint64 now, gint64 min_valid)
{
  return token != NULL && g_strcmp0 (token->fingerprint, fingerprint) == 0 &&
         cr_token_is_fresh (token, now, min_valid);
}

/* @ok, once @account's change is marked for credring-service
 * (cache/changes.h).  Marked whether the keyring took all of it or not:
 * a mark too many only costs the service one keyring lookup. */
static gboolean
marked (const CrAccount *account, CrChange change, gboolean ok)
{
  cr_change_mark (account->name, change);
  return ok;
}

static gboolean
save_token (const CrAccount *account, CrToken *token, const char *fingerprint, GError **error)
{
  g_free (token->fingerprint);
  token->fingerprint = g_strdup (fingerprint);
  return marked (account, CR_CHANGE_TOKEN,
                 cr_store_save_token (account->name, cr_token_serialize (token),
                                      token->expires_at, error));
}

/* A rotated refresh token first (RFC 9700 §4.14: once the provider has
 * issued it, the old one is dead, and sending that one again may revoke
 * them all), then the token: under the lock, before anyone is handed it. */
static gboolean
save_tokens (const CrAccount *account, CrToken *token, const char *fingerprint, GError **error)
{
  if (token->refresh_token != NULL &&
      !cr_refresh_store (account, token->refresh_token, fingerprint, error))
    {
      /* The new one is lost, and the old one is dead at the provider:
       * kept, it would be sent again and may revoke them all. */
      cr_store_clear_secret (account->name, CR_SECRET_REFRESH_TOKEN, NULL);
      return FALSE;
    }
  /* A sign-in that brought none ends whoever's refresh token was there. */
  if (token->refresh_token == NULL && cr_grant_needs_person (account->grant) &&
      !cr_store_clear_secret (account->name, CR_SECRET_REFRESH_TOKEN, error))
    return FALSE;
  return save_token (account, token, fingerprint, error);
}

/* The secrets the account's requests carry: the client secret unless the
 * client is public, the password for the password grant. */
typedef struct {
  char *client_secret;
  char *password;
  CrClientSecrets view;
} Secrets;

static void
secrets_clear (Secrets *secrets)
{
  cr_secret_free (secrets->client_secret);
  cr_secret_free (secrets->password);
}

static gboolean
load_client_secret (const CrAccount *account, Secrets *secrets, GError **error)
{
  if (account->client_auth != CR_CLIENT_AUTH_NONE &&
      !load_secret (account, CR_SECRET_CLIENT_SECRET, &secrets->client_secret, error))
    return FALSE;
  secrets->view.client_secret = secrets->client_secret;
  return TRUE;
}

/* The stored refresh token's answer; NULL without an error when there is
 * none, or when the provider called it dead and another way remains
 * (@signin_ok, or a grant that needs no person). */
static CrToken *
try_refresh (const CrAccount *account, const CrPluginDescriptor *provider, const Secrets *secrets,
             const char *fingerprint, GBytes *ca_certs, gboolean signin_ok, GError **error)
{
  cr_autosecret char *refresh_token = NULL;
  g_autoptr (GError) refused = NULL;
  GError *local_error = NULL;
  gboolean dead;
  CrToken *token;

  refresh_token = cr_refresh_load (account, fingerprint, NULL, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return NULL;
    }
  if (refresh_token == NULL)
    return NULL;
  g_debug ("account [%s]: using the refresh token", account->name);
  token = cr_refresh_use (account, provider, &secrets->view, refresh_token, ca_certs, &dead,
                          &refused);
  if (token != NULL || !dead)
    {
      if (refused != NULL)
        g_propagate_error (error, g_steal_pointer (&refused));
      return token;
    }
  /* Dead for good: never sent again. */
  if (!cr_refresh_forget_dead (account, fingerprint, error))
    return NULL;
  if (!cr_grant_needs_person (account->grant) || signin_ok)
    return NULL;
  /* A `credring login` outside the service's unit would store a token
   * bound to no credential, which the unit would not use. */
  if (cr_refresh_from_credential (account))
    g_set_error (error, CR_ERROR, CR_ERROR_REJECTED,
                 "%s: put a live refresh token in the systemd credential credring.%s.refresh_token",
                 refused->message, account->name);
  else
    g_set_error (error, CR_ERROR, CR_ERROR_REJECTED, "%s: sign in again with 'credring login %s'",
                 refused->message, account->name);
  return NULL;
}

static CrToken *
fetch_and_store (const CrAccount *account, CrProvider *provider, const char *fingerprint,
                 GBytes *ca_certs, const CrTokenOptions *options, GError **error)
{
  const CrPluginDescriptor *descriptor = cr_provider_get_descriptor (provider);
  Secrets secrets = { NULL };
  g_autoptr (CrToken) token = NULL;
  gboolean signin_ok = cr_grant_needs_person (account->grant) && cr_signin_allowed (account, options);
  GError *local_error = NULL;

  if (!load_client_secret (account, &secrets, error))
    goto out;
  token = try_refresh (account, descriptor, &secrets, fingerprint, ca_certs, signin_ok,
                       &local_error);
  if (token == NULL && local_error != NULL)
    g_propagate_error (error, local_error);
  else if (token == NULL && cr_grant_needs_person (account->grant) && !signin_ok)
    g_set_error (error, CR_ERROR, CR_ERROR_REJECTED,
                 cr_refresh_from_credential (account)
                   ? "account [%s] needs a live refresh token: the one in its systemd credential "
                     "was refused; put a new one in credring.%s.refresh_token"
                   : "account [%s] needs you to sign in: run 'credring login %s'",
                 account->name, account->name);
  else if (token == NULL && cr_grant_needs_person (account->grant))
    token = cr_signin_run (account, provider, &secrets.view, ca_certs, options, error);
  else if (token == NULL && (account->grant != CR_GRANT_PASSWORD ||
                             load_secret (account, CR_SECRET_PASSWORD, &secrets.password, error)))
    {
      secrets.view.password = secrets.password;
      token = cr_fetch_token (account, descriptor, &secrets.view, NULL, ca_certs, error);
    }
  if (token != NULL && !save_tokens (account, token, fingerprint, error))
    g_clear_pointer (&token, cr_token_free);
out:
  secrets_clear (&secrets);
  return g_steal_pointer (&token);
}

static gpointer
decode_token (const char *data, gsize len)
{
  return cr_token_deserialize (data, len, NULL);
}

CrToken *
cr_cache_lookup_token (const char *account, GError **error)
{
  g_return_val_if_fail (account != NULL, NULL);

  return cr_store_lookup_token (account, decode_token, error);
}

/* An explicit minimum the provider's tokens can never meet is an error,
 * not a token that breaks the promise. */
static gboolean
keeps_promise (const CrAccount *account, const CrToken *token, gint64 min_valid, GError **error)
{
  if (min_valid < 0 || cr_token_is_fresh (token, now_seconds (), min_valid))
    return TRUE;
  g_set_error (error, CR_ERROR, CR_ERROR_CONFIG,
               "account [%s]: the provider's tokens last %" G_GINT64_FORMAT
               " s, less than the %" G_GINT64_FORMAT " s asked for (min_valid)",
               account->name, token->expires_at - token->issued_at, min_valid);
  return FALSE;
}

/* How long to wait for the account's lock.  Its holder may spend the whole
 * timeout on HTTP, and more on a keyring unlock prompt: longer than one
 * fetch can take, and than a person has to sign in where one may be
 * signing in. */
static int
lock_wait_seconds (const CrAccount *account)
{
  int signing_in = cr_grant_needs_person (account->grant) ? account->signin_timeout : 0;

  return 2 * account->timeout + 10 + signing_in;
}

static CrLock *
lock_account (const CrAccount *account, GError **error)
{
  return cr_lock_acquire (account->name, lock_wait_seconds (account), NULL, NULL, error);
}

typedef struct {
  const CrAccount *account;
  const CrTokenOptions *options;
  int bound; /* seconds the wait may last */
} Waiter;

static void
tell_waiting (gpointer data)
{
  const Waiter *waiter = data;

  cr_signin_tell (waiter->options,
                  "credring: account [%s]: waiting for another credring process, which may be "
                  "signing in (at most %d s)",
                  waiter->account->name, waiter->bound);
}

/* lock_account() for a caller that would otherwise wait in silence while
 * another process waits for a person: told after a second, on @options'
 * tell (stderr by default).  Other accounts' holders only fetch. */
static CrLock *
lock_account_telling (const CrAccount *account, const CrTokenOptions *options, GError **error)
{
  Waiter waiter = { account, options, lock_wait_seconds (account) };

  return cr_lock_acquire (account->name, waiter.bound,
                          cr_grant_needs_person (account->grant) ? tell_waiting : NULL, &waiter,
                          error);
}

/* The cached token when it is usable now; NULL, without an error, when
 * there is none to serve. */
static CrToken *
lookup_usable (const CrAccount *account, const char *fingerprint, gint64 now, gint64 min_valid,
               GError **error)
{
  g_autoptr (CrToken) token = cr_cache_lookup_token (account->name, error);

  if (token == NULL || !is_usable (token, fingerprint, now, min_valid))
    return NULL;
  g_debug ("account [%s]: cached token valid for %" G_GINT64_FORMAT " s more", account->name,
           token->expires_at - now);
  return g_steal_pointer (&token);
}

/* Once the lock is ours: a token whoever held it before us may have just
 * fetched.  For a forced refresh, only one issued since we were asked
 * (@started) will do (strictly after: the token being replaced may date
 * from that second). */
static CrToken *
lookup_after_waiting (const CrAccount *account, const char *fingerprint, gint64 started,
                      gint64 min_valid, gboolean force_refresh, GError **error)
{
  g_autoptr (CrToken) token = cr_cache_lookup_token (account->name, error);
  gboolean issued_since_asked;
  gint64 wanted;

  if (token == NULL)
    return NULL;
  issued_since_asked = force_refresh ? token->issued_at > started : token->issued_at >= started;
  /* Such a token was fetched for us while we waited, and is as new as one
   * we would fetch ourselves: under the default policy it is served while
   * it is valid at all, however long the wait (many processes, a slow
   * machine) or short its life made it, or each waiter would fetch again.
   * An explicit minimum is a promise, kept or refused by the caller. */
  wanted = (issued_since_asked && min_valid < 0) ? 1 : min_valid;
  if ((!force_refresh || issued_since_asked) &&
      is_usable (token, fingerprint, now_seconds (), wanted))
    return g_steal_pointer (&token);
  return NULL;
}

CrToken *
cr_cache_get_token_with (const CrAccount *account, CrProvider *provider,
                         const CrTokenOptions *options, GError **error)
{
  static const CrTokenOptions defaults = { .min_valid = -1 };
  const CrPluginDescriptor *descriptor;
  g_autofree char *fingerprint = NULL;
  g_autoptr (CrToken) token = NULL;
  g_autoptr (CrLock) lock = NULL;
  g_autoptr (GBytes) ca_certs = NULL;
  GError *local_error = NULL;
  gint64 started = now_seconds ();
  gint64 min_valid;

  g_return_val_if_fail (account != NULL && provider != NULL, NULL);

  if (options == NULL)
    options = &defaults;
  descriptor = cr_provider_get_descriptor (provider);
  min_valid = options->min_valid < 0 ? account->min_valid : options->min_valid;
  fingerprint = cr_account_fingerprint (account, descriptor);

  /* The hot path: one round trip to the service or one keyring lookup,
   * no HTTP. */
  if (!options->force_refresh)
    {
      token = options->ask_service ? cr_service_ask_token (account->name, fingerprint, min_valid)
                                   : NULL;
      if (token == NULL)
        token = lookup_usable (account, fingerprint, started, min_valid, &local_error);
      if (local_error != NULL)
        {
          g_propagate_error (error, local_error);
          return NULL;
        }
      if (token != NULL)
        return g_steal_pointer (&token);
    }

  /* A fetch may follow: a bad ca_file is found before the lock is ours. */
  if (!cr_account_read_ca_file (account, &ca_certs, error))
    return NULL;

  lock = lock_account_telling (account, options, error);
  if (lock == NULL)
    return NULL;

  token = lookup_after_waiting (account, fingerprint, started, min_valid, options->force_refresh,
                                &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return NULL;
    }
  if (token != NULL)
    return g_steal_pointer (&token);

  g_debug ("account [%s]: fetching a new token", account->name);
  token = fetch_and_store (account, provider, fingerprint, ca_certs, options, error);
  if (token != NULL && !keeps_promise (account, token, min_valid, error))
    return NULL;
  return g_steal_pointer (&token);
}

CrToken *
cr_cache_get_token (const CrAccount *account, CrProvider *provider, gint64 min_valid,
                    gboolean force_refresh, GError **error)
{
  CrTokenOptions options = { .min_valid = min_valid, .force_refresh = force_refresh };

  return cr_cache_get_token_with (account, provider, &options, error);
}

CrToken *
cr_cache_signin (const CrAccount *account, CrProvider *provider, const char *client_secret,
                 const CrTokenOptions *options, GError **error)
{
  const CrPluginDescriptor *descriptor;
  g_autofree char *fingerprint = NULL;
  g_autoptr (GBytes) ca_certs = NULL;
  g_autoptr (CrLock) lock = NULL;
  g_autoptr (CrToken) token = NULL;
  Secrets secrets = { NULL };

  g_return_val_if_fail (account != NULL && provider != NULL && options != NULL, NULL);

  descriptor = cr_provider_get_descriptor (provider);
  fingerprint = cr_account_fingerprint (account, descriptor);
  if (!cr_account_read_ca_file (account, &ca_certs, error))
    return NULL;
  lock = lock_account_telling (account, options, error);
  if (lock == NULL)
    return NULL;
  if (client_secret != NULL)
    secrets.view.client_secret = client_secret;
  else if (!load_client_secret (account, &secrets, error))
    goto out;
  token = cr_signin_run (account, provider, &secrets.view, ca_certs, options, error);
  /* The client secret is kept only once it has worked. */
  if (token != NULL &&
      ((client_secret != NULL &&
        !save_secret (account, CR_SECRET_CLIENT_SECRET, client_secret, error)) ||
       !save_tokens (account, token, fingerprint, error)))
    g_clear_pointer (&token, cr_token_free);
  if (token != NULL)
    cr_change_mark (account->name, CR_CHANGE_LOGIN);
out:
  secrets_clear (&secrets);
  return g_steal_pointer (&token);
}

/* Under the lock: the stored refresh token revoked where it was issued. */
static CrRevocation
revoke_refresh_token (const CrAccount *account, CrProvider *provider, GError **error)
{
  g_autofree char *fingerprint = NULL;
  cr_autosecret char *refresh_token = NULL;
  g_autoptr (GBytes) ca_certs = NULL;
  Secrets secrets = { NULL };
  GError *local_error = NULL;
  gboolean other_settings;
  gboolean revoked;

  fingerprint = cr_account_fingerprint (account, cr_provider_get_descriptor (provider));
  refresh_token = cr_refresh_load (account, fingerprint, &other_settings, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return CR_REVOCATION_FAILED;
    }
  /* Sent where today's settings say, it could reach another server: it
   * stays alive where it was issued, and that is said, also when a systemd
   * credential's token came back in its place (that one is for these
   * settings, and is revoked by the next logout --all, the stored one
   * gone by then). */
  if (other_settings)
    {
      g_set_error (error, CR_ERROR, CR_ERROR_CONFIG,
                   "it was issued under other settings of the account (a scope, client_id or "
                   "endpoint that has changed since), so it is not sent under these%s",
                   refresh_token != NULL ? "; run logout --all again to revoke the systemd "
                                           "credential's refresh token"
                                         : "");
      return CR_REVOCATION_FAILED;
    }
  if (refresh_token == NULL)
    return CR_REVOCATION_NOTHING_STORED;
  if (account->revocation_endpoint == NULL)
    return CR_REVOCATION_NO_ENDPOINT;
  revoked = cr_account_read_ca_file (account, &ca_certs, error) &&
            load_client_secret (account, &secrets, error) &&
            cr_refresh_revoke (account, cr_provider_get_descriptor (provider), &secrets.view,
                               refresh_token, ca_certs, error);
  secrets_clear (&secrets);
  return revoked ? CR_REVOCATION_DONE : CR_REVOCATION_FAILED;
}

/* Under the lock, the provider out of reach (@provider_error says why): a
 * refresh token in the keyring cannot be revoked, and is not dropped in
 * silence. */
static CrRevocation
cannot_revoke (const CrAccount *account, const GError *provider_error, GError **error)
{
  cr_autosecret char *stored = NULL;
  GError *local_error = NULL;

  stored = cr_store_lookup_secret (account->name, CR_SECRET_REFRESH_TOKEN, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return CR_REVOCATION_FAILED;
    }
  if (stored == NULL || cr_refresh_is_dead_mark (stored))
    return CR_REVOCATION_NOTHING_STORED;
  g_propagate_error (error, g_error_copy (provider_error));
  return CR_REVOCATION_FAILED;
}

gboolean
cr_cache_forget_all (const CrAccount *account, CrProvider *provider, const GError *provider_error,
                     CrRevocation *revocation, GError **revocation_error, GError **error)
{
  g_autoptr (CrLock) lock = NULL;

  g_return_val_if_fail (account != NULL && revocation != NULL, FALSE);
  g_return_val_if_fail (provider != NULL || provider_error != NULL, FALSE);

  /* One hold of the lock: no refresh rotates the token between the
   * revocation and the removal. */
  *revocation = CR_REVOCATION_NOTHING_STORED;
  lock = lock_account (account, error);
  if (lock == NULL)
    return FALSE;
  if (provider != NULL)
    *revocation = revoke_refresh_token (account, provider, revocation_error);
  else
    *revocation = cannot_revoke (account, provider_error, revocation_error);
  /* The secrets first: when their keyring is locked, nothing at all is dropped. */
  return marked (account, CR_CHANGE_LOGOUT,
                 cr_store_clear_secrets (account->name, error) &&
                   cr_store_clear_token (account->name, error));
}

/* cr_cache_store_login(), the lock held. */
static gboolean
store_login (const CrAccount *account, const CrPluginDescriptor *provider,
             const CrClientSecrets *credentials, const CrToken *token, GError **error)
{
  g_autoptr (CrToken) copy = NULL;
  g_autofree char *fingerprint = NULL;

  if ((account->client_auth != CR_CLIENT_AUTH_NONE &&
       !save_secret (account, CR_SECRET_CLIENT_SECRET, credentials->client_secret, error)) ||
      (account->grant == CR_GRANT_PASSWORD &&
       !save_secret (account, CR_SECRET_PASSWORD, credentials->password, error)))
    return FALSE;
  /* Tokens from the old secrets must not outlive them. */
  if (token == NULL || token->refresh_token == NULL)
    if (!cr_store_clear_secret (account->name, CR_SECRET_REFRESH_TOKEN, error))
      return FALSE;
  if (token == NULL)
    return cr_store_clear_token (account->name, error);
  copy = cr_token_new (token->access_token, token->token_type, token->issued_at,
                       token->expires_at);
  copy->refresh_token = g_strdup (token->refresh_token);
  fingerprint = cr_account_fingerprint (account, provider);
  return save_tokens (account, copy, fingerprint, error);
}

gboolean
cr_cache_store_login (const CrAccount *account, const CrPluginDescriptor *provider,
                      const CrClientSecrets *credentials, const CrToken *token, GError **error)
{
  g_autoptr (CrLock) lock = NULL;

  g_return_val_if_fail (account != NULL && provider != NULL && credentials != NULL, FALSE);

  lock = lock_account (account, error);
  if (lock == NULL)
    return FALSE;
  return marked (account, CR_CHANGE_LOGIN, store_login (account, provider, credentials, token,
                                                        error));
}

gboolean
cr_cache_forget (const CrAccount *account, gboolean secrets_too, GError **error)
{
  g_autoptr (CrLock) lock = NULL;

  g_return_val_if_fail (account != NULL, FALSE);

  /* The secrets first: when their keyring is locked, nothing at all is dropped. */
  lock = lock_account (account, error);
  if (lock == NULL)
    return FALSE;
  return marked (account, CR_CHANGE_LOGOUT,
                 (!secrets_too || cr_store_clear_secrets (account->name, error)) &&
                   cr_store_clear_token (account->name, error));
}

gboolean
cr_cache_forget_token_if (const CrAccount *account, const char *refused, GError **error)
{
  g_autoptr (CrLock) lock = NULL;
  g_autoptr (CrToken) token = NULL;
  GError *local_error = NULL;

  g_return_val_if_fail (account != NULL, FALSE);

  /* Nothing refused is nothing to drop, and no reason to wait. */
  if (refused == NULL)
    return TRUE;
  /* Under the lock, so that the token compared is the token dropped: not
   * one a fetch under way stores in between. */
  lock = lock_account (account, error);
  if (lock == NULL)
    return FALSE;
  token = cr_cache_lookup_token (account->name, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }
  if (token == NULL || !cr_secret_equal (token->access_token, refused))
    return TRUE;
  return marked (account, CR_CHANGE_LOGOUT, cr_store_clear_token (account->name, error));
}
