/* Signing in with a code (RFC 8628): the provider hands out a device code
 * and a short user code; the person enters the user code at the
 * verification URI on any device, while credring polls the token
 * endpoint at the interval the provider asks for. */
#include "config.h"

#include <string.h>

#include <credring/credring.h>

#include "account/account.h"
#include "signin/signin.h"
#include "token/fetch-client.h"
#include "token/json.h"
#include "token/response.h"

/* RFC 8628 §3.2: 5 s when the provider says nothing; more than five
 * minutes between polls is a provider's mistake, not a plan. */
#define DEFAULT_INTERVAL_SECONDS 5
#define MAX_INTERVAL_SECONDS 300
/* §3.5: slow_down adds five seconds to every later interval. */
#define SLOW_DOWN_SECONDS 5
#define USER_CODE_MAX_CHARS 64

typedef struct {
  char *device_code; /* secret */
  char *user_code;
  char *verification_uri;
  char *verification_uri_complete; /* nullable */
  gint64 expires_in;
  gint64 interval;
} DeviceGrant;

static void
device_grant_clear (DeviceGrant *grant)
{
  cr_secret_free (grant->device_code);
  g_free (grant->user_code);
  g_free (grant->verification_uri);
  g_free (grant->verification_uri_complete);
}

static gboolean
read_seconds (CrJsonObject *object, const char *name, gint64 fallback, gint64 max, gint64 *out)
{
  CrJsonType type;
  const char *text;
  guint64 value;

  *out = fallback;
  if (!cr_json_object_get (object, name, &type, &text))
    return fallback > 0;
  if (type != CR_JSON_NUMBER || !g_ascii_string_to_unsigned (text, 10, 1, max, &value, NULL))
    return FALSE;
  *out = (gint64) value;
  return TRUE;
}

/* A URI the person is sent to: https, one line (it is shown as it is). */
static char *
read_uri (CrJsonObject *object, const char *name)
{
  const char *text = cr_json_object_get_string (object, name);

  if (text == NULL || !g_str_has_prefix (text, "https://") || strlen (text) > 2048)
    return NULL;
  return cr_escape_for_message (text, -1, 2048);
}

/* RFC 8628 §3.2's answer. */
static gboolean
read_device_grant (const CrResponse *response, DeviceGrant *grant, GError **error)
{
  g_autoptr (CrJsonObject) object = NULL;
  const char *device_code, *user_code;

  if (response->status < 200 || response->status >= 300)
    return cr_response_set_failure (response, error);
  object = cr_json_parse_object (response->body, response->body_len, NULL);
  device_code = object ? cr_json_object_get_string (object, "device_code") : NULL;
  user_code = object ? cr_json_object_get_string (object, "user_code") : NULL;
  if (object == NULL || device_code == NULL || *device_code == '\0' || user_code == NULL ||
      *user_code == '\0' || g_utf8_strlen (user_code, -1) > USER_CODE_MAX_CHARS ||
      (grant->verification_uri = read_uri (object, "verification_uri")) == NULL ||
      !read_seconds (object, "expires_in", 0, 24 * 3600, &grant->expires_in) ||
      !read_seconds (object, "interval", DEFAULT_INTERVAL_SECONDS, MAX_INTERVAL_SECONDS,
                     &grant->interval))
    {
      g_set_error (error, CR_ERROR, CR_ERROR_NETWORK,
                   "the device authorization endpoint answered HTTP %ld without a valid device "
                   "code, user code, https verification_uri and expiry (RFC 8628 §3.2)",
                   response->status);
      return FALSE;
    }
  grant->device_code = g_strdup (device_code);
  grant->user_code = cr_escape_for_message (user_code, -1, USER_CODE_MAX_CHARS);
  grant->verification_uri_complete = read_uri (object, "verification_uri_complete");
  return TRUE;
}

/* One poll: a token, or NULL with *@again when the person has not
 * finished yet (the interval grown on slow_down). */
static CrToken *
poll_once (const CrAccount *account, const CrPluginDescriptor *provider,
           const CrClientSecrets *credentials, GBytes *ca_certs, DeviceGrant *grant,
           gboolean *again, GError **error)
{
  CrGrantInput input = {
    .call = CR_CALL_TOKEN, .grant = CR_GRANT_DEVICE_CODE, .device_code = grant->device_code,
  };
  g_autoptr (CrResponse) response = NULL;
  g_autofree char *code = NULL;

  *again = FALSE;
  response = cr_fetch_call (account, provider, credentials, &input, ca_certs, error);
  if (response == NULL)
    return NULL;
  if (response->status >= 200 && response->status < 300)
    return cr_response_parse (provider, account, response, g_get_real_time () / G_USEC_PER_SEC,
                              error);
  code = cr_response_oauth_error (response);
  if (g_strcmp0 (code, "authorization_pending") == 0 || g_strcmp0 (code, "slow_down") == 0)
    {
      if (g_str_equal (code, "slow_down"))
        grant->interval = MIN (grant->interval + SLOW_DOWN_SECONDS, MAX_INTERVAL_SECONDS);
      *again = TRUE;
      return NULL;
    }
  if (g_strcmp0 (code, "expired_token") == 0)
    g_set_error (error, CR_ERROR, CR_ERROR_REJECTED,
                 "the code expired before the sign-in was done: run 'credring login %s' again",
                 account->name);
  else if (g_strcmp0 (code, "access_denied") == 0)
    g_set_error (error, CR_ERROR, CR_ERROR_REJECTED, "the sign-in was refused (access_denied)");
  else
    cr_response_set_failure (response, error);
  return NULL;
}

static CrToken *
sign_in (const CrAccount *account, const CrPluginDescriptor *provider,
         const CrClientSecrets *credentials, GBytes *ca_certs, const CrTokenOptions *options,
         DeviceGrant *grant, GError **error)
{
  CrGrantInput input = { .call = CR_CALL_DEVICE_AUTHORIZATION };
  g_autoptr (CrResponse) response = NULL;
  gint64 deadline;

  response = cr_fetch_call (account, provider, credentials, &input, ca_certs, error);
  if (response == NULL || !read_device_grant (response, grant, error))
    return NULL;
  cr_signin_tell (options, "credring: account [%s]: to sign in, visit %s and enter the code %s",
                  account->name, grant->verification_uri, grant->user_code);
  if (grant->verification_uri_complete != NULL)
    cr_signin_tell (options, "credring: or open %s", grant->verification_uri_complete);

  /* Whichever ends first: the code's life or the person's time. */
  deadline = g_get_monotonic_time () +
             MIN (grant->expires_in, (gint64) account->signin_timeout) * G_USEC_PER_SEC;
  for (;;)
    {
      gboolean again;
      CrToken *token;

      if (g_get_monotonic_time () + grant->interval * G_USEC_PER_SEC > deadline)
        break;
      if (!cr_signin_pause (grant->interval * 1000, error))
        return NULL;
      token = poll_once (account, provider, credentials, ca_certs, grant, &again, error);
      if (!again)
        return token;
    }
  g_set_error (error, CR_ERROR, CR_ERROR_REJECTED,
               "nobody entered the code in time: run 'credring login %s' again", account->name);
  return NULL;
}

CrToken *
cr_signin_device (const CrAccount *account, const CrPluginDescriptor *provider,
                  const CrClientSecrets *credentials, GBytes *ca_certs,
                  const CrTokenOptions *options, GError **error)
{
  DeviceGrant grant = { NULL };
  CrToken *token = sign_in (account, provider, credentials, ca_certs, options, &grant, error);

  device_grant_clear (&grant);
  return token != NULL ? token : cr_account_prefix_error (error, account);
}
