/* Unit tests for the pieces of a sign-in that need no network: PKCE
 * (core/signin/pkce.c), the authorization URL and the requests of the
 * grants that sign a person in, refresh and revoke (core/token/request.c),
 * the account keys that choose them (core/account/signin-keys.c) and the
 * refresh token and OAuth error in an answer (core/token/response.c). */

#include <string.h>

#include <glib.h>

#include <credring/credring.h>

#include "signin/signin.h"
#include "token/request.h"
#include "token/response.h"

#include "testutil.h"

static char *tmp_dir;

/* A provider that offers every grant, as a public client by default. */
static const CrPluginDescriptor signin_provider = {
  CR_PLUGIN_DESCRIPTOR_HEADER,
  .name = "signin",
  .description = "Sign-in test provider",
  .token_url = "https://auth.example.com/oauth/token",
  .grant = CR_GRANT_AUTHORIZATION_CODE,
  .grants = CR_GRANT_BIT (CR_GRANT_AUTHORIZATION_CODE) | CR_GRANT_BIT (CR_GRANT_DEVICE_CODE) |
            CR_GRANT_BIT (CR_GRANT_CLIENT_CREDENTIALS),
  .client_auth = CR_CLIENT_AUTH_NONE,
  .body_format = CR_BODY_JSON,
  .token_field = "access_token",
  .token_type_field = "token_type",
  .expiry_field = "expires_in",
  .expiry_form = CR_EXPIRY_SECONDS,
  .authorization_url = "https://auth.example.com/oauth/authorize?tenant=t1",
  .device_authorization_url = "https://auth.example.com/oauth/device",
  .revocation_url = "https://auth.example.com/oauth/revoke",
  .default_scope = "openid api",
};

static CrAccount *
resolved (const char *extra, const CrPluginDescriptor *provider)
{
  g_autofree char *text =
    g_strconcat ("[acct]\nprovider = signin\nclient_id = my app\n", extra, NULL);
  g_autoptr (CrAccount) account = cr_test_account_from_text (tmp_dir, text, "acct");
  g_autoptr (GError) error = NULL;

  g_assert_true (cr_account_resolve (account, provider, NULL, &error));
  g_assert_no_error (error);
  return g_steal_pointer (&account);
}

static char *
resolve_error (const char *extra, const CrPluginDescriptor *provider)
{
  g_autofree char *text =
    g_strconcat ("[acct]\nprovider = signin\nclient_id = my app\n", extra, NULL);
  g_autoptr (CrAccount) account = cr_test_account_from_text (tmp_dir, text, "acct");
  g_autoptr (GError) error = NULL;

  g_assert_false (cr_account_resolve (account, provider, NULL, &error));
  g_assert_error (error, CR_ERROR, CR_ERROR_CONFIG);
  g_test_message ("%s", error->message);
  return g_strdup (error->message);
}

static char *
body_of (const CrRequest *request)
{
  return g_strndup (request->body, request->body_len);
}

/* ---- PKCE -------------------------------------------------------------- */

