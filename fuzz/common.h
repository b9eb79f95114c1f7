/* What the credring fuzz harnesses share: the four real provider
 * descriptors, checks on error messages, a reader that cuts fuzz input
 * into typed fields, and a watch for secrets freed without being wiped.
 *
 *   int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
 *   {
 *     FuzzInput in = { data, size };
 *     g_autofree char *secret = fuzz_take_string (&in, 64);
 *     ...
 *     fuzz_watch_secret (FUZZ_CANARY);  // abort if a freed block holds it
 *     ... code under test ...
 *     fuzz_unwatch_secret ();
 *   }
 *
 * Built by build-aux/fuzz.sh into every harness. */
#ifndef CR_FUZZ_COMMON_H
#define CR_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>

#include <glib.h>

#include <credring/credring.h>

G_BEGIN_DECLS

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);
int LLVMFuzzerInitialize (int *argc, char ***argv);

/* plugins/NAME.c compiled with -Dcredring_plugin=fuzz_provider_NAME. */
extern const CrPluginDescriptor fuzz_provider_acaengine;
extern const CrPluginDescriptor fuzz_provider_ants;
extern const CrPluginDescriptor fuzz_provider_autograb;
extern const CrPluginDescriptor fuzz_provider_dataloy;

#define FUZZ_N_PROVIDERS 4
/* The four, in the order above. */
extern const CrPluginDescriptor *const fuzz_providers[FUZZ_N_PROVIDERS];

/* Makes GLib criticals and warnings (a failed g_return_if_fail) abort, so
 * the fuzzer reports them; keeps g_debug quiet.  Call once. */
void fuzz_init (void);

/* Aborts unless @error is set, in the CR_ERROR domain, and its message is
 * one non-empty line of valid UTF-8 without control characters: what the
 * library promises every caller may print as it is. */
void fuzz_check_message (const GError *error);

/* With FUZZ_LAX_TEXT set in the environment, error messages need only be
 * non-empty and a plugin's description only free of newlines: to look past
 * a known bug while exploring others. */
gboolean fuzz_lax_text (void);

/* Aborts with @why on stderr. */
G_NORETURN void fuzz_fail (const char *why, ...) G_GNUC_PRINTF (1, 2);

/* ---- cutting input into fields ------------------------------------------ */

typedef struct {
  const uint8_t *data;
  size_t size;
} FuzzInput;

/* The next byte, or 0 when the input is used up. */
guint8 fuzz_take_byte (FuzzInput *in);
/* The next four bytes, little-endian, zero-filled at the end of input. */
guint32 fuzz_take_u32 (FuzzInput *in);
/* A string of at most @max bytes: the bytes up to the next NUL (which is
 * consumed) or the end of input.  Never NULL; free with g_free(). */
char *fuzz_take_string (FuzzInput *in, gsize max);

/* A non-empty line of text as plugin.h means it: valid UTF-8 without
 * control characters (under FUZZ_LAX_TEXT, merely without a newline). */
gboolean fuzz_is_one_line (const char *text);

/* ---- accounts ----------------------------------------------------------------- */

/* An account with every key @d may need: client id, username, host, a
 * token URL when @d has none, the endpoint of a default grant that signs
 * a person in when @d has none (https://auth.example.com/authorize or
 * /device), and "v-NAME" for each parameter without a default (those
 * with one are sent their default). */
CrAccount *fuzz_make_account (const CrPluginDescriptor *d);

/* ---- secrets freed unwiped ------------------------------------------------ */

/* A string no fuzzer invents by chance.  Seeds put it inside secret values
 * (tokens, passwords); a freed block that still holds it is a copy of a
 * secret that was not wiped.  Only letters and digits, so it survives
 * form and JSON escaping unchanged. */
#define FUZZ_CANARY "Cnry7Qw3Zx9Kp2Vt"

/* From now on, every free() of a heap block holding @needle aborts with
 * the stack of the free.  @needle must stay valid until unwatched, and
 * must not be in memory the harness frees while watching.  With
 * FUZZ_NO_WATCH set in the environment, it does nothing. */
void fuzz_watch_secret (const char *needle);
void fuzz_unwatch_secret (void);

G_END_DECLS

#endif /* CR_FUZZ_COMMON_H */
