/* Unit tests for accounts.conf (core/account/config.c).
 *
 * Every file lives in a throwaway directory; the account checks use the
 * real provider plugins from $CREDRING_PLUGIN_DIR (set by `make check`). */

#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include <glib.h>
#include <glib/gstdio.h>

#include <credring/credring.h>

#include "testutil.h"
#include "account/account.h"

static char *tmp_dir;

/* ---- helpers ----------------------------------------------------------- */

static CrConfig *
load_text (const char *text, char **path_out)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = cr_test_write_file (tmp_dir, "accounts.conf", text);
  CrConfig *config = cr_config_load (path, &error);

  g_assert_no_error (error);
  g_assert_nonnull (config);
  if (path_out != NULL)
    *path_out = g_steal_pointer (&path);
  return config;
}

/* cr_config_get_account() must fail with CR_ERROR_CONFIG; returns the message. */
static char *
account_error (const char *text, const char *name)
{
  g_autoptr (CrConfig) config = load_text (text, NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (CrAccount) account = cr_config_get_account (config, name, &error);

  g_assert_null (account);
  g_assert_error (error, CR_ERROR, CR_ERROR_CONFIG);
  g_assert_null (strchr (error->message, '\n'));
  g_test_message ("error: %s", error->message);
  return g_strdup (error->message);
}

/* ---- loading ----------------------------------------------------------- */

static const char several_accounts[] =
  "# credring accounts\n"                                      /* 1 */
  "[ants-prod]\n"                                              /* 2 */
  "provider = ants\n"                                          /* 3 */
  "client_id = 26156a86-b739-4c6b-9de2-314228c3e6e5\n"         /* 4 */
  "scope = item,event\n"                                       /* 5 */
  "url = https://api.ants.tech/a;https://api.ants.tech/b\n"    /* 6 */
  "\n"                                                         /* 7 */
  "[aca]\n"                                                    /* 8 */
  "provider=acaengine\n"                                       /* 9 */
  "client_id=cid\n"                                            /* 10 */
  "host = aca.example.com\n"                                   /* 11 */
  "username = alice\n"                                         /* 12 */
  "authority = sgrp-1\n"                                       /* 13 */
  "timeout = 45\n"                                             /* 14 */
  "min_valid = 120\n"                                          /* 15 */
  "  # an indented comment\n"                                  /* 16 */
  "  colour = blue\n"                                          /* 17 */
  "\n"                                                         /* 18 */
  "[dataloy-test]\n"                                           /* 19 */
  "provider = dataloy\n"                                       /* 20 */
  "client_id = G99j845dM4MtckQlKt8E6o\n"                       /* 21 */
  "token_url = https://auth.customer.example/oauth/token\n"    /* 22 */
  "audience = https://dataloy.dev\n"                           /* 23 */
  "ca_file = /etc/credring/ca.pem\n"                           /* 24 */
  "\n"                                                         /* 25 */
  "[autograb]\n"                                               /* 26 */
  "provider = autograb\n"                                      /* 27 */
  "client_id = ag\n";                                          /* 28 */

static void
test_load_several (void)
{
  g_autofree char *path = NULL;
  g_autoptr (CrConfig) config = load_text (several_accounts, &path);
  g_auto (GStrv) names = cr_config_list_accounts (config);
  g_autoptr (GError) error = NULL;
  g_autoptr (CrAccount) ants = NULL;
  g_autoptr (CrAccount) aca = NULL;
  g_autoptr (CrAccount) dataloy = NULL;
  g_autoptr (CrAccount) autograb = NULL;

  g_assert_cmpstr (cr_config_get_path (config), ==, path);
  g_assert_cmpuint (g_strv_length (names), ==, 4);
  g_assert_cmpstr (names[0], ==, "ants-prod");
  g_assert_cmpstr (names[1], ==, "aca");
  g_assert_cmpstr (names[2], ==, "dataloy-test");
  g_assert_cmpstr (names[3], ==, "autograb");

  ants = cr_config_get_account (config, "ants-prod", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (ants->name, ==, "ants-prod");
  g_assert_cmpstr (ants->config_path, ==, path);
  g_assert_cmpstr (ants->provider, ==, "ants");
  g_assert_cmpstr (ants->client_id, ==, "26156a86-b739-4c6b-9de2-314228c3e6e5");
  g_assert_null (ants->token_url);
  g_assert_null (ants->host);
  g_assert_null (ants->username);
  g_assert_null (ants->ca_file);
  g_assert_cmpint (ants->timeout, ==, 30);
  g_assert_cmpint (ants->min_valid, ==, -1);
  g_assert_nonnull (ants->urls);
  g_assert_cmpuint (g_strv_length (ants->urls), ==, 2);
  g_assert_cmpstr (ants->urls[0], ==, "https://api.ants.tech/a");
  g_assert_cmpstr (ants->urls[1], ==, "https://api.ants.tech/b");
  /* Every key is in values, with its line. */
  g_assert_cmpstr (g_hash_table_lookup (ants->values, "scope"), ==, "item,event");
  g_assert_cmpstr (g_hash_table_lookup (ants->values, "provider"), ==, "ants");
  g_assert_cmpuint (g_hash_table_size (ants->values), ==, 4);
  g_assert_cmpuint (GPOINTER_TO_UINT (g_hash_table_lookup (ants->lines, "provider")), ==, 3);
  g_assert_cmpuint (GPOINTER_TO_UINT (g_hash_table_lookup (ants->lines, "scope")), ==, 5);

  aca = cr_config_get_account (config, "aca", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (aca->provider, ==, "acaengine");
  g_assert_cmpstr (aca->client_id, ==, "cid");
  g_assert_cmpstr (aca->host, ==, "aca.example.com");
  g_assert_cmpstr (aca->username, ==, "alice");
  g_assert_cmpint (aca->timeout, ==, 45);
  g_assert_cmpint (aca->min_valid, ==, 120);
  g_assert_null (aca->urls);
  g_assert_cmpstr (g_hash_table_lookup (aca->values, "authority"), ==, "sgrp-1");
  g_assert_cmpstr (g_hash_table_lookup (aca->values, "colour"), ==, "blue");
  g_assert_cmpuint (GPOINTER_TO_UINT (g_hash_table_lookup (aca->lines, "provider")), ==, 9);
  g_assert_cmpuint (GPOINTER_TO_UINT (g_hash_table_lookup (aca->lines, "colour")), ==, 17);

  dataloy = cr_config_get_account (config, "dataloy-test", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (dataloy->token_url, ==, "https://auth.customer.example/oauth/token");
  g_assert_cmpstr (dataloy->ca_file, ==, "/etc/credring/ca.pem");
  g_assert_cmpstr (g_hash_table_lookup (dataloy->values, "audience"), ==, "https://dataloy.dev");

  autograb = cr_config_get_account (config, "autograb", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (autograb->provider, ==, "autograb");
  g_assert_cmpuint (GPOINTER_TO_UINT (g_hash_table_lookup (autograb->lines, "client_id")), ==,
                    28);
}

/* Only the account asked for is parsed (a cached token with a thousand
 * accounts costs little more than with one); what it holds, and where
 * each key was, are what the whole file gives. */
static void
test_load_account_only (void)
{
  g_autofree char *path = cr_test_write_file (tmp_dir, "only.conf", several_accounts);
  g_autofree char *broken = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (CrConfig) config = NULL;
  g_autoptr (CrAccount) aca = NULL;
  g_autoptr (CrAccount) other = NULL;
  g_auto (GStrv) names = NULL;

  g_chmod (path, 0600);
  config = cr_config_load_account_only (path, TRUE, "aca", &error);
  g_assert_no_error (error);
  names = cr_config_list_accounts (config);
  g_assert_cmpuint (g_strv_length (names), ==, 1);
  g_assert_cmpstr (names[0], ==, "aca");
  aca = cr_config_get_account (config, "aca", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (aca->host, ==, "aca.example.com");
  g_assert_cmpint (aca->timeout, ==, 45);
  g_assert_cmpuint (GPOINTER_TO_UINT (g_hash_table_lookup (aca->lines, "colour")), ==, 17);
  other = cr_config_get_account (config, "autograb", &error);
  g_assert_null (other);
  g_assert_error (error, CR_ERROR, CR_ERROR_CONFIG);
  g_clear_error (&error);
  g_clear_pointer (&config, cr_config_free);

  /* A group given twice is read whole, in both places, with the right lines. */
  broken = cr_test_write_file (tmp_dir, "twice.conf",
                               "[a]\nprovider = ants\n[b]\nprovider = x\n"  /* 1-4 */
                               "  [a]  \nclient_id = c\n[ab]\nclient_id = d\n"); /* 5-8 */
  g_chmod (broken, 0600);
  config = cr_config_load_account_only (broken, TRUE, "a", &error);
  g_assert_no_error (error);
  {
    g_autoptr (CrAccount) a = cr_config_get_account (config, "a", &error);

    g_assert_no_error (error);
    g_assert_cmpstr (a->client_id, ==, "c");
    g_assert_cmpuint (GPOINTER_TO_UINT (g_hash_table_lookup (a->lines, "client_id")), ==, 6);
  }
  g_clear_pointer (&config, cr_config_free);

  /* A last line without its newline is read as it is: GLib drops a CR
   * only before a newline, so one added would have cut the CR the whole
   * file's parse keeps (found by a differential run of the line index). */
  g_free (broken);
  broken = cr_test_write_file (tmp_dir, "last-line.conf",
                               "[a]\nprovider = ants\nclient_id = c\n"
                               "url = https://x.example/a;https://x.example/b\r");
  config = cr_config_load_account_only (broken, TRUE, "a", &error);
  g_assert_no_error (error);
  {
    g_autoptr (CrConfig) whole = cr_config_load (broken, &error);
    g_autoptr (CrAccount) from_whole = NULL;
    g_autoptr (CrAccount) a = cr_config_get_account (config, "a", &error);

    g_assert_no_error (error);
    from_whole = cr_config_get_account (whole, "a", &error);
    g_assert_no_error (error);
    g_assert_true (g_strv_equal ((const char *const *) a->urls,
                                 (const char *const *) from_whole->urls));
  }
  g_clear_pointer (&config, cr_config_free);

  /* A syntax error in the account's own lines is reported, at its line in
   * the file; one in another account's lines is not this account's. */
  g_free (broken);
  broken = cr_test_write_file (tmp_dir, "syntax.conf",
                               "[good]\nprovider = ants\nclient_id = c\n"
                               "[bad]\nprovider ants\n[worse]\nclient_id = x\nnot a line\n");
  g_chmod (broken, 0600);
  config = cr_config_load_account_only (broken, TRUE, "worse", &error);
  g_assert_null (config);
  g_assert_error (error, CR_ERROR, CR_ERROR_CONFIG);
  {
    g_autofree char *at = g_strconcat (broken, ":8: ", NULL);

    cr_test_assert_contains (error->message, at);
  }
  g_clear_error (&error);
  config = cr_config_load_account_only (broken, TRUE, "good", &error);
  g_assert_no_error (error);
  g_clear_pointer (&config, cr_config_free);
  /* ...while the whole file is refused as ever. */
  config = cr_config_load (broken, &error);
  g_assert_null (config);
  g_assert_error (error, CR_ERROR, CR_ERROR_CONFIG);
  g_clear_error (&error);

  /* The file's own checks are made all the same. */
  g_chmod (path, 0666);
  config = cr_config_load_account_only (path, TRUE, "aca", &error);
  g_assert_null (config);
  g_assert_error (error, CR_ERROR, CR_ERROR_CONFIG);
  cr_test_assert_contains (error->message, "writable by others");
}

static void
test_missing_file (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = g_build_filename (tmp_dir, "does-not-exist.conf", NULL);
  g_autoptr (CrConfig) config = cr_config_load (path, &error);
  g_auto (GStrv) names = NULL;
  g_autoptr (CrAccount) account = NULL;

  g_assert_no_error (error);
  g_assert_nonnull (config);
  g_assert_cmpstr (cr_config_get_path (config), ==, path);
  names = cr_config_list_accounts (config);
  g_assert_nonnull (names);
  g_assert_cmpuint (g_strv_length (names), ==, 0);

  account = cr_config_get_account (config, "any", &error);
  g_assert_null (account);
  g_assert_error (error, CR_ERROR, CR_ERROR_CONFIG);
}

/* A file someone named must be there; one that is loads as with cr_config_load(). */
static void
test_named_file (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *missing = g_build_filename (tmp_dir, "does-not-exist.conf", NULL);
  g_autofree char *path = cr_test_write_file (tmp_dir, "named.conf",
                                              "[named]\nprovider=ants\nclient_id=x\n");
  g_autoptr (CrConfig) config = cr_config_load_file (missing, &error);
  g_auto (GStrv) names = NULL;

  g_assert_null (config);
  g_assert_error (error, CR_ERROR, CR_ERROR_CONFIG);
  g_assert_true (g_str_has_prefix (error->message, missing));
  g_assert_nonnull (strstr (error->message, g_strerror (ENOENT)));
  g_clear_error (&error);

  config = cr_config_load_file (path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (cr_config_get_path (config), ==, path);
  names = cr_config_list_accounts (config);
  g_assert_cmpuint (g_strv_length (names), ==, 1);
  g_assert_cmpstr (names[0], ==, "named");
}

/* Without a path: $CREDRING_CONFIG, else the XDG config directory (the
 * throwaway one cr_test_init() set, never the real one). */
static void
test_default_path (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *expected = g_build_filename (g_get_user_config_dir (), "credring",
                                                "accounts.conf", NULL);
  g_autofree char *env_path = cr_test_write_file (tmp_dir, "env.conf",
                                                "[from-env]\nprovider=ants\nclient_id=x\n");
  g_autoptr (CrConfig) config = NULL;
  g_autoptr (CrConfig) env_config = NULL;
  g_auto (GStrv) names = NULL;

  g_unsetenv ("CREDRING_CONFIG");
  config = cr_config_load (NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (cr_config_get_path (config), ==, expected);

  g_setenv ("CREDRING_CONFIG", env_path, TRUE);
  env_config = cr_config_load (NULL, &error);
  g_unsetenv ("CREDRING_CONFIG");
  g_assert_no_error (error);
  g_assert_cmpstr (cr_config_get_path (env_config), ==, env_path);
  names = cr_config_list_accounts (env_config);
  g_assert_cmpuint (g_strv_length (names), ==, 1);
  g_assert_cmpstr (names[0], ==, "from-env");
}

static void
assert_load_fails (const char *path, const char *needle)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CrConfig) config = cr_config_load (path, &error);

  g_assert_null (config);
  g_assert_error (error, CR_ERROR, CR_ERROR_CONFIG);
  g_test_message ("error: %s", error->message);
  cr_test_assert_contains (error->message, needle);
}

static void
test_syntax_error (void)
{
  g_autofree char *no_equals = cr_test_write_file (tmp_dir, "a.conf", "[acct]\nprovider ants\n");
  g_autofree char *unclosed = cr_test_write_file (tmp_dir, "b.conf", "[acct\nprovider = ants\n");
  g_autofree char *before_group = cr_test_write_file (tmp_dir, "c.conf",
                                                    "provider = ants\n[acct]\n");
  g_autofree char *binary = g_build_filename (tmp_dir, "d.conf", NULL);
  g_autofree char *large = g_build_filename (tmp_dir, "e.conf", NULL);
  g_autoptr (GError) error = NULL;

  assert_load_fails (no_equals, no_equals);
  assert_load_fails (unclosed, unclosed);
  assert_load_fails (before_group, before_group);
  /* The message numbers the line GLib refused, even when a later line
   * looks worse to a simpler reader. */
  {
    g_autofree char *tricky = cr_test_write_file (tmp_dir, "f.conf",
                                                  "[acct]\nprovider = ants\n[a]b\nfoo\n");
    g_autofree char *prefix = g_strconcat (tricky, ":3: ", NULL);

    assert_load_fails (tricky, prefix);
  }
  /* A bad escape then a lone backslash: GLib 2.74 would warn (fatal in a
   * test) rather than only fail. */
  {
    g_autoptr (GError) escape_error = NULL;
    g_autofree char *escape = cr_test_write_file (tmp_dir, "g.conf",
                                                  "[acct]\nprovider = \\x\\\nclient_id = c\n");
    g_autoptr (CrConfig) config = cr_config_load (escape, &escape_error);
    g_autoptr (CrAccount) account = NULL;

    g_assert_no_error (escape_error);
    account = cr_config_get_account (config, "acct", &escape_error);
    g_assert_null (account);
    g_assert_error (escape_error, CR_ERROR, CR_ERROR_CONFIG);
    cr_test_assert_contains (escape_error->message, "ends in an escape character");
  }

  /* A NUL byte: not a configuration file. */
  g_file_set_contents (binary, "[acct]\nprovider = an\0ts\n", 24, &error);
  g_assert_no_error (error);
  assert_load_fails (binary, binary);

  /* Larger than any configuration file should be. */
  {
    GString *text = g_string_new ("[acct]\nprovider = ants\nclient_id = x\n");

    while (text->len <= 256 * 1024)
      g_string_append (text, "# padding padding padding padding padding padding padding\n");
    g_file_set_contents (large, text->str, text->len, &error);
    g_assert_no_error (error);
    g_string_free (text, TRUE);
    assert_load_fails (large, large);
  }

  /* A directory where the file should be: an error, not "missing". */
  assert_load_fails (tmp_dir, tmp_dir);
}

/* ---- accounts ---------------------------------------------------------- */

static void
test_unknown_account (void)
{
  g_autofree char *message = account_error (several_accounts, "nosuch");

  cr_test_assert_contains (message, "nosuch");
}

/* The name comes from the command line: the message stays one line. */
static void
test_unknown_account_escaped (void)
{
  g_autoptr (CrConfig) config = load_text (several_accounts, NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (CrAccount) account = cr_config_get_account (config, "x\nfatal: forged", &error);

  g_assert_null (account);
  g_assert_error (error, CR_ERROR, CR_ERROR_CONFIG);
  if (strchr (error->message, '\n') != NULL)
    {
      /* Regression guard (a bug found and fixed): the name is printed unescaped. */
      g_test_fail_printf ("%s", "core/account/config.c cr_config_get_account(): an unknown account name is "
                         "copied into the error message unescaped (a newline forges a line)");
    }
}

static void
test_missing_common_keys (void)
{
  g_autofree char *no_provider = account_error ("[acct1]\nclient_id = x\n", "acct1");
  g_autofree char *empty_provider = account_error ("[acct2]\nprovider =\nclient_id = x\n",
                                                   "acct2");
  g_autofree char *no_client_id = account_error ("[acct3]\nprovider = ants\nscope = item\n",
                                                 "acct3");
  g_autofree char *blank_client_id = account_error ("[acct4]\nprovider = ants\nclient_id =   \n",
                                                    "acct4");

  cr_test_assert_contains (no_provider, "[acct1]");
  cr_test_assert_contains (no_provider, "'provider'");
  cr_test_assert_contains (empty_provider, "[acct2]");
  cr_test_assert_contains (empty_provider, "'provider'");
  cr_test_assert_contains (no_client_id, "[acct3]");
  cr_test_assert_contains (no_client_id, "'client_id'");
  cr_test_assert_contains (blank_client_id, "[acct4]");
  cr_test_assert_contains (blank_client_id, "'client_id'");
}

static void
test_account_names (void)
{
  static const char *const bad[] = {
    "../x", "./x", ".hidden", "-dash", "a/b", "a b", "a\\b", "a:b", "a*b", "é",
  };
  static const char *const good[] = { "a", "ants-prod", "a.b_c@d-e", "X9" };

  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *text = g_strdup_printf ("[%s]\nprovider = ants\nclient_id = x\n", bad[i]);
      g_autofree char *message = account_error (text, bad[i]);
    }
  {
    /* Longer than 128 characters. */
    g_autofree char *name = g_strnfill (129, 'a');
    g_autofree char *text = g_strdup_printf ("[%s]\nprovider = ants\nclient_id = x\n", name);
    g_autofree char *message = account_error (text, name);
  }
  for (gsize i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autofree char *text = g_strdup_printf ("[%s]\nprovider = ants\nclient_id = x\n", good[i]);
      g_autoptr (CrAccount) account = cr_test_account_from_text (tmp_dir, text, good[i]);

      g_assert_cmpstr (account->name, ==, good[i]);
    }
}

static void
test_timeout_min_valid (void)
{
  static const char *const bad_timeouts[] = {
    "0", "601", "-5", "+5", "1.5", "10s", "abc", "0x10", "99999999999999999999",
  };
  static const char *const bad_min_valid[] = {
    "-1", "+1", "1.5", "1e3", "2147483648", "abc", "60 s",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (bad_timeouts); i++)
    {
      g_autofree char *text =
        g_strdup_printf ("[t]\nprovider = ants\nclient_id = x\ntimeout = %s\n", bad_timeouts[i]);
      g_autofree char *message = account_error (text, "t");

      cr_test_assert_contains (message, "[t]");
      cr_test_assert_contains (message, "timeout");
    }
  for (gsize i = 0; i < G_N_ELEMENTS (bad_min_valid); i++)
    {
      g_autofree char *text =
        g_strdup_printf ("[m]\nprovider = ants\nclient_id = x\nmin_valid = %s\n", bad_min_valid[i]);
      g_autofree char *message = account_error (text, "m");

      cr_test_assert_contains (message, "[m]");
      cr_test_assert_contains (message, "min_valid");
    }

  {
    g_autoptr (CrAccount) low = cr_test_account_from_text (tmp_dir,
      "[t]\nprovider = ants\nclient_id = x\ntimeout = 1\nmin_valid = 0\n", "t");
    g_autoptr (CrAccount) high = cr_test_account_from_text (tmp_dir,
      "[t]\nprovider = ants\nclient_id = x\ntimeout = 600\nmin_valid = 2147483647\n", "t");
    g_autoptr (CrAccount) empty = cr_test_account_from_text (tmp_dir,
      "[t]\nprovider = ants\nclient_id = x\ntimeout =\nmin_valid =\n", "t");

    g_assert_cmpint (low->timeout, ==, 1);
    g_assert_cmpint (low->min_valid, ==, 0);
    g_assert_cmpint (high->timeout, ==, 600);
    g_assert_cmpint (high->min_valid, ==, G_MAXINT32);
    /* Empty values mean the defaults. */
    g_assert_cmpint (empty->timeout, ==, 30);
    g_assert_cmpint (empty->min_valid, ==, -1);
  }
}

static void
test_url_list (void)
{
  g_autoptr (CrAccount) one = cr_test_account_from_text (tmp_dir,
    "[u]\nprovider = ants\nclient_id = x\nurl = https://api.example.com/v1\n", "u");
  g_autoptr (CrAccount) two = cr_test_account_from_text (tmp_dir,
    "[u]\nprovider = ants\nclient_id = x\nurl = https://a.example/;https://b.example/x\n", "u");
  g_autoptr (CrAccount) trailing = cr_test_account_from_text (tmp_dir,
    "[u]\nprovider = ants\nclient_id = x\nurl = https://a.example/;https://b.example/;\n", "u");
  g_autoptr (CrAccount) none = cr_test_account_from_text (tmp_dir,
    "[u]\nprovider = ants\nclient_id = x\n", "u");

  g_assert_cmpuint (g_strv_length (one->urls), ==, 1);
  g_assert_cmpstr (one->urls[0], ==, "https://api.example.com/v1");
  g_assert_cmpuint (g_strv_length (two->urls), ==, 2);
  g_assert_cmpstr (two->urls[0], ==, "https://a.example/");
  g_assert_cmpstr (two->urls[1], ==, "https://b.example/x");
  g_assert_cmpuint (g_strv_length (trailing->urls), ==, 2);
  g_assert_cmpstr (trailing->urls[1], ==, "https://b.example/");
  g_assert_null (none->urls);
}

/* A value GKeyFile cannot decode (an unknown escape, invalid UTF-8) is a
 * configuration error like any other: NULL and CR_ERROR_CONFIG naming the
 * account, never an account returned together with an error.  Returns a
 * description of the deviation, or NULL. */
static char *
check_undecodable (const char *text, const char *what)
{
  g_autoptr (CrConfig) config = load_text (text, NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (CrAccount) account = cr_config_get_account (config, "esc", &error);

  g_assert_nonnull (error);
  g_test_message ("%s: account %s, error: %s", what, account ? "returned" : "NULL",
                  error->message);
  if (account != NULL || !g_error_matches (error, CR_ERROR, CR_ERROR_CONFIG))
    return g_strdup_printf ("%s: %s with a %s error", what,
                            account ? "account returned" : "NULL returned",
                            g_quark_to_string (error->domain));
  cr_test_assert_contains (error->message, "[esc]");
  return NULL;
}

static void
test_undecodable_value (void)
{
  g_autofree char *escape = check_undecodable ("[esc]\nprovider = ants\nclient_id = a\\qb\n",
                                               "unknown escape");
  g_autofree char *utf8 = check_undecodable ("[esc]\nprovider = ants\nclient_id = a\xff\n",
                                             "invalid UTF-8");

  if (escape != NULL || utf8 != NULL)
    {
      /* Regression guard (a bug found and fixed): g_key_file_get_string()'s error is passed
       * through as is, and for an unknown escape the account is returned
       * with the error set. */
      g_autofree char *why = g_strdup_printf ("core/account/config.c cr_config_get_account(): %s%s%s", escape ? escape : "",
                                              escape && utf8 ? "; " : "", utf8 ? utf8 : "");

      g_test_fail_printf ("%s", why);
    }
}

/* ---- checking an account against its provider --------------------------- */

/* cr_account_resolve() must fail; returns the message. */
static char *
check_error (const char *text, const char *name, const char *provider_name)
{
  g_autoptr (CrAccount) account = cr_test_account_from_text (tmp_dir, text, name);
  g_autoptr (CrProvider) provider = cr_test_load_provider (provider_name);
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) warnings = g_ptr_array_new_with_free_func (g_free);

  g_assert_false (cr_account_resolve (account, cr_provider_get_descriptor (provider), warnings, &error));
  g_assert_error (error, CR_ERROR, CR_ERROR_CONFIG);
  g_assert_null (strchr (error->message, '\n'));
  g_test_message ("error: %s", error->message);
  return g_strdup (error->message);
}

static void
check_ok (const char *text, const char *name, const char *provider_name)
{
  g_autoptr (CrAccount) account = cr_test_account_from_text (tmp_dir, text, name);
  g_autoptr (CrProvider) provider = cr_test_load_provider (provider_name);
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) warnings = g_ptr_array_new_with_free_func (g_free);

  g_assert_true (cr_account_resolve (account, cr_provider_get_descriptor (provider), warnings, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (warnings->len, ==, 0);
}

static void
assert_check_names (const char *text, const char *name, const char *provider, const char *key)
{
  g_autofree char *message = check_error (text, name, provider);
  g_autofree char *quoted_name = g_strdup_printf ("[%s]", name);
  g_autofree char *quoted_key = g_strdup_printf ("'%s'", key);

  cr_test_assert_contains (message, quoted_name);
  cr_test_assert_contains (message, quoted_key);
}

/* A missing key names the key the account has that looks like a typo of
 * it, escaped (found by fuzz-config: key names are any bytes). */
static void
test_check_typo (void)
{
  g_autofree char *typo = check_error ("[t]\nprovider = dataloy\nclient_id = c\n"
                                       "tokenurl = https://a.example/t\naudience = x\n",
                                       "t", "dataloy");
  g_autofree char *case_typo = check_error ("[t]\nprovider = ants\nclient_id = c\nScope = item\n",
                                            "t", "ants");
  g_autofree char *control = check_error ("[t]\nprovider = dataloy\nclient_id = c\n"
                                          "token_\x01rl = https://a.example/t\naudience = x\n",
                                          "t", "dataloy");
  g_autofree char *far = check_error ("[t]\nprovider = dataloy\nclient_id = c\n"
                                      "endpoint = https://a.example/t\naudience = x\n",
                                      "t", "dataloy");

  cr_test_assert_contains (typo, "has no 'token_url' key ('tokenurl' on line 4 looks like a typo of it)");
  cr_test_assert_contains (case_typo, "has no 'scope' key ('Scope' on line 4");
  cr_test_assert_contains (control, "'token_\\x01rl' on line 4");
  g_assert_null (strchr (control, '\x01'));
  g_assert_null (strstr (far, "typo"));
}

/* GLib's key files have no trailing comments: such a value is warned about. */
static void
test_check_trailing_comment (void)
{
  g_autoptr (CrAccount) account = cr_test_account_from_text (
    tmp_dir, "[t]\nprovider = ants\nclient_id = c\nscope = item # the items API\n", "t");
  g_autoptr (CrProvider) provider = cr_test_load_provider ("ants");
  g_autoptr (GPtrArray) warnings = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GError) error = NULL;

  g_assert_true (cr_account_resolve (account, cr_provider_get_descriptor (provider), warnings, &error));
  g_assert_cmpuint (warnings->len, ==, 1);
  cr_test_assert_contains (warnings->pdata[0], ":4: key 'scope' in account [t]: the '#'");
  /* Resolved all the same: the value is what the file says. */
  g_assert_nonnull (account->endpoint);
}

static void
test_check_required (void)
{
  /* ANTS: scope is required (seed 002). */
  assert_check_names ("[a1]\nprovider = ants\nclient_id = x\n", "a1", "ants", "scope");
  assert_check_names ("[a2]\nprovider = ants\nclient_id = x\nscope =\n", "a2", "ants", "scope");
  check_ok ("[a3]\nprovider = ants\nclient_id = x\nscope = item\n", "a3", "ants");

  /* ACAEngine: host (for {host}), username (password grant), authority (seed 000). */
  assert_check_names ("[c1]\nprovider = acaengine\nclient_id = x\nusername = u\nauthority = a\n",
                      "c1", "acaengine", "host");
  assert_check_names ("[c2]\nprovider = acaengine\nclient_id = x\nhost = h.example\n"
                      "authority = a\n",
                      "c2", "acaengine", "username");
  assert_check_names ("[c3]\nprovider = acaengine\nclient_id = x\nhost = h.example\n"
                      "username = u\n",
                      "c3", "acaengine", "authority");
  check_ok ("[c4]\nprovider = acaengine\nclient_id = x\nhost = h.example\nusername = u\n"
            "authority = a\n",
            "c4", "acaengine");
  /* An explicit token_url makes host unnecessary; scope stays optional. */
  check_ok ("[c5]\nprovider = acaengine\nclient_id = x\n"
            "token_url = https://h.example/auth/oauth/token\nusername = u\nauthority = a\n",
            "c5", "acaengine");

  /* Dataloy: a per-customer token_url, and the audience (seed 004). */
  assert_check_names ("[d1]\nprovider = dataloy\nclient_id = x\n", "d1", "dataloy", "token_url");
  assert_check_names ("[d2]\nprovider = dataloy\nclient_id = x\n"
                      "token_url = https://t.example/token\n",
                      "d2", "dataloy", "audience");
  assert_check_names ("[d3]\nprovider = dataloy\nclient_id = x\naudience = https://dataloy\n",
                      "d3", "dataloy", "token_url");
  check_ok ("[d4]\nprovider = dataloy\nclient_id = x\ntoken_url = https://t.example/token\n"
            "audience = https://dataloy\n",
            "d4", "dataloy");

  /* AutoGrab needs nothing beyond the common keys (seed 003). */
  check_ok ("[g1]\nprovider = autograb\nclient_id = x\n", "g1", "autograb");
}

static void
test_check_warnings (void)
{
  static const char text[] =
    "[other]\n"                                   /* 1 */
    "provider = ants\n"                           /* 2 */
    "client_id = x\n"                             /* 3 */
    "\n"                                          /* 4 */
    "[w]\n"                                       /* 5 */
    "provider = ants\n"                           /* 6 */
    "client_id = x\n"                             /* 7 */
    "# a comment = not a key\n"                   /* 8 */
    "scope = item\n"                              /* 9 */
    "url = https://api.example/\n"                /* 10 */
    "timeout = 10\n"                              /* 11 */
    "min_valid = 60\n"                            /* 12 */
    "ca_file = /x.pem\n"                          /* 13 */
    "host = h.example\n"                          /* 14 */
    "token_url = https://t.example/\n"            /* 15 */
    "username = u\n"                              /* 16 */
    "\n"                                          /* 17 */
    "scpoe = item\n"                              /* 18: a typo */
    "audience = https://dataloy\n";               /* 19: another provider's */
  g_autofree char *path = NULL;
  g_autoptr (CrConfig) config = load_text (text, &path);
  g_autoptr (GError) error = NULL;
  g_autoptr (CrAccount) account = cr_config_get_account (config, "w", &error);
  g_autoptr (CrProvider) provider = cr_test_load_provider ("ants");
  g_autoptr (GPtrArray) warnings = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *typo = NULL;
  g_autofree char *audience = NULL;
  gboolean saw_typo = FALSE, saw_audience = FALSE;

  g_assert_no_error (error);
  g_assert_true (cr_account_resolve (account, cr_provider_get_descriptor (provider), warnings, &error));
  g_assert_no_error (error);

  typo = g_strdup_printf ("%s:18: unknown key 'scpoe' in account [w] (provider ants)", path);
  audience = g_strdup_printf ("%s:19: unknown key 'audience' in account [w] (provider ants)", path);
  g_assert_cmpuint (warnings->len, ==, 2);
  for (guint i = 0; i < warnings->len; i++)
    {
      const char *warning = g_ptr_array_index (warnings, i);

      g_test_message ("warning: %s", warning);
      if (g_str_equal (warning, typo))
        saw_typo = TRUE;
      else if (g_str_equal (warning, audience))
        saw_audience = TRUE;
      else
        g_error ("unexpected warning: %s", warning);
    }
  g_assert_true (saw_typo && saw_audience);

  /* Without a warnings array, unknown keys are no error. */
  g_assert_true (cr_account_resolve (account, cr_provider_get_descriptor (provider), NULL, &error));
  g_assert_no_error (error);
}

/* Line numbers count every line, including blank ones and comments, also
 * with CRLF line ends. */
static void
test_warning_line_crlf (void)
{
  static const char text[] = "\r\n# c\r\n[k]\r\nprovider = autograb\r\nclient_id = x\r\n\r\n"
                             "extra = 1\r\n";
  g_autofree char *path = NULL;
  g_autoptr (CrConfig) config = load_text (text, &path);
  g_autoptr (GError) error = NULL;
  g_autoptr (CrAccount) account = cr_config_get_account (config, "k", &error);
  g_autoptr (CrProvider) provider = cr_test_load_provider ("autograb");
  g_autoptr (GPtrArray) warnings = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *expected = NULL;

  g_assert_no_error (error);
  g_assert_cmpstr (account->provider, ==, "autograb");
  g_assert_true (cr_account_resolve (account, cr_provider_get_descriptor (provider), warnings, &error));
  expected = g_strdup_printf ("%s:7: unknown key 'extra' in account [k] (provider autograb)", path);
  g_assert_cmpuint (warnings->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (warnings, 0), ==, expected);
}

/* ---- found by fuzz/fuzz-config.c ----------------------------------------- */

/* Fails the test unless @message is one line of printable UTF-8. */
static void
assert_printable (const char *message)
{
  if (!g_utf8_validate (message, -1, NULL))
    {
      g_test_fail_printf ("error message is not UTF-8");
      return;
    }
  for (const char *p = message; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0))
        {
          g_test_fail_printf ("control character U+%04X in error message", c);
          return;
        }
    }
}

/* GLib's key-file errors quote the offending line, group or value byte
 * for byte; passed on as they were, a CR, an escape sequence or invalid
 * UTF-8 in accounts.conf reached the terminal through the error message
 * (fuzz/corpus/config/message-*). */
static void
test_messages_printable (void)
{
  static const char *const bad_files[] = {
    "[acct]\nbad line \x1b[2J\n",
    "stray\x07line\n",
    "[a[b\xff]\nprovider = ants\n",
    "[a\x1b[2J]\nprovider = ants\n",
    "[acct]\nprovider = ants\nk\x1b[2J = v\n",
  };
  static const char *const bad_values[] = {
    "[acct]\nprovider = x\x1b[2Jy\xff\nclient_id = c\n",
    "[acct]\nprovider = ants\rinjected\xff\nclient_id = c\n",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (bad_files); i++)
    {
      g_autofree char *path = cr_test_write_file (tmp_dir, "printable.conf", bad_files[i]);
      g_autoptr (GError) error = NULL;
      g_autoptr (CrConfig) config = cr_config_load (path, &error);

      g_assert_null (config);
      g_assert_error (error, CR_ERROR, CR_ERROR_CONFIG);
      assert_printable (error->message);
    }
  for (gsize i = 0; i < G_N_ELEMENTS (bad_values); i++)
    {
      g_autofree char *message = account_error (bad_values[i], "acct");

      assert_printable (message);
    }
}

/* The warnings of @name in @config, resolved against the autograb plugin. */
static GPtrArray *
autograb_warnings (CrConfig *config, const char *name)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CrAccount) account = cr_config_get_account (config, name, &error);
  g_autoptr (CrProvider) provider = cr_test_load_provider ("autograb");
  GPtrArray *warnings = g_ptr_array_new_with_free_func (g_free);

  g_assert_no_error (error);
  g_assert_cmpstr (account->provider, ==, "autograb");
  g_assert_true (cr_account_resolve (account, cr_provider_get_descriptor (provider), warnings, &error));
  g_assert_no_error (error);
  return warnings;
}

/* GKeyFile reads "[b]" followed by bytes 0x80..0xBF as the header of [b]
 * (it steps over UTF-8 continuation bytes unseen); the line index took it
 * for no header, filed [b]'s keys under [a], and warned about line 0 — and
 * the one-account parse found no [b] at all
 * (fuzz/corpus/config/header-continuation-bytes). */
static void
test_header_continuation_bytes (void)
{
  static const char text[] = "[a]\n"                      /* 1 */
                             "provider = autograb\n"      /* 2 */
                             "client_id = x\n"            /* 3 */
                             "[b]\x9a\xbd \x80\t\r\n"     /* 4 */
                             "provider = autograb\n"      /* 5 */
                             "client_id = y\n"            /* 6 */
                             "extra = 1\n";               /* 7 */
  g_autofree char *path = NULL;
  g_autoptr (CrConfig) config = load_text (text, &path);
  g_autoptr (CrConfig) only_b = NULL;
  g_autoptr (GPtrArray) warnings = NULL;
  g_autoptr (GPtrArray) a_warnings = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *expected = NULL;

  expected = g_strdup_printf ("%s:7: unknown key 'extra' in account [b] (provider autograb)", path);
  warnings = autograb_warnings (config, "b");
  g_assert_cmpuint (warnings->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (warnings, 0), ==, expected);
  a_warnings = autograb_warnings (config, "a");
  g_assert_cmpuint (a_warnings->len, ==, 0);

  g_clear_pointer (&warnings, g_ptr_array_unref);
  only_b = cr_config_load_account_only (path, TRUE, "b", &error);
  g_assert_no_error (error);
  warnings = autograb_warnings (only_b, "b");
  g_assert_cmpuint (warnings->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (warnings, 0), ==, expected);
}

/* ---- copies and references (for calls that outlive their caller's) ----- */

static void
assert_same_string (const char *copy, const char *original)
{
  g_assert_cmpstr (copy, ==, original);
  if (original != NULL)
    g_assert_true (copy != original);
}

/* A copy is equal and shares nothing: it stays whole when the original is
 * freed (valgrind and ASan see any shared block). */
static void
test_account_copy (void)
{
  g_autoptr (CrAccount) account = cr_test_account_from_text (tmp_dir, several_accounts, "ants-prod");
  g_autoptr (CrProvider) provider = cr_test_load_provider ("ants");
  g_autoptr (GError) error = NULL;
  g_autoptr (CrAccount) copy = NULL;
  char **fields[] = {
    &account->token_url, &account->host, &account->username, &account->ca_file,
    &account->scope, &account->authorization_endpoint, &account->device_endpoint,
    &account->revocation_endpoint, &account->redirect_uri, &account->issuer,
  };
  GHashTableIter iter;
  gpointer key, value;

  g_assert_true (cr_account_resolve (account, cr_provider_get_descriptor (provider), NULL, &error));
  g_assert_no_error (error);
  /* Every string set, so that a field the copy only points at is seen. */
  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    if (*fields[i] == NULL)
      *fields[i] = g_strdup ("set by the test");
  copy = cr_account_copy (account);
  assert_same_string (copy->name, account->name);
  assert_same_string (copy->config_path, account->config_path);
  assert_same_string (copy->provider, account->provider);
  assert_same_string (copy->token_url, account->token_url);
  assert_same_string (copy->host, account->host);
  assert_same_string (copy->client_id, account->client_id);
  assert_same_string (copy->username, account->username);
  assert_same_string (copy->ca_file, account->ca_file);
  assert_same_string (copy->endpoint, account->endpoint);
  assert_same_string (copy->scope, account->scope);
  assert_same_string (copy->authorization_endpoint, account->authorization_endpoint);
  assert_same_string (copy->device_endpoint, account->device_endpoint);
  assert_same_string (copy->revocation_endpoint, account->revocation_endpoint);
  assert_same_string (copy->redirect_uri, account->redirect_uri);
  assert_same_string (copy->issuer, account->issuer);
  g_assert_nonnull (account->endpoint);
  g_assert_true (copy->urls != account->urls);
  g_assert_true (g_strv_equal ((const char *const *) copy->urls,
                               (const char *const *) account->urls));
  g_assert_cmpint (copy->timeout, ==, account->timeout);
  g_assert_cmpint (copy->min_valid, ==, account->min_valid);
  g_assert_cmpint (copy->grant, ==, account->grant);
  g_assert_cmpint (copy->client_auth, ==, account->client_auth);
  g_assert_cmpint (copy->signin_timeout, ==, account->signin_timeout);
  g_assert_true (copy->values != account->values && copy->lines != account->lines);
  g_assert_cmpuint (g_hash_table_size (copy->values), ==, g_hash_table_size (account->values));
  g_assert_cmpuint (g_hash_table_size (copy->lines), ==, g_hash_table_size (account->lines));
  g_hash_table_iter_init (&iter, account->values);
  while (g_hash_table_iter_next (&iter, &key, &value))
    assert_same_string (g_hash_table_lookup (copy->values, key), value);
  g_hash_table_iter_init (&iter, account->lines);
  while (g_hash_table_iter_next (&iter, &key, &value))
    g_assert_true (g_hash_table_lookup (copy->lines, key) == value);

  g_clear_pointer (&account, cr_account_free);
  g_assert_cmpstr (copy->name, ==, "ants-prod");
  g_assert_cmpstr (g_hash_table_lookup (copy->values, "scope"), ==, "item,event");
}

/* A reference keeps the provider loaded after its first holder let go. */
static void
test_provider_ref (void)
{
  CrProvider *provider = cr_test_load_provider ("ants");

  g_assert_true (cr_provider_ref (provider) == provider);
  cr_provider_free (provider);
  g_assert_cmpstr (cr_provider_get_descriptor (provider)->name, ==, "ants");
  g_assert_nonnull (cr_provider_get_descriptor (provider)->token_url);
  cr_provider_free (provider);
}

int
main (int argc, char **argv)
{
  int status;

  tmp_dir = cr_test_init (&argc, &argv, "config");

  g_test_add_func ("/config/load/several", test_load_several);
  g_test_add_func ("/config/load/account-only", test_load_account_only);
  g_test_add_func ("/config/load/missing-file", test_missing_file);
  g_test_add_func ("/config/load/named-file", test_named_file);
  g_test_add_func ("/config/load/default-path", test_default_path);
  g_test_add_func ("/config/load/syntax-error", test_syntax_error);
  g_test_add_func ("/config/account/unknown", test_unknown_account);
  g_test_add_func ("/config/account/unknown-escaped", test_unknown_account_escaped);
  g_test_add_func ("/config/account/missing-common-keys", test_missing_common_keys);
  g_test_add_func ("/config/account/names", test_account_names);
  g_test_add_func ("/config/account/timeout-min-valid", test_timeout_min_valid);
  g_test_add_func ("/config/account/url-list", test_url_list);
  g_test_add_func ("/config/account/undecodable-value", test_undecodable_value);
  g_test_add_func ("/config/check/required", test_check_required);
  g_test_add_func ("/config/check/typo", test_check_typo);
  g_test_add_func ("/config/check/trailing-comment", test_check_trailing_comment);
  g_test_add_func ("/config/check/warnings", test_check_warnings);
  g_test_add_func ("/config/check/warning-line-crlf", test_warning_line_crlf);

  g_test_add_func ("/config/account/copy", test_account_copy);
  g_test_add_func ("/config/provider/ref", test_provider_ref);
  g_test_add_func ("/config/load/messages-printable", test_messages_printable);
  g_test_add_func ("/config/load/header-continuation-bytes", test_header_continuation_bytes);
  status = g_test_run ();
  cr_test_remove_tree (tmp_dir);
  g_free (tmp_dir);
  return status;
}
