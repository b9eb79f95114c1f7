/* Unit tests for which account answers a git request (core/account/match.c).
 *
 * A request names its origin the way git writes it: a protocol and a host
 * ("host", "host:port", "[v6]:port"), parsed from whatever URL the user
 * typed.  Two spellings of one origin (RFC 3986 §6.2.2, §6.2.3) must find
 * the same account; any other origin must not. */

#include <glib.h>

#include <credring/credring.h>

#include "account/account.h"
#include "testutil.h"
#include "base/host.h"

static char *tmp_dir;

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

/* ---- which account answers (cr_config_match_account) ------------------ */

/* What one call of cr_config_match_account() did. */
typedef struct {
  CrAccount *account;
  CrProvider *provider;
  GPtrArray *warnings;
  GError *error;
  guint loads; /* providers it loaded */
} Match;

static void
match_clear (Match *m)
{
  g_clear_pointer (&m->account, cr_account_free);
  g_clear_pointer (&m->provider, cr_provider_free);
  g_clear_pointer (&m->warnings, g_ptr_array_unref);
  g_clear_error (&m->error);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Match, match_clear)

static void
match (const char *config_text, const char *protocol, const char *host, const char *path,
       Match *m)
{
  g_autofree char *conf = cr_test_write_file (tmp_dir, "accounts.conf", config_text);
  g_autoptr (GError) error = NULL;
  g_autoptr (CrConfig) config = cr_config_load (conf, &error);
  guint loads_before;

  g_assert_no_error (error);
  m->warnings = g_ptr_array_new_with_free_func (g_free);
  loads_before = cr_match_provider_loads ();
  m->account = cr_config_match_account (config, protocol, host, path, &m->provider, m->warnings,
                                        &m->error);
  m->loads = cr_match_provider_loads () - loads_before;
  for (guint i = 0; i < m->warnings->len; i++)
    g_test_message ("warning: %s", (const char *) g_ptr_array_index (m->warnings, i));
  /* Matched means resolved, with its provider; failed means neither. */
  if (m->account != NULL)
    {
      g_assert_no_error (m->error);
      g_assert_nonnull (m->provider);
      g_assert_nonnull (m->account->endpoint);
      g_assert_cmpstr (cr_provider_get_descriptor (m->provider)->name, ==, m->account->provider);
    }
  else
    g_assert_null (m->provider);
}

static const char *
warning_at (const Match *m, guint i)
{
  g_assert_cmpuint (i, <, m->warnings->len);
  return g_ptr_array_index (m->warnings, i);
}

/* Providers that do not load, of accounts that tell their URLs with url or
 * token_url: never loaded to match, so never a warning. */
static const char explicit_urls[] =
  "[gone]\nprovider = nosuch\nclient_id = x\nurl = https://gone.example\n"
  "[gone-too]\nprovider = nosuch-either\nclient_id = x\n"
  "token_url = https://auth.gone-too.example/token\n"
  "[dl]\nprovider = dataloy\nclient_id = d\naudience = https://dataloy.dev\n"
  "token_url = https://auth.dl.example/oauth/token\nurl = https://dl.example/api\n";

static void
test_explicit_urls_load_nothing (void)
{
  g_auto (Match) hit = { 0 };
  g_auto (Match) miss = { 0 };

  match (explicit_urls, "https", "dl.example", "api/repo.git", &hit);
  g_assert_no_error (hit.error);
  g_assert_nonnull (hit.account);
  g_assert_cmpstr (hit.account->name, ==, "dl");
  g_assert_cmpstr (hit.account->endpoint, ==, "https://auth.dl.example/oauth/token");
  g_assert_cmpuint (hit.warnings->len, ==, 0);
  /* dataloy, to resolve the account that answers; nothing else. */
  g_assert_cmpuint (hit.loads, ==, 1);

  match (explicit_urls, "https", "elsewhere.example", NULL, &miss);
  g_assert_no_error (miss.error);
  g_assert_null (miss.account);
  g_assert_cmpuint (miss.warnings->len, ==, 0);
  g_assert_cmpuint (miss.loads, ==, 0);
}

/* Several accounts of one provider, which tells their URL: it is loaded
 * once, and one that does not load is tried once, each account named. */
static void
test_provider_loaded_once (void)
{
  static const char text[] =
    "[ag1]\nprovider = autograb\nclient_id = 1\n"
    "[broken1]\nprovider = nosuch\nclient_id = x\n"
    "[ag2]\nprovider = autograb\nclient_id = 2\n"
    "[broken2]\nprovider = nosuch\nclient_id = y\n"
    "[ag3]\nprovider = autograb\nclient_id = 3\n";
  g_auto (Match) m = { 0 };

  match (text, "https", "elsewhere.example", NULL, &m);
  g_assert_no_error (m.error);
  g_assert_null (m.account);
  g_assert_cmpuint (m.loads, ==, 2); /* autograb and nosuch, once each */
  g_assert_cmpuint (m.warnings->len, ==, 2);
  cr_test_assert_contains (warning_at (&m, 0), "account [broken1]: ");
  cr_test_assert_contains (warning_at (&m, 1), "account [broken2]: ");
  for (guint i = 0; i < 2; i++)
    {
      cr_test_assert_contains (warning_at (&m, i),
                               "no plugin or provider file for provider 'nosuch'");
      cr_test_assert_contains (warning_at (&m, i), "(account skipped)");
    }
}

/* A provider that fails to load is reported, and matching goes on; it is
 * reported only when its account had to be looked at. */
