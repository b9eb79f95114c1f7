/* accounts.conf: GLib key-file syntax, one group per account. */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include <credring/credring.h>

#include "account/account.h"
#include "base/env.h"
#include "base/keyfile.h"
#include "base/ascii.h"
#include "keyring/secret-command.h"
#include "provider/trusted-file.h"

/* A config file is small; anything bigger is a mistake, not a config. */
#define CONFIG_MAX_BYTES (256 * 1024)

/* A bundle of every public CA is a few hundred KiB. */
#define CA_FILE_MAX_BYTES (1024 * 1024)

#define DEFAULT_TIMEOUT_SECONDS 30
#define MAX_TIMEOUT_SECONDS 600
/* RFC 8252 sets no number; five minutes is what people need to type a
 * password and approve, and what comparable tools wait. */
#define DEFAULT_SIGNIN_TIMEOUT_SECONDS 300
#define MAX_SIGNIN_TIMEOUT_SECONDS 3600

struct _CrConfig {
  char *path;
  CrKeyFile *file;     /* with the line of every key, for warnings */
  GPtrArray *warnings;
};

const char *const cr_account_common_keys[] = {
  "provider", "token_url", "host", "client_id", "username",
  "url", "ca_file", "timeout", "min_valid",
  /* where secrets come from besides the keyring (cache/secrets.c) */
  "secret_command", "password_command", "secret_command_timeout",
  /* the sign-in grants' (account/signin-keys.c) */
  "grant", "client_auth", "redirect_uri", "signin_timeout", "authorization_url",
  "device_authorization_url", "revocation_url", "issuer", NULL,
};

char *
cr_config_default_path (void)
{
  const char *env = cr_getenv_secure ("CREDRING_CONFIG");

  if (env != NULL && *env != '\0')
    return g_strdup (env);
  return g_build_filename (g_get_user_config_dir (), "credring", "accounts.conf", NULL);
}

/* accounts.conf, read through a descriptor of the file whose way was
 * checked: whoever may write a directory on that way could swap in a
 * file of theirs (or a link to another of ours).  Missing (when
 * @missing_ok): no accounts yet. */
static CrKeyFile *
read_accounts_file (const char *file, gboolean missing_ok, const char *only_account,
                    GError **error)
{
  CrKeyFile *parsed;
  struct stat st;
  int fd;

  if (g_lstat (file, &st) != 0)
    {
      if (errno == ENOENT && missing_ok)
        return cr_keyfile_empty ();
    }
  /* A link to nothing is a mistake to show, not "no accounts": and its
   * own name exists, so "No such file" alone would read as nonsense. */
  else if (S_ISLNK (st.st_mode) && g_stat (file, &st) != 0 && errno == ENOENT)
    {
      g_autofree char *target = g_file_read_link (file, NULL);
      g_autofree char *shown = cr_escape_for_message (file, -1, 300);
      g_autofree char *shown_target = cr_escape_for_message (target ? target : "?", -1, 300);

      g_set_error (error, CR_ERROR, CR_ERROR_CONFIG,
                   "%s: a symbolic link to %s, which does not exist", shown, shown_target);
      return NULL;
    }
  fd = cr_trusted_path_open (file, error);
  if (fd < 0)
    return NULL;
  parsed = cr_keyfile_read_fd (fd, file, "configuration file", CONFIG_MAX_BYTES, only_account,
                               error);
  close (fd);
  return parsed;
}

static CrConfig *
load_file (const char *file, gboolean missing_ok, const char *only_account, GError **error)
{
  g_autoptr (CrKeyFile) parsed = NULL;
  CrConfig *config;

  parsed = read_accounts_file (file, missing_ok, only_account, error);
  if (parsed == NULL)
    return NULL;

  /* Whoever may write the file may point token_url at a server of theirs
   * and be sent the secrets: refused.  Reading it reveals no secret.  The
   * modes are those of the file just read. */
  if (parsed->found &&
      ((parsed->st.st_uid != 0 && parsed->st.st_uid != getuid ()) ||
       (parsed->st.st_mode & (S_IWGRP | S_IWOTH)) != 0))
    {
      g_set_error (error, CR_ERROR, CR_ERROR_CONFIG,
                   "%s is writable by others or owned by another user: refused "
                   "(chmod 600 it)", file);
      return NULL;
    }

  config = g_new0 (CrConfig, 1);
  config->warnings = g_ptr_array_new_with_free_func (g_free);
  if (parsed->found && (parsed->st.st_mode & (S_IRWXG | S_IRWXO)) != 0)
    g_ptr_array_add (config->warnings,
                     g_strdup_printf ("%s is readable by others (mode %04o): "
                                      "chmod 600 it",
                                      file, (unsigned) (parsed->st.st_mode & 07777)));
  config->path = g_strdup (file);
  config->file = g_steal_pointer (&parsed);
  return config;
}

