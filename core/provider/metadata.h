/* Private to libcredring: an authorization server's metadata (RFC 8414
 * §2; OpenID Connect Discovery 1.0 §3), read, checked (RFC 8414 §3.3) and
 * applied to a provider that names its issuer but leaves out what the
 * metadata tells: its endpoints, and for a provider file its grants and
 * client authentication.
 *
 *   g_autoptr (CrMetadata) metadata = cr_metadata_parse (issuer, text, len, error);
 *
 *   if (metadata == NULL || !cr_metadata_apply (metadata, left, &descriptor, error))
 *     return FALSE;
 *   ... the descriptor's endpoints now point into @metadata: keep it as long ...
 *
 * Metadata is not secret, but it decides where secrets go: a document
 * that breaks a rule is refused whole, never partly used. */
#ifndef CR_METADATA_H
#define CR_METADATA_H

#include <yajl/yajl_tree.h>

#include <credring/credring.h>

G_BEGIN_DECLS

/* A document is a few KiB; more is refused. */
#define CR_METADATA_MAX_BYTES (64 * 1024)

/* What a provider file that names an issuer may leave to the metadata,
 * besides the endpoints it leaves out. */
typedef enum {
  CR_METADATA_GRANTS = 1 << 0,      /* neither grant nor grants: grant_types_supported */
  CR_METADATA_CLIENT_AUTH = 1 << 1, /* no client_auth: token_endpoint_auth_methods_supported */
} CrMetadataChoice;

/* A set of client authentications (CrMetadata.client_auths). */
#define CR_CLIENT_AUTH_BIT(auth) (1u << (unsigned int) (auth))

/* A document that passed cr_metadata_parse(): every URL in it is https
 * (http only to a loopback host), without user:password@ or fragment. */
typedef struct {
  char *issuer;
  char *token_endpoint;
  char *authorization_endpoint;        /* nullable */
  char *device_authorization_endpoint; /* nullable */
  char *revocation_endpoint;           /* nullable */
  /* The grants of grant_types_supported (RFC 8414's default when absent:
   * authorization_code, implicit) that credring knows, CR_GRANT_BIT set. */
  unsigned int grants;
  /* token_endpoint_auth_methods_supported (default client_secret_basic)
   * that credring speaks: client_secret_basic, client_secret_post, none. */
  unsigned int client_auths;
  /* code_challenge_methods_supported holds S256 (RFC 7636 §4.2). */
  gboolean s256;
  /* authorization_response_iss_parameter_supported is true: every
   * redirect from this server carries "iss" (RFC 9207 §3), and one
   * without it did not come from it. */
  gboolean issuer_in_redirect;
} CrMetadata;

/* @text (@len bytes) as JSON, stricter than yajl alone: no NUL byte, no
 * comment, at most 16 levels deep, the top a JSON object without a member
 * named twice.  Free *@tree with yajl_tree_free().  CR_ERROR_NETWORK and a
 * short reason otherwise. */
gboolean cr_metadata_read_json (const char *text, gsize len, yajl_val *tree, GError **error);

/* The metadata in @object (a JSON object read by cr_metadata_read_json())
 * of the server whose issuer identifier is @issuer: its "issuer" must be
 * @issuer exactly, its token_endpoint present, and every endpoint and list
 * well-formed.  CR_ERROR_NETWORK (the server answered wrongly) with the
 * rule broken, not naming the issuer or the provider. */
CrMetadata *cr_metadata_from_json (const char *issuer, yajl_val object, GError **error);
/* cr_metadata_read_json() and cr_metadata_from_json() of a document as fetched. */
CrMetadata *cr_metadata_parse (const char *issuer, const char *text, gsize len, GError **error);
void cr_metadata_free (CrMetadata *metadata);

/* TRUE when @provider (left by its file to choose @left, a
 * CrMetadataChoice set; 0 for a plugin) names an issuer (without {host})
 * and lacks what the metadata tells: a token URL, the endpoint of a grant
 * it offers, or a choice it left. */
gboolean cr_metadata_needed (const CrPluginDescriptor *provider, unsigned int left);

/* Completes @provider from @metadata: each endpoint it lacks, and the
 * choices in @left (the grants credring knows and whose endpoints exist,
 * the default the first of authorization_code, device_code,
 * client_credentials, password; client authentication basic, else body,
 * else none).  What the provider names itself stays.  The authorization
 * code grant needs S256 (RFC 7636).  CR_ERROR_CONFIG, @provider
 * untouched, when nothing usable remains.  The strings it sets belong to
 * @metadata. */
gboolean cr_metadata_apply (const CrMetadata *metadata, unsigned int left,
                            CrPluginDescriptor *provider, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CrMetadata, cr_metadata_free)

G_END_DECLS

#endif /* CR_METADATA_H */
