/* libFuzzer harness for provider files: cr_provider_file_load()
 * (core/provider/provider-file.c, with core/base/keyfile.c and the loader's trust check),
 * then the core's use of the descriptor it returns: cr_account_resolve(),
 * cr_request_build_masked(), cr_request_format() and cr_response_parse().
 *
 * The input is the file.  The trust check resolves the path and checks the
 * file, the directory it was found in and the one it leads to (owned by us
 * or root, writable by neither group nor others), so a memfd will not do:
 * the bytes go to fuzz.conf, mode 0600, in a private directory (mode 0700)
 * made at start-up and removed at a clean exit (a crash leaves it in
 * $TMPDIR), and are loaded as the provider "fuzz".
 *
 * Checks:
 * - every failure is CR_ERROR_CONFIG with a one-line printable message
 *   (fuzz_check_message()) that starts with "PATH:" and is of bounded
 *   length; one that names a line ("PATH:N: ...") names a line of the
 *   input: for a key ("PATH:N: key 'K'") a line that sets K, for a group
 *   a header, for GLib's syntax error the line GLib quotes
 *   (doc/writing-a-provider.md: "a message naming the file and, where
 *   there is one, the line and the key");
 * - a descriptor it returns passes cr_descriptor_validate() under its
 *   name, is ABI 1.2 without hooks, has its enums in range (the four
 *   grants a provider names, the four client authentications), a grant
 *   set of those holding the default, a description and a default scope
 *   of at most 200 bytes on one printable line, https endpoint URLs
 *   (token, authorization, device authorization, revocation) without
 *   user:password@ and with {host} at most once, in the host, or none, an
 *   issuer that is https without user, query, fragment or {host}, field
 *   names of at most 128 printable bytes, at most
 *   CR_PROVIDER_FILE_MAX_PARAMS distinct, non-reserved parameter names of
 *   [A-Za-z0-9_.-]{1,64} without defaults (writing-a-provider.md's table);
 * - what GKeyFile reads of the input agrees: one group, [provider], only
 *   the known keys, and the descriptor holds their values: "grant" the
 *   default, "grants" the set, its first the default unless "grant" says
 *   otherwise; grant, client_auth and body required unless an issuer is
 *   named, which then leaves the grants and client_auth to its metadata
 *   (cr_provider_file_left_to_metadata()) and the body a form;
 * - the descriptor is usable: an account with every key it needs passes
 *   cr_account_resolve() (unless the defaults are a public client and the
 *   client credentials grant, RFC 6749 §4.4); the masked request for it
 *   fails only with a clean CR_ERROR_CONFIG, or has the token URL with
 *   {host} filled in, the mask where every secret goes (body and
 *   Authorization) and exactly the public values elsewhere: those of the
 *   default grant (for the grants that sign a person in, a form of code,
 *   redirect_uri and code_verifier, or of the device code, without
 *   parameters), the account's parameters and the default scope where it
 *   applies; cr_request_format() shows it; and an answer in the
 *   descriptor's shape parses into a token.
 *
 * Seeds (fuzz/corpus/provider/) are the four examples/providers/NAME.conf
 * and a few edge cases, written by make-seeds.py. */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <yajl/yajl_gen.h>
#include <yajl/yajl_tree.h>

#include "common.h"
/* The provider file reader: private to the core. */
#include "provider/provider-file.h"
#include "provider/descriptor.h"
#include "provider/metadata.h"
#include "token/response.h"

#define NAME "fuzz"
#define NOW G_GINT64_CONSTANT (1700000000)
/* After the path, a message holds at most a line number, a key cut at 64
 * characters and a reason cut at 300 (keyfile.c cuts GLib's at 200), each
 * character escaped to at most 6 bytes (\uXXXX): about 2.3 KB.  More is a
 * value echoed whole. */
#define MESSAGE_MAX_AFTER_PATH 2560

static char *dir_path;
static char *file_path;
static int file_fd = -1;

static void
remove_files (void)
{
  if (file_fd >= 0)
    close (file_fd);
  if (file_path != NULL)
    g_unlink (file_path);
  if (dir_path != NULL)
    g_rmdir (dir_path);
}

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  g_autoptr (GError) error = NULL;

  fuzz_init ();
  /* g_dir_make_tmp() makes it 0700; the umask cannot widen that. */
  dir_path = g_dir_make_tmp ("credring-fuzz-provider-XXXXXX", &error);
  if (dir_path == NULL)
    fuzz_fail ("g_dir_make_tmp: %s", error->message);
  file_path = g_build_filename (dir_path, NAME ".conf", NULL);
  file_fd = open (file_path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (file_fd < 0)
    fuzz_fail ("open %s: %s", file_path, g_strerror (errno));
  if (fchmod (file_fd, 0600) != 0 || chmod (dir_path, 0700) != 0)
    fuzz_fail ("chmod: %s", g_strerror (errno));
  atexit (remove_files);
  return 0;
}

