/* The git credential helper protocol: see credring/proto.h. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <unistd.h>

#include <credring/proto.h>

#include "base/host.h"
#include "git/proto-writer.h"

/* At most this many input bytes are quoted in an error message. */
#define QUOTE_MAX 40

/* ---- the keys ---------------------------------------------------------- */

typedef enum {
  KIND_STRING,     /* char * */
  KIND_SECRET,     /* char *, wiped, never quoted */
  KIND_BOOLEAN,    /* gboolean, written as "true" when TRUE (git reads any boolean) */
  KIND_TIMESTAMP,  /* gint64 unix seconds, 0 when not given */
  KIND_LIST,       /* char ** */
  KIND_CAPABILITY, /* capability[]: bits of CrGitCredential.capabilities */
  KIND_URL,        /* read only: split into the other fields */
} KeyKind;

typedef struct {
  const char *name;
  KeyKind kind;
  gsize offset; /* of the field in CrGitCredential */
} Key;

/* Every key we understand, in the order the writer emits them: git's order,
 * capabilities first so the reader knows them before the fields they cover. */
static const Key keys[] = {
  { "capability[]", KIND_CAPABILITY, offsetof (CrGitCredential, capabilities) },
  { "authtype", KIND_STRING, offsetof (CrGitCredential, authtype) },
  { "credential", KIND_SECRET, offsetof (CrGitCredential, credential) },
  { "ephemeral", KIND_BOOLEAN, offsetof (CrGitCredential, ephemeral) },
  { "protocol", KIND_STRING, offsetof (CrGitCredential, protocol) },
  { "host", KIND_STRING, offsetof (CrGitCredential, host) },
  { "path", KIND_STRING, offsetof (CrGitCredential, path) },
  { "username", KIND_STRING, offsetof (CrGitCredential, username) },
  { "password", KIND_SECRET, offsetof (CrGitCredential, password) },
  { "oauth_refresh_token", KIND_SECRET, offsetof (CrGitCredential, oauth_refresh_token) },
  { "password_expiry_utc", KIND_TIMESTAMP, offsetof (CrGitCredential, password_expiry_utc) },
  { "wwwauth[]", KIND_LIST, offsetof (CrGitCredential, wwwauth) },
  { "continue", KIND_BOOLEAN, offsetof (CrGitCredential, multistage) },
  { "state[]", KIND_LIST, offsetof (CrGitCredential, state) },
  { "url", KIND_URL, 0 },
};

#define N_KEYS G_N_ELEMENTS (keys)

/* The longest key, its '=' and the newline fit beside the longest token. */
G_STATIC_ASSERT (sizeof "oauth_refresh_token=\n" - 1 <= CR_PROTO_MAX_LINE - CR_TOKEN_MAX_BYTES);

static const struct {
  CrCapability bit;
  const char *name;
} capabilities[] = {
  { CR_CAPABILITY_AUTHTYPE, "authtype" },
  { CR_CAPABILITY_STATE, "state" },
};

static gboolean
bytes_equal (const char *data, gsize len, const char *literal)
{
  return strlen (literal) == len && memcmp (data, literal, len) == 0;
}

static const Key *
find_key (const char *name, gsize len)
{
  for (gsize i = 0; i < N_KEYS; i++)
    {
      if (bytes_equal (name, len, keys[i].name))
        return &keys[i];
    }
  return NULL;
}

static const Key *
key_named (const char *name)
{
  const Key *key = find_key (name, strlen (name));

  g_assert (key != NULL);
  return key;
}

static char **
string_field (CrGitCredential *c, const Key *key)
{
  return G_STRUCT_MEMBER_P (c, key->offset);
}

/* ---- error messages ---------------------------------------------------- */

/* Untrusted bytes made fit for a one-line message: printable ASCII as is,
 * backslash doubled, everything else \xNN, cut after QUOTE_MAX bytes. */
static char *
quote (const char *data, gsize len)
{
  GString *s = g_string_new (NULL);
  gsize n = MIN (len, QUOTE_MAX);

  for (gsize i = 0; i < n; i++)
    {
      guchar ch = (guchar) data[i];

      if (ch == '\\')
        g_string_append (s, "\\\\");
      else if (g_ascii_isprint (ch))
        g_string_append_c (s, (char) ch);
      else
        g_string_append_printf (s, "\\x%02x", ch);
    }
  if (len > n)
    g_string_append (s, "...");
  return g_string_free (s, FALSE);
}