CrConfig *
cr_config_load (const char *path, GError **error)
{
  g_autofree char *file = path ? g_strdup (path) : cr_config_default_path ();

  return load_file (file, TRUE, NULL, error);
}

CrConfig *
cr_config_load_file (const char *path, GError **error)
{
  g_return_val_if_fail (path != NULL, NULL);

  return load_file (path, FALSE, NULL, error);
}

CrConfig *
cr_config_load_account_only (const char *path, gboolean must_exist, const char *account,
                             GError **error)
{
  g_autofree char *file = path ? g_strdup (path) : cr_config_default_path ();

  g_return_val_if_fail (account != NULL, NULL);
  g_return_val_if_fail (path != NULL || !must_exist, NULL);

  return load_file (file, !must_exist, account, error);
}

const char *
cr_config_get_path (CrConfig *config)
{
  g_return_val_if_fail (config != NULL, NULL);
  return config->path;
}

char **
cr_config_list_accounts (CrConfig *config)
{
  g_return_val_if_fail (config != NULL, NULL);
  return g_key_file_get_groups (config->file->keyfile, NULL);
}

char **
cr_config_get_warnings (CrConfig *config)
{
  g_autoptr (GStrvBuilder) warnings = g_strv_builder_new ();

  g_return_val_if_fail (config != NULL, NULL);

  for (guint i = 0; i < config->warnings->len; i++)
    g_strv_builder_add (warnings, g_ptr_array_index (config->warnings, i));
  return g_strv_builder_end (warnings);
}

void
cr_config_free (CrConfig *config)
{
  if (config == NULL)
    return;
  g_ptr_array_unref (config->warnings);
  g_free (config->path);
  cr_keyfile_free (config->file);
  g_free (config);
}

void
cr_account_free (CrAccount *account)
{
  if (account == NULL)
    return;
  g_free (account->name);
  g_free (account->config_path);
  g_free (account->provider);
  g_free (account->token_url);
  g_free (account->host);
  g_free (account->client_id);
  g_free (account->username);
  g_free (account->ca_file);
  g_free (account->endpoint);
  g_free (account->scope);
  g_free (account->authorization_endpoint);
  g_free (account->device_endpoint);
  g_free (account->revocation_endpoint);
  g_free (account->redirect_uri);
  g_free (account->issuer);
  g_strfreev (account->urls);
  g_hash_table_unref (account->values);
  g_hash_table_unref (account->lines);
  g_free (account);
}

static GHashTable *
copy_table (GHashTable *table, gboolean values_are_strings)
{
  GHashTable *copy = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                            values_are_strings ? g_free : NULL);
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, table);
  while (g_hash_table_iter_next (&iter, &key, &value))
    g_hash_table_insert (copy, g_strdup (key), values_are_strings ? g_strdup (value) : value);
  return copy;
}

