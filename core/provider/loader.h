/* Private to libcredring: what the plugin loader and the fetch module's
 * loader share. */
#ifndef CR_LOADER_H
#define CR_LOADER_H

#include <glib.h>

G_BEGIN_DECLS

/* dlopen()s the file at @path, after following symlinks, when it and its
 * directory belong to root or to us and are writable by neither group nor
 * others: loading code from anywhere else would run someone else's code as
 * us.  CR_ERROR_CONFIG naming the file and the reason otherwise. */
void *cr_loader_open (const char *path, GError **error);

/* @path with its symlinks resolved, when it, the directory it leads to and
 * the directory it was found in belong to root or to us and are writable
 * by neither group nor others; NULL and the same CR_ERROR_CONFIG as
 * cr_loader_open() otherwise.  Use the returned path, not @path: it is
 * what was checked. */
char *cr_loader_resolve_trusted (const char *path, GError **error);

/* getenv() that returns NULL in a setuid or setgid process. */
const char *cr_getenv_secure (const char *name);

G_END_DECLS

#endif /* CR_LOADER_H */
