/* Private to libcredring: discovering what a provider leaves to its
 * issuer (RFC 8414 §3; OpenID Connect Discovery 1.0 §4) — the metadata
 * fetched through the fetch module, checked (provider/metadata.h) and kept
 * in a cache, so that most commands read one small file and load no
 * fetch module.  What an account does before it resolves
 * (account/resolve.c):
 *
 *   gboolean done = FALSE;
 *
 *   if (!cr_provider_discover_cached (provider, &done, error))
 *     return FALSE;
 *   if (!done && !cr_provider_discover (provider, ca_certs, account->timeout, error))
 *     return FALSE;
 *
 * The cache, $XDG_CACHE_HOME/credring/discovery/SHA256(ISSUER).json, holds
 * {"expires_at": UNIX-SECONDS, "metadata": DOCUMENT}: the document as the
 * server sent it, checked again on every read.  Not secret, but whoever
 * could write it could send tokens elsewhere: directories are made 0700,
 * the file 0600 by an atomic rename, and a file that is not the user's,
 * that group or others may write, that has expired or whose document no
 * longer passes is not used (it is fetched again and replaced).  Only
 * when fetching fails is an expired one used, so that a token still in the
 * keyring is served while the issuer is out of reach. */
#ifndef CR_DISCOVERY_H
#define CR_DISCOVERY_H

#include <sys/types.h>

#include <credring/credring.h>

#include "provider/metadata.h"

G_BEGIN_DECLS

/* How long discovered metadata is kept: a day, or the answer's
 * Cache-Control max-age when shorter, but at least a minute. */
#define CR_DISCOVERY_MAX_LIFETIME (24 * 60 * 60)
#define CR_DISCOVERY_MIN_LIFETIME 60

/* Where @issuer's metadata is: RFC 8414 §3.1 (@openid FALSE), the
 * well-known segment between the host and the issuer's path, or OpenID
 * Connect Discovery §4 (@openid TRUE), appended to the issuer.  A trailing
 * '/' of the issuer is dropped first. */
char *cr_discovery_url (const char *issuer, gboolean openid);

/* The seconds to keep an answer with @cache_control (nullable): max-age
 * within [CR_DISCOVERY_MIN_LIFETIME, CR_DISCOVERY_MAX_LIFETIME], no-store
 * and no-cache as max-age=0, else the longest. */
gint64 cr_discovery_lifetime (const char *cache_control);

/* The cache file of @issuer's metadata. */
char *cr_discovery_cache_path (const char *issuer);

/* The metadata cached at @path for @issuer, when at @now it has not
 * expired, the file (a regular one of at most 64 KiB) belongs to @owner
 * (the caller passes geteuid()) and is writable by neither group nor
 * others, and the document in it still passes cr_metadata_from_json().
 * NULL otherwise, and in *@why (nullable) the reason, for tracing. */
CrMetadata *cr_discovery_read_cache (const char *path, const char *issuer, gint64 now,
                                     uid_t owner, char **why);

/* The same, expired or not: what is used when the issuer cannot be asked. */
CrMetadata *cr_discovery_read_stale_cache (const char *path, const char *issuer, gint64 now,
                                           uid_t owner, char **why);

/* Writes @document (@len bytes, already checked) to @path as the cache,
 * to expire at @expires_at: the directories 0700 when made, the file 0600,
 * replaced in one rename.  CR_ERROR_FAILED naming @path otherwise. */
gboolean cr_discovery_write_cache (const char *path, const char *document, gsize len,
                                   gint64 expires_at, GError **error);

/* Completes @provider from its issuer's cached metadata when it needs it
 * (cr_provider_needs_discovery()) and the cache is fresh: *@done TRUE.
 * *@done FALSE, no error, when the metadata has to be fetched.  An error
 * only when the cached metadata is there but the provider cannot use it
 * (CR_ERROR_CONFIG, naming the provider file and the issuer). */
gboolean cr_provider_discover_cached (CrProvider *provider, gboolean *done, GError **error);

/* Fetches @provider's issuer's metadata (GET, Accept: application/json,
 * at most @timeout_s seconds for both places it may be at) trusting
 * @ca_certs (PEM, nullable) besides the system's CAs, checks it, caches
 * it and completes @provider.  When the issuer cannot be reached or
 * answers wrongly, metadata it sent before (expired in the cache, but
 * otherwise sound) serves instead.  Errors name the provider file and the
 * issuer, on one line: CR_ERROR_NETWORK when the server cannot be reached
 * or answers wrongly (no metadata, not JSON, another issuer, an endpoint
 * that is not https), CR_ERROR_CONFIG when the provider cannot use what
 * it says (cr_metadata_apply()), CR_ERROR_FAILED when fetch.so is
 * missing. */
gboolean cr_provider_discover (CrProvider *provider, GBytes *ca_certs, int timeout_s,
                               GError **error);

/* loader.c's side: completes @provider's descriptor with @metadata, which
 * it then keeps (taken, whatever the outcome), as cr_metadata_apply()
 * does with what its file left to the metadata. */
gboolean cr_provider_take_metadata (CrProvider *provider, CrMetadata *metadata, GError **error);
/* TRUE when @provider's issuer said, in the metadata it was completed
 * with, that its redirects carry "iss" (RFC 9207 §3).  FALSE when it was
 * not asked: a provider that names all its endpoints is never asked. */
gboolean cr_provider_issuer_in_redirect (CrProvider *provider);

G_END_DECLS

#endif /* CR_DISCOVERY_H */
