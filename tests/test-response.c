/* Unit tests for token responses (core/token/response.c) and the JSON reader
 * (core/token/json.c): every documented success and error body of the seed
 * providers, and bodies a hostile or broken server could send. */

#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>

#include <credring/credring.h>

#include "token/json.h"
#include "token/response-rules.h"

#include "testutil.h"
#include "token/response.h"
#include "token/token.h"

/* 2023-08-10T12:41:57Z, the expiry in ANTS's documented answer (seed 002). */
#define ANTS_DOC_EXPIRY G_GINT64_CONSTANT (1691671317)
/* One hour before it. */
#define ANTS_DOC_NOW (ANTS_DOC_EXPIRY - 3600)
/* Any time, for providers with a relative expiry. */
#define NOW G_GINT64_CONSTANT (1700000000)

#define TOKEN "tok-9f8e7d6c5b4a"

static CrProvider *providers[4];
static const CrPluginDescriptor *ants, *acaengine, *autograb, *dataloy;

static char *tmp_dir;

/* ---- helpers ----------------------------------------------------------- */

static CrToken *
parse_len (const CrPluginDescriptor *provider, long status, const char *content_type,
           const char *body, gsize len, gint64 now, GError **error)
{
  CrResponse response = {
    .status = status,
    .content_type = (char *) content_type,
    .body = (char *) body,
    .body_len = len,
  };

  return cr_response_parse (provider, NULL, &response, now, error);
}

static CrToken *
parse_ok (const CrPluginDescriptor *provider, const char *body, gint64 now)
{
  g_autoptr (GError) error = NULL;
  CrToken *token = parse_len (provider, 200, "application/json", body, strlen (body), now, &error);

  g_assert_no_error (error);
  g_assert_nonnull (token);
  return token;
}

/* Parsing must fail with @code; returns the one-line message. */
static char *
parse_fails_len (const CrPluginDescriptor *provider, long status, const char *content_type,
                 const char *body, gsize len, gint64 now, int code)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CrToken) token = parse_len (provider, status, content_type, body, len, now, &error);

  if (token != NULL)
    g_error ("accepted as a token: %.*s", (int) MIN (len, 200), body);
  g_assert_error (error, CR_ERROR, code);
  g_assert_null (strchr (error->message, '\n'));
  g_assert_null (strchr (error->message, '\r'));
  g_assert_null (strchr (error->message, '\x1b'));
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
  g_test_message ("HTTP %ld: %s", status, error->message);
  return g_strdup (error->message);
}

static char *
parse_fails (const CrPluginDescriptor *provider, long status, const char *content_type,
             const char *body, int code)
{
  return parse_fails_len (provider, status, content_type, body, strlen (body), NOW, code);
}

/* A 200 answer that is not a valid token: CR_ERROR_NETWORK, and the token
 * text (when there is one) never in the message. */
static void
assert_bad_token (const CrPluginDescriptor *provider, const char *body, gint64 now)
{
  g_autofree char *message = parse_fails_len (provider, 200, "application/json", body,
                                              strlen (body), now, CR_ERROR_NETWORK);

  g_assert_null (strstr (message, TOKEN));
  cr_test_assert_contains (message, "HTTP 200");
}

/* ---- documented successes ---------------------------------------------- */

/* Seed 002, verbatim. */
static void
test_ants_success (void)
{
  static const char body[] = "{\n"
                             "    \"accessToken\": \"5474r2x214z26484u2e4y4a403q5e4z5m4j4b403s526\",\n"
                             "    \"accessTokenExpiresAt\": \"2023-08-10T12:41:57.643Z\",\n"
                             "    \"scope\": \"item\"\n"
                             "}\n";
  g_autoptr (CrToken) token = parse_ok (ants, body, ANTS_DOC_NOW);

  g_assert_cmpstr (token->access_token, ==, "5474r2x214z26484u2e4y4a403q5e4z5m4j4b403s526");
  g_assert_cmpstr (token->token_type, ==, "Bearer");
  g_assert_cmpint (token->issued_at, ==, ANTS_DOC_NOW);
  g_assert_cmpint (token->expires_at, ==, ANTS_DOC_EXPIRY);
}

static void
test_ants_time_zones (void)
{
  /* The same instant with an explicit offset. */
  g_autoptr (CrToken) offset = parse_ok (ants,
                                         "{\"accessToken\":\"" TOKEN "\","
                                         "\"accessTokenExpiresAt\":\"2023-08-10T14:41:57+02:00\"}",
                                         ANTS_DOC_NOW);

  g_assert_cmpint (offset->expires_at, ==, ANTS_DOC_EXPIRY);
}

