/* Unit tests for provider files (core/provider/provider-file.c) and how the loader
 * finds them (core/provider/loader.c).
 *
 * The seed providers exist twice, as compiled plugins ($CREDRING_PLUGIN_DIR,
 * set by `make check`) and as provider files (examples/providers/): both
 * must send byte-identical requests.  Every other file is written into a
 * throwaway directory with safe modes, since the loader checks them.
 *
 * The tests share one process: those that change $CREDRING_PLUGIN_DIR or
 * $CREDRING_PROVIDER_DIR, or put files into the user's provider directory
 * ($XDG_CONFIG_HOME/credring/providers, which GLib reads once), run in a
 * fixture that restores the variables and empties that directory. */

#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>

#include <credring/credring.h>

#include "provider/provider-file.h"

#include "testutil.h"
#include "provider/descriptor.h"

static char *tmp_root;
static char *real_plugin_dir;   /* the build tree's compiled plugins */
static char *examples_dir;      /* examples/providers in the source tree */
static char *user_provider_dir; /* $XDG_CONFIG_HOME/credring/providers */
static guint dir_counter;

/* Secrets, an id and values with what the encodings must escape: ':' '/'
 * '+' ' ' '%' and non-ASCII UTF-8 (ä, €, 🔑, ñ, ✓, ü, é). */
#define SECRET "S3:cr/et+ wi%th sp\xc3\xa4" "ce \xe2\x82\xac\xf0\x9f\x94\x91"
#define PASSWORD "pa:ss/wo+rd %41 \xc3\xb1" "o\xe2\x9c\x93"
#define CLIENT_ID "cli:ent/id+ %7E \xc3\xbc"
/* basic-raw cannot carry a ':' in the id. */
#define RAW_CLIENT_ID "cli-ent/id+ %7E \xc3\xbc"

/* ---- helpers ----------------------------------------------------------- */

/* A new, empty directory (mode 0755) under the throwaway root. */
static char *
new_dir (const char *label)
{
  g_autofree char *base = g_strdup_printf ("%s-%u", label, ++dir_counter);
  char *dir = g_build_filename (tmp_root, base, NULL);

  g_assert_cmpint (g_mkdir (dir, 0755), ==, 0);
  g_assert_cmpint (g_chmod (dir, 0755), ==, 0);
  return dir;
}

/* Writes @len bytes of @data (-1: a string) to @dir/@name, mode 0644. */
static char *
write_data (const char *dir, const char *name, const char *data, gssize len)
{
  g_autoptr (GError) error = NULL;
  char *path = g_build_filename (dir, name, NULL);

  /* CONSISTENT: a new file renamed into place (GLib 2.74 writes an
   * existing file in place without truncating it otherwise). */
  g_file_set_contents_full (path, data, len, G_FILE_SET_CONTENTS_CONSISTENT, 0644, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_chmod (path, 0644), ==, 0);
  return path;
}

static char *
write_conf (const char *dir, const char *name, const char *text)
{
  return write_data (dir, name, text, -1);
}

/* Copies examples/providers/@name.conf to @dir (or @as), mode 0644. */
static char *
copy_example (const char *name, const char *dir, const char *as)
{
  g_autofree char *file = g_strconcat (name, ".conf", NULL);
  g_autofree char *from = g_build_filename (examples_dir, file, NULL);

  return cr_test_copy_file (from, dir, as, 0644);
}

/* Fails unless @message is one line of printable UTF-8. */
static void
assert_one_line (const char *message)
{
  g_assert_true (g_utf8_validate (message, -1, NULL));
  for (const char *p = message; *p != '\0'; p = g_utf8_next_char (p))
    if (g_unichar_iscntrl (g_utf8_get_char (p)))
      {
        g_autofree char *shown = cr_escape_for_message (message, -1, 400);

        g_error ("message holds a control character: %s", shown);
      }
}

static void
assert_prefix (const char *message, const char *prefix)
{
  if (!g_str_has_prefix (message, prefix))
    g_error ("'%s' does not start with '%s'", message, prefix);
}

static CrProviderFile *
load_ok (const char *path, const char *name)
{
  g_autoptr (GError) error = NULL;
  CrProviderFile *file = cr_provider_file_load (path, name, &error);

  g_assert_no_error (error);
  g_assert_nonnull (file);
  return file;
}

/* cr_provider_file_load() must fail with CR_ERROR_CONFIG; returns the
 * error (the caller checks its message). */
static GError *
load_error (const char *path, const char *name)
{
  GError *error = NULL;
  g_autoptr (CrProviderFile) file = cr_provider_file_load (path, name, &error);
  g_autofree char *shown = NULL;

  g_assert_null (file);
  g_assert_error (error, CR_ERROR, CR_ERROR_CONFIG);
  shown = cr_escape_for_message (error->message, -1, 400);
  g_test_message ("%s", shown);
  return error;
}

/* The same, also requiring one printable line starting with "@path:";
 * returns the message. */
static char *
load_fail (const char *path, const char *name)
{
  g_autoptr (GError) error = load_error (path, name);
  g_autofree char *prefix = g_strconcat (path, ":", NULL);

  assert_one_line (error->message);
  assert_prefix (error->message, prefix);
  return g_strdup (error->message);
}

/* Writes @text as p.conf in a new directory and loads it, which must fail;
 * returns the message and, in @path_out, the path. */
static char *
text_fail (const char *text, char **path_out)
{
  g_autofree char *dir = new_dir ("invalid");
  g_autofree char *path = write_conf (dir, "p.conf", text);
  char *message = load_fail (path, "p");

  if (path_out != NULL)
    *path_out = g_steal_pointer (&path);
  return message;
}

static CrProviderFile *
text_ok (const char *text)
{
  g_autofree char *dir = new_dir ("valid");
  g_autofree char *path = write_conf (dir, "p.conf", text);

  return load_ok (path, "p");
}

/* @text must fail with "PATH:LINE: key 'KEY'" (and @needle, nullable). */
static void
assert_key_error (const char *text, const char *key, guint line, const char *needle)
{
  g_autofree char *path = NULL;
  g_autofree char *message = text_fail (text, &path);
  g_autofree char *prefix = g_strdup_printf ("%s:%u: key '%s'", path, line, key);

  assert_prefix (message, prefix);
  if (needle != NULL)
    cr_test_assert_contains (message, needle);
}

/* A valid provider file, one key a line. */
#define L1 "[provider]\n"
#define L2 "description = Example API\n"
#define L3 "token_url = https://auth.example.com/oauth/token\n"
#define L4 "grant = client_credentials\n"
#define L5 "client_auth = body\n"
#define L6 "body = form\n"
#define L7 "params = audience!;scope\n"
#define BASE L1 L2 L3 L4 L5 L6 L7
#define BASE_LINES 7

/* BASE with line @line (1-based) replaced by @replacement (no newline;
 * NULL: the line removed). */
static char *
base_with (guint line, const char *replacement)
{
  g_auto (GStrv) rows = g_strsplit (BASE, "\n", -1);
  GString *out = g_string_new (NULL);

  g_assert_cmpuint (line, >=, 1);
  g_assert_cmpuint (line, <=, BASE_LINES);
  for (guint i = 0; i < BASE_LINES; i++)
    {
      if (i + 1 != line)
        g_string_append_printf (out, "%s\n", rows[i]);
      else if (replacement != NULL)
        g_string_append_printf (out, "%s\n", replacement);
    }
  return g_string_free (out, FALSE);
}

/* ---- the environment fixture ------------------------------------------- */

typedef struct {
  char *plugin_dir;
  char *provider_dir;
} Env;

static void
env_setup (Env *env, gconstpointer data)
{
  env->plugin_dir = g_strdup (g_getenv ("CREDRING_PLUGIN_DIR"));
  env->provider_dir = g_strdup (g_getenv ("CREDRING_PROVIDER_DIR"));
  g_assert_cmpint (g_mkdir_with_parents (user_provider_dir, 0755), ==, 0);
  g_assert_cmpint (g_chmod (user_provider_dir, 0755), ==, 0);
}

static void
restore_var (const char *name, const char *value)
{
  if (value != NULL)
    g_setenv (name, value, TRUE);
  else
    g_unsetenv (name);
}

static void
env_teardown (Env *env, gconstpointer data)
{
  restore_var ("CREDRING_PLUGIN_DIR", env->plugin_dir);
  restore_var ("CREDRING_PROVIDER_DIR", env->provider_dir);
  g_free (env->plugin_dir);
  g_free (env->provider_dir);
  cr_test_remove_tree (user_provider_dir);
}

#define ADD_ENV_TEST(path, func) g_test_add (path, Env, NULL, env_setup, func, env_teardown)

/* ---- 1. the examples equal the compiled plugins ------------------------ */

typedef struct {
  const char *name;
  /* accounts.conf: [acct] has everything (with values to escape), [bare]
   * and [min] less; each builds identically, or fails identically, with
   * both descriptors. */
  const char *accounts;
} Seed;

static const Seed seeds[] = {
  { "acaengine",
    "[acct]\n"
    "provider = acaengine\n"
    "client_id = " CLIENT_ID "\n"
    "host = placeos.example.com\n"
    "username = us er:\xc3\xbc/+%\n"
    "authority = sgrp-1:/+ %\xc3\xa9\n"
    "scope = public admin+x/\xc3\xbc\n"
    "[bare]\n" /* no authority: refused */
    "provider = acaengine\n"
    "client_id = c\n"
    "host = placeos.example.com\n"
    "username = u\n"
    "[min]\n" /* no scope, which is optional */
    "provider = acaengine\n"
    "client_id = c\n"
    "host = h.example.com\n"
    "username = u\n"
    "authority = a\n" },
  { "ants",
    "[acct]\n"
    "provider = ants\n"
    "client_id = " CLIENT_ID "\n"
    "scope = item,event profile:/+%\xc3\xbc\n"
    "[bare]\n" /* no scope: refused */
    "provider = ants\n"
    "client_id = c\n"
    "[min]\n" /* an unknown key: a warning */
    "provider = ants\n"
    "client_id = c\n"
    "scope = item\n"
    "colour = blue\n" },
  { "autograb",
    "[acct]\n"
    "provider = autograb\n"
    "client_id = " CLIENT_ID "\n"
    "[bare]\n" /* the account's own token URL */
    "provider = autograb\n"
    "client_id = c\n"
    "token_url = https://other.example/token\n"
    "[min]\n"
    "provider = autograb\n"
    "client_id = c\n"
    "scope = x\n" },
  { "dataloy",
    "[acct]\n"
    "provider = dataloy\n"
    "client_id = " CLIENT_ID "\n"
    "token_url = https://customer.dataloy.example/oauth/token\n"
    "audience = https://dataloy.dev/\xc3\xa4 b+c%:\xe2\x82\xac\n"
    "[bare]\n" /* no audience: refused */
    "provider = dataloy\n"
    "client_id = c\n"
    "token_url = https://customer.dataloy.example/oauth/token\n"
    "[min]\n" /* no token_url: refused */
    "provider = dataloy\n"
    "client_id = c\n"
    "audience = x\n" },
};

static void
assert_params_equal (const CrPluginDescriptor *file, const CrPluginDescriptor *compiled)
{
  g_assert_cmpuint (cr_test_count_params (file), ==, cr_test_count_params (compiled));
  for (guint i = 0; i < cr_test_count_params (compiled); i++)
    {
      /* In order: the body lists them so. */
      g_assert_cmpstr (file->params[i].name, ==, compiled->params[i].name);
      g_assert_cmpint (file->params[i].presence, ==, compiled->params[i].presence);
      g_assert_cmpstr (file->params[i].default_value, ==, compiled->params[i].default_value);
    }
}

