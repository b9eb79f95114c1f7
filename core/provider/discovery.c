/* Discovering an issuer's metadata, and the cache of it
 * (provider/discovery.h says what is kept where, and why so). */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include <credring/credring.h>

#include "base/error.h"
#include "base/keyfile.h"
#include "provider/discovery.h"
#include "provider/fetch-loader.h"

/* The document and what wraps it. */
#define CACHE_MAX_BYTES (CR_METADATA_MAX_BYTES + 1024)

char *
cr_discovery_url (const char *issuer, gboolean openid)
{
  const char *authority, *path;
  g_autofree char *origin = NULL;
  g_autofree char *trimmed = NULL;

  g_return_val_if_fail (issuer != NULL, NULL);

  authority = strstr (issuer, "://");
  if (authority == NULL)
    return NULL;
  path = strchr (authority + 3, '/');
  if (path == NULL)
    path = issuer + strlen (issuer);
  origin = g_strndup (issuer, (gsize) (path - issuer));
  trimmed = g_strdup (path);
  if (g_str_has_suffix (trimmed, "/"))
    trimmed[strlen (trimmed) - 1] = '\0';
  if (openid)
    return g_strconcat (origin, trimmed, "/.well-known/openid-configuration", NULL);
  return g_strconcat (origin, "/.well-known/oauth-authorization-server", trimmed, NULL);
}

/* RFC 9111 §5.2: directives are comma-separated, case-insensitive, a
 * max-age's value digits (quoted or not). */
gint64
cr_discovery_lifetime (const char *cache_control)
{
  g_auto (GStrv) directives = NULL;
  gint64 lifetime = CR_DISCOVERY_MAX_LIFETIME;

  if (cache_control == NULL)
    return lifetime;
  directives = g_strsplit (cache_control, ",", 64);
  for (guint i = 0; directives[i] != NULL; i++)
    {
      const char *d = g_strstrip (directives[i]);
      guint64 seconds = 0;
      g_autofree char *digits = NULL;

      if (g_ascii_strcasecmp (d, "no-store") == 0 || g_ascii_strcasecmp (d, "no-cache") == 0)
        seconds = 0;
      else if (g_ascii_strncasecmp (d, "max-age=", strlen ("max-age=")) == 0)
        {
          const char *value = d + strlen ("max-age=");
          gsize len = strlen (value);

          if (len >= 2 && value[0] == '"' && value[len - 1] == '"')
            digits = g_strndup (value + 1, len - 2);
          else
            digits = g_strdup (value);
          if (!g_ascii_string_to_unsigned (digits, 10, 0, G_MAXUINT64, &seconds, NULL))
            continue;
        }
      else
        continue;
      lifetime = MIN (lifetime, (gint64) MIN (seconds, (guint64) CR_DISCOVERY_MAX_LIFETIME));
    }
  return MAX (lifetime, CR_DISCOVERY_MIN_LIFETIME);
}

char *
cr_discovery_cache_path (const char *issuer)
{
  g_autofree char *digest = NULL;
  g_autofree char *name = NULL;

  g_return_val_if_fail (issuer != NULL, NULL);

  digest = g_compute_checksum_for_string (G_CHECKSUM_SHA256, issuer, -1);
  name = g_strconcat (digest, ".json", NULL);
  return g_build_filename (g_get_user_cache_dir (), "credring", "discovery", name, NULL);
}

static CrMetadata *
not_used (char **why, char *reason)
{
  if (why != NULL)
    *why = reason;
  else
    g_free (reason);
  return NULL;
}

/* The document in a cache file's tree, when it has not expired (or
 * @stale_ok). */
static CrMetadata *
cached_metadata (yajl_val tree, const char *issuer, gint64 now, gboolean stale_ok, char **why)
{
  const char *expires_path[] = { "expires_at", NULL };
  const char *metadata_path[] = { "metadata", NULL };
  yajl_val expires = yajl_tree_get (tree, expires_path, yajl_t_number);
  yajl_val document = yajl_tree_get (tree, metadata_path, yajl_t_object);
  g_autoptr (GError) error = NULL;
  CrMetadata *metadata;

  if (expires == NULL || !YAJL_IS_INTEGER (expires) || document == NULL)
    return not_used (why, g_strdup ("not a discovery cache file"));
  /* Further than any answer may set: not ours to trust either. */
  if ((YAJL_GET_INTEGER (expires) <= now && !stale_ok) ||
      YAJL_GET_INTEGER (expires) > now + CR_DISCOVERY_MAX_LIFETIME)
    return not_used (why, g_strdup ("expired"));
  metadata = cr_metadata_from_json (issuer, document, &error);
  if (metadata == NULL)
    return not_used (why, g_strdup_printf ("the metadata no longer passes: %s", error->message));
  return metadata;
}

