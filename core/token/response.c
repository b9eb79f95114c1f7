/* Turning a token endpoint's answer into a token or one clear error line.
 *
 * Every check here stands between a server and the keyring (and git's line
 * protocol): nothing is stored unless the whole answer is a valid token. */
#include "config.h"

#include <string.h>

#include <credring/credring.h>

#include "base/ascii.h"
#include "token/hooks.h"
#include "token/json.h"
#include "token/response-rules.h"
#include "token/response.h"
#include "token/token.h"

#define MESSAGE_MAX_CHARS 200

static gboolean
is_success (long status)
{
  return status >= 200 && status < 300;
}

/* The provider's own words, in whichever shape it documents: RFC 6749
 * error/error_description, ANTS's name/message, Dataloy's message. */
static char *
provider_message (CrJsonObject *object)
{
  const char *code = cr_json_object_get_string (object, "error");
  const char *text = cr_json_object_get_string (object, "error_description");
  g_autofree char *joined = NULL;

  if (code == NULL)
    code = cr_json_object_get_string (object, "name");
  if (text == NULL)
    text = cr_json_object_get_string (object, "message");
  if (code == NULL && text == NULL)
    return NULL;
  if (code != NULL && text != NULL)
    joined = g_strconcat (code, ": ", text, NULL);
  else
    joined = g_strdup (code != NULL ? code : text);
  return cr_escape_for_message (joined, -1, MESSAGE_MAX_CHARS);
}

/* RFC 6749 §5.2 codes that say the request itself is wrong (a scope or an
 * audience the client may not have, a missing parameter): a matter of the
 * account's configuration, not of its credentials. */
static gboolean
is_configuration_error (CrJsonObject *object)
{
  static const char *const codes[] = {
    "invalid_request", "invalid_scope", "unsupported_grant_type", NULL,
  };
  const char *code = cr_json_object_get_string (object, "error");

  if (code == NULL)
    code = cr_json_object_get_string (object, "name");
  return code != NULL && g_strv_contains (codes, code);
}

static void
set_error_answer (const CrResponse *response, CrJsonObject *object, GError **error)
{
  g_autofree char *message = object ? provider_message (object) : NULL;
  g_autofree char *content_type =
    cr_escape_for_message (response->content_type ? response->content_type : "no content type",
                           -1, 80);
  long status = response->status;

  if (status == 400 && message != NULL && is_configuration_error (object))
    {
      cr_response_set_provider_error (error, CR_ERROR_CONFIG, message, status);
      return;
    }
  /* 400 carries OAuth errors (RFC 6749 §5.2); 401/403 mean the client or
   * user was refused even when the body says nothing useful. */
  if ((status == 400 && message != NULL) || status == 401 || status == 403)
    {
      if (message != NULL)
        cr_response_set_provider_error (error, CR_ERROR_REJECTED, message, status);
      else
        g_set_error (error, CR_ERROR, CR_ERROR_REJECTED,
                     "the provider refused the credentials (HTTP %ld, %s)", status, content_type);
      return;
    }
  if (message != NULL)
    cr_response_set_provider_error (error, CR_ERROR_NETWORK, message, status);
  else
    g_set_error (error, CR_ERROR, CR_ERROR_NETWORK,
                 "token endpoint answered HTTP %ld (%s) without a token", status, content_type);
}

static gboolean
read_expiry (const CrPluginDescriptor *provider, CrJsonObject *object, long status, gint64 now,
             gint64 *expires_at, GError **error)
{
  CrJsonType type;
  const char *text;

  if (!cr_json_object_get (object, provider->expiry_field, &type, &text))
    return cr_response_invalid_token (error, status, "without an expiry");

  if (provider->expiry_form == CR_EXPIRY_SECONDS)
    {
      guint64 seconds;

      /* Digits only: no sign, fraction or exponent, and no overflow past the cap. */
      if (type != CR_JSON_NUMBER || strspn (text, "0123456789") != strlen (text) ||
          !g_ascii_string_to_unsigned (text, 10, 1, CR_TOKEN_MAX_LIFETIME_SECONDS, &seconds, NULL))
        return cr_response_invalid_token (error, status, "with an expires_in that is not a whole number of "
                                             "seconds from 1 to ten years");
      *expires_at = now + (gint64) seconds;
      return TRUE;
    }

  g_autoptr (GDateTime) when = NULL;
  if (type == CR_JSON_STRING)
    when = g_date_time_new_from_iso8601 (text, NULL);
  if (when == NULL)
    return cr_response_invalid_token (error, status, "with an expiry that is not an ISO-8601 time with a zone");
  *expires_at = g_date_time_to_unix (when);
  return TRUE;
}