static void
write_file (const uint8_t *data, size_t size)
{
  size_t done = 0;

  while (done < size)
    {
      ssize_t n = pwrite (file_fd, data + done, size - done, (off_t) done);

      if (n <= 0)
        fuzz_fail ("pwrite: %s", g_strerror (errno));
      done += (size_t) n;
    }
  /* Cut to size after writing: ext4 flushes a file truncated to 0 and
   * written again (auto_da_alloc), which made runs wait on the disk. */
  if (ftruncate (file_fd, (off_t) size) != 0)
    fuzz_fail ("ftruncate: %s", g_strerror (errno));
}

/* ---- failures --------------------------------------------------------------- */

/* Line @number (from 1) of @text, without its '\n'; NULL past the end. */
static char *
input_line (const char *text, guint64 number)
{
  const char *line = text;
  const char *end;

  for (guint64 i = 1; i < number; i++)
    {
      line = strchr (line, '\n');
      if (line == NULL)
        return NULL;
      line++;
    }
  end = strchr (line, '\n');
  return end != NULL ? g_strndup (line, end - line) : g_strdup (line);
}

/* The key a "key = value" line sets as keyfile.c reads it (white space
 * as g_ascii_isspace() has it around it), or NULL for another line. */
static char *
line_key (const char *line)
{
  const char *equals;

  while (g_ascii_isspace (*line))
    line++;
  equals = strchr (line, '=');
  if (*line == '#' || *line == '[' || equals == NULL)
    return NULL;
  return g_strstrip (g_strndup (line, equals - line));
}

/* Printable ASCII without '\\' (what escaping adds) and without @also. */
static gboolean
is_plain (const char *text, const char *also)
{
  for (const char *p = text; *p != '\0'; p++)
    if (*p < 0x20 || *p >= 0x7f || *p == '\\' || strchr (also, *p) != NULL)
      return FALSE;
  return TRUE;
}

/* GLib's quotes, in UTF-8: \u201c and \u201d. */
#define OPEN_QUOTE "\xe2\x80\x9c"
#define CLOSE_QUOTE "\xe2\x80\x9d"

/* The text between the first pair of quotes GLib puts around what it
 * quotes, or NULL. */
static char *
quoted (const char *message)
{
  const char *open = strstr (message, OPEN_QUOTE);
  const char *close;

  if (open == NULL)
    return NULL;
  open += strlen (OPEN_QUOTE);
  close = strstr (open, CLOSE_QUOTE);
  return close != NULL ? g_strndup (open, close - open) : NULL;
}

static void
check_failure (const GError *error, const char *text)
{
  g_autofree char *prefix = g_strconcat (file_path, ":", NULL);
  const char *message;
  const char *rest;
  char *end;
  guint64 number;

  fuzz_check_message (error);
  if (error->code != CR_ERROR_CONFIG)
    fuzz_fail ("provider file refused with code %d: %s", error->code, error->message);
  message = error->message;
  if (fuzz_lax_text ())
    return;
  if (!g_str_has_prefix (message, prefix))
    fuzz_fail ("error message does not start with the path: %s", message);
  if (strlen (message) > strlen (file_path) + MESSAGE_MAX_AFTER_PATH)
    fuzz_fail ("error message of %zu bytes: %.200s...", strlen (message), message);

  /* "PATH:N: ...": N must be a line of the input. */
  rest = message + strlen (prefix);
  if (!g_ascii_isdigit (*rest))
    return;
  number = g_ascii_strtoull (rest, &end, 10);
  if (*end != ':')
    return;
  g_autofree char *line = input_line (text, number);
  if (number == 0 || line == NULL)
    fuzz_fail ("error message names line %" G_GUINT64_FORMAT ", which the input lacks: %s", number,
               message);

  /* "PATH:N: key 'K'...": line N sets K.  Keys the message escapes or
   * quotes cannot be compared, and are not. */
  if (g_str_has_prefix (end, ": key '"))
    {
      g_autofree char *key = line_key (line);
      g_autofree char *expected = NULL;

      if (key == NULL)
        fuzz_fail ("error message names line %" G_GUINT64_FORMAT ", which sets no key: %s",
                   number, message);
      if (!is_plain (key, "'") || strlen (key) > 64)
        return;
      expected = g_strdup_printf (": key '%s'", key);
      if (!g_str_has_prefix (end, expected))
        fuzz_fail ("error message names line %" G_GUINT64_FORMAT ", which sets '%s': %s", number,
                   key, message);
    }
  else if (g_str_has_prefix (end, ": unknown group ["))
    {
      const char *p = line;

      while (g_ascii_isspace (*p))
        p++;
      if (*p != '[')
        fuzz_fail ("error message names line %" G_GUINT64_FORMAT ", which is no group header: %s",
                   number, message);
    }
  else
    {
      /* GLib's own syntax error, numbered by keyfile.c: what GLib quotes
       * or names is on the line named. */
      g_autofree char *what = quoted (end);

      if (what == NULL && g_str_has_prefix (end, ": Invalid key name: "))
        what = g_strdup (end + strlen (": Invalid key name: "));
      else if (what == NULL && g_str_has_prefix (end, ": Invalid group name: "))
        what = g_strdup (end + strlen (": Invalid group name: "));

      /* A long quote is cut, with "...", by cr_escape_for_message(). */
      if (what != NULL && g_str_has_suffix (what, "..."))
        what[strlen (what) - 3] = '\0';
      if (what != NULL && *what != '\0' && is_plain (what, "") && strstr (line, what) == NULL)
        fuzz_fail ("error message names line %" G_GUINT64_FORMAT " ('%s') but quotes another: %s",
                   number, line, message);
    }
}