/* Seed 000. */
static void
test_acaengine_success (void)
{
  static const char body[] =
    "{\n"
    "  \"access_token\": \"1f0af717251950dbd4d73154fdf0a474a5c5119adad999683f5b450c460726aa\",\n"
    "  \"token_type\": \"bearer\",\n"
    "  \"expires_in\": 7200\n"
    "}";
  g_autoptr (CrToken) token = parse_ok (acaengine, body, NOW);

  g_assert_cmpstr (token->access_token, ==,
                   "1f0af717251950dbd4d73154fdf0a474a5c5119adad999683f5b450c460726aa");
  g_assert_cmpstr (token->token_type, ==, "bearer");
  g_assert_cmpint (token->issued_at, ==, NOW);
  g_assert_cmpint (token->expires_at, ==, NOW + 7200);
}

/* Seed 003; the obfuscated token replaced by a real-looking one. */
static void
test_autograb_success (void)
{
  static const char body[] = "{\n"
                             "    \"access_token\": \"" TOKEN "\",\n"
                             "    \"expires_in\": 3599,\n"
                             "    \"scope\": \"\",\n"
                             "    \"token_type\": \"bearer\"\n"
                             "}";
  g_autoptr (CrToken) token = parse_ok (autograb, body, NOW);

  g_assert_cmpstr (token->access_token, ==, TOKEN);
  g_assert_cmpint (token->expires_at, ==, NOW + 3599);
  g_assert_cmpint (token->issued_at, ==, NOW);
}

/* Seed 004, with the documented token (dots included). */
static void
test_dataloy_success (void)
{
  static const char jwt[] =
    "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1....................fXClgZe2pFQBxPqARz9xfWlrFnc1El34ZPyRLo"
    "GlLIJLiE0NvOA1JLWycXCNo9N7AenAKEbj-gb2eW4TnpAiidDRmMV3m36UCuRAxWdVcvsRaJxXcquf79wAgEoEKriJk"
    "lCxwKOnOyngbTZ2vDNim0nrw6-W0NOjRARkkY_w-188dY829z_urjsWuCC7TOMwfrQDLL2h72L2UrqlyL0hHMGQesau"
    "6h8KUsGg3EIoWPQ-Pf6o2CNCtGyr7DNuuLpCw9HqXiz5v-RIvKLBoaRMAAJJqBeXvpPvOcyicBlalcTWB5NMCe6Ldi9"
    "xqFmwjhO1CAtIk9QUa8wsOcXxg";
  g_autofree char *body = g_strdup_printf ("{\n\"access_token\": \"%s\",\n\"expires_in\": 86400,\n"
                                           "\"token_type\": \"Bearer\"\n}",
                                           jwt);
  g_autoptr (CrToken) token = parse_ok (dataloy, body, NOW);

  g_assert_cmpstr (token->access_token, ==, jwt);
  g_assert_cmpstr (token->token_type, ==, "Bearer");
  g_assert_cmpint (token->expires_at, ==, NOW + 86400);
}

static void
test_relative_expiry_bounds (void)
{
  g_autoptr (CrToken) one = parse_ok (autograb,
                                      "{\"access_token\":\"" TOKEN "\",\"expires_in\":1}", NOW);
  g_autoptr (CrToken) ten_years = parse_ok (autograb,
                                            "{\"access_token\":\"" TOKEN "\","
                                            "\"expires_in\":316224000}", NOW);

  g_assert_cmpint (one->expires_at, ==, NOW + 1);
  g_assert_cmpint (ten_years->expires_at, ==, NOW + 316224000);
  /* No token_type: Bearer is implied. */
  g_assert_cmpstr (one->token_type, ==, "Bearer");
}

/* ---- documented errors ------------------------------------------------- */

/* Seed 002's 400 answer, verbatim.  A scope the client may not have is a
 * matter of the account's settings (exit 2), not of its secret (exit 3). */
static void
test_ants_error (void)
{
  static const char body[] = "{\n"
                             "    \"statusCode\": 400,\n"
                             "    \"status\": 400,\n"
                             "    \"code\": 400,\n"
                             "    \"message\": \"Invalid scope: Requested scope is invalid\",\n"
                             "    \"name\": \"invalid_scope\"\n"
                             "}";
  g_autofree char *message = parse_fails (ants, 400, "application/json; charset=utf-8", body,
                                          CR_ERROR_CONFIG);

  cr_test_assert_contains (message, "Invalid scope: Requested scope is invalid");
  cr_test_assert_contains (message, "invalid_scope");
  cr_test_assert_contains (message, "400");
}

