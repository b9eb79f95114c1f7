/* libFuzzer harness for an issuer's metadata (core/provider/metadata.c):
 * cr_metadata_parse() of what a server answers, cr_metadata_apply() of
 * what it accepts to a provider file that names only its issuer, and the
 * discovery cache (core/provider/discovery.c) of the same document.
 *
 * The input is the document, as fetched; the issuer is ISSUER.
 *
 * Checks:
 * - a refusal is CR_ERROR_NETWORK with a one-line printable message
 *   (fuzz_check_message());
 * - what it accepts names ISSUER, has a token endpoint, and every endpoint
 *   is https (http only to a loopback host), without user:password@,
 *   fragment or {host}, of printable ASCII;
 * - applied, it fails only with CR_ERROR_CONFIG (and a clean message),
 *   leaving the descriptor as it was, or gives one whose token URL is the
 *   metadata's, whose grant set holds its default and only grants the
 *   metadata offers with their endpoints, the authorization code grant
 *   only with S256, and a client authentication the metadata offers;
 * - written to the cache, it reads back as the same metadata while fresh,
 *   and not once expired.
 *
 * Seeds (fuzz/corpus/metadata/) are written by make-seeds.py. */

#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "common.h"
#include "provider/discovery.h"
#include "provider/metadata.h"

#define ISSUER "https://login.example.com"
#define NOW G_GINT64_CONSTANT (1700000000)

static char *cache_dir;

static void
remove_cache_dir (void)
{
  g_autofree char *file = g_build_filename (cache_dir, "m.json", NULL);

  g_unlink (file);
  g_rmdir (cache_dir);
}

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  fuzz_init ();
  cache_dir = g_dir_make_tmp ("fuzz-metadata-XXXXXX", NULL);
  if (cache_dir == NULL)
    fuzz_fail ("cannot make a directory for the cache");
  atexit (remove_cache_dir);
  return 0;
}

static void
check_url (const char *name, const char *url)
{
  g_autoptr (GUri) uri = NULL;

  if (url == NULL)
    return;
  for (const char *p = url; *p != '\0'; p++)
    if (*p <= ' ' || *p > '~' || *p == '{' || *p == '}')
      fuzz_fail ("%s holds a byte it may not: %s", name, url);
  uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL || g_uri_get_userinfo (uri) != NULL || g_uri_get_fragment (uri) != NULL)
    fuzz_fail ("%s is not a URL without user or fragment: %s", name, url);
  if (g_ascii_strcasecmp (g_uri_get_scheme (uri), "https") != 0 &&
      !(g_ascii_strcasecmp (g_uri_get_scheme (uri), "http") == 0 &&
        cr_host_is_loopback (g_uri_get_host (uri))))
    fuzz_fail ("%s is neither https nor http to this machine: %s", name, url);
}

static void
check_metadata (const CrMetadata *m)
{
  if (g_strcmp0 (m->issuer, ISSUER) != 0)
    fuzz_fail ("accepted the metadata of issuer %s", m->issuer);
  if (m->token_endpoint == NULL)
    fuzz_fail ("accepted metadata without a token endpoint");
  check_url ("token_endpoint", m->token_endpoint);
  check_url ("authorization_endpoint", m->authorization_endpoint);
  check_url ("device_authorization_endpoint", m->device_authorization_endpoint);
  check_url ("revocation_endpoint", m->revocation_endpoint);
}

static void
check_applied (const CrMetadata *m)
{
  CrPluginDescriptor d = {
    CR_PLUGIN_DESCRIPTOR_HEADER, .name = "fuzz", .description = "Fuzz",
    .grant = CR_GRANT_AUTHORIZATION_CODE, .client_auth = CR_CLIENT_AUTH_BASIC,
    .body_format = CR_BODY_FORM, .token_field = "access_token", .expiry_field = "expires_in",
    .expiry_form = CR_EXPIRY_SECONDS, .issuer = ISSUER,
  };
  CrPluginDescriptor before = d;
  g_autoptr (GError) error = NULL;

  if (!cr_metadata_apply (m, CR_METADATA_GRANTS | CR_METADATA_CLIENT_AUTH, &d, &error))
    {
      fuzz_check_message (error);
      if (error->code != CR_ERROR_CONFIG)
        fuzz_fail ("apply failed with code %d: %s", error->code, error->message);
      if (d.token_url != before.token_url || d.grants != before.grants ||
          d.grant != before.grant || d.client_auth != before.client_auth ||
          d.authorization_url != before.authorization_url ||
          d.device_authorization_url != before.device_authorization_url ||
          d.revocation_url != before.revocation_url)
        fuzz_fail ("a failed apply changed the descriptor");
      return;
    }
  if (d.token_url != m->token_endpoint)
    fuzz_fail ("the token URL is not the metadata's");
  if ((d.grants & CR_GRANT_BIT (d.grant)) == 0 || (d.grants & ~m->grants) != 0)
    fuzz_fail ("grants %x (default %d) for offered %x", d.grants, d.grant, m->grants);
  if (((d.grants & CR_GRANT_BIT (CR_GRANT_AUTHORIZATION_CODE)) != 0 &&
       (d.authorization_url == NULL || !m->s256)) ||
      ((d.grants & CR_GRANT_BIT (CR_GRANT_DEVICE_CODE)) != 0 && d.device_authorization_url == NULL))
    fuzz_fail ("a sign-in grant without its endpoint or PKCE");
  if ((m->client_auths & CR_CLIENT_AUTH_BIT (d.client_auth)) == 0)
    fuzz_fail ("client authentication %d is not offered (%x)", d.client_auth, m->client_auths);
  if (d.client_auth == CR_CLIENT_AUTH_NONE && d.grant == CR_GRANT_CLIENT_CREDENTIALS)
    fuzz_fail ("a public client with client credentials as its default grant");
  if (cr_metadata_needed (&d, 0))
    fuzz_fail ("still needs metadata after it was applied");
}

static void
check_cache (const CrMetadata *m, const uint8_t *data, size_t size)
{
  g_autofree char *path = g_build_filename (cache_dir, "m.json", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (CrMetadata) back = NULL;
  g_autoptr (CrMetadata) late = NULL;
  g_autofree char *why = NULL;

  if (!cr_discovery_write_cache (path, (const char *) data, size, NOW + 60, &error))
    fuzz_fail ("cannot write the cache: %s", error->message);
  back = cr_discovery_read_cache (path, ISSUER, NOW, geteuid (), &why);
  if (back == NULL)
    fuzz_fail ("accepted metadata does not read back from the cache: %s", why);
  if (g_strcmp0 (back->token_endpoint, m->token_endpoint) != 0 || back->grants != m->grants ||
      back->client_auths != m->client_auths || back->s256 != m->s256)
    fuzz_fail ("the cache read back other metadata");
  late = cr_discovery_read_cache (path, ISSUER, NOW + 60, geteuid (), NULL);
  if (late != NULL)
    fuzz_fail ("expired metadata read from the cache");
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CrMetadata) m = cr_metadata_parse (ISSUER, (const char *) data, size, &error);

  if (m == NULL)
    {
      fuzz_check_message (error);
      if (error->code != CR_ERROR_NETWORK)
        fuzz_fail ("refused with code %d: %s", error->code, error->message);
      return 0;
    }
  check_metadata (m);
  check_applied (m);
  check_cache (m, data, size);
  return 0;
}