/* ---- the descriptor ----------------------------------------------------------- */

static gboolean
is_field_name (const char *name)
{
  return name != NULL && strlen (name) <= 128 && fuzz_is_one_line (name);
}

static gboolean
is_param_name (const char *name)
{
  if (name == NULL || *name == '\0' || strlen (name) > 64)
    return FALSE;
  for (const char *p = name; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && strchr ("_.-", *p) == NULL)
      return FALSE;
  return TRUE;
}

/* writing-a-provider.md's params row: what credring sends itself, and
 * account keys of their own meaning. */
static const char *const reserved_params[] = {
  "grant_type", "client_id", "client_secret", "username", "password",
  "response_type", "redirect_uri", "state", "code_challenge", "code_challenge_method", "code",
  "code_verifier", "device_code", "refresh_token", "token", "token_type_hint",
  "provider", "token_url", "host", "url", "ca_file", "timeout", "min_valid",
  "grant", "client_auth", "signin_timeout", "issuer", "authorization_url",
  "device_authorization_url", "revocation_url", NULL,
};

static const char *const known_keys[] = {
  "description", "issuer", "token_url", "grant", "grants", "client_auth", "body", "params",
  "token_field", "token_type_field", "expires_in_field", "expires_at_field",
  "authorization_url", "device_authorization_url", "revocation_url", "default_scope", NULL,
};

/* The grants a provider file may name (the table's "grant" row). */
static const char *const grant_names[] = {
  "client_credentials", "password", "authorization_code", "device_code", NULL,
};
static const int grant_values[] = {
  CR_GRANT_CLIENT_CREDENTIALS, CR_GRANT_PASSWORD, CR_GRANT_AUTHORIZATION_CODE,
  CR_GRANT_DEVICE_CODE,
};

#define NAMEABLE_GRANTS                                                                     \
  (CR_GRANT_BIT (CR_GRANT_CLIENT_CREDENTIALS) | CR_GRANT_BIT (CR_GRANT_PASSWORD) |          \
   CR_GRANT_BIT (CR_GRANT_AUTHORIZATION_CODE) | CR_GRANT_BIT (CR_GRANT_DEVICE_CODE))

static gboolean
is_signin_grant (int grant)
{
  return grant == CR_GRANT_AUTHORIZATION_CODE || grant == CR_GRANT_DEVICE_CODE;
}

/* token_url's row, which the other endpoints follow: https, without
 * user:password@, "{host} ... stands once in the host part". */
static void
check_endpoint (const char *key, const char *url)
{
  const char *authority;
  g_auto (GStrv) parts = NULL;
  g_autofree char *filled = NULL;
  g_autoptr (GUri) uri = NULL;

  if (url == NULL)
    return;
  authority = url + strlen ("https://");
  parts = g_strsplit (url, "{host}", -1);
  filled = g_strjoinv ("auth.example.com", parts);
  uri = g_uri_parse (filled, G_URI_FLAGS_NONE, NULL);
  if (!g_str_has_prefix (url, "https://") || !fuzz_is_one_line (url) ||
      memchr (authority, '@', strcspn (authority, "/?#")) != NULL)
    fuzz_fail ("%s is not https, or holds user:password@: %s", key, url);
  if (g_strv_length (parts) > 2 || uri == NULL || g_uri_get_host (uri) == NULL ||
      (g_strv_length (parts) == 2 && strstr (g_uri_get_host (uri), "auth.example.com") == NULL))
    fuzz_fail ("%s with {host} other than once in the host: %s", key, url);
}

/* "https://, without user@, query or fragment, and without {host}". */
static void
check_issuer (const char *issuer)
{
  g_autoptr (GUri) uri = NULL;

  if (issuer == NULL)
    return;
  uri = g_uri_parse (issuer, G_URI_FLAGS_NONE, NULL);
  if (!g_str_has_prefix (issuer, "https://") || !fuzz_is_one_line (issuer) || uri == NULL ||
      g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0' ||
      g_uri_get_userinfo (uri) != NULL || strpbrk (issuer, "?#") != NULL ||
      strstr (issuer, "{host}") != NULL)
    fuzz_fail ("issuer is not https without user, query, fragment or {host}: %s", issuer);
}