/* Sets "line N (key): ..." or "line N: ...".  Callers pass only constant
 * text, key names from the table and quote()d non-secret values. */
static gboolean G_GNUC_PRINTF (4, 5)
fail (GError **error, guint line, const Key *key, const char *format, ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  if (key != NULL)
    g_set_error (error, CR_ERROR, CR_ERROR_CONFIG, "line %u (%s): %s", line, key->name, message);
  else
    g_set_error (error, CR_ERROR, CR_ERROR_CONFIG, "line %u: %s", line, message);
  return FALSE;
}

/* ---- reading ----------------------------------------------------------- */

typedef struct {
  CrGitCredential *c;
  guint line;               /* the line being parsed, from 1 */
  guint given_on[N_KEYS];   /* the line each single-valued key was given on; 0: not yet */
  guint n_values[N_KEYS];   /* entries in each list since its last reset */
} Parser;

/* Records that @key is given on this line; a second time is an error,
 * because git would silently keep the last value and we cannot tell which
 * one the sender meant. */
static gboolean
claim (Parser *p, const Key *key, GError **error)
{
  gsize i = (gsize) (key - keys);

  if (p->given_on[i] != 0)
    return fail (error, p->line, key, "given twice (first on line %u)", p->given_on[i]);
  p->given_on[i] = p->line;
  return TRUE;
}

/* Takes ownership of @value, also on failure. */
static gboolean
set_string (Parser *p, const Key *key, char *value, GError **error)
{
  if (!claim (p, key, error))
    {
      cr_secret_free (value);
      return FALSE;
    }
  *string_field (p->c, key) = value;
  return TRUE;
}

/* git_config_bool()'s spellings. */
static gboolean
parse_boolean (Parser *p, const Key *key, const char *value, gsize len, GError **error)
{
  static const char *const truths[] = { "true", "yes", "on" };
  static const char *const lies[] = { "false", "no", "off", "" };
  g_autofree char *text = g_strndup (value, len);
  gboolean *field = G_STRUCT_MEMBER_P (p->c, key->offset);
  gint64 number;

  if (!claim (p, key, error))
    return FALSE;
  for (gsize i = 0; i < G_N_ELEMENTS (truths); i++)
    {
      if (g_ascii_strcasecmp (text, truths[i]) == 0)
        {
          *field = TRUE;
          return TRUE;
        }
    }
  for (gsize i = 0; i < G_N_ELEMENTS (lies); i++)
    {
      if (g_ascii_strcasecmp (text, lies[i]) == 0)
        {
          *field = FALSE;
          return TRUE;
        }
    }
  if (g_ascii_string_to_signed (text, 10, G_MININT64, G_MAXINT64, &number, NULL))
    {
      *field = number != 0;
      return TRUE;
    }

  g_autofree char *quoted = quote (value, len);
  return fail (error, p->line, key, "not a boolean: '%s'", quoted);
}

static gboolean
parse_timestamp (Parser *p, const Key *key, const char *value, gsize len, GError **error)
{
  g_autofree char *text = g_strndup (value, len);
  gint64 *field = G_STRUCT_MEMBER_P (p->c, key->offset);
  gint64 seconds;

  if (!claim (p, key, error))
    return FALSE;
  if (!g_ascii_string_to_signed (text, 10, 0, G_MAXINT64, &seconds, NULL))
    {
      g_autofree char *quoted = quote (value, len);
      return fail (error, p->line, key, "not a number of seconds: '%s'", quoted);
    }
  /* As in git, 0 means no expiry. */
  *field = seconds;
  return TRUE;
}

static gboolean
add_to_list (Parser *p, const Key *key, const char *value, gsize len, GError **error)
{
  gsize i = (gsize) (key - keys);
  char ***list = G_STRUCT_MEMBER_P (p->c, key->offset);
  guint n = p->n_values[i];

  /* "key[]=" empties the list (gitcredentials(7)). */
  if (len == 0)
    {
      g_clear_pointer (list, g_strfreev);
      p->n_values[i] = 0;
      return TRUE;
    }
  if (n == CR_PROTO_MAX_VALUES)
    return fail (error, p->line, key, "more than %d values", CR_PROTO_MAX_VALUES);

  *list = g_renew (char *, *list, n + 2);
  (*list)[n] = g_strndup (value, len);
  (*list)[n + 1] = NULL;
  p->n_values[i] = n + 1;
  return TRUE;
}

