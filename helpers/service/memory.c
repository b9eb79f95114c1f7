/* credring-service's tokens in memory (memory.h says what may be served). */
#include "config.h"

#include <stdint.h>
#include <sys/stat.h>

#include <string.h>

#include "memory.h"
#include "token/token.h"

typedef struct {
  CrToken *token;     /* secret */
  KeyringState state; /* before the keyring was read */
  char *signature;    /* nullable: settings_signature() of its settings */
  char *config_path;  /* with @signature: where they were read */
  char *provider_path;
} Entry;

struct _TokenMemory {
  GHashTable *entries; /* account name -> Entry */
  const gint *generation;
};

static void
entry_free (gpointer data)
{
  Entry *entry = data;

  cr_token_free (entry->token);
  g_free (entry->signature);
  g_free (entry->config_path);
  g_free (entry->provider_path);
  g_free (entry);
}

static void
append_file_state (GString *out, const char *path)
{
  struct stat st;

  if (path == NULL || stat (path, &st) != 0)
    g_string_append (out, "-;");
  else
    g_string_append_printf (out, "%ju:%ju:%jd.%09ld:%jd;", (uintmax_t) st.st_dev,
                            (uintmax_t) st.st_ino, (intmax_t) st.st_mtim.tv_sec,
                            st.st_mtim.tv_nsec, (intmax_t) st.st_size);
}

char *
settings_signature (const char *config_path, const char *provider_path)
{
  GString *out = g_string_new (NULL);

  append_file_state (out, config_path);
  append_file_state (out, provider_path);
  return g_string_free (out, FALSE);
}

void
settings_files_clear (SettingsFiles *settings)
{
  g_clear_pointer (&settings->config_path, g_free);
  g_clear_pointer (&settings->provider_path, g_free);
  g_clear_pointer (&settings->signature, g_free);
}

TokenMemory *
token_memory_new (const gint *generation)
{
  TokenMemory *memory = g_new0 (TokenMemory, 1);

  memory->generation = generation;
  memory->entries = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, entry_free);
  return memory;
}

void
token_memory_free (TokenMemory *memory)
{
  if (memory == NULL)
    return;
  g_hash_table_destroy (memory->entries);
  g_free (memory);
}

static CrToken *
copy_token (const CrToken *token)
{
  CrToken *copy = cr_token_new (token->access_token, token->token_type, token->issued_at,
                                token->expires_at);

  copy->fingerprint = g_strdup (token->fingerprint);
  return copy;
}

void
keyring_state_read (const TokenMemory *memory, const char *account, KeyringState *state)
{
  /* The generation first: a signal after it shows at the next call. */
  state->generation = g_atomic_int_get (memory->generation);
  cr_change_mark_read (account, &state->mark);
}

void
token_memory_remember (TokenMemory *memory, const char *account, const KeyringState *state,
                       const SettingsFiles *settings, const CrToken *token)
{
  Entry *old = g_hash_table_lookup (memory->entries, account);
  Entry *entry = g_new0 (Entry, 1);

  entry->token = copy_token (token);
  entry->state = *state;
  if (settings != NULL)
    {
      entry->signature = g_strdup (settings->signature);
      entry->config_path = g_strdup (settings->config_path);
      entry->provider_path = g_strdup (settings->provider_path);
    }
  /* What a D-Bus caller's lookup learnt of the settings still holds for
   * the same token remembered again through the socket. */
  else if (old != NULL && old->signature != NULL &&
      g_strcmp0 (old->token->fingerprint, token->fingerprint) == 0)
    {
      entry->signature = g_strdup (old->signature);
      entry->config_path = g_strdup (old->config_path);
      entry->provider_path = g_strdup (old->provider_path);
    }
  g_hash_table_replace (memory->entries, g_strdup (account), entry);
}

/* The entry while the keyring holds what it was read from: else dropped. */
static Entry *
current_entry (TokenMemory *memory, const char *account)
{
  Entry *entry = g_hash_table_lookup (memory->entries, account);
  KeyringState now;

  if (entry == NULL)
    return NULL;
  keyring_state_read (memory, account, &now);
  if (now.generation != entry->state.generation ||
      !cr_change_mark_equal (&now.mark, &entry->state.mark))
    {
      g_hash_table_remove (memory->entries, account);
      return NULL;
    }
  return entry;
}

static gint64
now_seconds (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

CrToken *
token_memory_recall (TokenMemory *memory, const char *account, const char *fingerprint,
                     gint64 min_valid)
{
  Entry *entry = current_entry (memory, account);

  if (entry == NULL || g_strcmp0 (entry->token->fingerprint, fingerprint) != 0 ||
      !cr_token_is_fresh (entry->token, now_seconds (), min_valid))
    return NULL;
  return copy_token (entry->token);
}

CrToken *
token_memory_recall_unchanged (TokenMemory *memory, const char *account, gint64 min_valid)
{
  Entry *entry = current_entry (memory, account);
  g_autofree char *signature = NULL;

  if (entry == NULL || entry->signature == NULL ||
      !cr_token_is_fresh (entry->token, now_seconds (), min_valid))
    return NULL;
  signature = settings_signature (entry->config_path, entry->provider_path);
  if (strcmp (signature, entry->signature) != 0)
    return NULL;
  return copy_token (entry->token);
}

void
token_memory_forget (TokenMemory *memory, const char *account)
{
  g_hash_table_remove (memory->entries, account);
}
