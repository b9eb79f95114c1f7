/* Private to libcredring: providers described in a key file instead of a
 * compiled plugin (doc/writing-a-provider.md).  The loader treats what
 * this returns like a plugin's descriptor. */
#ifndef CR_PROVIDER_FILE_H
#define CR_PROVIDER_FILE_H

#include <credring/credring.h>

G_BEGIN_DECLS

typedef struct _CrProviderFile CrProviderFile;

/* A provider file is small; a bigger one is a mistake. */
#define CR_PROVIDER_FILE_MAX_BYTES (64 * 1024)
#define CR_PROVIDER_FILE_MAX_PARAMS 32

/* Reads the provider @name from @path, which must be a regular file that,
 * with every directory on its path, belongs to root or the user and is
 * writable by neither group nor others (it decides where secrets are sent):
 * cr_trusted_file_open() opens it, and what it checked is what is read.  Every
 * problem is CR_ERROR_CONFIG naming the file, and where there is one the
 * line and the key. */
CrProviderFile *cr_provider_file_load (const char *path, const char *name, GError **error);
/* The descriptor, valid as long as @file: ABI 1.2, no hooks. */
const CrPluginDescriptor *cr_provider_file_get_descriptor (const CrProviderFile *file);
/* What a file that names an issuer leaves to the issuer's metadata
 * (CrMetadataChoice, provider/metadata.h): its grants, its client
 * authentication.  Until the metadata says, the descriptor holds
 * placeholders there (the authorization code grant, HTTP Basic). */
unsigned int cr_provider_file_left_to_metadata (const CrProviderFile *file);
void cr_provider_file_free (CrProviderFile *file);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CrProviderFile, cr_provider_file_free)

G_END_DECLS

#endif /* CR_PROVIDER_FILE_H */
