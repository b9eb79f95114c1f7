/* Unit tests for plugin hooks (core/token/hooks.c, ABI 1.1) and for ABI 1.0
 * plugins in a 1.1 core: the real test plugins tests/plugins/hooks.c and
 * abi-1-0.c loaded through the loader, and descriptors with misbehaving
 * hooks defined here. */

#include "config.h"

#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>

#include <credring/credring.h>

#include "testutil.h"
#include "provider/descriptor.h"
#include "token/response.h"

#define NOW G_GINT64_CONSTANT (1700000000)

static char *tmp_dir;
static char *plugin_dir;

static const char account_text[] = "[acct]\n"
                                   "provider = hooks\n"
                                   "client_id = client-7\n"
                                   "scope = read\n";

/* The test plugins are copied out of the build tree into a directory of
 * ours with safe modes: the loader checks both. */
static void
copy_test_plugin (const char *name)
{
  g_autofree char *file = g_strconcat (name, ".so", NULL);
  g_autofree char *from = g_test_build_filename (G_TEST_BUILT, "plugins", ".libs", file, NULL);
  g_autofree char *to = cr_test_copy_file (from, plugin_dir, NULL, 0755);
}

static CrProvider *
load (const char *name)
{
  g_autoptr (GError) error = NULL;
  CrProvider *provider;

  g_setenv ("CREDRING_PLUGIN_DIR", plugin_dir, TRUE);
  provider = cr_provider_load (name, &error);
  g_assert_no_error (error);
  g_assert_nonnull (provider);
  return provider;
}

static CrAccount *
account (void)
{
  return cr_test_account_from_text (tmp_dir, account_text, "acct");
}

static CrToken *
parse (const CrPluginDescriptor *provider, long status, const char *content_type,
       const char *body, GError **error)
{
  CrResponse response = { status, (char *) content_type, (char *) body, strlen (body), -1 };
  g_autoptr (CrAccount) acct = account ();

  return cr_response_parse (provider, acct, &response, NOW, error);
}

/* ---- the hooks test plugin -------------------------------------------- */

static void
test_plugin_headers (void)
{
  g_autoptr (CrProvider) provider = load ("hooks");
  g_autoptr (CrAccount) acct = account ();
  g_autoptr (GError) error = NULL;
  CrClientSecrets credentials = { "s3cret", NULL };
  g_autoptr (CrRequest) request = NULL;
  const char *const expected[] = {
    "Content-Type: application/x-www-form-urlencoded", "Accept: application/json",
    "User-Agent: " PACKAGE_NAME "/" PACKAGE_VERSION, "X-Api-Version: 2",
    "X-Client-Id: client-7", NULL,
  };

  request = cr_test_build_request (cr_provider_get_descriptor (provider), acct, &credentials, &error);
  g_assert_no_error (error);
  g_assert_true (g_strv_equal ((const char *const *) request->headers, expected));
  g_assert_cmpstr (request->body, ==,
                   "grant_type=client_credentials&client_id=client-7&client_secret=s3cret"
                   "&scope=read");
  g_assert_null (request->authorization);
}

