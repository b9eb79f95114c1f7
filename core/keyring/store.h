/* Private to libcredring: shared by the keyring code (store.c, gitstore.c). */
#ifndef CR_STORE_H
#define CR_STORE_H

#include <glib.h>

G_BEGIN_DECLS

/* Turns a libsecret/GIO failure (@cause, consumed) into one CR_ERROR_KEYRING
 * line with a hint at the usual cause.  Returns FALSE. */
gboolean cr_store_set_error (GError **error, GError *cause);

G_END_DECLS

#endif /* CR_STORE_H */