static void
test_pkce_rfc7636_example (void)
{
  /* RFC 7636 appendix B. */
  g_autofree char *challenge = cr_pkce_challenge ("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk");

  g_assert_cmpstr (challenge, ==, "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
}

static void
test_pkce_verifier (void)
{
  g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (int i = 0; i < 100; i++)
    {
      g_autoptr (GError) error = NULL;
      char *verifier = cr_signin_random_text (32, &error);

      g_assert_no_error (error);
      /* RFC 7636 §4.1: 43 to 128 of [A-Za-z0-9-._~]. */
      g_assert_cmpuint (strlen (verifier), ==, 43);
      g_assert_cmpuint (strspn (verifier, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                          "0123456789-._~"),
                        ==, 43);
      g_assert_true (g_hash_table_add (seen, verifier));
    }
}

/* ---- the authorization URL -------------------------------------------------- */

static void
test_authorization_url (void)
{
  g_autoptr (CrAccount) account = resolved ("", &signin_provider);
  g_autofree char *url = cr_request_authorization_url (
    &signin_provider, account, "http://127.0.0.1:5000/callback", "st-1", "ch-1");
  g_autoptr (GUri) uri = g_uri_parse (url, G_URI_FLAGS_ENCODED_QUERY, NULL);
  g_autoptr (GHashTable) params = NULL;

  g_assert_nonnull (uri);
  g_assert_cmpstr (g_uri_get_path (uri), ==, "/oauth/authorize");
  params = g_uri_parse_params (g_uri_get_query (uri), -1, "&", G_URI_PARAMS_WWW_FORM, NULL);
  /* The endpoint's own query is kept (RFC 6749 §3.1). */
  g_assert_cmpstr (g_hash_table_lookup (params, "tenant"), ==, "t1");
  g_assert_cmpstr (g_hash_table_lookup (params, "response_type"), ==, "code");
  g_assert_cmpstr (g_hash_table_lookup (params, "client_id"), ==, "my app");
  g_assert_cmpstr (g_hash_table_lookup (params, "redirect_uri"), ==,
                   "http://127.0.0.1:5000/callback");
  g_assert_cmpstr (g_hash_table_lookup (params, "state"), ==, "st-1");
  g_assert_cmpstr (g_hash_table_lookup (params, "code_challenge"), ==, "ch-1");
  g_assert_cmpstr (g_hash_table_lookup (params, "code_challenge_method"), ==, "S256");
  g_assert_cmpstr (g_hash_table_lookup (params, "scope"), ==, "openid api");
  g_assert_cmpuint (g_hash_table_size (params), ==, 8);
}

/* An endpoint with a fragment: RFC 6749 §4.1.1 adds the parameters to the
 * query component, which comes before it (RFC 3986 §3); after it they
 * would never reach the server. */
static void
test_authorization_url_fragment (void)
{
  static const char *const endpoints[] = {
    "https://auth.example.com/oauth/authorize?tenant=t1#top",
    "https://auth.example.com/oauth/authorize#top",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (endpoints); i++)
    {
      CrPluginDescriptor provider = signin_provider;
      g_autoptr (CrAccount) account = NULL;
      g_autofree char *url = NULL;
      g_autoptr (GUri) uri = NULL;
      g_autoptr (GHashTable) params = NULL;

      provider.authorization_url = endpoints[i];
      account = resolved ("", &provider);
      url = cr_request_authorization_url (&provider, account, "http://127.0.0.1:5000/callback",
                                          "st-1", "ch-1");
      uri = g_uri_parse (url, G_URI_FLAGS_ENCODED_QUERY, NULL);
      g_test_message ("%s", url);
      g_assert_nonnull (uri);
      g_assert_cmpstr (g_uri_get_path (uri), ==, "/oauth/authorize");
      g_assert_cmpstr (g_uri_get_fragment (uri), ==, "top");
      g_assert_nonnull (g_uri_get_query (uri));
      params = g_uri_parse_params (g_uri_get_query (uri), -1, "&", G_URI_PARAMS_WWW_FORM, NULL);
      g_assert_cmpstr (g_hash_table_lookup (params, "tenant"), ==, i == 0 ? "t1" : NULL);
      g_assert_cmpstr (g_hash_table_lookup (params, "response_type"), ==, "code");
      g_assert_cmpstr (g_hash_table_lookup (params, "code_challenge_method"), ==, "S256");
      g_assert_cmpuint (g_hash_table_size (params), ==, i == 0 ? 8 : 7);
    }
}

/* ---- requests ------------------------------------------------------------ */

static CrRequest *
prepare (const CrAccount *account, const CrClientSecrets *secrets, const CrGrantInput *input)
{
  g_autoptr (GError) error = NULL;
  CrRequest *request = cr_request_prepare (&signin_provider, account, secrets, input, &error);

  g_assert_no_error (error);
  g_assert_nonnull (request);
  return request;
}

static void
test_code_exchange_public (void)
{
  g_autoptr (CrAccount) account = resolved ("", &signin_provider);
  CrClientSecrets secrets = { NULL, NULL };
  CrGrantInput input = {
    .call = CR_CALL_TOKEN, .grant = CR_GRANT_AUTHORIZATION_CODE, .code = "c/1",
    .code_verifier = "v-1", .redirect_uri = "http://127.0.0.1:5000/callback",
  };
  g_autoptr (CrRequest) request = prepare (account, &secrets, &input);
  g_autofree char *body = body_of (request);

  /* A form whatever the provider's body format (RFC 6749 §4.1.3), no
   * provider parameters, no scope, the client named in the body. */
  g_assert_cmpstr (request->content_type, ==, "application/x-www-form-urlencoded");
  g_assert_cmpstr (request->url, ==, "https://auth.example.com/oauth/token");
  g_assert_null (request->authorization);
  g_assert_cmpstr (body, ==,
                   "grant_type=authorization_code&client_id=my%20app&code=c%2F1&"
                   "redirect_uri=http%3A%2F%2F127.0.0.1%3A5000%2Fcallback&code_verifier=v-1");
}

static void
test_device_and_refresh_confidential (void)
{
  g_autoptr (CrAccount) account = resolved ("client_auth = basic\n", &signin_provider);
  CrClientSecrets secrets = { "s:ecret", NULL };
  CrGrantInput device = { .call = CR_CALL_DEVICE_AUTHORIZATION };
  CrGrantInput poll = { .call = CR_CALL_TOKEN, .grant = CR_GRANT_DEVICE_CODE,
                        .device_code = "d1" };
  CrGrantInput refresh = { .call = CR_CALL_TOKEN, .grant = CR_GRANT_REFRESH_TOKEN,
                           .refresh_token = "r1" };
  CrGrantInput revoke = { .call = CR_CALL_REVOCATION, .refresh_token = "r1" };
  g_autoptr (CrRequest) a = prepare (account, &secrets, &device);
  g_autoptr (CrRequest) b = prepare (account, &secrets, &poll);
  g_autoptr (CrRequest) c = prepare (account, &secrets, &refresh);
  g_autoptr (CrRequest) d = prepare (account, &secrets, &revoke);
  g_autofree char *body_a = body_of (a), *body_b = body_of (b);
  g_autofree char *body_c = body_of (c), *body_d = body_of (d);
  g_autofree char *basic = g_strconcat ("Basic ", "bXklMjBhcHA6cyUzQWVjcmV0", NULL);

  g_assert_cmpstr (a->url, ==, "https://auth.example.com/oauth/device");
  g_assert_cmpstr (body_a, ==, "scope=openid%20api");
  g_assert_cmpstr (body_b, ==,
                   "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Adevice_code&"
                   "device_code=d1");
  g_assert_cmpstr (body_c, ==, "grant_type=refresh_token&refresh_token=r1");
  g_assert_cmpstr (d->url, ==, "https://auth.example.com/oauth/revoke");
  g_assert_cmpstr (body_d, ==, "token=r1&token_type_hint=refresh_token");
  /* The secret in Basic, form-encoded first (RFC 6749 §2.3.1), never in a body. */
  g_assert_cmpstr (a->authorization, ==, basic);
  g_assert_cmpstr (b->authorization, ==, basic);
  g_assert_cmpstr (c->authorization, ==, basic);
  g_assert_cmpstr (d->authorization, ==, basic);
}

static void
test_masked_signin_request (void)
{
  g_autoptr (CrAccount) account = resolved ("client_auth = body\n", &signin_provider);
  CrGrantInput input = {
    .call = CR_CALL_TOKEN, .grant = CR_GRANT_AUTHORIZATION_CODE, .code = "real-code",
    .code_verifier = "real-verifier", .redirect_uri = "http://127.0.0.1:1/callback",
  };
  g_autoptr (GError) error = NULL;
  g_autoptr (CrRequest) request =
    cr_request_prepare (&signin_provider, account, NULL, &input, &error);
  g_autofree char *body = body_of (request);

  g_assert_no_error (error);
  g_assert_null (strstr (body, "real-code"));
  g_assert_null (strstr (body, "real-verifier"));
  cr_test_assert_contains (body, "code=" CR_REQUEST_MASK);
  cr_test_assert_contains (body, "code_verifier=" CR_REQUEST_MASK);
  cr_test_assert_contains (body, "client_secret=" CR_REQUEST_MASK);
}

/* --dry-run has no code, verifier or listener yet. */
static void
test_masked_without_inputs (void)
{
  g_autoptr (CrAccount) account = resolved ("", &signin_provider);
  g_autoptr (GError) error = NULL;
  g_autoptr (CrRequest) request = cr_request_build_masked (&signin_provider, account, &error);
  g_autofree char *body = NULL;

  g_assert_no_error (error);
  body = body_of (request);
  g_assert_cmpstr (body, ==,
                   "grant_type=authorization_code&client_id=my%20app&code=" CR_REQUEST_MASK
                   "&redirect_uri=http%3A%2F%2F127.0.0.1%3APORT%2Fcallback&code_verifier="
                   CR_REQUEST_MASK);
}

static void
test_missing_client_secret (void)
{
  g_autoptr (CrAccount) account = resolved ("client_auth = body\n", &signin_provider);
  CrClientSecrets secrets = { NULL, NULL };
  CrGrantInput input = { .call = CR_CALL_TOKEN, .grant = CR_GRANT_REFRESH_TOKEN,
                         .refresh_token = "r" };
  g_autoptr (GError) error = NULL;
  g_autoptr (CrRequest) request =
    cr_request_prepare (&signin_provider, account, &secrets, &input, &error);

  g_assert_null (request);
  g_assert_error (error, CR_ERROR, CR_ERROR_CONFIG);
  cr_test_assert_contains (error->message, "client secret");
}

/* A grant's own input (the code and verifier, the device code, the refresh
 * token) missing is a missing secret: CR_ERROR_CONFIG, as request.h says,
 * not a crash.  cr_token_fetch() of an account that signs a person in, which
 * only a sign-in gives a code, builds such a request. */
static void
test_missing_grant_input (void)
{
  g_autoptr (CrAccount) account = resolved ("client_auth = body\n", &signin_provider);
  g_autoptr (CrAccount) device = resolved ("grant = device_code\n", &signin_provider);
  CrClientSecrets secrets = { "s", NULL };
  const CrGrantInput inputs[] = {
    { .call = CR_CALL_TOKEN, .grant = CR_GRANT_AUTHORIZATION_CODE },
    { .call = CR_CALL_TOKEN, .grant = CR_GRANT_AUTHORIZATION_CODE, .code = "c" },
    { .call = CR_CALL_TOKEN, .grant = CR_GRANT_AUTHORIZATION_CODE, .code_verifier = "v" },
    { .call = CR_CALL_TOKEN, .grant = CR_GRANT_DEVICE_CODE },
    { .call = CR_CALL_TOKEN, .grant = CR_GRANT_REFRESH_TOKEN },
    { .call = CR_CALL_REVOCATION },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (inputs); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (CrRequest) request =
        cr_request_prepare (&signin_provider, account, &secrets, &inputs[i], &error);

      g_assert_null (request);
      g_assert_error (error, CR_ERROR, CR_ERROR_CONFIG);
      g_assert_null (strchr (error->message, '\n'));
      g_test_message ("%s", error->message);
    }
  for (gsize i = 0; i < 2; i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (CrToken) token =
        cr_token_fetch (i == 0 ? account : device, &signin_provider, &secrets, &error);

      g_assert_null (token);
      g_assert_error (error, CR_ERROR, CR_ERROR_CONFIG);
      cr_test_assert_contains (error->message, "credring login acct");
    }
}

/* ---- account keys ---------------------------------------------------------- */

static void
test_account_keys (void)
{
  CrPluginDescriptor no_device = signin_provider;
  g_autoptr (CrAccount) plain = resolved ("", &signin_provider);
  g_autoptr (CrAccount) device = resolved ("grant = device_code\nscope = read\n", &signin_provider);
  g_autoptr (CrAccount) fixed =
    resolved ("redirect_uri = http://[::1]:8400/cb\nsignin_timeout = 60\n", &signin_provider);
  g_autofree char *not_offered = resolve_error ("grant = password\n", &signin_provider);
  g_autofree char *refresh = resolve_error ("grant = refresh_token\n", &signin_provider);
  g_autofree char *public_cc =
    resolve_error ("grant = client_credentials\n", &signin_provider);
  g_autofree char *localhost =
    resolve_error ("redirect_uri = http://localhost:8400/cb\n", &signin_provider);
  g_autofree char *https_redirect =
    resolve_error ("redirect_uri = https://127.0.0.1/cb\n", &signin_provider);
  g_autofree char *query_redirect =
    resolve_error ("redirect_uri = http://127.0.0.1/cb?x=1\n", &signin_provider);
  g_autofree char *plain_http =
    resolve_error ("authorization_url = http://auth.example.com/authorize\n", &signin_provider);
  g_autofree char *escaped_path =
    resolve_error ("redirect_uri = http://127.0.0.1:8400/c%20b\n", &signin_provider);
  g_autofree char *missing = NULL;

  g_assert_cmpint (plain->grant, ==, CR_GRANT_AUTHORIZATION_CODE);
  g_assert_cmpint (plain->client_auth, ==, CR_CLIENT_AUTH_NONE);
  g_assert_cmpstr (plain->scope, ==, "openid api");
  g_assert_cmpint (plain->signin_timeout, ==, 300);
  g_assert_cmpstr (plain->authorization_endpoint, ==,
                   "https://auth.example.com/oauth/authorize?tenant=t1");
  g_assert_cmpint (device->grant, ==, CR_GRANT_DEVICE_CODE);
  g_assert_cmpstr (device->scope, ==, "read");
  g_assert_cmpstr (fixed->redirect_uri, ==, "http://[::1]:8400/cb");
  g_assert_cmpint (fixed->signin_timeout, ==, 60);

  cr_test_assert_contains (not_offered, "grant 'password' is not one provider signin offers");
  cr_test_assert_contains (not_offered, "authorization_code, device_code");
  cr_test_assert_contains (refresh, "grant 'refresh_token' is not one");
  cr_test_assert_contains (public_cc, "needs a client secret");
  cr_test_assert_contains (localhost, "not localhost");
  cr_test_assert_contains (https_redirect, "redirect_uri must be");
  cr_test_assert_contains (query_redirect, "redirect_uri must be");
  cr_test_assert_contains (plain_http, "authorization URL must be https");
  cr_test_assert_contains (escaped_path, "a plain path");

  /* A grant without its endpoint names the key that would give it. */
  no_device.device_authorization_url = NULL;
  missing = resolve_error ("grant = device_code\n", &no_device);
  cr_test_assert_contains (missing, "device_authorization_url");
}

/* A redirect_uri's path is plain as written: GLib drops dot segments, and
 * whatever they held, before the path can be looked at, while a URI with
 * its port is sent byte for byte. */
static void
test_redirect_uri_path_as_written (void)
{
  static const char *const bad[] = {
    "http://127.0.0.1:8400/a b/../callback",
    "http://127.0.0.1:8400/%41/../callback",
    "http://[::1]:8400/cb/x'y/./z",
  };
  g_autoptr (CrAccount) dots = resolved ("redirect_uri = http://127.0.0.1:8400/a/../cb\n",
                                         &signin_provider);

  g_assert_cmpstr (dots->redirect_uri, ==, "http://127.0.0.1:8400/a/../cb");
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *line = g_strdup_printf ("redirect_uri = %s\n", bad[i]);
      g_autofree char *message = resolve_error (line, &signin_provider);

      cr_test_assert_contains (message, "redirect_uri must be");
    }
}

