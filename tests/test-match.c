/* Unit tests for which account answers a git request (core/account/match.c).
 *
 * A request names its origin the way git writes it: a protocol and a host
 * ("host", "host:port", "[v6]:port"), parsed from whatever URL the user
 * typed.  Two spellings of one origin (RFC 3986 §6.2.2, §6.2.3) must find
 * the same account; any other origin must not. */

#include <glib.h>

#include <credring/credring.h>

#include "testutil.h"

typedef struct {
  const char *url;      /* the account's */
  const char *protocol; /* the request's */
  const char *host;
  const char *path;
  gboolean matches;
} Case;

/* Runs every case and reports all that go wrong before failing, so one run
 * shows the whole picture. */
static void
check_cases (const Case *cases, gsize n)
{
  guint wrong = 0;

  for (gsize i = 0; i < n; i++)
    {
      const Case *c = &cases[i];
      gboolean got = cr_url_matches (c->url, c->protocol, c->host, c->path);

      if (got != c->matches)
        {
          g_test_message ("cr_url_matches (%s, %s, %s, %s) = %s, expected %s", c->url,
                          c->protocol ? c->protocol : "NULL", c->host ? c->host : "NULL",
                          c->path ? c->path : "NULL", got ? "TRUE" : "FALSE",
                          c->matches ? "TRUE" : "FALSE");
          wrong++;
        }
    }
  g_assert_cmpuint (wrong, ==, 0);
}

static void
test_same_origin (void)
{
  static const Case cases[] = {
    { "https://api.example.com", "https", "api.example.com", NULL, TRUE },
    { "https://api.example.com/", "https", "api.example.com", "any/path", TRUE },
    { "https://api.example.com:8443", "https", "api.example.com:8443", NULL, TRUE },
    { "http://127.0.0.1:8080", "http", "127.0.0.1:8080", NULL, TRUE },
    { "https://[::1]:8443", "https", "[::1]:8443", NULL, TRUE },
  };

  check_cases (cases, G_N_ELEMENTS (cases));
}

/* The scheme and the host name are case-insensitive (RFC 3986 §3.1, §3.2.2). */
static void
test_case (void)
{
  static const Case cases[] = {
    { "https://api.example.com", "HTTPS", "api.example.com", NULL, TRUE },
    { "https://api.example.com", "Https", "api.example.com", NULL, TRUE },
    { "HTTPS://API.EXAMPLE.COM", "https", "api.example.com", NULL, TRUE },
    { "https://api.example.com", "https", "API.Example.com", NULL, TRUE },
    { "https://api.example.com:8443", "https", "API.EXAMPLE.COM:8443", NULL, TRUE },
    { "https://[::abcd]", "https", "[::ABCD]", NULL, TRUE },
  };

  check_cases (cases, G_N_ELEMENTS (cases));
}

/* ":443" for https and ":80" for http say what no port says (RFC 3986 §6.2.3). */
static void
test_default_port (void)
{
  static const Case cases[] = {
    { "https://api.example.com", "https", "api.example.com:443", NULL, TRUE },
    { "https://api.example.com:443", "https", "api.example.com", NULL, TRUE },
    { "https://api.example.com:443", "https", "api.example.com:443", NULL, TRUE },
    { "https://api.example.com", "HTTPS", "api.example.com:443", NULL, TRUE },
    { "http://localhost", "http", "localhost:80", NULL, TRUE },
    { "http://localhost:80", "http", "localhost", NULL, TRUE },
    { "https://api.example.com", "https", "api.example.com:", NULL, TRUE },
    { "https://api.example.com", "https", "api.example.com:0443", NULL, TRUE },
    { "https://[::1]", "https", "[::1]:443", NULL, TRUE },
    { "https://[::1]:443", "https", "[::1]", NULL, TRUE },
    /* Another port is another origin, also the other scheme's default. */
    { "https://api.example.com", "https", "api.example.com:80", NULL, FALSE },
    { "https://api.example.com", "https", "api.example.com:8443", NULL, FALSE },
    { "https://api.example.com:8443", "https", "api.example.com", NULL, FALSE },
    { "https://api.example.com:8443", "https", "api.example.com:443", NULL, FALSE },
    { "http://localhost", "http", "localhost:443", NULL, FALSE },
    { "https://[::1]", "https", "[::1]:8443", NULL, FALSE },
    /* A scheme without a default port has no port to leave out. */
    { "ssh://git.example.com", "ssh", "git.example.com:443", NULL, FALSE },
    { "ssh://git.example.com:22", "ssh", "git.example.com:22", NULL, TRUE },
  };

  check_cases (cases, G_N_ELEMENTS (cases));
}