/* RFC 6749 §5.2. */
static void
test_rfc6749_error (void)
{
  g_autofree char *client = parse_fails (autograb, 401, "application/json",
                                         "{\"error\":\"invalid_client\","
                                         "\"error_description\":\"Client authentication failed\"}",
                                         CR_ERROR_REJECTED);
  g_autofree char *grant = parse_fails (acaengine, 400, "application/json",
                                        "{\"error\":\"invalid_grant\","
                                        "\"error_description\":\"Wrong username or password\"}",
                                        CR_ERROR_REJECTED);
  g_autofree char *bare = parse_fails (acaengine, 400, "application/json",
                                       "{\"error\":\"unsupported_grant_type\"}", CR_ERROR_CONFIG);

  cr_test_assert_contains (client, "invalid_client");
  cr_test_assert_contains (client, "Client authentication failed");
  cr_test_assert_contains (client, "401");
  cr_test_assert_contains (grant, "invalid_grant");
  cr_test_assert_contains (grant, "Wrong username or password");
  cr_test_assert_contains (bare, "unsupported_grant_type");
}

/* Seed 004's 401 shape. */
static void
test_dataloy_error (void)
{
  static const char body[] = "{\n"
                             "    \"statusCode\": 401,\n"
                             "    \"statusText\": \"Unauthorized\",\n"
                             "    \"message\": \"Token expired.\",\n"
                             "    \"date\": \"2019-11-13T06:26:01\",\n"
                             "    \"statusFamily\": \"CLIENT_ERROR\",\n"
                             "    \"method\": \"GET\",\n"
                             "    \"uri\": \"http://platform-dev.dataloy.com/ws/rest/Cargo\"\n"
                             "}";
  g_autofree char *message = parse_fails (dataloy, 401, "application/json", body,
                                          CR_ERROR_REJECTED);
  g_autofree char *forbidden = parse_fails (dataloy, 403, "application/json",
                                            "{\"message\":\"Unauthorized client\"}",
                                            CR_ERROR_REJECTED);

  cr_test_assert_contains (message, "Token expired.");
  cr_test_assert_contains (forbidden, "Unauthorized client");
}

/* 401 or 403 with a body saying nothing: still a refusal. */
static void
test_refused_without_message (void)
{
  g_autofree char *html = parse_fails (autograb, 401, "text/html",
                                       "<html><body>401 Unauthorized</body></html>",
                                       CR_ERROR_REJECTED);
  g_autofree char *empty = parse_fails (autograb, 403, NULL, "", CR_ERROR_REJECTED);

  cr_test_assert_contains (html, "401");
  cr_test_assert_contains (html, "text/html");
  cr_test_assert_contains (empty, "403");
}

static void
test_server_error (void)
{
  g_autofree char *html = parse_fails (ants, 500, "text/html; charset=utf-8",
                                       "<html><head><title>500 Internal Server Error</title>"
                                       "</head></html>",
                                       CR_ERROR_NETWORK);
  g_autofree char *json = parse_fails (ants, 503, "application/json",
                                       "{\"message\":\"Service Unavailable\"}", CR_ERROR_NETWORK);
  g_autofree char *bad_request_html = parse_fails (ants, 400, "text/html", "<h1>Bad</h1>",
                                                   CR_ERROR_NETWORK);
  g_autofree char *redirect = parse_fails (ants, 302, "text/html", "", CR_ERROR_NETWORK);

  cr_test_assert_contains (html, "500");
  cr_test_assert_contains (html, "text/html");
  cr_test_assert_contains (json, "503");
  cr_test_assert_contains (json, "Service Unavailable");
  cr_test_assert_contains (bad_request_html, "400");
  cr_test_assert_contains (redirect, "302");
}

/* A hostile provider message cannot forge lines or terminal sequences. */
static void
test_message_escaped (void)
{
  g_autofree char *message = parse_fails (ants, 400, "application/json",
                                          "{\"name\":\"invalid_scope\","
                                          "\"message\":\"bad\\u001b[31m red\\nfatal: forged\\r"
                                          "\\u202e \\u0000\"}",
                                          CR_ERROR_NETWORK);
  g_autofree char *escaped = parse_fails (ants, 400, "application/json",
                                          "{\"name\":\"invalid_client\","
                                          "\"message\":\"bad\\u001b[31m red\\nfatal: forged\\r"
                                          "\\u202e x\"}",
                                          CR_ERROR_REJECTED);
  g_autofree char *long_message = NULL;

  /* "\u0000" makes the whole body invalid: no message is used at all. */
  g_assert_null (strstr (message, "forged"));

  cr_test_assert_contains (escaped, "bad\\x1B[31m red\\x0Afatal: forged\\x0D\\u202E x");
  g_assert_null (strchr (escaped, '\x1b'));
  g_assert_null (strstr (escaped, "\xe2\x80\xae"));

  /* A very long message is cut. */
  {
    g_autofree char *filler = g_strnfill (5000, 'z');
    g_autofree char *body = g_strdup_printf ("{\"error\":\"invalid_client\","
                                             "\"error_description\":\"%s\"}", filler);

    long_message = parse_fails (ants, 401, "application/json", body, CR_ERROR_REJECTED);
    g_assert_cmpuint (strlen (long_message), <, 400);
    cr_test_assert_contains (long_message, "zzz...");
  }

  /* The content type is escaped too. */
  {
    g_autofree char *ct = parse_fails (ants, 500, "text/html\r\nX-Injected: 1", "<p>x</p>",
                                       CR_ERROR_NETWORK);

    cr_test_assert_contains (ct, "text/html\\x0D\\x0AX-Injected: 1");
  }
}

