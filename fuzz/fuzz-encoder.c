/* libFuzzer harness for what credring sends a provider's endpoints:
 * cr_basic_authorization(), cr_request_build(), cr_request_prepare() and
 * cr_request_authorization_url() (core/token/request.c) for the four real
 * providers and two of ABI 1.2 defined here, each checked by decoding it
 * back.
 *
 * Input: NUL-separated strings: client_id, two halves of the client
 * secret, two halves of the password, username, scope, authority,
 * audience; then (ABI 1.2, empty when the input ends early) the account's
 * grant, client_auth and redirect_uri keys (empty: unset), the
 * authorization code, the PKCE verifier, the device code and the refresh
 * token, the redirect URI the listener has, the state and the PKCE
 * challenge.  The secrets hold FUZZ_CANARY (the client secret and password
 * between their halves, the others at the end), so that a copy of one
 * left in freed memory is caught (common.h).
 *
 * Checks, against plugin.h, README.md and doc/writing-a-provider.md:
 * - Basic: "Basic " + base64 of "ID:SECRET", both parts strictly
 *   form-urlencoded (RFC 6749 §2.3.1), decoding to exactly the inputs;
 *   basic-raw: the bytes as they are (RFC 7617);
 * - the account's keys: a grant the provider offers (never refresh_token),
 *   a known client_auth, not a public client with the client credentials
 *   grant (RFC 6749 §4.4), a loopback redirect_uri of RFC 8252 with a
 *   plain path, a username for the password grant, the required
 *   parameters, no ':' in a basic-raw client_id: resolved exactly when
 *   they hold, else refused with CR_ERROR_CONFIG;
 * - the request of the account's grant for client credentials and
 *   password, in the provider's format: name=value pairs joined by '&' in
 *   the documented order (grant_type, client_id and client_secret unless
 *   Basic, username and password for the password grant, then the
 *   provider's parameters, then the scope), each value strictly
 *   form-urlencoded and decoding to exactly its input; or a JSON object of
 *   the same members in the same order, every value a string equal to its
 *   input; refused only when a JSON body would carry text that is not
 *   UTF-8.  The scope is the account's, else the provider's default, and
 *   goes only to a provider that signs people in or names a default
 *   scope, and has no parameter of that name;
 * - the same request for a grant that signs a person in, which has no
 *   code, is refused (a missing secret);
 * - the code exchange, the device grant, a refresh, device authorization
 *   and revocation: always forms (RFC 6749 §4.1.3, §6, RFC 8628 §3.1,
 *   §3.4, RFC 7009 §2.1) of exactly their members (client_id for a public
 *   client, no secret), the provider's parameters and the scope only in
 *   device authorization, to their own endpoint, or refused when there is
 *   none;
 * - the authorization URL: the endpoint, its own query first, then
 *   response_type=code, client_id, redirect_uri, state, code_challenge,
 *   code_challenge_method=S256, the parameters and the scope, nothing else
 *   (RFC 6749 §4.1.1, RFC 7636 §4.3);
 * - a refusal is CR_ERROR_CONFIG with a one-line message;
 * - no copy of a secret is freed without being wiped, while building or
 *   freeing a request.
 *
 * Seeds (fuzz/corpus/encoder/) are the README's accounts with sample
 * secrets, and accounts that sign a person in. */

#include "config.h"

#include <string.h>

#include <yajl/yajl_tree.h>

#include "common.h"
/* cr_request_build(), cr_request_prepare(), cr_basic_authorization(): private to the core. */
#include "token/request.h"

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  fuzz_init ();
  return 0;
}

/* ---- two providers of ABI 1.2 ------------------------------------------- */

static const CrPluginParam signin_json_params[] = {
  { "audience", CR_PARAM_OPTIONAL, NULL },
  { "resource", CR_PARAM_OPTIONAL, "https://api.example.com/" },
  { NULL, CR_PARAM_OPTIONAL, NULL },
};

/* Every grant, a JSON body (which the sign-in requests do not use), HTTP
 * Basic, a default scope, every endpoint, one with a query of its own. */