/* A fully qualified name with its trailing dot is the same host (RFC 1034
 * §3.1); only one dot, and only at the end. */
static void
test_trailing_dot (void)
{
  static const Case cases[] = {
    { "https://api.example.com", "https", "api.example.com.", NULL, TRUE },
    { "https://api.example.com.", "https", "api.example.com", NULL, TRUE },
    { "https://api.example.com", "https", "api.example.com.:443", NULL, TRUE },
    { "https://api.example.com:8443", "https", "API.example.com.:8443", NULL, TRUE },
    { "https://api.example.com", "https", "api.example.com..", NULL, FALSE },
    { "https://api.example.com", "https", ".api.example.com", NULL, FALSE },
    { "https://api.example.com", "https", "api.example.co", NULL, FALSE },
    { "https://api.example.com", "https", ".", NULL, FALSE },
  };

  check_cases (cases, G_N_ELEMENTS (cases));
}

/* IPv6 literals compare as addresses: one address, several spellings. */
static void
test_ipv6 (void)
{
  static const Case cases[] = {
    { "https://[::1]", "https", "[0:0:0:0:0:0:0:1]", NULL, TRUE },
    { "https://[::1]:8443", "https", "[0::1]:8443", NULL, TRUE },
    { "https://[::1]", "https", "[::2]", NULL, FALSE },
    { "https://[::1]", "https", "::1", NULL, FALSE },
    { "https://[::1]", "https", "[::1", NULL, FALSE },
    { "https://[::1]", "https", "[::1]x", NULL, FALSE },
    { "https://[::1]", "https", "[::1]:", NULL, TRUE },
    { "https://[::1]", "https", "[::1]:0443", NULL, TRUE },
    { "https://[::1]", "https", "[::1]:44x", NULL, FALSE },
    { "https://[::1]", "https", "[not-an-address]", NULL, FALSE },
    { "https://127.0.0.1", "https", "[::ffff:127.0.0.1]", NULL, FALSE },
  };

  check_cases (cases, G_N_ELEMENTS (cases));
}

/* A port that is not a port is no origin at all. */
static void
test_bad_hosts (void)
{
  static const Case cases[] = {
    { "https://api.example.com", "https", "api.example.com:abc", NULL, FALSE },
    { "https://api.example.com", "https", "api.example.com:+443", NULL, FALSE },
        { "https://api.example.com", "https", "api.example.com:65979", NULL, FALSE },
    { "https://api.example.com", "https", "api.example.com:443:443", NULL, FALSE },
    { "https://api.example.com", "https", "user@api.example.com", NULL, FALSE },
    { "https://api.example.com", "https", "api.example.com/x", NULL, FALSE },
    { "https://api.example.com", "https", ":443", NULL, FALSE },
    { "https://api.example.com", "https", "", NULL, FALSE },
    { "https://api.example.com", "https", NULL, NULL, FALSE },
    { "https://api.example.com", "", "api.example.com", NULL, FALSE },
    { "https://api.example.com", NULL, "api.example.com", NULL, FALSE },
    { "https://api.example.com", "http", "api.example.com", NULL, FALSE },
    { "https://api.example.com", "https", "api.example.com.evil.example", NULL, FALSE },
  };

  check_cases (cases, G_N_ELEMENTS (cases));
}

/* git keeps a URL's query and fragment in its path (credential.c); they name
 * no other place for credentials, so matching looks at the path alone. */