static void
check_descriptor (const CrPluginDescriptor *d)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  guint n_params = 0;

  if (!cr_descriptor_validate (d, NAME, &error))
    fuzz_fail ("a loaded provider file fails cr_descriptor_validate: %s", error->message);
  if (d->abi_major != 1 || d->abi_minor != 2 || d->struct_size != sizeof (CrPluginDescriptor))
    fuzz_fail ("provider file descriptor of ABI %u.%u, %zu bytes", d->abi_major, d->abi_minor,
               d->struct_size);
  if (d->add_headers != NULL || d->parse_response != NULL)
    fuzz_fail ("provider file descriptor with hooks");
  if (d->name == NULL || strcmp (d->name, NAME) != 0)
    fuzz_fail ("provider file descriptor named '%s'", d->name ? d->name : "(null)");
  if ((d->grant != CR_GRANT_CLIENT_CREDENTIALS && d->grant != CR_GRANT_PASSWORD &&
       !is_signin_grant (d->grant)) ||
      (d->client_auth != CR_CLIENT_AUTH_BASIC && d->client_auth != CR_CLIENT_AUTH_BASIC_RAW &&
       d->client_auth != CR_CLIENT_AUTH_BODY && d->client_auth != CR_CLIENT_AUTH_NONE) ||
      (d->body_format != CR_BODY_FORM && d->body_format != CR_BODY_JSON) ||
      (d->expiry_form != CR_EXPIRY_SECONDS && d->expiry_form != CR_EXPIRY_ABSOLUTE))
    fuzz_fail ("enum out of range: grant %d, client_auth %d, body %d, expiry %d", d->grant,
               d->client_auth, d->body_format, d->expiry_form);
  if ((d->grants & ~NAMEABLE_GRANTS) != 0 ||
      (d->grants != 0 && (d->grants & CR_GRANT_BIT (d->grant)) == 0))
    fuzz_fail ("grant set 0x%x with the default grant %d", d->grants, d->grant);
  if (!fuzz_is_one_line (d->description) || strlen (d->description) > 200)
    fuzz_fail ("description is not one printable line of at most 200 bytes");
  if (d->default_scope != NULL &&
      (!fuzz_is_one_line (d->default_scope) || strlen (d->default_scope) > 200))
    fuzz_fail ("default scope is not one printable line of at most 200 bytes");
  check_endpoint ("token URL", d->token_url);
  check_endpoint ("authorization URL", d->authorization_url);
  check_endpoint ("device authorization URL", d->device_authorization_url);
  check_endpoint ("revocation URL", d->revocation_url);
  check_issuer (d->issuer);
  if (!is_field_name (d->token_field) || *d->token_field == '\0' ||
      !is_field_name (d->expiry_field) || *d->expiry_field == '\0' ||
      (d->token_type_field != NULL && !is_field_name (d->token_type_field)))
    fuzz_fail ("a field name that is not 1 to 128 printable bytes");
  for (const CrPluginParam *p = d->params; p != NULL && p->name != NULL; p++)
    {
      if (!is_param_name (p->name) || g_strv_contains (reserved_params, p->name))
        fuzz_fail ("parameter name '%s' is invalid or reserved", p->name);
      if (p->presence != CR_PARAM_OPTIONAL && p->presence != CR_PARAM_REQUIRED)
        fuzz_fail ("parameter '%s' has presence %d", p->name, p->presence);
      if (p->default_value != NULL)
        fuzz_fail ("parameter '%s' has a default, which a provider file cannot give", p->name);
      if (!g_hash_table_add (seen, (gpointer) p->name))
        fuzz_fail ("parameter '%s' listed twice", p->name);
      n_params++;
    }
  if (n_params > CR_PROVIDER_FILE_MAX_PARAMS)
    fuzz_fail ("%u parameters", n_params);
}

/* The value GKeyFile reads for @key, stripped; NULL when absent. */
static char *
keyfile_value (GKeyFile *keyfile, const char *key)
{
  char *value = g_key_file_get_string (keyfile, "provider", key, NULL);

  return value != NULL ? g_strstrip (value) : NULL;
}

static void
check_same (GKeyFile *keyfile, const char *key, const char *fallback, const char *actual)
{
  g_autofree char *value = keyfile_value (keyfile, key);
  const char *expected = value != NULL ? value : fallback;

  if (g_strcmp0 (expected, actual) != 0)
    fuzz_fail ("descriptor's %s is '%s' where the file says '%s'", key,
               actual ? actual : "(null)", expected ? expected : "(null)");
}

/* The value of @text among @texts, or -1. */
static int
choice_value (const char *text, const char *const *texts, const int *values)
{
  for (int i = 0; text != NULL && texts[i] != NULL; i++)
    if (strcmp (text, texts[i]) == 0)
      return values[i];
  return -1;
}

static void
check_choice (GKeyFile *keyfile, const char *key, int actual, const char *const *texts,
              const int *values)
{
  g_autofree char *value = keyfile_value (keyfile, key);
  int expected = choice_value (value, texts, values);

  if (expected < 0)
    fuzz_fail ("%s = '%s' was accepted", key, value ? value : "(absent)");
  if (actual != expected)
    fuzz_fail ("%s = %s gave %d", key, value, actual);
}

