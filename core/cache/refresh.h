/* Private to libcredring: using and revoking refresh tokens (refresh.c). */
#ifndef CR_REFRESH_H
#define CR_REFRESH_H

#include <credring/credring.h>

G_BEGIN_DECLS

/* Keeps @refresh_token (secret) as @account's, bound to @fingerprint, the
 * settings it was issued under (and to the systemd credential that gave
 * the account its first one, if one did: the same token as that
 * credential's is not copied to the keyring). */
gboolean cr_refresh_store (const CrAccount *account, const char *refresh_token,
                           const char *fingerprint, GError **error);
/* The stored refresh token (secret) when it was issued under
 * @fingerprint; one issued under other settings is dropped, and
 * *@other_settings (nullable) says so.  Else the account's systemd
 * credential refresh_token, if it has one and it was not found dead.
 * NULL without an error when there is none (to use). */
char *cr_refresh_load (const CrAccount *account, const char *fingerprint,
                       gboolean *other_settings, GError **error);
/* Whether a systemd credential gives @account its refresh token (which
 * credring cannot change: a dead one is marked, a new one goes there). */
gboolean cr_refresh_from_credential (const CrAccount *account);
/* Whether @stored, the keyring's refresh_token secret, is only the mark
 * of a dead credential (cr_refresh_forget_dead()): nothing to send or
 * revoke. */
gboolean cr_refresh_is_dead_mark (const char *stored);
/* The refresh token cr_refresh_load() gave was refused as dead: it is
 * never sent again.  The keyring's copy is dropped; a systemd credential,
 * which credring cannot change, is marked dead in the keyring until the
 * credential holds another token (or a sign-in stores one). */
gboolean cr_refresh_forget_dead (const CrAccount *account, const char *fingerprint,
                                 GError **error);

/* A new token for @refresh_token, whose refresh_token is the one to keep
 * from now on (the rotated one, else @refresh_token).  On failure *@dead
 * says the provider called it invalid_grant (expired, revoked or
 * superseded): it is to be dropped.  Errors name the account. */
CrToken *cr_refresh_use (const CrAccount *account, const CrPluginDescriptor *provider,
                         const CrClientSecrets *credentials, const char *refresh_token,
                         GBytes *ca_certs, gboolean *dead, GError **error);

/* Revokes @refresh_token at the account's revocation endpoint (RFC 7009). */
gboolean cr_refresh_revoke (const CrAccount *account, const CrPluginDescriptor *provider,
                            const CrClientSecrets *credentials, const char *refresh_token,
                            GBytes *ca_certs, GError **error);

G_END_DECLS

#endif /* CR_REFRESH_H */