CrAccount *
cr_account_copy (const CrAccount *account)
{
  CrAccount *copy;

  g_return_val_if_fail (account != NULL, NULL);

  /* Every field, the numbers with the struct and each string anew: one
   * added to CrAccount is added here and in cr_account_free(). */
  copy = g_memdup2 (account, sizeof *account);
  copy->name = g_strdup (account->name);
  copy->config_path = g_strdup (account->config_path);
  copy->provider = g_strdup (account->provider);
  copy->token_url = g_strdup (account->token_url);
  copy->host = g_strdup (account->host);
  copy->client_id = g_strdup (account->client_id);
  copy->username = g_strdup (account->username);
  copy->ca_file = g_strdup (account->ca_file);
  copy->urls = g_strdupv (account->urls);
  copy->endpoint = g_strdup (account->endpoint);
  copy->values = copy_table (account->values, TRUE);
  copy->lines = copy_table (account->lines, FALSE);
  copy->scope = g_strdup (account->scope);
  copy->authorization_endpoint = g_strdup (account->authorization_endpoint);
  copy->device_endpoint = g_strdup (account->device_endpoint);
  copy->revocation_endpoint = g_strdup (account->revocation_endpoint);
  copy->redirect_uri = g_strdup (account->redirect_uri);
  copy->issuer = g_strdup (account->issuer);
  return copy;
}

/* Account names end up in keyring attributes, labels and lock file names. */
static gboolean
account_name_is_valid (const char *name)
{
  return name[0] != '.' && name[0] != '-' && cr_ascii_is_word (name, 128, "._@-");
}

const char *
cr_account_value (const CrAccount *account, const char *key)
{
  const char *value = g_hash_table_lookup (account->values, key);

  return (value != NULL && *value != '\0') ? value : NULL;
}

gpointer
cr_account_prefix_error (GError **error, const CrAccount *account)
{
  g_prefix_error (error, "account [%s]: ", account->name);
  return NULL;
}

gboolean
cr_account_set_error (GError **error, const CrAccount *account, const char *format, ...)
{
  g_autofree char *text = NULL;
  va_list args;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, CR_ERROR, CR_ERROR_CONFIG, "%s: account [%s]: %s", account->config_path,
               account->name, text);
  return FALSE;
}

static gboolean
parse_seconds (const CrAccount *account, const char *key, gint64 min, gint64 max,
               gint64 *out, GError **error)
{
  const char *text = cr_account_value (account, key);
  guint64 value;

  if (text == NULL)
    return TRUE;
  if (!g_ascii_string_to_unsigned (text, 10, min, max, &value, NULL))
    {
      return cr_account_set_error (error, account,
                                   "%s must be a whole number of seconds from %" G_GINT64_FORMAT
                                   " to %" G_GINT64_FORMAT, key, min, max);
    }
  *out = (gint64) value;
  return TRUE;
}

/* secret_command and password_command split as they will be run: a line
 * that does not split is found now, not when a secret is needed. */
static gboolean
check_secret_commands (const CrAccount *account, GError **error)
{
  static const char *const keys[] = { "secret_command", "password_command", NULL };

  for (const char *const *key = keys; *key != NULL; key++)
    {
      const char *line = cr_account_value (account, *key);
      g_autoptr (GError) split_error = NULL;
      g_auto (GStrv) argv = NULL;

      if (line == NULL)
        continue;
      argv = cr_secret_command_split (line, &split_error);
      if (argv == NULL)
        return cr_account_set_error (error, account, "%s: %s", *key, split_error->message);
      /* The secret would be on this line, in this file: what credring
       * exists to avoid (and in every `ps` while it runs). */
      if (cr_secret_command_prints_itself (argv))
        {
          g_autofree char *program = cr_escape_for_message (argv[0], -1, 64);

          return cr_account_set_error (error, account,
                                       "%s runs %s, which prints only what the line says: the "
                                       "secret would be written in this file (name a program "
                                       "that keeps it: pass, vault, systemd-creds...)",
                                       *key, program);
        }
    }
  return TRUE;
}

/* Every key of @account's group into its values, with its line. */
static gboolean
read_values (CrConfig *config, CrAccount *account, GError **error)
{
  const char *name = account->name;
  g_auto (GStrv) keys = NULL;

  keys = g_key_file_get_keys (config->file->keyfile, name, NULL, NULL);
  for (guint i = 0; keys != NULL && keys[i] != NULL; i++)
    {
      g_autoptr (GError) value_error = NULL;
      char *value = cr_keyfile_get_string (config->file, name, keys[i], &value_error);

      /* GLib may return a value and an error (an unknown escape) at once. */
      if (value_error != NULL)
        {
          g_autofree char *key = cr_escape_for_message (keys[i], -1, 64);
          g_autofree char *shown = cr_escape_for_message (value_error->message, -1, 200);

          g_free (value);
          cr_account_set_error (error, account, "key '%s': %s", key, shown);
          return FALSE;
        }
      g_hash_table_replace (account->values, g_strdup (keys[i]), g_strstrip (value));
      g_hash_table_replace (account->lines, g_strdup (keys[i]),
                            GUINT_TO_POINTER (cr_keyfile_key_line (config->file, name, keys[i])));
    }

  return TRUE;
}