/* "grant": the default grant; "grants": every grant, ';'-separated, the
 * first the default unless "grant" names another (which must be among
 * them); neither: the issuer's metadata says (grant_types_supported). */
static void
check_grants (const CrPluginDescriptor *d, GKeyFile *keyfile, unsigned int left)
{
  g_autofree char *grant = keyfile_value (keyfile, "grant");
  g_auto (GStrv) items = g_key_file_get_string_list (keyfile, "provider", "grants", NULL, NULL);
  unsigned int set = 0;
  int first = -1;

  if (grant == NULL && items == NULL)
    {
      if (d->issuer == NULL)
        fuzz_fail ("loaded without grant, grants or issuer");
      if ((left & CR_METADATA_GRANTS) == 0 || d->grants != 0)
        fuzz_fail ("neither grant nor grants, and the grants not left to the metadata");
      return;
    }
  if ((left & CR_METADATA_GRANTS) != 0)
    fuzz_fail ("the grants left to the metadata when the file names them");
  if (grant != NULL)
    check_choice (keyfile, "grant", d->grant, grant_names, grant_values);
  if (items == NULL)
    {
      if (d->grants != 0)
        fuzz_fail ("grant = %s alone gave the grant set 0x%x", grant, d->grants);
      return;
    }
  for (guint i = 0; items[i] != NULL; i++)
    {
      g_autofree char *item = g_strstrip (g_strdup (items[i]));
      int value = choice_value (item, grant_names, grant_values);

      if (value < 0)
        fuzz_fail ("grants = ...;'%s';... was accepted", item);
      set |= CR_GRANT_BIT (value);
      if (first < 0)
        first = value;
    }
  if (d->grants != set)
    fuzz_fail ("the grant set is 0x%x where the file lists 0x%x", d->grants, set);
  if (grant == NULL && d->grant != first)
    fuzz_fail ("the default grant is %d, not the first listed, %d", d->grant, first);
  if ((set & CR_GRANT_BIT (d->grant)) == 0)
    fuzz_fail ("the default grant %d is not among the grants 0x%x", d->grant, set);
}

/* What GKeyFile reads of the input, against what the loader accepted. */
static void
check_against_keyfile (const CrPluginDescriptor *d, unsigned int left, const uint8_t *data,
                       size_t size)
{
  static const char *const auths[] = { "basic", "basic-raw", "body", "none", NULL };
  static const int auth_values[] = { CR_CLIENT_AUTH_BASIC, CR_CLIENT_AUTH_BASIC_RAW,
                                     CR_CLIENT_AUTH_BODY, CR_CLIENT_AUTH_NONE };
  static const char *const bodies[] = { "form", "json", NULL };
  static const int body_values[] = { CR_BODY_FORM, CR_BODY_JSON };
  g_autoptr (GKeyFile) keyfile = g_key_file_new ();
  g_auto (GStrv) groups = NULL;
  g_auto (GStrv) keys = NULL;
  g_auto (GStrv) params = NULL;
  g_autofree char *expires_at = NULL;
  gsize n_params = 0;
  guint i = 0;

  if (!g_key_file_load_from_data (keyfile, (const char *) data, size, G_KEY_FILE_NONE, NULL))
    fuzz_fail ("loaded a provider file GKeyFile cannot read");
  groups = g_key_file_get_groups (keyfile, NULL);
  if (groups[0] == NULL || strcmp (groups[0], "provider") != 0 || groups[1] != NULL)
    fuzz_fail ("loaded a provider file whose groups are not just [provider]");
  keys = g_key_file_get_keys (keyfile, "provider", NULL, NULL);
  for (guint k = 0; keys[k] != NULL; k++)
    if (!g_strv_contains (known_keys, keys[k]))
      fuzz_fail ("loaded a provider file with the unknown key '%s'", keys[k]);

  check_same (keyfile, "description", NULL, d->description);
  check_same (keyfile, "issuer", NULL, d->issuer);
  check_same (keyfile, "token_url", NULL, d->token_url);
  check_same (keyfile, "authorization_url", NULL, d->authorization_url);
  check_same (keyfile, "device_authorization_url", NULL, d->device_authorization_url);
  check_same (keyfile, "revocation_url", NULL, d->revocation_url);
  check_same (keyfile, "default_scope", NULL, d->default_scope);
  check_grants (d, keyfile, left);
  /* "Required, unless issuer": then the metadata tells client_auth, and
   * the body is a form (RFC 6749 §4). */
  if (g_key_file_has_key (keyfile, "provider", "client_auth", NULL))
    {
      check_choice (keyfile, "client_auth", d->client_auth, auths, auth_values);
      if ((left & CR_METADATA_CLIENT_AUTH) != 0)
        fuzz_fail ("client_auth left to the metadata when the file names it");
    }
  else if (d->issuer == NULL || (left & CR_METADATA_CLIENT_AUTH) == 0)
    fuzz_fail ("loaded without client_auth, and without leaving it to an issuer's metadata");
  if (g_key_file_has_key (keyfile, "provider", "body", NULL))
    check_choice (keyfile, "body", d->body_format, bodies, body_values);
  else if (d->issuer == NULL || d->body_format != CR_BODY_FORM)
    fuzz_fail ("loaded without body: issuer %s, body format %d", d->issuer ? d->issuer : "none",
               d->body_format);
  check_same (keyfile, "token_field", "access_token", d->token_field);
  check_same (keyfile, "token_type_field", "token_type", d->token_type_field);
  expires_at = keyfile_value (keyfile, "expires_at_field");
  if (expires_at != NULL)
    {
      if (d->expiry_form != CR_EXPIRY_ABSOLUTE || g_key_file_has_key (keyfile, "provider",
                                                                        "expires_in_field", NULL))
        fuzz_fail ("expires_at_field accepted wrongly");
      check_same (keyfile, "expires_at_field", NULL, d->expiry_field);
    }
  else
    {
      if (d->expiry_form != CR_EXPIRY_SECONDS)
        fuzz_fail ("an absolute expiry without expires_at_field");
      check_same (keyfile, "expires_in_field", "expires_in", d->expiry_field);
    }

  /* "a;b!": the names in order, the '!' marking the required ones. */
  params = g_key_file_get_string_list (keyfile, "provider", "params", &n_params, NULL);
  for (const CrPluginParam *p = d->params; p != NULL && p->name != NULL; p++, i++)
    {
      g_autofree char *item = NULL;
      gsize len;

      if (params == NULL || i >= n_params)
        fuzz_fail ("descriptor has more parameters than the file");
      item = g_strstrip (g_strdup (params[i]));
      len = strlen (item);
      if ((p->presence == CR_PARAM_REQUIRED) != (len > 0 && item[len - 1] == '!') ||
          strncmp (item, p->name, len - (p->presence == CR_PARAM_REQUIRED)) != 0 ||
          strlen (p->name) != len - (p->presence == CR_PARAM_REQUIRED))
        fuzz_fail ("parameter %u is '%s' where the file says '%s'", i, p->name, item);
    }
  if (i != n_params)
    fuzz_fail ("descriptor has %u parameters, the file %zu", i, n_params);
}

