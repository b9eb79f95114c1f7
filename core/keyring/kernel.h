/* Private to libcredring: the kernel keyring (kernel.c), where store.c
 * keeps secrets and tokens when no Secret Service is on the bus.
 *
 *   if (!cr_kernel_keyring_usable (account, error))
 *     return FALSE;                       // the fail-closed error, exit 5
 *   cr_kernel_keyring_save ("token", account, data, len, expires_at, error);
 *   data = cr_kernel_keyring_lookup ("token", account, &len, error);   // secret
 *   cr_kernel_keyring_clear ("token", account, error);
 *
 * One "user" key per account and kind, described "credring:KIND:ACCOUNT"
 * (KIND "token", "client_secret", "password", "refresh_token"; account
 * names have no ':'), readable by its owner alone, in the keyring
 * CREDRING_KERNEL_KEYRING names: "persistent" (the default: the user's
 * persistent keyring, which a cron job's next run finds too; else, where
 * the kernel has none, the user keyring), "user" or "session".  Nothing of
 * it is ever written to disk. */
#ifndef CR_KERNEL_H
#define CR_KERNEL_H

#include <credring/credring.h>

G_BEGIN_DECLS

/* The largest value a "user" key takes, in bytes (the kernel's limit). */
#define CR_KERNEL_MAX_VALUE 32767

/* Whether the keyring can be used (found once per process, then
 * remembered).  Else FALSE and the fail-closed CR_ERROR_KEYRING error
 * naming each way to make credring work for @account; CR_ERROR_CONFIG for
 * a CREDRING_KERNEL_KEYRING that names no keyring. */
gboolean cr_kernel_keyring_usable (const char *account, GError **error);

/* Stores @len bytes of @data (secret, the caller's) as @kind's key for
 * @account, replacing the one there; the kernel removes it at
 * @expires_at (Unix time; 0: never).  CR_ERROR_KEYRING when the kernel
 * refuses (over the user's key quota, say). */
gboolean cr_kernel_keyring_save (const char *kind, const char *account, const void *data,
                                 gsize len, gint64 expires_at, GError **error);

/* The value (secret, NUL-terminated, *@len bytes before the NUL; free
 * with cr_secret_free()); NULL without an error when there is none (or it
 * expired). */
char *cr_kernel_keyring_lookup (const char *kind, const char *account, gsize *len,
                                GError **error);

/* TRUE also when there was none. */
gboolean cr_kernel_keyring_clear (const char *kind, const char *account, GError **error);

G_END_DECLS

#endif /* CR_KERNEL_H */
