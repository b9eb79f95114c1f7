/* libFuzzer harness for the git credential protocol (core/git/proto.c).
 *
 * Parses the input; when that succeeds, writes the result, reparses what
 * was written and writes again.  The writer must accept whatever the parser
 * produced, the reader must accept whatever the writer produced, and the two
 * writes must be equal.  A failing parse must give a one-line error and
 * leave the credential untouched.
 *
 * When FUZZ_CANARY appears in the input only inside the values of the
 * secret keys (password=, credential=, oauth_refresh_token=) and the
 * password of url=, no heap block holding it may be freed without being
 * wiped (common.h).
 *
 * Built by build-aux/fuzz.sh; seeds in fuzz/corpus/proto/. */

#include "config.h"

#include <string.h>

#include <credring/proto.h>

#include "common.h"

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  fuzz_init ();
  return 0;
}

static gboolean
is_secret_line (const char *line, gsize len)
{
  static const char *const keys[] = { "password=", "credential=", "oauth_refresh_token=" };

  for (gsize i = 0; i < G_N_ELEMENTS (keys); i++)
    if (len >= strlen (keys[i]) && memcmp (line, keys[i], strlen (keys[i])) == 0)
      return TRUE;
  return FALSE;
}

/* Where the password of a url= line is, as core/git/proto.c's
 * cut_userinfo() finds it: after "scheme://" (or "//"), from the first ':'
 * of the userinfo to the first '@' of the authority, which ends at the
 * first '/', '?' or '#'.  An empty span when the line has none. */
static void
url_password_span (const char *line, gsize len, gsize *start, gsize *end)
{
  gsize i = strlen ("url=");
  gsize authority, stop;
  const char *at, *colon;

  *start = *end = 0;
  if (len < i || memcmp (line, "url=", i) != 0)
    return;
  if (i < len && g_ascii_isalpha (line[i]))
    {
      gsize j = i + 1;

      while (j < len && (g_ascii_isalnum (line[j]) || line[j] == '+' || line[j] == '-' ||
                         line[j] == '.'))
        j++;
      if (j < len && line[j] == ':')
        i = j + 1;
    }
  if (len - i < 2 || line[i] != '/' || line[i + 1] != '/')
    return;
  authority = i + 2;
  for (stop = authority; stop < len; stop++)
    if (line[stop] == '/' || line[stop] == '?' || line[stop] == '#')
      break;
  at = memchr (line + authority, '@', stop - authority);
  colon = at != NULL ? memchr (line + authority, ':', (gsize) (at - (line + authority))) : NULL;
  if (colon == NULL)
    return;
  *start = (gsize) (colon + 1 - line);
  *end = (gsize) (at - line);
}

static gboolean
has_canary (const char *text, gsize len)
{
  const gsize canary_len = strlen (FUZZ_CANARY);

  for (gsize i = 0; i + canary_len <= len; i++)
    if (memcmp (text + i, FUZZ_CANARY, canary_len) == 0)
      return TRUE;
  return FALSE;
}

/* Whether @len bytes at @text hold the canary, as they are or
 * percent-decoded, as the parts of url= are read. */
static gboolean
holds_canary (const char *text, gsize len)
{
  g_autofree char *decoded = g_malloc (len + 1);
  gsize n = 0;

  for (gsize i = 0; i < len; i++)
    {
      if (text[i] == '%' && i + 2 < len && g_ascii_isxdigit (text[i + 1]) &&
          g_ascii_isxdigit (text[i + 2]))
        {
          decoded[n++] = (char) (g_ascii_xdigit_value (text[i + 1]) * 16 +
                                 g_ascii_xdigit_value (text[i + 2]));
          i += 2;
        }
      else
        decoded[n++] = text[i];
    }
  return has_canary (text, len) || has_canary (decoded, n);
}

/* Whether the canary is in the input, and only in secret values: those of
 * the secret keys and the password of url=.  Bytes after the first empty
 * line are never read, so they do not count.  url= is percent-decoded:
 * the canary spelt "%43nry..." in its path is a public path all the same. */
static gboolean
should_watch (const char *data, gsize size)
{
  gboolean seen = FALSE;
  gsize pos = 0;

  while (pos < size)
    {
      const char *line = data + pos;
      const char *newline = memchr (line, '\n', size - pos);
      gsize len = newline ? (gsize) (newline - line) : size - pos;
      gsize start = 0, end = len;

      if (len == 0)
        break;
      if (!is_secret_line (line, len))
        url_password_span (line, len, &start, &end);
      if (holds_canary (line, start) || holds_canary (line + end, len - end))
        return FALSE;
      seen = seen || holds_canary (line + start, end - start);
      pos += len + 1;
    }
  return seen;
}

static void
check_list (char **list)
{
  for (char **item = list; item != NULL && *item != NULL; item++)
    if (**item == '\0')
      fuzz_fail ("a list holds an empty string");
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  CrGitCredential first = CR_GIT_CREDENTIAL_INIT;
  CrGitCredential second = CR_GIT_CREDENTIAL_INIT;
  GString *written = g_string_new (NULL);
  GString *rewritten = g_string_new (NULL);
  GError *error = NULL;
  gboolean watch = should_watch ((const char *) data, size);

  if (watch)
    fuzz_watch_secret (FUZZ_CANARY);

  if (!cr_git_credential_parse (&first, (const char *) data, size, &error))
    {
      CrGitCredential empty = CR_GIT_CREDENTIAL_INIT;

      fuzz_check_message (error);
      if (memcmp (&first, &empty, sizeof first) != 0)
        fuzz_fail ("a failed parse changed the credential");
      g_error_free (error);
      goto out;
    }
  check_list (first.wwwauth);
  check_list (first.state);

  if (!cr_git_credential_write (&first, written, &error))
    fuzz_fail ("cannot write what was read: %s", error->message);
  if (!cr_git_credential_parse (&second, written->str, written->len, &error))
    fuzz_fail ("cannot read what was written: %s", error->message);
  if (!cr_git_credential_write (&second, rewritten, &error))
    fuzz_fail ("cannot write what was read back: %s", error->message);
  if (!g_string_equal (written, rewritten))
    fuzz_fail ("writing, reading and writing again changed the text");

out:
  cr_git_credential_clear (&first);
  cr_git_credential_clear (&second);
  cr_secret_string_free (written);
  cr_secret_string_free (rewritten);
  fuzz_unwatch_secret ();
  return 0;
}