/* ---- using it ----------------------------------------------------------------- */


/* What a dry run sends as redirect_uri: "127.0.0.1, a port of the moment,
 * /callback" (writing-a-provider.md), the port not known yet. */
#define ANY_LOOPBACK_CALLBACK "(http://127.0.0.1:PORT/callback)"

/* The grant_type of each grant: RFC 6749's names, RFC 8628 §3.4's URN. */
static const char *
grant_type (int grant)
{
  switch (grant)
    {
    case CR_GRANT_CLIENT_CREDENTIALS:
      return "client_credentials";
    case CR_GRANT_PASSWORD:
      return "password";
    case CR_GRANT_AUTHORIZATION_CODE:
      return "authorization_code";
    case CR_GRANT_DEVICE_CODE:
      return "urn:ietf:params:oauth:grant-type:device_code";
    default:
      fuzz_fail ("no grant_type for grant %d", grant);
    }
}

/* Whether an account's scope, or else the default scope, goes with the
 * requests: "scope" is an account key for a provider that signs people
 * in or names a default scope, and a parameter of that name wins. */
static gboolean
sends_own_scope (const CrPluginDescriptor *d)
{
  unsigned int set = d->grants != 0 ? d->grants : CR_GRANT_BIT (d->grant);

  for (const CrPluginParam *p = d->params; p != NULL && p->name != NULL; p++)
    if (strcmp (p->name, "scope") == 0)
      return FALSE;
  return d->default_scope != NULL ||
         (set & (CR_GRANT_BIT (CR_GRANT_AUTHORIZATION_CODE) |
                 CR_GRANT_BIT (CR_GRANT_DEVICE_CODE))) != 0;
}

/* What the body of the default grant's request must hold, name -> value;
 * the secrets are the mask.  The grants that sign a person in send what
 * the RFCs say, and no parameters (writing-a-provider.md). */
static GHashTable *
expected_members (const CrPluginDescriptor *d, const CrAccount *account)
{
  GHashTable *members = g_hash_table_new (g_str_hash, g_str_equal);

  g_hash_table_insert (members, "grant_type", (gpointer) grant_type (d->grant));
  if (d->client_auth == CR_CLIENT_AUTH_BODY || d->client_auth == CR_CLIENT_AUTH_NONE)
    g_hash_table_insert (members, "client_id", account->client_id);
  if (d->client_auth == CR_CLIENT_AUTH_BODY)
    g_hash_table_insert (members, "client_secret", CR_REQUEST_MASK);
  switch (d->grant)
    {
    case CR_GRANT_PASSWORD:
      g_hash_table_insert (members, "username", account->username);
      g_hash_table_insert (members, "password", CR_REQUEST_MASK);
      break;
    case CR_GRANT_AUTHORIZATION_CODE:
      g_hash_table_insert (members, "code", CR_REQUEST_MASK);
      g_hash_table_insert (members, "redirect_uri", ANY_LOOPBACK_CALLBACK);
      g_hash_table_insert (members, "code_verifier", CR_REQUEST_MASK);
      return members;
    case CR_GRANT_DEVICE_CODE:
      g_hash_table_insert (members, "device_code", CR_REQUEST_MASK);
      return members;
    default:
      break;
    }
  for (const CrPluginParam *p = d->params; p != NULL && p->name != NULL; p++)
    g_hash_table_insert (members, (gpointer) p->name,
                         g_hash_table_lookup (account->values, p->name));
  /* The account sets no scope: the provider's default, if any. */
  if (sends_own_scope (d) && d->default_scope != NULL)
    g_hash_table_insert (members, "scope", (gpointer) d->default_scope);
  return members;
}

