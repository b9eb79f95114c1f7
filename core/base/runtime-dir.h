/* Private to libcredring: the directory of the per-account locks, change
 * marks and credring-service's socket. */
#ifndef CR_RUNTIME_DIR_H
#define CR_RUNTIME_DIR_H

#include <glib.h>

G_BEGIN_DECLS

/* $XDG_RUNTIME_DIR/credring (else a 0700 directory in the cache dir),
 * made if missing; CR_ERROR_FAILED when it cannot be made or is not a
 * directory of ours that only we may enter. */
char *cr_runtime_dir (GError **error);

G_END_DECLS

#endif /* CR_RUNTIME_DIR_H */
