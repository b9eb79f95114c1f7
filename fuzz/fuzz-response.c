/* libFuzzer harness for token responses: cr_response_parse() (core/token/response.c)
 * over the JSON reader (core/token/json.c) and yajl, against the four real
 * provider descriptors.
 *
 * Input: 2 bytes big-endian -> HTTP status 100..599, 1 byte -> an index
 * into content_types[], the rest -> the body.  For each provider:
 *
 * - a token comes only from a 2xx answer, without an error; its text is
 *   printable ASCII, its type is Bearer, it expires after "now" and within
 *   ten years, and it survives cr_token_serialize/deserialize unchanged;
 * - a failure is CR_ERROR_REJECTED (only for HTTP 400, 401 and 403) or
 *   CR_ERROR_NETWORK, with a one-line printable message;
 * - when the body carries FUZZ_CANARY only inside the provider's token
 *   member, no heap block holding it may be freed unwiped: not yajl's
 *   buffers, not the JSON reader's, not an error message.
 *
 * Seeds (fuzz/corpus/response/) are the providers' documented success and
 * error bodies (../shared/seeds/), made with fuzz/make-seeds.py. */

#include "config.h"

#include <string.h>

#include <yajl/yajl_tree.h>

#include "common.h"
#include "token/response.h"
#include "token/token.h"

/* One hour before the expiry in ANTS's documented answer
 * (2023-08-10T12:41:57Z), so that its seed is a success. */
#define NOW G_GINT64_CONSTANT (1691667717)
#define MAX_LIFETIME_SECONDS (10 * 366 * 24 * 3600)

static const char *const content_types[] = {
  "application/json",
  "application/json; charset=utf-8",
  "application/json;charset=UTF-8",
  NULL,
  "text/html; charset=utf-8",
  "text/plain",
  "application/x-www-form-urlencoded",
  "application/problem+json",
  "",
  "application/json\x1b[2K\r",
  "text/html; charset=\xff\xfe",
};

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  fuzz_init ();
  return 0;
}

static gboolean
holds_canary (const char *text)
{
  return text != NULL && strstr (text, FUZZ_CANARY) != NULL;
}

/* Whether the canary appears in the parsed body anywhere but as the value
 * of the top-level member @token_field. */
static gboolean
canary_elsewhere (yajl_val value, const char *token_field, gboolean top)
{
  if (YAJL_IS_STRING (value))
    return holds_canary (YAJL_GET_STRING (value));
  if (YAJL_IS_ARRAY (value))
    {
      for (size_t i = 0; i < YAJL_GET_ARRAY (value)->len; i++)
        if (canary_elsewhere (YAJL_GET_ARRAY (value)->values[i], token_field, FALSE))
          return TRUE;
      return FALSE;
    }
  if (YAJL_IS_OBJECT (value))
    {
      for (size_t i = 0; i < YAJL_GET_OBJECT (value)->len; i++)
        {
          const char *key = YAJL_GET_OBJECT (value)->keys[i];
          yajl_val member = YAJL_GET_OBJECT (value)->values[i];

          if (holds_canary (key))
            return TRUE;
          if (top && strcmp (key, token_field) == 0 && YAJL_IS_STRING (member))
            continue;
          if (canary_elsewhere (member, token_field, FALSE))
            return TRUE;
        }
    }
  return FALSE;
}

/* Watch for the canary only when it is part of the token and nothing else:
 * the other members are public and may be freed as they are. */
static gboolean
should_watch (const CrResponse *response, const CrPluginDescriptor *provider)
{
  yajl_val tree;
  gboolean elsewhere;

  if (memchr (response->body, '\0', response->body_len) != NULL ||
      !holds_canary (response->body))
    return FALSE;
  tree = yajl_tree_parse (response->body, NULL, 0);
  if (tree == NULL)
    return FALSE;
  elsewhere = !YAJL_IS_OBJECT (tree) || canary_elsewhere (tree, provider->token_field, TRUE);
  yajl_tree_free (tree);
  return !elsewhere;
}

static void
check_token (const CrToken *token, const CrResponse *response)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CrToken) copy = NULL;
  char *serialized;

  if (response->status < 200 || response->status > 299)
    fuzz_fail ("a token from HTTP %ld", response->status);
  if (!cr_token_text_is_valid (token->access_token))
    fuzz_fail ("token text outside %%x20-7E");
  if (token->token_type == NULL || g_ascii_strcasecmp (token->token_type, "Bearer") != 0)
    fuzz_fail ("token type is not Bearer");
  if (token->issued_at != NOW || token->expires_at <= NOW ||
      token->expires_at - NOW > MAX_LIFETIME_SECONDS)
    fuzz_fail ("token lifetime %" G_GINT64_FORMAT " .. %" G_GINT64_FORMAT " out of bounds",
               token->issued_at, token->expires_at);

  /* What the keyring would hold must read back as the same token. */
  serialized = cr_token_serialize (token);
  copy = cr_token_deserialize (serialized, strlen (serialized), &error);
  cr_secret_free (serialized);
  if (copy == NULL)
    fuzz_fail ("serialized token does not read back: %s", error->message);
  if (strcmp (copy->access_token, token->access_token) != 0 ||
      strcmp (copy->token_type, token->token_type) != 0 || copy->issued_at != token->issued_at ||
      copy->expires_at != token->expires_at)
    fuzz_fail ("token changed through the keyring form");
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  CrResponse response = { 0 };
  char *body;

  if (size < 3)
    return 0;
  response.status = 100 + ((data[0] << 8) | data[1]) % 500;
  response.content_type = (char *) content_types[data[2] % G_N_ELEMENTS (content_types)];
  response.body_len = size - 3;
  response.retry_after = -1;
  /* Exactly as long as the body and its terminator, so that ASan sees any
   * read past them. */
  body = g_malloc (response.body_len + 1);
  memcpy (body, data + 3, response.body_len);
  body[response.body_len] = '\0';
  response.body = body;

  for (int i = 0; i < FUZZ_N_PROVIDERS; i++)
    {
      const CrPluginDescriptor *provider = fuzz_providers[i];
      GError *error = NULL;
      CrToken *token;
      gboolean watch = should_watch (&response, provider);

      if (watch)
        fuzz_watch_secret (FUZZ_CANARY);
      token = cr_response_parse (provider, NULL, &response, NOW, &error);
      if (token != NULL)
        {
          if (error != NULL)
            fuzz_fail ("a token and an error");
          check_token (token, &response);
          cr_token_free (token);
        }
      else
        {
          fuzz_check_message (error);
          if (error->code == CR_ERROR_REJECTED)
            {
              if (response.status != 400 && response.status != 401 && response.status != 403)
                fuzz_fail ("CR_ERROR_REJECTED for HTTP %ld", response.status);
            }
          /* A 400 calling the request itself wrong (invalid_scope, ...) is the
           * account's configuration. */
          else if (error->code == CR_ERROR_CONFIG)
            {
              if (response.status != 400)
                fuzz_fail ("CR_ERROR_CONFIG for HTTP %ld", response.status);
            }
          else if (error->code != CR_ERROR_NETWORK)
            fuzz_fail ("error code %d for a response", error->code);
          g_error_free (error);
        }
      fuzz_unwatch_secret ();
    }

  g_free (body);
  return 0;
}
