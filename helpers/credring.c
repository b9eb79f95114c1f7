/* credring — the command-line front end: argument parsing, output and exit
 * statuses.  Everything else is libcredring.  Built as a module the
 * credring executable loads (credring-main.c says why). */
#include "config.h"

#ifndef G_LOG_DOMAIN
#define G_LOG_DOMAIN "credring"
#endif

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <yajl/yajl_gen.h>

#include <credring/credring.h>

#include "cli.h"
#include "doctor.h"
#include "json-output.h"
#include "token-output.h"
#include "secret-input.h"
#include "wrappers.h"
#include "keyring/store.h"

#define EXIT_USAGE CR_ERROR_CONFIG

static char *opt_config;
static gboolean opt_verbose;
static gboolean opt_version;
static gboolean opt_help;
static char *opt_format;
static char *opt_min_valid;
static gboolean opt_force_refresh;
static gboolean opt_secret_stdin;
static gboolean opt_no_verify;
static char *opt_only;
static gboolean opt_all;
static char *opt_describe;
static gboolean opt_names;
static gboolean opt_dry_run;
static gboolean opt_device;
static gboolean opt_no_browser;
static char *opt_store;
static char *opt_env;
static gboolean opt_refused_token_stdin;
/* The words after "--": exec's command, curl's arguments. */
static char **command_line;

/* The command table, and so the help, is at the end of the file. */
static const CliProgram program;

/* Every line on stderr goes through here or print_line(): one line, with
 * whatever a file, a server or argv put in it shown, not obeyed. */
static void
print_line (const char *prefix, const char *message, const char *suffix)
{
  g_autofree char *shown = cr_escape_for_message (message, -1, 1000);

  g_printerr ("credring: %s%s%s\n", prefix, shown, suffix);
}

/* On stdout the same: a value from a file, a server, the environment or
 * argv, as one piece of a line.  Never a secret. */
static char *
shown (const char *text)
{
  return cr_escape_for_message (text, -1, G_MAXSIZE);
}

static int
fail (GError *error)
{
  int status = cr_error_exit_status (error);

  print_line ("", error->message, "");
  g_error_free (error);
  return status;
}

static int
usage_error (const char *message)
{
  print_line ("", message, "");
  return EXIT_USAGE;
}

static void
print_debug (const char *domain, GLogLevelFlags level, const char *message, gpointer data)
{
  /* Traces quote URLs from accounts.conf and headers from the server. */
  if (opt_verbose)
    print_line ("", message, "");
}

static int
flush_stdout (void)
{
  if (fflush (stdout) != 0 || ferror (stdout))
    {
      g_printerr ("credring: cannot write the output: %s\n", g_strerror (errno));
      return CR_ERROR_FAILED;
    }
  return 0;
}

static void
print_warnings (GPtrArray *warnings)
{
  for (guint i = 0; i < warnings->len; i++)
    print_line ("warning: ", g_ptr_array_index (warnings, i), "");
}

static void
print_provider_warnings (CrProvider *provider)
{
  const char *const *warnings = cr_provider_get_warnings (provider);

  for (guint i = 0; warnings[i] != NULL; i++)
    print_line ("warning: ", warnings[i], "");
}

/* JSON output (status --format json, providers --describe --format json). */
static void
gen_key (yajl_gen gen, const char *key)
{
  yajl_gen_string (gen, (const unsigned char *) key, strlen (key));
}

/* A value from a file or the environment as a JSON string: yajl passes
 * invalid UTF-8 through, which no JSON reader takes. */
static void
gen_text (yajl_gen gen, const char *value)
{
  g_autofree char *valid = g_utf8_make_valid (value, -1);

  yajl_gen_string (gen, (const unsigned char *) valid, strlen (valid));
}

static void
gen_nullable_string (yajl_gen gen, const char *key, const char *value)
{
  gen_key (gen, key);
  if (value != NULL)
    gen_text (gen, value);
  else
    yajl_gen_null (gen);
}


/* The configuration, with the warnings about the file itself shown; with
 * @only_account, only that account's part of it is parsed (the path
 * people hit every minute need not read a thousand accounts). */
static CrConfig *
load_config (const char *only_account, GError **error)
{
  /* A file named on the command line must be there; the default need not. */
  CrConfig *config =
    only_account != NULL ? cr_config_load_account_only (opt_config, opt_config != NULL,
                                                        only_account, error)
    : opt_config != NULL ? cr_config_load_file (opt_config, error)
                         : cr_config_load (NULL, error);
  g_auto (GStrv) warnings = config ? cr_config_get_warnings (config) : NULL;

  for (guint i = 0; warnings != NULL && warnings[i] != NULL; i++)
    print_line ("warning: ", warnings[i], "");
  return config;
}

/* The account and its provider, checked against each other. */
static gboolean
load_account (const char *name, CrConfig **config_out, CrAccount **account_out,
              CrProvider **provider_out, GError **error)
{
  g_autoptr (CrConfig) config = load_config (name, error);
  g_autoptr (CrAccount) account = NULL;
  g_autoptr (CrProvider) provider = NULL;
  g_autoptr (GPtrArray) warnings = g_ptr_array_new_with_free_func (g_free);

  if (config == NULL)
    return FALSE;
  account = cr_config_open_account (config, name, &provider, warnings, error);
  if (account == NULL)
    return FALSE;
  print_warnings (warnings);
  if (config_out != NULL)
    *config_out = g_steal_pointer (&config);
  *account_out = g_steal_pointer (&account);
  *provider_out = g_steal_pointer (&provider);
  return TRUE;
}

static char *
format_time (gint64 unix_time)
{
  g_autoptr (GDateTime) when = g_date_time_new_from_unix_utc (unix_time);

  return when ? g_date_time_format_iso8601 (when) : g_strdup ("?");
}

/* ---- providers ---------------------------------------------------------- */

static const char *
kind_name (CrProvider *provider)
{
  return cr_provider_get_kind (provider) == CR_PROVIDER_KIND_FILE ? "provider file" : "compiled plugin";
}

/* @values joined with ", ", as stdout shows them. */
static char *
shown_list (char **values)
{
  g_autofree char *joined = g_strjoinv (", ", values);

  return shown (joined);
}

/* RFC 9700 §2.4: the password grant must not be used; a provider that
 * offers it is described with it marked. */
static gboolean
grant_is_legacy (int grant)
{
  return grant == CR_GRANT_PASSWORD;
}

/* Which of a provider's grants offered_grants() lists, and how. */
typedef enum {
  GRANTS_NAMES,  /* every one, by name (JSON) */
  GRANTS_MARKED, /* every one, the default and the legacy ones marked (text) */
  GRANTS_LEGACY, /* only the legacy ones, by name (JSON) */
} GrantList;

/* The grants a provider offers, in the order of CrGrantType, as @list
 * says.  Free with g_strfreev(). */
static char **
offered_grants (const CrPluginDescriptor *d, GrantList list)
{
  unsigned int set = cr_provider_grant_set (d);
  g_autoptr (GStrvBuilder) names = g_strv_builder_new ();

  for (int g = 0; g < 32; g++)
    {
      const char *name = cr_grant_to_string ((CrGrantType) g);

      if ((set & CR_GRANT_BIT (g)) == 0 || name == NULL ||
          (list == GRANTS_LEGACY && !grant_is_legacy (g)))
        continue;
      if (list != GRANTS_MARKED)
        g_strv_builder_add (names, name);
      else
        {
          g_autofree char *marked =
            g_strdup_printf ("%s%s", name,
                             grant_is_legacy (g)
                               ? (g == (int) d->grant ? " (default; legacy: RFC 9700 §2.4)"
                                                      : " (legacy: RFC 9700 §2.4)")
                               : (g == (int) d->grant ? " (default)" : ""));

          g_strv_builder_add (names, marked);
        }
    }
  return g_strv_builder_end (names);
}

