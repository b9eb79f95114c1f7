/* The verdicts on a token endpoint's answer that every reader of one
 * shares: the standard mapping (response.c) and a plugin's parse_response
 * hook (hooks.c) refuse the same tokens in the same words. */
#include "config.h"

#include <string.h>

#include <credring/credring.h>

#include "token/response-rules.h"
#include "token/token.h"

void
cr_response_set_provider_error (GError **error, int code, const char *message, long status)
{
  switch (code)
    {
    case CR_ERROR_CONFIG:
      g_set_error (error, CR_ERROR, CR_ERROR_CONFIG,
                   "the provider refused the request: %s (HTTP %ld); check the account's settings",
                   message, status);
      break;
    case CR_ERROR_REJECTED:
      g_set_error (error, CR_ERROR, CR_ERROR_REJECTED, "the provider refused: %s (HTTP %ld)",
                   message, status);
      break;
    default:
      g_set_error (error, CR_ERROR, CR_ERROR_NETWORK, "token endpoint error: %s (HTTP %ld)",
                   message, status);
      break;
    }
}

gboolean
cr_response_invalid_token (GError **error, long status, const char *why)
{
  g_set_error (error, CR_ERROR, CR_ERROR_NETWORK, "token endpoint answered HTTP %ld but %s",
               status, why);
  return FALSE;
}

gboolean
cr_response_check_token (const char *access_token, const char *token_type, gint64 expires_at,
                         gint64 now, long status, GError **error)
{
  /* Its own message: a long JWT is otherwise a fine token, and "holding
   * characters outside %x20-7E" would send the reader the wrong way. */
  if (access_token != NULL && strnlen (access_token, CR_TOKEN_MAX_BYTES + 1) > CR_TOKEN_MAX_BYTES)
    {
      g_autofree char *why = g_strdup_printf ("with a token longer than %d bytes",
                                              CR_TOKEN_MAX_BYTES);

      return cr_response_invalid_token (error, status, why);
    }
  if (!cr_token_text_is_valid (access_token))
    return cr_response_invalid_token (error, status,
                          "with an empty token or one holding characters outside %x20-7E");
  if (token_type != NULL && g_ascii_strcasecmp (token_type, "Bearer") != 0)
    return cr_response_invalid_token (error, status, "with a token_type other than Bearer");
  if (expires_at <= now)
    return cr_response_invalid_token (error, status, "with a token that has already expired");
  if (expires_at - now > CR_TOKEN_MAX_LIFETIME_SECONDS)
    return cr_response_invalid_token (error, status, "with an expiry more than ten years away");
  return TRUE;
}

void
cr_response_free (CrResponse *response)
{
  if (response == NULL)
    return;
  g_free (response->content_type);
  cr_secret_free_sized (response->body, response->body_len);
  g_free (response);
}