static const CrPluginDescriptor signin_json = {
  CR_PLUGIN_DESCRIPTOR_HEADER,
  .name = "signin-json",
  .description = "Sign-in, JSON",
  .token_url = "https://auth.example.com/oauth/token",
  .grant = CR_GRANT_CLIENT_CREDENTIALS,
  .grants = CR_GRANT_BIT (CR_GRANT_CLIENT_CREDENTIALS) | CR_GRANT_BIT (CR_GRANT_PASSWORD) |
            CR_GRANT_BIT (CR_GRANT_AUTHORIZATION_CODE) | CR_GRANT_BIT (CR_GRANT_DEVICE_CODE),
  .client_auth = CR_CLIENT_AUTH_BASIC,
  .body_format = CR_BODY_JSON,
  .params = signin_json_params,
  .token_field = "access_token",
  .token_type_field = "token_type",
  .expiry_field = "expires_in",
  .expiry_form = CR_EXPIRY_SECONDS,
  .authorization_url = "https://auth.example.com/oauth/authorize?tenant=t1",
  .device_authorization_url = "https://auth.example.com/oauth/device",
  .revocation_url = "https://auth.example.com/oauth/revoke",
  .default_scope = "openid offline_access",
};

static const CrPluginParam public_params[] = {
  { "authority", CR_PARAM_REQUIRED, NULL },
  { "scope", CR_PARAM_OPTIONAL, NULL },
  { NULL, CR_PARAM_OPTIONAL, NULL },
};

/* A public client signing in with a code by default, endpoints per
 * customer ({host}), a scope parameter, no revocation. */
static const CrPluginDescriptor public_form = {
  CR_PLUGIN_DESCRIPTOR_HEADER,
  .name = "public-form",
  .description = "Sign-in, a public client",
  .token_url = "https://{host}/oauth/token",
  .grant = CR_GRANT_DEVICE_CODE,
  .grants = CR_GRANT_BIT (CR_GRANT_DEVICE_CODE) | CR_GRANT_BIT (CR_GRANT_AUTHORIZATION_CODE),
  .client_auth = CR_CLIENT_AUTH_NONE,
  .body_format = CR_BODY_FORM,
  .params = public_params,
  .token_field = "access_token",
  .token_type_field = "token_type",
  .expiry_field = "expires_in",
  .expiry_form = CR_EXPIRY_SECONDS,
  .authorization_url = "https://{host}/oauth/authorize",
  .device_authorization_url = "https://{host}/oauth/device",
};

#define N_PROVIDERS (FUZZ_N_PROVIDERS + 2)

static const CrPluginDescriptor *
provider_at (int i)
{
  if (i < FUZZ_N_PROVIDERS)
    return fuzz_providers[i];
  return i == FUZZ_N_PROVIDERS ? &signin_json : &public_form;
}

/* ---- the input ------------------------------------------------------------ */

typedef struct {
  /* public */
  char *client_id, *username, *scope, *authority, *audience;
  char *grant, *client_auth, *redirect_uri; /* account keys; "" unset */
  char *listener_uri, *state, *challenge;
  /* secret */
  char *secret, *password, *code, *verifier, *device_code, *refresh_token;
} Inputs;

static void
inputs_clear (Inputs *in)
{
  char **all[] = { &in->client_id, &in->username, &in->scope, &in->authority, &in->audience,
                   &in->grant, &in->client_auth, &in->redirect_uri, &in->listener_uri,
                   &in->state, &in->challenge, &in->secret, &in->password, &in->code,
                   &in->verifier, &in->device_code, &in->refresh_token };

  for (gsize i = 0; i < G_N_ELEMENTS (all); i++)
    g_clear_pointer (all[i], g_free);
}

typedef struct {
  const char *name;
  const char *value;
} Pair;

#define MAX_PAIRS 24

/* ---- decoding what was sent ---------------------------------------------- */

/* Decodes @len bytes of application/x-www-form-urlencoded text as curl
 * writes it: unreserved characters as they are, everything else %XX.
 * NULL for anything else. */
static char *
form_decode (const char *text, gsize len)
{
  GString *out = g_string_sized_new (len + 1);

  for (gsize i = 0; i < len; i++)
    {
      char c = text[i];

      if (g_ascii_isalnum (c) || strchr ("-._~", c) != NULL)
        g_string_append_c (out, c);
      else if (c == '%' && i + 2 < len && g_ascii_isxdigit (text[i + 1]) &&
               g_ascii_isxdigit (text[i + 2]) &&
               (text[i + 1] != '0' || text[i + 2] != '0'))
        {
          /* %00 is refused above: the inputs never hold a NUL. */
          g_string_append_c (out, (char) (g_ascii_xdigit_value (text[i + 1]) * 16 +
                                          g_ascii_xdigit_value (text[i + 2])));
          i += 2;
        }
      else
        {
          cr_secret_string_free (out);
          return NULL;
        }
    }
  return g_string_free (out, FALSE);
}