/* --describe: the grants and the endpoints of signing a person in. */
static void
print_signin_facts (const CrPluginDescriptor *d)
{
  g_auto (GStrv) grants = offered_grants (d, GRANTS_MARKED);
  g_autofree char *joined = g_strjoinv (", ", grants);
  const struct {
    const char *label;
    const char *url;
  } endpoints[] = {
    { "authorization URL", d->authorization_url },
    { "device authorization URL", d->device_authorization_url },
    { "revocation URL", d->revocation_url },
    { "issuer", d->issuer },
    { "default scope", d->default_scope },
  };

  printf ("\tgrants: %s\n", joined);
  for (gsize i = 0; i < G_N_ELEMENTS (endpoints); i++)
    if (endpoints[i].url != NULL)
      {
        g_autofree char *url = shown (endpoints[i].url);

        printf ("\t%s: %s\n", endpoints[i].label, url);
      }
}

/* The secrets an account of @d's defaults gives credring login: a
 * public client has no client secret; only the password grant takes a
 * password.  @secrets ends with NULL. */
static void
provider_secrets (const CrPluginDescriptor *d, const char *secrets[3])
{
  guint n = 0;

  if (d->client_auth != CR_CLIENT_AUTH_NONE)
    secrets[n++] = "client_secret";
  if (d->grant == CR_GRANT_PASSWORD)
    secrets[n++] = "password";
  secrets[n] = NULL;
}

static void
print_provider (CrProvider *provider, gboolean full)
{
  const CrPluginDescriptor *d = cr_provider_get_descriptor (provider);
  g_auto (GStrv) required = cr_provider_account_keys (d, TRUE);
  g_auto (GStrv) optional = cr_provider_account_keys (d, FALSE);
  g_autoptr (GString) optional_params = g_string_new (NULL);
  /* A provider file is text anyone could have written. */
  g_autofree char *name = shown (d->name);
  g_autofree char *description = shown (d->description);
  g_autofree char *path = shown (cr_provider_get_path (provider));
  g_autofree char *token_url = shown (d->token_url ? d->token_url : "(per account: token_url)");
  g_autofree char *issuer = d->issuer != NULL ? shown (d->issuer) : NULL;
  gboolean awaits_issuer = cr_provider_needs_discovery (provider);
  g_autofree char *required_text = shown_list (required);
  g_autofree char *optional_text = shown_list (optional);
  g_autofree char *optional_params_text = NULL;
  const char *secrets[3];
  g_autofree char *secrets_text = NULL;

  provider_secrets (d, secrets);
  secrets_text = secrets[0] != NULL ? g_strjoinv (", ", (char **) secrets) : g_strdup ("none");
  for (const CrPluginParam *p = d->params; p != NULL && p->name != NULL; p++)
    if (p->presence != CR_PARAM_REQUIRED || p->default_value != NULL)
      g_string_append_printf (optional_params, "%s%s", optional_params->len ? ", " : "", p->name);
  optional_params_text = shown (optional_params->str);

  printf ("%s\t%s\n", name, description);
  printf ("\tfrom: %s (%s)\n", path, kind_name (provider));
  /* Until discovered, what the file left to its issuer is not known. */
  if (awaits_issuer)
    {
      printf ("\tgrant, client authentication: as the file says, else the issuer; body: %s\n",
              cr_body_format_describe (d->body_format));
      printf ("\tissuer: %s (endpoints discovered at first use)\n", issuer);
    }
  else
    {
      printf ("\tgrant: %s; client authentication: %s; body: %s\n", cr_grant_describe (d->grant),
              cr_client_auth_describe (d->client_auth), cr_body_format_describe (d->body_format));
      printf ("\ttoken URL: %s\n", token_url);
      if (full)
        print_signin_facts (d);
    }
  printf ("\trequired account keys: %s\n", required_text);
  if (full)
    printf ("\toptional account keys: %s\n", optional_text);
  else if (optional_params->len > 0)
    printf ("\toptional parameters: %s\n", optional_params_text);
  printf ("\tsecrets: %s%s\n", secrets_text,
          full ? " (asked for by credring login; never in accounts.conf)" : "");
  if (full && (d->add_headers != NULL || d->parse_response != NULL))
    printf ("\thooks:%s%s\n", d->add_headers ? " add_headers" : "",
            d->parse_response ? " parse_response" : "");
}

static void
gen_strv (yajl_gen gen, const char *key, char **values)
{
  gen_key (gen, key);
  yajl_gen_array_open (gen);
  for (guint i = 0; values[i] != NULL; i++)
    gen_text (gen, values[i]);
  yajl_gen_array_close (gen);
}

/* --describe --format json: the same facts for desktop programs. */
static void
print_provider_json (CrProvider *provider)
{
  const CrPluginDescriptor *d = cr_provider_get_descriptor (provider);
  g_auto (GStrv) required = cr_provider_account_keys (d, TRUE);
  g_auto (GStrv) optional = cr_provider_account_keys (d, FALSE);
  g_auto (GStrv) grants = offered_grants (d, GRANTS_NAMES);
  g_auto (GStrv) legacy_grants = offered_grants (d, GRANTS_LEGACY);
  g_autoptr (GString) out = g_string_new (NULL);
  const char *secrets[3];
  char *hooks[3] = { NULL, NULL, NULL };
  guint n_hooks = 0;
  yajl_gen gen = yajl_gen_alloc (NULL);

  if (d->add_headers != NULL)
    hooks[n_hooks++] = "add_headers";
  if (d->parse_response != NULL)
    hooks[n_hooks++] = "parse_response";
  yajl_gen_config (gen, yajl_gen_print_callback, json_append, out);
  yajl_gen_map_open (gen);
  gen_nullable_string (gen, "name", d->name);
  gen_nullable_string (gen, "description", d->description);
  gen_nullable_string (gen, "kind", cr_provider_get_kind (provider) == CR_PROVIDER_KIND_FILE
                                      ? "provider-file" : "plugin");
  gen_nullable_string (gen, "path", cr_provider_get_path (provider));
  gen_nullable_string (gen, "grant", cr_grant_to_string (d->grant));
  gen_nullable_string (gen, "client_auth", cr_client_auth_to_string (d->client_auth));
  gen_nullable_string (gen, "body", cr_body_format_to_string (d->body_format));
  gen_nullable_string (gen, "token_url", d->token_url);
  gen_strv (gen, "grants", grants);
  gen_strv (gen, "legacy_grants", legacy_grants);
  gen_nullable_string (gen, "authorization_url", d->authorization_url);
  gen_nullable_string (gen, "device_authorization_url", d->device_authorization_url);
  gen_nullable_string (gen, "revocation_url", d->revocation_url);
  gen_nullable_string (gen, "issuer", d->issuer);
  gen_nullable_string (gen, "default_scope", d->default_scope);
  gen_key (gen, "awaits_discovery");
  yajl_gen_bool (gen, cr_provider_needs_discovery (provider));
  gen_strv (gen, "required_keys", required);
  gen_strv (gen, "optional_keys", optional);
  provider_secrets (d, secrets);
  gen_strv (gen, "secrets", (char **) secrets);
  gen_strv (gen, "hooks", hooks);
  yajl_gen_map_close (gen);
  yajl_gen_free (gen);
  json_print (out);
}

