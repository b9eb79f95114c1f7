/* Unit tests for token requests (core/token/request.c): the exact bytes each seed
 * provider receives, as its documentation (tests/../seeds) describes them. */

#include <string.h>

#include <glib.h>

#include <credring/credring.h>

#include "token/request.h"

#include "token/json.h"

#include "testutil.h"

static char *tmp_dir;

/* ---- helpers ----------------------------------------------------------- */

static CrRequest *
build (const char *provider_name, const char *account_text, const char *client_secret,
       const char *password)
{
  g_autoptr (CrProvider) provider = cr_test_load_provider (provider_name);
  g_autoptr (CrAccount) account = cr_test_account_from_text (tmp_dir, account_text, "acct");
  g_autoptr (GError) error = NULL;
  CrClientSecrets credentials = { client_secret, password };
  CrRequest *request = cr_test_build_request (cr_provider_get_descriptor (provider), account,
                                         &credentials, &error);

  g_assert_no_error (error);
  g_assert_nonnull (request);
  return request;
}

/* cr_request_build() must fail with CR_ERROR_CONFIG; returns the message. */
static char *
build_error (const char *provider_name, const char *account_text, const char *client_secret,
             const char *password)
{
  g_autoptr (CrProvider) provider = cr_test_load_provider (provider_name);
  g_autoptr (CrAccount) account = cr_test_account_from_text (tmp_dir, account_text, "acct");
  g_autoptr (GError) error = NULL;
  CrClientSecrets credentials = { client_secret, password };
  g_autoptr (CrRequest) request = cr_test_build_request (cr_provider_get_descriptor (provider), account,
                                                    &credentials, &error);

  g_assert_null (request);
  g_assert_error (error, CR_ERROR, CR_ERROR_CONFIG);
  g_assert_null (strchr (error->message, '\n'));
  if (client_secret != NULL && *client_secret != '\0')
    g_assert_null (strstr (error->message, client_secret));
  g_test_message ("error: %s", error->message);
  return g_strdup (error->message);
}

static int
hex_value (char c)
{
  return g_ascii_xdigit_value (c);
}

/* application/x-www-form-urlencoded decoding (HTML 4.01 §17.13.4, RFC 6749
 * appendix B): '+' is a space, %XX a byte.  Also checks that the text holds
 * nothing a form decoder would misread: only unreserved characters, '+'
 * and well-formed %XX. */
static char *
form_decode (const char *text)
{
  GString *out = g_string_new (NULL);

  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '+')
        g_string_append_c (out, ' ');
      else if (*p == '%')
        {
          g_assert_true (g_ascii_isxdigit (p[1]) && g_ascii_isxdigit (p[2]));
          g_string_append_c (out, (char) (hex_value (p[1]) * 16 + hex_value (p[2])));
          p += 2;
        }
      else
        {
          if (!g_ascii_isalnum (*p) && strchr ("-._~", *p) == NULL)
            g_error ("'%c' is not escaped in '%s'", *p, text);
          g_string_append_c (out, *p);
        }
    }
  return g_string_free (out, FALSE);
}

/* Splits a form body into decoded name/value pairs, in order. */
static GPtrArray *
form_pairs (const char *body)
{
  GPtrArray *pairs = g_ptr_array_new_with_free_func (g_free);
  g_auto (GStrv) fields = g_strsplit (body, "&", -1);

  for (guint i = 0; fields[i] != NULL; i++)
    {
      const char *equals = strchr (fields[i], '=');
      g_autofree char *name = NULL;

      g_assert_nonnull (equals);
      name = g_strndup (fields[i], equals - fields[i]);
      g_ptr_array_add (pairs, form_decode (name));
      g_ptr_array_add (pairs, form_decode (equals + 1));
    }
  return pairs;
}

/* ---- the four providers ------------------------------------------------ */

