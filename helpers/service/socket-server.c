/* credring-service's local socket (core/service/socket.h): the CLI and git
 * ask for a cached token in one round trip.  Answered from memory, else
 * from the keyring in a worker thread; never fetched here (the asker does
 * that itself, where a person may be asked). */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include <credring/credring.h>

#include "cache/changes.h"
#include "cache/cache.h"
#include "service.h"
#include "service/socket.h"

/* A question is short: account, fingerprint, a number. */
#define MAX_QUESTION 1024
/* An asker that does not finish its question is dropped. */
#define QUESTION_TIMEOUT_SECONDS 2

typedef struct {
  Service *service;
  GSocketConnection *connection;
  GCancellable *reading; /* cancelled when the question is late */
  char question[MAX_QUESTION];
  gsize used;
  guint timeout_id;
  char *account;
  char *fingerprint;
  gint64 min_valid;
  char *answer; /* secret */
} Asker;

static void
asker_end (Asker *asker)
{
  if (asker->timeout_id != 0)
    g_source_remove (asker->timeout_id);
  g_io_stream_close (G_IO_STREAM (asker->connection), NULL, NULL);
  g_object_unref (asker->connection);
  g_object_unref (asker->reading);
  g_free (asker->account);
  g_free (asker->fingerprint);
  cr_secret_free (asker->answer);
  service_release (asker->service);
  g_free (asker);
}

static void
answer_written (GObject *stream, GAsyncResult *result, gpointer data)
{
  g_output_stream_write_all_finish (G_OUTPUT_STREAM (stream), result, NULL, NULL);
  asker_end (data);
}

static void
answer (Asker *asker, const CrToken *token)
{
  GOutputStream *out = g_io_stream_get_output_stream (G_IO_STREAM (asker->connection));

  asker->answer = cr_service_answer_format (token);
  g_output_stream_write_all_async (out, asker->answer, strlen (asker->answer),
                                   G_PRIORITY_DEFAULT, NULL, answer_written, asker);
}

/* What the keyring holds for the asker, looked up in a worker. */
typedef struct {
  KeyringState state;
  CrToken *token;
} Lookup;

static void
lookup_free (gpointer data)
{
  Lookup *lookup = data;

  cr_token_free (lookup->token);
  g_free (lookup);
}

static void
look_in_keyring (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  Asker *asker = data;
  Lookup *lookup = g_new0 (Lookup, 1);

  /* Before the keyring: a change after it shows at the next call. */
  keyring_state_read (asker->service->memory, asker->account, &lookup->state);
  lookup->token = cr_cache_lookup_token (asker->account, NULL);
  g_task_return_pointer (task, lookup, lookup_free);
}

static void
looked_in_keyring (GObject *source, GAsyncResult *result, gpointer data)
{
  Asker *asker = data;
  Lookup *lookup = g_task_propagate_pointer (G_TASK (result), NULL);
  const CrToken *token = lookup->token;

  if (token != NULL && g_strcmp0 (token->fingerprint, asker->fingerprint) == 0)
    token_memory_remember (asker->service->memory, asker->account, &lookup->state, NULL, token);
  else
    token = NULL;
  if (token != NULL &&
      !cr_token_is_fresh (token, g_get_real_time () / G_USEC_PER_SEC, asker->min_valid))
    token = NULL;
  answer (asker, token);
  lookup_free (lookup);
}

static void
answer_question (Asker *asker)
{
  g_autoptr (CrToken) token = NULL;
  g_autoptr (GTask) task = NULL;

  if (!cr_service_question_parse (asker->question, &asker->account, &asker->fingerprint,
                                  &asker->min_valid))
    {
      asker_end (asker);
      return;
    }
  token = token_memory_recall (asker->service->memory, asker->account, asker->fingerprint,
                               asker->min_valid);
  if (token != NULL)
    {
      answer (asker, token);
      return;
    }
  task = g_task_new (NULL, NULL, looked_in_keyring, asker);
  g_task_set_task_data (task, asker, NULL);
  g_task_run_in_thread (task, look_in_keyring);
}

static void read_more (Asker *asker);

static void
question_read (GObject *stream, GAsyncResult *result, gpointer data)
{
  Asker *asker = data;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (stream), result, NULL);
  char *end;

  if (n <= 0)
    {
      asker_end (asker);
      return;
    }
  asker->used += (gsize) n;
  asker->question[asker->used] = '\0';
  end = memchr (asker->question, '\n', asker->used);
  if (end == NULL)
    {
      if (asker->used >= sizeof asker->question - 1)
        asker_end (asker);
      else
        read_more (asker);
      return;
    }
  *end = '\0';
  g_source_remove (asker->timeout_id);
  asker->timeout_id = 0;
  answer_question (asker);
}

static void
read_more (Asker *asker)
{
  GInputStream *in = g_io_stream_get_input_stream (G_IO_STREAM (asker->connection));

  g_input_stream_read_async (in, asker->question + asker->used,
                             sizeof asker->question - 1 - asker->used, G_PRIORITY_DEFAULT,
                             asker->reading, question_read, asker);
}

static gboolean
question_late (gpointer data)
{
  Asker *asker = data;

  asker->timeout_id = 0;
  /* The pending read ends, and with it the asker. */
  g_cancellable_cancel (asker->reading);
  return G_SOURCE_REMOVE;
}

static gboolean
is_own_user (GSocketConnection *connection)
{
  GSocket *socket = g_socket_connection_get_socket (connection);
  g_autoptr (GCredentials) peer = g_socket_get_credentials (socket, NULL);

  return peer != NULL && g_credentials_get_unix_user (peer, NULL) == getuid ();
}

static gboolean
incoming (GSocketService *listener, GSocketConnection *connection, GObject *source,
          gpointer data)
{
  Service *service = data;
  Asker *asker;

  /* The directory is ours alone (0700); the peer is checked all the same. */
  if (!is_own_user (connection))
    return FALSE;
  asker = g_new0 (Asker, 1);
  asker->service = service;
  asker->connection = g_object_ref (connection);
  asker->reading = g_cancellable_new ();
  service_hold (service);
  asker->timeout_id = g_timeout_add_seconds (QUESTION_TIMEOUT_SECONDS, question_late, asker);
  read_more (asker);
  return TRUE;
}

gboolean
service_listen (Service *service, GError **error)
{
  g_autoptr (GSocketAddress) address = NULL;
  g_autofree char *path = cr_service_socket_path (error);

  if (path == NULL)
    return FALSE;
  /* Ours is the bus name, so a socket left there is a dead service's. */
  if (g_unlink (path) != 0 && errno != ENOENT)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "%s: %s", path,
                   g_strerror (saved));
      return FALSE;
    }
  address = g_unix_socket_address_new (path);
  service->socket_service = g_socket_service_new ();
  if (!g_socket_listener_add_address (G_SOCKET_LISTENER (service->socket_service), address,
                                      G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_DEFAULT, NULL, NULL,
                                      error))
    {
      g_clear_object (&service->socket_service);
      return FALSE;
    }
  g_signal_connect (service->socket_service, "incoming", G_CALLBACK (incoming), service);
  g_socket_service_start (service->socket_service);
  service->socket_path = g_steal_pointer (&path);
  return TRUE;
}

void
service_stop_listening (Service *service)
{
  if (service->socket_service == NULL)
    return;
  g_socket_service_stop (service->socket_service);
  g_socket_listener_close (G_SOCKET_LISTENER (service->socket_service));
  g_clear_object (&service->socket_service);
  g_unlink (service->socket_path);
  g_clear_pointer (&service->socket_path, g_free);
}