static void
check_basic (const char *header, const char *id, const char *secret, gboolean raw)
{
  g_autofree guchar *pair = NULL;
  gsize pair_len = 0;
  const char *colon;
  g_autofree char *decoded_id = NULL;
  g_autofree char *decoded_secret = NULL;

  if (!g_str_has_prefix (header, "Basic "))
    fuzz_fail ("Authorization does not start with 'Basic '");
  pair = g_base64_decode (header + strlen ("Basic "), &pair_len);
  colon = memchr (pair, ':', pair_len);
  if (colon == NULL)
    fuzz_fail ("Basic credentials without ':'");
  if (raw)
    {
      /* RFC 7617: "id:secret" as they are. */
      decoded_id = g_strndup ((const char *) pair, colon - (const char *) pair);
      decoded_secret = g_strndup (colon + 1, pair_len - (gsize) (colon + 1 - (const char *) pair));
    }
  else
    {
      decoded_id = form_decode ((const char *) pair, colon - (const char *) pair);
      decoded_secret =
        form_decode (colon + 1, pair_len - (gsize) (colon + 1 - (const char *) pair));
    }
  if (decoded_id == NULL || decoded_secret == NULL)
    fuzz_fail ("Basic credentials are not form-urlencoded");
  if (strcmp (decoded_id, id) != 0)
    fuzz_fail ("client_id changed through Basic");
  if (strcmp (decoded_secret, secret) != 0)
    fuzz_fail ("client_secret changed through Basic");
}

/* One "name=value" of a form: the value decoded, or a failure. */
static char *
form_field (const char *field, const char *name)
{
  const char *equals = strchr (field, '=');
  char *value;

  if (equals == NULL || strncmp (field, name, equals - field) != 0 ||
      strlen (name) != (gsize) (equals - field))
    fuzz_fail ("form field '%s' is not '%s='", field, name);
  value = form_decode (equals + 1, strlen (equals + 1));
  if (value == NULL)
    fuzz_fail ("form field '%s' is not form-urlencoded", name);
  return value;
}

/* @text, fields joined by '&', is exactly @expected in that order. */
static void
check_form_fields (const char *text, const Pair *expected, guint n)
{
  g_auto (GStrv) fields = g_strsplit (text, "&", -1);
  guint count = *text == '\0' ? 0 : g_strv_length (fields);

  if (count != n)
    fuzz_fail ("form has %u fields, expected %u: %s", count, n, text);
  for (guint i = 0; i < n; i++)
    {
      char *value = form_field (fields[i], expected[i].name);

      if (strcmp (value, expected[i].value) != 0)
        fuzz_fail ("form field '%s' changed through the encoding", expected[i].name);
      g_free (value);
    }
}

/* @text is @expected in any order, each name once: RFC 6749 appendix B
 * gives a form's fields no order. */
static void
check_form_set (const char *text, const Pair *expected, guint n)
{
  g_auto (GStrv) fields = g_strsplit (text, "&", -1);
  guint count = *text == '\0' ? 0 : g_strv_length (fields);
  gboolean seen[MAX_PAIRS] = { FALSE };

  if (count != n)
    fuzz_fail ("form has %u fields, expected %u: %s", count, n, text);
  for (guint i = 0; i < count; i++)
    {
      const char *equals = strchr (fields[i], '=');
      guint j = 0;
      char *value;

      if (equals == NULL)
        fuzz_fail ("form field without '=': %s", text);
      while (j < n && (strlen (expected[j].name) != (gsize) (equals - fields[i]) ||
                       strncmp (fields[i], expected[j].name, equals - fields[i]) != 0))
        j++;
      if (j == n || seen[j])
        fuzz_fail ("form field %u unexpected, or twice: %s", i, text);
      seen[j] = TRUE;
      value = form_field (fields[i], expected[j].name);
      if (strcmp (value, expected[j].value) != 0)
        fuzz_fail ("form field '%s' changed through the encoding", expected[j].name);
      g_free (value);
    }
}

static void
check_json (const CrRequest *request, const Pair *expected, guint n, gboolean utf8)
{
  char why[256] = "";
  yajl_val tree;

  if (strcmp (request->content_type, "application/json") != 0)
    fuzz_fail ("JSON body with content type %s", request->content_type);
  tree = yajl_tree_parse (request->body, why, sizeof why);
  if (tree == NULL)
    {
      /* yajl rightly refuses a string that is not UTF-8. */
      if (!utf8)
        return;
      fuzz_fail ("JSON body does not parse: %s", why);
    }
  if (!YAJL_IS_OBJECT (tree) || YAJL_GET_OBJECT (tree)->len != n)
    fuzz_fail ("JSON body is not an object of %u members", n);
  for (guint i = 0; i < n; i++)
    {
      yajl_val value = YAJL_GET_OBJECT (tree)->values[i];

      if (strcmp (YAJL_GET_OBJECT (tree)->keys[i], expected[i].name) != 0)
        fuzz_fail ("JSON member %u is not '%s'", i, expected[i].name);
      if (!YAJL_IS_STRING (value) || strcmp (YAJL_GET_STRING (value), expected[i].value) != 0)
        fuzz_fail ("JSON member '%s' changed through the encoding", expected[i].name);
    }
  yajl_tree_free (tree);
}

