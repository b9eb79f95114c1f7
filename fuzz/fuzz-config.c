/* libFuzzer harness for accounts.conf: cr_config_load() (core/account/config.c),
 * then every account through cr_config_get_account(), cr_account_resolve()
 * against the four real provider descriptors, its endpoint,
 * cr_account_urls(), cr_url_matches(), cr_request_build(), and
 * cr_config_match_account() for a few requests git could make.
 *
 * The input is the file.  cr_config_load() takes a path, and trusts only
 * a path whose every directory is root's or ours (not /proc/self/fd/N of
 * a memfd, which leads nowhere): the bytes go to one file, 0600, in a
 * private directory made at start and removed at exit.
 *
 * Checks:
 * - every failure is CR_ERROR_CONFIG with a one-line printable message;
 * - an account it returns has a valid name, a provider, a client_id, a
 *   timeout of 1..600 s and a min_valid of -1 or 0..2^31-1;
 * - every unknown-key warning names "PATH:LINE:" where LINE is a line of
 *   the input that sets that key (what the warning promises the user);
 * - a request built for an account has an https (or loopback http) URL
 *   and a body that holds no CR, LF or NUL.
 *
 * Seeds (fuzz/corpus/config/) are README.md's accounts.conf examples. */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "common.h"
/* cr_request_build() and cr_basic_authorization(): private to the core. */
#include "token/request.h"
#include "account/account.h"

static int file_fd = -1;
static char *file_dir;
static char *file_path;

static void
remove_file (void)
{
  g_unlink (file_path);
  g_rmdir (file_dir);
}

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  g_autoptr (GError) error = NULL;

  fuzz_init ();
  file_dir = g_dir_make_tmp ("fuzz-config-XXXXXX", &error);
  if (file_dir == NULL)
    fuzz_fail ("g_dir_make_tmp: %s", error->message);
  file_path = g_build_filename (file_dir, "accounts.conf", NULL);
  file_fd = open (file_path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (file_fd < 0)
    fuzz_fail ("%s: %s", file_path, g_strerror (errno));
  atexit (remove_file);
  return 0;
}

static void
write_file (const uint8_t *data, size_t size)
{
  size_t done = 0;

  if (ftruncate (file_fd, 0) != 0)
    fuzz_fail ("ftruncate: %s", g_strerror (errno));
  while (done < size)
    {
      ssize_t n = pwrite (file_fd, data + done, size - done, (off_t) done);

      if (n <= 0)
        fuzz_fail ("pwrite: %s", g_strerror (errno));
      done += (size_t) n;
    }
}

/* Whether line @number (from 1) of the input sets @key: after white
 * space, the key, white space (as g_ascii_isspace() has it, which is what
 * GKeyFile strips), then '='. */
static gboolean
line_sets_key (const char *text, guint number, const char *key)
{
  const char *line = text;
  gsize len = strlen (key);

  for (guint i = 1; i < number; i++)
    {
      line = strchr (line, '\n');
      if (line == NULL)
        return FALSE;
      line++;
    }
  while (g_ascii_isspace (*line) && *line != '\n')
    line++;
  if (strncmp (line, key, len) != 0)
    return FALSE;
  line += len;
  while (g_ascii_isspace (*line) && *line != '\n')
    line++;
  return *line == '=';
}

static void
check_warning (const char *warning, const char *text, const CrAccount *account)
{
  g_autofree char *prefix = g_strdup_printf ("%s:", file_path);
  const char *rest;
  const char *key_start;
  const char *key_end;
  guint64 number;
  char *end;

  if (!g_str_has_prefix (warning, prefix))
    fuzz_fail ("warning does not start with the path: %s", warning);
  rest = warning + strlen (prefix);
  number = g_ascii_strtoull (rest, &end, 10);
  if (end == rest || *end != ':')
    fuzz_fail ("warning without a line number: %s", warning);
  /* "unknown key 'K' in account [...]" or "key 'K' in account [...]: ..." */
  key_start = g_str_has_prefix (end, ": key '") ? end + strlen (": ") : strstr (end, "unknown key '");
  if (key_start == NULL)
    fuzz_fail ("warning without a key: %s", warning);
  key_start = strchr (key_start, '\'') + 1;
  key_end = strstr (key_start, "' in account [");
  if (key_end == NULL)
    fuzz_fail ("warning without an account: %s", warning);

  g_autofree char *key = g_strndup (key_start, key_end - key_start);
  if (number == 0 || !line_sets_key (text, (guint) number, key))
    fuzz_fail ("warning points at line %" G_GUINT64_FORMAT ", which does not set '%s'", number,
               key);
}

/* Requests git could make, for the README's accounts and near misses. */
static const struct {
  const char *protocol, *host, *path;
} queries[] = {
  { "https", "placeos.example.com", "org/repo.git" },
  { "https", "api.ants.tech", NULL },
  { "https", "platform-dev.dataloy.com", "ws/rest/Cargo" },
  { "https", "platform-dev.dataloy.com", "ws/restless" },
  { "http", "auth.customer.example", "" },
  { "https", "[::1]:8443", "a/b" },
};

static gboolean
name_is_valid (const char *name)
{
  if (name[0] == '\0' || name[0] == '.' || name[0] == '-' || strlen (name) > 128)
    return FALSE;
  for (const char *p = name; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && strchr ("._@-", *p) == NULL)
      return FALSE;
  return TRUE;
}