static void
test_plugin_parses_form_answers (void)
{
  g_autoptr (CrProvider) provider = load ("hooks");
  const CrPluginDescriptor *d = cr_provider_get_descriptor (provider);
  g_autoptr (GError) error = NULL;
  g_autoptr (CrToken) token = NULL;

  token = parse (d, 200, "application/x-www-form-urlencoded",
                 "access_token=abc%2Bdef&token_type=bearer&expires_in=600", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (token->access_token, ==, "abc+def");
  g_assert_cmpstr (token->token_type, ==, "bearer");
  g_assert_cmpint (token->issued_at, ==, NOW);
  g_assert_cmpint (token->expires_at, ==, NOW + 600);
}

static void
test_plugin_errors (void)
{
  g_autoptr (CrProvider) provider = load ("hooks");
  const CrPluginDescriptor *d = cr_provider_get_descriptor (provider);
  static const struct {
    long status;
    const char *content_type, *body;
    int code;
    const char *needle;
  } cases[] = {
    { 401, "application/x-www-form-urlencoded",
      "error=invalid_client&error_description=Unknown+client", CR_ERROR_REJECTED,
      "the provider refused: invalid_client: Unknown client (HTTP 401)" },
    { 400, "application/x-www-form-urlencoded", "error=invalid_scope", CR_ERROR_CONFIG,
      "invalid_scope" },
    { 503, "application/x-www-form-urlencoded", "error=temporarily_unavailable",
      CR_ERROR_NETWORK, "temporarily_unavailable" },
    { 200, "application/json", "{\"access_token\":\"x\"}", CR_ERROR_NETWORK, "not a form" },
    { 200, "application/x-www-form-urlencoded", "access_token=x", CR_ERROR_NETWORK,
      "without a token" },
    /* What the plugin hands over, the core checks. */
    { 200, "application/x-www-form-urlencoded", "access_token=a%0Ab&expires_in=60",
      CR_ERROR_NETWORK, "outside %x20-7E" },
    { 200, "application/x-www-form-urlencoded", "access_token=a&token_type=mac&expires_in=60",
      CR_ERROR_NETWORK, "other than Bearer" },
    { 200, "application/x-www-form-urlencoded", "access_token=a&expires_in=999999999999",
      CR_ERROR_NETWORK, "ten years" },
    /* The provider's words, escaped: no second line. */
    { 401, "application/x-www-form-urlencoded",
      "error=invalid_client&error_description=line%0Aforged", CR_ERROR_REJECTED,
      "line\\x0Aforged" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (CrToken) token = parse (d, cases[i].status, cases[i].content_type,
                                         cases[i].body, &error);

      g_test_message ("case %zu: %s", i, error ? error->message : "(no error)");
      g_assert_null (token);
      g_assert_error (error, CR_ERROR, cases[i].code);
      g_assert_null (strchr (error->message, '\n'));
      cr_test_assert_contains (error->message, cases[i].needle);
    }
}

/* ---- misbehaving hooks, refused by the core ---------------------------- */

static const char *header_name;
static const char *header_value;
static int header_count;
static int add_result;

static CrPluginStatus
add_configured_headers (const CrPluginContext *context, CrPluginAddHeaderFunc add_header,
                        void *sink, char *error, size_t error_size)
{
  add_result = 0;
  for (int i = 0; i < header_count && add_result == 0; i++)
    add_result = add_header (sink, header_name, header_value);
  return CR_PLUGIN_OK;
}

static CrPluginStatus
fail_with_long_message (const CrPluginContext *context, CrPluginAddHeaderFunc add_header,
                        void *sink, char *error, size_t error_size)
{
  /* No terminating NUL and a control character: the core copes with both. */
  memset (error, 'x', error_size);
  error[3] = '\033';
  return CR_PLUGIN_ERROR_CONFIG;
}

static CrPluginStatus
read_account_values (const CrPluginContext *context, CrPluginAddHeaderFunc add_header,
                     void *sink, char *error, size_t error_size)
{
  const char *scope = context->get_value (context, "scope");

  /* Secrets are not account values: nothing to find under their names. */
  if (context->get_value (context, "client_secret") != NULL ||
      context->get_value (context, "password") != NULL)
    return CR_PLUGIN_ERROR_RESPONSE;
  if (add_header (sink, "X-Account", context->account) != 0 ||
      add_header (sink, "X-Scope", scope ? scope : "(none)") != 0)
    return CR_PLUGIN_ERROR_CONFIG;
  return CR_PLUGIN_OK;
}

static CrPluginDescriptor
hooked_descriptor (CrPluginAddHeadersFunc add_headers, CrPluginParseResponseFunc parse_response)
{
  static const CrPluginParam params[] = {
    { "scope", CR_PARAM_OPTIONAL, NULL },
    { NULL, CR_PARAM_OPTIONAL, NULL },
  };
  CrPluginDescriptor d = {
    CR_PLUGIN_DESCRIPTOR_HEADER,
    .name = "hooks",
    .description = "test",
    .token_url = "https://auth.example.com/oauth/token",
    .grant = CR_GRANT_CLIENT_CREDENTIALS,
    .client_auth = CR_CLIENT_AUTH_BODY,
    .body_format = CR_BODY_FORM,
    .params = params,
    .token_field = "access_token",
    .token_type_field = "token_type",
    .expiry_field = "expires_in",
    .expiry_form = CR_EXPIRY_SECONDS,
    .add_headers = add_headers,
    .parse_response = parse_response,
  };

  g_assert_true (cr_descriptor_validate (&d, NULL, NULL));
  return d;
}

/* Builds a request with @d; returns the error message, or NULL on success. */
static char *
build_message (const CrPluginDescriptor *d)
{
  g_autoptr (CrAccount) acct = account ();
  g_autoptr (GError) error = NULL;
  CrClientSecrets credentials = { "s3cret", NULL };
  g_autoptr (CrRequest) request = cr_test_build_request (d, acct, &credentials, &error);

  if (request != NULL)
    return NULL;
  g_assert_error (error, CR_ERROR, CR_ERROR_CONFIG);
  g_assert_null (strchr (error->message, '\n'));
  g_test_message ("%s", error->message);
  return g_strdup (error->message);
}

static void
test_refused_headers (void)
{
  CrPluginDescriptor d = hooked_descriptor (add_configured_headers, NULL);
  static const struct {
    const char *name, *value;
    int count;
    const char *needle;
  } cases[] = {
    { "Authorization", "Bearer x", 1, "sets it itself" },
    { "content-TYPE", "text/plain", 1, "sets it itself" },
    { "Host", "evil.example", 1, "sets it itself" },
    { "X-Ok", "a\r\nX-Injected: 1", 1, "printable ASCII" },
    { "X-Ok", "caf\xc3\xa9", 1, "printable ASCII" },
    { "X-Empty", "", 1, "empty" },
    { "Upgrade", "h2c", 1, "sets it itself" },
    { "TE", "trailers", 1, "sets it itself" },
    { "Bad Name", "v", 1, "not an HTTP header name" },
    { "", "v", 1, "not an HTTP header name" },
    { "X-Many", "v", 17, "more headers" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *message = NULL;

      header_name = cases[i].name;
      header_value = cases[i].value;
      header_count = cases[i].count;
      message = build_message (&d);
      g_assert_nonnull (message);
      g_assert_cmpint (add_result, ==, -1);
      cr_test_assert_contains (message, "provider 'hooks'");
      cr_test_assert_contains (message, cases[i].needle);
    }
  /* 16 are fine. */
  header_name = "X-Many";
  header_value = "v";
  header_count = 16;
  g_assert_null (build_message (&d));
  g_assert_cmpint (add_result, ==, 0);
}

static void
test_hook_failure_message (void)
{
  CrPluginDescriptor d = hooked_descriptor (fail_with_long_message, NULL);
  g_autofree char *message = build_message (&d);

  g_assert_nonnull (message);
  cr_test_assert_contains (message, "provider 'hooks' cannot build the request: xxx\\x1Bxxx");
  g_assert_cmpuint (strlen (message), <, 400);
}

static void
test_context_values (void)
{
  CrPluginDescriptor d = hooked_descriptor (read_account_values, NULL);
  g_autoptr (CrAccount) acct = account ();
  g_autoptr (GError) error = NULL;
  g_autoptr (CrRequest) request = cr_test_build_request (&d, acct, NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (request->headers[3], ==, "X-Account: acct");
  g_assert_cmpstr (request->headers[4], ==, "X-Scope: read");
}

static CrPluginStatus
token_twice (const CrPluginContext *context, const CrPluginResponse *response,
             CrPluginSetTokenFunc set_token, void *sink, char *error, size_t error_size)
{
  g_assert_cmpint (set_token (sink, "one", NULL, response->now + 60), ==, 0);
  g_assert_cmpint (set_token (sink, "two", NULL, response->now + 60), ==, -1);
  return CR_PLUGIN_OK;
}

static CrPluginStatus
ok_without_token (const CrPluginContext *context, const CrPluginResponse *response,
                  CrPluginSetTokenFunc set_token, void *sink, char *error, size_t error_size)
{
  return CR_PLUGIN_OK;
}

static CrPluginStatus
expired_token (const CrPluginContext *context, const CrPluginResponse *response,
               CrPluginSetTokenFunc set_token, void *sink, char *error, size_t error_size)
{
  g_assert_cmpint (set_token (sink, "old", NULL, response->now - 1), ==, -1);
  /* Claiming success anyway does not make the token good. */
  return CR_PLUGIN_OK;
}

static CrPluginStatus
unknown_status (const CrPluginContext *context, const CrPluginResponse *response,
                CrPluginSetTokenFunc set_token, void *sink, char *error, size_t error_size)
{
  return (CrPluginStatus) 42;
}

static CrPluginStatus
sees_the_answer (const CrPluginContext *context, const CrPluginResponse *response,
                 CrPluginSetTokenFunc set_token, void *sink, char *error, size_t error_size)
{
  g_assert_cmpint (response->status, ==, 201);
  g_assert_cmpstr (response->content_type, ==, "text/plain");
  g_assert_cmpuint (response->body_len, ==, 5);
  g_assert_cmpstr (response->body, ==, "tok-1");
  g_assert_cmpint (response->now, ==, NOW);
  g_assert_cmpstr (context->account, ==, "acct");
  g_assert_cmpstr (context->client_id, ==, "client-7");
  return set_token (sink, response->body, "Bearer", response->now + 3600) == 0
           ? CR_PLUGIN_OK
           : CR_PLUGIN_ERROR_RESPONSE;
}

static void
test_parse_hook_rules (void)
{
  static const struct {
    CrPluginParseResponseFunc hook;
    int code;
    const char *needle;
  } cases[] = {
    { token_twice, CR_ERROR_NETWORK, "more than one token" },
    { ok_without_token, CR_ERROR_NETWORK, "found no token" },
    { expired_token, CR_ERROR_NETWORK, "already expired" },
    { unknown_status, CR_ERROR_FAILED, "unknown status 42" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      CrPluginDescriptor d = hooked_descriptor (NULL, cases[i].hook);
      g_autoptr (GError) error = NULL;
      g_autoptr (CrToken) token = parse (&d, 200, "text/plain", "tok-1", &error);

      g_assert_null (token);
      g_assert_error (error, CR_ERROR, cases[i].code);
      cr_test_assert_contains (error->message, cases[i].needle);
    }
  {
    CrPluginDescriptor d = hooked_descriptor (NULL, sees_the_answer);
    g_autoptr (GError) error = NULL;
    g_autoptr (CrToken) token = parse (&d, 201, "text/plain", "tok-1", &error);

    g_assert_no_error (error);
    g_assert_cmpstr (token->access_token, ==, "tok-1");
    g_assert_cmpint (token->expires_at, ==, NOW + 3600);
  }
}

/* A parse_response hook stands in for the response mapping: without one,
 * the mapping is required; with one, it may be left out. */
static void
test_validate_parser_replaces_mapping (void)
{
  CrPluginDescriptor d = hooked_descriptor (NULL, sees_the_answer);
  g_autoptr (GError) error = NULL;

  d.token_field = d.expiry_field = d.token_type_field = NULL;
  d.expiry_form = 0;
  g_assert_true (cr_descriptor_validate (&d, NULL, &error));
  g_assert_no_error (error);
  d.parse_response = NULL;
  g_assert_false (cr_descriptor_validate (&d, NULL, &error));
  g_assert_error (error, CR_ERROR, CR_ERROR_CONFIG);
}

/* ---- ABI 1.0 plugins in a 1.1 core -------------------------------------- */

static void
test_abi_1_0_plugin (void)
{
  g_autoptr (CrProvider) provider = load ("abi-1-0");
  const CrPluginDescriptor *d = cr_provider_get_descriptor (provider);
  g_autoptr (CrAccount) acct = cr_test_account_from_text (
    tmp_dir, "[old]\nprovider = abi-1-0\nclient_id = c\n", "old");
  g_autoptr (GError) error = NULL;
  g_autoptr (CrRequest) request = NULL;
  CrClientSecrets credentials = { "s", NULL };

  g_assert_cmpuint (d->abi_minor, ==, 0);
  g_assert_null (d->add_headers);
  g_assert_null (d->parse_response);
  request = cr_test_build_request (d, acct, &credentials, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (request->headers[3], ==, NULL);
  g_assert_cmpstr (request->body, ==, "grant_type=client_credentials&client_id=c&client_secret=s");
}

static void
test_short_1_1_plugin (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CrProvider) provider = NULL;

  g_setenv ("CREDRING_PLUGIN_DIR", plugin_dir, TRUE);
  provider = cr_provider_load ("short-1-1", &error);
  g_assert_null (provider);
  g_assert_error (error, CR_ERROR, CR_ERROR_CONFIG);
  cr_test_assert_contains (error->message, "smaller than its ABI 1.1 requires");
}

int
main (int argc, char **argv)
{
  int status;

  tmp_dir = cr_test_init (&argc, &argv, "hooks");
  plugin_dir = g_build_filename (tmp_dir, "plugins", NULL);
  g_assert_cmpint (g_mkdir (plugin_dir, 0755), ==, 0);
  g_assert_cmpint (g_chmod (plugin_dir, 0755), ==, 0);
  copy_test_plugin ("hooks");
  copy_test_plugin ("abi-1-0");
  copy_test_plugin ("short-1-1");

  g_test_add_func ("/hooks/plugin/headers", test_plugin_headers);
  g_test_add_func ("/hooks/plugin/form-answers", test_plugin_parses_form_answers);
  g_test_add_func ("/hooks/plugin/errors", test_plugin_errors);
  g_test_add_func ("/hooks/headers/refused", test_refused_headers);
  g_test_add_func ("/hooks/headers/failure-message", test_hook_failure_message);
  g_test_add_func ("/hooks/headers/context", test_context_values);
  g_test_add_func ("/hooks/parse/rules", test_parse_hook_rules);
  g_test_add_func ("/hooks/validate/parser-replaces-mapping",
                   test_validate_parser_replaces_mapping);
  g_test_add_func ("/abi/1.0-plugin-loads", test_abi_1_0_plugin);
  g_test_add_func ("/abi/short-1.1-refused", test_short_1_1_plugin);

  status = g_test_run ();
  cr_test_remove_tree (tmp_dir);
  g_free (plugin_dir);
  g_free (tmp_dir);
  return status;
}