static gboolean
is_secret_member (const char *name)
{
  return strcmp (name, "client_secret") == 0 || strcmp (name, "password") == 0 ||
         strcmp (name, "code") == 0 || strcmp (name, "code_verifier") == 0 ||
         strcmp (name, "device_code") == 0;
}

/* One member of the body, checked off @expected. */
static void
check_member (GHashTable *expected, const char *name, const char *value, const char *body)
{
  const char *want;

  if (!g_hash_table_lookup_extended (expected, name, NULL, (gpointer *) &want))
    fuzz_fail ("body member '%s' unexpected (or twice): %s", name, body);
  if (strcmp (want, ANY_LOOPBACK_CALLBACK) == 0)
    {
      if (value == NULL || !g_str_has_prefix (value, "http://127.0.0.1:") ||
          !g_str_has_suffix (value, "/callback"))
        fuzz_fail ("body member '%s' is '%s', not a loopback callback: %s", name,
                   value ? value : "(not text)", body);
    }
  else if (value == NULL || strcmp (value, want) != 0)
    fuzz_fail ("body member '%s' is '%s', not '%s'%s: %s", name, value ? value : "(not text)",
               want, is_secret_member (name) ? " (a secret!)" : "", body);
  g_hash_table_remove (expected, name);
}

static void
check_form_body (GHashTable *expected, const char *body)
{
  g_auto (GStrv) pairs = g_strsplit (body, "&", -1);

  for (guint i = 0; pairs[i] != NULL; i++)
    {
      const char *equals = strchr (pairs[i], '=');
      g_autofree char *name = NULL;
      g_autofree char *value = NULL;

      if (equals == NULL)
        fuzz_fail ("form member without '=': %s", body);
      name = g_strndup (pairs[i], equals - pairs[i]);
      /* The mask goes as it is; escaped ("%2A...") it would be another text. */
      value = is_secret_member (name) ? g_strdup (equals + 1)
                                      : g_uri_unescape_string (equals + 1, NULL);
      check_member (expected, name, value, body);
    }
}

static void
check_json_body (GHashTable *expected, const char *body)
{
  char why[256];
  yajl_val tree = yajl_tree_parse (body, why, sizeof why);

  if (tree == NULL || !YAJL_IS_OBJECT (tree))
    fuzz_fail ("JSON body is not an object (%s): %s", tree ? "not an object" : why, body);
  for (size_t i = 0; i < tree->u.object.len; i++)
    check_member (expected, tree->u.object.keys[i], YAJL_GET_STRING (tree->u.object.values[i]),
                  body);
  yajl_tree_free (tree);
}

static void
check_request (const CrPluginDescriptor *d, const CrAccount *account, const CrRequest *request)
{
  g_autoptr (GHashTable) expected = expected_members (d, account);
  g_autofree char *url = NULL;
  g_autofree char *shown = NULL;
  g_autofree char *head = NULL;
  /* The grants that sign a person in: "always as a form" (plugin.h). */
  gboolean json = d->body_format == CR_BODY_JSON && !is_signin_grant (d->grant);
  const char *content_type = json ? "application/json" : "application/x-www-form-urlencoded";

  if (!request->masked)
    fuzz_fail ("a masked request that says it is not");
  if (d->token_url != NULL)
    {
      g_auto (GStrv) parts = g_strsplit (d->token_url, "{host}", -1);

      url = g_strjoinv (account->host, parts);
    }
  else
    url = g_strdup (account->token_url);
  if (g_strcmp0 (request->url, url) != 0)
    fuzz_fail ("request URL '%s', not '%s'", request->url, url);
  if (g_strcmp0 (request->content_type, content_type) != 0)
    fuzz_fail ("request content type '%s' for body format %d", request->content_type,
               d->body_format);
  if (d->client_auth == CR_CLIENT_AUTH_BODY || d->client_auth == CR_CLIENT_AUTH_NONE
        ? request->authorization != NULL
        : g_strcmp0 (request->authorization, "Basic " CR_REQUEST_MASK) != 0)
    fuzz_fail ("Authorization '%s' in a masked request (client_auth %d)",
               request->authorization ? request->authorization : "(none)", d->client_auth);
  if (request->body == NULL || strlen (request->body) != request->body_len ||
      strpbrk (request->body, "\r\n") != NULL)
    fuzz_fail ("request body holds a NUL, CR or LF, or has the wrong length");

  if (json)
    check_json_body (expected, request->body);
  else
    check_form_body (expected, request->body);
  if (g_hash_table_size (expected) > 0)
    {
      GHashTableIter iter;
      gpointer name;

      g_hash_table_iter_init (&iter, expected);
      g_hash_table_iter_next (&iter, &name, NULL);
      fuzz_fail ("body member '%s' missing: %s", (const char *) name, request->body);
    }

  shown = cr_request_format (request);
  if (shown == NULL)
    fuzz_fail ("cr_request_format() refused a masked request");
  head = g_strdup_printf ("POST %s\nContent-Type: %s\n", url, content_type);
  if (!g_str_has_prefix (shown, head) || strstr (shown, request->body) == NULL)
    fuzz_fail ("formatted request does not show the URL, the content type and the body: %s",
               shown);
}

