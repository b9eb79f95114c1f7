/* Unit tests for discovering a provider's endpoints from its issuer's
 * metadata: the document's checks and what a provider takes from it
 * (core/provider/metadata.c), the cache and where metadata is looked for
 * (core/provider/discovery.c), provider files that name an issuer
 * (core/provider/provider-file.c), and an account resolved against one
 * from a fresh cache, with no network (core/account/resolve.c).  Fetching
 * over the network is tests/integration/discovery.sh's. */

#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>

#include <credring/credring.h>

#include "account/account.h"
#include "provider/discovery.h"
#include "provider/metadata.h"
#include "provider/provider-file.h"

#include "testutil.h"

#define ISSUER "https://login.example.com"
#define DEVICE_GRANT "urn:ietf:params:oauth:grant-type:device_code"

static char *tmp_root;
static guint counter;

/* ---- metadata documents ------------------------------------------------ */

/* A document as the strict emulator serves it, @extra members appended
 * (each "name": value, comma-separated) after the issuer @issuer. */
static char *
document_with (const char *issuer, const char *members)
{
  return g_strdup_printf ("{\"issuer\":\"%s\"%s%s}", issuer, *members ? "," : "", members);
}

#define ENDPOINTS                                                              \
  "\"token_endpoint\":\"" ISSUER "/oauth/token\","                             \
  "\"authorization_endpoint\":\"" ISSUER "/oauth/authorize\","                 \
  "\"device_authorization_endpoint\":\"" ISSUER "/oauth/device\","             \
  "\"revocation_endpoint\":\"" ISSUER "/oauth/revoke\""

/* The emulator's: a public client, both sign-in grants, S256. */
static char *
good_document (void)
{
  return document_with (ISSUER, ENDPOINTS ","
                        "\"grant_types_supported\":[\"authorization_code\",\"refresh_token\",\""
                        DEVICE_GRANT "\"],"
                        "\"code_challenge_methods_supported\":[\"S256\"],"
                        "\"token_endpoint_auth_methods_supported\":[\"none\"],"
                        "\"scopes_supported\":[\"openid\"],\"extra\":{\"nested\":[1,2,{}]}");
}

static CrMetadata *
parse_ok (const char *text)
{
  g_autoptr (GError) error = NULL;
  CrMetadata *metadata = cr_metadata_parse (ISSUER, text, strlen (text), &error);

  g_assert_no_error (error);
  g_assert_nonnull (metadata);
  return metadata;
}

/* Refused as a wrong answer (exit 4), the message holding @needle. */
static void
assert_refused (const char *text, gssize len, const char *needle)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CrMetadata) metadata =
    cr_metadata_parse (ISSUER, text, len < 0 ? strlen (text) : (gsize) len, &error);

  g_assert_null (metadata);
  g_assert_error (error, CR_ERROR, CR_ERROR_NETWORK);
  g_assert_null (strchr (error->message, '\n'));
  cr_test_assert_contains (error->message, needle);
}

static void
test_parse_good (void)
{
  g_autofree char *text = good_document ();
  g_autoptr (CrMetadata) m = parse_ok (text);

  g_assert_cmpstr (m->issuer, ==, ISSUER);
  g_assert_cmpstr (m->token_endpoint, ==, ISSUER "/oauth/token");
  g_assert_cmpstr (m->authorization_endpoint, ==, ISSUER "/oauth/authorize");
  g_assert_cmpstr (m->device_authorization_endpoint, ==, ISSUER "/oauth/device");
  g_assert_cmpstr (m->revocation_endpoint, ==, ISSUER "/oauth/revoke");
  /* refresh_token is the core's own; what credring knows, nothing else. */
  g_assert_cmpuint (m->grants, ==,
                    CR_GRANT_BIT (CR_GRANT_AUTHORIZATION_CODE) | CR_GRANT_BIT (CR_GRANT_DEVICE_CODE));
  g_assert_cmpuint (m->client_auths, ==, CR_CLIENT_AUTH_BIT (CR_CLIENT_AUTH_NONE));
  g_assert_true (m->s256);
}

static void
test_parse_issuer_mismatch (void)
{
  g_autofree char *other = document_with ("https://login.example.com.evil", ENDPOINTS);
  /* RFC 8414 §3.3: identical, a trailing slash included. */
  g_autofree char *slash = document_with (ISSUER "/", ENDPOINTS);
  g_autofree char *upper = document_with ("https://LOGIN.example.com", ENDPOINTS);
  g_autofree char *escaped = document_with ("https://x\\u001b[31m", ENDPOINTS);

  assert_refused (other, -1, "names the issuer 'https://login.example.com.evil', not " ISSUER
                             " (RFC 8414 §3.3)");
  assert_refused (slash, -1, "RFC 8414 §3.3");
  assert_refused (upper, -1, "RFC 8414 §3.3");
  /* The server's text is shown, not obeyed. */
  assert_refused (escaped, -1, "'https://x\\x1B[31m'");
  assert_refused ("{" ENDPOINTS "}", -1, "no issuer");
  assert_refused ("{\"issuer\":7," ENDPOINTS "}", -1, "no issuer");
}