/* ---- hostile or broken answers ----------------------------------------- */

static void
test_not_json (void)
{
  g_autofree char *html = parse_fails (ants, 200, "text/html",
                                       "<html><body>Welcome to nginx!</body></html>",
                                       CR_ERROR_NETWORK);
  g_autofree char *empty = parse_fails (ants, 200, NULL, "", CR_ERROR_NETWORK);

  cr_test_assert_contains (html, "HTTP 200");
  cr_test_assert_contains (html, "text/html");
  cr_test_assert_contains (empty, "no content type");
  g_free (parse_fails (autograb, 200, "application/json", "[]", CR_ERROR_NETWORK));
  g_free (parse_fails (autograb, 200, "application/json", "\"" TOKEN "\"", CR_ERROR_NETWORK));
  g_free (parse_fails (autograb, 200, "application/json", "null", CR_ERROR_NETWORK));
  g_free (parse_fails (autograb, 204, NULL, "", CR_ERROR_NETWORK));
}

/* An OAuth error must not pass as success because the status says 200. */
static void
test_error_with_200 (void)
{
  g_autofree char *message = parse_fails (autograb, 200, "application/json", "{\"error\":\"x\"}",
                                          CR_ERROR_NETWORK);
  g_autofree char *with_token = parse_fails (autograb, 200, "application/json",
                                             "{\"error\":\"invalid_request\",\"access_token\":\""
                                             TOKEN "\",\"expires_in\":3600}",
                                             CR_ERROR_NETWORK);

  cr_test_assert_contains (message, "x");
  g_assert_null (strstr (with_token, TOKEN));
}

static void
test_truncated (void)
{
  static const char full[] = "{\"access_token\":\"" TOKEN "\",\"token_type\":\"bearer\","
                             "\"expires_in\":3599}";

  /* Every proper prefix of a valid answer is refused. */
  for (gsize len = 0; len < sizeof full - 1; len++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (CrToken) token = parse_len (autograb, 200, "application/json", full, len, NOW,
                                             &error);

      if (token != NULL)
        g_error ("prefix of %zu bytes accepted", len);
      g_assert_error (error, CR_ERROR, CR_ERROR_NETWORK);
      g_assert_null (strstr (error->message, TOKEN));
    }
  {
    g_autoptr (CrToken) token = parse_ok (autograb, full, NOW);

    g_assert_cmpstr (token->access_token, ==, TOKEN);
  }
  /* Trailing garbage after the object. */
  assert_bad_token (autograb, "{\"access_token\":\"" TOKEN "\",\"expires_in\":3599} x", NOW);
  assert_bad_token (autograb, "{\"access_token\":\"" TOKEN "\",\"expires_in\":3599}{}", NOW);
}

static char *
nested (int depth)
{
  GString *s = g_string_new ("{\"access_token\":\"" TOKEN "\",\"expires_in\":3599,\"x\":");

  for (int i = 1; i < depth; i++)
    g_string_append (s, "{\"a\":");
  g_string_append (s, "1");
  for (int i = 1; i < depth; i++)
    g_string_append_c (s, '}');
  g_string_append_c (s, '}');
  return g_string_free (s, FALSE);
}

static void
test_deep_nesting (void)
{
  /* The top-level object is depth 1. */
  g_autofree char *at_limit = nested (CR_JSON_MAX_DEPTH);
  g_autofree char *too_deep = nested (CR_JSON_MAX_DEPTH + 1);
  g_autofree char *very_deep = nested (100000);
  g_autoptr (CrToken) token = parse_ok (autograb, at_limit, NOW);

  g_assert_cmpstr (token->access_token, ==, TOKEN);
  assert_bad_token (autograb, too_deep, NOW);
  assert_bad_token (autograb, very_deep, NOW);
  {
    GString *arrays = g_string_new ("{\"access_token\":\"" TOKEN "\",\"expires_in\":3599,\"x\":");

    for (int i = 0; i < 50; i++)
      g_string_append_c (arrays, '[');
    for (int i = 0; i < 50; i++)
      g_string_append_c (arrays, ']');
    g_string_append_c (arrays, '}');
    assert_bad_token (autograb, arrays->str, NOW);
    g_string_free (arrays, TRUE);
  }
}