static void
check_account (CrAccount *account, const char *name, const char *text)
{
  const CrClientSecrets credentials = { "client-secret", "password" };

  if (!name_is_valid (account->name) || strcmp (account->name, name) != 0)
    fuzz_fail ("account [%s] returned for [%s]", account->name, name);
  if (account->provider == NULL || *account->provider == '\0' || account->client_id == NULL ||
      *account->client_id == '\0')
    fuzz_fail ("account [%s] without a provider or client_id", name);
  if (account->timeout < 1 || account->timeout > 600)
    fuzz_fail ("account [%s] has a timeout of %d s", name, account->timeout);
  if (account->min_valid < -1 || account->min_valid > G_MAXINT32)
    fuzz_fail ("account [%s] has a min_valid of %" G_GINT64_FORMAT, name, account->min_valid);

  for (int i = 0; i < FUZZ_N_PROVIDERS; i++)
    {
      const CrPluginDescriptor *provider = fuzz_providers[i];
      g_autoptr (GPtrArray) warnings = g_ptr_array_new_with_free_func (g_free);
      g_autoptr (GError) error = NULL;
      g_autoptr (CrRequest) request = NULL;
      g_autofree char *url = NULL;
      g_auto (GStrv) urls = NULL;

      if (!cr_account_resolve (account, provider, warnings, &error))
        {
          fuzz_check_message (error);
          if (error->code != CR_ERROR_CONFIG)
            fuzz_fail ("account check failed with code %d", error->code);
          continue;
        }
      for (guint w = 0; w < warnings->len; w++)
        check_warning (warnings->pdata[w], text, account);

      /* A resolved account always has its endpoint. */
      if (account->endpoint == NULL)
        fuzz_fail ("account [%s] resolved without an endpoint", name);
      url = g_strdup (account->endpoint);
      /* Schemes are case-insensitive (RFC 3986 §3.1). */
      if (g_ascii_strncasecmp (url, "https://", 8) != 0 &&
          g_ascii_strncasecmp (url, "http://", 7) != 0)
        fuzz_fail ("token URL is not http(s): %s", url);
      urls = cr_account_urls (account, provider);
      for (guint u = 0; urls != NULL && urls[u] != NULL; u++)
        for (gsize q = 0; q < G_N_ELEMENTS (queries); q++)
          (void) cr_url_matches (urls[u], queries[q].protocol, queries[q].host, queries[q].path);

      request = cr_request_build (provider, account, &credentials, &error);
      if (request == NULL)
        {
          fuzz_check_message (error);
          continue;
        }
      if (strlen (request->body) != request->body_len ||
          strpbrk (request->body, "\r\n") != NULL)
        fuzz_fail ("request body holds a NUL, CR or LF");
      if (strcmp (request->url, url) != 0)
        fuzz_fail ("request URL differs from the token URL");
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CrConfig) config = NULL;
  g_auto (GStrv) names = NULL;
  g_auto (GStrv) file_warnings = NULL;
  g_autofree char *text = g_strndup ((const char *) data, size);

  write_file (data, size);
  config = cr_config_load (file_path, &error);
  if (config == NULL)
    {
      fuzz_check_message (error);
      if (error->code != CR_ERROR_CONFIG)
        fuzz_fail ("config load failed with code %d", error->code);
      return 0;
    }
  if (strcmp (cr_config_get_path (config), file_path) != 0)
    fuzz_fail ("config path changed");

  file_warnings = cr_config_get_warnings (config);
  for (guint i = 0; file_warnings[i] != NULL; i++)
    if (strchr (file_warnings[i], '\n') != NULL)
      fuzz_fail ("a warning of more than one line: %s", file_warnings[i]);

  names = cr_config_list_accounts (config);
  for (guint i = 0; names != NULL && names[i] != NULL; i++)
    {
      g_autoptr (GError) account_error = NULL;
      g_autoptr (CrAccount) account = cr_config_get_account (config, names[i], &account_error);

      if (account == NULL)
        {
          fuzz_check_message (account_error);
          if (account_error->code != CR_ERROR_CONFIG)
            fuzz_fail ("get_account failed with code %d", account_error->code);
          continue;
        }
      check_account (account, names[i], text);
    }

  /* What git-credential-credring asks; plugins do not load here
   * (CR_PLUGINDIR is /nonexistent): an account without url is skipped
   * with a warning, one whose url matches is an error. */
  for (gsize i = 0; i < G_N_ELEMENTS (queries); i++)
    {
      g_autoptr (GPtrArray) warnings = g_ptr_array_new_with_free_func (g_free);
      g_autoptr (GError) match_error = NULL;
      g_autoptr (CrProvider) provider = NULL;
      g_autoptr (CrAccount) match = cr_config_match_account (config, queries[i].protocol,
                                                             queries[i].host, queries[i].path,
                                                             &provider, warnings, &match_error);

      if (match != NULL && !name_is_valid (match->name))
        fuzz_fail ("matched an account with an invalid name");
      if (match != NULL && (provider == NULL || match->endpoint == NULL))
        fuzz_fail ("matched an account that is not resolved");
      if (match == NULL && match_error != NULL)
        fuzz_check_message (match_error);
      if (match != NULL && match_error != NULL)
        fuzz_fail ("matched an account and failed");
    }

  /* A name that is not there is an error, not a crash. */
  {
    g_autoptr (GError) missing_error = NULL;
    g_autoptr (CrAccount) missing = cr_config_get_account (config, "no-such-account\x7f", &missing_error);

    if (missing == NULL)
      fuzz_check_message (missing_error);
  }
  return 0;
}