/* Seed 002: client credentials, form body, required comma-separated scope. */
static void
test_ants (void)
{
  g_autoptr (CrRequest) request = build ("ants",
                                         "[acct]\n"
                                         "provider = ants\n"
                                         "client_id = 26156a86-b739-4c6b-9de2-314228c3e6e5\n"
                                         "scope = item,event\n",
                                         "ECOTBQNP44IFPCVMQNSZ", NULL);
  static const char expected[] = "grant_type=client_credentials"
                                 "&client_id=26156a86-b739-4c6b-9de2-314228c3e6e5"
                                 "&client_secret=ECOTBQNP44IFPCVMQNSZ"
                                 "&scope=item%2Cevent";

  g_assert_cmpstr (request->url, ==, "https://iam.ants.tech/oauth/token");
  g_assert_cmpstr (request->content_type, ==, "application/x-www-form-urlencoded");
  g_assert_null (request->authorization);
  g_assert_cmpstr (request->body, ==, expected);
  g_assert_cmpuint (request->body_len, ==, strlen (expected));
}

/* Seed 004: client credentials, JSON body with the audience, per-customer URL. */
static void
test_dataloy (void)
{
  g_autoptr (CrRequest) request =
    build ("dataloy",
           "[acct]\n"
           "provider = dataloy\n"
           "client_id = G99j845dM4MtckQlKt8E6o\n"
           "token_url = https://login.customer.example/oauth/token\n"
           "audience = https://dataloy\n",
           "-mMElVOMzvht2SyQPfVh-WIaPCbOxRdWN5YngBxtBKybQmli-", NULL);
  static const char expected[] = "{\"grant_type\":\"client_credentials\","
                                 "\"client_id\":\"G99j845dM4MtckQlKt8E6o\","
                                 "\"client_secret\":\"-mMElVOMzvht2SyQPfVh-WIaPCbOxRdWN5YngBxtBKybQmli-\","
                                 "\"audience\":\"https://dataloy\"}";

  g_assert_cmpstr (request->url, ==, "https://login.customer.example/oauth/token");
  g_assert_cmpstr (request->content_type, ==, "application/json");
  g_assert_null (request->authorization);
  g_assert_cmpstr (request->body, ==, expected);
  g_assert_cmpuint (request->body_len, ==, strlen (expected));
}

/* Seed 003: body only grant_type, client id and secret in HTTP Basic. */
static void
test_autograb (void)
{
  g_autoptr (CrRequest) request = build ("autograb",
                                         "[acct]\n"
                                         "provider = autograb\n"
                                         "client_id = 3f1a9c7e-client\n",
                                         "s3cr3t_Value-42", NULL);
  g_autofree char *plain = g_base64_encode ((const guchar *) "3f1a9c7e-client:s3cr3t_Value-42",
                                            strlen ("3f1a9c7e-client:s3cr3t_Value-42"));
  g_autofree char *expected_auth = g_strconcat ("Basic ", plain, NULL);

  g_assert_cmpstr (request->url, ==, "https://api.autograb.com.au/auth-broker/request-token");
  g_assert_cmpstr (request->content_type, ==, "application/x-www-form-urlencoded");
  g_assert_cmpstr (request->body, ==, "grant_type=client_credentials");
  g_assert_cmpuint (request->body_len, ==, strlen ("grant_type=client_credentials"));
  g_assert_cmpstr (request->authorization, ==, expected_auth);
  g_assert_cmpstr (request->authorization, ==,
                   "Basic M2YxYTljN2UtY2xpZW50OnMzY3IzdF9WYWx1ZS00Mg==");
  /* Neither the id nor the secret is in the body. */
  g_assert_null (strstr (request->body, "client_id"));
  g_assert_null (strstr (request->body, "s3cr3t"));
}

/* Seed 000: password grant at https://{host}/auth/oauth/token, form body. */
static void
test_acaengine (void)
{
  g_autoptr (CrRequest) request = build ("acaengine",
                                         "[acct]\n"
                                         "provider = acaengine\n"
                                         "client_id = cid\n"
                                         "host = aca.example.com\n"
                                         "username = alice@example.com\n"
                                         "authority = sgrp-7Dj1\n",
                                         "csecret", "pa ss&word");
  static const char expected[] = "grant_type=password"
                                 "&client_id=cid"
                                 "&client_secret=csecret"
                                 "&username=alice%40example.com"
                                 "&password=pa%20ss%26word"
                                 "&authority=sgrp-7Dj1";

  g_assert_cmpstr (request->url, ==, "https://aca.example.com/auth/oauth/token");
  g_assert_cmpstr (request->content_type, ==, "application/x-www-form-urlencoded");
  g_assert_null (request->authorization);
  g_assert_cmpstr (request->body, ==, expected);
  g_assert_cmpuint (request->body_len, ==, strlen (expected));
}

