/* credring/gitstore.h — git credentials for hosts no account answers,
 * kept in the Secret Service exactly as git's own git-credential-libsecret
 * keeps them, so that items stored by one are found by the other.
 *
 *   g_auto (CrGitCredential) request = CR_GIT_CREDENTIAL_INIT;
 *   cr_git_credential_read_fd (&request, STDIN_FILENO, &error);
 *   cr_git_store_get (&request, &error);     // fills username, password, ...
 *
 * Schema org.git.Password with the attributes user, server, port (integer),
 * protocol and object (the path).  The secret value is the password,
 * followed by "\npassword_expiry_utc=N" and "\noauth_refresh_token=T" lines
 * when present: the expiry and the refresh token are secret-side data, not
 * public attributes.  Failures are CR_ERROR_KEYRING.
 */
#ifndef CREDRING_GITSTORE_H
#define CREDRING_GITSTORE_H

#include <credring/credring.h>
#include <credring/proto.h>

G_BEGIN_DECLS

/* Finds the first item matching @credential's protocol, host, port, path and
 * username (those given) and fills in username, password,
 * password_expiry_utc and oauth_refresh_token.  An expired password is
 * not returned.  Nothing found, or a request without a protocol or a host
 * or path, is not an error: @credential is left as it was.  Nothing found
 * but a match in a keyring that stays locked is CR_ERROR_KEYRING. */
CR_EXPORT gboolean cr_git_store_get (CrGitCredential *credential, GError **error);

/* Stores @credential's password (empty is fine) for its protocol, host,
 * port, path and username (empty is fine), replacing an item with the same
 * attributes.  A request without protocol, host or path, username or
 * password stores nothing and is not an error. */
CR_EXPORT gboolean cr_git_store_save (const CrGitCredential *credential, GError **error);

/* Removes the items matching the given fields; when a password is given,
 * only those holding that password.  A request with no protocol, host,
 * path or username removes nothing.  A match in a keyring that stays
 * locked is CR_ERROR_KEYRING, and then nothing is removed. */
CR_EXPORT gboolean cr_git_store_erase (const CrGitCredential *credential, GError **error);

G_END_DECLS

#endif /* CREDRING_GITSTORE_H */
