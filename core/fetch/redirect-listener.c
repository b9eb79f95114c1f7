/* The loopback end of a native app's sign-in (RFC 8252 §7.3): a SoupServer
 * bound to one loopback address that takes the browser's redirect once.
 * It runs on a GMainContext of its own, pushed only while it works, so a
 * caller's main loop neither runs it nor is run by it. */
#include "config.h"

#include <stdarg.h>
#include <string.h>

#include <libsoup/soup.h>

#include <credring/credring.h>

#include "base/secret.h"

#include "fetch/redirect-listener.h"

/* Once the query is taken, this long for its page to reach the browser:
 * the sign-in counts even if the page never arrives. */
#define PAGE_FLUSH_MS 2000
/* Sources left after the server is gone are dispatched this many times
 * at most, so that freeing cannot spin. */
#define DRAIN_ITERATIONS 64

struct CrRedirectListener {
  GMainContext *context;
  SoupServer *server;
  char *path;
  char *where;                 /* "127.0.0.1:PORT", "[::1]:PORT": for messages */
  const char *state;           /* while waiting: what the redirect must carry */
  char *query;                 /* secret: the redirect's raw query, until handed over */
  gboolean answered;           /* the redirect came: every later request is refused */
  SoupServerMessage *redirect; /* its request, until its page has gone */
  gboolean page_sent;
};

static const char page_done[] =
  "<!DOCTYPE html>\n"
  "<html lang=\"en\"><head><meta charset=\"utf-8\"><title>credring: signed in</title></head>\n"
  "<body><h1>Signed in</h1>\n"
  "<p>credring has what it needs. You can close this tab.</p></body></html>\n";

static const char page_failed[] =
  "<!DOCTYPE html>\n"
  "<html lang=\"en\"><head><meta charset=\"utf-8\"><title>credring: sign-in failed</title></head>\n"
  "<body><h1>Sign-in failed</h1>\n"
  "<p>The provider did not sign you in; credring says why. You can close this tab.</p>"
  "</body></html>\n";

static void G_GNUC_PRINTF (3, 4)
set_message (char *message, size_t message_size, const char *format, ...)
{
  va_list args;

  if (message == NULL || message_size == 0)
    return;
  va_start (args, format);
  g_vsnprintf (message, (gulong) message_size, format, args);
  va_end (args);
}

/* Answers @msg with @status and a line of plain text. */
static void
answer_plain (SoupServerMessage *msg, guint status, const char *text)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);

  soup_message_headers_replace (headers, "X-Content-Type-Options", "nosniff");
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "text/plain; charset=utf-8", SOUP_MEMORY_STATIC, text,
                                    strlen (text));
}

/* The page the browser shows at the end: it loads nothing from anywhere,
 * and its address (which holds the code) is not sent on. */
static void
answer_page (SoupServerMessage *msg, gboolean failed)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  const char *page = failed ? page_failed : page_done;

  soup_message_headers_replace (headers, "Content-Security-Policy", "default-src 'none'");
  soup_message_headers_replace (headers, "Referrer-Policy", "no-referrer");
  /* The browser has no more to ask here. */
  soup_message_headers_replace (headers, "Connection", "close");
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, "text/html; charset=utf-8", SOUP_MEMORY_STATIC, page,
                                    strlen (page));
}

static gboolean
is_loopback_peer (SoupServerMessage *msg)
{
  GSocketAddress *peer = soup_server_message_get_remote_address (msg);

  return peer != NULL && G_IS_INET_SOCKET_ADDRESS (peer) &&
         g_inet_address_get_is_loopback (
           g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (peer)));
}

/* Whether @query is the redirect: it carries state, equal to @state, and
 * no parameter twice (RFC 6749 §3.1), so that whoever reads the query
 * next finds the same state whichever duplicate it would have taken.
 * *@failed: whether it carries error=. */
static gboolean
is_the_redirect (const char *query, const char *state, gboolean *failed)
{
  g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr (GError) error = NULL;
  GUriParamsIter iter;
  char *name = NULL;
  char *value = NULL;
  gboolean state_matches = FALSE;

  *failed = FALSE;
  g_uri_params_iter_init (&iter, query, -1, "&", G_URI_PARAMS_WWW_FORM);
  while (g_uri_params_iter_next (&iter, &name, &value, &error))
    {
      gboolean repeated = g_hash_table_contains (seen, name);

      if (strcmp (name, "state") == 0)
        state_matches = cr_secret_equal (value, state);
      else if (strcmp (name, "error") == 0)
        *failed = TRUE;
      g_hash_table_add (seen, name);
      cr_secret_free (value);
      if (repeated)
        return FALSE;
    }
  /* A query that does not decode (a bad %-escape) is no redirect either. */
  return error == NULL && state_matches;
}

/* Why @msg is not the redirect, as an HTTP status and a line to show;
 * 0 when it is the redirect (*@failed: whether it says error=). */