static void
test_nul_byte (void)
{
  static const char in_token[] = "{\"access_token\":\"tok\0en\",\"expires_in\":3599}";
  static const char after[] = "{\"access_token\":\"" TOKEN "\",\"expires_in\":3599}\0trailing";
  static const char escaped[] = "{\"access_token\":\"tok\\u0000en\",\"expires_in\":3599}";
  static const char in_key[] = "{\"access_token\":\"" TOKEN "\",\"expires_in\":3599,\"a\\u0000\":1}";
  g_autofree char *m1 = parse_fails_len (autograb, 200, "application/json", in_token,
                                         sizeof in_token - 1, NOW, CR_ERROR_NETWORK);
  g_autofree char *m2 = parse_fails_len (autograb, 200, "application/json", after,
                                         sizeof after - 1, NOW, CR_ERROR_NETWORK);

  cr_test_assert_contains (m1, "HTTP 200");
  cr_test_assert_contains (m1, "NUL");
  cr_test_assert_contains (m2, "NUL");
  assert_bad_token (autograb, escaped, NOW);
  assert_bad_token (autograb, in_key, NOW);
}

static void
test_duplicate_keys (void)
{
  assert_bad_token (autograb,
                    "{\"access_token\":\"" TOKEN "\",\"access_token\":\"other\","
                    "\"expires_in\":3599}",
                    NOW);
  assert_bad_token (autograb,
                    "{\"access_token\":\"" TOKEN "\",\"expires_in\":3599,\"expires_in\":99999}",
                    NOW);
  assert_bad_token (autograb,
                    "{\"error\":\"x\",\"access_token\":\"" TOKEN "\",\"expires_in\":3599,"
                    "\"token_type\":\"mac\",\"token_type\":\"bearer\"}",
                    NOW);
}

static void
test_bad_token_value (void)
{
  /* Missing, empty, not a string. */
  assert_bad_token (autograb, "{\"expires_in\":3599,\"token_type\":\"bearer\"}", NOW);
  assert_bad_token (autograb, "{\"access_token\":\"\",\"expires_in\":3599}", NOW);
  assert_bad_token (autograb, "{\"access_token\":12345,\"expires_in\":3599}", NOW);
  assert_bad_token (autograb, "{\"access_token\":null,\"expires_in\":3599}", NOW);
  assert_bad_token (autograb, "{\"access_token\":true,\"expires_in\":3599}", NOW);
  assert_bad_token (autograb, "{\"access_token\":[\"" TOKEN "\"],\"expires_in\":3599}", NOW);
  assert_bad_token (autograb, "{\"access_token\":{\"v\":\"" TOKEN "\"},\"expires_in\":3599}",
                    NOW);
  /* Control characters: a newline could inject a line into git's protocol. */
  assert_bad_token (autograb, "{\"access_token\":\"" TOKEN "\\nx\",\"expires_in\":3599}", NOW);
  assert_bad_token (autograb, "{\"access_token\":\"" TOKEN "\\r\",\"expires_in\":3599}", NOW);
  assert_bad_token (autograb, "{\"access_token\":\"" TOKEN "\\u0001\",\"expires_in\":3599}",
                    NOW);
  assert_bad_token (autograb, "{\"access_token\":\"" TOKEN "\\u007f\",\"expires_in\":3599}",
                    NOW);
  assert_bad_token (autograb, "{\"access_token\":\"" TOKEN "\\t\",\"expires_in\":3599}", NOW);
  /* Non-ASCII, escaped or raw, and invalid UTF-8. */
  assert_bad_token (autograb, "{\"access_token\":\"" TOKEN "\\u00e9\",\"expires_in\":3599}",
                    NOW);
  assert_bad_token (autograb, "{\"access_token\":\"" TOKEN "\xc3\xa9\",\"expires_in\":3599}",
                    NOW);
  assert_bad_token (autograb, "{\"access_token\":\"" TOKEN "\xff\",\"expires_in\":3599}", NOW);
  /* The token under another provider's name does not count. */
  assert_bad_token (ants, "{\"access_token\":\"" TOKEN "\","
                          "\"accessTokenExpiresAt\":\"2023-08-10T12:41:57.643Z\"}",
                    ANTS_DOC_NOW);
}

/* An answer of @len token characters, cycling through base64url and '.'. */
static char *
answer_with_token_of (gsize len)
{
  static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.";
  g_autofree char *token = g_malloc (len + 1);

  for (gsize i = 0; i < len; i++)
    token[i] = alphabet[i % (sizeof alphabet - 1)];
  token[len] = '\0';
  return g_strdup_printf ("{\"access_token\":\"%s\",\"expires_in\":3599,"
                          "\"token_type\":\"bearer\"}", token);
}

/* The longest token is taken whole; one byte more is not a token at all,
 * and the message says what is wrong with it. */