/* ---- the rules --------------------------------------------------------------- */

/* The names an account's keys take (README, writing-a-provider.md). */
static const char *const grant_names[] = {
  "client_credentials", "password", "authorization_code", "device_code", NULL,
};
static const int grant_values[] = {
  CR_GRANT_CLIENT_CREDENTIALS, CR_GRANT_PASSWORD, CR_GRANT_AUTHORIZATION_CODE,
  CR_GRANT_DEVICE_CODE,
};
static const char *const auth_names[] = { "basic", "basic-raw", "body", "none", NULL };
static const int auth_values[] = { CR_CLIENT_AUTH_BASIC, CR_CLIENT_AUTH_BASIC_RAW,
                                   CR_CLIENT_AUTH_BODY, CR_CLIENT_AUTH_NONE };

static int
choice (const char *text, const char *const *names, const int *values)
{
  for (int i = 0; names[i] != NULL; i++)
    if (strcmp (text, names[i]) == 0)
      return values[i];
  return -1;
}

static unsigned int
offered_grants (const CrPluginDescriptor *provider)
{
  return provider->grants != 0 ? provider->grants : CR_GRANT_BIT (provider->grant);
}

static gboolean
is_signin_grant (int grant)
{
  return grant == CR_GRANT_AUTHORIZATION_CODE || grant == CR_GRANT_DEVICE_CODE;
}

/* README: "http://127.0.0.1[:PORT]/PATH or http://[::1][:PORT]/PATH (RFC
 * 8252: a loopback address, not localhost; a plain path, no query)": the
 * scheme in any case (RFC 3986 §3.1), a port of 1 to 65535 or none, a path
 * of RFC 3986's unreserved characters and '/'. */
static gboolean
is_loopback_redirect (const char *uri)
{
  const char *p;
  guint64 port = 0;
  gsize digits = 0;

  if (g_ascii_strncasecmp (uri, "http://", strlen ("http://")) != 0)
    return FALSE;
  p = uri + strlen ("http://");
  if (g_str_has_prefix (p, "127.0.0.1"))
    p += strlen ("127.0.0.1");
  else if (g_str_has_prefix (p, "[::1]"))
    p += strlen ("[::1]");
  else
    return FALSE;
  if (*p == ':')
    {
      for (p++; g_ascii_isdigit (*p) && port <= 65535; p++, digits++)
        port = port * 10 + (guint64) (*p - '0');
      if (digits > 0 && (port == 0 || port > 65535))
        return FALSE;
    }
  if (*p != '\0' && *p != '/')
    return FALSE;
  for (; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && strchr ("-._~/", *p) == NULL)
      return FALSE;
  return TRUE;
}

/* What the account resolves to (model), or the reason it is refused. */
typedef struct {
  const char *refused; /* NULL: resolved */
  int grant;
  int client_auth;
  const char *scope; /* the account's, else the default; NULL: none sent */
} Expected;

static const char *
param_value (const CrAccount *account, const CrPluginParam *p)
{
  const char *value = g_hash_table_lookup (account->values, p->name);

  return value != NULL && *value != '\0' ? value : p->default_value;
}

static gboolean
has_param (const CrPluginDescriptor *provider, const char *name)
{
  for (const CrPluginParam *p = provider->params; p != NULL && p->name != NULL; p++)
    if (strcmp (p->name, name) == 0)
      return TRUE;
  return FALSE;
}