static guint
refusal (const CrRedirectListener *listener, SoupServerMessage *msg, const char *path,
         const char **text, gboolean *failed)
{
  const char *query = g_uri_get_query (soup_server_message_get_uri (msg));

  *text = "credring: not the sign-in this credring is waiting for.\n";
  if (!is_loopback_peer (msg))
    *text = "credring: not from this machine.\n";
  else if (strcmp (path, listener->path) != 0)
    {
      *text = "credring: nothing here.\n";
      return SOUP_STATUS_NOT_FOUND;
    }
  else if (strcmp (soup_server_message_get_method (msg), SOUP_METHOD_GET) != 0)
    {
      *text = "credring: only GET here.\n";
      return SOUP_STATUS_METHOD_NOT_ALLOWED;
    }
  else if (listener->answered || listener->state == NULL)
    *text = "credring: this sign-in is over. You can close this tab.\n";
  else if (query != NULL && strlen (query) <= CR_REDIRECT_MAX_QUERY_BYTES &&
           is_the_redirect (query, listener->state, failed))
    return 0;
  return SOUP_STATUS_BAD_REQUEST;
}

/* Every request comes here: the redirect is answered with its page and
 * its query kept, anything else with an error page, and the wait goes on. */
static void
handle_request (SoupServer *server, SoupServerMessage *msg, const char *path, GHashTable *form,
                gpointer user_data)
{
  CrRedirectListener *listener = user_data;
  const char *text = NULL;
  gboolean failed = FALSE;
  guint status = refusal (listener, msg, path, &text, &failed);

  if (status == SOUP_STATUS_METHOD_NOT_ALLOWED)
    soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Allow", "GET");
  if (status != 0)
    {
      answer_plain (msg, status, text);
      return;
    }
  listener->query = g_strdup (g_uri_get_query (soup_server_message_get_uri (msg)));
  listener->answered = TRUE;
  listener->redirect = g_object_ref (msg);
  answer_page (msg, failed);
}

/* Before anything of a request is read.  Its body is never used here:
 * dropped as it comes, so that a large one cannot fill memory.  No answer
 * is cached, not even libsoup's own to a request it cannot parse. */
static void
prepare_request (SoupServer *server, SoupServerMessage *msg, gpointer user_data)
{
  soup_message_body_set_accumulate (soup_server_message_get_request_body (msg), FALSE);
  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Cache-Control",
                                "no-store");
}

static void
note_request_done (SoupServer *server, SoupServerMessage *msg, gpointer user_data)
{
  CrRedirectListener *listener = user_data;

  if (msg == listener->redirect)
    listener->page_sent = TRUE;
}

static gboolean
note_deadline (gpointer user_data)
{
  gboolean *expired = user_data;

  *expired = TRUE;
  return G_SOURCE_REMOVE;
}

/* Runs @context (the thread's default already) until *@done or
 * @timeout_ms has passed; whether *@done. */
static gboolean
run_until (GMainContext *context, const gboolean *done, long timeout_ms)
{
  gboolean expired = FALSE;
  GSource *timer = g_timeout_source_new ((guint) CLAMP (timeout_ms, 0, G_MAXUINT));

  g_source_set_callback (timer, note_deadline, &expired, NULL);
  g_source_attach (timer, context);
  while (!*done && !expired)
    g_main_context_iteration (context, TRUE);
  g_source_destroy (timer);
  g_source_unref (timer);
  return *done;
}

/* "127.0.0.1:PORT", "[::1]:PORT", as a URL writes them. */
static char *
host_and_port (GInetAddress *address, unsigned int port)
{
  g_autofree char *host = g_inet_address_to_string (address);

  if (g_inet_address_get_family (address) == G_SOCKET_FAMILY_IPV6)
    return g_strdup_printf ("[%s]:%u", host, port);
  return g_strdup_printf ("%s:%u", host, port);
}

/* A path such as /callback: what a redirect URI can carry unescaped,
 * since the server compares it with the path it decoded. */
static gboolean
is_plain_path (const char *path)
{
  if (path[0] != '/')
    return FALSE;
  for (const char *c = path; *c != '\0'; c++)
    if (!g_ascii_isalnum (*c) && strchr ("-._~/", *c) == NULL)
      return FALSE;
  return TRUE;
}

static unsigned int
bound_port_of (SoupServer *server)
{
  g_autoptr (GSList) sockets = soup_server_get_listeners (server);
  g_autoptr (GSocketAddress) local = NULL;

  if (sockets == NULL)
    return 0;
  local = g_socket_get_local_address (sockets->data, NULL);
  if (local == NULL || !G_IS_INET_SOCKET_ADDRESS (local))
    return 0;
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (local));
}

/* A server on @listener's context with its handlers, listening on
 * @address only. */