static CrMetadata *
read_cache (const char *path, const char *issuer, gint64 now, gboolean stale_ok, uid_t owner,
            char **why)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) text = NULL;
  yajl_val tree = NULL;
  CrMetadata *metadata;
  struct stat st;
  gsize len;
  const char *data;

  g_return_val_if_fail (path != NULL && issuer != NULL, NULL);

  text = cr_file_read_text_stat (path, "discovery cache", CACHE_MAX_BYTES, &st, &error);
  if (text == NULL)
    return not_used (why, g_strdup (error->message));
  /* Whoever may write it could send the tokens to an endpoint of theirs. */
  if (st.st_uid != owner)
    return not_used (why, g_strdup ("owned by another user"));
  if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0)
    return not_used (why, g_strdup ("writable by group or others"));
  data = g_bytes_get_data (text, &len);
  if (!cr_metadata_read_json (data, len, &tree, &error))
    return not_used (why, g_strdup (error->message));
  metadata = cached_metadata (tree, issuer, now, stale_ok, why);
  yajl_tree_free (tree);
  return metadata;
}

CrMetadata *
cr_discovery_read_cache (const char *path, const char *issuer, gint64 now, uid_t owner,
                         char **why)
{
  return read_cache (path, issuer, now, FALSE, owner, why);
}

CrMetadata *
cr_discovery_read_stale_cache (const char *path, const char *issuer, gint64 now, uid_t owner,
                               char **why)
{
  return read_cache (path, issuer, now, TRUE, owner, why);
}

gboolean
cr_discovery_write_cache (const char *path, const char *document, gsize len, gint64 expires_at,
                          GError **error)
{
  g_autofree char *dir = NULL;
  g_autofree char *text = NULL;
  g_autoptr (GError) local_error = NULL;

  g_return_val_if_fail (path != NULL && document != NULL, FALSE);

  dir = g_path_get_dirname (path);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved = errno;

      g_set_error (error, CR_ERROR, CR_ERROR_FAILED, "%s: %s", dir, g_strerror (saved));
      return FALSE;
    }
  /* The document was checked as JSON: it goes in as it came. */
  text = g_strdup_printf ("{\"expires_at\":%" G_GINT64_FORMAT ",\"metadata\":%.*s}\n",
                          expires_at, (int) len, document);
  if (!g_file_set_contents_full (path, text, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600,
                                 &local_error))
    {
      g_set_error (error, CR_ERROR, CR_ERROR_FAILED, "%s", local_error->message);
      return FALSE;
    }
  return TRUE;
}

/* "FILE: issuer URL: " before @error's message: what to look at. */
static gboolean
prefix_provider (GError **error, CrProvider *provider)
{
  const CrPluginDescriptor *d = cr_provider_get_descriptor (provider);
  g_autofree char *path = cr_escape_for_message (cr_provider_get_path (provider), -1, 300);

  g_prefix_error (error, "%s: issuer %s: ", path, d->issuer);
  return FALSE;
}

gboolean
cr_provider_discover_cached (CrProvider *provider, gboolean *done, GError **error)
{
  g_autofree char *issuer = NULL;
  g_autofree char *path = NULL;
  g_autofree char *why = NULL;
  CrMetadata *metadata;

  g_return_val_if_fail (provider != NULL && done != NULL, FALSE);

  *done = TRUE;
  if (!cr_provider_needs_discovery (provider))
    return TRUE;
  issuer = g_strdup (cr_provider_get_descriptor (provider)->issuer);
  path = cr_discovery_cache_path (issuer);
  metadata = cr_discovery_read_cache (path, issuer, g_get_real_time () / G_USEC_PER_SEC,
                                      geteuid (), &why);
  if (metadata == NULL)
    {
      g_debug ("%s: discovery cache not used: %s", path, why);
      *done = FALSE;
      return TRUE;
    }
  g_debug ("%s: endpoints from the discovery cache %s", issuer, path);
  return cr_provider_take_metadata (provider, metadata, error) || prefix_provider (error, provider);
}

static gboolean
is_json (const char *content_type)
{
  gsize len = strlen ("application/json");

  return content_type != NULL && g_ascii_strncasecmp (content_type, "application/json", len) == 0 &&
         (content_type[len] == '\0' || content_type[len] == ';' || content_type[len] == ' ');
}

/* RFC 8414 §3.1's place, then on a 404 OpenID Connect Discovery's: the
 * answer with the document, and in *@url where it came from. */
