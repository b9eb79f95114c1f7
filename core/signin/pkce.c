/* The one-time values of a browser sign-in: the PKCE code verifier and
 * its S256 challenge (RFC 7636 §4.1-4.2), and the state (RFC 6749 §10.12).
 * All come from the kernel's random source: GLib's GRand is not meant for
 * secrets. */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/random.h>

#include <credring/credring.h>

#include "signin/signin.h"

/* base64url without padding (RFC 7636 appendix A). */
static char *
base64url (const guchar *data, gsize len)
{
  char *text = g_base64_encode (data, len);
  char *end;

  for (char *p = text; *p != '\0'; p++)
    if (*p == '+')
      *p = '-';
    else if (*p == '/')
      *p = '_';
  end = strchr (text, '=');
  if (end != NULL)
    *end = '\0';
  return text;
}

static gboolean
random_bytes (guchar *out, gsize len, GError **error)
{
  gsize done = 0;

  while (done < len)
    {
      ssize_t n = getrandom (out + done, len - done, 0);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        {
          g_set_error (error, CR_ERROR, CR_ERROR_FAILED, "no random numbers from the kernel: %s",
                       g_strerror (errno));
          return FALSE;
        }
      done += (gsize) n;
    }
  return TRUE;
}

char *
cr_signin_random_text (gsize bytes, GError **error)
{
  guchar buffer[64];
  char *text;

  g_return_val_if_fail (bytes > 0 && bytes <= sizeof buffer, NULL);

  if (!random_bytes (buffer, bytes, error))
    return NULL;
  text = base64url (buffer, bytes);
  cr_secret_wipe (buffer, sizeof buffer);
  return text;
}

char *
cr_pkce_challenge (const char *verifier)
{
  g_autoptr (GChecksum) sha256 = g_checksum_new (G_CHECKSUM_SHA256);
  guchar digest[32];
  gsize len = sizeof digest;

  g_return_val_if_fail (verifier != NULL, NULL);

  static const guchar block[64];
  char *challenge;

  g_checksum_update (sha256, (const guchar *) verifier, -1);
  g_checksum_get_digest (sha256, digest, &len);
  challenge = base64url (digest, len);
  /* GChecksum keeps the verifier in its block buffer and frees it as it
   * is: one block of zeros over it first. */
  g_checksum_reset (sha256);
  g_checksum_update (sha256, block, sizeof block);
  return challenge;
}
