/* Private to libcredring: what the plugin loader and the fetch module's
 * loader share. */
#ifndef CR_LOADER_H
#define CR_LOADER_H

#include <glib.h>

G_BEGIN_DECLS

/* Opens the regular file at @path for reading when every directory on
 * the way to it, from "/" and through every symlink, and the file itself
 * belong to root or to us and are writable by nobody else (a sticky
 * directory such as /tmp may be passed through, into a directory of ours,
 * but may hold neither the file nor a symlink on the way): whoever may
 * write any of them could swap in a file of theirs.  The checks are made
 * on the descriptors walked through, so the descriptor returned is the file
 * that was checked, whatever @path names by then: read it, never @path,
 * and close it.  -1 and CR_ERROR_CONFIG naming @path, and the component
 * refused and why, otherwise. */
int cr_loader_open_file (const char *path, GError **error);

/* dlopen()s the file at @path, opened and checked as by
 * cr_loader_open_file(): loading code from anywhere else would run someone
 * else's code as us.  The file loaded is the one checked.  NULL and
 * CR_ERROR_CONFIG naming the file and the reason otherwise. */
void *cr_loader_open (const char *path, GError **error);

/* getenv() that returns NULL in a setuid or setgid process. */
const char *cr_getenv_secure (const char *name);

G_END_DECLS

#endif /* CR_LOADER_H */