static void
test_acaengine_scope (void)
{
  g_autoptr (CrRequest) with_scope = build ("acaengine",
                                            "[acct]\n"
                                            "provider = acaengine\n"
                                            "client_id = cid\n"
                                            "host = aca.example.com:8443\n"
                                            "username = alice\n"
                                            "authority = a1\n"
                                            "scope = public\n",
                                            "cs", "pw");
  g_autoptr (CrRequest) empty_scope = build ("acaengine",
                                             "[acct]\n"
                                             "provider = acaengine\n"
                                             "client_id = cid\n"
                                             "host = aca.example.com\n"
                                             "username = alice\n"
                                             "authority = a1\n"
                                             "scope =\n",
                                             "cs", "pw");

  g_assert_cmpstr (with_scope->url, ==, "https://aca.example.com:8443/auth/oauth/token");
  g_assert_cmpstr (with_scope->body, ==,
                   "grant_type=password&client_id=cid&client_secret=cs&username=alice&password=pw"
                   "&authority=a1&scope=public");
  /* An empty optional parameter is left out. */
  g_assert_cmpstr (empty_scope->body, ==,
                   "grant_type=password&client_id=cid&client_secret=cs&username=alice&password=pw"
                   "&authority=a1");
}

/* Whatever the characters, a form decoder gets the values back exactly. */
static void
test_form_encoding_round_trip (void)
{
  static const char secret[] = "a&b=c+d %e/f:g?h#i\"j\\k\xc3\xa9l\nm";
  g_autoptr (CrRequest) request = build ("ants",
                                         "[acct]\n"
                                         "provider = ants\n"
                                         "client_id = id with space+plus\n"
                                         "scope = item, event&x=y\n",
                                         secret, NULL);
  g_autoptr (GPtrArray) pairs = form_pairs (request->body);

  g_assert_cmpuint (pairs->len, ==, 8);
  g_assert_cmpstr (g_ptr_array_index (pairs, 0), ==, "grant_type");
  g_assert_cmpstr (g_ptr_array_index (pairs, 1), ==, "client_credentials");
  g_assert_cmpstr (g_ptr_array_index (pairs, 2), ==, "client_id");
  g_assert_cmpstr (g_ptr_array_index (pairs, 3), ==, "id with space+plus");
  g_assert_cmpstr (g_ptr_array_index (pairs, 4), ==, "client_secret");
  g_assert_cmpstr (g_ptr_array_index (pairs, 5), ==, secret);
  g_assert_cmpstr (g_ptr_array_index (pairs, 6), ==, "scope");
  g_assert_cmpstr (g_ptr_array_index (pairs, 7), ==, "item, event&x=y");
}