static void
test_failure_reported_and_skipped (void)
{
  static const char broken_first[] =
    "[broken]\nprovider = nosuch\nclient_id = x\n"
    "[ag]\nprovider = autograb\nclient_id = a\n";
  static const char broken_last[] =
    "[ag]\nprovider = autograb\nclient_id = a\n"
    "[broken]\nprovider = nosuch\nclient_id = x\n";
  g_auto (Match) first = { 0 };
  g_auto (Match) last = { 0 };

  match (broken_first, "https", "api.autograb.com.au", NULL, &first);
  g_assert_no_error (first.error);
  g_assert_nonnull (first.account);
  g_assert_cmpstr (first.account->name, ==, "ag");
  g_assert_cmpuint (first.warnings->len, ==, 1);
  cr_test_assert_contains (warning_at (&first, 0), "account [broken]: no plugin or provider file");
  g_assert_cmpuint (first.loads, ==, 2);

  match (broken_last, "https", "api.autograb.com.au", NULL, &last);
  g_assert_no_error (last.error);
  g_assert_nonnull (last.account);
  g_assert_cmpstr (last.account->name, ==, "ag");
  g_assert_cmpuint (last.warnings->len, ==, 0);
  g_assert_cmpuint (last.loads, ==, 1); /* autograb: to match, and kept to resolve */
}

/* Accounts that cannot tell their URLs for other reasons are named too. */
static void
test_unreadable_accounts_named (void)
{
  static const char text[] =
    "[no-client-id]\nprovider = autograb\n"
    "[no-host]\nprovider = acaengine\nclient_id = x\nusername = u\nauthority = a\n"
    "[ag]\nprovider = autograb\nclient_id = a\n";
  g_auto (Match) m = { 0 };

  match (text, "https", "api.autograb.com.au", NULL, &m);
  g_assert_no_error (m.error);
  g_assert_nonnull (m.account);
  g_assert_cmpstr (m.account->name, ==, "ag");
  g_assert_cmpuint (m.warnings->len, ==, 2);
  cr_test_assert_contains (warning_at (&m, 0), "account [no-client-id]: has no 'client_id' key");
  cr_test_assert_contains (warning_at (&m, 1), "account [no-host]: ");
  cr_test_assert_contains (warning_at (&m, 1), "'host'");
}

/* The account that matches answers or fails: one that does not resolve, or
 * whose provider does not load, is the error, and no later one answers. */
static void
test_matched_account_fails (void)
{
  static const char unresolved[] =
    "[dl]\nprovider = dataloy\nclient_id = d\nurl = https://dl.example\n"
    "[dl-ok]\nprovider = dataloy\nclient_id = d\naudience = https://dataloy.dev\n"
    "token_url = https://auth.dl.example/oauth/token\nurl = https://dl.example\n";
  static const char not_loaded[] =
    "[gone]\nprovider = nosuch\nclient_id = x\nurl = https://dl.example\n"
    "[dl-ok]\nprovider = dataloy\nclient_id = d\naudience = https://dataloy.dev\n"
    "token_url = https://auth.dl.example/oauth/token\nurl = https://dl.example\n";
  g_auto (Match) a = { 0 };
  g_auto (Match) b = { 0 };

  match (unresolved, "https", "dl.example", NULL, &a);
  g_assert_null (a.account);
  g_assert_error (a.error, CR_ERROR, CR_ERROR_CONFIG);
  cr_test_assert_contains (a.error->message, "account [dl]: has no 'token_url' key");

  match (not_loaded, "https", "dl.example", NULL, &b);
  g_assert_null (b.account);
  g_assert_error (b.error, CR_ERROR, CR_ERROR_CONFIG);
  cr_test_assert_contains (b.error->message,
                           "account [gone]: no plugin or provider file for provider 'nosuch'");
  g_assert_cmpuint (b.loads, ==, 1);
}

/* The account that answers is resolved as cr_config_open_account()
 * resolves it: its warnings come with it. */
static void
test_matched_account_warnings (void)
{
  static const char text[] = "[ag]\nprovider = autograb\nclient_id = a\nscoep = x\n";
  g_auto (Match) m = { 0 };

  match (text, "https", "api.autograb.com.au", NULL, &m);
  g_assert_nonnull (m.account);
  g_assert_cmpuint (m.warnings->len, ==, 1);
  cr_test_assert_contains (warning_at (&m, 0), "unknown key 'scoep' in account [ag]");
}

int
main (int argc, char **argv)
{
  int status;

  tmp_dir = cr_test_init (&argc, &argv, "match");

  g_test_add_func ("/match/same-origin", test_same_origin);
  g_test_add_func ("/match/case", test_case);
  g_test_add_func ("/match/default-port", test_default_port);
  g_test_add_func ("/match/trailing-dot", test_trailing_dot);
  g_test_add_func ("/match/ipv6", test_ipv6);
  g_test_add_func ("/match/bad-hosts", test_bad_hosts);
  g_test_add_func ("/match/query-fragment", test_query_fragment);
  g_test_add_func ("/match/userinfo", test_userinfo);
  g_test_add_func ("/match/account/explicit-urls-load-nothing", test_explicit_urls_load_nothing);
  g_test_add_func ("/match/account/provider-loaded-once", test_provider_loaded_once);
  g_test_add_func ("/match/account/failure-reported-and-skipped",
                   test_failure_reported_and_skipped);
  g_test_add_func ("/match/account/unreadable-accounts-named", test_unreadable_accounts_named);
  g_test_add_func ("/match/account/matched-account-fails", test_matched_account_fails);
  g_test_add_func ("/match/account/matched-account-warnings", test_matched_account_warnings);
  g_test_add_func ("/host/split", test_host_split);
  g_test_add_func ("/host/loopback", test_loopback);

  status = g_test_run ();
  cr_test_remove_tree (tmp_dir);
  g_free (tmp_dir);
  return status;
}