static void
test_parse_endpoints (void)
{
  static const struct {
    const char *url;
    gboolean ok;
  } cases[] = {
    { "https://login.example.com/token", TRUE },
    { "https://other.example.net:8443/t?tenant=1", TRUE },
    { "http://127.0.0.1:8080/token", TRUE }, /* loopback: as token URLs */
    { "http://[::1]/token", TRUE },
    { "http://login.example.com/token", FALSE },
    { "https://user:pass@login.example.com/token", FALSE },
    { "https://login.example.com/token#frag", FALSE },
    { "https://{host}/token", FALSE },
    { "ftp://login.example.com/token", FALSE },
    { "https:///token", FALSE },
    { "/oauth/token", FALSE },
    { "https://login.example.com/a b", FALSE },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    for (int which = 0; which < 2; which++)
      {
        const char *name = which == 0 ? "token_endpoint" : "device_authorization_endpoint";
        g_autofree char *members = NULL;
        g_autofree char *text = NULL;
        g_autoptr (GError) error = NULL;
        g_autoptr (CrMetadata) m = NULL;

        members = which == 0 ? g_strdup_printf ("\"token_endpoint\":\"%s\"", cases[i].url)
                             : g_strdup_printf ("\"token_endpoint\":\"" ISSUER "/t\","
                                                "\"device_authorization_endpoint\":\"%s\"",
                                                cases[i].url);
        text = document_with (ISSUER, members);
        m = cr_metadata_parse (ISSUER, text, strlen (text), &error);
        g_test_message ("%s %s", name, cases[i].url);
        if (cases[i].ok)
          g_assert_no_error (error);
        else
          {
            g_assert_error (error, CR_ERROR, CR_ERROR_NETWORK);
            cr_test_assert_contains (error->message, name);
            cr_test_assert_contains (error->message, "is not an https URL");
          }
      }
}

static void
test_parse_token_endpoint_required (void)
{
  g_autofree char *none = document_with (ISSUER, "\"authorization_endpoint\":\"" ISSUER "/a\"");
  g_autofree char *number = document_with (ISSUER, "\"token_endpoint\":1");

  assert_refused (none, -1, "no token_endpoint");
  assert_refused (number, -1, "token_endpoint is not a string");
}

static void
test_parse_not_json (void)
{
  g_autofree char *good = good_document ();
  g_autofree char *deep = NULL;
  g_autofree char *big = NULL;
  g_autoptr (GString) nested = g_string_new (NULL);
  g_autofree char *twice = document_with (ISSUER, ENDPOINTS ",\"token_endpoint\":\"" ISSUER
                                                  "/other\"");
  g_autofree char *comment = document_with (ISSUER, "/* hi */" ENDPOINTS);
  g_autofree char *with_nul = g_strdup (good);

  assert_refused ("", 0, "not a JSON object");
  assert_refused ("[1,2]", -1, "not a JSON object");
  assert_refused ("{\"issuer\":", -1, "not a JSON object");
  assert_refused ("null", -1, "not a JSON object");
  assert_refused (twice, -1, "member 'token_endpoint' is given twice");
  assert_refused (comment, -1, "not plain JSON");
  /* yajl takes an unfinished string after the object for more input to
   * come; the discovery cache's wrapper would then not be JSON. */
  {
    g_autofree char *unfinished = g_strconcat (good, "\"ab", NULL);
    g_autofree char *spaced = g_strconcat (" \n", good, " \r\n\t", NULL);
    g_autoptr (CrMetadata) m = NULL;

    assert_refused (unfinished, -1, "text after the object");
    m = parse_ok (spaced);
  }
  /* yajl's strings end at a NUL: "ISSUER\u0000x" would read as ISSUER. */
  {
    const char *escaped_nul =
      "{\"issuer\":\"" ISSUER "\\u0000.evil\",\"token_endpoint\":\"" ISSUER "/t\"}";
    const char *upper_nul =
      "{\"issuer\":\"" ISSUER "\",\"token_endpoint\":\"" ISSUER "/t\\U0000\"}";
    const char *escaped_backslash =
      "{\"issuer\":\"" ISSUER "\",\"token_endpoint\":\"" ISSUER "/t\",\"x\":\"\\\\u0000\"}";
    g_autoptr (CrMetadata) m = NULL;

    assert_refused (escaped_nul, -1, "not plain JSON");
    assert_refused (upper_nul, -1, "not a JSON object"); /* not an escape yajl knows */
    /* An escaped backslash, then "u0000": text, not a NUL. */
    m = parse_ok (escaped_backslash);
  }
  with_nul[5] = '\0';
  assert_refused (with_nul, strlen (good), "not plain JSON");
  for (int i = 0; i < 40; i++)
    g_string_append_c (nested, '[');
  for (int i = 0; i < 40; i++)
    g_string_append_c (nested, ']');
  deep = document_with (ISSUER, ENDPOINTS ",\"x\":");
  deep[strlen (deep) - 1] = '\0';
  {
    g_autofree char *text = g_strconcat (deep, nested->str, "}", NULL);

    assert_refused (text, -1, "nesting over");
  }
  big = g_strnfill (CR_METADATA_MAX_BYTES + 1, ' ');
  assert_refused (big, -1, "more than");
  /* A '/' in a string is no comment. */
  {
    g_autoptr (CrMetadata) m = parse_ok (good);

    g_assert_nonnull (m);
  }
}

static void
test_parse_lists (void)
{
  g_autofree char *not_array = document_with (ISSUER, ENDPOINTS ",\"grant_types_supported\":"
                                                                "\"authorization_code\"");
  g_autofree char *not_strings = document_with (ISSUER, ENDPOINTS ",\"code_challenge_methods_"
                                                                  "supported\":[\"S256\",1]");
  g_autofree char *defaults = document_with (ISSUER, ENDPOINTS);
  g_autoptr (CrMetadata) m = parse_ok (defaults);

  assert_refused (not_array, -1, "grant_types_supported is not an array");
  assert_refused (not_strings, -1, "code_challenge_methods_supported holds something other");
  /* RFC 8414 §2's defaults: authorization_code and implicit;
   * client_secret_basic; no PKCE. */
  g_assert_cmpuint (m->grants, ==, CR_GRANT_BIT (CR_GRANT_AUTHORIZATION_CODE));
  g_assert_cmpuint (m->client_auths, ==, CR_CLIENT_AUTH_BIT (CR_CLIENT_AUTH_BASIC));
  g_assert_false (m->s256);
}

/* RFC 9207 §3: the promise that every redirect carries iss. */
static void
test_parse_issuer_in_redirect (void)
{
  g_autofree char *promised = document_with (ISSUER, ENDPOINTS ",\"authorization_response_iss_"
                                                               "parameter_supported\":true");
  g_autofree char *denied = document_with (ISSUER, ENDPOINTS ",\"authorization_response_iss_"
                                                             "parameter_supported\":false");
  g_autofree char *absent = document_with (ISSUER, ENDPOINTS);
  g_autofree char *text = document_with (ISSUER, ENDPOINTS ",\"authorization_response_iss_"
                                                           "parameter_supported\":\"true\"");
  g_autoptr (CrMetadata) yes = parse_ok (promised);
  g_autoptr (CrMetadata) no = parse_ok (denied);
  g_autoptr (CrMetadata) unsaid = parse_ok (absent);

  g_assert_true (yes->issuer_in_redirect);
  g_assert_false (no->issuer_in_redirect);
  g_assert_false (unsaid->issuer_in_redirect);
  /* A string is not a boolean: whether a redirect is believed cannot hang on a guess. */
  assert_refused (text, -1, "authorization_response_iss_parameter_supported is not true or false");
}

/* ---- applying it to a provider ------------------------------------------ */

/* A provider file's descriptor that names only its issuer: placeholders
 * where it left the choice. */
static CrPluginDescriptor
issuer_only (void)
{
  CrPluginDescriptor d = {
    CR_PLUGIN_DESCRIPTOR_HEADER,
    .name = "example",
    .description = "Example",
    .grant = CR_GRANT_AUTHORIZATION_CODE,
    .client_auth = CR_CLIENT_AUTH_BASIC,
    .body_format = CR_BODY_FORM,
    .token_field = "access_token",
    .expiry_field = "expires_in",
    .expiry_form = CR_EXPIRY_SECONDS,
    .issuer = ISSUER,
  };
  return d;
}

#define ALL_LEFT (CR_METADATA_GRANTS | CR_METADATA_CLIENT_AUTH)

static CrMetadata *
metadata_with (const char *members)
{
  g_autofree char *text = document_with (ISSUER, members);

  return parse_ok (text);
}

static void
test_apply_endpoints (void)
{
  g_autofree char *text = good_document ();
  g_autoptr (CrMetadata) m = parse_ok (text);
  g_autoptr (GError) error = NULL;
  CrPluginDescriptor d = issuer_only ();
  CrPluginDescriptor own = issuer_only ();

  g_assert_true (cr_metadata_needed (&d, ALL_LEFT));
  g_assert_true (cr_metadata_apply (m, ALL_LEFT, &d, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (d.token_url, ==, ISSUER "/oauth/token");
  g_assert_cmpstr (d.authorization_url, ==, ISSUER "/oauth/authorize");
  g_assert_cmpstr (d.device_authorization_url, ==, ISSUER "/oauth/device");
  g_assert_cmpstr (d.revocation_url, ==, ISSUER "/oauth/revoke");
  g_assert_cmpint (d.grant, ==, CR_GRANT_AUTHORIZATION_CODE);
  g_assert_cmpuint (d.grants, ==,
                    CR_GRANT_BIT (CR_GRANT_AUTHORIZATION_CODE) | CR_GRANT_BIT (CR_GRANT_DEVICE_CODE));
  g_assert_cmpint (d.client_auth, ==, CR_CLIENT_AUTH_NONE);
  g_assert_false (cr_metadata_needed (&d, 0));

  /* What the file names wins. */
  own.token_url = "https://own.example/token";
  own.revocation_url = "https://own.example/revoke";
  own.grant = CR_GRANT_DEVICE_CODE;
  own.grants = CR_GRANT_BIT (CR_GRANT_DEVICE_CODE);
  own.client_auth = CR_CLIENT_AUTH_BODY;
  g_assert_true (cr_metadata_apply (m, 0, &own, &error));
  g_assert_cmpstr (own.token_url, ==, "https://own.example/token");
  g_assert_cmpstr (own.revocation_url, ==, "https://own.example/revoke");
  g_assert_cmpstr (own.device_authorization_url, ==, ISSUER "/oauth/device");
  g_assert_cmpint (own.grant, ==, CR_GRANT_DEVICE_CODE);
  g_assert_cmpuint (own.grants, ==, CR_GRANT_BIT (CR_GRANT_DEVICE_CODE));
  g_assert_cmpint (own.client_auth, ==, CR_CLIENT_AUTH_BODY);
}

static void
test_apply_grants (void)
{
  static const struct {
    const char *members;
    unsigned int grants;
    CrGrantType grant;
  } cases[] = {
    /* The default list: implicit is not credring's. */
    { ENDPOINTS ",\"code_challenge_methods_supported\":[\"S256\"]",
      CR_GRANT_BIT (CR_GRANT_AUTHORIZATION_CODE), CR_GRANT_AUTHORIZATION_CODE },
    { ENDPOINTS ",\"grant_types_supported\":[\"" DEVICE_GRANT "\",\"client_credentials\"]",
      CR_GRANT_BIT (CR_GRANT_DEVICE_CODE) | CR_GRANT_BIT (CR_GRANT_CLIENT_CREDENTIALS),
      CR_GRANT_DEVICE_CODE },
    { ENDPOINTS ",\"grant_types_supported\":[\"password\",\"client_credentials\",\"jwt-bearer\"]",
      CR_GRANT_BIT (CR_GRANT_PASSWORD) | CR_GRANT_BIT (CR_GRANT_CLIENT_CREDENTIALS),
      CR_GRANT_CLIENT_CREDENTIALS },
    /* A grant whose endpoint the metadata lacks is not offered. */
    { "\"token_endpoint\":\"" ISSUER "/t\",\"grant_types_supported\":[\"authorization_code\",\""
      DEVICE_GRANT "\",\"client_credentials\"],\"code_challenge_methods_supported\":[\"S256\"]",
      CR_GRANT_BIT (CR_GRANT_CLIENT_CREDENTIALS), CR_GRANT_CLIENT_CREDENTIALS },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (CrMetadata) m = metadata_with (cases[i].members);
      g_autoptr (GError) error = NULL;
      CrPluginDescriptor d = issuer_only ();

      g_test_message ("case %" G_GSIZE_FORMAT, i);
      g_assert_true (cr_metadata_apply (m, CR_METADATA_GRANTS, &d, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (d.grants, ==, cases[i].grants);
      g_assert_cmpint (d.grant, ==, cases[i].grant);
    }

  /* Nothing left that credring can use: the file has to say. */
  {
    g_autoptr (CrMetadata) m =
      metadata_with ("\"token_endpoint\":\"" ISSUER "/t\",\"grant_types_supported\":"
                     "[\"implicit\",\"" DEVICE_GRANT "\"]");
    g_autoptr (GError) error = NULL;
    CrPluginDescriptor d = issuer_only ();

    g_assert_false (cr_metadata_apply (m, CR_METADATA_GRANTS, &d, &error));
    g_assert_error (error, CR_ERROR, CR_ERROR_CONFIG);
    cr_test_assert_contains (error->message, "none of the grants");
    g_assert_null (d.token_url); /* untouched */
  }
}

static void
test_apply_s256 (void)
{
  g_autoptr (CrMetadata) m =
    metadata_with (ENDPOINTS ",\"grant_types_supported\":[\"authorization_code\",\""
                   DEVICE_GRANT "\"],\"code_challenge_methods_supported\":[\"plain\"]");
  g_autoptr (GError) error = NULL;
  CrPluginDescriptor d = issuer_only ();
  CrPluginDescriptor named = issuer_only ();
  CrPluginDescriptor device = issuer_only ();

  /* Discovered grants with the authorization code: refused. */
  g_assert_false (cr_metadata_apply (m, ALL_LEFT, &d, &error));
  g_assert_error (error, CR_ERROR, CR_ERROR_CONFIG);
  cr_test_assert_contains (error->message, "S256");
  cr_test_assert_contains (error->message, "RFC 7636");
  cr_test_assert_contains (error->message, "grants = device_code");
  g_assert_null (d.token_url);
  g_clear_error (&error);

  /* Named in the file: the same. */
  named.grants = CR_GRANT_BIT (CR_GRANT_AUTHORIZATION_CODE) | CR_GRANT_BIT (CR_GRANT_DEVICE_CODE);
  g_assert_false (cr_metadata_apply (m, CR_METADATA_CLIENT_AUTH, &named, &error));
  cr_test_assert_contains (error->message, "RFC 7636");
  g_clear_error (&error);

  /* A file that signs in with a code only needs no PKCE. */
  device.grant = CR_GRANT_DEVICE_CODE;
  g_assert_true (cr_metadata_apply (m, CR_METADATA_CLIENT_AUTH, &device, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (device.device_authorization_url, ==, ISSUER "/oauth/device");
}

static void
test_apply_client_auth (void)
{
  static const struct {
    const char *methods; /* NULL: the member is absent */
    CrClientAuth auth;
  } cases[] = {
    { NULL, CR_CLIENT_AUTH_BASIC }, /* RFC 8414's default: client_secret_basic */
    { "\"client_secret_basic\"", CR_CLIENT_AUTH_BASIC },
    { "\"client_secret_post\"", CR_CLIENT_AUTH_BODY },
    { "\"none\"", CR_CLIENT_AUTH_NONE },
    { "\"private_key_jwt\",\"client_secret_post\",\"client_secret_basic\"", CR_CLIENT_AUTH_BASIC },
    { "\"none\",\"client_secret_post\"", CR_CLIENT_AUTH_BODY },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *members =
        cases[i].methods == NULL
          ? g_strdup (ENDPOINTS)
          : g_strdup_printf (ENDPOINTS ",\"token_endpoint_auth_methods_supported\":[%s]",
                             cases[i].methods);
      g_autoptr (CrMetadata) m = metadata_with (members);
      g_autoptr (GError) error = NULL;
      CrPluginDescriptor d = issuer_only ();

      d.grant = CR_GRANT_DEVICE_CODE;
      g_test_message ("%s", members);
      g_assert_true (cr_metadata_apply (m, CR_METADATA_CLIENT_AUTH, &d, &error));
      g_assert_no_error (error);
      g_assert_cmpint (d.client_auth, ==, cases[i].auth);
    }
  {
    g_autoptr (CrMetadata) m =
      metadata_with (ENDPOINTS ",\"token_endpoint_auth_methods_supported\":[\"private_key_jwt\"]");
    g_autoptr (GError) error = NULL;
    CrPluginDescriptor d = issuer_only ();
    CrPluginDescriptor named = issuer_only ();

    d.grant = named.grant = CR_GRANT_DEVICE_CODE;
    g_assert_false (cr_metadata_apply (m, CR_METADATA_CLIENT_AUTH, &d, &error));
    g_assert_error (error, CR_ERROR, CR_ERROR_CONFIG);
    cr_test_assert_contains (error->message, "name client_auth in the provider file");
    g_clear_error (&error);
    /* Named in the file: the list is not read. */
    named.client_auth = CR_CLIENT_AUTH_NONE;
    g_assert_true (cr_metadata_apply (m, 0, &named, &error));
    g_assert_cmpint (named.client_auth, ==, CR_CLIENT_AUTH_NONE);
  }
  /* Only client credentials, only a public client: no account could get a
   * token (RFC 6749 §4.4), as a loaded provider may not say either. */
  {
    g_autoptr (CrMetadata) m =
      metadata_with (ENDPOINTS ",\"grant_types_supported\":[\"client_credentials\"],"
                               "\"token_endpoint_auth_methods_supported\":[\"none\"]");
    g_autoptr (GError) error = NULL;
    CrPluginDescriptor d = issuer_only ();

    g_assert_false (cr_metadata_apply (m, ALL_LEFT, &d, &error));
    g_assert_error (error, CR_ERROR, CR_ERROR_CONFIG);
    cr_test_assert_contains (error->message, "the client credentials grant needs a client secret");
  }
}

static void
test_needed (void)
{
  CrPluginDescriptor d = issuer_only ();

  d.token_url = "https://x.example/token";
  d.authorization_url = "https://x.example/authorize";
  /* Everything named: never asked. */
  g_assert_false (cr_metadata_needed (&d, 0));
  g_assert_true (cr_metadata_needed (&d, CR_METADATA_GRANTS));
  g_assert_true (cr_metadata_needed (&d, CR_METADATA_CLIENT_AUTH));
  /* An endpoint of a grant offered. */
  d.grants = CR_GRANT_BIT (CR_GRANT_AUTHORIZATION_CODE) | CR_GRANT_BIT (CR_GRANT_DEVICE_CODE);
  g_assert_true (cr_metadata_needed (&d, 0));
  d.device_authorization_url = "https://x.example/device";
  g_assert_false (cr_metadata_needed (&d, 0));
  /* Revocation alone asks nothing. */
  g_assert_null (d.revocation_url);
  d.token_url = NULL;
  g_assert_true (cr_metadata_needed (&d, 0));
  /* No issuer, or one an account would have to fill: nothing to ask. */
  d.issuer = NULL;
  g_assert_false (cr_metadata_needed (&d, ALL_LEFT));
  d.issuer = "https://{host}/";
  g_assert_false (cr_metadata_needed (&d, ALL_LEFT));
}

/* ---- where, and for how long ------------------------------------------- */

static void
test_urls (void)
{
  static const struct {
    const char *issuer, *oauth, *openid;
  } cases[] = {
    { "https://a.example", "https://a.example/.well-known/oauth-authorization-server",
      "https://a.example/.well-known/openid-configuration" },
    { "https://a.example/", "https://a.example/.well-known/oauth-authorization-server",
      "https://a.example/.well-known/openid-configuration" },
    /* RFC 8414 §3.1: the well-known segment before the path. */
    { "https://a.example:8443/tenant1",
      "https://a.example:8443/.well-known/oauth-authorization-server/tenant1",
      "https://a.example:8443/tenant1/.well-known/openid-configuration" },
    { "https://a.example/t/v2.0/", "https://a.example/.well-known/oauth-authorization-server/t/v2.0",
      "https://a.example/t/v2.0/.well-known/openid-configuration" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *oauth = cr_discovery_url (cases[i].issuer, FALSE);
      g_autofree char *openid = cr_discovery_url (cases[i].issuer, TRUE);

      g_assert_cmpstr (oauth, ==, cases[i].oauth);
      g_assert_cmpstr (openid, ==, cases[i].openid);
    }
}

static void
test_lifetime (void)
{
  g_assert_cmpint (cr_discovery_lifetime (NULL), ==, 24 * 3600);
  g_assert_cmpint (cr_discovery_lifetime ("public"), ==, 24 * 3600);
  g_assert_cmpint (cr_discovery_lifetime ("public, max-age=3600"), ==, 3600);
  g_assert_cmpint (cr_discovery_lifetime ("MAX-AGE=\"120\""), ==, 120);
  g_assert_cmpint (cr_discovery_lifetime ("max-age=999999999"), ==, 24 * 3600);
  g_assert_cmpint (cr_discovery_lifetime ("max-age=99999999999999999999999"), ==, 24 * 3600);
  /* At least a minute: a server saying "0" is not asked on every command. */
  g_assert_cmpint (cr_discovery_lifetime ("max-age=0"), ==, 60);
  g_assert_cmpint (cr_discovery_lifetime ("no-store"), ==, 60);
  g_assert_cmpint (cr_discovery_lifetime ("no-cache, max-age=600"), ==, 60);
  g_assert_cmpint (cr_discovery_lifetime ("max-age=-5, max-age=x"), ==, 24 * 3600);
  g_assert_cmpint (cr_discovery_lifetime ("max-age=300, max-age=100"), ==, 100);
}

/* ---- the cache ------------------------------------------------------------ */

static char *
cache_path (void)
{
  g_autofree char *name = g_strdup_printf ("cache-%u", ++counter);

  return g_build_filename (tmp_root, name, "discovery", "x.json", NULL);
}

static void
write_cache (const char *path, const char *document, gint64 expires_at)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (cr_discovery_write_cache (path, document, strlen (document), expires_at, &error));
  g_assert_no_error (error);
}

/* The cache at @path is not used, for a reason holding @needle. */
static void
assert_cache_refused (const char *path, gint64 now, uid_t owner, const char *needle)
{
  g_autofree char *why = NULL;
  g_autoptr (CrMetadata) m = cr_discovery_read_cache (path, ISSUER, now, owner, &why);

  g_assert_null (m);
  g_assert_nonnull (why);
  cr_test_assert_contains (why, needle);
}

static void
test_cache_round_trip (void)
{
  g_autofree char *path = cache_path ();
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *text = good_document ();
  g_autofree char *why = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  g_autoptr (CrMetadata) m = NULL;
  GStatBuf st;

  write_cache (path, text, now + 600);
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 07777, ==, 0600);
  g_assert_cmpint (g_stat (dir, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 07777, ==, 0700);
  m = cr_discovery_read_cache (path, ISSUER, now, geteuid (), &why);
  g_assert_null (why);
  g_assert_nonnull (m);
  g_assert_cmpstr (m->token_endpoint, ==, ISSUER "/oauth/token");

  /* Expired; or further than any answer may set. */
  assert_cache_refused (path, now + 600, geteuid (), "expired");
  assert_cache_refused (path, now - 24 * 3600, geteuid (), "expired");
  /* When the issuer cannot be asked, expired is good enough... */
  {
    g_autoptr (CrMetadata) stale =
      cr_discovery_read_stale_cache (path, ISSUER, now + 3600, geteuid (), NULL);

    g_assert_nonnull (stale);
    g_assert_cmpstr (stale->token_endpoint, ==, ISSUER "/oauth/token");
  }
  /* ... but not unsafe. */
  g_assert_cmpint (g_chmod (path, 0660), ==, 0);
  g_assert_null (cr_discovery_read_stale_cache (path, ISSUER, now + 3600, geteuid (), NULL));
  g_assert_null (cr_discovery_read_stale_cache (path, ISSUER, now, geteuid (), NULL));
  g_assert_cmpint (g_chmod (path, 0600), ==, 0);
  g_assert_null (cr_discovery_read_stale_cache (path, ISSUER, now + 3600, geteuid () + 1, NULL));
  g_assert_null (cr_discovery_read_stale_cache (path, "https://other.example", now + 3600,
                                                geteuid (), NULL));
  /* Another issuer's (a file copied under this issuer's name). */
  {
    g_autofree char *why_other = NULL;
    g_autoptr (CrMetadata) other =
      cr_discovery_read_cache (path, "https://other.example", now, geteuid (), &why_other);

    g_assert_null (other);
    cr_test_assert_contains (why_other, "no longer passes");
  }
  /* Missing. */
  {
    g_autofree char *missing = g_build_filename (dir, "none.json", NULL);

    assert_cache_refused (missing, now, geteuid (), "none.json");
  }
}

static void
test_cache_refused (void)
{
  g_autofree char *path = cache_path ();
  g_autofree char *text = good_document ();
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  g_autofree char *foreign = NULL;

  write_cache (path, text, now + 600);
  /* Group- or world-writable: anyone of them could have put an endpoint of theirs there. */
  g_assert_cmpint (g_chmod (path, 0620), ==, 0);
  assert_cache_refused (path, now, geteuid (), "writable by group or others");
  g_assert_cmpint (g_chmod (path, 0602), ==, 0);
  assert_cache_refused (path, now, geteuid (), "writable by group or others");
  g_assert_cmpint (g_chmod (path, 0600), ==, 0);
  /* Another user's. */
  assert_cache_refused (path, now, geteuid () + 1, "owned by another user");
  if (geteuid () == 0)
    {
      g_assert_cmpint (chown (path, 65534, 65534), ==, 0);
      assert_cache_refused (path, now, geteuid (), "owned by another user");
      g_assert_cmpint (chown (path, 0, 0), ==, 0);
    }

  /* Content that is not what credring writes, or no longer passes. */
  g_assert_true (g_file_set_contents (path, "{\"expires_at\":1", -1, NULL));
  assert_cache_refused (path, now, geteuid (), "not a JSON object");
  foreign = g_strdup_printf ("{\"expires_at\":%" G_GINT64_FORMAT ",\"metadata\":{\"issuer\":\""
                             ISSUER "\",\"token_endpoint\":\"http://attacker.example/t\"}}",
                             now + 600);
  g_assert_true (g_file_set_contents (path, foreign, -1, NULL));
  assert_cache_refused (path, now, geteuid (), "token_endpoint 'http://attacker.example/t'");
  g_assert_true (g_file_set_contents (path, text, -1, NULL)); /* a bare document */
  assert_cache_refused (path, now, geteuid (), "not a discovery cache file");
  g_assert_true (g_file_set_contents (path, "{\"expires_at\":\"soon\",\"metadata\":{}}", -1,
                                      NULL));
  assert_cache_refused (path, now, geteuid (), "not a discovery cache file");
  g_assert_true (g_file_set_contents (path, "{\"expires_at\":1,\"expires_at\":2}", -1, NULL));
  assert_cache_refused (path, now, geteuid (), "given twice");
}

static void
test_cache_path (void)
{
  g_autofree char *path = cr_discovery_cache_path (ISSUER);
  g_autofree char *digest = g_compute_checksum_for_string (G_CHECKSUM_SHA256, ISSUER, -1);
  g_autofree char *name = g_strconcat (digest, ".json", NULL);
  g_autofree char *expected =
    g_build_filename (g_get_user_cache_dir (), "credring", "discovery", name, NULL);

  g_assert_cmpstr (path, ==, expected);
  g_assert_true (g_str_has_prefix (path, tmp_root));
}

/* ---- provider files that name an issuer ---------------------------------- */

static char *
provider_dir (void)
{
  g_autofree char *name = g_strdup_printf ("providers-%u", ++counter);
  char *dir = g_build_filename (tmp_root, name, NULL);

  g_assert_cmpint (g_mkdir (dir, 0700), ==, 0);
  return dir;
}

static CrProviderFile *
load_text (const char *dir, const char *text, GError **error)
{
  g_autofree char *path = cr_test_write_file (dir, "example.conf", text);

  g_assert_cmpint (g_chmod (path, 0600), ==, 0);
  return cr_provider_file_load (path, "example", error);
}

static void
test_provider_file_four_lines (void)
{
  g_autofree char *dir = provider_dir ();
  g_autoptr (GError) error = NULL;
  g_autoptr (CrProviderFile) file =
    load_text (dir, "[provider]\ndescription = Example OpenID provider\nissuer = " ISSUER
                    "\nclient_auth = none\n", &error);
  const CrPluginDescriptor *d;

  g_assert_no_error (error);
  d = cr_provider_file_get_descriptor (file);
  g_assert_cmpstr (d->issuer, ==, ISSUER);
  g_assert_null (d->token_url);
  g_assert_cmpint (d->client_auth, ==, CR_CLIENT_AUTH_NONE);
  g_assert_cmpint (d->body_format, ==, CR_BODY_FORM);
  g_assert_cmpuint (cr_provider_file_left_to_metadata (file), ==, CR_METADATA_GRANTS);
  g_assert_true (cr_metadata_needed (d, cr_provider_file_left_to_metadata (file)));
}

static void
test_provider_file_issuer_named_everything (void)
{
  g_autofree char *dir = provider_dir ();
  g_autoptr (GError) error = NULL;
  g_autoptr (CrProviderFile) file =
    load_text (dir, "[provider]\ndescription = x\nissuer = " ISSUER "\ntoken_url = " ISSUER
                    "/t\ngrants = device_code\ndevice_authorization_url = " ISSUER "/d\n"
                    "client_auth = body\nbody = json\n", &error);
  const CrPluginDescriptor *d;

  g_assert_no_error (error);
  d = cr_provider_file_get_descriptor (file);
  g_assert_cmpuint (cr_provider_file_left_to_metadata (file), ==, 0);
  g_assert_cmpint (d->body_format, ==, CR_BODY_JSON);
  g_assert_false (cr_metadata_needed (d, 0));
}

static void
test_provider_file_bad_issuer (void)
{
  static const char *const bad[] = {
    "http://login.example.com", "https://login.example.com/?tenant=1",
    "https://login.example.com/#x", "https://{host}/", "https://user@login.example.com",
    "login.example.com", "https://", "https:///path",
  };
  g_autofree char *dir = provider_dir ();

  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *text =
        g_strdup_printf ("[provider]\ndescription = x\nissuer = %s\nclient_auth = none\n", bad[i]);
      g_autoptr (GError) error = NULL;
      g_autoptr (CrProviderFile) file = load_text (dir, text, &error);

      g_test_message ("%s", bad[i]);
      g_assert_null (file);
      g_assert_error (error, CR_ERROR, CR_ERROR_CONFIG);
      cr_test_assert_contains (error->message, "example.conf:3: key 'issuer'");
      cr_test_assert_contains (error->message, "RFC 8414");
    }
}

static void
test_provider_file_without_issuer (void)
{
  g_autofree char *dir = provider_dir ();
  g_autoptr (GError) error = NULL;
  g_autoptr (CrProviderFile) file =
    load_text (dir, "[provider]\ndescription = x\ntoken_url = " ISSUER "/t\ngrant = "
                    "client_credentials\nbody = form\n", &error);

  /* Without an issuer nothing tells the client authentication. */
  g_assert_null (file);
  g_assert_error (error, CR_ERROR, CR_ERROR_CONFIG);
  cr_test_assert_contains (error->message, "has no 'client_auth' key");
}

/* ---- an account resolved from the cache, no network --------------------- */

static CrProvider *
load_issuer_provider (const char *dir, const char *text)
{
  g_autofree char *path = cr_test_write_file (dir, "issuer-test.conf", text);
  g_autoptr (GError) error = NULL;
  CrProvider *provider;

  g_assert_cmpint (g_chmod (path, 0600), ==, 0);
  g_setenv ("CREDRING_PROVIDER_DIR", dir, TRUE);
  provider = cr_provider_load ("issuer-test", &error);
  g_assert_no_error (error);
  return provider;
}

static void
test_resolve_from_cache (void)
{
  g_autofree char *dir = provider_dir ();
  g_autofree char *cache = cr_discovery_cache_path (ISSUER);
  g_autofree char *text = good_document ();
  g_autoptr (CrProvider) provider = load_issuer_provider (
    dir, "[provider]\ndescription = x\nissuer = " ISSUER "\nclient_auth = none\n");
  g_autoptr (CrAccount) account = cr_test_account_from_text (
    dir, "[acct]\nprovider = issuer-test\nclient_id = c\n", "acct");
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) required = cr_provider_account_keys (cr_provider_get_descriptor (provider), TRUE);
  g_autofree char *required_text = g_strjoinv (",", required);
  const CrPluginDescriptor *d;

  g_assert_true (cr_provider_needs_discovery (provider));
  /* Nothing the issuer tells is asked of the account. */
  g_assert_cmpstr (required_text, ==, "provider,client_id");

  write_cache (cache, text, g_get_real_time () / G_USEC_PER_SEC + 600);
  g_assert_true (cr_account_resolve_with (account, provider, NULL, &error));
  g_assert_no_error (error);
  g_assert_false (cr_provider_needs_discovery (provider));
  d = cr_provider_get_descriptor (provider);
  g_assert_cmpstr (d->token_url, ==, ISSUER "/oauth/token");
  g_assert_cmpstr (account->endpoint, ==, ISSUER "/oauth/token");
  g_assert_cmpint (account->grant, ==, CR_GRANT_AUTHORIZATION_CODE);
  g_assert_cmpstr (account->device_endpoint, ==, ISSUER "/oauth/device");
  g_assert_cmpstr (account->issuer, ==, ISSUER); /* RFC 9207's check */
  g_assert_cmpint (account->client_auth, ==, CR_CLIENT_AUTH_NONE);
  /* A second resolution reads nothing: the provider is complete. */
  g_assert_cmpint (g_unlink (cache), ==, 0);
  g_assert_true (cr_account_resolve_with (account, provider, NULL, &error));
  g_assert_no_error (error);
  g_unsetenv ("CREDRING_PROVIDER_DIR");
}

static void
test_resolve_cached_unusable (void)
{
  g_autofree char *dir = provider_dir ();
  g_autofree char *cache = cr_discovery_cache_path (ISSUER);
  g_autofree char *text =
    document_with (ISSUER, ENDPOINTS ",\"grant_types_supported\":[\"authorization_code\"]");
  g_autoptr (CrProvider) provider = load_issuer_provider (
    dir, "[provider]\ndescription = x\nissuer = " ISSUER "\nclient_auth = none\n");
  g_autoptr (CrAccount) account = cr_test_account_from_text (
    dir, "[acct]\nprovider = issuer-test\nclient_id = c\n", "acct");
  g_autoptr (GError) error = NULL;

  write_cache (cache, text, g_get_real_time () / G_USEC_PER_SEC + 600);
  g_assert_false (cr_account_resolve_with (account, provider, NULL, &error));
  g_assert_error (error, CR_ERROR, CR_ERROR_CONFIG);
  cr_test_assert_contains (error->message, "issuer-test.conf: issuer " ISSUER ": ");
  cr_test_assert_contains (error->message, "RFC 7636");
  g_assert_null (strchr (error->message, '\n'));
  g_assert_true (cr_provider_needs_discovery (provider));
  g_assert_cmpint (g_unlink (cache), ==, 0);
  g_unsetenv ("CREDRING_PROVIDER_DIR");
}

int
main (int argc, char **argv)
{
  int status;

  tmp_root = cr_test_init (&argc, &argv, "discovery");

  g_test_add_func ("/discovery/metadata/good", test_parse_good);
  g_test_add_func ("/discovery/metadata/issuer-mismatch", test_parse_issuer_mismatch);
  g_test_add_func ("/discovery/metadata/endpoints", test_parse_endpoints);
  g_test_add_func ("/discovery/metadata/token-endpoint-required",
                   test_parse_token_endpoint_required);
  g_test_add_func ("/discovery/metadata/not-json", test_parse_not_json);
  g_test_add_func ("/discovery/metadata/lists", test_parse_lists);
  g_test_add_func ("/discovery/metadata/issuer-in-redirect", test_parse_issuer_in_redirect);
  g_test_add_func ("/discovery/apply/endpoints", test_apply_endpoints);
  g_test_add_func ("/discovery/apply/grants", test_apply_grants);
  g_test_add_func ("/discovery/apply/s256", test_apply_s256);
  g_test_add_func ("/discovery/apply/client-auth", test_apply_client_auth);
  g_test_add_func ("/discovery/apply/needed", test_needed);
  g_test_add_func ("/discovery/urls", test_urls);
  g_test_add_func ("/discovery/lifetime", test_lifetime);
  g_test_add_func ("/discovery/cache/round-trip", test_cache_round_trip);
  g_test_add_func ("/discovery/cache/refused", test_cache_refused);
  g_test_add_func ("/discovery/cache/path", test_cache_path);
  g_test_add_func ("/discovery/provider-file/four-lines", test_provider_file_four_lines);
  g_test_add_func ("/discovery/provider-file/named-everything",
                   test_provider_file_issuer_named_everything);
  g_test_add_func ("/discovery/provider-file/bad-issuer", test_provider_file_bad_issuer);
  g_test_add_func ("/discovery/provider-file/without-issuer", test_provider_file_without_issuer);
  g_test_add_func ("/discovery/resolve/from-cache", test_resolve_from_cache);
  g_test_add_func ("/discovery/resolve/cached-unusable", test_resolve_cached_unusable);

  status = g_test_run ();
  cr_test_remove_tree (tmp_root);
  g_free (tmp_root);
  return status;
}