/* A secret with JSON's special characters is escaped, and parses back. */
static void
test_json_escaping (void)
{
  static const char secret[] = "q\"uote\\back/slash\ttab\x01" "ctl\xc3\xa9";
  g_autoptr (CrRequest) request = build ("dataloy",
                                         "[acct]\n"
                                         "provider = dataloy\n"
                                         "client_id = cid\"x\n"
                                         "token_url = https://t.example/token\n"
                                         "audience = https://dataloy.dev\n",
                                         secret, NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (CrJsonObject) object = NULL;

  cr_test_assert_contains (request->body,
                           "\"client_secret\":\"q\\\"uote\\\\back/slash\\ttab\\u0001ctl");
  cr_test_assert_contains (request->body, "\"client_id\":\"cid\\\"x\"");
  object = cr_json_parse_object (request->body, request->body_len, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (cr_json_object_get_string (object, "grant_type"), ==, "client_credentials");
  g_assert_cmpstr (cr_json_object_get_string (object, "client_id"), ==, "cid\"x");
  g_assert_cmpstr (cr_json_object_get_string (object, "client_secret"), ==, secret);
  g_assert_cmpstr (cr_json_object_get_string (object, "audience"), ==, "https://dataloy.dev");
}

/* ---- token URL --------------------------------------------------------- */

static char *
token_url (const char *provider_name, const char *account_text, GError **error)
{
  g_autoptr (CrProvider) provider = cr_test_load_provider (provider_name);
  g_autoptr (CrAccount) account = cr_test_account_from_text (tmp_dir, account_text, "acct");

  /* What requests are sent to: the endpoint the account resolves to. */
  if (!cr_account_resolve (account, cr_provider_get_descriptor (provider), NULL, error))
    return NULL;
  return g_strdup (account->endpoint);
}

/* Found by fuzz-descriptor: GLib's parse error quotes the URL, control
 * characters included; the message must stay one printable line. */
static void
test_token_url_error_escaped (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *url = token_url ("ants", "[acct]\nprovider = ants\nclient_id = c\nscope = item\n"
                                    "token_url = https://h:\x12\x1b[2J/x\n", &error);

  g_assert_null (url);
  g_assert_error (error, CR_ERROR, CR_ERROR_CONFIG);
  for (const char *p = error->message; *p != '\0'; p++)
    g_assert_true ((unsigned char) *p >= 0x20 && *p != 0x7f);
}

static void
test_host_substitution (void)
{
  static const char *const good[] = {
    "aca.example.com", "aca.example.com:8443", "10.0.0.1", "[2001:db8::1]", "localhost",
  };
  static const char *const hostile[] = {
    "evil.com/x", "a@b", "evil.com?x=", "evil.com#x", "a b", "evil.com\\\\x" /* key-file escape: one backslash */, "evil.com%2fx",
    "user:pw@evil.com",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autofree char *text = g_strdup_printf ("[acct]\nprovider = acaengine\nclient_id = c\n"
                                               "username = u\nauthority = a\nhost = %s\n",
                                               good[i]);
      g_autofree char *url = token_url ("acaengine", text, &error);
      g_autofree char *expected = g_strdup_printf ("https://%s/auth/oauth/token", good[i]);

      g_assert_no_error (error);
      g_assert_cmpstr (url, ==, expected);
    }
  for (gsize i = 0; i < G_N_ELEMENTS (hostile); i++)
    {
      g_autofree char *text = g_strdup_printf ("[acct]\nprovider = acaengine\nclient_id = c\n"
                                               "username = u\nauthority = a\nhost = %s\n",
                                               hostile[i]);
      g_autoptr (GError) error = NULL;
      g_autofree char *url = token_url ("acaengine", text, &error);
      g_autofree char *message = NULL;

      g_test_message ("host '%s': %s", hostile[i], url ? url : error->message);
      g_assert_null (url);
      g_assert_error (error, CR_ERROR, CR_ERROR_CONFIG);
      cr_test_assert_contains (error->message, "[acct]");
      cr_test_assert_contains (error->message, "host");

      /* The same through the request builder. */
      message = build_error ("acaengine", text, "cs", "pw");
      cr_test_assert_contains (message, "host");
    }
}

static void
test_token_url_override (void)
{
  g_autoptr (CrRequest) ants = build ("ants",
                                      "[acct]\nprovider = ants\nclient_id = c\nscope = item\n"
                                      "token_url = https://proxy.example/ants/oauth/token?x=1\n",
                                      "cs-SeCrEt-9", NULL);
  g_autoptr (CrRequest) aca = build ("acaengine",
                                     "[acct]\nprovider = acaengine\nclient_id = c\n"
                                     "username = u\nauthority = a\nhost = ignored.example\n"
                                     "token_url = https://sso.example/token\n",
                                     "cs-SeCrEt-9", "pw-SeCrEt-9");

  g_assert_cmpstr (ants->url, ==, "https://proxy.example/ants/oauth/token?x=1");
  g_assert_cmpstr (aca->url, ==, "https://sso.example/token");
  /* Dataloy has no default: without token_url there is no request. */
  {
    g_autofree char *message = build_error ("dataloy",
                                            "[acct]\nprovider = dataloy\nclient_id = c\n"
                                            "audience = https://dataloy\n",
                                            "cs-SeCrEt-9", NULL);

    cr_test_assert_contains (message, "[acct]");
    cr_test_assert_contains (message, "'token_url'");
  }
}

static void
test_token_url_scheme (void)
{
  static const char *const allowed[] = {
    "https://auth.example.com/token",
    "http://127.0.0.1/token",
    "http://127.0.0.1:8443/token",
    "http://localhost:9000/oauth/token",
    "http://[::1]:9000/token",
  };
  static const char *const refused[] = {
    "http://example.com/token",
    "http://10.0.0.1/token",
    "ftp://example.com/token",
    "file:///etc/passwd",
    "gopher://127.0.0.1/",
    "not a url",
    "",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (allowed); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autofree char *text = g_strdup_printf ("[acct]\nprovider = ants\nclient_id = c\n"
                                               "scope = item\ntoken_url = %s\n", allowed[i]);
      g_autofree char *url = token_url ("ants", text, &error);

      g_assert_no_error (error);
      g_assert_cmpstr (url, ==, allowed[i]);
    }
  for (gsize i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autofree char *text = g_strdup_printf ("[acct]\nprovider = dataloy\nclient_id = c\n"
                                               "audience = x\ntoken_url = %s\n", refused[i]);
      g_autofree char *url = token_url ("dataloy", text, &error);

      g_test_message ("token_url '%s': %s", refused[i], url ? url : error->message);
      g_assert_null (url);
      g_assert_error (error, CR_ERROR, CR_ERROR_CONFIG);
      cr_test_assert_contains (error->message, "[acct]");
    }
  {
    g_autofree char *message = build_error ("ants",
                                            "[acct]\nprovider = ants\nclient_id = c\n"
                                            "scope = item\ntoken_url = http://example.com/t\n",
                                            "cs-SeCrEt-9", NULL);

    cr_test_assert_contains (message, "https");
  }
}

/* "Loopback" must mean the host is loopback, not that its name starts like
 * a loopback address: http://127.example.com/ would send the client secret
 * in clear to whoever owns that name. */
static void
test_token_url_loopback_lookalike (void)
{
  static const char *const lookalikes[] = {
    "http://127.attacker.example/token",
    "http://127.0.0.1.nip.io/token",
    "http://localhost.attacker.example/token",
  };
  GString *accepted = g_string_new (NULL);

  for (gsize i = 0; i < G_N_ELEMENTS (lookalikes); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autofree char *text = g_strdup_printf ("[acct]\nprovider = ants\nclient_id = c\n"
                                               "scope = item\ntoken_url = %s\n", lookalikes[i]);
      g_autofree char *url = token_url ("ants", text, &error);

      g_test_message ("token_url '%s': %s", lookalikes[i], url ? "accepted" : error->message);
      if (url != NULL)
        g_string_append_printf (accepted, " %s", lookalikes[i]);
      else
        g_assert_error (error, CR_ERROR, CR_ERROR_CONFIG);
    }
  if (accepted->len > 0)
    {
      /* Regression guard (a bug found and fixed): is_loopback_host() tests a "127." prefix. */
      g_autofree char *why = g_strdup_printf ("core/token/request.c is_loopback_host(): plain-http token URL accepted "
                                              "for a non-loopback host:%s", accepted->str);

      g_test_fail_printf ("%s", why);
    }
  g_string_free (accepted, TRUE);
}

/* ---- client authentication --------------------------------------------- */

/* RFC 6749 §2.3.1: the id and the secret are each form-urlencoded, then
 * joined by ':' and base64-encoded. */
static void
test_basic_encoding (void)
{
  static const char id[] = "my client:id";
  static const char secret[] = "p:a/s+s w%rd";
  cr_autosecret char *header = cr_basic_authorization (id, secret);
  g_autofree guchar *decoded = NULL;
  g_autofree char *pair = NULL;
  g_autofree char *id_encoded = NULL;
  g_autofree char *id_back = NULL;
  g_autofree char *secret_back = NULL;
  const char *colon;
  gsize len = 0;

  g_assert_true (g_str_has_prefix (header, "Basic "));
  decoded = g_base64_decode (header + strlen ("Basic "), &len);
  pair = g_strndup ((const char *) decoded, len);
  g_test_message ("decoded: %s", pair);
  g_assert_cmpuint (strlen (pair), ==, len);

  /* Exactly one ':', the separator: the encoded halves hold none. */
  colon = strchr (pair, ':');
  g_assert_nonnull (colon);
  g_assert_null (strchr (colon + 1, ':'));
  id_encoded = g_strndup (pair, colon - pair);
  /* form_decode() also fails on any character left unescaped. */
  id_back = form_decode (id_encoded);
  secret_back = form_decode (colon + 1);
  g_assert_cmpstr (id_back, ==, id);
  g_assert_cmpstr (secret_back, ==, secret);
  /* The reserved characters are percent-encoded. */
  cr_test_assert_contains (colon + 1, "%3A");
  cr_test_assert_contains (colon + 1, "%2F");
  cr_test_assert_contains (colon + 1, "%2B");
  cr_test_assert_contains (colon + 1, "%25");
}

/* AutoGrab documents plain base64 (client_id:client_secret); for ids and
 * secrets of unreserved characters RFC 6749's encoding is the same. */
static void
test_basic_unreserved (void)
{
  static const char id[] = "AbC-123_x.y~z";
  static const char secret[] = "S3cr3T-._~value";
  cr_autosecret char *header = cr_basic_authorization (id, secret);
  g_autofree char *plain = g_base64_encode ((const guchar *) "AbC-123_x.y~z:S3cr3T-._~value",
                                            strlen ("AbC-123_x.y~z:S3cr3T-._~value"));
  g_autofree char *expected = g_strconcat ("Basic ", plain, NULL);

  g_assert_cmpstr (header, ==, expected);
}

/* ---- missing inputs ---------------------------------------------------- */

static void
test_missing_secret (void)
{
  static const char ants[] = "[acct]\nprovider = ants\nclient_id = c\nscope = item\n";
  static const char aca[] = "[acct]\nprovider = acaengine\nclient_id = c\nhost = h.example\n"
                            "username = u\nauthority = a\n";
  g_autofree char *no_secret = build_error ("ants", ants, NULL, NULL);
  g_autofree char *aca_no_secret = build_error ("acaengine", aca, NULL, "pw");
  g_autofree char *aca_no_password = build_error ("acaengine", aca, "cs", NULL);
  g_autofree char *missing_scope = build_error ("ants",
                                                "[acct]\nprovider = ants\nclient_id = c\n",
                                                "cs", NULL);

  cr_test_assert_contains (no_secret, "[acct]");
  cr_test_assert_contains (no_secret, "client secret");
  cr_test_assert_contains (aca_no_secret, "client secret");
  cr_test_assert_contains (aca_no_password, "[acct]");
  cr_test_assert_contains (aca_no_password, "password");
  /* A client-credentials provider needs no password. */
  {
    g_autoptr (CrRequest) request = build ("ants", ants, "cs", NULL);

    g_assert_null (strstr (request->body, "password"));
  }
  /* The account check runs too: ANTS without a scope. */
  cr_test_assert_contains (missing_scope, "'scope'");
}

/* ---- found by fuzz/fuzz-encoder.c ---------------------------------------- */

/* curl_easy_escape() grows its result by realloc() and frees the smaller
 * copies unwiped: escaping a client secret or password with it left pieces
 * of the secret in freed memory (fuzz/corpus/encoder/ants, found by the
 * free hook of fuzz/common.c).  The secret here is a literal, so the only
 * copies the heap may hold are the ones the code under test made. */
#define LONG_SECRET                                                                          \
  "lZ0qR7vX2mN9cT4wK8bH1sD6fJ3gY5pA0eU2iO7lZ0qR7vX2mN9cT4wK8bH1sD6fJ3gY5pA0eU2iO7"       \
  "Qm3Wn8Ec1Rv6Tb9Yx4Ua2Iz7Ok5Pl0As3Dd8Ff1Gg6Hh9Jj4Kk2Ll7Zz5Xx0Cc3Vv8Bb1Nn6Mm9Qq4Ww2Ee7" \
  "Rr5Tt0Yy3Uu8Ii1Oo6Pp9Aa4Ss2Dd7Ff5Gg0Hh3Jj8Kk1Ll6Zz9Xx4Cc2Vv7Bb5Nn0Mm3Qq8Ww1Ee6Rr9Tt4"
/* Bytes 24 to 55 of the secret: past the first 16 bytes of a block, which
 * malloc reuses for its free lists, and inside the 64- and 128-byte blocks
 * a doubling buffer leaves behind.  Whether realloc() moves a block (and
 * so frees the old one) depends on what lies after it, so the tests below
 * try a few heap layouts. */
#define LONG_SECRET_PIECE "fJ3gY5pA0eU2iO7lZ0qR7vX2mN9cT4wK"

static void
test_basic_leaves_no_copy (void)
{
  gboolean leaked = FALSE;

  if (!cr_test_can_scan_heap ())
    {
      g_test_skip ("freed memory cannot be scanned under valgrind or ASan");
      return;
    }

  for (int i = 0; i < 4 && !leaked; i++)
    {
      /* Another heap layout each time round. */
      g_autofree char *plug = g_malloc (48 << i);
      char *header = cr_basic_authorization ("client-id", LONG_SECRET);

      cr_secret_free (header);
      leaked = cr_test_heap_holds (LONG_SECRET_PIECE);
    }
  if (leaked)
    g_test_fail_printf ("core/token/request.c cr_basic_authorization(): a copy of the client secret "
                        "is left unwiped in freed memory (curl_easy_escape() grows its buffer)");
}

/* Builds and frees a request, with nothing allocated in between that could
 * reuse the freed blocks; then looks for the secret. */
static gboolean
request_leaves_copy (const char *provider_name, const char *account_text, const char *client_secret,
                     const char *password)
{
  g_autoptr (CrProvider) provider = cr_test_load_provider (provider_name);
  g_autoptr (CrAccount) account = cr_test_account_from_text (tmp_dir, account_text, "acct");
  g_autoptr (GError) error = NULL;
  CrClientSecrets credentials = { client_secret, password };
  CrRequest *request = cr_test_build_request (cr_provider_get_descriptor (provider), account,
                                         &credentials, &error);

  g_assert_no_error (error);
  cr_request_free (request);
  return cr_test_heap_holds (LONG_SECRET_PIECE);
}

static void
test_form_body_leaves_no_copy (void)
{
  static const char ants[] = "[acct]\nprovider = ants\nclient_id = c\nscope = item\n";
  static const char acaengine[] = "[acct]\nprovider = acaengine\nhost = placeos.example.com\n"
                                  "client_id = c\nusername = alice\nauthority = a\n";

  if (!cr_test_can_scan_heap ())
    {
      g_test_skip ("freed memory cannot be scanned under valgrind or ASan");
      return;
    }

  gboolean secret_leaked = FALSE;
  gboolean password_leaked = FALSE;

  for (int i = 0; i < 4; i++)
    {
      /* Another heap layout each time round. */
      g_autofree char *plug = g_malloc (48 << i);

      secret_leaked = secret_leaked || request_leaves_copy ("ants", ants, LONG_SECRET, NULL);
      password_leaked = password_leaked ||
                        request_leaves_copy ("acaengine", acaengine, "cs", LONG_SECRET);
    }
  if (secret_leaked)
    g_test_fail_printf ("core/token/request.c cr_request_build(): a copy of the client secret is "
                        "left unwiped in freed memory (curl_easy_escape() grows its buffer)");
  if (password_leaked)
    g_test_fail_printf ("core/token/request.c cr_request_build(): a copy of the password is "
                        "left unwiped in freed memory (curl_easy_escape() grows its buffer)");
}

/* A plugin's default values were left out of the body's size: a long one
 * made the body grow, and the old block, holding the client secret, was
 * freed unwiped (fuzz/corpus/descriptor/long-default, found by the free
 * hook in fuzz-descriptor.c).  The secret is short enough for
 * curl_easy_escape() not to grow its own buffer. */
#define SHORT_SECRET "Dq8Rt2Lm6Wx0Zp4Vb7Nc1Hs5Jk9Fg3"

static void
test_long_default_leaves_no_copy (void)
{
  static char long_default[1025];
  const CrPluginParam params[] = {
    { "scope", CR_PARAM_OPTIONAL, long_default },
    { NULL, CR_PARAM_OPTIONAL, NULL },
  };
  const CrPluginDescriptor provider = {
    CR_PLUGIN_DESCRIPTOR_HEADER,
    .name = "example",
    .description = "Example",
    .token_url = "https://auth.example.com/token",
    .grant = CR_GRANT_CLIENT_CREDENTIALS,
    .client_auth = CR_CLIENT_AUTH_BODY,
    .body_format = CR_BODY_FORM,
    .params = params,
    .token_field = "access_token",
    .expiry_field = "expires_in",
    .expiry_form = CR_EXPIRY_SECONDS,
  };
  const CrClientSecrets credentials = { SHORT_SECRET, NULL };
  g_autoptr (CrAccount) account =
    cr_test_account_from_text (tmp_dir, "[acct]\nprovider = example\nclient_id = c\n", "acct");
  gboolean leaked = FALSE;

  if (!cr_test_can_scan_heap ())
    {
      g_test_skip ("freed memory cannot be scanned under valgrind or ASan");
      return;
    }

  /* Escaped, 3072 bytes: more than the body's first allocation. */
  memset (long_default, '/', sizeof long_default - 1);
  for (int i = 0; i < 4 && !leaked; i++)
    {
      /* Another heap layout each time round. */
      g_autofree char *plug = g_malloc (48 << i);
      g_autoptr (GError) error = NULL;
      CrRequest *request = cr_test_build_request (&provider, account, &credentials, &error);

      g_assert_no_error (error);
      g_assert_nonnull (strstr (request->body, "scope=%2F%2F"));
      cr_request_free (request);
      leaked = cr_test_heap_holds (SHORT_SECRET);
    }
  if (leaked)
    g_test_fail_printf ("core/token/request.c body_capacity(): a plugin's default values are not "
                        "counted, so the body grows and leaves the client secret unwiped");
}

int
main (int argc, char **argv)
{
  int status;

  tmp_dir = cr_test_init (&argc, &argv, "request");
  g_test_add_func ("/request/ants", test_ants);
  g_test_add_func ("/request/dataloy", test_dataloy);
  g_test_add_func ("/request/autograb", test_autograb);
  g_test_add_func ("/request/acaengine", test_acaengine);
  g_test_add_func ("/request/acaengine-scope", test_acaengine_scope);
  g_test_add_func ("/request/form-encoding", test_form_encoding_round_trip);
  g_test_add_func ("/request/json-escaping", test_json_escaping);
  g_test_add_func ("/request/missing-secret", test_missing_secret);
  g_test_add_func ("/request/url/host", test_host_substitution);
  g_test_add_func ("/request/token-url/error-escaped", test_token_url_error_escaped);
  g_test_add_func ("/request/url/override", test_token_url_override);
  g_test_add_func ("/request/url/scheme", test_token_url_scheme);
  g_test_add_func ("/request/url/loopback-lookalike", test_token_url_loopback_lookalike);
  g_test_add_func ("/request/basic/encoding", test_basic_encoding);
  g_test_add_func ("/request/basic/unreserved", test_basic_unreserved);

  g_test_add_func ("/request/wipe/basic", test_basic_leaves_no_copy);
  g_test_add_func ("/request/wipe/form-body", test_form_body_leaves_no_copy);
  g_test_add_func ("/request/wipe/long-default", test_long_default_leaves_no_copy);
  status = g_test_run ();
  cr_test_remove_tree (tmp_dir);
  g_free (tmp_dir);
  return status;
}