static gboolean
start_server (CrRedirectListener *listener, GSocketAddress *address, GError **error)
{
  gboolean listening;

  /* Its sockets take the thread's default context when they are made. */
  g_main_context_push_thread_default (listener->context);
  listener->server = soup_server_new ("server-header", "credring", NULL);
  soup_server_add_handler (listener->server, NULL, handle_request, listener, NULL);
  g_signal_connect (listener->server, "request-started", G_CALLBACK (prepare_request), NULL);
  g_signal_connect (listener->server, "request-finished", G_CALLBACK (note_request_done),
                    listener);
  g_signal_connect (listener->server, "request-aborted", G_CALLBACK (note_request_done),
                    listener);
  listening = soup_server_listen (listener->server, address, 0, error);
  g_main_context_pop_thread_default (listener->context);
  return listening;
}

CrFetchStatus
cr_redirect_listen (const char *host, unsigned int port, const char *path,
                    CrRedirectListener **listener, unsigned int *bound_port, char *message,
                    size_t message_size)
{
  g_autoptr (GInetAddress) address = NULL;
  g_autoptr (GSocketAddress) socket_address = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *where = NULL;
  CrRedirectListener *made;

  *listener = NULL;
  *bound_port = 0;
  if (host == NULL || path == NULL)
    {
      set_message (message, message_size, "no address or path to listen on");
      return CR_FETCH_FAILED;
    }
  address = g_inet_address_new_from_string (host);
  if (address == NULL || !g_inet_address_get_is_loopback (address))
    {
      g_autofree char *shown = cr_escape_for_message (host, -1, 80);

      set_message (message, message_size,
                   "cannot listen on %s: not a loopback address such as 127.0.0.1 or ::1",
                   shown);
      return CR_FETCH_FAILED;
    }
  if (port > G_MAXUINT16 || !is_plain_path (path))
    {
      g_autofree char *shown = cr_escape_for_message (path, -1, 80);

      set_message (message, message_size,
                   "cannot listen on port %u for %s: a port up to 65535 and a path of "
                   "letters, digits and -._~/ starting with / are needed", port, shown);
      return CR_FETCH_FAILED;
    }

  made = g_new0 (CrRedirectListener, 1);
  made->context = g_main_context_new ();
  made->path = g_strdup (path);
  socket_address = g_inet_socket_address_new (address, (guint16) port);
  if (!start_server (made, socket_address, &error))
    {
      g_autofree char *shown = cr_escape_for_message (error->message, -1, 200);

      where = host_and_port (address, port);
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE))
        set_message (message, message_size, "cannot listen on %s: the port is in use", where);
      else
        set_message (message, message_size, "cannot listen on %s: %s", where, shown);
      cr_redirect_listener_free (made);
      return CR_FETCH_NETWORK;
    }
  *bound_port = bound_port_of (made->server);
  made->where = host_and_port (address, *bound_port);
  *listener = made;
  return CR_FETCH_OK;
}

CrFetchStatus
cr_redirect_wait (CrRedirectListener *listener, const char *state, long timeout_ms,
                  char **query, char *message, size_t message_size)
{
  gboolean came;

  *query = NULL;
  if (listener == NULL || state == NULL || *state == '\0')
    {
      set_message (message, message_size, "no listener or no state to wait for");
      return CR_FETCH_FAILED;
    }
  if (listener->answered)
    {
      set_message (message, message_size, "the listener on %s has had its redirect already",
                   listener->where);
      return CR_FETCH_FAILED;
    }

  listener->state = state;
  g_main_context_push_thread_default (listener->context);
  came = run_until (listener->context, &listener->answered, timeout_ms);
  if (came)
    (void) run_until (listener->context, &listener->page_sent, PAGE_FLUSH_MS);
  g_main_context_pop_thread_default (listener->context);
  listener->state = NULL;
  g_clear_object (&listener->redirect);

  if (!came)
    {
      set_message (message, message_size, "no sign-in came back to http://%s%s within %ld ms",
                   listener->where, listener->path, MAX (timeout_ms, 0));
      return CR_FETCH_TIMED_OUT;
    }
  *query = g_steal_pointer (&listener->query);
  return CR_FETCH_OK;
}

void
cr_redirect_listener_free (CrRedirectListener *listener)
{
  if (listener == NULL)
    return;
  g_main_context_push_thread_default (listener->context);
  if (listener->server != NULL)
    {
      soup_server_disconnect (listener->server);
      g_clear_object (&listener->server);
    }
  /* Closing connections leaves callbacks behind on the context. */
  for (int i = 0; i < DRAIN_ITERATIONS; i++)
    if (!g_main_context_iteration (listener->context, FALSE))
      break;
  g_main_context_pop_thread_default (listener->context);
  g_clear_object (&listener->redirect);
  g_main_context_unref (listener->context);
  cr_secret_free (listener->query);
  g_free (listener->path);
  g_free (listener->where);
  g_free (listener);
}

void
cr_redirect_query_free (char *query)
{
  cr_secret_free (query);
}