static Expected
expect_account (const CrPluginDescriptor *provider, const CrAccount *account, const Inputs *in)
{
  Expected e = { NULL, provider->grant, provider->client_auth, NULL };

  if (*in->grant != '\0')
    {
      e.grant = choice (in->grant, grant_names, grant_values);
      if (e.grant < 0 || (offered_grants (provider) & CR_GRANT_BIT (e.grant)) == 0)
        return (Expected){ "a grant the provider does not offer" };
    }
  if (*in->client_auth != '\0')
    {
      e.client_auth = choice (in->client_auth, auth_names, auth_values);
      if (e.client_auth < 0)
        return (Expected){ "an unknown client_auth" };
    }
  if (e.client_auth == CR_CLIENT_AUTH_NONE && e.grant == CR_GRANT_CLIENT_CREDENTIALS)
    return (Expected){ "a public client with the client credentials grant" };
  if (*in->redirect_uri != '\0' && !is_loopback_redirect (in->redirect_uri))
    return (Expected){ "a redirect_uri that is not a loopback one" };
  if (e.grant == CR_GRANT_PASSWORD && *in->username == '\0')
    return (Expected){ "the password grant without a username" };
  for (const CrPluginParam *p = provider->params; p != NULL && p->name != NULL; p++)
    if (p->presence == CR_PARAM_REQUIRED && param_value (account, p) == NULL)
      return (Expected){ "a required parameter without a value" };
  if (e.client_auth == CR_CLIENT_AUTH_BASIC_RAW && strchr (in->client_id, ':') != NULL)
    return (Expected){ "a client_id with ':' for basic-raw" };
  /* "scope" is the account's for a provider that signs people in or has
   * a default scope, unless it is a parameter; the default when unset. */
  if ((provider->default_scope != NULL ||
       (offered_grants (provider) & (CR_GRANT_BIT (CR_GRANT_AUTHORIZATION_CODE) |
                                     CR_GRANT_BIT (CR_GRANT_DEVICE_CODE))) != 0) &&
      !has_param (provider, "scope"))
    e.scope = *in->scope != '\0' ? in->scope : provider->default_scope;
  return e;
}

/* The client's authentication in a form or JSON body. */
static guint
client_pairs (const Expected *e, const Inputs *in, Pair *out, guint n)
{
  if (e->client_auth == CR_CLIENT_AUTH_BODY || e->client_auth == CR_CLIENT_AUTH_NONE)
    out[n++] = (Pair){ "client_id", in->client_id };
  if (e->client_auth == CR_CLIENT_AUTH_BODY)
    out[n++] = (Pair){ "client_secret", in->secret };
  return n;
}

/* The provider's parameters that have a value, then the scope. */
static guint
param_pairs (const CrPluginDescriptor *provider, const CrAccount *account, const Expected *e,
             Pair *out, guint n)
{
  for (const CrPluginParam *p = provider->params; p != NULL && p->name != NULL; p++)
    if (param_value (account, p) != NULL)
      out[n++] = (Pair){ p->name, param_value (account, p) };
  if (e->scope != NULL)
    out[n++] = (Pair){ "scope", e->scope };
  return n;
}

/* What cr_request_build() must send for client credentials or password, in order. */
static guint
expected_pairs (const CrPluginDescriptor *provider, const CrAccount *account, const Expected *e,
                const Inputs *in, Pair *out)
{
  guint n = 0;

  out[n++] = (Pair){ "grant_type",
                     e->grant == CR_GRANT_PASSWORD ? "password" : "client_credentials" };
  n = client_pairs (e, in, out, n);
  if (e->grant == CR_GRANT_PASSWORD)
    {
      out[n++] = (Pair){ "username", in->username };
      out[n++] = (Pair){ "password", in->password };
    }
  return param_pairs (provider, account, e, out, n);
}

/* Whether a JSON body may be refused: it would carry text that is not UTF-8. */
static gboolean
json_may_refuse (const CrAccount *account, const Inputs *in)
{
  GHashTableIter iter;
  gpointer value;

  if (!g_utf8_validate (in->secret, -1, NULL) || !g_utf8_validate (in->password, -1, NULL) ||
      !g_utf8_validate (in->client_id, -1, NULL) || !g_utf8_validate (in->username, -1, NULL))
    return TRUE;
  g_hash_table_iter_init (&iter, account->values);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (!g_utf8_validate (value, -1, NULL))
      return TRUE;
  return FALSE;
}

/* ---- the account --------------------------------------------------------------- */

static void
set_value (CrAccount *account, const char *key, const char *value)
{
  g_hash_table_insert (account->values, g_strdup (key), g_strdup (value));
}

static CrAccount *
make_account (const CrPluginDescriptor *provider, const Inputs *in)
{
  CrAccount *account = g_new0 (CrAccount, 1);

  account->name = g_strdup ("fuzz");
  account->config_path = g_strdup ("fuzz.conf");
  account->provider = g_strdup (provider->name);
  account->client_id = g_strdup (in->client_id);
  account->username = g_strdup (in->username);
  account->timeout = 30;
  account->min_valid = -1;
  account->values = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  account->lines = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  if (provider->token_url == NULL)
    account->token_url = g_strdup ("https://auth.customer.example/oauth/token");
  else if (strstr (provider->token_url, "{host}") != NULL)
    account->host = g_strdup ("placeos.example.com");
  set_value (account, "provider", provider->name);
  set_value (account, "client_id", in->client_id);
  set_value (account, "username", in->username);
  set_value (account, "scope", in->scope);
  set_value (account, "authority", in->authority);
  set_value (account, "audience", in->audience);
  set_value (account, "grant", in->grant);
  set_value (account, "client_auth", in->client_auth);
  set_value (account, "redirect_uri", in->redirect_uri);
  if (account->token_url != NULL)
    set_value (account, "token_url", account->token_url);
  if (account->host != NULL)
    set_value (account, "host", account->host);
  return account;
}

