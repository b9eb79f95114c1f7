/* The cache for programs with a main loop: cr_cache_get_token_with() and
 * cr_cache_signin() run in a GTask worker thread, so that the loop never
 * waits on a keyring prompt, the account's lock, a provider or a person
 * signing in.  The core stays synchronous; this file only moves its calls
 * off the caller's thread, and what a person must see back onto it. */
#include "config.h"

#include <credring/credring.h>

#include "account/account.h"

/* One call: everything the worker reads, owned by the task, so that the
 * caller may free its own account, provider and options as soon as the
 * call returns, and all of its things once its callback has run, even
 * while a cancelled worker still runs. */
typedef struct {
  CrAccount *account;     /* a copy */
  CrProvider *provider;   /* a reference */
  CrTokenOptions options; /* a copy, whose tell is tell_in_caller() */
  void (*tell) (const char *line, gpointer user_data); /* the caller's */
  gpointer tell_data;
  GMainContext *context; /* the caller's thread-default one: where tell runs */
  char *client_secret;   /* secret, nullable: cr_login_async()'s */
} Call;

static void
call_free (Call *call)
{
  cr_account_free (call->account);
  cr_provider_free (call->provider);
  g_main_context_unref (call->context);
  cr_secret_free (call->client_secret);
  g_free (call);
}

/* A line for the person, on its way to the caller's thread. */
typedef struct {
  GTask *task;
  char *line;
} Line;

static void
line_free (gpointer data)
{
  Line *line = data;

  g_object_unref (line->task);
  g_free (line->line);
  g_free (line);
}

/* In the caller's thread.  Nothing once the caller has its answer or has
 * given up: its tell_data may be gone by then. */
static gboolean
deliver_line (gpointer data)
{
  Line *line = data;
  Call *call = g_task_get_task_data (line->task);

  if (!g_task_get_completed (line->task) &&
      !g_cancellable_is_cancelled (g_task_get_cancellable (line->task)))
    call->tell (line->line, call->tell_data);
  return G_SOURCE_REMOVE;
}

/* In the worker: the core's tell, handed on to the caller's main context
 * (a GTK program's widgets belong to its main thread). */
static void
tell_in_caller (const char *text, gpointer task)
{
  Call *call = g_task_get_task_data (task);
  Line *line = g_new0 (Line, 1);

  line->task = g_object_ref (task);
  line->line = g_strdup (text);
  g_main_context_invoke_full (call->context, G_PRIORITY_DEFAULT, deliver_line, line, line_free);
}

static GTask *
call_new (const CrAccount *account, CrProvider *provider, const CrTokenOptions *options,
          GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data,
          gpointer source_tag)
{
  static const CrTokenOptions defaults = { .min_valid = -1 };
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  Call *call = g_new0 (Call, 1);

  call->account = cr_account_copy (account);
  call->provider = cr_provider_ref (provider);
  call->options = options != NULL ? *options : defaults;
  call->context = g_main_context_ref_thread_default ();
  call->tell = call->options.tell;
  call->tell_data = call->options.tell_data;
  /* NULL stays NULL: the core writes the lines on stderr, as it does for
   * the CLI, and a sign-in that needs someone looking is not started
   * where nobody is (CR_SIGNIN_IF_SOMEONE_ANSWERS). */
  if (call->tell != NULL)
    {
      call->options.tell = tell_in_caller;
      call->options.tell_data = task;
    }
  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, call, (GDestroyNotify) call_free);
  /* A cancelled call answers at once; the worker's answer, when it comes,
   * is dropped (hand_back()). */
  g_task_set_return_on_cancel (task, TRUE);
  return task;
}

/* In the worker, once the core has answered. */
static void
hand_back (GTask *task, CrToken *token, GError *error)
{
  /* Cancelled meanwhile: the caller had G_IO_ERROR_CANCELLED already.
   * What the core stored (a token, a refresh token) stays stored. */
  if (!g_task_set_return_on_cancel (task, FALSE))
    {
      cr_token_free (token);
      g_clear_error (&error);
      return;
    }
  if (token == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, token, (GDestroyNotify) cr_token_free);
}

/* The core's long waits (a lock, a person's sign-in) look at the
 * thread's current cancellable: the caller's, while its work runs. */
static void
run_as_current (GCancellable *cancellable, gboolean starting)
{
  if (cancellable == NULL)
    return;
  if (starting)
    g_cancellable_push_current (cancellable);
  else
    g_cancellable_pop_current (cancellable);
}

static void
get_token_in_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  Call *call = task_data;
  GError *error = NULL;
  CrToken *token;

  /* Cancelled before a worker was free: the task has answered already,
   * and neither the keyring nor the provider is asked. */
  if (g_cancellable_is_cancelled (cancellable))
    return;
  run_as_current (cancellable, TRUE);
  token = cr_cache_get_token_with (call->account, call->provider, &call->options, &error);
  run_as_current (cancellable, FALSE);
  hand_back (task, token, error);
}

void
cr_token_get_async (const CrAccount *account, CrProvider *provider,
                    const CrTokenOptions *options, GCancellable *cancellable,
                    GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr (GTask) task = NULL;

  g_return_if_fail (account != NULL && provider != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = call_new (account, provider, options, cancellable, callback, user_data,
                   cr_token_get_async);
  g_task_set_name (task, "cr_token_get_async");
  if (g_task_return_error_if_cancelled (task))
    return;
  g_task_run_in_thread (task, get_token_in_thread);
}

CrToken *
cr_token_get_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == cr_token_get_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
login_in_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  Call *call = task_data;
  GError *error = NULL;
  CrToken *token;

  if (g_cancellable_is_cancelled (cancellable))
    return;
  run_as_current (cancellable, TRUE);
  token = cr_cache_signin (call->account, call->provider, call->client_secret, &call->options,
                           &error);
  run_as_current (cancellable, FALSE);
  hand_back (task, token, error);
}

void
cr_login_async (const CrAccount *account, CrProvider *provider, const char *client_secret,
                const CrTokenOptions *options, GCancellable *cancellable,
                GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr (GTask) task = NULL;

  g_return_if_fail (account != NULL && provider != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = call_new (account, provider, options, cancellable, callback, user_data, cr_login_async);
  g_task_set_name (task, "cr_login_async");
  if (g_task_return_error_if_cancelled (task))
    return;
  /* Stored secrets are typed by a person, at `credring login`. */
  if (!cr_grant_needs_person (account->grant))
    {
      g_task_return_new_error (task, CR_ERROR, CR_ERROR_CONFIG,
                               "account [%s] signs in with stored secrets, not a person: run "
                               "'credring login %s'",
                               account->name, account->name);
      return;
    }
  ((Call *) g_task_get_task_data (task))->client_secret = g_strdup (client_secret);
  g_task_run_in_thread (task, login_in_thread);
}

CrToken *
cr_login_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == cr_login_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