static int
command_describe (const char *name, gboolean json)
{
  g_autoptr (CrProvider) provider = NULL;
  GError *error = NULL;

  provider = cr_provider_load (name, &error);
  if (provider == NULL)
    return fail (error);
  print_provider_warnings (provider);
  if (json)
    print_provider_json (provider);
  else
    print_provider (provider, TRUE);
  return flush_stdout ();
}

/* A name as an account or a provider may have one (account/config.c's
 * rule): the only text `accounts` and `providers --names` print, so that a
 * shell completing them is given nothing else to run or show. */
static gboolean
is_plain_name (const char *name)
{
  if (name == NULL || name[0] == '\0' || name[0] == '.' || name[0] == '-' || strlen (name) > 128)
    return FALSE;
  for (const char *p = name; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && strchr ("._@-", *p) == NULL)
      return FALSE;
  return TRUE;
}

/* --names: one a line and nothing else, for shell completion. */
static int
print_names (GPtrArray *providers)
{
  for (guint i = 0; i < providers->len; i++)
    {
      const char *name = cr_provider_get_descriptor (g_ptr_array_index (providers, i))->name;

      if (is_plain_name (name))
        printf ("%s\n", name);
    }
  return flush_stdout ();
}

/* @none: providers takes no argument (its row in the command table). */
static int
command_providers (const char *none)
{
  g_autoptr (GPtrArray) failures = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) providers = NULL;

  if (opt_describe != NULL)
    return command_describe (opt_describe, opt_format != NULL);
  providers = cr_provider_load_all (failures);
  if (opt_names)
    return print_names (providers);
  for (guint i = 0; i < providers->len; i++)
    print_provider (g_ptr_array_index (providers, i), FALSE);
  for (guint i = 0; i < failures->len; i++)
    print_line ("warning: ", g_ptr_array_index (failures, i), "");
  return flush_stdout ();
}

/* ---- accounts ----------------------------------------------------------- */

/* @none: accounts takes no argument.  The file alone is read: no provider
 * is loaded and no keyring asked, so that a shell may run it at each TAB. */
static int
command_accounts (const char *none)
{
  g_autoptr (CrConfig) config = NULL;
  g_auto (GStrv) names = NULL;
  GError *error = NULL;

  config = load_config (NULL, &error);
  if (config == NULL)
    return fail (error);
  names = cr_config_list_accounts (config);
  for (guint i = 0; names[i] != NULL; i++)
    if (is_plain_name (names[i]))
      printf ("%s\n", names[i]);
  return flush_stdout ();
}

/* ---- status ------------------------------------------------------------- */

/* What `token` would serve without asking the provider. */
static gboolean
token_is_valid (const CrAccountState *status, gint64 now)
{
  return status->has_token && status->problem == NULL && !status->other_settings &&
         status->expires_at > now;
}

/* "stored in the Secret Service", or else where it is. */
static char *
stored_in (int stored, CrSecretStore store)
{
  if (!stored)
    return g_strdup ("not stored (run credring login)");
  if (store == CR_SECRET_STORE_NONE)
    return g_strdup ("stored");
  return g_strdup_printf ("stored in the %s", cr_secret_store_describe (store));
}

static void
print_status_text (const CrAccountState *status, gint64 now)
{
  /* Straight from accounts.conf: the name too, valid or not. */
  g_autofree char *name = shown (status->name);
  g_autofree char *provider = shown (status->provider ? status->provider : "no provider");
  g_autofree char *client_secret = stored_in (status->client_secret, status->client_secret_store);
  g_autofree char *password = stored_in (status->password, status->password_store);
  g_autofree char *refresh_token = stored_in (status->refresh_token, status->refresh_token_store);
  const char *token_store = cr_secret_store_describe (status->token_store);
  g_autofree char *token_kept = g_strdup_printf ("%s%s", token_store ? "; in the " : "",
                                                 token_store ? token_store : "");

  printf ("%s (%s)\n", name, provider);
  if (status->problem != NULL)
    {
      g_autofree char *problem = shown (status->problem);

      printf ("  problem: %s\n", problem);
    }
  if (status->public_client)
    printf ("  client secret: none needed (a public client)\n");
  else if (status->client_secret_source != CR_SECRET_SOURCE_KEYRING)
    printf ("  client secret: from %s\n",
            cr_secret_source_describe (status->client_secret_source, CR_SECRET_CLIENT_SECRET));
  else if (status->client_secret >= 0)
    printf ("  client secret: %s\n", client_secret);
  if (status->password >= 0 && status->password_source != CR_SECRET_SOURCE_KEYRING)
    printf ("  password: from %s\n",
            cr_secret_source_describe (status->password_source, CR_SECRET_PASSWORD));
  else if (status->password >= 0)
    printf ("  password: %s\n", password);
  if (status->refresh_token > 0 && status->refresh_token_source != CR_SECRET_SOURCE_KEYRING)
    printf ("  refresh token: from %s\n",
            cr_secret_source_describe (status->refresh_token_source, CR_SECRET_REFRESH_TOKEN));
  else if (status->refresh_token > 0)
    printf ("  refresh token: %s\n", refresh_token);
  if (status->client_secret < 0)
    return;
  if (!status->has_token)
    printf ("  token: none cached\n");
  else if (status->problem != NULL)
    printf ("  token: cached, not usable while the account has a problem%s\n", token_kept);
  else if (status->other_settings)
    printf ("  token: cached for other settings of the account (a new one will be fetched)%s\n",
            token_kept);
  else if (status->expires_at <= now)
    printf ("  token: expired%s\n", token_kept);
  else
    {
      g_autofree char *until = format_time (status->expires_at);

      printf ("  token: valid until %s (%" G_GINT64_FORMAT " s left)%s%s\n", until,
              status->expires_at - now, status->will_refresh ? ", will be refreshed" : "",
              token_kept);
    }
}

static void
gen_tristate (yajl_gen gen, const char *key, int state)
{
  gen_key (gen, key);
  if (state < 0)
    yajl_gen_null (gen);
  else
    yajl_gen_bool (gen, state);
}

/* "keyring", "systemd credential", "secret_command"...; null when @state
 * says there is no such secret to speak of (-1). */
static void
gen_source (yajl_gen gen, const char *key, int state, CrSecretSource source, CrSecretKind kind)
{
  gen_nullable_string (gen, key, state < 0 ? NULL : cr_secret_source_describe (source, kind));
}

static void
gen_status_json (yajl_gen gen, const CrAccountState *status, gint64 now)
{
  yajl_gen_map_open (gen);
  gen_nullable_string (gen, "account", status->name);
  gen_nullable_string (gen, "provider", status->provider);
  gen_nullable_string (gen, "problem", status->problem);
  gen_tristate (gen, "client_secret_stored", status->public_client ? -1 : status->client_secret);
  gen_tristate (gen, "password_stored", status->password);
  gen_tristate (gen, "refresh_token_stored", status->refresh_token);
  /* Where each comes from, for those that have one to speak of. */
  gen_source (gen, "client_secret_source", status->public_client ? -1 : status->client_secret,
              status->client_secret_source, CR_SECRET_CLIENT_SECRET);
  gen_source (gen, "password_source", status->password, status->password_source,
              CR_SECRET_PASSWORD);
  gen_source (gen, "refresh_token_source", status->refresh_token > 0 ? 1 : -1,
              status->refresh_token_source, CR_SECRET_REFRESH_TOKEN);
  gen_nullable_string (gen, "client_secret_store",
                       cr_secret_store_to_string (status->client_secret_store));
  gen_nullable_string (gen, "password_store", cr_secret_store_to_string (status->password_store));
  gen_nullable_string (gen, "refresh_token_store",
                       cr_secret_store_to_string (status->refresh_token_store));
  gen_nullable_string (gen, "token_store", cr_secret_store_to_string (status->token_store));
  gen_key (gen, "token_valid");
  yajl_gen_bool (gen, token_is_valid (status, now));
  /* An account with a problem has no token to speak of. */
  if (status->has_token && status->problem == NULL)
    {
      g_autofree char *until = format_time (status->expires_at);

      gen_nullable_string (gen, "expires_at", until);
      gen_key (gen, "expires_in");
      yajl_gen_integer (gen, MAX (status->expires_at - now, 0));
      gen_key (gen, "will_refresh");
      yajl_gen_bool (gen, status->will_refresh);
    }
  yajl_gen_map_close (gen);
}

