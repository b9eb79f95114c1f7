/* Private to libcredring: shared by the keyring code (store.c, gitstore.c). */
#ifndef CR_STORE_H
#define CR_STORE_H

#include <glib.h>

G_BEGIN_DECLS

/* Turns a libsecret/GIO failure (@cause, consumed) into one CR_ERROR_KEYRING
 * line with a hint at the usual cause.  Returns FALSE. */
gboolean cr_store_set_error (GError **error, GError *cause);
/* Sets the CR_ERROR_KEYRING error for items that stay locked (no unlock
 * prompt could be answered), @what naming them ("account [x]'s secrets").
 * Returns FALSE. */
gboolean cr_store_set_locked_error (GError **error, const char *what);

G_END_DECLS

#endif /* CR_STORE_H */