/* A provider of before ABI 1.2 (AutoGrab's body is grant_type alone): an
 * account's "scope" is no parameter of it, and is not sent. */
static void
test_scope_only_where_it_means_something (void)
{
  CrPluginDescriptor old = {
    .abi_major = 1, .abi_minor = 1, .struct_size = CR_PLUGIN_DESCRIPTOR_SIZE_1_1,
    .name = "signin", .description = "old", .token_url = "https://auth.example.com/token",
    .grant = CR_GRANT_CLIENT_CREDENTIALS, .client_auth = CR_CLIENT_AUTH_BASIC,
    .body_format = CR_BODY_FORM, .token_field = "access_token", .expiry_field = "expires_in",
    .expiry_form = CR_EXPIRY_SECONDS,
  };
  g_autoptr (CrAccount) account = resolved ("scope = admin\n", &old);
  CrClientSecrets secrets = { "s", NULL };
  g_autoptr (GError) error = NULL;
  g_autoptr (CrRequest) request = cr_request_prepare (&old, account, &secrets, NULL, &error);
  g_autofree char *body = body_of (request);

  g_assert_null (account->scope);
  g_assert_cmpstr (body, ==, "grant_type=client_credentials");
}

/* ---- answers ------------------------------------------------------------- */

static CrResponse *
answer (long status, const char *body)
{
  CrResponse *response = g_new0 (CrResponse, 1);

  response->status = status;
  response->content_type = g_strdup ("application/json");
  response->body = g_strdup (body);
  response->body_len = strlen (body);
  response->retry_after = -1;
  return response;
}