static gboolean
add_capability (Parser *p, const Key *key, const char *value, gsize len, GError **error)
{
  gsize i = (gsize) (key - keys);

  if (len == 0)
    {
      p->c->capabilities = 0;
      p->n_values[i] = 0;
      return TRUE;
    }
  /* Counted although it allocates nothing, so every list has the same limit. */
  if (p->n_values[i] == CR_PROTO_MAX_VALUES)
    return fail (error, p->line, key, "more than %d values", CR_PROTO_MAX_VALUES);
  p->n_values[i]++;

  for (gsize j = 0; j < G_N_ELEMENTS (capabilities); j++)
    {
      if (bytes_equal (value, len, capabilities[j].name))
        p->c->capabilities |= capabilities[j].bit;
    }
  return TRUE;
}

/* Percent-decodes one URL component, refusing what could not be written
 * back as a protocol value.  NULL for NULL. */
static char *
decode (const char *encoded, gboolean *ok)
{
  char *decoded;

  if (encoded == NULL)
    return NULL;
  decoded = g_uri_unescape_string (encoded, "\r\n");
  if (decoded == NULL)
    *ok = FALSE;
  return decoded;
}

/* The path as git takes it from a URL: everything after the authority,
 * query and fragment included, less leading and trailing slashes. */
static char *
url_path (const char *path, const char *query, const char *fragment, gboolean *ok)
{
  g_autoptr(GString) raw = g_string_new (path);
  const char *start;
  char *decoded;
  gsize len;

  if (query != NULL)
    g_string_append_printf (raw, "?%s", query);
  if (fragment != NULL)
    g_string_append_printf (raw, "#%s", fragment);

  start = raw->str + strspn (raw->str, "/");
  if (*start == '\0')
    return NULL;
  decoded = decode (start, ok);
  if (decoded == NULL)
    return NULL;
  len = strlen (decoded);
  while (len > 1 && decoded[len - 1] == '/')
    decoded[--len] = '\0';
  return decoded;
}

/* "host", "host:port", or a bracketed IPv6 literal as it was in the URL. */
static char *
url_host (const char *host, int port, gboolean *ok)
{
  g_autofree char *name = NULL;

  /* Only an IP literal can hold ':'; GLib has already decoded it (its
   * zone) and removed its brackets. */
  if (strchr (host, ':') != NULL)
    {
      if (strpbrk (host, "\r\n") != NULL)
        {
          *ok = FALSE;
          return NULL;
        }
      name = g_strdup_printf ("[%s]", host);
    }
  else
    name = decode (host, ok);
  if (name == NULL)
    return NULL;
  if (port == -1)
    return g_steal_pointer (&name);
  return g_strdup_printf ("%s:%d", name, port);
}

/* Percent-decodes @len bytes of @encoded, which may hold a password, into
 * a new string; NULL for a '%' without two hex digits after it
 * (*@malformed TRUE) or for a decoded newline, CR or NUL (*@malformed
 * FALSE).  What g_uri_unescape_string() does, but a refused half-decoded
 * password is wiped, not freed as it is. */
static char *
decode_userinfo (const char *encoded, gsize len, gboolean *malformed)
{
  char *decoded = g_malloc (len + 1);
  gsize n = 0;

  for (gsize i = 0; i < len; i++)
    {
      char ch = encoded[i];

      if (ch == '%')
        {
          if (i + 2 >= len || !g_ascii_isxdigit (encoded[i + 1]) ||
              !g_ascii_isxdigit (encoded[i + 2]))
            {
              *malformed = TRUE;
              cr_secret_free_sized (decoded, len + 1);
              return NULL;
            }
          ch = (char) (g_ascii_xdigit_value (encoded[i + 1]) * 16 +
                       g_ascii_xdigit_value (encoded[i + 2]));
          i += 2;
          if (ch == '\n' || ch == '\r' || ch == '\0')
            {
              *malformed = FALSE;
              cr_secret_free_sized (decoded, len + 1);
              return NULL;
            }
        }
      decoded[n++] = ch;
    }
  decoded[n] = '\0';
  return decoded;
}