/* Every account, or @only: only an account that is not there at all is an
 * error, since one that is there but unusable is what status is for. */
static char **
accounts_to_show (CrConfig *config, const char *only, GError **error)
{
  g_auto (GStrv) names = cr_config_list_accounts (config);
  g_autoptr (CrAccount) account = NULL;

  if (only == NULL)
    return g_steal_pointer (&names);
  if (g_strv_contains ((const char *const *) names, only))
    return g_strdupv ((char *[]) { (char *) only, NULL });
  account = cr_config_get_account (config, only, error);
  g_assert (account == NULL);
  return NULL;
}

static int
command_status (const char *only)
{
  g_autoptr (CrConfig) config = NULL;
  g_auto (GStrv) names = NULL;
  g_autoptr (GString) json_text = g_string_new (NULL);
  gboolean json = opt_format != NULL && g_str_equal (opt_format, "json");
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  yajl_gen gen = NULL;
  GError *error = NULL;

  config = load_config (NULL, &error);
  if (config == NULL)
    return fail (error);
  names = accounts_to_show (config, only, &error);
  if (names == NULL)
    return fail (error);
  if (json)
    {
      gen = yajl_gen_alloc (NULL);
      yajl_gen_config (gen, yajl_gen_print_callback, json_append, json_text);
      yajl_gen_map_open (gen);
      gen_nullable_string (gen, "config", cr_config_get_path (config));
      gen_key (gen, "accounts");
      yajl_gen_array_open (gen);
    }
  else if (names[0] == NULL)
    {
      g_autofree char *path = shown (cr_config_get_path (config));

      printf ("no accounts in %s\n", path);
    }

  for (guint i = 0; names[i] != NULL; i++)
    {
      g_autoptr (GPtrArray) warnings = g_ptr_array_new_with_free_func (g_free);
      CrAccountState status = { 0 };
      gboolean ok = cr_account_state_collect (config, names[i], now, &status, warnings, &error);

      print_warnings (warnings);
      if (ok && json)
        gen_status_json (gen, &status, now);
      else if (ok)
        print_status_text (&status, now);
      cr_account_state_clear (&status);
      if (!ok)
        {
          if (gen != NULL)
            yajl_gen_free (gen);
          return fail (error);
        }
    }

  if (json)
    {
      yajl_gen_array_close (gen);
      yajl_gen_map_close (gen);
      yajl_gen_free (gen);
      json_print (json_text);
    }
  return flush_stdout ();
}

/* ---- login -------------------------------------------------------------- */

/* What `login` asks for: every secret @provider needs, or with --only the
 * one named.  FALSE, with a usage error, when the provider has no such secret. */
static gboolean
secrets_to_ask (const CrAccount *account, const CrPluginDescriptor *provider,
                SecretInputWanted *wanted, GError **error)
{
  gboolean takes_password = account->grant == CR_GRANT_PASSWORD;
  /* RFC 6749 §4.3.2: a public client sends the password grant without
   * authenticating (the account validation refuses client_credentials
   * for one). */
  gboolean public_client = account->client_auth == CR_CLIENT_AUTH_NONE;

  if (opt_only == NULL)
    *wanted = (public_client ? 0 : SECRET_INPUT_CLIENT_SECRET) |
              (takes_password ? SECRET_INPUT_PASSWORD : 0);
  else if (g_str_equal (opt_only, "client_secret") && public_client)
    {
      g_autofree char *name_shown = shown (account->name);

      g_set_error (error, CR_ERROR, CR_ERROR_CONFIG,
                   "login: account [%s] is a public client (client_auth = none): it has no "
                   "client secret", name_shown);
      return FALSE;
    }
  else if (g_str_equal (opt_only, "client_secret"))
    *wanted = SECRET_INPUT_CLIENT_SECRET;
  else if (takes_password)
    *wanted = SECRET_INPUT_PASSWORD;
  else
    {
      g_set_error (error, CR_ERROR, CR_ERROR_CONFIG,
                   "login: provider %s takes no password (%s grant)", provider->name,
                   cr_grant_describe (account->grant));
      return FALSE;
    }
  return TRUE;
}

/* With --only, the secret that is not asked for: the stored one.  Asking
 * the keyring first also means that, when it cannot take the secrets,
 * neither the person nor the provider is bothered. */
static gboolean
load_kept_secret (const CrAccount *account, CrSecretKind kind, char **kept, GError **error)
{
  GError *local_error = NULL;

  *kept = cr_secret_load (account, kind, &local_error);
  if (*kept == NULL && local_error == NULL)
    g_set_error (&local_error, CR_ERROR, CR_ERROR_CONFIG,
                 "account [%s] has no stored %s to keep: run 'credring login %s' without --only",
                 account->name, cr_secret_kind_describe (kind), account->name);
  if (local_error == NULL)
    return TRUE;
  g_propagate_error (error, local_error);
  return FALSE;
}

/* @wanted without the secrets that come from elsewhere than the keyring
 * (a command, a systemd credential), which login neither asks for nor
 * stores; those are said on stdout. */
static SecretInputWanted
drop_secrets_from_elsewhere (const CrAccount *account, SecretInputWanted wanted)
{
  static const struct {
    SecretInputWanted bit;
    CrSecretKind kind;
  } secrets[] = {
    { SECRET_INPUT_CLIENT_SECRET, CR_SECRET_CLIENT_SECRET },
    { SECRET_INPUT_PASSWORD, CR_SECRET_PASSWORD },
  };
  g_autofree char *name_shown = shown (account->name);
  CrSecretSource sources[G_N_ELEMENTS (secrets)];
  SecretInputWanted left = wanted;

  for (gsize i = 0; i < G_N_ELEMENTS (secrets); i++)
    {
      sources[i] = cr_secret_source_of (account, secrets[i].kind);
      if (sources[i] != CR_SECRET_SOURCE_KEYRING)
        left &= ~secrets[i].bit;
    }
  for (gsize i = 0; i < G_N_ELEMENTS (secrets); i++)
    if ((wanted & secrets[i].bit) != 0 && sources[i] != CR_SECRET_SOURCE_KEYRING)
      printf ("account [%s]: its %s comes from %s; %s\n", name_shown,
              cr_secret_kind_describe (secrets[i].kind),
              cr_secret_source_describe (sources[i], secrets[i].kind),
              left == 0 ? "nothing to store" : "not asked for");
  return left;
}

/* Before anything is asked: with --only, the secret kept as it is
 * (*@kept); else the keyring asked first (and let it prompt to unlock), so
 * that when it cannot take the secrets neither the person nor the provider
 * is bothered. */
