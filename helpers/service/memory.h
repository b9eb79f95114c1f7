/* credring-service: the tokens it keeps in memory, so that a cached one
 * costs one local round trip.  The keyring stays the authority: an entry
 * serves only while the account's change mark (core/cache/changes.h) is
 * as it was when the token was read or stored, while the Secret Service
 * has announced no change of its items since (a program other than
 * credring may delete one: the keyring generation, keyring-watch.c), and
 * only for the settings it was issued under. */
#ifndef CREDRING_SERVICE_MEMORY_H
#define CREDRING_SERVICE_MEMORY_H

#include <credring/credring.h>

#include "cache/changes.h"

G_BEGIN_DECLS

typedef struct _TokenMemory TokenMemory;

/* What the files an account's settings come from looked like: equal
 * signatures mean the settings (and so the fingerprint) are unchanged. */
char *settings_signature (const char *config_path, const char *provider_path);

/* The files, and their signature taken before they were read. */
typedef struct {
  char *config_path;
  char *provider_path; /* nullable: none (a provider compiled in) */
  char *signature;
} SettingsFiles;

void settings_files_clear (SettingsFiles *settings);

/* @generation: the keyring generation, bumped (atomically, from any
 * thread) whenever the Secret Service says an item changed. */
TokenMemory *token_memory_new (const gint *generation);
void token_memory_free (TokenMemory *memory);

/* What was true before the keyring was read: the account's mark and the
 * keyring generation. */
typedef struct {
  CrChangeMark mark;
  gint generation;
} KeyringState;

void keyring_state_read (const TokenMemory *memory, const char *account, KeyringState *state);

/* @token (copied; its fingerprint says for which settings) as @account's,
 * as the keyring held it in @state.  @settings (nullable: unknown) are
 * the files the fingerprint was computed from. */
void token_memory_remember (TokenMemory *memory, const char *account, const KeyringState *state,
                            const SettingsFiles *settings, const CrToken *token);

/* A copy of @account's token when its mark is unchanged, it is fresh for
 * @min_valid and it was issued for @fingerprint; NULL otherwise. */
CrToken *token_memory_recall (TokenMemory *memory, const char *account, const char *fingerprint,
                              gint64 min_valid);
/* The same for a caller that knows no fingerprint: the settings must be
 * unchanged since the token was remembered (its signature recomputed). */
CrToken *token_memory_recall_unchanged (TokenMemory *memory, const char *account,
                                        gint64 min_valid);

void token_memory_forget (TokenMemory *memory, const char *account);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TokenMemory, token_memory_free)

G_END_DECLS

#endif /* CREDRING_SERVICE_MEMORY_H */