/* Cuts the userinfo ("user:password") out of @url, in place, leaving its
 * '@', and returns it; NULL when @url has none.  Found as GLib's URI
 * parser finds it — after "scheme:" (if any) and "//", up to the first '@'
 * of the authority, which ends at the first '/', '?' or '#' — so that the
 * parser never sees the password: it copies the userinfo and frees the
 * copies unwiped.  git splits the same way (credential_from_url()). */
static char *
cut_userinfo (char *url)
{
  char *p = url;
  char *authority, *at;
  gsize cut, rest;
  char *userinfo;

  if (g_ascii_isalpha (*p))
    {
      do
        p++;
      while (g_ascii_isalnum (*p) || *p == '+' || *p == '-' || *p == '.');
      p = *p == ':' ? p + 1 : url;
    }
  if (strncmp (p, "//", 2) != 0)
    return NULL;
  authority = p + 2;
  at = memchr (authority, '@', strcspn (authority, "/?#"));
  if (at == NULL)
    return NULL;

  cut = (gsize) (at - authority);
  rest = strlen (at);
  userinfo = g_strndup (authority, cut);
  memmove (authority, at, rest + 1);
  cr_secret_wipe (authority + rest + 1, cut);
  return userinfo;
}

/* Takes the userinfo out of @url (cut_userinfo()) and decodes the user
 * name in it and, after its first ':', the password, as git does; each is
 * left NULL when the URL has none.  NULL, or what is wrong. */
static const char *
take_userinfo (char *url, char **username, char **password)
{
  cr_autosecret char *userinfo = cut_userinfo (url);
  gboolean malformed = FALSE;
  const char *colon;
  gsize user_len;

  if (userinfo == NULL)
    return NULL;
  colon = strchr (userinfo, ':');
  user_len = colon != NULL ? (gsize) (colon - userinfo) : strlen (userinfo);
  *username = decode_userinfo (userinfo, user_len, &malformed);
  if (*username != NULL && colon != NULL)
    *password = decode_userinfo (colon + 1, strlen (colon + 1), &malformed);
  if (*username == NULL || (colon != NULL && *password == NULL))
    return malformed ? "not a valid URL" : "the URL encodes a newline, CR or NUL";
  return NULL;
}

/* Splits url= as git does: protocol://[user[:password]@]host[:port][/path].
 * The URL may hold a password, so no message quotes it. */
static gboolean
parse_url (Parser *p, const Key *key, const char *value, gsize len, GError **error)
{
  cr_autosecret char *url = g_strndup (value, len);
  cr_autosecret char *password = NULL;
  g_autofree char *scheme = NULL;
  g_autofree char *encoded_host = NULL;
  g_autofree char *encoded_path = NULL;
  g_autofree char *query = NULL;
  g_autofree char *fragment = NULL;
  g_autofree char *username = NULL;
  g_autofree char *host = NULL;
  g_autofree char *path = NULL;
  const char *problem;
  gboolean ok = TRUE;
  int port = -1;

  if (!claim (p, key, error))
    return FALSE;
  /* GLib decodes an IPv6 zone itself, and would cut it short at a NUL. */
  if (strstr (url, "%00") != NULL)
    return fail (error, p->line, key, "the URL encodes a newline, CR or NUL");

  /* The userinfo is ours to split and decode, the rest GLib's.  ENCODED:
   * we decode ourselves, so that a decoded NUL is caught rather than
   * cutting the string short.  NON_DNS: no IDN rewriting of the host; git
   * takes it byte for byte.  GLib's error is dropped as it quotes the URL. */
  problem = take_userinfo (url, &username, &password);
  if (problem != NULL)
    return fail (error, p->line, key, "%s", problem);
  if (!g_uri_split (url, G_URI_FLAGS_ENCODED | G_URI_FLAGS_NON_DNS, &scheme, NULL,
                    &encoded_host, &port, &encoded_path, &query, &fragment, NULL))
    return fail (error, p->line, key, "not a valid URL");
  /* git insists on "scheme://" too: without it the parts are guesses. */
  if (scheme == NULL || encoded_host == NULL)
    return fail (error, p->line, key, "the URL does not start with scheme://");

  host = url_host (encoded_host, port, &ok);
  path = url_path (encoded_path, query, fragment, &ok);
  /* The same check git makes (check_url_component), CR and NUL added. */
  if (!ok)
    return fail (error, p->line, key, "the URL encodes a newline, CR or NUL");

  if (!set_string (p, key_named ("protocol"), g_steal_pointer (&scheme), error))
    return FALSE;
  if (!set_string (p, key_named ("host"), g_steal_pointer (&host), error))
    return FALSE;
  if (path != NULL && !set_string (p, key_named ("path"), g_steal_pointer (&path), error))
    return FALSE;
  if (username != NULL && !set_string (p, key_named ("username"), g_steal_pointer (&username), error))
    return FALSE;
  if (password != NULL && !set_string (p, key_named ("password"), g_steal_pointer (&password), error))
    return FALSE;
  return TRUE;
}

