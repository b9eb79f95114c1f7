/* libFuzzer harness for what credring sends a token endpoint:
 * cr_basic_authorization() and cr_request_build() (core/token/request.c) for the
 * four real providers, each checked by decoding it back.
 *
 * Input: NUL-separated strings: client_id, two halves of the client
 * secret, two halves of the password, username, scope, authority,
 * audience.  The secrets are HALF1 FUZZ_CANARY HALF2, so that a copy of
 * one left in freed memory is caught (common.h).
 *
 * Checks:
 * - Basic: "Basic " + base64 of "ID:SECRET", both parts strictly
 *   form-urlencoded (RFC 6749 §2.3.1), decoding to exactly the inputs;
 * - form bodies: name=value pairs joined by '&', in the documented order
 *   (grant_type, client_id and client_secret unless Basic, username and
 *   password for the password grant, then the provider's parameters), each
 *   value strictly form-urlencoded and decoding to exactly its input;
 * - the JSON body (Dataloy): parsed back with yajl_tree, an object of the
 *   same members in the same order, every value a string equal to its
 *   input;
 * - a refusal is CR_ERROR_CONFIG with a one-line message, and only when a
 *   required value is empty;
 * - no copy of a secret is freed without being wiped, while building or
 *   freeing the request.
 *
 * Seeds (fuzz/corpus/encoder/) are the README's accounts with sample
 * secrets. */

#include "config.h"

#include <string.h>

#include <yajl/yajl_tree.h>

#include "common.h"
/* cr_request_build() and cr_basic_authorization(): private to the core. */
#include "token/request.h"

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  fuzz_init ();
  return 0;
}

typedef struct {
  const char *name;
  const char *value;
} Pair;

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
check_basic (const char *header, const char *id, const char *secret)
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
  decoded_id = form_decode ((const char *) pair, colon - (const char *) pair);
  decoded_secret = form_decode (colon + 1, pair_len - (gsize) (colon + 1 - (const char *) pair));
  if (decoded_id == NULL || decoded_secret == NULL)
    fuzz_fail ("Basic credentials are not form-urlencoded");
  if (strcmp (decoded_id, id) != 0)
    fuzz_fail ("client_id changed through Basic");
  if (strcmp (decoded_secret, secret) != 0)
    fuzz_fail ("client_secret changed through Basic");
}

