/* Private to libcredring: a mark per account that says its state changed,
 * left by whichever process changed it, so that a long-running one
 * (credring-service) never serves a token from memory that the keyring no
 * longer holds, and can tell its callers at once.
 *
 * The mark is the file ACCOUNT.changed in the runtime directory
 * (base/runtime-dir.h), replaced on each change by a rename from
 * ACCOUNT.changed.CHANGE.XXXXXX (so that its inode changes too, and a
 * watcher learns each change's name), and holding the change's name. */
#ifndef CR_CHANGES_H
#define CR_CHANGES_H

#include <sys/types.h>

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  CR_CHANGE_TOKEN,  /* a new token was stored */
  CR_CHANGE_LOGIN,  /* a login or sign-in stored new secrets */
  CR_CHANGE_LOGOUT, /* the token, or the secrets too, were dropped */
} CrChange;

/* What a mark looked like when it was read: equal marks mean that nothing
 * changed in between. */
typedef struct {
  gboolean exists;
  dev_t device;
  ino_t inode;
  gint64 modified_nsec;
} CrChangeMark;

#define CR_CHANGE_MARK_SUFFIX ".changed"

const char *cr_change_to_string (CrChange change);

/* Marks @account as changed.  Called with the account's lock held, after
 * the keyring changed.  A mark that cannot be left is a warning: the
 * keyring, the authority, has changed all the same. */
void cr_change_mark (const char *account, CrChange change);

/* @account's mark as it is now (exists FALSE: never marked, or no
 * runtime directory). */
void cr_change_mark_read (const char *account, CrChangeMark *mark);
gboolean cr_change_mark_equal (const CrChangeMark *a, const CrChangeMark *b);

/* For a watcher of the runtime directory: the account that the file
 * @basename marks (NULL: not a mark), and the change the mark at @path
 * records (FALSE: none that can be read). */
char *cr_change_mark_account (const char *basename);
gboolean cr_change_mark_read_change (const char *path, CrChange *change);
/* The change a mark renamed from @basename (ACCOUNT.changed.CHANGE.XXXXXX)
 * records; FALSE when it is no such name. */
gboolean cr_change_from_temporary_name (const char *basename, CrChange *change);

G_END_DECLS

#endif /* CR_CHANGES_H */