static gboolean
parse_line (Parser *p, const char *line, gsize len, GError **error)
{
  const char *equals = memchr (line, '=', len);
  const Key *key = NULL;
  const char *value;
  gsize value_len;

  if (equals != NULL)
    key = find_key (line, (gsize) (equals - line));

  /* git's own reader would cut the value at a NUL and keep a CR; either
   * way the helper would store something other than what was sent. */
  if (memchr (line, '\0', len) != NULL)
    return fail (error, p->line, key, "contains a NUL byte");
  if (memchr (line, '\r', len) != NULL)
    return fail (error, p->line, key, "contains a carriage return");
  /* Not quoted: such a line may be the rest of a password cut by a newline. */
  if (equals == NULL)
    return fail (error, p->line, NULL, "no '=' in the line");
  /* Newer peers send keys we do not know; the protocol says to ignore them. */
  if (key == NULL)
    return TRUE;

  value = equals + 1;
  value_len = len - (gsize) (value - line);

  switch (key->kind)
    {
    case KIND_STRING:
    case KIND_SECRET:
      return set_string (p, key, g_strndup (value, value_len), error);
    case KIND_BOOLEAN:
      return parse_boolean (p, key, value, value_len, error);
    case KIND_TIMESTAMP:
      return parse_timestamp (p, key, value, value_len, error);
    case KIND_LIST:
      return add_to_list (p, key, value, value_len, error);
    case KIND_CAPABILITY:
      return add_capability (p, key, value, value_len, error);
    case KIND_URL:
      return parse_url (p, key, value, value_len, error);
    }
  g_assert_not_reached ();
}

