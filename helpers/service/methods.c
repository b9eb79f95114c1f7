/* credring-service's D-Bus object (org.credring.Credring1.xml): each call
 * checked to come from our own user, then answered from memory or, off the
 * main loop, by the same core calls the CLI makes. */
#include "config.h"

#include <string.h>
#include <unistd.h>

#include <credring/credring.h>

#include "cache/changes.h"
#include "service.h"

#define ERROR_PREFIX SERVICE_INTERFACE ".Error."

/* The D-Bus errors mirror credring's exit statuses (CrErrorCode). */
static void
register_errors (void)
{
  static const struct {
    CrErrorCode code;
    const char *name;
  } names[] = {
    { CR_ERROR_FAILED, ERROR_PREFIX "Failed" },   { CR_ERROR_CONFIG, ERROR_PREFIX "Config" },
    { CR_ERROR_REJECTED, ERROR_PREFIX "Rejected" }, { CR_ERROR_NETWORK, ERROR_PREFIX "Network" },
    { CR_ERROR_KEYRING, ERROR_PREFIX "Keyring" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (names); i++)
    g_dbus_error_register_error (CR_ERROR, names[i].code, names[i].name);
}

/* @error as the CLI would print it (one line, escaped), under the name of
 * the exit status it would end with. */
static void
return_error (GDBusMethodInvocation *invocation, const GError *error)
{
  g_autofree char *message = cr_escape_for_message (error->message, -1, 1000);

  g_dbus_method_invocation_return_error_literal (invocation, CR_ERROR,
                                                 cr_error_exit_status (error), message);
}

/* ---- options ----------------------------------------------------------- */

typedef struct {
  gint64 min_valid;     /* -1: the account's or the default */
  gboolean force_refresh;
  CrSigninMethod method;
} CallOptions;

static gboolean
wrong_option (GError **error, const char *key, const char *why)
{
  g_autofree char *shown = cr_escape_for_message (key, -1, 64);

  g_set_error (error, G_DBUS_ERROR, G_DBUS_ERROR_INVALID_ARGS, "option '%s': %s", shown, why);
  return FALSE;
}

/* @allowed: the keys this method takes. */
static gboolean
parse_options (GVariant *dict, const char *const *allowed, CallOptions *out, GError **error)
{
  GVariantIter iter;
  const char *key;
  GVariant *value;

  *out = (CallOptions){ .min_valid = -1 };
  g_variant_iter_init (&iter, dict);
  while (g_variant_iter_loop (&iter, "{&sv}", &key, &value))
    {
      if (!g_strv_contains (allowed, key))
        {
          g_variant_unref (value);
          return wrong_option (error, key, "not known here");
        }
      if (strcmp (key, "min-valid") == 0)
        {
          if (!g_variant_is_of_type (value, G_VARIANT_TYPE_UINT32) ||
              g_variant_get_uint32 (value) > G_MAXINT32)
            {
              g_variant_unref (value);
              return wrong_option (error, key, "takes seconds, as a uint32 (u)");
            }
          out->min_valid = g_variant_get_uint32 (value);
        }
      else if (strcmp (key, "force-refresh") == 0)
        {
          if (!g_variant_is_of_type (value, G_VARIANT_TYPE_BOOLEAN))
            {
              g_variant_unref (value);
              return wrong_option (error, key, "takes a boolean (b)");
            }
          out->force_refresh = g_variant_get_boolean (value);
        }
      else if (strcmp (key, "method") == 0)
        {
          const char *method = g_variant_is_of_type (value, G_VARIANT_TYPE_STRING)
                                 ? g_variant_get_string (value, NULL)
                                 : "";

          if (strcmp (method, "browser") == 0)
            out->method = CR_SIGNIN_METHOD_BROWSER;
          else if (strcmp (method, "device") == 0)
            out->method = CR_SIGNIN_METHOD_DEVICE;
          else
            {
              g_variant_unref (value);
              return wrong_option (error, key, "takes \"browser\" or \"device\" (s)");
            }
        }
    }
  return TRUE;
}

/* ---- a call's work, off the main loop ---------------------------------- */

typedef enum { WORK_TOKEN, WORK_TOKEN_FOR_URL, WORK_LIST, WORK_RESOLVE, WORK_LOGOUT } WorkKind;

/* What a worker needs and what it finds; owned by its GTask. */
typedef struct {
  Service *service;
  WorkKind kind;
  char *what;           /* the account's name, or the URL */
  CallOptions options;
  gboolean all;         /* Logout */
  /* found */
  CrAccount *account;
  CrProvider *provider;
  CrToken *token;
  KeyringState state;
  SettingsFiles settings;
  CrRevocation revocation;
  GError *revocation_error;
  GVariant *accounts;   /* ListAccounts' answer */
} Work;

static void
work_free (gpointer data)
{
  Work *work = data;

  g_free (work->what);
  cr_account_free (work->account);
  cr_provider_free (work->provider);
  cr_token_free (work->token);
  settings_files_clear (&work->settings);
  g_clear_error (&work->revocation_error);
  g_clear_pointer (&work->accounts, g_variant_unref);
  g_free (work);
}

/* The account whose url matches @work->what, as git-credential-credring
 * matches a request. */
static CrAccount *
match_url (Work *work, CrProvider **provider, GPtrArray *warnings, GError **error)
{
  g_autoptr (GUri) uri = g_uri_parse (work->what, G_URI_FLAGS_ENCODED_PATH, NULL);
  g_autoptr (CrConfig) config = NULL;
  g_autofree char *shown = cr_escape_for_message (work->what, -1, 300);
  g_autofree char *host = NULL;
  GError *local_error = NULL;
  const char *path;
  CrAccount *account;

  if (uri == NULL || g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0')
    {
      g_set_error (error, CR_ERROR, CR_ERROR_CONFIG, "not a URL: %s", shown);
      return NULL;
    }
  /* As git names a request: host[:port], the path without its '/'. */
  host = g_uri_get_port (uri) > 0
           ? g_strdup_printf ("%s:%d", g_uri_get_host (uri), g_uri_get_port (uri))
           : g_strdup (g_uri_get_host (uri));
  path = g_uri_get_path (uri);
  while (*path == '/')
    path++;
  config = cr_config_load (work->settings.config_path, error);
  if (config == NULL)
    return NULL;
  account = cr_config_match_account (config, g_uri_get_scheme (uri), host, path, provider,
                                     warnings, &local_error);
  if (local_error != NULL)
    g_propagate_error (error, local_error);
  else if (account == NULL)
    g_set_error (error, CR_ERROR, CR_ERROR_CONFIG, "no account in %s has a url matching %s",
                 work->settings.config_path, shown);
  return account;
}

/* The account named @work->what (or matching its URL), resolved, with the
 * files its settings come from. */
static gboolean
open_account (Work *work, GError **error)
{
  g_autoptr (CrConfig) config = NULL;
  g_autoptr (GPtrArray) warnings = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *signature = NULL;
  const char *path;

  work->settings.config_path = cr_config_default_path ();
  /* Taken first: a change while they are read shows as a changed
   * signature at the next call. */
  signature = settings_signature (work->settings.config_path, NULL);
  if (work->kind == WORK_TOKEN_FOR_URL)
    work->account = match_url (work, &work->provider, warnings, error);
  else
    {
      config = cr_config_load_account_only (work->settings.config_path, FALSE, work->what, error);
      if (config != NULL)
        work->account = cr_config_open_account (config, work->what, &work->provider, warnings,
                                                error);
    }
  if (work->account == NULL)
    return FALSE;
  for (guint i = 0; i < warnings->len; i++)
    g_debug ("account [%s]: %s", work->account->name, (char *) g_ptr_array_index (warnings, i));
  path = cr_provider_get_path (work->provider);
  work->settings.provider_path = g_strdup (path);
  /* The provider's file, as it was before it was loaded, is unknown: the
   * signature counts only when the accounts file did not change. */
  {
    g_autofree char *config_only = settings_signature (work->settings.config_path, NULL);

    if (strcmp (config_only, signature) == 0)
      work->settings.signature = settings_signature (work->settings.config_path, path);
  }
  return TRUE;
}

static void
get_token (Work *work, GError **error)
{
  CrTokenOptions options = {
    .min_valid = work->options.min_valid,
    .force_refresh = work->options.force_refresh,
    /* Nobody here to answer: Login is how a person signs in. */
    .signin = CR_SIGNIN_NEVER,
  };

  if (!open_account (work, error))
    return;
  keyring_state_read (work->service->memory, work->account->name, &work->state);
  work->token = cr_cache_get_token_with (work->account, work->provider, &options, error);
}

static void
add_state (GVariantBuilder *states, CrConfig *config, const char *name, gint64 now,
           GError **error)
{
  g_autoptr (GPtrArray) warnings = g_ptr_array_new_with_free_func (g_free);
  CrAccountState state = { 0 };
  GVariantBuilder facts;

  if (!cr_account_state_collect (config, name, now, &state, warnings, error))
    {
      cr_account_state_clear (&state);
      return;
    }
  g_variant_builder_init (&facts, G_VARIANT_TYPE_VARDICT);
  if (state.problem != NULL)
    g_variant_builder_add (&facts, "{sv}", "problem", g_variant_new_string (state.problem));
  else
    {
      g_variant_builder_add (&facts, "{sv}", "grant",
                             g_variant_new_string (cr_grant_to_string (state.grant)));
      g_variant_builder_add (&facts, "{sv}", "secrets-stored",
                             g_variant_new_boolean ((state.public_client ||
                                                     state.client_secret == 1) &&
                                                    state.password != 0));
      g_variant_builder_add (&facts, "{sv}", "refresh-token",
                             g_variant_new_boolean (state.refresh_token == 1));
      if (state.has_token && !state.other_settings)
        g_variant_builder_add (&facts, "{sv}", "token-expires-at",
                               g_variant_new_int64 (state.expires_at));
    }
  g_variant_builder_add (states, "(ssa{sv})", name, state.provider ? state.provider : "",
                         &facts);
  cr_account_state_clear (&state);
}

static void
list_accounts (Work *work, GError **error)
{
  g_autoptr (CrConfig) config = cr_config_load (NULL, error);
  g_auto (GStrv) names = NULL;
  GVariantBuilder states;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  if (config == NULL)
    return;
  names = cr_config_list_accounts (config);
  g_variant_builder_init (&states, G_VARIANT_TYPE ("a(ssa{sv})"));
  for (guint i = 0; names[i] != NULL; i++)
    {
      add_state (&states, config, names[i], now, error);
      if (error != NULL && *error != NULL)
        {
          g_variant_builder_clear (&states);
          return;
        }
    }
  work->accounts = g_variant_ref_sink (g_variant_builder_end (&states));
}

static void
logout (Work *work, GError **error)
{
  g_autoptr (CrConfig) config = cr_config_load_account_only (NULL, FALSE, work->what, error);
  g_autoptr (GError) provider_error = NULL;
  g_autoptr (CrAccount) resolved = NULL;

  if (config == NULL)
    return;
  work->account = cr_config_get_account (config, work->what, error);
  if (work->account == NULL)
    return;
  if (!work->all)
    {
      cr_cache_forget (work->account, FALSE, error);
      return;
    }
  /* As `credring logout --all`: opened as for a token (a provider file's
   * endpoints may come from its issuer); an account whose provider does
   * not load is still logged out, its refresh token, not revoked, said as
   * "failed: WHY". */
  resolved = cr_config_open_account (config, work->what, &work->provider, NULL, &provider_error);
  cr_cache_forget_all (resolved != NULL ? resolved : work->account, work->provider,
                       provider_error, &work->revocation, &work->revocation_error, error);
}

static void
run_work (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  Work *work = data;
  GError *error = NULL;

  switch (work->kind)
    {
    case WORK_TOKEN:
    case WORK_TOKEN_FOR_URL:
      get_token (work, &error);
      break;
    case WORK_LIST:
      list_accounts (work, &error);
      break;
    case WORK_RESOLVE:
      open_account (work, &error);
      break;
    case WORK_LOGOUT:
      logout (work, &error);
      break;
    }
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

/* ---- calls waiting on one piece of work -------------------------------- */

/* Calls that asked the same at once share one worker: one keyring lookup,
 * one wait on the lock. */
typedef struct {
  GPtrArray *invocations; /* GDBusMethodInvocation */
} Waiting;

static void
waiting_free (gpointer data)
{
  Waiting *waiting = data;

  g_ptr_array_unref (waiting->invocations);
  g_free (waiting);
}

static char *
work_key (const Work *work)
{
  return g_strdup_printf ("%d %" G_GINT64_FORMAT " %d %d %s", work->kind, work->options.min_valid,
                          work->options.force_refresh, work->all, work->what);
}

static void work_done (GObject *source, GAsyncResult *result, gpointer data);

/* Runs @work (taken) for @invocation (taken), or joins the same work
 * already under way. */
static void
start_work (Service *service, Work *work, GDBusMethodInvocation *invocation)
{
  g_autofree char *key = work_key (work);
  Waiting *waiting = g_hash_table_lookup (service->pending, key);
  g_autoptr (GTask) task = NULL;

  service_hold (service);
  /* A logout or a sign-in is each caller's own. */
  if (waiting != NULL && work->kind != WORK_LOGOUT && work->kind != WORK_RESOLVE)
    {
      g_ptr_array_add (waiting->invocations, invocation);
      work_free (work);
      return;
    }
  waiting = g_new0 (Waiting, 1);
  waiting->invocations = g_ptr_array_new ();
  g_ptr_array_add (waiting->invocations, invocation);
  /* Not findable when it is not to be joined. */
  if (work->kind == WORK_LOGOUT || work->kind == WORK_RESOLVE)
    {
      g_free (key);
      key = g_strdup_printf ("%p", (void *) work);
    }
  g_hash_table_replace (service->pending, g_strdup (key), waiting);
  task = g_task_new (NULL, NULL, work_done, g_steal_pointer (&key));
  g_task_set_task_data (task, work, work_free);
  g_task_run_in_thread (task, run_work);
}

static void start_login (Service *service, Work *work, GDBusMethodInvocation *invocation);

static void
answer (Work *work, GDBusMethodInvocation *invocation)
{
  const char *revocation_names[] = {
    [CR_REVOCATION_NOTHING_STORED] = "none",
    [CR_REVOCATION_DONE] = "revoked",
    [CR_REVOCATION_NO_ENDPOINT] = "no-endpoint",
  };
  g_autofree char *revocation = NULL;

  switch (work->kind)
    {
    case WORK_TOKEN:
      g_dbus_method_invocation_return_value (
        invocation, g_variant_new ("(ssx)", work->token->access_token, "Bearer",
                                   work->token->expires_at));
      break;
    case WORK_TOKEN_FOR_URL:
      g_dbus_method_invocation_return_value (
        invocation, g_variant_new ("(sssx)", work->account->name, work->token->access_token,
                                   "Bearer", work->token->expires_at));
      break;
    case WORK_LIST:
      g_dbus_method_invocation_return_value (invocation,
                                             g_variant_new ("(@a(ssa{sv}))", work->accounts));
      break;
    case WORK_LOGOUT:
      if (!work->all)
        revocation = g_strdup ("");
      else if (work->revocation == CR_REVOCATION_FAILED)
        {
          /* Words of a provider file or a server: one printable line of
           * valid UTF-8, as a D-Bus string must be. */
          g_autofree char *why =
            cr_escape_for_message (work->revocation_error->message, -1, 1000);

          revocation = g_strdup_printf ("failed: %s", why);
        }
      else
        revocation = g_strdup (revocation_names[work->revocation]);
      g_dbus_method_invocation_return_value (invocation, g_variant_new ("(s)", revocation));
      break;
    case WORK_RESOLVE:
      g_assert_not_reached ();
    }
}

static void
work_done (GObject *source, GAsyncResult *result, gpointer key)
{
  GTask *task = G_TASK (result);
  Work *work = g_task_get_task_data (task);
  Service *service = work->service;
  g_autoptr (GError) error = NULL;
  Waiting *waiting = NULL;
  g_autofree char *stolen_key = NULL;

  g_hash_table_steal_extended (service->pending, key, (gpointer *) &stolen_key,
                               (gpointer *) &waiting);
  g_free (key);
  if (!g_task_propagate_boolean (task, &error))
    {
      for (guint i = 0; i < waiting->invocations->len; i++)
        return_error (g_ptr_array_index (waiting->invocations, i), error);
    }
  else if (work->kind == WORK_RESOLVE)
    {
      /* Login goes on in the core's own worker (cr_login_async()). */
      start_login (service, work, g_ptr_array_index (waiting->invocations, 0));
    }
  else
    {
      if (work->token != NULL)
        token_memory_remember (service->memory, work->account->name, &work->state,
                               work->settings.signature ? &work->settings : NULL, work->token);
      if (work->kind == WORK_LOGOUT)
        token_memory_forget (service->memory, work->what);
      for (guint i = 0; i < waiting->invocations->len; i++)
        answer (work, g_ptr_array_index (waiting->invocations, i));
    }
  for (guint i = 0; i < waiting->invocations->len; i++)
    service_release (service);
  waiting_free (waiting);
}

/* ---- Login ------------------------------------------------------------- */

typedef struct {
  Service *service;
  GDBusMethodInvocation *invocation;
  char *account;
  /* Cancelled when the caller leaves the bus: a sign-in nobody waits for
   * any more ends at once, its lock freed, no code left polling. */
  GCancellable *cancellable;
  guint caller_watch;
} Login;

static void
tell_person (const char *line, gpointer data)
{
  Login *login = data;

  g_dbus_connection_emit_signal (login->service->bus, NULL, SERVICE_OBJECT_PATH,
                                 SERVICE_INTERFACE, "SigninPrompt",
                                 g_variant_new ("(ss)", login->account, line), NULL);
}

static gboolean
release_in_main (gpointer data)
{
  service_release (data);
  return G_SOURCE_REMOVE;
}

/* In whichever thread drops the task's last reference: the worker's,
 * once it is done. */
static void
login_worker_done (gpointer data, GObject *where_the_task_was)
{
  g_idle_add (release_in_main, data);
}

static void
login_done (GObject *source, GAsyncResult *result, gpointer data)
{
  Login *login = data;
  g_autoptr (GError) error = NULL;
  g_autoptr (CrToken) token = cr_login_finish (result, &error);

  if (token == NULL)
    return_error (login->invocation, error);
  else
    g_dbus_method_invocation_return_value (login->invocation,
                                           g_variant_new ("(x)", token->expires_at));
  if (login->caller_watch != 0)
    g_bus_unwatch_name (login->caller_watch);
  g_object_unref (login->cancellable);
  /* A cancelled sign-in is answered at once, while its worker may still be
   * in a request or storing what the provider issued: the service stays
   * until that is done (idle, it would exit under the worker's feet). */
  g_object_weak_ref (G_OBJECT (result), login_worker_done, login->service);
  g_free (login->account);
  g_free (login);
}

static void
caller_left (GDBusConnection *bus, const char *name, gpointer data)
{
  Login *login = data;

  g_message ("account [%s]: the caller of Login left the bus: its sign-in is given up",
             login->account);
  g_cancellable_cancel (login->cancellable);
}

static void
start_login (Service *service, Work *work, GDBusMethodInvocation *invocation)
{
  Login *login = g_new0 (Login, 1);
  const char *sender = g_dbus_method_invocation_get_sender (invocation);
  CrTokenOptions options = {
    .min_valid = -1,
    .signin = CR_SIGNIN_ALWAYS,
    .method = work->options.method,
    .tell = tell_person,
    .tell_data = login,
  };

  login->service = service;
  login->invocation = invocation;
  login->account = g_strdup (work->account->name);
  login->cancellable = g_cancellable_new ();
  /* A caller already gone is seen at once, as "vanished". */
  if (sender != NULL)
    login->caller_watch = g_bus_watch_name_on_connection (service->bus, sender,
                                                          G_BUS_NAME_WATCHER_FLAGS_NONE, NULL,
                                                          caller_left, login, NULL);
  service_hold (service);
  cr_login_async (work->account, work->provider, NULL, &options, login->cancellable, login_done,
                  login);
}

/* ---- dispatch ---------------------------------------------------------- */

static const char *const token_options[] = { "min-valid", "force-refresh", NULL };
static const char *const login_options[] = { "method", NULL };

static Work *
work_new (Service *service, WorkKind kind, const char *what)
{
  Work *work = g_new0 (Work, 1);

  work->service = service;
  work->kind = kind;
  work->what = g_strdup (what);
  work->options.min_valid = -1;
  return work;
}

static void
dispatch (Service *service, GDBusMethodInvocation *invocation)
{
  const char *method = g_dbus_method_invocation_get_method_name (invocation);
  GVariant *parameters = g_dbus_method_invocation_get_parameters (invocation);
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) dict = NULL;
  const char *what = NULL;
  Work *work;

  if (strcmp (method, "ListAccounts") == 0)
    {
      start_work (service, work_new (service, WORK_LIST, ""), invocation);
      return;
    }
  if (strcmp (method, "Logout") == 0)
    {
      gboolean all;

      g_variant_get (parameters, "(&sb)", &what, &all);
      work = work_new (service, WORK_LOGOUT, what);
      work->all = all;
      start_work (service, work, invocation);
      return;
    }

  g_variant_get (parameters, "(&s@a{sv})", &what, &dict);
  if (strcmp (method, "Login") == 0)
    work = work_new (service, WORK_RESOLVE, what);
  else
    work = work_new (service,
                     strcmp (method, "GetAccessTokenForUrl") == 0 ? WORK_TOKEN_FOR_URL
                                                                  : WORK_TOKEN,
                     what);
  if (!parse_options (dict, work->kind == WORK_RESOLVE ? login_options : token_options,
                      &work->options, &error))
    {
      g_dbus_method_invocation_return_gerror (invocation, error);
      work_free (work);
      return;
    }
  /* The path people hit every minute: no thread, no keyring. */
  if (work->kind == WORK_TOKEN && !work->options.force_refresh)
    {
      g_autoptr (CrToken) token =
        token_memory_recall_unchanged (service->memory, what, work->options.min_valid);

      if (token != NULL)
        {
          g_dbus_method_invocation_return_value (
            invocation, g_variant_new ("(ssx)", token->access_token, "Bearer", token->expires_at));
          work_free (work);
          return;
        }
    }
  start_work (service, work, invocation);
}

/* ---- who may call ------------------------------------------------------ */

typedef struct {
  Service *service;
  GDBusMethodInvocation *invocation;
} CallerCheck;

static void
answer_if_own_user (Service *service, GDBusMethodInvocation *invocation, guint32 uid)
{
  if (uid == getuid ())
    dispatch (service, invocation);
  else
    g_dbus_method_invocation_return_dbus_error (invocation, SERVICE_ERROR_ACCESS_DENIED,
                                                "credring-service answers its own user only");
}

static void
caller_uid_known (GObject *bus, GAsyncResult *result, gpointer data)
{
  CallerCheck *check = data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (bus), result,
                                                              &error);
  guint32 uid;

  if (reply == NULL)
    {
      g_dbus_method_invocation_return_dbus_error (check->invocation, SERVICE_ERROR_ACCESS_DENIED,
                                                  "the caller's user cannot be known");
    }
  else
    {
      g_variant_get (reply, "(u)", &uid);
      /* A unique name is never given to another connection on this bus. */
      if (g_hash_table_size (check->service->caller_uids) > 4096)
        g_hash_table_remove_all (check->service->caller_uids);
      g_hash_table_replace (check->service->caller_uids,
                            g_strdup (g_dbus_method_invocation_get_sender (check->invocation)),
                            GUINT_TO_POINTER (uid + 1));
      answer_if_own_user (check->service, check->invocation, uid);
    }
  service_release (check->service);
  g_free (check);
}

static void
method_called (GDBusConnection *bus, const char *sender, const char *path,
               const char *interface, const char *method, GVariant *parameters,
               GDBusMethodInvocation *invocation, gpointer data)
{
  Service *service = data;
  gpointer known = sender ? g_hash_table_lookup (service->caller_uids, sender) : NULL;
  CallerCheck *check;

  if (known != NULL)
    {
      answer_if_own_user (service, invocation, GPOINTER_TO_UINT (known) - 1);
      return;
    }
  /* The bus says who the caller runs as; nothing the caller says counts. */
  check = g_new0 (CallerCheck, 1);
  check->service = service;
  check->invocation = invocation;
  service_hold (service);
  g_dbus_connection_call (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                          "org.freedesktop.DBus", "GetConnectionUnixUser",
                          g_variant_new ("(s)", sender ? sender : ""), G_VARIANT_TYPE ("(u)"),
                          G_DBUS_CALL_FLAGS_NONE, -1, NULL, caller_uid_known, check);
}

static const GDBusInterfaceVTable vtable = { method_called, NULL, NULL, { 0 } };

void
service_emit_account_changed (Service *service, const char *account, const char *change)
{
  g_dbus_connection_emit_signal (service->bus, NULL, SERVICE_OBJECT_PATH, SERVICE_INTERFACE,
                                 "AccountChanged", g_variant_new ("(ss)", account, change),
                                 NULL);
}

gboolean
service_export (Service *service, GError **error)
{
  g_autoptr (GBytes) xml = g_resources_lookup_data ("/org/credring/Credring1/interface.xml",
                                                    G_RESOURCE_LOOKUP_FLAGS_NONE, error);

  if (xml == NULL)
    return FALSE;
  register_errors ();
  service->pending = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, waiting_free);
  service->introspection = g_dbus_node_info_new_for_xml (g_bytes_get_data (xml, NULL), error);
  if (service->introspection == NULL)
    return FALSE;
  service->object_id = g_dbus_connection_register_object (
    service->bus, SERVICE_OBJECT_PATH,
    g_dbus_node_info_lookup_interface (service->introspection, SERVICE_INTERFACE), &vtable,
    service, NULL, error);
  return service->object_id != 0;
}

void
service_unexport (Service *service)
{
  if (service->object_id != 0)
    g_dbus_connection_unregister_object (service->bus, service->object_id);
  g_clear_pointer (&service->introspection, g_dbus_node_info_unref);
  g_clear_pointer (&service->pending, g_hash_table_destroy);
}