static gboolean
prepare_login (const CrAccount *account, const CrPluginDescriptor *provider,
               SecretInputWanted wanted, char **kept, GError **error)
{
  GError *local_error = NULL;

  if (wanted == SECRET_INPUT_PASSWORD && account->client_auth != CR_CLIENT_AUTH_NONE)
    return load_kept_secret (account, CR_SECRET_CLIENT_SECRET, kept, error);
  if (wanted == SECRET_INPUT_CLIENT_SECRET && account->grant == CR_GRANT_PASSWORD)
    return load_kept_secret (account, CR_SECRET_PASSWORD, kept, error);
  cr_secret_free (cr_store_lookup_secret (account->name, CR_SECRET_CLIENT_SECRET, &local_error));
  if (local_error == NULL)
    return TRUE;
  g_propagate_error (error, local_error);
  return FALSE;
}

/* Asks on the terminal whether secrets may go to the kernel keyring; no
 * answer within two minutes, or one that is not yes, is no. */
static gboolean
ask_kernel_keyring (void)
{
  static const char question[] =
    "No Secret Service here: keep the secrets in the kernel keyring until reboot? [y/N] ";
  char answer[16];
  struct pollfd ready = { .events = POLLIN };
  gssize len;
  int fd = open ("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY);

  if (fd < 0)
    return FALSE;
  (void) !write (fd, question, strlen (question));
  ready.fd = fd;
  len = poll (&ready, 1, 120 * 1000) == 1 ? read (fd, answer, sizeof answer - 1) : -1;
  close (fd);
  if (len <= 0 || answer[len - 1] != '\n')
    return FALSE;
  answer[len - 1] = '\0';
  return g_ascii_strcasecmp (answer, "y") == 0 || g_ascii_strcasecmp (answer, "yes") == 0;
}

/* Where the login keeps the secrets: in the Secret Service; with
 * --store kernel in the kernel keyring; where there is no Secret Service,
 * there too once the person says so at the terminal, else nowhere (the
 * fail-closed error, exit 5).  Asked before the secrets are. */
static gboolean
choose_secret_store (const CrAccount *account, GError **error)
{
  GError *local_error = NULL;
  g_autofree char *name_shown = NULL;

  if (opt_store != NULL)
    return cr_store_keep_secrets_in_kernel (account->name, error);
  /* The first keyring call learns whether there is a Secret Service. */
  cr_secret_free (cr_store_lookup_secret (account->name, CR_SECRET_CLIENT_SECRET, &local_error));
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }
  if (cr_store_get_secret_store () != CR_SECRET_STORE_KERNEL)
    return TRUE;
  if (!opt_secret_stdin && isatty (STDIN_FILENO) && ask_kernel_keyring ())
    return TRUE;
  name_shown = shown (account->name);
  g_set_error (error, CR_ERROR, CR_ERROR_KEYRING,
               "no Secret Service here, and the secrets go to the kernel keyring only when "
               "asked to: run 'credring login %s --store kernel' (kept until reboot), run under a "
               "desktop session (gnome-keyring), give the secret via systemd credentials "
               "($CREDENTIALS_DIRECTORY/credring.%s.client_secret) or secret_command = ... in "
               "accounts.conf", name_shown, name_shown);
  return FALSE;
}

/* What was stored, and the first token when the provider was asked. */
static void
report_login (const CrAccount *account, SecretInputWanted wanted, gboolean one_of_them,
              const CrToken *token)
{
  g_autofree char *name_shown = shown (account->name);
  const char *stored = wanted == SECRET_INPUT_PASSWORD      ? "password"
                       : opt_only == NULL && !one_of_them ? "secrets"
                                                          : "client secret";

  if (token != NULL)
    {
      g_autofree char *until = format_time (token->expires_at);

      printf ("%s: %s stored; the provider issued a token valid until %s\n", name_shown,
              stored, until);
    }
  else
    printf ("%s: %s stored (not verified)\n", name_shown, stored);
}

/* The client secret a sign-in sends: NULL for a public client, and for a
 * confidential one the stored one (*@typed NULL) unless there is none or
 * --only client_secret asks for a new one (*@typed, secret). */
static gboolean
signin_client_secret (const CrAccount *account, char **typed, GError **error)
{
  CrClientSecrets input = { NULL, NULL };
  cr_autosecret char *stored = NULL;
  GError *local_error = NULL;
  gboolean ok;

  *typed = NULL;
  if (account->client_auth == CR_CLIENT_AUTH_NONE ||
      cr_secret_source_of (account, CR_SECRET_CLIENT_SECRET) != CR_SECRET_SOURCE_KEYRING)
    return TRUE;
  /* --secret-stdin or --only client_secret: a new one, whatever is stored. */
  if (opt_only == NULL && !opt_secret_stdin)
    {
      stored = cr_store_lookup_secret (account->name, CR_SECRET_CLIENT_SECRET, &local_error);
      if (local_error != NULL)
        {
          g_propagate_error (error, local_error);
          return FALSE;
        }
      if (stored != NULL)
        return TRUE;
    }
  if (opt_secret_stdin)
    ok = secret_input_read_lines (STDIN_FILENO, SECRET_INPUT_CLIENT_SECRET, &input, error);
  else
    ok = secret_input_prompt (account->name, SECRET_INPUT_CLIENT_SECRET, &input, error);
  if (ok)
    *typed = g_strdup (input.client_secret);
  secret_input_clear (&input);
  return ok;
}

/* login for an account whose grant signs a person in: the browser or a
 * code, then the refresh token and the first token stored. */
static int
login_by_signing_in (const CrAccount *account, CrProvider *provider)
{
  CrTokenOptions options = {
    .min_valid = -1,
    .signin = CR_SIGNIN_ALWAYS,
    .method = opt_device ? CR_SIGNIN_METHOD_DEVICE : CR_SIGNIN_METHOD_DEFAULT,
    .no_browser = opt_no_browser,
  };
  g_autoptr (CrToken) token = NULL;
  g_autofree char *name_shown = shown (account->name);
  g_autofree char *until = NULL;
  cr_autosecret char *client_secret = NULL;
  GError *error = NULL;

  if (opt_only != NULL && !g_str_equal (opt_only, "client_secret"))
    return usage_error ("login: a sign-in takes no password (--only client_secret)");
  if (opt_no_verify)
    return usage_error ("login: --no-verify has nothing to skip in a sign-in");
  if (opt_device && opt_no_browser)
    return usage_error ("login: --device opens no browser already; it takes no --no-browser");
  if ((opt_secret_stdin || opt_only != NULL) && account->client_auth == CR_CLIENT_AUTH_NONE)
    return usage_error ("login: a public client (client_auth none) has no client secret");
  if ((opt_secret_stdin || opt_only != NULL) &&
      drop_secrets_from_elsewhere (account, SECRET_INPUT_CLIENT_SECRET) == 0)
    return flush_stdout ();
  /* stdin cannot be both the secret and the pasted address. */
  if (opt_secret_stdin && opt_no_browser)
    return usage_error ("login: --no-browser reads the browser's address from stdin: it takes "
                        "no --secret-stdin (type the client secret at the prompt instead)");
  if (!choose_secret_store (account, &error) ||
      !signin_client_secret (account, &client_secret, &error))
    return fail (error);
  token = cr_cache_signin (account, provider, client_secret, &options, &error);
  if (token == NULL)
    return fail (error);
  until = format_time (token->expires_at);
  printf ("%s: signed in; the provider issued a token valid until %s%s\n", name_shown, until,
          token->refresh_token != NULL ? " and a refresh token, stored" : "");
  return flush_stdout ();
}

