/* Private to libcredring: shared by the keyring code (store.c, gitstore.c),
 * the cache, and `credring login --store`. */
#ifndef CR_STORE_H
#define CR_STORE_H

#include <credring/credring.h>

G_BEGIN_DECLS

/* Turns a libsecret/GIO failure (@cause, consumed) into one CR_ERROR_KEYRING
 * line with a hint at the usual cause.  Returns FALSE. */
gboolean cr_store_set_error (GError **error, GError *cause);
/* Sets the CR_ERROR_KEYRING error for items that stay locked (no unlock
 * prompt could be answered), @what naming them ("account [x]'s secrets").
 * Returns FALSE. */
gboolean cr_store_set_locked_error (GError **error, const char *what);

/* Writing the keyring is the cache's (cache/cache.c), under the account's lock. */
const char *cr_secret_kind_to_string (CrSecretKind kind);
/* Tokens are stored in their keyring form, which token/ makes and reads:
 * @data (secret, taken: wiped and freed here) goes to the session
 * collection, or to the kernel keyring, which drops it at @expires_at
 * (the token's expiry, Unix time). */
gboolean cr_store_save_token (const char *account, char *data, gint64 expires_at,
                              GError **error);
/* The account's cached token as @decode makes it of the stored bytes (it
 * returns NULL for a damaged one, as good as none); NULL without an error
 * when there is none.  Keyring failures are CR_ERROR_KEYRING. */
typedef gpointer (*CrStoreDecodeFunc) (const char *data, gsize len);
gpointer cr_store_lookup_token (const char *account, CrStoreDecodeFunc decode, GError **error);
/* Where tokens are kept, and looked for, in this process. */
CrSecretStore cr_store_get_token_store (void);
/* cr_store_lookup_secret(), and *@where (nullable) says where it was found. */
char *cr_store_lookup_secret_where (const char *account, CrSecretKind kind, CrSecretStore *where,
                                    GError **error);
gboolean cr_store_save_secret (const char *account, CrSecretKind kind,
                               const char *value, GError **error);
/* The cached token.  TRUE also when there was nothing to clear.  Items
 * that stay locked (no unlock prompt answered) are CR_ERROR_KEYRING, and
 * then nothing is removed. */
gboolean cr_store_clear_token (const char *account, GError **error);
/* The client secret, password and refresh token; locked items as for
 * cr_store_clear_token(). */
gboolean cr_store_clear_secrets (const char *account, GError **error);
/* One of them. */
gboolean cr_store_clear_secret (const char *account, CrSecretKind kind, GError **error);

/* Where the secrets this process stores go from now on: the Secret
 * Service unless it turned out to be missing (ask after a keyring call,
 * e.g. cr_store_lookup_secret()) or cr_store_keep_secrets_in_kernel() was
 * called. */
CrSecretStore cr_store_get_secret_store (void);
/* `login --store kernel`: from now on this process stores secrets in the
 * kernel keyring even where there is a Secret Service (and removes their
 * copy there).  The CR_ERROR_KEYRING fail-closed error, naming @account,
 * when the kernel keyring cannot be used. */
gboolean cr_store_keep_secrets_in_kernel (const char *account, GError **error);

/* The secret value of a git credential item (gitstore.c): the password,
 * then "password_expiry_utc=N" and "oauth_refresh_token=T" lines, the
 * last of each counting; the parsing apart from libsecret, for the tests.
 * Free with cr_git_stored_value_clear(), which wipes the secrets. */
typedef struct {
  char *password;
  gint64 expiry;
  char *refresh_token;
} CrGitStoredValue;

void cr_git_stored_value_parse (const char *text, CrGitStoredValue *out);
void cr_git_stored_value_clear (CrGitStoredValue *value);

G_END_DECLS

#endif /* CR_STORE_H */