CrAccount *
cr_config_get_account (CrConfig *config, const char *name, GError **error)
{
  g_autoptr (CrAccount) account = NULL;
  gint64 timeout = DEFAULT_TIMEOUT_SECONDS;
  gint64 signin_timeout = DEFAULT_SIGNIN_TIMEOUT_SECONDS;
  gint64 secret_command_timeout = DEFAULT_TIMEOUT_SECONDS;

  g_return_val_if_fail (config != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);

  if (!g_key_file_has_group (config->file->keyfile, name) || !account_name_is_valid (name))
    {
      g_autofree char *shown = cr_escape_for_message (name, -1, 64);

      if (!g_key_file_has_group (config->file->keyfile, name))
        g_set_error (error, CR_ERROR, CR_ERROR_CONFIG, "no account [%s] in %s", shown,
                     config->path);
      else
        g_set_error (error, CR_ERROR, CR_ERROR_CONFIG,
                     "%s: account name [%s] may only hold letters, digits and . _ @ -",
                     config->path, shown);
      return NULL;
    }

  account = g_new0 (CrAccount, 1);
  account->name = g_strdup (name);
  account->config_path = g_strdup (config->path);
  account->values = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  account->lines = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  account->min_valid = -1;

  if (!read_values (config, account, error))
    return NULL;
  if (!cr_account_require_key (account, "provider", error) ||
      !cr_account_require_key (account, "client_id", error))
    return NULL;
  if (!parse_seconds (account, "timeout", 1, MAX_TIMEOUT_SECONDS, &timeout, error) ||
      !parse_seconds (account, "min_valid", 0, G_MAXINT32, &account->min_valid, error) ||
      !parse_seconds (account, "signin_timeout", 10, MAX_SIGNIN_TIMEOUT_SECONDS, &signin_timeout,
                      error) ||
      !parse_seconds (account, "secret_command_timeout", 1, MAX_TIMEOUT_SECONDS,
                      &secret_command_timeout, error) ||
      !check_secret_commands (account, error))
    return NULL;
  account->timeout = (int) timeout;
  account->signin_timeout = (int) signin_timeout;
  account->secret_command_timeout = (int) secret_command_timeout;

  account->provider = g_strdup (cr_account_value (account, "provider"));
  account->client_id = g_strdup (cr_account_value (account, "client_id"));
  account->token_url = g_strdup (cr_account_value (account, "token_url"));
  account->host = g_strdup (cr_account_value (account, "host"));
  account->username = g_strdup (cr_account_value (account, "username"));
  account->ca_file = g_strdup (cr_account_value (account, "ca_file"));
  if (cr_account_value (account, "url") != NULL)
    account->urls = cr_keyfile_get_string_list (config->file, name, "url", NULL, NULL);
  return g_steal_pointer (&account);
}

gboolean
cr_account_read_ca_file (const CrAccount *account, GBytes **out, GError **error)
{
  g_autoptr (GError) local_error = NULL;
  int fd;

  *out = NULL;
  if (account->ca_file == NULL)
    return TRUE;
  /* It decides which servers are believed to be the token URL's: the
   * same trust as accounts.conf, the file itself included. */
  fd = cr_trusted_file_open (account->ca_file, &local_error);
  if (fd >= 0)
    {
      *out = cr_file_read_text_fd (fd, account->ca_file, "PEM file", CA_FILE_MAX_BYTES,
                                   &local_error);
      close (fd);
    }
  if (*out == NULL)
    {
      g_set_error (error, CR_ERROR, CR_ERROR_CONFIG, "account [%s]: ca_file: %s", account->name,
                   local_error->message);
      return FALSE;
    }
  return TRUE;
}