static void
append_json (void *ctx, const char *text, size_t len)
{
  g_string_append_len (ctx, text, len);
}

static void
gen_string (yajl_gen gen, const char *text)
{
  yajl_gen_string (gen, (const unsigned char *) text, strlen (text));
}

/* A token answer in the descriptor's shape parses (unless two of its field
 * names are one, which makes duplicate members). */
static void
check_response (const CrPluginDescriptor *d)
{
  GString *body = g_string_new (NULL);
  yajl_gen gen = yajl_gen_alloc (NULL);
  CrResponse response = { 200, (char *) "application/json", NULL, 0, -1 };
  g_autoptr (GError) error = NULL;
  g_autoptr (CrToken) token = NULL;
  gboolean distinct = strcmp (d->token_field, d->expiry_field) != 0 &&
                      (d->token_type_field == NULL ||
                       (strcmp (d->token_type_field, d->token_field) != 0 &&
                        strcmp (d->token_type_field, d->expiry_field) != 0));

  yajl_gen_config (gen, yajl_gen_print_callback, append_json, body);
  yajl_gen_map_open (gen);
  gen_string (gen, d->token_field);
  gen_string (gen, "tok");
  gen_string (gen, d->expiry_field);
  if (d->expiry_form == CR_EXPIRY_SECONDS)
    yajl_gen_integer (gen, 3600);
  else
    gen_string (gen, "2023-11-15T00:00:00Z");
  if (d->token_type_field != NULL)
    {
      gen_string (gen, d->token_type_field);
      gen_string (gen, "Bearer");
    }
  yajl_gen_map_close (gen);
  yajl_gen_free (gen);

  response.body = body->str;
  response.body_len = body->len;
  token = cr_response_parse (d, NULL, &response, NOW, &error);
  if (token == NULL)
    {
      fuzz_check_message (error);
      if (distinct)
        fuzz_fail ("an answer in the provider's own shape is refused: %s (%s)", error->message,
                   body->str);
    }
  else if (strcmp (token->access_token, "tok") != 0 || token->expires_at <= NOW)
    fuzz_fail ("token '%s' expiring at %" G_GINT64_FORMAT " from %s", token->access_token,
               token->expires_at, body->str);
  g_string_free (body, TRUE);
}

static void
use_descriptor (const CrPluginDescriptor *d)
{
  g_autoptr (CrAccount) account = fuzz_make_account (d);
  g_autoptr (GPtrArray) warnings = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GError) error = NULL;
  g_autoptr (CrRequest) request = NULL;
  g_auto (GStrv) required = cr_provider_account_keys (d, TRUE);
  g_auto (GStrv) optional = cr_provider_account_keys (d, FALSE);

  if (!cr_account_resolve (account, d, warnings, &error))
    {
      /* RFC 6749 §4.4: a public client asks for no token of its own, so an
       * account that takes both defaults has no way to one. */
      fuzz_check_message (error);
      if (error->code != CR_ERROR_CONFIG || d->grant != CR_GRANT_CLIENT_CREDENTIALS ||
          d->client_auth != CR_CLIENT_AUTH_NONE)
        fuzz_fail ("an account with every key fails the check: %s", error->message);
      check_response (d);
      return;
    }

  request = cr_request_build_masked (d, account, &error);
  if (request == NULL)
    {
      fuzz_check_message (error);
      if (error->code != CR_ERROR_CONFIG)
        fuzz_fail ("masked request refused with code %d: %s", error->code, error->message);
    }
  else
    check_request (d, account, request);

  check_response (d);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CrProviderFile) file = NULL;
  g_autofree char *text = g_strndup ((const char *) data, size);
  const CrPluginDescriptor *d;

  write_file (data, size);
  file = cr_provider_file_load (file_path, NAME, &error);
  if (file == NULL)
    {
      check_failure (error, text);
      return 0;
    }
  if (error != NULL)
    fuzz_fail ("success with an error set: %s", error->message);

  d = cr_provider_file_get_descriptor (file);
  check_descriptor (d);
  check_against_keyfile (d, cr_provider_file_left_to_metadata (file), data, size);
  use_descriptor (d);
  return 0;
}
