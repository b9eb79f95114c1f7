/* Private to libcredring: trusting a file by its path (trusted-file.c),
 * for the plugin loader, provider files, the fetch module's client,
 * accounts.conf and an account's ca_file. */
#ifndef CR_TRUSTED_FILE_H
#define CR_TRUSTED_FILE_H

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
int cr_trusted_file_open (const char *path, GError **error);
/* The same walk, but the file's own owner and mode are left to the
 * caller, who checks them on the descriptor with advice of its own
 * (accounts.conf: "chmod 600 it"). */
int cr_trusted_path_open (const char *path, GError **error);

/* dlopen()s the file at @path, opened and checked as by
 * cr_trusted_file_open(): loading code from anywhere else would run someone
 * else's code as us.  The file loaded is the one checked.  NULL and
 * CR_ERROR_CONFIG naming the file and the reason otherwise. */
void *cr_trusted_module_open (const char *path, GError **error);

G_END_DECLS

#endif /* CR_TRUSTED_FILE_H */