static void
test_token_length (void)
{
  g_autofree char *longest = answer_with_token_of (CR_TOKEN_MAX_BYTES);
  g_autofree char *too_long = answer_with_token_of (CR_TOKEN_MAX_BYTES + 1);
  g_autofree char *jwt_sized = answer_with_token_of (8192);
  g_autofree char *expected = g_strdup_printf ("token endpoint answered HTTP 200 but with a "
                                               "token longer than %d bytes", CR_TOKEN_MAX_BYTES);
  g_autofree char *message = NULL;

  {
    g_autoptr (CrToken) token = parse_ok (autograb, longest, NOW);

    g_assert_cmpuint (strlen (token->access_token), ==, CR_TOKEN_MAX_BYTES);
    g_assert_true (cr_token_text_is_valid (token->access_token));
  }
  {
    g_autoptr (CrToken) token = parse_ok (dataloy, jwt_sized, NOW);

    g_assert_cmpuint (strlen (token->access_token), ==, 8192);
  }
  message = parse_fails_len (autograb, 200, "application/json", too_long, strlen (too_long), NOW,
                             CR_ERROR_NETWORK);
  g_assert_cmpstr (message, ==, expected);
  g_clear_pointer (&message, g_free);
  message = parse_fails_len (dataloy, 200, "application/json", too_long, strlen (too_long), NOW,
                             CR_ERROR_NETWORK);
  g_assert_cmpstr (message, ==, expected);

  /* What a parse_response hook hands over is held to the same limit. */
  {
    g_autofree char *token = g_strnfill (CR_TOKEN_MAX_BYTES + 1, 'a');
    g_autoptr (GError) error = NULL;

    g_assert_true (cr_response_check_token (token + 1, "Bearer", NOW + 60, NOW, 200, &error));
    g_assert_no_error (error);
    g_assert_false (cr_response_check_token (token, "Bearer", NOW + 60, NOW, 200, &error));
    g_assert_error (error, CR_ERROR, CR_ERROR_NETWORK);
    g_assert_cmpstr (error->message, ==, expected);
  }
}

static void
test_token_type (void)
{
  assert_bad_token (autograb,
                    "{\"access_token\":\"" TOKEN "\",\"expires_in\":3599,\"token_type\":\"mac\"}",
                    NOW);
  assert_bad_token (autograb,
                    "{\"access_token\":\"" TOKEN "\",\"expires_in\":3599,\"token_type\":\"\"}",
                    NOW);
  assert_bad_token (autograb,
                    "{\"access_token\":\"" TOKEN "\",\"expires_in\":3599,\"token_type\":null}",
                    NOW);
  assert_bad_token (autograb,
                    "{\"access_token\":\"" TOKEN "\",\"expires_in\":3599,\"token_type\":1}", NOW);
  assert_bad_token (autograb,
                    "{\"access_token\":\"" TOKEN "\",\"expires_in\":3599,"
                    "\"token_type\":\"Bearer \"}",
                    NOW);
  {
    g_autoptr (CrToken) upper = parse_ok (autograb,
                                          "{\"access_token\":\"" TOKEN "\",\"expires_in\":3599,"
                                          "\"token_type\":\"BEARER\"}",
                                          NOW);

    g_assert_cmpstr (upper->token_type, ==, "BEARER");
  }
}

static void
test_bad_expires_in (void)
{
  static const char *const values[] = {
    "\"3600\"", "-1", "-3600", "0", "1.5", "3600.0", "1e3", "1e309", "-0",
    "9223372036854775808", "18446744073709551616", "316224001", "null", "true", "[3600]",
    "{}",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (values); i++)
    {
      g_autofree char *body = g_strdup_printf ("{\"access_token\":\"" TOKEN "\","
                                               "\"expires_in\":%s,\"token_type\":\"bearer\"}",
                                               values[i]);

      assert_bad_token (autograb, body, NOW);
    }
  /* Missing. */
  assert_bad_token (autograb, "{\"access_token\":\"" TOKEN "\",\"token_type\":\"bearer\"}", NOW);
}

static void
test_bad_absolute_expiry (void)
{
  static const char *const values[] = {
    "\"2023-08-10T12:41:57.643Z\"",  /* in the past at NOW */
    "\"2023-08-10T12:41:57\"",       /* no zone */
    "\"2023-08-10\"",
    "\"tomorrow\"",
    "\"\"",
    "1691671317",                    /* a number, not ISO-8601 */
    "\"2023-13-10T12:41:57Z\"",
    "\"2099-08-10T12:41:57Z\"",      /* more than ten years away */
    "null",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (values); i++)
    {
      g_autofree char *body = g_strdup_printf ("{\"accessToken\":\"" TOKEN "\","
                                               "\"accessTokenExpiresAt\":%s}",
                                               values[i]);

      assert_bad_token (ants, body, NOW);
    }
  /* Exactly now is already expired; one second later is fine. */
  assert_bad_token (ants, "{\"accessToken\":\"" TOKEN "\","
                          "\"accessTokenExpiresAt\":\"2023-08-10T12:41:57Z\"}",
                    ANTS_DOC_EXPIRY);
  {
    g_autoptr (CrToken) token = parse_ok (ants, "{\"accessToken\":\"" TOKEN "\","
                                                "\"accessTokenExpiresAt\":\"2023-08-10T12:41:57Z\"}",
                                          ANTS_DOC_EXPIRY - 1);

    g_assert_cmpint (token->expires_at, ==, ANTS_DOC_EXPIRY);
  }
  /* Missing. */
  assert_bad_token (ants, "{\"accessToken\":\"" TOKEN "\",\"scope\":\"item\"}", ANTS_DOC_NOW);
}