static int
command_login (const char *name)
{
  g_autoptr (CrAccount) account = NULL;
  g_autoptr (CrProvider) provider = NULL;
  g_autoptr (CrToken) token = NULL;
  const CrPluginDescriptor *descriptor;
  CrClientSecrets input = { NULL, NULL };
  SecretInputWanted wanted, asked;
  cr_autosecret char *kept = NULL;
  GError *error = NULL;
  gboolean ok;

  if (!load_account (name, NULL, &account, &provider, &error))
    return fail (error);
  descriptor = cr_provider_get_descriptor (provider);
  if (cr_grant_needs_person (account->grant))
    return login_by_signing_in (account, provider);
  if (opt_device || opt_no_browser)
    return usage_error ("login: --device and --no-browser are for accounts that sign a person "
                        "in (grant = authorization_code or device_code)");
  if (!secrets_to_ask (account, descriptor, &wanted, &error))
    return fail (error);
  asked = wanted;
  wanted = drop_secrets_from_elsewhere (account, wanted);
  if (wanted == 0)
    return flush_stdout ();

  if (!choose_secret_store (account, &error) ||
      !prepare_login (account, descriptor, wanted, &kept, &error))
    return fail (error);

  if (opt_secret_stdin)
    ok = secret_input_read_lines (STDIN_FILENO, wanted, &input, &error);
  else
    ok = secret_input_prompt (account->name, wanted, &input, &error);
  if (!ok)
    return fail (error);

  /* With --only, the other is the stored one. */
  if ((wanted & SECRET_INPUT_CLIENT_SECRET) == 0)
    input.client_secret = g_steal_pointer (&kept);
  else if ((wanted & SECRET_INPUT_PASSWORD) == 0 && account->grant == CR_GRANT_PASSWORD)
    input.password = g_steal_pointer (&kept);

  /* Check with the provider before storing: rejected secrets never reach the keyring. */
  if (!opt_no_verify)
    token = cr_token_fetch (account, descriptor, &input, &error);
  ok = (opt_no_verify || token != NULL) &&
       cr_cache_store_login (account, descriptor, &input, token, &error);
  secret_input_clear (&input);
  if (!ok)
    return fail (error);

  report_login (account, wanted, wanted != asked, token);
  return flush_stdout ();
}

/* ---- token -------------------------------------------------------------- */


/* --dry-run: the request, masked, built without a secret and not sent:
 * neither the keyring nor the token endpoint is touched (an issuer's
 * metadata may have been fetched, to know where the request would go). */
static int
print_dry_run (const CrAccount *account, CrProvider *provider)
{
  g_autoptr (CrRequest) request = NULL;
  g_autofree char *text = NULL;
  g_auto (GStrv) lines = NULL;
  GError *error = NULL;

  request = cr_request_build_masked (cr_provider_get_descriptor (provider), account, &error);
  if (request == NULL)
    return fail (error);
  text = cr_request_format (request);
  /* Line by line, with what accounts.conf put in them shown.  Every line
   * ends with a newline, the last one too: nothing follows it. */
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL && lines[i + 1] != NULL; i++)
    {
      g_autofree char *line = shown (lines[i]);

      printf ("%s\n", line);
    }
  g_printerr ("credring: dry run: nothing was sent; secrets are shown as %s\n", CR_REQUEST_MASK);
  return flush_stdout ();
}

static int
command_token (const char *name)
{
  g_autoptr (CrAccount) account = NULL;
  g_autoptr (CrProvider) provider = NULL;
  g_autoptr (CrToken) token = NULL;
  /* A sign-in starts only where someone can answer it (CrSigninPolicy). */
  CrTokenOptions options = { .signin = CR_SIGNIN_IF_SOMEONE_ANSWERS, .ask_service = TRUE };
  guint64 min_valid = 0;
  GError *error = NULL;
  int status;

  if (opt_min_valid != NULL &&
      !g_ascii_string_to_unsigned (opt_min_valid, 10, 0, G_MAXINT32, &min_valid, NULL))
    return usage_error ("token: --min-valid takes a whole number of seconds");
  if (!load_account (name, NULL, &account, &provider, &error))
    return fail (error);
  if (opt_dry_run)
    return print_dry_run (account, provider);

  options.min_valid = opt_min_valid ? (gint64) min_valid : -1;
  options.force_refresh = opt_force_refresh;
  if (opt_refused_token_stdin && !wrappers_forget_refused_token (account, &error))
    return fail (error);
  token = cr_cache_get_token_with (account, provider, &options, &error);
  if (token == NULL)
    return fail (error);

  token_output_print (account, token, opt_format);
  status = flush_stdout ();
  return status;
}

/* ---- logout ------------------------------------------------------------- */

/* logout --all: the provider is told first (RFC 7009), so that a copy of
 * the refresh token elsewhere dies too; the local copy is dropped
 * whatever it answers, and a failure is said, not hidden.  An account
 * whose provider does not load is still logged out here, and a refresh
 * token it could not revoke is said too. */
static int
logout_all (CrConfig *config, CrAccount *account, const char *name_shown)
{
  g_autoptr (CrAccount) resolved = NULL;
  g_autoptr (CrProvider) provider = NULL;
  g_autoptr (GError) provider_error = NULL;
  g_autoptr (GError) revocation_error = NULL;
  CrRevocation revocation;
  GError *error = NULL;
  int status;

  /* As `token` opens it: a provider file's endpoints may come from its
   * issuer, the revocation endpoint among them. */
  resolved = cr_config_open_account (config, account->name, &provider, NULL, &provider_error);
  if (!cr_cache_forget_all (resolved != NULL ? resolved : account, provider, provider_error,
                            &revocation, &revocation_error, &error))
    return fail (error);
  if (revocation == CR_REVOCATION_FAILED)
    {
      g_autofree char *not_revoked =
        g_strconcat (name_shown, ": the refresh token was not revoked at the provider: ", NULL);

      print_line (not_revoked, revocation_error->message, " (it is dropped here)");
    }
  else if (revocation == CR_REVOCATION_NO_ENDPOINT)
    g_printerr ("credring: %s: the provider has no revocation endpoint: the refresh token "
                "stays valid there until it expires (dropped here)\n",
                name_shown);
  printf ("%s: cached token and stored secrets dropped%s\n", name_shown,
          revocation == CR_REVOCATION_DONE ? "; refresh token revoked" : "");
  status = flush_stdout ();
  /* All was dropped here, but not all that was asked for was done. */
  if (status == 0 && revocation == CR_REVOCATION_FAILED)
    status = cr_error_exit_status (revocation_error);
  return status;
}

static int
command_logout (const char *name)
{
  g_autoptr (CrConfig) config = NULL;
  g_autoptr (CrAccount) account = NULL;
  g_autofree char *name_shown = NULL;
  GError *error = NULL;
  gboolean kept = FALSE;

  config = load_config (name, &error);
  if (config == NULL)
    return fail (error);
  account = cr_config_get_account (config, name, &error);
  if (account == NULL)
    return fail (error);
  name_shown = shown (account->name);
  if (opt_all)
    return logout_all (config, account, name_shown);
  if (!cr_cache_forget (account, FALSE, &error))
    return fail (error);
  /* The next token would come from it, silently: say so. */
  {
    cr_autosecret char *refresh = cr_store_lookup_secret (account->name, CR_SECRET_REFRESH_TOKEN, NULL);

    /* One from a systemd credential stays too: credring never drops it. */
    kept = refresh != NULL || cr_secret_source_of (account, CR_SECRET_REFRESH_TOKEN) !=
                                CR_SECRET_SOURCE_KEYRING;
  }
  printf ("%s: cached token dropped%s\n", name_shown,
          kept ? "; the refresh token is kept ('logout --all' drops it too)" : "");
  return flush_stdout ();
}