/* @template with {host} filled in; NULL for none. */
static char *
endpoint (const CrAccount *account, const char *template)
{
  g_auto (GStrv) parts = NULL;

  if (template == NULL)
    return NULL;
  parts = g_strsplit (template, "{host}", -1);
  return g_strjoinv (account->host != NULL ? account->host : "", parts);
}

/* ---- the requests ------------------------------------------------------------------ */

/* The client's authentication where it goes: a header for Basic. */
static void
check_client_header (const CrRequest *request, const Expected *e, const Inputs *in,
                     const char *provider)
{
  if (e->client_auth == CR_CLIENT_AUTH_BASIC || e->client_auth == CR_CLIENT_AUTH_BASIC_RAW)
    {
      if (request->authorization == NULL)
        fuzz_fail ("%s: no Authorization", provider);
      check_basic (request->authorization, in->client_id, in->secret,
                   e->client_auth == CR_CLIENT_AUTH_BASIC_RAW);
    }
  else if (request->authorization != NULL)
    fuzz_fail ("%s: Authorization with client_auth %d", provider, e->client_auth);
}

static void
free_watched (CrRequest *request, gboolean watch)
{
  if (watch)
    fuzz_watch_secret (FUZZ_CANARY);
  cr_request_free (request);
  fuzz_unwatch_secret ();
}

/* The request of the account's own grant, as cr_request_build() sends it. */
static void
check_grant_request (const CrPluginDescriptor *provider, const CrAccount *account,
                     const Expected *e, const Inputs *in, gboolean utf8, gboolean watch)
{
  const CrClientSecrets credentials = { in->secret, in->password };
  g_autoptr (GError) error = NULL;
  CrRequest *request;
  Pair expected[MAX_PAIRS];
  guint n;

  if (watch)
    fuzz_watch_secret (FUZZ_CANARY);
  request = cr_request_build (provider, account, &credentials, &error);
  fuzz_unwatch_secret ();
  if (request == NULL)
    {
      /* Without a code: only a sign-in brings one. */
      fuzz_check_message (error);
      if (error->code != CR_ERROR_CONFIG ||
          !(is_signin_grant (e->grant) ||
            (provider->body_format == CR_BODY_JSON && json_may_refuse (account, in))))
        fuzz_fail ("%s: request refused: %s", provider->name, error->message);
      return;
    }
  if (is_signin_grant (e->grant))
    fuzz_fail ("%s: a request of grant %d without its code", provider->name, e->grant);

  n = expected_pairs (provider, account, e, in, expected);
  if (provider->body_format == CR_BODY_JSON)
    check_json (request, expected, n, utf8);
  else
    {
      if (strcmp (request->content_type, "application/x-www-form-urlencoded") != 0)
        fuzz_fail ("form body with content type %s", request->content_type);
      check_form_fields (request->body, expected, n);
    }
  check_client_header (request, e, in, provider->name);
  free_watched (request, watch);
}

/* One request of CrGrantInput @input: a form of exactly @expected to
 * @url, or refused when @url is NULL. */
static void
check_call (const CrPluginDescriptor *provider, const CrAccount *account, const Expected *e,
            const Inputs *in, const CrGrantInput *input, const char *url, const Pair *expected,
            guint n, gboolean watch)
{
  const CrClientSecrets credentials = { in->secret, in->password };
  g_autoptr (GError) error = NULL;
  CrRequest *request;

  if (watch)
    fuzz_watch_secret (FUZZ_CANARY);
  request = cr_request_prepare (provider, account, &credentials, input, &error);
  fuzz_unwatch_secret ();
  if (request == NULL)
    {
      fuzz_check_message (error);
      if (error->code != CR_ERROR_CONFIG || url != NULL)
        fuzz_fail ("%s: call %d (grant %d) refused: %s", provider->name, input->call,
                   input->grant, error->message);
      return;
    }
  if (url == NULL || strcmp (request->url, url) != 0)
    fuzz_fail ("%s: call %d (grant %d) to %s, not %s", provider->name, input->call, input->grant,
               request->url, url ? url : "nowhere");
  if (strcmp (request->content_type, "application/x-www-form-urlencoded") != 0)
    fuzz_fail ("%s: call %d (grant %d) with content type %s", provider->name, input->call,
               input->grant, request->content_type);
  if (strlen (request->body) != request->body_len)
    fuzz_fail ("%s: request body length is wrong", provider->name);
  check_form_set (request->body, expected, n);
  check_client_header (request, e, in, provider->name);
  free_watched (request, watch);
}

