/* Which sign-in runs, and whether one may start at all: an interactive
 * step starts only when a person can answer it. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <unistd.h>

#include <credring/credring.h>

#include "base/env.h"
#include "provider/discovery.h"
#include "signin/signin.h"
#include "token/fetch-client.h"
#include "token/response.h"

void
cr_signin_tell (const CrTokenOptions *options, const char *format, ...)
{
  g_autofree char *line = NULL;
  va_list args;

  va_start (args, format);
  line = g_strdup_vprintf (format, args);
  va_end (args);
  if (options != NULL && options->tell != NULL)
    options->tell (line, options->tell_data);
  else
    fprintf (stderr, "%s\n", line);
}

gboolean
cr_signin_still_wanted (GError **error)
{
  return !g_cancellable_set_error_if_cancelled (g_cancellable_get_current (), error);
}

/* Often enough that a cancelled wait ends at once for a person, seldom
 * enough to cost nothing. */
#define PAUSE_SLICE_MS 100

gboolean
cr_signin_pause (gint64 ms, GError **error)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;
  gint64 left;

  while ((left = end - g_get_monotonic_time ()) > 0)
    {
      if (!cr_signin_still_wanted (error))
        return FALSE;
      g_usleep ((gulong) MIN (left, PAUSE_SLICE_MS * 1000));
    }
  return cr_signin_still_wanted (error);
}

CrToken *
cr_signin_exchange (const CrAccount *account, const CrPluginDescriptor *provider,
                    const CrClientSecrets *credentials, const CrGrantInput *input,
                    GBytes *ca_certs, GError **error)
{
  g_autoptr (CrResponse) response =
    cr_fetch_call (account, provider, credentials, input, ca_certs, error);

  if (response == NULL)
    return NULL;
  return cr_response_parse (provider, account, response, g_get_real_time () / G_USEC_PER_SEC,
                            error);
}

gboolean
cr_signin_has_desktop (void)
{
  const char *x11 = cr_getenv_secure ("DISPLAY");
  const char *wayland = cr_getenv_secure ("WAYLAND_DISPLAY");

  return (x11 != NULL && *x11 != '\0') || (wayland != NULL && *wayland != '\0');
}

CrSigninMethod
cr_signin_pick_method (const CrAccount *account, const CrTokenOptions *options)
{
  if (options->method != CR_SIGNIN_METHOD_DEFAULT)
    return options->method;
  if (account->grant == CR_GRANT_DEVICE_CODE)
    return CR_SIGNIN_METHOD_DEVICE;
  /* Without a desktop no browser opens here; a code works from any
   * device.  --no-browser says the person has one elsewhere. */
  if (!cr_signin_has_desktop () && !options->no_browser && account->device_endpoint != NULL)
    return CR_SIGNIN_METHOD_DEVICE;
  return CR_SIGNIN_METHOD_BROWSER;
}

gboolean
cr_signin_allowed (const CrAccount *account, const CrTokenOptions *options)
{
  /* Where the URL or the code is shown, someone must be looking. */
  gboolean terminal = options->tell != NULL || isatty (STDERR_FILENO);

  switch (options->signin)
    {
    case CR_SIGNIN_ALWAYS:
      return TRUE;
    case CR_SIGNIN_IF_SOMEONE_ANSWERS:
      if (cr_signin_pick_method (account, options) == CR_SIGNIN_METHOD_DEVICE)
        return terminal;
      /* The browser comes back to a desktop here; from elsewhere, only
       * through a person pasting on a terminal (git's stdin is git's). */
      return (!options->no_browser && cr_signin_has_desktop ()) ||
             (terminal && isatty (STDIN_FILENO));
    case CR_SIGNIN_NEVER:
    default:
      return FALSE;
    }
}

CrToken *
cr_signin_run (const CrAccount *account, CrProvider *provider,
               const CrClientSecrets *credentials, GBytes *ca_certs,
               const CrTokenOptions *options, GError **error)
{
  const CrPluginDescriptor *descriptor = cr_provider_get_descriptor (provider);
  CrSigninMethod method = cr_signin_pick_method (account, options);

  if (method == CR_SIGNIN_METHOD_DEVICE && account->device_endpoint == NULL)
    {
      g_set_error (error, CR_ERROR, CR_ERROR_CONFIG,
                   "account [%s]: provider %s has no device authorization endpoint "
                   "(device_authorization_url)",
                   account->name, descriptor->name);
      return NULL;
    }
  if (method == CR_SIGNIN_METHOD_BROWSER && account->authorization_endpoint == NULL)
    {
      g_set_error (error, CR_ERROR, CR_ERROR_CONFIG,
                   "account [%s]: provider %s has no authorization endpoint (authorization_url)",
                   account->name, descriptor->name);
      return NULL;
    }
  if (method == CR_SIGNIN_METHOD_DEVICE)
    return cr_signin_device (account, descriptor, credentials, ca_certs, options, error);
  return cr_signin_browser (account, descriptor, cr_provider_issuer_in_redirect (provider),
                            credentials, ca_certs, options, error);
}