/* ---- exec, curl (wrappers.c) --------------------------------------------- */

static int
command_exec (const char *name)
{
  g_autoptr (CrAccount) account = NULL;
  g_autoptr (CrProvider) provider = NULL;
  GError *error = NULL;

  if (!load_account (name, NULL, &account, &provider, &error))
    return fail (error);
  return wrappers_exec (account, provider, opt_env, command_line);
}

static int
command_curl (const char *name)
{
  g_autoptr (CrAccount) account = NULL;
  g_autoptr (CrProvider) provider = NULL;
  GError *error = NULL;

  if (!load_account (name, NULL, &account, &provider, &error))
    return fail (error);
  return wrappers_curl (account, provider, command_line);
}

/* ---- help --------------------------------------------------------------- */

/* `credring help [COMMAND]`, and --help with or without a command. */
/* ---- doctor ------------------------------------------------------------- */

static int
command_doctor (const char *name)
{
  return doctor_run (opt_config, name, g_strcmp0 (opt_format, "json") == 0);
}

static int
command_help (const char *name)
{
  const CliCommand *command = NULL;
  g_autofree char *text = NULL;
  GError *error = NULL;

  if (name != NULL)
    {
      command = cli_find_command (&program, name, &error);
      if (command == NULL)
        return fail (error);
    }
  text = cli_help (&program, command);
  fputs (text, stdout);
  return flush_stdout ();
}

/* ---- the command table ------------------------------------------------- */

static const GOptionEntry global_options[] = {
  { "config", 'c', 0, G_OPTION_ARG_FILENAME, &opt_config, "Accounts file, which must exist (default: $CREDRING_CONFIG or ~/.config/credring/accounts.conf)", "FILE" },
  { "verbose", 'v', 0, G_OPTION_ARG_NONE, &opt_verbose, "Say what is done (never a secret)", NULL },
  { "version", 'V', 0, G_OPTION_ARG_NONE, &opt_version, "Print the version", NULL },
  { "help", 'h', 0, G_OPTION_ARG_NONE, &opt_help, "Show this help (with a command: the command's)", NULL },
  { NULL },
};

/* An option several commands take has the same storage in each (cli.h). */
static const GOptionEntry providers_options[] = {
  { "describe", 0, 0, G_OPTION_ARG_STRING, &opt_describe, "Everything about provider NAME: account keys, secrets, hooks", "NAME" },
  { "format", 'f', 0, G_OPTION_ARG_STRING, &opt_format, "With --describe: json, for programs", "FORMAT" },
  { "names", 0, 0, G_OPTION_ARG_NONE, &opt_names, "Only the names, one a line (for shell completion)", NULL },
  { NULL },
};
static const CliChoices providers_choices[] = {
  { "format", (const char *const[]) { "json", NULL } },
  { NULL },
};

static const GOptionEntry status_options[] = {
  { "format", 'f', 0, G_OPTION_ARG_STRING, &opt_format, "text (default) or json, for programs", "FORMAT" },
  { NULL },
};
static const CliChoices status_choices[] = {
  { "format", (const char *const[]) { "text", "json", NULL } },
  { NULL },
};

static const GOptionEntry login_options[] = {
  { "secret-stdin", 0, 0, G_OPTION_ARG_NONE, &opt_secret_stdin, "Read client_secret=... / password=... lines from stdin", NULL },
  { "device", 0, 0, G_OPTION_ARG_NONE, &opt_device, "Sign in with a code on any device (RFC 8628), not in this machine's browser", NULL },
  { "no-browser", 0, 0, G_OPTION_ARG_NONE, &opt_no_browser, "Print the sign-in address instead of opening a browser; take the address the browser ends at from stdin", NULL },
  { "no-verify", 0, 0, G_OPTION_ARG_NONE, &opt_no_verify, "Store the secrets without fetching a first token", NULL },
  { "only", 0, 0, G_OPTION_ARG_STRING, &opt_only, "Ask for this secret only (client_secret or password); keep the other as stored", "SECRET" },
  { "store", 0, 0, G_OPTION_ARG_STRING, &opt_store, "kernel: keep the secrets in the kernel keyring, until reboot, even where there is a Secret Service", "STORE" },
  { NULL },
};
static const CliChoices login_choices[] = {
  { "only", (const char *const[]) { "client_secret", "password", NULL } },
  { "store", (const char *const[]) { "kernel", NULL } },
  { NULL },
};

static const GOptionEntry token_options[] = {
  { "format", 'f', 0, G_OPTION_ARG_STRING, &opt_format, "raw (default), header, json, or kubectl (an ExecCredential)", "FORMAT" },
  { "min-valid", 0, 0, G_OPTION_ARG_STRING, &opt_min_valid, "Seconds the token must still be valid", "SECONDS" },
  { "force-refresh", 0, 0, G_OPTION_ARG_NONE, &opt_force_refresh, "Fetch a new token even if the cached one is valid", NULL },
  { "dry-run", 0, 0, G_OPTION_ARG_NONE, &opt_dry_run, "Print the request that would be sent, secrets masked, and send nothing", NULL },
  { "refused-token-stdin", 0, 0, G_OPTION_ARG_NONE, &opt_refused_token_stdin, "First drop the cached token if it is the one on stdin, which an API refused", NULL },
  { NULL },
};
static const CliChoices token_choices[] = {
  { "format", token_output_formats },
  { NULL },
};

static const GOptionEntry exec_options[] = {
  { "env", 0, 0, G_OPTION_ARG_STRING, &opt_env, "The variable the token goes in (default " WRAPPERS_DEFAULT_ENV ")", "NAME" },
  { NULL },
};

static const GOptionEntry logout_options[] = {
  { "all", 0, 0, G_OPTION_ARG_NONE, &opt_all, "Drop the stored secrets too, and revoke the refresh token at the provider", NULL },
  { NULL },
};

static gboolean
check_providers_options (GError **error)
{
  if (opt_format != NULL && opt_describe == NULL)
    {
      g_set_error_literal (error, CR_ERROR, CR_ERROR_CONFIG,
                           "--format json goes with --describe NAME");
      return FALSE;
    }
  if (opt_names && opt_describe != NULL)
    {
      g_set_error_literal (error, CR_ERROR, CR_ERROR_CONFIG,
                           "--names lists every provider: it takes no --describe");
      return FALSE;
    }
  return TRUE;
}

/* A dry run fetches nothing: what it is asked about the token would be
 * silently ignored. */
static gboolean
check_token_options (GError **error)
{
  if (opt_dry_run && (opt_min_valid || opt_force_refresh || opt_format || opt_refused_token_stdin))
    {
      g_set_error_literal (error, CR_ERROR, CR_ERROR_CONFIG,
                           "--dry-run takes no --min-valid, --force-refresh, --format or "
                           "--refused-token-stdin");
      return FALSE;
    }
  return TRUE;
}

static gboolean
check_exec_options (GError **error)
{
  return wrappers_check_env_name (opt_env, error);
}