gboolean
cr_git_credential_parse (CrGitCredential *credential, const char *data, gsize len, GError **error)
{
  g_auto(CrGitCredential) parsed = CR_GIT_CREDENTIAL_INIT;
  Parser p = { .c = &parsed };
  gsize pos = 0;

  g_return_val_if_fail (credential != NULL, FALSE);
  g_return_val_if_fail (data != NULL || len == 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  while (pos < len)
    {
      const char *line = data + pos;
      gsize left = len - pos;
      /* Looks no further than one line can be, so hostile input costs
       * O(len) however it is cut. */
      const char *newline = memchr (line, '\n', MIN (left, (gsize) CR_PROTO_MAX_LINE));
      gsize line_len = newline != NULL ? (gsize) (newline - line) : left;

      p.line++;
      /* The limit counts the newline, also for a last line without one. */
      /* Not a usage error: git itself writes lines of any length. */
      if (line_len + 1 > CR_PROTO_MAX_LINE)
        {
          g_set_error (error, CR_ERROR, CR_ERROR_FAILED, "line %u: longer than %d bytes", p.line,
                       CR_PROTO_MAX_LINE);
          return FALSE;
        }
      if (line_len == 0)
        break;
      if (!parse_line (&p, line, line_len, error))
        return FALSE;
      pos += line_len + 1;
    }

  cr_git_credential_clear (credential);
  *credential = parsed;
  parsed = (CrGitCredential) CR_GIT_CREDENTIAL_INIT;
  return TRUE;
}

/* What was read from the fd, wiped when it goes: it holds the password. */
typedef struct {
  char *data;
  gsize len;
} Input;

static void
input_clear (Input *input)
{
  cr_secret_wipe (input->data, input->len);
  g_clear_pointer (&input->data, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Input, input_clear)

/* Whether an empty line ends in data[from, to). */
static gboolean
has_empty_line (const char *data, gsize from, gsize to)
{
  for (gsize i = from; i < to; i++)
    {
      if (data[i] == '\n' && (i == 0 || data[i - 1] == '\n'))
        return TRUE;
    }
  return FALSE;
}

gboolean
cr_git_credential_read_fd (CrGitCredential *credential, int fd, GError **error)
{
  /* One buffer of the full size, never grown: growing would leave copies of
   * the secret in freed memory.  Pages never written cost nothing.  The
   * extra byte tells input of exactly the limit from input over it. */
  g_auto(Input) input = { g_malloc (CR_PROTO_MAX_INPUT + 1), 0 };

  g_return_val_if_fail (credential != NULL, FALSE);
  g_return_val_if_fail (fd >= 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  for (;;)
    {
      gssize n = read (fd, input.data + input.len, CR_PROTO_MAX_INPUT + 1 - input.len);
      gboolean done;

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int saved_errno = errno;

          g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
                       "cannot read the request: %s", g_strerror (saved_errno));
          return FALSE;
        }
      if (n == 0)
        break;
      /* An empty line past the limit does not count. */
      done = has_empty_line (input.data, input.len,
                             MIN (input.len + (gsize) n, (gsize) CR_PROTO_MAX_INPUT));
      input.len += (gsize) n;
      if (done)
        break;
      if (input.len > CR_PROTO_MAX_INPUT)
        {
          g_set_error (error, CR_ERROR, CR_ERROR_FAILED,
                       "the request is longer than %d bytes", CR_PROTO_MAX_INPUT);
          return FALSE;
        }
    }

  return cr_git_credential_parse (credential, input.data, input.len, error);
}

/* ---- writing ----------------------------------------------------------- */

/* Names the key, never the value: it may be a secret. */
static gboolean
refuse (GError **error, const char *key, const char *reason)
{
  g_autofree char *quoted = quote (key, strlen (key));

  g_set_error (error, CR_ERROR, CR_ERROR_CONFIG, "cannot write '%s': %s", quoted, reason);
  return FALSE;
}

/* Checks one line and adds its size to @size; appends it too unless @out is
 * NULL.  Writing in two passes, checking first, is what lets a failure leave
 * @out untouched without a scratch copy of the secrets. */
static gboolean
put_pair (GString *out, gsize *size, const char *key, const char *value, gsize value_len,
          GError **error)
{
  gsize line_len = strlen (key) + 1 + value_len + 1;

  if (*key == '\0')
    return refuse (error, key, "empty key");
  for (const char *k = key; *k != '\0'; k++)
    {
      if (*k == '=' || g_ascii_iscntrl (*k))
        return refuse (error, key, "the key holds '=' or a control character");
    }
  /* What git refuses to write (credential_write_item), and what our reader refuses. */
  if (memchr (value, '\n', value_len) != NULL || memchr (value, '\r', value_len) != NULL
      || memchr (value, '\0', value_len) != NULL)
    return refuse (error, key, "the value holds a newline, CR or NUL");
  /* A limit of ours, not a mistake of the caller's (e.g. a password that
   * git's own storage helper kept): exit 1, never the usage error's 2. */
  if (line_len > CR_PROTO_MAX_LINE)
    {
      g_autofree char *quoted = quote (key, strlen (key));

      g_set_error (error, CR_ERROR, CR_ERROR_FAILED,
                   "cannot write '%s': the line would be longer than %d bytes", quoted,
                   CR_PROTO_MAX_LINE);
      return FALSE;
    }

  *size += line_len;
  if (out != NULL)
    {
      g_string_append (out, key);
      g_string_append_c (out, '=');
      g_string_append_len (out, value, (gssize) value_len);
      g_string_append_c (out, '\n');
    }
  return TRUE;
}

static gboolean
put_string (GString *out, gsize *size, const char *key, const char *value, GError **error)
{
  return put_pair (out, size, key, value, strlen (value), error);
}

static gboolean
put_field (GString *out, gsize *size, const CrGitCredential *c, const Key *key, GError **error)
{
  const void *field = G_STRUCT_MEMBER_P (c, key->offset);

  switch (key->kind)
    {
    case KIND_STRING:
    case KIND_SECRET:
      {
        const char *value = *(char *const *) field;

        return value == NULL || put_string (out, size, key->name, value, error);
      }
    case KIND_BOOLEAN:
      return !*(const gboolean *) field || put_string (out, size, key->name, "true", error);
    case KIND_TIMESTAMP:
      {
        gint64 seconds = *(const gint64 *) field;
        char text[32];

        if (seconds == 0)
          return TRUE;
        if (seconds < 0)
          return refuse (error, key->name, "negative");
        g_snprintf (text, sizeof text, "%" G_GINT64_FORMAT, seconds);
        return put_string (out, size, key->name, text, error);
      }
    case KIND_LIST:
      for (char *const *item = *(char **const *) field; item != NULL && *item != NULL; item++)
        {
          /* Would read back as "empty the list". */
          if (**item == '\0')
            return refuse (error, key->name, "an empty value in the list");
          if (!put_string (out, size, key->name, *item, error))
            return FALSE;
        }
      return TRUE;
    case KIND_CAPABILITY:
      for (gsize i = 0; i < G_N_ELEMENTS (capabilities); i++)
        {
          if ((c->capabilities & capabilities[i].bit) != 0
              && !put_string (out, size, key->name, capabilities[i].name, error))
            return FALSE;
        }
      return TRUE;
    case KIND_URL:
      /* Read only: its parts are written instead. */
      return TRUE;
    }
  g_assert_not_reached ();
}

static gboolean
put_credential (GString *out, gsize *size, const CrGitCredential *c, GError **error)
{
  for (gsize i = 0; i < N_KEYS; i++)
    {
      if (!put_field (out, size, c, &keys[i], error))
        return FALSE;
    }
  return TRUE;
}

/* Grows @out once, before any secret is in it, so that appending does not
 * reallocate and leave a copy of the secret behind. */
static void
reserve (GString *out, gsize extra)
{
  gsize len = out->len;

  g_string_set_size (out, len + extra);
  g_string_truncate (out, len);
}

gboolean
cr_git_credential_write (const CrGitCredential *credential, GString *out, GError **error)
{
  gsize size = 0;

  g_return_val_if_fail (credential != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!put_credential (NULL, &size, credential, error))
    return FALSE;
  reserve (out, size);
  size = 0;
  /* Cannot fail: the first pass checked the very same values. */
  return put_credential (out, &size, credential, error);
}

gboolean
cr_proto_write_pair (GString *out, const char *key, const char *value, gssize value_len,
                     GError **error)
{
  gsize size = 0;
  gsize len;

  g_return_val_if_fail (out != NULL, FALSE);
  g_return_val_if_fail (key != NULL, FALSE);
  g_return_val_if_fail (value != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  len = value_len < 0 ? strlen (value) : (gsize) value_len;
  if (!put_pair (NULL, &size, key, value, len, error))
    return FALSE;
  reserve (out, size);
  return put_pair (out, &size, key, value, len, error);
}

/* ---- clearing ---------------------------------------------------------- */

void
cr_git_credential_clear_secrets (CrGitCredential *credential)
{
  g_return_if_fail (credential != NULL);

  for (gsize i = 0; i < N_KEYS; i++)
    {
      if (keys[i].kind == KIND_SECRET)
        cr_secret_freep (string_field (credential, &keys[i]));
    }
}

void
cr_git_credential_clear (CrGitCredential *credential)
{
  g_return_if_fail (credential != NULL);

  cr_git_credential_clear_secrets (credential);
  g_free (credential->protocol);
  g_free (credential->host);
  g_free (credential->path);
  g_free (credential->username);
  g_free (credential->authtype);
  g_strfreev (credential->wwwauth);
  g_strfreev (credential->state);
  *credential = (CrGitCredential) CR_GIT_CREDENTIAL_INIT;
}

gboolean
cr_git_credential_is_safe_for_token (const CrGitCredential *request)
{
  g_autofree char *name = NULL;
  g_autofree char *port = NULL;
  int number;

  g_return_val_if_fail (request != NULL, FALSE);

  if (request->protocol != NULL && g_ascii_strcasecmp (request->protocol, "https") == 0)
    return TRUE;
  /* The port too: in "localhost:1@evil.example" the host is evil.example. */
  if (request->protocol == NULL || g_ascii_strcasecmp (request->protocol, "http") != 0 ||
      request->host == NULL || !cr_host_split (request->host, &name, &port) ||
      !cr_host_parse_port (port, &number))
    return FALSE;
  return cr_host_is_loopback (name);
}
