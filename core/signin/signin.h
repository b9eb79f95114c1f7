/* Private to libcredring: signing a person in (signin/), for the cache
 * (cache/cache.c), which runs it under the account's lock. */
#ifndef CR_SIGNIN_H
#define CR_SIGNIN_H

#include <credring/credring.h>

#include "token/request.h"

G_BEGIN_DECLS

/* @bytes random bytes as base64url text: PKCE verifiers, states. */
char *cr_signin_random_text (gsize bytes, GError **error);
/* BASE64URL (SHA256 (@verifier)), RFC 7636 §4.2. */
char *cr_pkce_challenge (const char *verifier);

/* TRUE in a desktop session (DISPLAY or WAYLAND_DISPLAY): a browser
 * opened here comes back to this machine. */
gboolean cr_signin_has_desktop (void);

/* The method a sign-in of @account uses under @options: the asked one,
 * else the account's grant, with the device flow where there is no
 * desktop for a browser and the provider offers it. */
CrSigninMethod cr_signin_pick_method (const CrAccount *account, const CrTokenOptions *options);
/* TRUE when @options let a sign-in start now: ALWAYS, or IF_SOMEONE_ANSWERS
 * and someone can (see CrSigninPolicy). */
gboolean cr_signin_allowed (const CrAccount *account, const CrTokenOptions *options);

/* Runs the sign-in and exchanges its result for a token (with the
 * refresh token, if the provider gave one).  @credentials' client secret
 * is NULL for a public client.  Every message goes to stderr; errors name
 * the account. */
CrToken *cr_signin_run (const CrAccount *account, CrProvider *provider,
                        const CrClientSecrets *credentials, GBytes *ca_certs,
                        const CrTokenOptions *options, GError **error);

/* The two flows (authorize.c, device.c). */
/* @issuer_in_redirect: the issuer said its redirects carry "iss" (RFC 9207
 * §3; cr_provider_issuer_in_redirect()), so one without it is refused. */
CrToken *cr_signin_browser (const CrAccount *account, const CrPluginDescriptor *provider,
                            gboolean issuer_in_redirect, const CrClientSecrets *credentials,
                            GBytes *ca_certs, const CrTokenOptions *options, GError **error);
CrToken *cr_signin_device (const CrAccount *account, const CrPluginDescriptor *provider,
                           const CrClientSecrets *credentials, GBytes *ca_certs,
                           const CrTokenOptions *options, GError **error);

/* Sends @input to the token endpoint and reads the token; errors do not
 * name the account. */
CrToken *cr_signin_exchange (const CrAccount *account, const CrPluginDescriptor *provider,
                             const CrClientSecrets *credentials, const CrGrantInput *input,
                             GBytes *ca_certs, GError **error);

/* FALSE, with G_IO_ERROR_CANCELLED, once the work this thread does for a
 * caller was given up: cr_login_async() and cr_token_get_async() make
 * their GCancellable the thread's current one (g_cancellable_push_current()),
 * and the service cancels a Login whose caller left the bus.  A person's
 * sign-in checks between its waits, so that nothing goes on waiting for
 * someone who is gone. */
gboolean cr_signin_still_wanted (GError **error);
/* g_usleep() of @ms, cut short (FALSE, G_IO_ERROR_CANCELLED) when the work
 * is given up meanwhile (cr_signin_still_wanted()). */
gboolean cr_signin_pause (gint64 ms, GError **error);

/* Shows the person one line through @options->tell, else on stderr. */
void cr_signin_tell (const CrTokenOptions *options, const char *format, ...) G_GNUC_PRINTF (2, 3);

/* Opens @url in the person's browser: each command of $BROWSER (a colon
 * list, "%s" standing for the URL) in turn, else xdg-open.  FALSE (with
 * no error: the URL is on stderr anyway) when none would start. */
gboolean cr_signin_open_browser (const char *url);

G_END_DECLS

#endif /* CR_SIGNIN_H */