static void
test_query_fragment (void)
{
  static const Case cases[] = {
    { "https://h.example/org/repo", "https", "h.example", "org/repo?x=1", TRUE },
    { "https://h.example/org/repo", "https", "h.example", "org/repo#top", TRUE },
    { "https://h.example/org/repo", "https", "h.example", "org/repo/x?y=/z", TRUE },
    { "https://h.example/org/repo", "https", "h.example", "org/repo?", TRUE },
    { "https://h.example/org/repo", "https", "h.example", "org/repox?y", FALSE },
    { "https://h.example/org/repo", "https", "h.example", "org?/repo", FALSE },
    { "https://h.example/org/repo", "https", "h.example", "?org/repo", FALSE },
    { "https://h.example/org/repo", "https", "h.example", "other#org/repo", FALSE },
    { "https://h.example/org/repo?a=b", "https", "h.example", "org/repo", TRUE },
    { "https://h.example", "https", "h.example", "?x=1", TRUE },
  };

  check_cases (cases, G_N_ELEMENTS (cases));
}

/* A userinfo in an account URL says nothing about where the token goes. */
static void
test_userinfo (void)
{
  static const Case cases[] = {
    { "https://user@h.example", "https", "h.example", NULL, TRUE },
    { "https://user@h.example:443/x", "https", "h.example", "x", TRUE },
  };

  check_cases (cases, G_N_ELEMENTS (cases));
}

/* The one splitter of git's "name:port" (base/host.c). */
static void
assert_split (const char *host, const char *name, const char *port)
{
  g_autofree char *got_name = NULL;
  g_autofree char *got_port = NULL;
  gboolean ok = cr_host_split (host, &got_name, &got_port);

  if (name == NULL)
    {
      g_assert_false (ok);
      g_assert_null (got_name);
      g_assert_null (got_port);
      return;
    }
  g_assert_true (ok);
  g_assert_cmpstr (got_name, ==, name);
  g_assert_cmpstr (got_port, ==, port);
}

static void
test_host_split (void)
{
  assert_split ("example.com", "example.com", "");
  assert_split ("example.com:8443", "example.com", "8443");
  assert_split ("example.com:", "example.com", "");
  assert_split ("[::1]", "[::1]", "");
  assert_split ("[::1]:443", "[::1]", "443");
  assert_split ("host:port", "host", "port"); /* split, not judged */
  assert_split ("::1", NULL, NULL);
  assert_split ("a:b:443", NULL, NULL);
  assert_split ("[::1]x", NULL, NULL);
  assert_split ("[::1", NULL, NULL);
  assert_split (":443", NULL, NULL);
  assert_split ("", NULL, NULL);
}

/* The one loopback rule, for token URLs and the git helper alike. */
static void
test_loopback (void)
{
  g_assert_true (cr_host_is_loopback ("localhost"));
  g_assert_true (cr_host_is_loopback ("LocalHost"));
  g_assert_true (cr_host_is_loopback ("127.0.0.1"));
  g_assert_true (cr_host_is_loopback ("127.1.2.3"));
  g_assert_true (cr_host_is_loopback ("::1"));
  g_assert_true (cr_host_is_loopback ("[::1]"));
  g_assert_false (cr_host_is_loopback ("127.evil.example"));
  g_assert_false (cr_host_is_loopback ("localhost.example"));
  g_assert_false (cr_host_is_loopback ("10.0.0.1"));
  g_assert_false (cr_host_is_loopback ("[::2]"));
  g_assert_false (cr_host_is_loopback (""));
}

int
main (int argc, char **argv)
{
  g_autofree char *tmp_dir = cr_test_init (&argc, &argv, "match");
  int status;

  g_test_add_func ("/match/same-origin", test_same_origin);
  g_test_add_func ("/match/case", test_case);
  g_test_add_func ("/match/default-port", test_default_port);
  g_test_add_func ("/match/trailing-dot", test_trailing_dot);
  g_test_add_func ("/match/ipv6", test_ipv6);
  g_test_add_func ("/match/bad-hosts", test_bad_hosts);
  g_test_add_func ("/match/query-fragment", test_query_fragment);
  g_test_add_func ("/match/userinfo", test_userinfo);
  g_test_add_func ("/host/split", test_host_split);
  g_test_add_func ("/host/loopback", test_loopback);

  status = g_test_run ();
  cr_test_remove_tree (tmp_dir);
  return status;
}
