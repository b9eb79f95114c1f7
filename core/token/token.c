/* A token, when it is fresh enough, and its form in the keyring. */
#include "config.h"

#include <string.h>

#include <yajl/yajl_gen.h>

#include <credring/credring.h>

#include "token/json.h"
#include "token/token.h"

#define MIN_VALID_FLOOR_SECONDS 60

CrToken *
cr_token_new (const char *access_token, const char *token_type, gint64 issued_at,
              gint64 expires_at)
{
  CrToken *token;

  g_return_val_if_fail (access_token != NULL, NULL);

  token = g_new0 (CrToken, 1);
  token->access_token = g_strdup (access_token);
  token->token_type = g_strdup (token_type ? token_type : "Bearer");
  token->issued_at = issued_at;
  token->expires_at = expires_at;
  return token;
}

/* RFC 6749 A.12: the token is printable ASCII (%x20-7E), which also keeps
 * git's line protocol and HTTP headers safe from it; and no longer than
 * every output can carry. */
gboolean
cr_token_text_is_valid (const char *text)
{
  gsize len = 0;

  if (text == NULL || *text == '\0')
    return FALSE;
  for (const unsigned char *p = (const unsigned char *) text; *p != '\0'; p++)
    if (*p < 0x20 || *p > 0x7e || ++len > CR_TOKEN_MAX_BYTES)
      return FALSE;
  return TRUE;
}

void
cr_token_free (CrToken *token)
{
  if (token == NULL)
    return;
  cr_secret_free (token->access_token);
  cr_secret_free (token->refresh_token);
  g_free (token->token_type);
  g_free (token->fingerprint);
  g_free (token);
}

/* A minute is time enough for what the caller fetched the token for (a git
 * clone, a script's requests), and 10% of a long lifetime leaves a slow
 * provider room before the old token runs out.  But a token that lives a
 * minute or less would never be fresh enough by that measure: every call
 * would fetch a new one, and processes asking at once would each get their
 * own.  So never more than half the lifetime: a cached token is served for
 * the first half of its life, and whoever gets it still has half of it.
 * And at least a second: never a token at or past its expiry. */
gint64
cr_token_default_min_valid (const CrToken *token)
{
  gint64 lifetime = token->expires_at - token->issued_at;
  gint64 wanted = MAX (MIN_VALID_FLOOR_SECONDS, lifetime / 10);

  return MAX (1, MIN (wanted, lifetime / 2));
}

gboolean
cr_token_is_fresh (const CrToken *token, gint64 now, gint64 min_valid)
{
  g_return_val_if_fail (token != NULL, FALSE);

  if (min_valid < 0)
    min_valid = cr_token_default_min_valid (token);
  /* A clock that went backwards past the issue time makes every age a guess. */
  if (now < token->issued_at)
    return FALSE;
  return token->expires_at - now >= min_valid;
}

static void
append_json (void *ctx, const char *text, size_t len)
{
  g_string_append_len (ctx, text, len);
}

static void
gen_string (yajl_gen gen, const char *text)
{
  yajl_gen_string (gen, (const unsigned char *) text, strlen (text));
}

char *
cr_token_serialize (const CrToken *token)
{
  /* Sized up front so that growing never leaves a copy of the token behind. */
  GString *out = g_string_sized_new (strlen (token->access_token) * 6 + 256);
  yajl_gen gen = yajl_gen_alloc (NULL);

  yajl_gen_config (gen, yajl_gen_print_callback, append_json, out);
  yajl_gen_map_open (gen);
  gen_string (gen, "access_token");
  gen_string (gen, token->access_token);
  gen_string (gen, "token_type");
  gen_string (gen, token->token_type);
  gen_string (gen, "issued_at");
  yajl_gen_integer (gen, token->issued_at);
  gen_string (gen, "expires_at");
  yajl_gen_integer (gen, token->expires_at);
  if (token->fingerprint != NULL)
    {
      gen_string (gen, "account_fingerprint");
      gen_string (gen, token->fingerprint);
    }
  yajl_gen_map_close (gen);
  yajl_gen_free (gen);
  return g_string_free (out, FALSE);
}

static gboolean
get_time (CrJsonObject *object, const char *name, gint64 *out)
{
  CrJsonType type;
  const char *text;

  return cr_json_object_get (object, name, &type, &text) && type == CR_JSON_NUMBER &&
         g_ascii_string_to_signed (text, 10, 0, G_MAXINT64 / 2, out, NULL);
}

CrToken *
cr_token_deserialize (const char *data, gsize len, GError **error)
{
  g_autoptr (CrJsonObject) object = cr_json_parse_object (data, len, NULL);
  const char *access_token, *token_type;
  gint64 issued_at, expires_at;
  CrToken *token;

  if (object == NULL)
    goto invalid;
  access_token = cr_json_object_get_string (object, "access_token");
  token_type = cr_json_object_get_string (object, "token_type");
  if (!cr_token_text_is_valid (access_token) || !cr_token_text_is_valid (token_type) ||
      !get_time (object, "issued_at", &issued_at) ||
      !get_time (object, "expires_at", &expires_at))
    goto invalid;
  token = cr_token_new (access_token, token_type, issued_at, expires_at);
  token->fingerprint = g_strdup (cr_json_object_get_string (object, "account_fingerprint"));
  return token;

invalid:
  g_set_error (error, CR_ERROR, CR_ERROR_FAILED, "the cached token is not in credring's format");
  return NULL;
}