/* ---- the JSON reader --------------------------------------------------- */

static CrJsonObject *
json_ok (const char *text)
{
  g_autoptr (GError) error = NULL;
  CrJsonObject *object = cr_json_parse_object (text, strlen (text), &error);

  g_assert_no_error (error);
  g_assert_nonnull (object);
  return object;
}

static void
json_fails (const char *text, gsize len)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CrJsonObject) object = cr_json_parse_object (text, len, &error);

  if (object != NULL)
    g_error ("accepted: %.*s", (int) MIN (len, 200), text);
  g_assert_error (error, CR_ERROR, CR_ERROR_FAILED);
  {
    g_autofree char *shown = cr_escape_for_message (text, MIN (len, 60), 60);

    g_test_message ("%s: %s", shown, error->message);
  }
}

static void
test_json_basics (void)
{
  g_autoptr (CrJsonObject) object = json_ok (" {\"s\":\"caf\\u00e9 \\\"q\\\"\", \"n\":-1.5e3,"
                                             "\"t\":true,\"f\":false,\"z\":null,"
                                             "\"o\":{\"s\":\"nested\",\"n\":1},\"a\":[1,2,{\"b\":3}],"
                                             "\"\":\"empty key\"} \n");
  CrJsonType type;
  const char *text;

  g_assert_true (cr_json_object_get (object, "s", &type, &text));
  g_assert_cmpint (type, ==, CR_JSON_STRING);
  g_assert_cmpstr (text, ==, "caf\xc3\xa9 \"q\"");
  g_assert_cmpstr (cr_json_object_get_string (object, "s"), ==, "caf\xc3\xa9 \"q\"");

  g_assert_true (cr_json_object_get (object, "n", &type, &text));
  g_assert_cmpint (type, ==, CR_JSON_NUMBER);
  g_assert_cmpstr (text, ==, "-1.5e3");
  g_assert_null (cr_json_object_get_string (object, "n"));

  g_assert_true (cr_json_object_get (object, "t", &type, &text));
  g_assert_cmpint (type, ==, CR_JSON_BOOLEAN);
  g_assert_cmpstr (text, ==, "true");
  g_assert_true (cr_json_object_get (object, "f", &type, &text));
  g_assert_cmpstr (text, ==, "false");

  g_assert_true (cr_json_object_get (object, "z", &type, &text));
  g_assert_cmpint (type, ==, CR_JSON_NULL);
  g_assert_null (text);

  g_assert_true (cr_json_object_get (object, "o", &type, &text));
  g_assert_cmpint (type, ==, CR_JSON_COMPOUND);
  g_assert_null (text);
  g_assert_true (cr_json_object_get (object, "a", &type, &text));
  g_assert_cmpint (type, ==, CR_JSON_COMPOUND);

  /* Nested members are not top-level members. */
  g_assert_false (cr_json_object_get (object, "b", NULL, NULL));
  g_assert_false (cr_json_object_get (object, "missing", &type, &text));
  g_assert_null (cr_json_object_get_string (object, "missing"));
  g_assert_cmpstr (cr_json_object_get_string (object, ""), ==, "empty key");

  {
    g_autoptr (CrJsonObject) empty = json_ok ("{}");

    g_assert_false (cr_json_object_get (empty, "a", NULL, NULL));
  }
  /* @len bounds the text; no NUL needed. */
  {
    static const char buffer[] = "{\"a\":1}garbage";
    g_autoptr (GError) error = NULL;
    g_autoptr (CrJsonObject) prefix = cr_json_parse_object (buffer, 7, &error);

    g_assert_no_error (error);
    g_assert_true (cr_json_object_get (prefix, "a", NULL, NULL));
  }
  /* Duplicates deeper down are not the reader's business. */
  {
    g_autoptr (CrJsonObject) dup = json_ok ("{\"o\":{\"k\":1,\"k\":2}}");

    g_assert_true (cr_json_object_get (dup, "o", NULL, NULL));
  }
}