static void
assert_descriptors_equal (const CrPluginDescriptor *file, const CrPluginDescriptor *compiled)
{
  g_assert_cmpuint (file->abi_major, ==, CR_PLUGIN_ABI_MAJOR);
  g_assert_cmpuint (file->abi_minor, ==, CR_PLUGIN_ABI_MINOR);
  g_assert_cmpuint (file->struct_size, ==, sizeof (CrPluginDescriptor));
  g_assert_cmpstr (file->name, ==, compiled->name);
  g_assert_cmpstr (file->description, ==, compiled->description);
  g_assert_cmpstr (file->token_url, ==, compiled->token_url);
  g_assert_cmpint (file->grant, ==, compiled->grant);
  g_assert_cmpint (file->client_auth, ==, compiled->client_auth);
  g_assert_cmpint (file->body_format, ==, compiled->body_format);
  assert_params_equal (file, compiled);
  g_assert_cmpstr (file->token_field, ==, compiled->token_field);
  g_assert_cmpstr (file->expiry_field, ==, compiled->expiry_field);
  g_assert_cmpint (file->expiry_form, ==, compiled->expiry_form);
  /* A provider file cannot say "no token type" (ants.c does): the default
   * member is read when present, which changes no request. */
  if (compiled->token_type_field != NULL)
    g_assert_cmpstr (file->token_type_field, ==, compiled->token_type_field);
  else
    g_test_message ("%s: token_type_field is NULL compiled, '%s' as a file", compiled->name,
                    file->token_type_field);
  g_assert_null (file->add_headers);
  g_assert_null (file->parse_response);
  /* ABI 1.2: the sign-in's grants and endpoints. */
  g_assert_cmpuint (file->grants, ==, compiled->grants);
  g_assert_cmpstr (file->authorization_url, ==, compiled->authorization_url);
  g_assert_cmpstr (file->device_authorization_url, ==, compiled->device_authorization_url);
  g_assert_cmpstr (file->revocation_url, ==, compiled->revocation_url);
  g_assert_cmpstr (file->default_scope, ==, compiled->default_scope);
  g_assert_cmpstr (file->issuer, ==, compiled->issuer);
}

static void
assert_requests_equal (const CrRequest *a, const CrRequest *b)
{
  g_assert_nonnull (a);
  g_assert_nonnull (b);
  g_assert_cmpstr (a->url, ==, b->url);
  g_assert_cmpstr (a->content_type, ==, b->content_type);
  g_assert_true (g_strv_equal ((const char *const *) a->headers,
                               (const char *const *) b->headers));
  g_assert_cmpstr (a->authorization, ==, b->authorization);
  g_assert_cmpuint (a->body_len, ==, b->body_len);
  g_assert_true (memcmp (a->body, b->body, a->body_len) == 0);
  g_assert_cmpint (a->masked, ==, b->masked);
}

/* cr_account_resolve() with warnings: the same verdict and lines for both. */
static void
assert_checks_equal (CrAccount *account, const CrPluginDescriptor *file,
                     const CrPluginDescriptor *compiled)
{
  g_autoptr (GPtrArray) file_warnings = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) compiled_warnings = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GError) file_error = NULL;
  g_autoptr (GError) compiled_error = NULL;
  gboolean file_ok = cr_account_resolve (account, file, file_warnings, &file_error);
  gboolean compiled_ok = cr_account_resolve (account, compiled, compiled_warnings, &compiled_error);

  g_assert_cmpint (file_ok, ==, compiled_ok);
  if (!file_ok)
    g_assert_cmpstr (file_error->message, ==, compiled_error->message);
  g_ptr_array_add (file_warnings, NULL);
  g_ptr_array_add (compiled_warnings, NULL);
  g_assert_true (g_strv_equal ((const char *const *) file_warnings->pdata,
                               (const char *const *) compiled_warnings->pdata));
}

/* What the encodings must have done with the secrets, so that the
 * comparison compares escaped bytes. */
static void
assert_really_escaped (const CrPluginDescriptor *d, const CrRequest *request)
{
  if (d->client_auth == CR_CLIENT_AUTH_BODY && d->body_format == CR_BODY_FORM)
    {
      g_autofree char *escaped = g_uri_escape_string (SECRET, NULL, FALSE);
      g_autofree char *pair = g_strconcat ("client_secret=", escaped, NULL);

      cr_test_assert_contains (request->body, pair);
      cr_test_assert_contains (escaped, "%3A");
      cr_test_assert_contains (escaped, "%2F");
      cr_test_assert_contains (escaped, "%2B");
      cr_test_assert_contains (escaped, "%20");
      cr_test_assert_contains (escaped, "%25");
      cr_test_assert_contains (escaped, "%C3%A4");
      g_assert_null (request->authorization);
    }
  else if (d->client_auth == CR_CLIENT_AUTH_BODY)
    {
      /* JSON: the UTF-8 as it is (or \u escapes), and "client_secret". */
      cr_test_assert_contains (request->body, "\"client_secret\"");
      g_assert_null (request->authorization);
    }
  else
    {
      g_autofree char *id = g_uri_escape_string (CLIENT_ID, NULL, FALSE);
      g_autofree char *secret = g_uri_escape_string (SECRET, NULL, FALSE);
      g_autofree char *pair = g_strconcat (id, ":", secret, NULL);
      g_autofree char *expected = g_base64_encode ((const guchar *) pair, strlen (pair));
      g_autofree char *header = g_strconcat ("Basic ", expected, NULL);

      g_assert_cmpint (d->client_auth, ==, CR_CLIENT_AUTH_BASIC);
      g_assert_cmpstr (request->authorization, ==, header);
      g_assert_null (strstr (request->body, "client_secret"));
    }
  if (d->grant == CR_GRANT_PASSWORD)
    {
      g_autofree char *escaped = g_uri_escape_string (PASSWORD, NULL, FALSE);
      g_autofree char *pair = g_strconcat ("password=", escaped, NULL);

      cr_test_assert_contains (request->body, pair);
    }
}

static void
compare_builds (const CrPluginDescriptor *file, const CrPluginDescriptor *compiled,
                CrAccount *account, gboolean must_succeed)
{
  CrClientSecrets credentials = { SECRET, PASSWORD };
  g_autoptr (GError) file_error = NULL;
  g_autoptr (GError) compiled_error = NULL;
  g_autoptr (CrRequest) from_file = cr_test_build_request (file, account, &credentials, &file_error);
  g_autoptr (CrRequest) from_compiled =
    cr_test_build_request (compiled, account, &credentials, &compiled_error);
  g_autoptr (GError) masked_file_error = NULL;
  g_autoptr (GError) masked_compiled_error = NULL;
  g_autoptr (CrRequest) masked_file = cr_test_build_request (file, account, NULL, &masked_file_error);
  g_autoptr (CrRequest) masked_compiled =
    cr_test_build_request (compiled, account, NULL, &masked_compiled_error);

  assert_checks_equal (account, file, compiled);
  if (must_succeed)
    {
      g_assert_no_error (file_error);
      g_assert_no_error (compiled_error);
      g_assert_no_error (masked_file_error);
      g_assert_no_error (masked_compiled_error);
    }

  if (from_compiled == NULL)
    {
      g_assert_null (from_file);
      g_assert_error (file_error, CR_ERROR, compiled_error->code);
      g_assert_cmpstr (file_error->message, ==, compiled_error->message);
      g_test_message ("[%s] refused by both: %s", account->name, compiled_error->message);
    }
  else
    {
      g_assert_no_error (file_error);
      assert_requests_equal (from_file, from_compiled);
      g_assert_false (from_file->masked);
      if (must_succeed)
        assert_really_escaped (compiled, from_compiled);
    }

  if (masked_compiled == NULL)
    {
      g_assert_null (masked_file);
      g_assert_cmpstr (masked_file_error->message, ==, masked_compiled_error->message);
    }
  else
    {
      g_autofree char *text_file = NULL;
      g_autofree char *text_compiled = NULL;

      g_assert_no_error (masked_file_error);
      assert_requests_equal (masked_file, masked_compiled);
      g_assert_true (masked_file->masked);
      g_assert_null (strstr (masked_file->body, "S3"));
      text_file = cr_request_format (masked_file);
      text_compiled = cr_request_format (masked_compiled);
      g_assert_nonnull (text_file);
      g_assert_cmpstr (text_file, ==, text_compiled);
    }
}

static void
test_seed (Env *env, gconstpointer data)
{
  const Seed *seed = data;
  g_autofree char *dir = new_dir (seed->name);
  g_autofree char *path = copy_example (seed->name, dir, NULL);
  g_autoptr (CrProviderFile) file = load_ok (path, seed->name);
  g_autoptr (CrProvider) provider = NULL;
  g_autofree char *so_file = g_strconcat (seed->name, ".so", NULL);
  g_autofree char *so_path = g_build_filename (real_plugin_dir, so_file, NULL);
  g_autofree char *accounts_path = write_conf (dir, "accounts.conf", seed->accounts);
  g_autoptr (GError) error = NULL;
  g_autoptr (CrConfig) config = NULL;
  const CrPluginDescriptor *from_file = cr_provider_file_get_descriptor (file);
  const CrPluginDescriptor *compiled;
  static const char *const groups[] = { "acct", "bare", "min" };

  g_setenv ("CREDRING_PLUGIN_DIR", real_plugin_dir, TRUE);
  provider = cr_test_load_provider (seed->name);
  g_assert_cmpint (cr_provider_get_kind (provider), ==, CR_PROVIDER_KIND_PLUGIN);
  g_assert_cmpstr (cr_provider_get_path (provider), ==, so_path);
  compiled = cr_provider_get_descriptor (provider);

  assert_descriptors_equal (from_file, compiled);

  config = cr_config_load (accounts_path, &error);
  g_assert_no_error (error);
  for (gsize i = 0; i < G_N_ELEMENTS (groups); i++)
    {
      g_autoptr (CrAccount) account = cr_config_get_account (config, groups[i], &error);

      g_assert_no_error (error);
      compare_builds (from_file, compiled, account, i == 0);
    }
}

