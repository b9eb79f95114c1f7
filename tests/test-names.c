/* Unit tests for the names of the descriptor's enums (core/provider/names.c). */
#include "config.h"

#include <credring/credring.h>

/* Every value a table knows reads back from its name, and the names are
 * what provider files and the wire have always used. */
static void
test_round_trip (void)
{
  CrGrantType grant;
  CrClientAuth auth;
  CrBodyFormat body;
  CrExpiryForm expiry;

  g_assert_cmpstr (cr_grant_to_string (CR_GRANT_CLIENT_CREDENTIALS), ==, "client_credentials");
  g_assert_cmpstr (cr_grant_to_string (CR_GRANT_PASSWORD), ==, "password");
  g_assert_true (cr_grant_from_string ("password", &grant));
  g_assert_cmpint (grant, ==, CR_GRANT_PASSWORD);

  g_assert_cmpstr (cr_client_auth_to_string (CR_CLIENT_AUTH_BASIC), ==, "basic");
  g_assert_cmpstr (cr_client_auth_to_string (CR_CLIENT_AUTH_BASIC_RAW), ==, "basic-raw");
  g_assert_cmpstr (cr_client_auth_to_string (CR_CLIENT_AUTH_BODY), ==, "body");
  g_assert_true (cr_client_auth_from_string ("basic-raw", &auth));
  g_assert_cmpint (auth, ==, CR_CLIENT_AUTH_BASIC_RAW);

  g_assert_cmpstr (cr_body_format_to_string (CR_BODY_FORM), ==, "form");
  g_assert_cmpstr (cr_body_format_to_string (CR_BODY_JSON), ==, "json");
  g_assert_true (cr_body_format_from_string ("json", &body));
  g_assert_cmpint (body, ==, CR_BODY_JSON);

  g_assert_cmpstr (cr_expiry_form_to_string (CR_EXPIRY_SECONDS), ==, "expires_in");
  g_assert_cmpstr (cr_expiry_form_to_string (CR_EXPIRY_ABSOLUTE), ==, "expires_at");
  g_assert_true (cr_expiry_form_from_string ("expires_at", &expiry));
  g_assert_cmpint (expiry, ==, CR_EXPIRY_ABSOLUTE);

  g_assert_cmpstr (cr_grant_describe (CR_GRANT_CLIENT_CREDENTIALS), ==, "client credentials");
  g_assert_cmpstr (cr_client_auth_describe (CR_CLIENT_AUTH_BASIC), ==, "HTTP Basic");
  g_assert_cmpstr (cr_body_format_describe (CR_BODY_JSON), ==, "JSON");
}

/* What is not in a table is refused, and the out value left alone. */
static void
test_unknown (void)
{
  CrGrantType grant = CR_GRANT_PASSWORD;
  CrClientAuth auth = CR_CLIENT_AUTH_BODY;
  g_autofree char *grants = cr_grant_list_names ();
  g_autofree char *auths = cr_client_auth_list_names ();

  g_assert_null (cr_grant_to_string ((CrGrantType) 0));
  g_assert_null (cr_grant_to_string ((CrGrantType) 99));
  g_assert_null (cr_client_auth_to_string ((CrClientAuth) 4));
  g_assert_null (cr_body_format_to_string ((CrBodyFormat) -1));
  g_assert_cmpstr (cr_grant_describe ((CrGrantType) 7), ==, "(unknown)");
  g_assert_false (cr_grant_from_string ("Password", &grant));
  g_assert_false (cr_grant_from_string ("client-credentials", &grant));
  g_assert_false (cr_grant_from_string ("", &grant));
  g_assert_false (cr_grant_from_string (NULL, &grant));
  g_assert_cmpint (grant, ==, CR_GRANT_PASSWORD);
  g_assert_false (cr_client_auth_from_string ("header", &auth));
  g_assert_cmpint (auth, ==, CR_CLIENT_AUTH_BODY);

  g_assert_cmpstr (grants, ==, "client_credentials, password");
  g_assert_cmpstr (auths, ==, "basic, basic-raw, body");
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_test_add_func ("/names/round-trip", test_round_trip);
  g_test_add_func ("/names/unknown", test_unknown);
  return g_test_run ();
}
