/* Private to libcredring: one token fetch per account across processes. */
#ifndef CR_LOCK_H
#define CR_LOCK_H

#include <glib.h>

G_BEGIN_DECLS

typedef struct _CrLock CrLock;

/* Called once when a wait for the lock has lasted a second. */
typedef void (*CrLockWaiting) (gpointer data);

/* Takes the account's lock, waiting at most @timeout_seconds; @waiting
 * (nullable) is told when the wait is a long one.  The lock is an flock()
 * on a file in $XDG_RUNTIME_DIR/credring (else a 0700 directory in the
 * cache dir), so a holder that dies releases it. */
CrLock *cr_lock_acquire (const char *account, int timeout_seconds, CrLockWaiting waiting,
                         gpointer waiting_data, GError **error);
void cr_lock_release (CrLock *lock);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CrLock, cr_lock_release)

G_END_DECLS

#endif /* CR_LOCK_H */