/* Every example loads; the four seeds are among them. */
static void
test_examples_all_load (void)
{
  g_autoptr (GDir) dir = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *copies = new_dir ("examples");
  const char *entry;
  guint seeds_found = 0;

  dir = g_dir_open (examples_dir, 0, &error);
  g_assert_no_error (error);
  while ((entry = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *name = NULL;
      g_autoptr (CrProviderFile) file = NULL;

      if (!g_str_has_suffix (entry, ".conf"))
        continue;
      name = g_strndup (entry, strlen (entry) - strlen (".conf"));
      g_free (copy_example (name, copies, NULL));
      {
        g_autofree char *path = g_build_filename (copies, entry, NULL);

        file = load_ok (path, name);
      }
      g_assert_cmpstr (cr_provider_file_get_descriptor (file)->name, ==, name);
      for (gsize i = 0; i < G_N_ELEMENTS (seeds); i++)
        if (g_str_equal (seeds[i].name, name))
          seeds_found++;
    }
  g_assert_cmpuint (seeds_found, ==, G_N_ELEMENTS (seeds));
}

/* ---- 2. invalid files -------------------------------------------------- */

typedef struct {
  guint line;              /* the BASE line replaced (0: appended) */
  const char *text;        /* the replacement, or the lines appended */
  const char *key;         /* the key the message names */
  guint error_line;        /* and its line */
  const char *needle;      /* nullable */
} KeyCase;

static void
run_key_cases (const KeyCase *cases, gsize n)
{
  for (gsize i = 0; i < n; i++)
    {
      g_autofree char *text = cases[i].line > 0 ? base_with (cases[i].line, cases[i].text)
                                                : g_strconcat (BASE, cases[i].text, NULL);

      assert_key_error (text, cases[i].key, cases[i].error_line, cases[i].needle);
    }
}

static void
test_invalid_unknown_key (void)
{
  static const KeyCase cases[] = {
    { 0, "scopes = a\n", "scopes", 8, "unknown key" },
    { 0, "client-auth = body\n", "client-auth", 8, "unknown key" },
    { 0, "Description = x\n", "Description", 8, "unknown key" },
    { 0, "\n# a comment\n\nexpiry_field = expires\n", "expiry_field", 11, "unknown key" },
    /* Before the known ones. */
    { 2, "hooks = yes", "hooks", 2, "unknown key" },
  };

  run_key_cases (cases, G_N_ELEMENTS (cases));
}

/* A key name comes from the file like a value: it may hold control
 * characters (GKeyFile allows them), which the message must show escaped. */
static void
test_invalid_unknown_key_escaped (void)
{
  g_autofree char *text = g_strconcat (BASE, "bad\x1bkey\x07x\rforged = x\n", NULL);
  g_autofree char *dir = new_dir ("key-escaped");
  g_autofree char *path = write_conf (dir, "p.conf", text);
  g_autoptr (GError) error = load_error (path, "p");
  g_autofree char *prefix = g_strconcat (path, ":8: key '", NULL);

  assert_prefix (error->message, prefix);
  cr_test_assert_contains (error->message, "unknown key");
  assert_one_line (error->message);
}

/* GKeyFile reads "key[locale]" as a translation of key, which
 * g_key_file_get_keys() does not list: it must not slip past the
 * unknown-key check (provider files have no translations). */
static void
test_invalid_localized_key (void)
{
  assert_key_error (BASE "description[de] = Beispiel\n", "description[de]", 8, "unknown key");
  assert_key_error (BASE "token_url[en_GB] = https://elsewhere.example/token\n",
                    "token_url[en_GB]", 8, "unknown key");
}

static void
test_invalid_enums (void)
{
  static const KeyCase cases[] = {
    { 4, "grant = implicit", "grant", 4,
      "'implicit' is not one of client_credentials, password, authorization_code, device_code" },
    /* The core's own, never a provider's choice. */
    { 4, "grant = refresh_token", "grant", 4, "'refresh_token' is not one of" },
    { 4, "grant = Password", "grant", 4, "'Password' is not one of" },
    { 4, "grant = client_credentials;password", "grant", 4, "not one of" },
    { 5, "client_auth = header", "client_auth", 5,
      "'header' is not one of basic, basic-raw, body, none" },
    { 5, "client_auth = basic_raw", "client_auth", 5, "not one of" },
    { 5, "client_auth = Basic", "client_auth", 5, "not one of" },
    { 6, "body = xml", "body", 6, "'xml' is not one of form, json" },
    { 6, "body = JSON", "body", 6, "not one of" },
    { 6, "body = form-urlencoded", "body", 6, "not one of" },
  };

  run_key_cases (cases, G_N_ELEMENTS (cases));
}

static void
test_invalid_missing_required (void)
{
  static const struct {
    guint line;
    const char *key;
  } required[] = {
    { 2, "description" }, { 4, "grant" }, { 5, "client_auth" }, { 6, "body" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (required); i++)
    {
      g_autofree char *text = base_with (required[i].line, NULL);
      g_autofree char *path = NULL;
      g_autofree char *message = text_fail (text, &path);
      g_autofree char *expected =
        g_strdup_printf ("%s: [provider] has no '%s' key", path, required[i].key);

      g_assert_cmpstr (message, ==, expected);
    }

  /* token_url and params are optional. */
  {
    g_autofree char *text = base_with (3, NULL);
    g_autoptr (CrProviderFile) file = text_ok (text);

    g_assert_null (cr_provider_file_get_descriptor (file)->token_url);
  }
  {
    g_autofree char *text = base_with (7, NULL);
    g_autoptr (CrProviderFile) file = text_ok (text);

    g_assert_null (cr_provider_file_get_descriptor (file)->params);
  }
}

static void
test_invalid_empty_value (void)
{
  static const KeyCase cases[] = {
    { 2, "description =", "description", 2, "empty value" },
    { 2, "description =    ", "description", 2, "empty value" },
    { 2, "description = \\s\\t", "description", 2, NULL },
    { 3, "token_url =", "token_url", 3, "empty value" },
    { 4, "grant =", "grant", 4, "empty value" },
    { 5, "client_auth=", "client_auth", 5, "empty value" },
    { 6, "body = ", "body", 6, "empty value" },
    { 0, "token_field =\n", "token_field", 8, "empty value" },
    { 0, "token_type_field =\n", "token_type_field", 8, "empty value" },
    { 0, "expires_in_field =\n", "expires_in_field", 8, "empty value" },
    { 0, "expires_at_field =\n", "expires_at_field", 8, "empty value" },
  };

  run_key_cases (cases, G_N_ELEMENTS (cases));
}

/* "params =" is an empty value like any other (the file's header comment:
 * "an empty value is an error"), not "no parameters". */
static void
test_invalid_empty_params (void)
{
  static const char *const empty[] = { "params =", "params =   " };

  for (gsize i = 0; i < G_N_ELEMENTS (empty); i++)
    {
      g_autofree char *text = base_with (7, empty[i]);

      assert_key_error (text, "params", 7, "empty value");
    }
}

static void
test_invalid_token_url (void)
{
  static const KeyCase cases[] = {
    { 3, "token_url = http://auth.example.com/oauth/token", "token_url", 3,
      "is not an https URL" },
    { 3, "token_url = HTTPS://auth.example.com/oauth/token", "token_url", 3,
      "is not an https URL" },
    { 3, "token_url = /oauth/token", "token_url", 3, "is not an https URL" },
    { 3, "token_url = auth.example.com/oauth/token", "token_url", 3, "is not an https URL" },
    { 3, "token_url = https://", "token_url", 3, "is not an https URL" },
    { 3, "token_url = https:///oauth/token", "token_url", 3, "is not an https URL" },
    { 3, "token_url = ftp://auth.example.com/token", "token_url", 3, "is not an https URL" },
    { 3, "token_url = https://auth.example.com/\\ttoken", "token_url", 3,
      "is not an https URL" },
    { 3, "token_url = https://{hostname}/token", "token_url", 3, "only {host}" },
    { 3, "token_url = https://{HOST}/token", "token_url", 3, "only {host}" },
    { 3, "token_url = https://{host}.{region}.example.com/token", "token_url", 3,
      "only {host}" },
    { 3, "token_url = https://auth.example.com/{tenant}/token", "token_url", 3,
      "only {host}" },
    { 3, "token_url = https://{host}}/token", "token_url", 3, "only {host}" },
    /* {host} stands in the host, once; and no user:password@ at all. */
    { 3, "token_url = https://auth.example.com/{host}/token", "token_url", 3, "in the host" },
    /* ... even when the host holds the name {host} is tried with (a fuzz finding) */
    { 3, "token_url = https://" CR_DESCRIPTOR_EXAMPLE_HOST ".x/{host}/token", "token_url", 3,
      "in the host" },
    { 3, "token_url = https://login." CR_DESCRIPTOR_EXAMPLE_HOST "/{host}", "token_url", 3,
      "in the host" },
    /* ... and where GLib would spell the host another way (non-ASCII after it) */
    { 3, "token_url = https://{host}\xd1\xa3uth/oauth/token", "token_url", 3, "in the host" },
    { 3, "token_url = https://{host}{host}/token", "token_url", 3, "once" },
    { 3, "token_url = https://{host}@evil.example/token", "token_url", 3, "is not an https URL" },
    { 3, "token_url = https://alice:pw@auth.example.com/token", "token_url", 3,
      "is not an https URL" },
    { 3, "token_url = https://auth.example.com/token{", "token_url", 3, "only {host}" },
    { 3, "token_url = https://auth.example.com:99999/token", "token_url", 3, "not a URL" },
  };
  g_autoptr (GString) long_url = g_string_new ("token_url = https://auth.example.com/");

  run_key_cases (cases, G_N_ELEMENTS (cases));

  while (long_url->len < 2100)
    g_string_append (long_url, "aaaaaaaaaa");
  {
    g_autofree char *text = base_with (3, long_url->str);

    assert_key_error (text, "token_url", 3, NULL);
  }
}

static void
test_invalid_params (void)
{
  static const KeyCase cases[] = {
    { 7, "params = audience!;sc ope", "params", 7, "'sc ope' is not a parameter name" },
    { 7, "params = a=b", "params", 7, "not a parameter name" },
    { 7, "params = a&b", "params", 7, "not a parameter name" },
    { 7, "params = caf\xc3\xa9", "params", 7, "not a parameter name" },
    { 7, "params = a!!", "params", 7, "not a parameter name" },
    { 7, "params = !", "params", 7, "not a parameter name" },
    { 7, "params = !a", "params", 7, "not a parameter name" },
    /* Empty entries. */
    { 7, "params = a;;b", "params", 7, "not a parameter name" },
    { 7, "params = ;a", "params", 7, "not a parameter name" },
    { 7, "params = a; ;b", "params", 7, "not a parameter name" },
    { 7, "params = a;;", "params", 7, "not a parameter name" },
    /* Reserved. */
    { 7, "params = client_secret", "params", 7, "'client_secret' is a key credring sends or reads itself" },
    { 7, "params = scope;grant_type!", "params", 7, "'grant_type' is a key credring sends or reads itself" },
    { 7, "params = host!", "params", 7, "'host' is a key credring sends or reads itself" },
    { 7, "params = token_url;provider", "params", 7, "'token_url' is a key credring" },
    { 7, "params = scope!!", "params", 7, "'scope!!' is not a parameter name" },
    { 7, "params = client_id", "params", 7, "is a key credring sends or reads itself" },
    { 7, "params = username", "params", 7, "is a key credring sends or reads itself" },
    { 7, "params = password!", "params", 7, "is a key credring sends or reads itself" },
    /* Twice. */
    { 7, "params = scope;scope!", "params", 7, "'scope' is listed twice" },
    { 7, "params = a; audience ;b;audience", "params", 7, "'audience' is listed twice" },
  };

  run_key_cases (cases, G_N_ELEMENTS (cases));

  /* A name of 65 bytes. */
  {
    g_autofree char *name = g_strnfill (65, 'a');
    g_autofree char *line = g_strconcat ("params = ", name, NULL);
    g_autofree char *text = base_with (7, line);

    assert_key_error (text, "params", 7, "not a parameter name");
  }
  /* 33 parameters. */
  {
    g_autoptr (GString) line = g_string_new ("params = ");
    g_autofree char *text = NULL;

    for (guint i = 0; i < CR_PROVIDER_FILE_MAX_PARAMS + 1; i++)
      g_string_append_printf (line, "%sp%u", i > 0 ? ";" : "", i);
    text = base_with (7, line->str);
    assert_key_error (text, "params", 7, "more than 32 parameters");
  }
}

static void
test_invalid_both_expiries (void)
{
  static const KeyCase cases[] = {
    { 0, "expires_in_field = expiresIn\nexpires_at_field = expiresAt\n", "expires_at_field", 9,
      "not both" },
    { 0, "expires_at_field = expiresAt\ntoken_field = t\nexpires_in_field = expires_in\n",
      "expires_at_field", 8, "not both" },
  };

  run_key_cases (cases, G_N_ELEMENTS (cases));
}

static void
test_invalid_description (void)
{
  static const KeyCase cases[] = {
    { 2, "description = Example\\tAPI", "description", 2, "printable" },
    { 2, "description = Example\\nforged: line", "description", 2, "printable" },
    { 2, "description = Example\\rAPI", "description", 2, "printable" },
    { 2, "description = Example \x1b[2J API", "description", 2, "printable" },
    { 2, "description = Example\x7f", "description", 2, "printable" },
    /* Not UTF-8: GLib's own refusal, shown escaped. */
    { 2, "description = Ex\xff\xfe" "ample", "description", 2, NULL },
    /* GLib's refusal of an unknown escape. */
    { 2, "description = Example\\q", "description", 2, NULL },
  };

  run_key_cases (cases, G_N_ELEMENTS (cases));

  /* 201 bytes refused, 200 accepted. */
  {
    g_autofree char *long_text = g_strnfill (201, 'x');
    g_autofree char *line = g_strconcat ("description = ", long_text, NULL);
    g_autofree char *text = base_with (2, line);

    assert_key_error (text, "description", 2, "at most 200");
  }
  {
    g_autofree char *just = g_strnfill (200, 'x');
    g_autofree char *line = g_strconcat ("description = ", just, NULL);
    g_autofree char *text = base_with (2, line);
    g_autoptr (CrProviderFile) file = text_ok (text);

    g_assert_cmpstr (cr_provider_file_get_descriptor (file)->description, ==, just);
  }
}

static void
test_invalid_field_names (void)
{
  static const char *const keys[] = {
    "token_field", "token_type_field", "expires_in_field", "expires_at_field",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (keys); i++)
    {
      g_autofree char *tab = g_strdup_printf ("%s = access\\ttoken\n", keys[i]);
      g_autofree char *long_name = g_strnfill (129, 'f');
      g_autofree char *too_long = g_strdup_printf ("%s = %s\n", keys[i], long_name);
      g_autofree char *just_name = g_strnfill (128, 'f');
      g_autofree char *just = g_strdup_printf ("%s = %s\n", keys[i], just_name);
      g_autofree char *tab_text = g_strconcat (BASE, tab, NULL);
      g_autofree char *long_text = g_strconcat (BASE, too_long, NULL);
      g_autofree char *just_text = g_strconcat (BASE, just, NULL);
      g_autoptr (CrProviderFile) file = NULL;

      assert_key_error (tab_text, keys[i], 8, "printable");
      assert_key_error (long_text, keys[i], 8, "at most 128");
      file = text_ok (just_text);
    }
}

static void
test_invalid_key_twice (void)
{
  static const struct {
    const char *extra;
    const char *key;
    guint line;
  } cases[] = {
    { "description = Other API\n", "description", 8 },
    { "grant = password\n", "grant", 8 },
    { "\n# again\nparams = scope\n", "params", 10 },
    /* The same value twice is still twice. */
    { "body = form\n", "body", 8 },
    /* Spelt differently around the '='. */
    { "client_auth=body\n", "client_auth", 8 },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = g_strconcat (BASE, cases[i].extra, NULL);
      g_autofree char *path = NULL;
      g_autofree char *message = text_fail (text, &path);
      g_autofree char *expected =
        g_strdup_printf ("%s:%u: key '%s' is given twice", path, cases[i].line, cases[i].key);

      g_assert_cmpstr (message, ==, expected);
    }
}

/* GKeyFile merges a group given twice, so a key in both is given twice as
 * surely as within one header. */
static void
test_invalid_key_twice_across_groups (void)
{
  g_autofree char *path = NULL;
  g_autofree char *message =
    text_fail (BASE "[provider]\ntoken_url = https://evil.example/token\n", &path);
  g_autofree char *expected = g_strdup_printf ("%s:9: key 'token_url' is given twice", path);

  g_assert_cmpstr (message, ==, expected);
}

static void
test_invalid_groups (void)
{
  /* An extra group after [provider]. */
  {
    g_autofree char *text = g_strconcat (BASE, "\n[extra]\nfoo = bar\n", NULL);
    g_autofree char *path = NULL;
    g_autofree char *message = text_fail (text, &path);
    g_autofree char *expected =
      g_strdup_printf ("%s:9: unknown group [extra] (only [provider])", path);

    g_assert_cmpstr (message, ==, expected);
  }
  /* Before it, and empty. */
  {
    g_autofree char *text = g_strconcat ("# x\n[defaults]\n", BASE, NULL);
    g_autofree char *path = NULL;
    g_autofree char *message = text_fail (text, &path);
    g_autofree char *prefix = g_strdup_printf ("%s:2: unknown group [defaults]", path);

    assert_prefix (message, prefix);
  }
  /* A differently spelt [provider]: no [provider] at all, and an unknown group. */
  {
    g_autofree char *path = NULL;
    g_autofree char *message =
      text_fail ("[Provider]\ndescription = x\ngrant = password\n", &path);
    g_autofree char *prefix = g_strdup_printf ("%s:1: unknown group [Provider]", path);

    assert_prefix (message, prefix);
  }
  /* A group name with control characters (GKeyFile refuses it): one
   * printable line all the same (load_fail). */
  {
    g_autofree char *text = g_strconcat (BASE, "[ex\x1btra\rx]\n", NULL);
    g_autofree char *message = text_fail (text, NULL);
  }
  /* Non-ASCII is shown as it is. */
  {
    g_autofree char *text = g_strconcat (BASE, "[caf\xc3\xa9]\n", NULL);
    g_autofree char *path = NULL;
    g_autofree char *message = text_fail (text, &path);
    g_autofree char *prefix = g_strdup_printf ("%s:8: unknown group [caf\xc3\xa9]", path);

    assert_prefix (message, prefix);
  }
}

/* GKeyFile reads "[name]" followed by bytes 0x80..0xBF as a header (it
 * steps over UTF-8 continuation bytes unseen); the line index took it for
 * no header, so the unknown group was at line 0, and the keys under such a
 * [provider] went unchecked: unknown, given twice, all accepted
 * (fuzz/corpus/provider/header-continuation-bytes). */
static void
test_invalid_header_continuation_bytes (void)
{
  {
    g_autofree char *path = NULL;
    g_autofree char *message =
      text_fail ("[provide\362]\275\275\275\n"
                 "description =entials\nclient_auth = body\nbody = form\n"
                 "token_url = http://auth.example.com/token\n", &path);
    g_autofree char *prefix = g_strdup_printf ("%s:1: unknown group [provide", path);

    assert_prefix (message, prefix);
  }
  {
    g_autofree char *text = g_strconcat ("[provider]\x9a\xbf\r\n", L2 L3 L4 L5 L6 L7,
                                         "token_url = https://evil.example/token\n", NULL);
    g_autofree char *path = NULL;
    g_autofree char *message = text_fail (text, &path);
    g_autofree char *expected = g_strdup_printf ("%s:8: key 'token_url' is given twice", path);

    g_assert_cmpstr (message, ==, expected);
  }
  assert_key_error ("[provider] \x80\n" L2 L3 L4 L5 L6 L7 "colour = blue\n", "colour", 8,
                    "unknown key");
}

static void
test_invalid_no_group (void)
{
  static const char *const texts[] = {
    "", "\n\n", "# only a comment\n", "# a comment\n\n  # another one\n",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      g_autofree char *path = NULL;
      g_autofree char *message = text_fail (texts[i], &path);
      g_autofree char *expected = g_strdup_printf ("%s: no [provider] group", path);

      g_assert_cmpstr (message, ==, expected);
    }
}

/* A bad escape then a lone backslash: GLib 2.74 warns for it (fatal in a
 * test) besides failing, unless credring refuses it first. */
static void
test_invalid_trailing_escape (void)
{
  assert_key_error (L1 "description = \\x\\\n" L4 L5 L6, "description", 2,
                    "ends in an escape character");
  assert_key_error (L1 L2 L3 L4 L5 L6 "params = a;b\\\n", "params", 7,
                    "ends in an escape character");
}

static void
test_invalid_syntax (void)
{
  static const struct {
    const char *text;
    const char *needle;
    guint line; /* 0: GLib names no line we can */
  } cases[] = {
    { L1 L2 "grant client_credentials\n" L5 L6, "grant client_credentials", 3 },
    { "[provider\n" L2 L4 L5 L6, "[provider", 1 },
    { "description = before any group\n" BASE, NULL, 0 },
    { L1 L2 "= no key\n" L4 L5 L6, NULL, 3 },
    /* GLib refuses these at line 2, though line 3 looks worse. */
    { L1 "[a]b\nfoo\n", "[a]b", 2 },
    { L1 "k[=x\nfoo\n", "Invalid key name", 2 },
    /* CRLF lines, the bad one second (found by fuzz-provider). */
    { "[pro\333vider]\r\ndescription E Example API\r\n", "description E", 2 },
    /* GLib quotes the line: its control characters are shown escaped. */
    { L1 L2 "\x1b[2Jforged\rline\n" L4 L5 L6, "forged", 3 },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = NULL;
      g_autofree char *message = text_fail (cases[i].text, &path);

      if (cases[i].needle != NULL)
        cr_test_assert_contains (message, cases[i].needle);
      if (cases[i].line > 0)
        {
          g_autofree char *prefix = g_strdup_printf ("%s:%u: ", path, cases[i].line);

          assert_prefix (message, prefix);
        }
    }
}

/* The size limit: 64 KiB exactly loads, one byte more does not. */
static void
test_invalid_too_large (void)
{
  g_autoptr (GString) text = g_string_new (BASE);
  g_autofree char *dir = new_dir ("large");
  g_autofree char *path = NULL;
  g_autoptr (CrProviderFile) file = NULL;
  g_autofree char *message = NULL;

  while (text->len + 80 < CR_PROVIDER_FILE_MAX_BYTES)
    g_string_append (text, "# padding padding padding padding padding padding padding padding\n");
  g_string_append (text, "#");
  while (text->len + 1 < CR_PROVIDER_FILE_MAX_BYTES)
    g_string_append_c (text, 'x');
  g_string_append_c (text, '\n');
  g_assert_cmpuint (text->len, ==, CR_PROVIDER_FILE_MAX_BYTES);

  path = write_conf (dir, "p.conf", text->str);
  file = load_ok (path, "p");

  g_string_insert_c (text, text->len - 1, 'x');
  g_assert_cmpuint (text->len, ==, CR_PROVIDER_FILE_MAX_BYTES + 1);
  g_free (path);
  path = write_conf (dir, "p.conf", text->str);
  message = load_fail (path, "p");
  cr_test_assert_contains (message, "too large");

  /* A huge (sparse) file is refused from its size, before it is read. */
  {
    g_autofree char *huge = g_build_filename (dir, "huge.conf", NULL);
    g_autofree char *huge_message = NULL;

    g_free (write_conf (dir, "huge.conf", BASE));
    if (truncate (huge, (off_t) 1 << 40) != 0)
      {
        g_test_message ("no sparse file of 1 TiB here (%s): that part skipped",
                        g_strerror (errno));
        return;
      }
    huge_message = load_fail (huge, "huge");
    cr_test_assert_contains (huge_message, "too large");
    g_unlink (huge);
  }
}

static void
test_invalid_nul_byte (void)
{
  static const char data[] = BASE "# after\0a NUL\n";
  static const char leading[] = "\0" BASE;
  g_autofree char *dir = new_dir ("nul");
  g_autofree char *path = write_data (dir, "p.conf", data, sizeof data - 1);
  g_autofree char *message = load_fail (path, "p");
  g_autofree char *path2 = write_data (dir, "q.conf", leading, sizeof leading - 1);
  g_autofree char *message2 = load_fail (path2, "q");

  cr_test_assert_contains (message, "binary");
  cr_test_assert_contains (message2, "binary");
}

static void
test_invalid_not_regular (void)
{
  g_autofree char *dir = new_dir ("not-regular");
  g_autofree char *subdir = g_build_filename (dir, "x.conf", NULL);
  g_autofree char *fifo = g_build_filename (dir, "f.conf", NULL);
  g_autofree char *missing = g_build_filename (dir, "missing.conf", NULL);

  g_assert_cmpint (g_mkdir (subdir, 0755), ==, 0);
  g_assert_cmpint (g_chmod (subdir, 0755), ==, 0);
  {
    g_autofree char *message = load_fail (subdir, "x");

    cr_test_assert_contains (message, "not a regular file");
  }

  /* Opening a FIFO would block: it must be refused before.  The alarm
   * turns a hang into a failure. */
  g_assert_cmpint (mkfifo (fifo, 0644), ==, 0);
  g_assert_cmpint (g_chmod (fifo, 0644), ==, 0);
  alarm (20);
  {
    g_autofree char *message = load_fail (fifo, "f");

    cr_test_assert_contains (message, "not a regular file");
  }
  alarm (0);

  {
    g_autofree char *message = load_fail (missing, "missing");

    cr_test_assert_contains (message, g_strerror (ENOENT));
  }
}

static void
test_invalid_writable_file (void)
{
  static const mode_t modes[] = { 0666, 0664, 0646, 0622, 0602, 0620 };
  g_autofree char *dir = new_dir ("writable-file");

  for (gsize i = 0; i < G_N_ELEMENTS (modes); i++)
    {
      g_autofree char *name = g_strdup_printf ("m%o", (unsigned) modes[i]);
      g_autofree char *file = g_strconcat (name, ".conf", NULL);
      g_autofree char *path = write_conf (dir, file, BASE);
      g_autofree char *message = NULL;
      g_autofree char *expected = NULL;

      g_assert_cmpint (g_chmod (path, modes[i]), ==, 0);
      message = load_fail (path, name);
      expected = g_strdup_printf ("%s: refused: group- or world-writable", path);
      g_assert_cmpstr (message, ==, expected);

      /* The same file with a safe mode loads: the mode was the reason. */
      g_assert_cmpint (g_chmod (path, 0600), ==, 0);
      cr_provider_file_free (load_ok (path, name));
    }
}

/* The refusal names the directory, and (provider-file.h: "every problem
 * ... naming the file") the file it was about: with several files in the
 * directory, `credring providers` would otherwise print the same line for
 * each. */
static void
test_invalid_writable_dir (void)
{
  static const mode_t modes[] = { 0775, 0777, 01777, 0757 };
  gboolean names_file = TRUE;

  for (gsize i = 0; i < G_N_ELEMENTS (modes); i++)
    {
      g_autofree char *dir = new_dir ("writable-dir");
      g_autofree char *path = write_conf (dir, "p.conf", BASE);
      g_autoptr (GError) error = NULL;
      g_autofree char *prefix = g_strconcat (dir, ":", NULL);

      g_assert_cmpint (g_chmod (dir, modes[i]), ==, 0);
      error = load_error (path, "p");
      assert_one_line (error->message);
      assert_prefix (error->message, prefix);
      cr_test_assert_contains (error->message, "refused: group- or world-writable");
      if (strstr (error->message, path) == NULL)
        names_file = FALSE;

      g_assert_cmpint (g_chmod (dir, 0755), ==, 0);
      cr_provider_file_free (load_ok (path, "p"));
    }
  g_assert_true (names_file);
}

/* A symlink in a safe directory to a file in a writable one: where it
 * leads is checked. */
static void
test_invalid_symlink_into_writable_dir (void)
{
  g_autofree char *trusted = new_dir ("link-trusted");
  g_autofree char *writable = new_dir ("link-writable");
  g_autofree char *target = write_conf (writable, "p.conf", BASE);
  g_autofree char *link = g_build_filename (trusted, "p.conf", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (CrProviderFile) file = NULL;

  g_assert_cmpint (symlink (target, link), ==, 0);
  g_assert_cmpint (g_chmod (writable, 0777), ==, 0);
  file = cr_provider_file_load (link, "p", &error);
  g_assert_null (file);
  g_assert_error (error, CR_ERROR, CR_ERROR_CONFIG);
  cr_test_assert_contains (error->message, writable);
  cr_test_assert_contains (error->message, "writable");

  /* Into a safe directory, it loads. */
  g_assert_cmpint (g_chmod (writable, 0755), ==, 0);
  g_clear_error (&error);
  file = cr_provider_file_load (link, "p", &error);
  g_assert_no_error (error);
  g_assert_nonnull (file);
}

/* Needs root to give a file to another user. */
static void
test_invalid_other_owner (void)
{
  const uid_t nobody = 65534;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autofree char *message = NULL;

  if (getuid () != 0)
    {
      g_test_skip ("needs root to chown a file to another user");
      return;
    }
  dir = new_dir ("owner");
  path = write_conf (dir, "p.conf", BASE);
  g_assert_cmpint (chown (path, nobody, nobody), ==, 0);
  message = load_fail (path, "p");
  cr_test_assert_contains (message, "owned by another user (uid 65534)");

  g_assert_cmpint (chown (path, 0, 0), ==, 0);
  g_assert_cmpint (chown (dir, nobody, nobody), ==, 0);
  {
    /* The message names the directory (see writable-dir). */
    g_autoptr (GError) error = load_error (path, "p");
    g_autofree char *prefix = g_strconcat (dir, ":", NULL);

    assert_one_line (error->message);
    assert_prefix (error->message, prefix);
    cr_test_assert_contains (error->message, "owned by another user (uid 65534)");
  }
  g_assert_cmpint (chown (dir, 0, 0), ==, 0);
  cr_provider_file_free (load_ok (path, "p"));
}

/* The name the loader passes (the file's base name) must be a provider
 * name: "Bad.conf" is not the provider "Bad". */
static void
test_invalid_name (void)
{
  static const struct {
    const char *name;
    const char *file;
  } bad[] = {
    { "Bad", "Bad.conf" }, { "a.b", "a.b.conf" }, { "", ".conf" }, { "a b", "a b.conf" },
    { "../p", "p.conf" },  { "caf\xc3\xa9", "caf\xc3\xa9.conf" }, { "x\ny", "x\ny.conf" },
  };
  g_autofree char *dir = new_dir ("names");

  for (gsize i = 0; i < G_N_ELEMENTS (bad) + 1; i++)
    {
      g_autofree char *long_name = g_strnfill (65, 'a');
      g_autofree char *long_file = g_strconcat (long_name, ".conf", NULL);
      const char *name = i < G_N_ELEMENTS (bad) ? bad[i].name : long_name;
      const char *file = i < G_N_ELEMENTS (bad) ? bad[i].file : long_file;
      g_autofree char *path = write_conf (dir, file, BASE);
      g_autoptr (GError) error = load_error (path, name);
      g_autofree char *shown_path = cr_escape_for_message (path, -1, 400);
      g_autofree char *expected = g_strdup_printf (
        "%s: refused: the file name is not a provider name ([a-z0-9_-]+.conf)", shown_path);

      /* The path shown escaped (a newline in it). */
      assert_one_line (error->message);
      g_assert_cmpstr (error->message, ==, expected);
    }
  /* 64 bytes is a name. */
  {
    g_autofree char *name = g_strnfill (64, 'a');
    g_autofree char *file = g_strconcat (name, ".conf", NULL);
    g_autofree char *path = write_conf (dir, file, BASE);

    cr_provider_file_free (load_ok (path, name));
  }
}

/* ---- 3. valid variants ------------------------------------------------- */

static void
test_valid_defaults (void)
{
  g_autoptr (CrProviderFile) file =
    text_ok ("[provider]\n"
             "description = Minimal\n"
             "grant = client_credentials\n"
             "client_auth = basic\n"
             "body = form\n");
  const CrPluginDescriptor *d = cr_provider_file_get_descriptor (file);
  g_autoptr (GError) error = NULL;

  g_assert_cmpuint (d->abi_major, ==, CR_PLUGIN_ABI_MAJOR);
  g_assert_cmpuint (d->abi_minor, ==, CR_PLUGIN_ABI_MINOR);
  g_assert_cmpuint (d->struct_size, ==, sizeof (CrPluginDescriptor));
  g_assert_cmpstr (d->name, ==, "p");
  g_assert_cmpstr (d->description, ==, "Minimal");
  g_assert_null (d->token_url);
  g_assert_cmpint (d->grant, ==, CR_GRANT_CLIENT_CREDENTIALS);
  g_assert_cmpint (d->client_auth, ==, CR_CLIENT_AUTH_BASIC);
  g_assert_cmpint (d->body_format, ==, CR_BODY_FORM);
  g_assert_null (d->params);
  g_assert_cmpstr (d->token_field, ==, "access_token");
  g_assert_cmpstr (d->token_type_field, ==, "token_type");
  g_assert_cmpstr (d->expiry_field, ==, "expires_in");
  g_assert_cmpint (d->expiry_form, ==, CR_EXPIRY_SECONDS);
  g_assert_null (d->add_headers);
  g_assert_null (d->parse_response);
  g_assert_true (cr_descriptor_validate (d, "p", &error));
  g_assert_no_error (error);
}

static void
test_valid_fields (void)
{
  {
    g_autoptr (CrProviderFile) file =
      text_ok (BASE "token_field = accessToken\n"
               "token_type_field = tokenType\n"
               "expires_in_field = expiresIn\n");
    const CrPluginDescriptor *d = cr_provider_file_get_descriptor (file);

    g_assert_cmpstr (d->token_field, ==, "accessToken");
    g_assert_cmpstr (d->token_type_field, ==, "tokenType");
    g_assert_cmpstr (d->expiry_field, ==, "expiresIn");
    g_assert_cmpint (d->expiry_form, ==, CR_EXPIRY_SECONDS);
  }
  {
    g_autoptr (CrProviderFile) file = text_ok (BASE "expires_at_field = accessTokenExpiresAt\n");
    const CrPluginDescriptor *d = cr_provider_file_get_descriptor (file);

    g_assert_cmpstr (d->token_field, ==, "access_token");
    g_assert_cmpstr (d->expiry_field, ==, "accessTokenExpiresAt");
    g_assert_cmpint (d->expiry_form, ==, CR_EXPIRY_ABSOLUTE);
  }
  /* Member names may hold what JSON allows, spaces and UTF-8 included. */
  {
    g_autoptr (CrProviderFile) file = text_ok (BASE "token_field = the t\xc3\xb6ken.v2\n");

    g_assert_cmpstr (cr_provider_file_get_descriptor (file)->token_field, ==,
                     "the t\xc3\xb6ken.v2");
  }
}

static void
test_valid_enums (void)
{
  static const struct {
    const char *grant, *client_auth, *body;
    CrGrantType g;
    CrClientAuth c;
    CrBodyFormat b;
  } cases[] = {
    { "client_credentials", "basic", "form", CR_GRANT_CLIENT_CREDENTIALS, CR_CLIENT_AUTH_BASIC,
      CR_BODY_FORM },
    { "password", "body", "json", CR_GRANT_PASSWORD, CR_CLIENT_AUTH_BODY, CR_BODY_JSON },
    { "password", "basic-raw", "form", CR_GRANT_PASSWORD, CR_CLIENT_AUTH_BASIC_RAW,
      CR_BODY_FORM },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text =
        g_strdup_printf ("[provider]\ndescription = E\ngrant = %s\nclient_auth = %s\nbody = %s\n",
                         cases[i].grant, cases[i].client_auth, cases[i].body);
      g_autoptr (CrProviderFile) file = text_ok (text);
      const CrPluginDescriptor *d = cr_provider_file_get_descriptor (file);

      g_assert_cmpint (d->grant, ==, cases[i].g);
      g_assert_cmpint (d->client_auth, ==, cases[i].c);
      g_assert_cmpint (d->body_format, ==, cases[i].b);
    }
}

/* basic-raw sends id:secret as they are; basic form-encodes them first. */
static void
test_valid_basic_raw_request (void)
{
  g_autofree char *dir = new_dir ("basic-raw");
  g_autofree char *raw_path =
    write_conf (dir, "raw.conf",
                "[provider]\ndescription = Raw\ntoken_url = https://auth.example.com/t\n"
                "grant = client_credentials\nclient_auth = basic-raw\nbody = form\n");
  g_autofree char *basic_path =
    write_conf (dir, "basic.conf",
                "[provider]\ndescription = Encoded\ntoken_url = https://auth.example.com/t\n"
                "grant = client_credentials\nclient_auth = basic\nbody = form\n");
  g_autoptr (CrProviderFile) raw = load_ok (raw_path, "raw");
  g_autoptr (CrProviderFile) basic = load_ok (basic_path, "basic");
  g_autoptr (CrAccount) account =
    cr_test_account_from_text (dir, "[acct]\nprovider = raw\nclient_id = " RAW_CLIENT_ID "\n", "acct");
  CrClientSecrets credentials = { SECRET, NULL };
  g_autoptr (GError) error = NULL;
  g_autoptr (CrRequest) raw_request =
    cr_test_build_request (cr_provider_file_get_descriptor (raw), account, &credentials, &error);
  g_autoptr (CrRequest) basic_request = NULL;
  g_autofree char *raw_expected = NULL;
  g_autofree char *raw_header = NULL;

  g_assert_no_error (error);
  g_assert_cmpint (cr_provider_file_get_descriptor (raw)->client_auth, ==,
                   CR_CLIENT_AUTH_BASIC_RAW);
  raw_expected = g_base64_encode ((const guchar *) RAW_CLIENT_ID ":" SECRET,
                                  strlen (RAW_CLIENT_ID ":" SECRET));
  raw_header = g_strconcat ("Basic ", raw_expected, NULL);
  g_assert_cmpstr (raw_request->authorization, ==, raw_header);
  g_assert_cmpstr (raw_request->body, ==, "grant_type=client_credentials");

  basic_request =
    cr_test_build_request (cr_provider_file_get_descriptor (basic), account, &credentials, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (basic_request->authorization, !=, raw_request->authorization);

  /* The server splits the raw pair at its first ':': such an id is refused. */
  {
    g_autoptr (CrAccount) colon = cr_test_account_from_text (
      dir, "[acct]\nprovider = raw\nclient_id = " CLIENT_ID "\n", "acct");
    g_autoptr (GError) colon_error = NULL;
    g_autoptr (CrRequest) refused =
      cr_test_build_request (cr_provider_file_get_descriptor (raw), colon, &credentials, &colon_error);

    g_assert_null (refused);
    g_assert_error (colon_error, CR_ERROR, CR_ERROR_CONFIG);
    cr_test_assert_contains (colon_error->message, "holding ':'");
  }
}

static void
test_valid_password_grant (void)
{
  g_autofree char *dir = new_dir ("password");
  g_autofree char *path =
    write_conf (dir, "pw.conf",
                "[provider]\ndescription = Password\n"
                "token_url = https://{host}/oauth/token\n"
                "grant = password\nclient_auth = body\nbody = form\n");
  g_autoptr (CrProviderFile) file = load_ok (path, "pw");
  const CrPluginDescriptor *d = cr_provider_file_get_descriptor (file);
  g_autoptr (CrAccount) account =
    cr_test_account_from_text (dir,
                               "[acct]\nprovider = pw\nclient_id = cid\nhost = h.example.com\n"
                               "username = alice\n",
                               "acct");
  CrClientSecrets credentials = { "sec", "pw d" };
  g_autoptr (GError) error = NULL;
  g_autoptr (CrRequest) request = NULL;

  g_assert_cmpint (d->grant, ==, CR_GRANT_PASSWORD);
  g_assert_cmpstr (d->token_url, ==, "https://{host}/oauth/token");
  request = cr_test_build_request (d, account, &credentials, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (request->url, ==, "https://h.example.com/oauth/token");
  g_assert_cmpstr (request->body, ==,
                   "grant_type=password&client_id=cid&client_secret=sec&username=alice&"
                   "password=pw%20d");
}

static void
test_valid_params (void)
{
  /* Order kept, '!' marks the required ones, whitespace around entries
   * ignored, and a trailing ';' (key-file list syntax) ends the list. */
  static const char *const lines[] = {
    "params = audience!;scope;resource.v2-x_y!",
    "params =  audience! ; scope ;resource.v2-x_y!  ",
    "params = audience!;scope;resource.v2-x_y!;",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (lines); i++)
    {
      g_autofree char *text = base_with (7, lines[i]);
      g_autoptr (CrProviderFile) file = text_ok (text);
      const CrPluginDescriptor *d = cr_provider_file_get_descriptor (file);

      g_assert_cmpuint (cr_test_count_params (d), ==, 3);
      g_assert_cmpstr (d->params[0].name, ==, "audience");
      g_assert_cmpint (d->params[0].presence, ==, CR_PARAM_REQUIRED);
      g_assert_cmpstr (d->params[1].name, ==, "scope");
      g_assert_cmpint (d->params[1].presence, ==, CR_PARAM_OPTIONAL);
      g_assert_cmpstr (d->params[2].name, ==, "resource.v2-x_y");
      g_assert_cmpint (d->params[2].presence, ==, CR_PARAM_REQUIRED);
      for (guint j = 0; j < 3; j++)
        g_assert_null (d->params[j].default_value);
      g_assert_null (d->params[3].name);
    }

  /* One without '!' only, and one with. */
  {
    g_autofree char *text = base_with (7, "params = scope");
    g_autoptr (CrProviderFile) file = text_ok (text);
    const CrParamPresence presence = cr_test_find_param (cr_provider_file_get_descriptor (file), "scope")->presence;

    g_assert_cmpint (presence, ==, CR_PARAM_OPTIONAL);
  }
  {
    g_autofree char *text = base_with (7, "params = scope!");
    g_autoptr (CrProviderFile) file = text_ok (text);
    const CrParamPresence presence = cr_test_find_param (cr_provider_file_get_descriptor (file), "scope")->presence;

    g_assert_cmpint (presence, ==, CR_PARAM_REQUIRED);
  }

  /* 32 is the most. */
  {
    g_autoptr (GString) line = g_string_new ("params = ");
    g_autofree char *text = NULL;
    g_autoptr (CrProviderFile) file = NULL;

    for (guint i = 0; i < CR_PROVIDER_FILE_MAX_PARAMS; i++)
      g_string_append_printf (line, "%sp%u%s", i > 0 ? ";" : "", i, i % 2 ? "!" : "");
    text = base_with (7, line->str);
    file = text_ok (text);
    g_assert_cmpuint (cr_test_count_params (cr_provider_file_get_descriptor (file)), ==,
                      CR_PROVIDER_FILE_MAX_PARAMS);
  }
  /* 64 bytes is a name. */
  {
    g_autofree char *name = g_strnfill (64, 'a');
    g_autofree char *line = g_strconcat ("params = ", name, "!", NULL);
    g_autofree char *text = base_with (7, line);
    g_autoptr (CrProviderFile) file = text_ok (text);

    g_assert_nonnull (cr_test_find_param (cr_provider_file_get_descriptor (file), name));
  }
}

/* Required and optional parameters in a request: the optional one is
 * left out when the account lacks it, the required one is demanded. */
static void
test_valid_params_request (void)
{
  g_autofree char *dir = new_dir ("params-request");
  g_autofree char *path = write_conf (dir, "p.conf", BASE);
  g_autoptr (CrProviderFile) file = load_ok (path, "p");
  const CrPluginDescriptor *d = cr_provider_file_get_descriptor (file);
  CrClientSecrets credentials = { "s", NULL };
  g_autoptr (GError) error = NULL;

  {
    g_autoptr (CrAccount) account =
      cr_test_account_from_text (dir, "[a]\nprovider = p\nclient_id = c\naudience = x y\n", "a");
    g_autoptr (CrRequest) request = cr_test_build_request (d, account, &credentials, &error);

    g_assert_no_error (error);
    g_assert_cmpstr (request->body, ==,
                     "grant_type=client_credentials&client_id=c&client_secret=s&audience=x%20y");
  }
  {
    g_autoptr (CrAccount) account =
      cr_test_account_from_text (dir, "[a]\nprovider = p\nclient_id = c\nscope = s\n", "a");
    g_autoptr (CrRequest) request = cr_test_build_request (d, account, &credentials, &error);

    g_assert_null (request);
    g_assert_error (error, CR_ERROR, CR_ERROR_CONFIG);
    cr_test_assert_contains (error->message, "'audience'");
  }
}

static void
test_valid_comments_and_blank_lines (void)
{
  static const char text[] =
    "# A provider file\n"                              /* 1 */
    "\n"                                               /* 2 */
    "   # indented comment\n"                          /* 3 */
    "[provider]\n"                                     /* 4 */
    "# description = Commented out\n"                  /* 5 */
    "description = Example API # not a comment\n"      /* 6 */
    "\n"                                               /* 7 */
    "\t\n"                                             /* 8 */
    "  token_url = https://auth.example.com/token  \n" /* 9 */
    "grant=client_credentials\n"                       /* 10 */
    "client_auth   =   body\n"                         /* 11 */
    "body = json\n"                                    /* 12 */
    "# the end\n";                                     /* 13 */
  g_autoptr (CrProviderFile) file = text_ok (text);
  const CrPluginDescriptor *d = cr_provider_file_get_descriptor (file);

  g_assert_cmpstr (d->description, ==, "Example API # not a comment");
  g_assert_cmpstr (d->token_url, ==, "https://auth.example.com/token");
  g_assert_cmpint (d->grant, ==, CR_GRANT_CLIENT_CREDENTIALS);
  g_assert_cmpint (d->client_auth, ==, CR_CLIENT_AUTH_BODY);
  g_assert_cmpint (d->body_format, ==, CR_BODY_JSON);

  /* The lines are still counted right around comments and blank lines. */
  {
    g_autoptr (GString) broken = g_string_new (text);

    g_string_replace (broken, "body = json", "body = yaml", 1);
    assert_key_error (broken->str, "body", 12, "'yaml'");
  }
}

static void
test_valid_crlf (void)
{
  g_autoptr (CrProviderFile) file =
    text_ok ("[provider]\r\ndescription = Windows\r\ngrant = password\r\n"
             "client_auth = basic\r\nbody = form\r\nparams = a!;b\r\n");
  const CrPluginDescriptor *d = cr_provider_file_get_descriptor (file);

  g_assert_cmpstr (d->description, ==, "Windows");
  g_assert_cmpint (d->grant, ==, CR_GRANT_PASSWORD);
  g_assert_cmpuint (cr_test_count_params (d), ==, 2);
  g_assert_cmpstr (d->params[1].name, ==, "b");
}

static void
test_valid_host_url (void)
{
  static const char *const urls[] = {
    "https://{host}/auth/oauth/token",
    "https://{host}",
    "https://{host}:8443/token",
    "https://login.{host}/token",
    "https://auth.example.com:8443/oauth/token?x=1",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (urls); i++)
    {
      g_autofree char *line = g_strconcat ("token_url = ", urls[i], NULL);
      g_autofree char *text = base_with (3, line);
      g_autoptr (CrProviderFile) file = text_ok (text);

      g_assert_cmpstr (cr_provider_file_get_descriptor (file)->token_url, ==, urls[i]);
    }
}

/* The descriptor lives as long as the file, not the text it came from. */
static void
test_valid_descriptor_outlives_file_on_disk (void)
{
  g_autofree char *dir = new_dir ("outlives");
  g_autofree char *path = write_conf (dir, "p.conf", BASE);
  g_autoptr (CrProviderFile) file = load_ok (path, "p");
  const CrPluginDescriptor *d;

  g_assert_cmpint (g_unlink (path), ==, 0);
  d = cr_provider_file_get_descriptor (file);
  g_assert_cmpstr (d->description, ==, "Example API");
  g_assert_cmpstr (d->params[0].name, ==, "audience");
}

/* ---- 4. the loader ----------------------------------------------------- */

static char *
provider_text (const char *description)
{
  return g_strdup_printf ("[provider]\ndescription = %s\n"
                          "token_url = https://auth.example.com/token\n"
                          "grant = client_credentials\nclient_auth = body\nbody = form\n",
                          description);
}

static CrProvider *
provider_load_ok (const char *name)
{
  return cr_test_load_provider (name);
}

static char *
provider_load_fail (const char *name)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CrProvider) provider = cr_provider_load (name, &error);

  g_assert_null (provider);
  g_assert_error (error, CR_ERROR, CR_ERROR_CONFIG);
  assert_one_line (error->message);
  g_test_message ("%s", error->message);
  return g_strdup (error->message);
}

static void
test_loader_dirs (Env *env, gconstpointer data)
{
  g_auto (GStrv) dirs = NULL;

  g_assert_true (g_str_has_prefix (user_provider_dir, tmp_root));

  g_setenv ("CREDRING_PROVIDER_DIR", "/a::/b/c:", TRUE);
  dirs = cr_provider_file_dirs ();
  g_assert_cmpuint (g_strv_length (dirs), ==, 3);
  g_assert_cmpstr (dirs[0], ==, user_provider_dir);
  g_assert_cmpstr (dirs[1], ==, "/a");
  g_assert_cmpstr (dirs[2], ==, "/b/c");
  g_clear_pointer (&dirs, g_strfreev);

  /* Unset or empty: the compiled-in one after the user's. */
  g_unsetenv ("CREDRING_PROVIDER_DIR");
  dirs = cr_provider_file_dirs ();
  g_assert_cmpuint (g_strv_length (dirs), ==, 2);
  g_assert_cmpstr (dirs[0], ==, user_provider_dir);
  g_assert_true (g_path_is_absolute (dirs[1]));
  g_clear_pointer (&dirs, g_strfreev);
  g_setenv ("CREDRING_PROVIDER_DIR", "", TRUE);
  dirs = cr_provider_file_dirs ();
  g_assert_cmpuint (g_strv_length (dirs), ==, 2);
}

static void
test_loader_user_dir (Env *env, gconstpointer data)
{
  g_autofree char *empty = new_dir ("no-plugins");
  g_autofree char *no_files = new_dir ("no-files");
  g_autofree char *text = provider_text ("Mine");
  g_autofree char *path = write_conf (user_provider_dir, "mine.conf", text);
  g_autoptr (CrProvider) provider = NULL;
  const CrPluginDescriptor *d;

  g_setenv ("CREDRING_PLUGIN_DIR", empty, TRUE);
  g_setenv ("CREDRING_PROVIDER_DIR", no_files, TRUE);
  provider = provider_load_ok ("mine");
  g_assert_cmpint (cr_provider_get_kind (provider), ==, CR_PROVIDER_KIND_FILE);
  g_assert_cmpstr (cr_provider_get_path (provider), ==, path);
  g_assert_cmpuint (g_strv_length ((char **) cr_provider_get_warnings (provider)), ==, 0);
  d = cr_provider_get_descriptor (provider);
  g_assert_cmpstr (d->name, ==, "mine");
  g_assert_cmpstr (d->description, ==, "Mine");
  g_assert_cmpstr (d->token_url, ==, "https://auth.example.com/token");
  g_assert_null (d->add_headers);
  g_assert_null (d->parse_response);
}

/* A seed example loaded through the loader sends what the compiled one
 * sends (its descriptor is the normalised copy). */
static void
test_loader_file_request (Env *env, gconstpointer data)
{
  g_autofree char *empty = new_dir ("no-plugins");
  g_autofree char *path = copy_example ("ants", user_provider_dir, NULL);
  g_autofree char *dir = new_dir ("accounts");
  g_autoptr (CrAccount) account =
    cr_test_account_from_text (dir, seeds[1].accounts, "acct");
  g_autoptr (CrProvider) file_provider = NULL;
  g_autoptr (CrProvider) compiled = NULL;
  CrClientSecrets credentials = { SECRET, NULL };
  g_autoptr (GError) error = NULL;
  g_autoptr (CrRequest) a = NULL;
  g_autoptr (CrRequest) b = NULL;

  g_assert_cmpstr (seeds[1].name, ==, "ants");
  g_setenv ("CREDRING_PLUGIN_DIR", empty, TRUE);
  file_provider = provider_load_ok ("ants");
  g_assert_cmpint (cr_provider_get_kind (file_provider), ==, CR_PROVIDER_KIND_FILE);
  g_assert_cmpstr (cr_provider_get_path (file_provider), ==, path);
  g_setenv ("CREDRING_PLUGIN_DIR", real_plugin_dir, TRUE);
  g_assert_cmpint (g_unlink (path), ==, 0);
  compiled = provider_load_ok ("ants");
  g_assert_cmpint (cr_provider_get_kind (compiled), ==, CR_PROVIDER_KIND_PLUGIN);

  a = cr_test_build_request (cr_provider_get_descriptor (file_provider), account, &credentials, &error);
  g_assert_no_error (error);
  b = cr_test_build_request (cr_provider_get_descriptor (compiled), account, &credentials, &error);
  g_assert_no_error (error);
  assert_requests_equal (a, b);
}

static void
test_loader_provider_dir (Env *env, gconstpointer data)
{
  g_autofree char *empty = new_dir ("no-plugins");
  g_autofree char *sys1 = new_dir ("sys1");
  g_autofree char *sys2 = new_dir ("sys2");
  g_autofree char *list = g_strconcat (sys1, ":", sys2, NULL);
  g_autofree char *sys_text = provider_text ("System");
  g_autofree char *sys2_text = provider_text ("Second");
  g_autofree char *user_text = provider_text ("User");
  g_autofree char *only2 = write_conf (sys2, "only2.conf", sys_text);
  g_autofree char *both1 = write_conf (sys1, "both.conf", sys_text);
  g_autofree char *both2 = write_conf (sys2, "both.conf", sys2_text);
  g_autofree char *shared_sys = write_conf (sys1, "shared.conf", sys_text);
  g_autofree char *shared_user = write_conf (user_provider_dir, "shared.conf", user_text);

  g_setenv ("CREDRING_PLUGIN_DIR", empty, TRUE);
  g_setenv ("CREDRING_PROVIDER_DIR", list, TRUE);

  /* In the second directory of the list. */
  {
    g_autoptr (CrProvider) provider = provider_load_ok ("only2");

    g_assert_cmpint (cr_provider_get_kind (provider), ==, CR_PROVIDER_KIND_FILE);
    g_assert_cmpstr (cr_provider_get_path (provider), ==, only2);
  }
  /* The first of the list wins. */
  {
    g_autoptr (CrProvider) provider = provider_load_ok ("both");

    g_assert_cmpstr (cr_provider_get_path (provider), ==, both1);
    g_assert_cmpstr (cr_provider_get_descriptor (provider)->description, ==, "System");
  }
  /* The user's directory wins over the list. */
  {
    g_autoptr (CrProvider) provider = provider_load_ok ("shared");

    g_assert_cmpstr (cr_provider_get_path (provider), ==, shared_user);
    g_assert_cmpstr (cr_provider_get_descriptor (provider)->description, ==, "User");
    g_assert_cmpuint (g_strv_length ((char **) cr_provider_get_warnings (provider)), ==, 0);
  }
  /* A broken file in the user's directory does not fall through to the
   * system's: the first file found decides, as for plugins. */
  {
    g_autofree char *message = NULL;

    g_free (write_conf (user_provider_dir, "shared.conf", "[provider]\ndescription = x\n"));
    message = provider_load_fail ("shared");
    assert_prefix (message, shared_user);
    cr_test_assert_contains (message, "has no 'grant' key");
  }
  /* A writable one is refused through the loader too. */
  {
    g_autofree char *message = NULL;

    g_assert_cmpint (g_chmod (both1, 0666), ==, 0);
    message = provider_load_fail ("both");
    cr_test_assert_contains (message, both1);
    cr_test_assert_contains (message, "writable");
  }
}

static void
test_loader_compiled_wins (Env *env, gconstpointer data)
{
  g_autofree char *no_files = new_dir ("no-files");
  g_autofree char *conf = copy_example ("ants", user_provider_dir, NULL);
  g_autofree char *so = g_build_filename (real_plugin_dir, "ants.so", NULL);
  g_autoptr (CrProvider) provider = NULL;
  const char *const *warnings;

  g_setenv ("CREDRING_PLUGIN_DIR", real_plugin_dir, TRUE);
  g_setenv ("CREDRING_PROVIDER_DIR", no_files, TRUE);
  provider = provider_load_ok ("ants");
  g_assert_cmpint (cr_provider_get_kind (provider), ==, CR_PROVIDER_KIND_PLUGIN);
  g_assert_cmpstr (cr_provider_get_path (provider), ==, so);
  /* The compiled descriptor: ants.c has no token type field. */
  g_assert_null (cr_provider_get_descriptor (provider)->token_type_field);
  warnings = cr_provider_get_warnings (provider);
  g_assert_nonnull (warnings);
  g_assert_cmpuint (g_strv_length ((char **) warnings), ==, 1);
  assert_one_line (warnings[0]);
  assert_prefix (warnings[0], conf);
  cr_test_assert_contains (warnings[0], so);
  cr_test_assert_contains (warnings[0], "ignored");
  g_test_message ("%s", warnings[0]);

  /* Even an invalid file of that name is only a warning. */
  g_clear_pointer (&provider, cr_provider_free);
  g_free (write_conf (user_provider_dir, "ants.conf", "garbage\n"));
  provider = provider_load_ok ("ants");
  g_assert_cmpint (cr_provider_get_kind (provider), ==, CR_PROVIDER_KIND_PLUGIN);
  g_assert_cmpuint (g_strv_length ((char **) cr_provider_get_warnings (provider)), ==, 1);

  /* No file, no warning. */
  g_clear_pointer (&provider, cr_provider_free);
  g_assert_cmpint (g_unlink (conf), ==, 0);
  provider = provider_load_ok ("ants");
  g_assert_cmpuint (g_strv_length ((char **) cr_provider_get_warnings (provider)), ==, 0);
}

static gboolean
failures_have (GPtrArray *failures, const char *prefix, const char *needle)
{
  for (guint i = 0; i < failures->len; i++)
    {
      const char *failure = g_ptr_array_index (failures, i);

      if (g_str_has_prefix (failure, prefix) && strstr (failure, needle) != NULL)
        return TRUE;
    }
  return FALSE;
}

static void
test_loader_load_all (Env *env, gconstpointer data)
{
  static const struct {
    const char *name;
    CrProviderKind kind;
  } expected[] = {
    { "acaengine", CR_PROVIDER_KIND_PLUGIN }, { "alpha", CR_PROVIDER_KIND_FILE },
    { "ants", CR_PROVIDER_KIND_PLUGIN },      { "autograb", CR_PROVIDER_KIND_PLUGIN },
    { "dataloy", CR_PROVIDER_KIND_PLUGIN },   { "gamma", CR_PROVIDER_KIND_FILE },
    { "zeta", CR_PROVIDER_KIND_FILE },
  };
  g_autofree char *sys = new_dir ("sys");
  g_autofree char *alpha_text = provider_text ("Alpha, the user's");
  g_autofree char *other_text = provider_text ("Other");
  g_autofree char *ants = copy_example ("ants", user_provider_dir, NULL);
  g_autofree char *alpha = write_conf (user_provider_dir, "alpha.conf", alpha_text);
  g_autofree char *zeta = write_conf (user_provider_dir, "zeta.conf", other_text);
  g_autofree char *broken = write_conf (user_provider_dir, "broken.conf", BASE "colour = x\n");
  g_autofree char *bad_name = write_conf (user_provider_dir, "Bad.conf", other_text);
  g_autofree char *writable = write_conf (sys, "open.conf", other_text);
  g_autofree char *alpha_sys = write_conf (sys, "alpha.conf", other_text);
  g_autofree char *gamma = write_conf (sys, "gamma.conf", other_text);
  g_autofree char *so = g_build_filename (real_plugin_dir, "ants.so", NULL);
  g_autoptr (GPtrArray) failures = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) providers = NULL;

  /* Not provider files at all. */
  g_free (write_conf (user_provider_dir, "README", "not a provider\n"));
  g_free (write_conf (user_provider_dir, "zeta.conf~", "backup\n"));
  g_assert_cmpint (g_chmod (writable, 0664), ==, 0);

  g_setenv ("CREDRING_PLUGIN_DIR", real_plugin_dir, TRUE);
  g_setenv ("CREDRING_PROVIDER_DIR", sys, TRUE);
  providers = cr_provider_load_all (failures);

  for (guint i = 0; i < failures->len; i++)
    g_test_message ("failure: %s", (const char *) g_ptr_array_index (failures, i));
  g_assert_cmpuint (providers->len, ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < providers->len; i++)
    {
      CrProvider *provider = g_ptr_array_index (providers, i);

      g_assert_cmpstr (cr_provider_get_descriptor (provider)->name, ==, expected[i].name);
      g_assert_cmpint (cr_provider_get_kind (provider), ==, expected[i].kind);
    }
  /* The user's alpha, not the system's. */
  g_assert_cmpstr (cr_provider_get_path (g_ptr_array_index (providers, 1)), ==, alpha);
  g_assert_cmpstr (cr_provider_get_path (g_ptr_array_index (providers, 5)), ==, gamma);
  g_assert_cmpstr (cr_provider_get_path (g_ptr_array_index (providers, 6)), ==, zeta);

  /* The shadowed file, the three invalid ones; nothing for the system's
   * alpha (search order at work), README or the backup. */
  g_assert_cmpuint (failures->len, ==, 4);
  for (guint i = 0; i < failures->len; i++)
    assert_one_line (g_ptr_array_index (failures, i));
  g_assert_true (failures_have (failures, ants, so));
  g_assert_true (failures_have (failures, broken, "key 'colour'"));
  g_assert_true (failures_have (failures, bad_name, "not a provider name"));
  g_assert_true (failures_have (failures, writable, "writable"));
  g_assert_false (failures_have (failures, alpha_sys, ""));
}

static void
test_loader_missing (Env *env, gconstpointer data)
{
  g_autofree char *plugins = new_dir ("plugins");
  g_autofree char *sys = new_dir ("sys");
  g_autofree char *message = NULL;

  g_setenv ("CREDRING_PLUGIN_DIR", plugins, TRUE);
  g_setenv ("CREDRING_PROVIDER_DIR", sys, TRUE);
  message = provider_load_fail ("nosuch");
  cr_test_assert_contains (message, "'nosuch'");
  cr_test_assert_contains (message, "nosuch.so");
  cr_test_assert_contains (message, "nosuch.conf");
  cr_test_assert_contains (message, plugins);
  cr_test_assert_contains (message, user_provider_dir);
  cr_test_assert_contains (message, sys);

  /* With a list of plugin directories, all are named: the message says
   * where it looked. */
  {
    g_autofree char *second = new_dir ("plugins-second");
    g_autofree char *list = g_strconcat (plugins, ":", second, NULL);
    g_autofree char *listed = NULL;

    g_setenv ("CREDRING_PLUGIN_DIR", list, TRUE);
    listed = provider_load_fail ("nosuch");
    cr_test_assert_contains (listed, plugins);
    cr_test_assert_contains (listed, second);
    g_setenv ("CREDRING_PLUGIN_DIR", plugins, TRUE);
  }

  /* Not a provider name: refused before any file is looked for. */
  g_free (write_conf (user_provider_dir, "Bad.conf", BASE));
  g_free (message);
  message = provider_load_fail ("Bad");
  cr_test_assert_contains (message, "not a valid provider name");
}

int
main (int argc, char **argv)
{
  const char *env;
  const char *srcdir;
  int status;

  tmp_root = cr_test_init (&argc, &argv, "provider-file");

  env = g_getenv ("CREDRING_PLUGIN_DIR");
  if (env != NULL && *env != '\0')
    {
      g_auto (GStrv) parts = g_strsplit (env, ":", 2);

      real_plugin_dir = g_strdup (parts[0]);
    }
  else
    real_plugin_dir = g_test_build_filename (G_TEST_BUILT, "..", "plugins", ".libs", NULL);
  srcdir = g_getenv ("abs_top_srcdir");
  if (srcdir != NULL && *srcdir != '\0')
    examples_dir = g_build_filename (srcdir, "examples", "providers", NULL);
  else
    examples_dir = g_test_build_filename (G_TEST_DIST, "..", "examples", "providers", NULL);
  /* cr_test_init() has set XDG_CONFIG_HOME; GLib reads it once, now. */
  user_provider_dir = g_build_filename (g_get_user_config_dir (), "credring", "providers", NULL);
  g_assert_true (g_str_has_prefix (user_provider_dir, tmp_root));

  for (gsize i = 0; i < G_N_ELEMENTS (seeds); i++)
    {
      g_autofree char *path = g_strconcat ("/provider-file/seed/", seeds[i].name, NULL);

      g_test_add (path, Env, &seeds[i], env_setup, test_seed, env_teardown);
    }
  g_test_add_func ("/provider-file/seed/all-examples-load", test_examples_all_load);

  g_test_add_func ("/provider-file/invalid/unknown-key", test_invalid_unknown_key);
  g_test_add_func ("/provider-file/invalid/unknown-key-escaped", test_invalid_unknown_key_escaped);
  g_test_add_func ("/provider-file/invalid/localized-key", test_invalid_localized_key);
  g_test_add_func ("/provider-file/invalid/enums", test_invalid_enums);
  g_test_add_func ("/provider-file/invalid/missing-required", test_invalid_missing_required);
  g_test_add_func ("/provider-file/invalid/empty-value", test_invalid_empty_value);
  g_test_add_func ("/provider-file/invalid/empty-params", test_invalid_empty_params);
  g_test_add_func ("/provider-file/invalid/token-url", test_invalid_token_url);
  g_test_add_func ("/provider-file/invalid/params", test_invalid_params);
  g_test_add_func ("/provider-file/invalid/both-expiries", test_invalid_both_expiries);
  g_test_add_func ("/provider-file/invalid/description", test_invalid_description);
  g_test_add_func ("/provider-file/invalid/field-names", test_invalid_field_names);
  g_test_add_func ("/provider-file/invalid/key-twice", test_invalid_key_twice);
  g_test_add_func ("/provider-file/invalid/key-twice-across-groups",
                   test_invalid_key_twice_across_groups);
  g_test_add_func ("/provider-file/invalid/groups", test_invalid_groups);
  g_test_add_func ("/provider-file/invalid/header-continuation-bytes",
                   test_invalid_header_continuation_bytes);
  g_test_add_func ("/provider-file/invalid/no-group", test_invalid_no_group);
  g_test_add_func ("/provider-file/invalid/syntax", test_invalid_syntax);
  g_test_add_func ("/provider-file/invalid/trailing-escape", test_invalid_trailing_escape);
  g_test_add_func ("/provider-file/invalid/too-large", test_invalid_too_large);
  g_test_add_func ("/provider-file/invalid/nul-byte", test_invalid_nul_byte);
  g_test_add_func ("/provider-file/invalid/not-regular", test_invalid_not_regular);
  g_test_add_func ("/provider-file/invalid/writable-file", test_invalid_writable_file);
  g_test_add_func ("/provider-file/invalid/writable-dir", test_invalid_writable_dir);
  g_test_add_func ("/provider-file/invalid/symlink-into-writable-dir",
                   test_invalid_symlink_into_writable_dir);
  g_test_add_func ("/provider-file/invalid/other-owner", test_invalid_other_owner);
  g_test_add_func ("/provider-file/invalid/name", test_invalid_name);

  g_test_add_func ("/provider-file/valid/defaults", test_valid_defaults);
  g_test_add_func ("/provider-file/valid/fields", test_valid_fields);
  g_test_add_func ("/provider-file/valid/enums", test_valid_enums);
  g_test_add_func ("/provider-file/valid/basic-raw-request", test_valid_basic_raw_request);
  g_test_add_func ("/provider-file/valid/password-grant", test_valid_password_grant);
  g_test_add_func ("/provider-file/valid/params", test_valid_params);
  g_test_add_func ("/provider-file/valid/params-request", test_valid_params_request);
  g_test_add_func ("/provider-file/valid/comments-and-blank-lines",
                   test_valid_comments_and_blank_lines);
  g_test_add_func ("/provider-file/valid/crlf", test_valid_crlf);
  g_test_add_func ("/provider-file/valid/host-url", test_valid_host_url);
  g_test_add_func ("/provider-file/valid/outlives-file-on-disk",
                   test_valid_descriptor_outlives_file_on_disk);

  ADD_ENV_TEST ("/provider-file/loader/dirs", test_loader_dirs);
  ADD_ENV_TEST ("/provider-file/loader/user-dir", test_loader_user_dir);
  ADD_ENV_TEST ("/provider-file/loader/file-request", test_loader_file_request);
  ADD_ENV_TEST ("/provider-file/loader/provider-dir", test_loader_provider_dir);
  ADD_ENV_TEST ("/provider-file/loader/compiled-wins", test_loader_compiled_wins);
  ADD_ENV_TEST ("/provider-file/loader/load-all", test_loader_load_all);
  ADD_ENV_TEST ("/provider-file/loader/missing", test_loader_missing);

  status = g_test_run ();
  cr_test_remove_tree (tmp_root);
  g_free (tmp_root);
  g_free (real_plugin_dir);
  g_free (examples_dir);
  g_free (user_provider_dir);
  return status;
}