static void
test_refresh_token_in_answer (void)
{
  g_autoptr (CrResponse) with = answer (
    200, "{\"access_token\":\"a\",\"token_type\":\"Bearer\",\"expires_in\":60,"
         "\"refresh_token\":\"r-1\"}");
  g_autoptr (CrResponse) without =
    answer (200, "{\"access_token\":\"a\",\"token_type\":\"Bearer\",\"expires_in\":60}");
  g_autoptr (CrResponse) bad = answer (
    200, "{\"access_token\":\"a\",\"token_type\":\"Bearer\",\"expires_in\":60,"
         "\"refresh_token\":\"r\\n1\"}");
  g_autoptr (CrToken) a = cr_response_parse (&signin_provider, NULL, with, 1000, NULL);
  g_autoptr (CrToken) b = cr_response_parse (&signin_provider, NULL, without, 1000, NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (CrToken) c = cr_response_parse (&signin_provider, NULL, bad, 1000, &error);

  g_assert_cmpstr (a->refresh_token, ==, "r-1");
  g_assert_null (b->refresh_token);
  /* A refresh token that could not go back on the wire is no token at all. */
  g_assert_null (c);
  g_assert_error (error, CR_ERROR, CR_ERROR_NETWORK);
}

static void
test_oauth_error_code (void)
{
  static const struct {
    long status;
    const char *body;
    const char *code;
  } cases[] = {
    { 400, "{\"error\":\"authorization_pending\"}", "authorization_pending" },
    { 400, "{\"error\":\"slow_down\",\"error_description\":\"x\"}", "slow_down" },
    { 401, "{\"error\":\"invalid_client\"}", "invalid_client" },
    { 400, "{\"error\":\"invalid grant\"}", NULL },
    { 400, "{\"error\":7}", NULL },
    { 500, "{\"error\":\"server_error\"}", NULL },
    { 400, "not json", NULL },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (CrResponse) response = answer (cases[i].status, cases[i].body);
      g_autofree char *code = cr_response_oauth_error (response);

      g_assert_cmpstr (code, ==, cases[i].code);
    }
}

int
main (int argc, char **argv)
{
  int status;

  tmp_dir = cr_test_init (&argc, &argv, "signin");
  g_test_add_func ("/signin/pkce/rfc7636-example", test_pkce_rfc7636_example);
  g_test_add_func ("/signin/pkce/verifier", test_pkce_verifier);
  g_test_add_func ("/signin/authorization-url", test_authorization_url);
  g_test_add_func ("/signin/authorization-url/fragment", test_authorization_url_fragment);
  g_test_add_func ("/signin/request/code-exchange-public", test_code_exchange_public);
  g_test_add_func ("/signin/request/device-refresh-revoke", test_device_and_refresh_confidential);
  g_test_add_func ("/signin/request/masked", test_masked_signin_request);
  g_test_add_func ("/signin/request/masked-without-inputs", test_masked_without_inputs);
  g_test_add_func ("/signin/request/missing-client-secret", test_missing_client_secret);
  g_test_add_func ("/signin/request/missing-grant-input", test_missing_grant_input);
  g_test_add_func ("/signin/account-keys", test_account_keys);
  g_test_add_func ("/signin/account-keys/scope", test_scope_only_where_it_means_something);
  g_test_add_func ("/signin/account-keys/redirect-uri-path", test_redirect_uri_path_as_written);
  g_test_add_func ("/signin/answer/refresh-token", test_refresh_token_in_answer);
  g_test_add_func ("/signin/answer/oauth-error", test_oauth_error_code);
  status = g_test_run ();
  cr_test_remove_tree (tmp_dir);
  g_free (tmp_dir);
  return status;
}