static void
check_form (const CrRequest *request, const Pair *expected, guint n)
{
  g_auto (GStrv) fields = g_strsplit (request->body, "&", -1);
  guint count = g_strv_length (fields);

  if (strcmp (request->content_type, "application/x-www-form-urlencoded") != 0)
    fuzz_fail ("form body with content type %s", request->content_type);
  if (count != n)
    fuzz_fail ("form body has %u fields, expected %u: %s", count, n, request->body);
  for (guint i = 0; i < n; i++)
    {
      const char *equals = strchr (fields[i], '=');
      g_autofree char *value = NULL;

      if (equals == NULL || strncmp (fields[i], expected[i].name, equals - fields[i]) != 0 ||
          strlen (expected[i].name) != (gsize) (equals - fields[i]))
        fuzz_fail ("form field %u is not '%s='", i, expected[i].name);
      value = form_decode (equals + 1, strlen (equals + 1));
      if (value == NULL)
        fuzz_fail ("form field '%s' is not form-urlencoded", expected[i].name);
      if (strcmp (value, expected[i].value) != 0)
        fuzz_fail ("form field '%s' changed through the encoding", expected[i].name);
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

/* What cr_request_build() must send, in order (plugin.h, request.c). */
static guint
expected_pairs (const CrPluginDescriptor *provider, const CrAccount *account,
                const CrClientSecrets *credentials, Pair *out)
{
  guint n = 0;

  out[n++] = (Pair){ "grant_type",
                     provider->grant == CR_GRANT_PASSWORD ? "password" : "client_credentials" };
  if (provider->client_auth == CR_CLIENT_AUTH_BODY)
    {
      out[n++] = (Pair){ "client_id", account->client_id };
      out[n++] = (Pair){ "client_secret", credentials->client_secret };
    }
  if (provider->grant == CR_GRANT_PASSWORD)
    {
      out[n++] = (Pair){ "username", account->username };
      out[n++] = (Pair){ "password", credentials->password };
    }
  for (const CrPluginParam *p = provider->params; p != NULL && p->name != NULL; p++)
    {
      const char *value = g_hash_table_lookup (account->values, p->name);

      if (value == NULL || *value == '\0')
        value = p->default_value;
      if (value != NULL)
        out[n++] = (Pair){ p->name, value };
    }
  return n;
}

/* Whether cr_request_build() may refuse: a key the provider requires is
 * empty, or a JSON body would carry text that is not UTF-8. */
static gboolean
may_refuse (const CrPluginDescriptor *provider, const CrAccount *account,
            const CrClientSecrets *credentials)
{
  if (provider->body_format == CR_BODY_JSON)
    {
      GHashTableIter iter;
      gpointer value;

      if (!g_utf8_validate (credentials->client_secret, -1, NULL) ||
          (credentials->password != NULL && !g_utf8_validate (credentials->password, -1, NULL)) ||
          !g_utf8_validate (account->client_id, -1, NULL) ||
          (account->username != NULL && !g_utf8_validate (account->username, -1, NULL)))
        return TRUE;
      g_hash_table_iter_init (&iter, account->values);
      while (g_hash_table_iter_next (&iter, NULL, &value))
        if (!g_utf8_validate (value, -1, NULL))
          return TRUE;
    }
  if (provider->grant == CR_GRANT_PASSWORD && *account->username == '\0')
    return TRUE;
  for (const CrPluginParam *p = provider->params; p != NULL && p->name != NULL; p++)
    {
      const char *value = g_hash_table_lookup (account->values, p->name);

      if (p->presence == CR_PARAM_REQUIRED && p->default_value == NULL && *value == '\0')
        return TRUE;
    }
  return FALSE;
}

static CrAccount *
make_account (const CrPluginDescriptor *provider, const char *client_id, const char *username,
              const char *scope, const char *authority, const char *audience)
{
  CrAccount *account = g_new0 (CrAccount, 1);

  account->name = g_strdup ("fuzz");
  account->config_path = g_strdup ("fuzz.conf");
  account->provider = g_strdup (provider->name);
  account->client_id = g_strdup (client_id);
  account->username = g_strdup (username);
  account->timeout = 30;
  account->min_valid = -1;
  account->values = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  account->lines = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  if (provider->token_url == NULL)
    account->token_url = g_strdup ("https://auth.customer.example/oauth/token");
  else if (strstr (provider->token_url, "{host}") != NULL)
    account->host = g_strdup ("placeos.example.com");
  g_hash_table_insert (account->values, g_strdup ("provider"), g_strdup (provider->name));
  g_hash_table_insert (account->values, g_strdup ("client_id"), g_strdup (client_id));
  g_hash_table_insert (account->values, g_strdup ("username"), g_strdup (username));
  g_hash_table_insert (account->values, g_strdup ("scope"), g_strdup (scope));
  g_hash_table_insert (account->values, g_strdup ("authority"), g_strdup (authority));
  g_hash_table_insert (account->values, g_strdup ("audience"), g_strdup (audience));
  if (account->token_url != NULL)
    g_hash_table_insert (account->values, g_strdup ("token_url"), g_strdup (account->token_url));
  if (account->host != NULL)
    g_hash_table_insert (account->values, g_strdup ("host"), g_strdup (account->host));
  return account;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  FuzzInput in = { data, size };
  g_autofree char *client_id = fuzz_take_string (&in, 512);
  g_autofree char *secret_a = fuzz_take_string (&in, 512);
  g_autofree char *secret_b = fuzz_take_string (&in, 512);
  g_autofree char *password_a = fuzz_take_string (&in, 512);
  g_autofree char *password_b = fuzz_take_string (&in, 512);
  g_autofree char *username = fuzz_take_string (&in, 512);
  g_autofree char *scope = fuzz_take_string (&in, 512);
  g_autofree char *authority = fuzz_take_string (&in, 512);
  g_autofree char *audience = fuzz_take_string (&in, 512);
  g_autofree char *secret = g_strconcat (secret_a, FUZZ_CANARY, secret_b, NULL);
  g_autofree char *password = g_strconcat (password_a, FUZZ_CANARY, password_b, NULL);
  const CrClientSecrets credentials = { secret, password };
  const char *const public_values[] = { client_id, username, scope, authority, audience };
  gboolean watch = TRUE;
  gboolean utf8;
  char *header;

  /* The canary in a public value would be freed unwiped, rightly. */
  for (gsize i = 0; i < G_N_ELEMENTS (public_values); i++)
    if (strstr (public_values[i], FUZZ_CANARY) != NULL)
      watch = FALSE;
  utf8 = g_utf8_validate (secret, -1, NULL) && g_utf8_validate (password, -1, NULL);
  for (gsize i = 0; i < G_N_ELEMENTS (public_values); i++)
    utf8 = utf8 && g_utf8_validate (public_values[i], -1, NULL);

  if (watch)
    fuzz_watch_secret (FUZZ_CANARY);
  header = cr_basic_authorization (client_id, secret);
  fuzz_unwatch_secret ();
  check_basic (header, client_id, secret);
  cr_secret_free (header);

  for (int i = 0; i < FUZZ_N_PROVIDERS; i++)
    {
      const CrPluginDescriptor *provider = fuzz_providers[i];
      g_autoptr (CrAccount) account =
        make_account (provider, client_id, username, scope, authority, audience);
      g_autoptr (GError) error = NULL;
      CrRequest *request;
      Pair expected[16];
      guint n;

      /* As every front end does first; a refusal here has the same reasons. */
      request = NULL;
      if (cr_account_resolve (account, provider, NULL, &error))
        {
          if (watch)
            fuzz_watch_secret (FUZZ_CANARY);
          request = cr_request_build (provider, account, &credentials, &error);
          fuzz_unwatch_secret ();
        }
      if (request == NULL)
        {
          fuzz_check_message (error);
          if (error->code != CR_ERROR_CONFIG || !may_refuse (provider, account, &credentials))
            fuzz_fail ("%s: request refused: %s", provider->name, error->message);
          continue;
        }

      n = expected_pairs (provider, account, &credentials, expected);
      if (provider->body_format == CR_BODY_JSON)
        check_json (request, expected, n, utf8);
      else
        check_form (request, expected, n);
      if (provider->client_auth == CR_CLIENT_AUTH_BASIC)
        {
          if (request->authorization == NULL)
            fuzz_fail ("%s: no Authorization", provider->name);
          check_basic (request->authorization, client_id, secret);
        }
      else if (request->authorization != NULL)
        fuzz_fail ("%s: Authorization with body authentication", provider->name);

      if (watch)
        fuzz_watch_secret (FUZZ_CANARY);
      cr_request_free (request);
      fuzz_unwatch_secret ();
    }
  return 0;
}
