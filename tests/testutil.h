/* Helpers shared by the GTest unit tests: a throwaway directory and HOME,
 * the build tree's plugins and fetch module for manual runs, files and
 * accounts written from text. */
#ifndef CR_TESTUTIL_H
#define CR_TESTUTIL_H

#include <glib.h>

#include <credring/credring.h>

G_BEGIN_DECLS

/* g_test_init(), then a new throwaway directory (credring-test-@name-XXXXXX)
 * with a HOME and XDG directories under it, set before anything reads them,
 * so that nothing can reach the user's configuration or keyring
 * ($DBUS_SESSION_BUS_ADDRESS and $CREDRING_CONFIG are unset).  For manual
 * runs, $CREDRING_PLUGIN_DIR and $CREDRING_FETCH_MODULE default to the
 * build tree's.  Returns the directory; free it with g_free() after
 * cr_test_remove_tree(). */
char *cr_test_init (int *argc, char ***argv, const char *name);

/* Removes @path and, for a directory, everything under it (symbolic links
 * are removed, never followed). */
void cr_test_remove_tree (const char *path);

/* Writes @text to @dir/@name, which must succeed; returns the path. */
char *cr_test_write_file (const char *dir, const char *name, const char *text);

/* Copies the file @from into @to_dir, as @as (or its own name), with
 * exactly @mode, which must succeed; returns the new path. */
char *cr_test_copy_file (const char *from, const char *to_dir, const char *as, int mode);

/* @d's parameter @name, or NULL; how many parameters @d has. */
const CrPluginParam *cr_test_find_param (const CrPluginDescriptor *d, const char *name);
guint cr_test_count_params (const CrPluginDescriptor *d);

/* Loads the provider @name, which must succeed. */
CrProvider *cr_test_load_provider (const char *name);

/* Writes @text to @dir/accounts.conf and loads its account @name, which
 * must both succeed. */
CrAccount *cr_test_account_from_text (const char *dir, const char *text, const char *name);

/* What a front end does to get a request: cr_account_resolve() @account
 * against @d, then cr_request_build() (or, @credentials NULL,
 * cr_request_build_masked()).  Either may fail, into @error. */
CrRequest *cr_test_build_request (const CrPluginDescriptor *d, CrAccount *account,
                                  const CrClientSecrets *credentials, GError **error);

/* Fails the test unless @haystack contains @needle. */
void cr_test_assert_contains (const char *haystack, const char *needle);

/* Fails the test unless @elapsed_msec < @bound_msec: an upper time bound
 * (how soon something gives up), checked where programs run at their own
 * speed.  Under valgrind, tens of times slower and at the mercy of the
 * machine's load, it is said, not checked (as the integration tests'
 * tap_timing_ok says "SKIP time bound"): a lower bound still holds there,
 * and the caller asserts it itself. */
void cr_test_assert_within (gint64 elapsed_msec, gint64 bound_msec);

/* How many times longer than at full speed a bound that only keeps a test
 * from hanging should be: 10 under valgrind (the integration tests'
 * TIME_SCALE), else 1. */
guint cr_test_time_scale (void);

/* Whether freed memory may be scanned for left-over secrets: not under
 * valgrind, which reports the reads, nor under AddressSanitizer, which
 * keeps freed blocks and its shadow in mappings that must not be read
 * (fuzz/common.c's free hook does that job under ASan). */
gboolean cr_test_can_scan_heap (void);

/* Whether the heap or an anonymous writable mapping (where malloc keeps
 * blocks, live or freed) holds @needle.  It allocates nothing, which
 * could reuse, and so overwrite, the very blocks looked for: keep
 * @needle out of the heap too (a literal). */
gboolean cr_test_heap_holds (const char *needle);

G_END_DECLS

#endif /* CR_TESTUTIL_H */