/* RFC 6749 §5.1: an optional string, checked as an access token is (it
 * goes into the keyring and, rotated, back onto the wire). */
static gboolean
read_refresh_token (CrJsonObject *object, long status, const char **out, GError **error)
{
  CrJsonType type;

  *out = NULL;
  if (!cr_json_object_get (object, "refresh_token", &type, out) || type == CR_JSON_NULL)
    {
      *out = NULL;
      return TRUE;
    }
  if (type != CR_JSON_STRING || !cr_token_text_is_valid (*out))
    return cr_response_invalid_token (error, status,
                                      "with a refresh_token that is not printable ASCII");
  return TRUE;
}

CrToken *
cr_response_parse (const CrPluginDescriptor *provider, const CrAccount *account,
                   const CrResponse *response, gint64 now, GError **error)
{
  g_autoptr (CrJsonObject) object = NULL;
  g_autoptr (GError) json_error = NULL;
  const char *access_token;
  const char *token_type = NULL;
  const char *refresh_token = NULL;
  gint64 expires_at = 0;
  CrJsonType type;
  CrToken *token;

  g_return_val_if_fail (provider != NULL && response != NULL, NULL);

  if (provider->parse_response != NULL)
    return cr_hook_parse_response (provider, account, response, now, error);

  object = cr_json_parse_object (response->body, response->body_len, &json_error);
  if (!is_success (response->status) ||
      (object != NULL && cr_json_object_get (object, "error", NULL, NULL)))
    {
      set_error_answer (response, object, error);
      return NULL;
    }
  if (object == NULL)
    {
      g_autofree char *content_type = cr_escape_for_message (
        response->content_type ? response->content_type : "no content type", -1, 80);
      g_autofree char *why = g_strdup_printf ("with %s that is not a token: %s", content_type,
                                              json_error->message);

      cr_response_invalid_token (error, response->status, why);
      return NULL;
    }

  if (!cr_json_object_get (object, provider->token_field, &type, &access_token) ||
      type != CR_JSON_STRING)
    {
      cr_response_invalid_token (error, response->status, "without a token");
      return NULL;
    }
  if (provider->token_type_field != NULL &&
      cr_json_object_get (object, provider->token_type_field, NULL, NULL))
    {
      token_type = cr_json_object_get_string (object, provider->token_type_field);
      if (token_type == NULL)
        {
          cr_response_invalid_token (error, response->status, "with a token_type other than Bearer");
          return NULL;
        }
    }
  if (!read_expiry (provider, object, response->status, now, &expires_at, error) ||
      !cr_response_check_token (access_token, token_type, expires_at, now, response->status,
                                error) ||
      !read_refresh_token (object, response->status, &refresh_token, error))
    return NULL;
  token = cr_token_new (access_token, token_type ? token_type : "Bearer", now, expires_at);
  token->refresh_token = g_strdup (refresh_token);
  return token;
}

gboolean
cr_response_set_failure (const CrResponse *response, GError **error)
{
  g_autoptr (CrJsonObject) object = NULL;

  g_return_val_if_fail (response != NULL, FALSE);

  object = cr_json_parse_object (response->body, response->body_len, NULL);
  set_error_answer (response, object, error);
  return FALSE;
}

char *
cr_response_oauth_error (const CrResponse *response)
{
  g_autoptr (CrJsonObject) object = NULL;
  const char *code;

  g_return_val_if_fail (response != NULL, NULL);

  /* RFC 6749 §5.2: 400, or 401 for a client that failed to authenticate. */
  if (response->status != 400 && response->status != 401)
    return NULL;
  object = cr_json_parse_object (response->body, response->body_len, NULL);
  code = object != NULL ? cr_json_object_get_string (object, "error") : NULL;
  /* The codes are words (RFC 6749 A.7): nothing else is taken for one. */
  if (code == NULL || !cr_ascii_is_word (code, 64, "_"))
    return NULL;
  return g_strdup (code);
}