/* The authorization URL: the endpoint, its own query, then exactly
 * @expected. */
static void
check_authorization_url (const CrPluginDescriptor *provider, const CrAccount *account,
                         const char *redirect, const Inputs *in, const Pair *expected, guint n)
{
  g_autofree char *base = endpoint (account, provider->authorization_url);
  g_autofree char *url = NULL;
  const char *own_query;
  const char *query;

  if (base == NULL)
    return;
  url = cr_request_authorization_url (provider, account, redirect, in->state, in->challenge);
  if (!g_str_has_prefix (url, base))
    fuzz_fail ("%s: authorization URL %s not at %s", provider->name, url, base);
  own_query = strchr (base, '?');
  query = url + strlen (base);
  if (own_query != NULL ? *query != '&' : *query != '?')
    fuzz_fail ("%s: authorization URL %s: its query does not follow %s", provider->name, url,
               base);
  check_form_set (query + 1, expected, n);
}

/* The calls of the grants of ABI 1.2 for a resolved account. */
static void
check_signin (const CrPluginDescriptor *provider, const CrAccount *account, const Expected *e,
              const Inputs *in, gboolean watch)
{
  /* What the listener serves, else the account's, as a sign-in has it. */
  const char *redirect = *in->listener_uri != '\0' ? in->listener_uri
                         : *in->redirect_uri != '\0' ? in->redirect_uri
                                                     : "http://127.0.0.1:8400/callback";
  CrGrantInput refresh = { .call = CR_CALL_TOKEN, .grant = CR_GRANT_REFRESH_TOKEN,
                           .refresh_token = in->refresh_token };
  CrGrantInput revocation = { .call = CR_CALL_REVOCATION, .refresh_token = in->refresh_token };
  g_autofree char *revocation_url = endpoint (account, provider->revocation_url);
  Pair expected[MAX_PAIRS];
  guint n;

  /* A refresh token may come with any grant (README). */
  n = 0;
  expected[n++] = (Pair){ "grant_type", "refresh_token" };
  n = client_pairs (e, in, expected, n);
  expected[n++] = (Pair){ "refresh_token", in->refresh_token };
  check_call (provider, account, e, in, &refresh, account->endpoint, expected, n, watch);

  n = 0;
  expected[n++] = (Pair){ "token", in->refresh_token };
  expected[n++] = (Pair){ "token_type_hint", "refresh_token" };
  n = client_pairs (e, in, expected, n);
  check_call (provider, account, e, in, &revocation, revocation_url, expected, n, watch);

  if (e->grant == CR_GRANT_AUTHORIZATION_CODE)
    {
      CrGrantInput exchange = { .call = CR_CALL_TOKEN, .grant = CR_GRANT_AUTHORIZATION_CODE,
                                .code = in->code, .code_verifier = in->verifier,
                                .redirect_uri = redirect };

      n = 0;
      expected[n++] = (Pair){ "grant_type", "authorization_code" };
      n = client_pairs (e, in, expected, n);
      expected[n++] = (Pair){ "code", in->code };
      expected[n++] = (Pair){ "redirect_uri", redirect };
      expected[n++] = (Pair){ "code_verifier", in->verifier };
      check_call (provider, account, e, in, &exchange, account->endpoint, expected, n, watch);

      n = 0;
      expected[n++] = (Pair){ "response_type", "code" };
      expected[n++] = (Pair){ "client_id", in->client_id };
      expected[n++] = (Pair){ "redirect_uri", redirect };
      expected[n++] = (Pair){ "state", in->state };
      expected[n++] = (Pair){ "code_challenge", in->challenge };
      expected[n++] = (Pair){ "code_challenge_method", "S256" };
      n = param_pairs (provider, account, e, expected, n);
      check_authorization_url (provider, account, redirect, in, expected, n);
    }
  if (e->grant == CR_GRANT_DEVICE_CODE)
    {
      CrGrantInput authorization = { .call = CR_CALL_DEVICE_AUTHORIZATION };
      CrGrantInput device = { .call = CR_CALL_TOKEN, .grant = CR_GRANT_DEVICE_CODE,
                              .device_code = in->device_code };
      g_autofree char *device_url = endpoint (account, provider->device_authorization_url);

      n = client_pairs (e, in, expected, 0);
      n = param_pairs (provider, account, e, expected, n);
      check_call (provider, account, e, in, &authorization, device_url, expected, n, watch);

      n = 0;
      expected[n++] = (Pair){ "grant_type", "urn:ietf:params:oauth:grant-type:device_code" };
      n = client_pairs (e, in, expected, n);
      expected[n++] = (Pair){ "device_code", in->device_code };
      check_call (provider, account, e, in, &device, account->endpoint, expected, n, watch);
    }
}

