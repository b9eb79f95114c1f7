/* libFuzzer harness for the git credential protocol (core/git/proto.c).
 *
 * Parses the input; when that succeeds, writes the result, reparses what
 * was written and writes again.  The writer must accept whatever the parser
 * produced, the reader must accept whatever the writer produced, and the two
 * writes must be equal.  A failing parse must give a one-line error and
 * leave the credential untouched.
 *
 * When FUZZ_CANARY appears in the input only inside the values of the
 * secret keys (password=, credential=, oauth_refresh_token=), no heap
 * block holding it may be freed without being wiped (common.h).
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

/* Whether the canary is in the input, and only in secret values.  Bytes
 * after the first empty line are never read, so they do not count. */
static gboolean
should_watch (const char *data, gsize size)
{
  const gsize canary_len = strlen (FUZZ_CANARY);
  gboolean seen = FALSE;
  gsize pos = 0;

  while (pos < size)
    {
      const char *line = data + pos;
      const char *newline = memchr (line, '\n', size - pos);
      gsize len = newline ? (gsize) (newline - line) : size - pos;
      gboolean in_line = FALSE;

      if (len == 0)
        break;
      for (gsize i = 0; i + canary_len <= len; i++)
        if (memcmp (line + i, FUZZ_CANARY, canary_len) == 0)
          in_line = TRUE;
      if (in_line && !is_secret_line (line, len))
        return FALSE;
      seen = seen || in_line;
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