static CrFetchResponse *
fetch_answer (const CrFetchModule *module, const char *issuer, GBytes *ca_certs, int timeout_s,
              char **url, GError **error)
{
  gint64 deadline = g_get_monotonic_time () / 1000 + (gint64) timeout_s * 1000;
  g_autofree char *first = cr_discovery_url (issuer, FALSE);
  CrFetchResponse *answer =
    cr_fetch_get (module, first, ca_certs, (gint64) timeout_s * 1000, error);

  *url = g_steal_pointer (&first);
  if (answer != NULL && answer->status == 404)
    {
      g_autofree char *tried = g_steal_pointer (url);

      module->response_free (answer);
      *url = cr_discovery_url (issuer, TRUE);
      answer = cr_fetch_get (module, *url, ca_certs, deadline - g_get_monotonic_time () / 1000,
                             error);
      if (answer != NULL && answer->status == 404)
        {
          g_set_error (error, CR_ERROR, CR_ERROR_NETWORK,
                       "no metadata at %s nor at %s (HTTP 404 at both)", tried, *url);
          g_clear_pointer (&answer, module->response_free);
        }
    }
  if (answer != NULL && (answer->status != 200 || !is_json (answer->content_type)))
    {
      g_autofree char *type = cr_escape_for_message (answer->content_type ? answer->content_type
                                                                          : "no content type",
                                                     -1, 100);

      g_set_error (error, CR_ERROR, CR_ERROR_NETWORK,
                   "the metadata at %s: HTTP %ld, %s (RFC 8414 §3.2: 200, application/json)",
                   *url, answer->status, type);
      g_clear_pointer (&answer, module->response_free);
    }
  return answer;
}

/* The fetched document, checked, cached (a cache that cannot be written
 * costs a fetch next time, nothing more). */
static CrMetadata *
fetch_metadata (const CrFetchModule *module, const char *issuer, GBytes *ca_certs,
                int timeout_s, GError **error)
{
  g_autofree char *url = NULL;
  g_autofree char *path = NULL;
  g_autoptr (GError) unwritten = NULL;
  CrFetchResponse *answer = fetch_answer (module, issuer, ca_certs, timeout_s, &url, error);
  CrMetadata *metadata;
  gint64 expires_at;

  if (answer == NULL)
    return NULL;
  metadata = cr_metadata_parse (issuer, answer->body, answer->body_len, error);
  if (metadata == NULL)
    {
      g_prefix_error (error, "the metadata at %s: ", url);
      module->response_free (answer);
      return NULL;
    }
  expires_at = g_get_real_time () / G_USEC_PER_SEC + cr_discovery_lifetime (answer->cache_control);
  path = cr_discovery_cache_path (issuer);
  if (!cr_discovery_write_cache (path, answer->body, answer->body_len, expires_at, &unwritten))
    g_debug ("discovery cache not written: %s", unwritten->message);
  module->response_free (answer);
  return metadata;
}

/* What an issuer that cannot be asked said last, expired but otherwise
 * sound (RFC 5861's stale-if-error): a token still in the keyring stays
 * usable while the server, or the way to it, is down. */
static CrMetadata *
stale_metadata (const char *issuer, const GError *failure)
{
  g_autofree char *path = cr_discovery_cache_path (issuer);
  g_autofree char *why = NULL;
  CrMetadata *metadata = cr_discovery_read_stale_cache (path, issuer,
                                                        g_get_real_time () / G_USEC_PER_SEC,
                                                        geteuid (), &why);

  if (metadata != NULL)
    g_debug ("%s: %s; the expired metadata of %s used", issuer, failure->message, path);
  return metadata;
}

gboolean
cr_provider_discover (CrProvider *provider, GBytes *ca_certs, int timeout_s, GError **error)
{
  g_autofree char *issuer = NULL;
  g_autoptr (GError) failure = NULL;
  const CrFetchModule *module;
  CrMetadata *metadata;

  g_return_val_if_fail (provider != NULL, FALSE);

  if (!cr_provider_needs_discovery (provider))
    return TRUE;
  module = cr_fetch_module (error);
  if (module == NULL)
    return FALSE;
  issuer = g_strdup (cr_provider_get_descriptor (provider)->issuer);
  g_debug ("%s: discovering its endpoints", issuer);
  metadata = fetch_metadata (module, issuer, ca_certs, timeout_s, &failure);
  if (metadata == NULL && failure->code == CR_ERROR_NETWORK)
    metadata = stale_metadata (issuer, failure);
  if (metadata == NULL)
    {
      g_propagate_error (error, g_steal_pointer (&failure));
      return prefix_provider (error, provider);
    }
  return cr_provider_take_metadata (provider, metadata, error) ||
         prefix_provider (error, provider);
}