/* A secret of the input, the canary at its end. */
static char *
take_secret (FuzzInput *input)
{
  g_autofree char *text = fuzz_take_string (input, 512);

  return g_strconcat (text, FUZZ_CANARY, NULL);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  FuzzInput input = { data, size };
  Inputs in = { NULL };
  g_autofree char *secret_a = NULL, *secret_b = NULL, *password_a = NULL, *password_b = NULL;
  gboolean watch = TRUE;
  gboolean utf8;
  char *header;

  in.client_id = fuzz_take_string (&input, 512);
  secret_a = fuzz_take_string (&input, 512);
  secret_b = fuzz_take_string (&input, 512);
  password_a = fuzz_take_string (&input, 512);
  password_b = fuzz_take_string (&input, 512);
  in.username = fuzz_take_string (&input, 512);
  in.scope = fuzz_take_string (&input, 512);
  in.authority = fuzz_take_string (&input, 512);
  in.audience = fuzz_take_string (&input, 512);
  in.grant = fuzz_take_string (&input, 64);
  in.client_auth = fuzz_take_string (&input, 64);
  in.redirect_uri = fuzz_take_string (&input, 512);
  in.code = take_secret (&input);
  in.verifier = take_secret (&input);
  in.device_code = take_secret (&input);
  in.refresh_token = take_secret (&input);
  in.listener_uri = fuzz_take_string (&input, 512);
  in.state = fuzz_take_string (&input, 512);
  in.challenge = fuzz_take_string (&input, 512);
  in.secret = g_strconcat (secret_a, FUZZ_CANARY, secret_b, NULL);
  in.password = g_strconcat (password_a, FUZZ_CANARY, password_b, NULL);

  {
    const char *const public_values[] = { in.client_id, in.username, in.scope, in.authority,
                                          in.audience, in.grant, in.client_auth,
                                          in.redirect_uri, in.listener_uri, in.state,
                                          in.challenge };

    /* The canary in a public value would be freed unwiped, rightly. */
    utf8 = g_utf8_validate (in.secret, -1, NULL) && g_utf8_validate (in.password, -1, NULL);
    for (gsize i = 0; i < G_N_ELEMENTS (public_values); i++)
      {
        if (strstr (public_values[i], FUZZ_CANARY) != NULL)
          watch = FALSE;
        utf8 = utf8 && g_utf8_validate (public_values[i], -1, NULL);
      }
  }

  if (watch)
    fuzz_watch_secret (FUZZ_CANARY);
  header = cr_basic_authorization (in.client_id, in.secret);
  fuzz_unwatch_secret ();
  check_basic (header, in.client_id, in.secret, FALSE);
  cr_secret_free (header);

  for (int i = 0; i < N_PROVIDERS; i++)
    {
      const CrPluginDescriptor *provider = provider_at (i);
      g_autoptr (CrAccount) account = make_account (provider, &in);
      g_autoptr (GError) error = NULL;
      Expected e = expect_account (provider, account, &in);

      /* As every front end does first. */
      if (!cr_account_resolve (account, provider, NULL, &error))
        {
          fuzz_check_message (error);
          if (error->code != CR_ERROR_CONFIG || e.refused == NULL)
            fuzz_fail ("%s: account refused: %s", provider->name, error->message);
          continue;
        }
      if (e.refused != NULL)
        fuzz_fail ("%s: account with %s resolved", provider->name, e.refused);
      if (account->grant != (CrGrantType) e.grant ||
          account->client_auth != (CrClientAuth) e.client_auth ||
          g_strcmp0 (account->scope, e.scope) != 0)
        fuzz_fail ("%s: account resolved to grant %d, client_auth %d, scope '%s', not %d, %d, '%s'",
                   provider->name, account->grant, account->client_auth,
                   account->scope ? account->scope : "(none)", e.grant, e.client_auth,
                   e.scope ? e.scope : "(none)");

      check_grant_request (provider, account, &e, &in, utf8, watch);
      check_signin (provider, account, &e, &in, watch);
    }

  inputs_clear (&in);
  return 0;
}