static const CliCommand commands[] = {
  { .name = "providers", .run = command_providers, .argument = CLI_ARGUMENT_NONE,
    .summary = "the providers (plugins and provider files)",
    .description = "Lists the providers, compiled plugins and provider files: where each was\n"
                   "found, its grant, its token URL and the account keys it needs.  With\n"
                   "--describe NAME, all of that for provider NAME; with --names, only the\n"
                   "names, one a line.",
    .options = providers_options, .choices = providers_choices,
    .check = check_providers_options },
  { .name = "status", .run = command_status, .argument = CLI_ARGUMENT_OPTIONAL,
    .argument_name = "ACCOUNT", .summary = "accounts, stored secrets, token validity",
    .description = "Shows every account, or ACCOUNT: its provider, what keeps it from being\n"
                   "used, where its secrets are kept and how long its cached token stays\n"
                   "valid.  Never a secret or a token.",
    .options = status_options, .choices = status_choices },
  { .name = "accounts", .run = command_accounts, .argument = CLI_ARGUMENT_NONE,
    .summary = "the account names, one a line",
    .description = "Prints the name of each account in the accounts file, one a line, and\n"
                   "nothing else (for scripts and shell completion).  Only the file is read:\n"
                   "no provider is loaded, no keyring asked.  A name the file could not\n"
                   "define (other than letters, digits and . _ @ -) is left out." },
  { .name = "login", .run = command_login, .argument = CLI_ARGUMENT_REQUIRED,
    .argument_name = "ACCOUNT", .summary = "sign in, or store the account's secrets",
    .description = "Asks for ACCOUNT's secrets (on the terminal, without echo), has the\n"
                   "provider issue a first token with them, and only then stores them in the\n"
                   "keyring: secrets the provider rejects are never stored.  With --only\n"
                   "password (or client_secret) it asks for that one alone and uses the\n"
                   "other as stored: a changed password without typing the client secret.\n"
                   "For an account that signs a person in (grant authorization_code or\n"
                   "device_code) it opens the browser at the provider's sign-in page, or with\n"
                   "--device shows a code to enter on any device (the default without a\n"
                   "desktop), and stores the refresh token the provider issues.\n"
                   "Where there is no Secret Service (SSH, a server) it asks whether to keep\n"
                   "the secrets in the kernel keyring until reboot; --store kernel keeps them\n"
                   "there without asking, and even where there is a Secret Service.",
    .options = login_options, .choices = login_choices },
  { .name = "token", .run = command_token, .argument = CLI_ARGUMENT_REQUIRED,
    .argument_name = "ACCOUNT", .summary = "print a valid token",
    .description = "Prints a valid token for ACCOUNT: the cached one while it stays valid\n"
                   "long enough, else a new one from the provider, which is cached.",
    .options = token_options, .choices = token_choices, .check = check_token_options },
  { .name = "logout", .run = command_logout, .argument = CLI_ARGUMENT_REQUIRED,
    .argument_name = "ACCOUNT", .summary = "drop the cached token (--all: the secrets too)",
    .description = "Drops ACCOUNT's cached token, and with --all its stored secrets and\n"
                   "refresh token too, revoking the refresh token at the provider first.",
    .options = logout_options },
  { .name = "doctor", .run = command_doctor, .argument = CLI_ARGUMENT_OPTIONAL,
    .argument_name = "ACCOUNT", .summary = "check what credring needs, and say what to fix",
    .description = "Checks, one line each: the session bus, the Secret Service and its\n"
                   "collections, the plugin and provider file directories, the accounts\n"
                   "file, and for every account (or ACCOUNT) its provider and settings, where\n"
                   "its secrets are found, its token URL over TLS with its ca_file (a GET\n"
                   "without any credential) and the clock against the server's.  Each line\n"
                   "says ok, or the problem and what fixes it.  Exit status 0 when every\n"
                   "check passes, 1 otherwise.",
    .options = status_options, .choices = status_choices },
  { .name = "exec", .run = command_exec, .argument = CLI_ARGUMENT_REQUIRED,
    .argument_name = "ACCOUNT", .summary = "run a command with a valid token in its environment",
    .description = "Runs COMMAND (searched in PATH, no shell) with a valid token for ACCOUNT in\n"
                   "the environment variable " WRAPPERS_DEFAULT_ENV " (or --env NAME), its type in\n"
                   WRAPPERS_ENV_TYPE " and its expiry (RFC 3339) in " WRAPPERS_ENV_EXPIRES_AT ";\n"
                   "never in argv.  The exit status is COMMAND's; without a token COMMAND\n"
                   "is not run and it is credring's; 127 or 126 when COMMAND cannot be run.",
    .options = exec_options, .check = check_exec_options,
    .command_line_name = "COMMAND [ARGS...]" },
  { .name = "curl", .run = command_curl, .argument = CLI_ARGUMENT_REQUIRED,
    .argument_name = "ACCOUNT", .summary = "run curl with a valid token, asking once more after a 401",
    .description = "Runs curl (found in PATH) with CURL_ARGS and ACCOUNT's token as an\n"
                   "\"Authorization: Bearer\" header in a configuration curl reads from a private\n"
                   "pipe, never argv or a file.  When the API answers 401, the token is dropped\n"
                   "and the request made once more with a new one; stdout is the second\n"
                   "answer's.  Not retried when the request reads stdin or a pipe.  The exit\n"
                   "status is curl's; without a token curl is not run and it is credring's;\n"
                   "3 when the API still answers 401.",
    .command_line_name = "CURL_ARGS..." },
  { .name = "help", .run = command_help, .argument = CLI_ARGUMENT_OPTIONAL,
    .argument_name = "COMMAND", .summary = "this help, or a command's usage and options",
    .description = "Prints the commands, or COMMAND's usage and options." },
  { NULL },
};

static const CliProgram program = {
  .name = "credring",
  .summary = "Get OAuth2 bearer tokens for REST APIs, kept in the desktop keyring.",
  .footer = "Exit status: 0 ok; 1 other failure; 2 usage or configuration error; 3 the "
            "provider\nrejected the credentials; 4 network, TLS or server error; 5 keyring "
            "unavailable or locked.",
  .options = global_options,
  .commands = commands,
};

/* ---- main --------------------------------------------------------------- */

static int
run (int argc, char **argv)
{
  const CliCommand *command;
  GError *error = NULL;

  command_line = cli_split_command_line (&argc, argv);
  if (!cli_parse (&program, &argc, &argv, &error))
    return fail (error);
  /* The library asks GLib whether its debug messages are wanted. */
  if (opt_verbose)
    g_setenv ("G_MESSAGES_DEBUG", G_LOG_DOMAIN, TRUE);
  if (opt_version)
    {
      printf ("credring %s (plugin ABI %d.%d)\n", PACKAGE_VERSION, CR_PLUGIN_ABI_MAJOR,
              CR_PLUGIN_ABI_MINOR);
      return flush_stdout ();
    }
  if (opt_help)
    return command_help (argc > 1 ? argv[1] : NULL);

  command = cli_find_command (&program, argc > 1 ? argv[1] : NULL, &error);
  if (command == NULL || !cli_check (&program, command, argc - 2, &error) ||
      !cli_check_command_line (&program, command, command_line, &error))
    return fail (error);
  return command->run (argc > 2 ? argv[2] : NULL);
}

/* The credring executable's entry into the CLI (credring-main.c), once
 * its fast path has not served: the program as it ever was. */
CR_EXPORT int credring_cli_main (int argc, char **argv);

int
credring_cli_main (int argc, char **argv)
{
  int status;

  cr_secret_prepare_front_end ();
  g_log_set_handler ("credring", G_LOG_LEVEL_DEBUG | G_LOG_LEVEL_INFO, print_debug, NULL);

  status = run (argc, argv);

  cr_store_disconnect ();
  g_free (opt_config);
  g_free (opt_format);
  g_free (opt_min_valid);
  g_free (opt_describe);
  g_free (opt_only);
  g_free (opt_store);
  g_free (opt_env);
  return status;
}
