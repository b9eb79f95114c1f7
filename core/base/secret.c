/* Wiping secret memory, and keeping the process from dumping it. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <stdio.h>

#include <string.h>
#include <sys/resource.h>
#ifdef HAVE_SYS_PRCTL_H
#include <sys/prctl.h>
#endif

#include <credring/credring.h>

#include "base/secret.h"

void
cr_secret_wipe (void *data, size_t len)
{
  if (data == NULL || len == 0)
    return;
#if defined(HAVE_MEMSET_EXPLICIT)
  memset_explicit (data, 0, len);
#elif defined(HAVE_EXPLICIT_BZERO)
  explicit_bzero (data, len);
#else
  memset (data, 0, len);
  /* The barrier tells the compiler the zeroed memory is still read. */
  __asm__ __volatile__ ("" : : "r"(data) : "memory");
#endif
}

void
cr_secret_free (char *secret)
{
  if (secret == NULL)
    return;
  cr_secret_wipe (secret, strlen (secret));
  g_free (secret);
}

void
cr_secret_freep (char **secret)
{
  cr_secret_free (*secret);
  *secret = NULL;
}

void
cr_secret_string_free (GString *string)
{
  if (string == NULL)
    return;
  cr_secret_wipe (string->str, string->allocated_len);
  g_string_free (string, TRUE);
}

void
cr_secret_protect_process (void)
{
  const struct rlimit no_core = { 0, 0 };

  /* Both are best effort: a failure leaves the process as it was, which is
   * no worse than not asking. */
  (void) setrlimit (RLIMIT_CORE, &no_core);
#ifdef PR_SET_DUMPABLE
  (void) prctl (PR_SET_DUMPABLE, 0, 0, 0, 0);
#endif
}

gboolean
cr_secret_equal (const char *a, const char *b)
{
  size_t len_a, len_b;
  unsigned char diff;

  if (a == NULL || b == NULL)
    return a == b;
  len_a = strlen (a);
  len_b = strlen (b);
  /* Time depends on the lengths only, never on where the bytes differ. */
  diff = len_a != len_b;
  for (size_t i = 0; i < len_a; i++)
    diff |= (unsigned char) a[i] ^ (unsigned char) b[i % (len_b ? len_b : 1)];
  return diff == 0;
}

void
cr_secret_free_sized (void *data, size_t len)
{
  if (data == NULL)
    return;
  cr_secret_wipe (data, len);
  g_free (data);
}

/* g_printerr() converts to a locale's charset that is not UTF-8 with '?'
 * for what it lacks, and GLib's own messages quote with U+201C and
 * U+201D: in the C locale they read ?like this?.  Transliterated instead
 * (the quotes become '"'), only what has no ASCII likeness becomes '?'. */
static void
print_to_stderr (const char *text)
{
  g_autofree char *ascii = NULL;

  if (!g_get_charset (NULL))
    text = ascii = g_str_to_ascii (text, NULL);
  fputs (text, stderr);
}

void
cr_secret_prepare_front_end (void)
{
  /* A descriptor 0-2 left closed by the caller would be the next file
   * opened (a lock file, a key file), and then what is printed to stdout
   * or stderr would land in it: /dev/null takes its place, as git does. */
  for (int fd = 0; fd <= 2; fd++)
    if (fcntl (fd, F_GETFD) < 0 && errno == EBADF)
      {
        int null_fd = open ("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY);

        if (null_fd >= 0 && null_fd != fd)
          close (null_fd); /* 0-2 are taken lowest first: it can only be fd */
      }
  setlocale (LC_ALL, "");
  g_set_printerr_handler (print_to_stderr);
  cr_secret_protect_process ();
  /* stdio's buffer would keep a copy of the token printed. */
  setvbuf (stdout, NULL, _IONBF, 0);
  /* GLib writes debug messages (G_MESSAGES_DEBUG) to stdout otherwise,
   * which is the token, the JSON or git's protocol a program reads. */
  g_log_writer_default_set_use_stderr (TRUE);
}