static void
test_json_refusals (void)
{
  static const char *const bad[] = {
    "", " ", "[]", "[{}]", "\"s\"", "1", "null", "true",
    "{", "{\"a\"", "{\"a\":", "{\"a\":1", "{\"a\":1,}", "{a:1}", "{'a':1}",
    "{\"a\":1}{\"b\":2}", "{\"a\":1} 2",
    "{\"a\":1,\"a\":1}",
    "{\"a\":\"\\u0000\"}",
    "{\"a\":\"\xff\"}",               /* invalid UTF-8 */
    "{\"a\":\"\xc3\"}",
    "{\"a\":1 /* comment */}",
    "{\"a\":NaN}", "{\"a\":Infinity}",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    json_fails (bad[i], strlen (bad[i]));
  json_fails ("{\"a\":1}\0", 8);
  json_fails ("{\"a\0\":1}", 8);

  /* Depth: exactly CR_JSON_MAX_DEPTH levels are fine, one more is not. */
  {
    GString *ok = g_string_new (NULL);
    GString *deep = g_string_new (NULL);

    for (int i = 0; i < CR_JSON_MAX_DEPTH; i++)
      g_string_append (ok, "{\"k\":");
    g_string_append (ok, "1");
    for (int i = 0; i < CR_JSON_MAX_DEPTH; i++)
      g_string_append_c (ok, '}');
    cr_json_object_free (json_ok (ok->str));

    for (int i = 0; i < CR_JSON_MAX_DEPTH + 1; i++)
      g_string_append (deep, "{\"k\":");
    g_string_append (deep, "1");
    for (int i = 0; i < CR_JSON_MAX_DEPTH + 1; i++)
      g_string_append_c (deep, '}');
    json_fails (deep->str, deep->len);

    g_string_free (ok, TRUE);
    g_string_free (deep, TRUE);
  }

  /* A bounded number of members. */
  {
    GString *many = g_string_new ("{");

    for (int i = 0; i < 10000; i++)
      g_string_append_printf (many, "%s\"k%d\":%d", i ? "," : "", i, i);
    g_string_append_c (many, '}');
    json_fails (many->str, many->len);
    g_string_free (many, TRUE);
  }
}

int
main (int argc, char **argv)
{
  static const char *const names[] = { "ants", "acaengine", "autograb", "dataloy" };
  int status;

  tmp_dir = cr_test_init (&argc, &argv, "response");
  for (gsize i = 0; i < G_N_ELEMENTS (names); i++)
    providers[i] = cr_test_load_provider (names[i]);
  ants = cr_provider_get_descriptor (providers[0]);
  acaengine = cr_provider_get_descriptor (providers[1]);
  autograb = cr_provider_get_descriptor (providers[2]);
  dataloy = cr_provider_get_descriptor (providers[3]);

  g_test_add_func ("/response/success/ants", test_ants_success);
  g_test_add_func ("/response/success/ants-time-zones", test_ants_time_zones);
  g_test_add_func ("/response/success/acaengine", test_acaengine_success);
  g_test_add_func ("/response/success/autograb", test_autograb_success);
  g_test_add_func ("/response/success/dataloy", test_dataloy_success);
  g_test_add_func ("/response/success/expiry-bounds", test_relative_expiry_bounds);
  g_test_add_func ("/response/error/ants", test_ants_error);
  g_test_add_func ("/response/error/rfc6749", test_rfc6749_error);
  g_test_add_func ("/response/error/dataloy", test_dataloy_error);
  g_test_add_func ("/response/error/refused-without-message", test_refused_without_message);
  g_test_add_func ("/response/error/server", test_server_error);
  g_test_add_func ("/response/error/escaped", test_message_escaped);
  g_test_add_func ("/response/hostile/not-json", test_not_json);
  g_test_add_func ("/response/hostile/error-with-200", test_error_with_200);
  g_test_add_func ("/response/hostile/truncated", test_truncated);
  g_test_add_func ("/response/hostile/deep-nesting", test_deep_nesting);
  g_test_add_func ("/response/hostile/nul-byte", test_nul_byte);
  g_test_add_func ("/response/hostile/duplicate-keys", test_duplicate_keys);
  g_test_add_func ("/response/hostile/token", test_bad_token_value);
  g_test_add_func ("/response/hostile/token-length", test_token_length);
  g_test_add_func ("/response/hostile/token-type", test_token_type);
  g_test_add_func ("/response/hostile/expires-in", test_bad_expires_in);
  g_test_add_func ("/response/hostile/absolute-expiry", test_bad_absolute_expiry);
  g_test_add_func ("/json/basics", test_json_basics);
  g_test_add_func ("/json/refusals", test_json_refusals);

  status = g_test_run ();
  for (gsize i = 0; i < G_N_ELEMENTS (providers); i++)
    cr_provider_free (providers[i]);
  cr_test_remove_tree (tmp_dir);
  g_free (tmp_dir);
  return status;
}
