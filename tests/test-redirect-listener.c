/* Unit tests for the loopback sign-in listener (core/fetch/redirect-listener.c),
 * through the built fetch module's ABI as the core reaches it: dlopen'ed
 * from $CREDRING_FETCH_MODULE.  The browser is played by a thread that
 * speaks raw HTTP over GIO sockets (so that it can send what no browser
 * would), or by the module's own post() for the GET it now sends. */

#include <dlfcn.h>
#include <string.h>

#include <gio/gio.h>
#include <glib.h>

#include "fetch/fetch-module.h"
#include "testutil.h"

#define STATE "s7aTe-0f-th1s-s1gn-in"
#define WAIT_MS 10000

static const CrFetchModule *module;

/* ---- the browser ------------------------------------------------------- */

typedef struct {
  char *host;              /* "127.0.0.1" or "::1" */
  guint port;
  GPtrArray *requests;     /* raw HTTP requests, sent one after the other */
  GPtrArray *answers;      /* raw answers, in the same order */
} Browser;

/* Sends @request on a new connection to @host:@port and reads the answer
 * to its end (every request says Connection: close). */
static char *
exchange (const char *host, guint port, const char *request)
{
  g_autoptr (GSocketClient) client = g_socket_client_new ();
  g_autoptr (GInetAddress) address = g_inet_address_new_from_string (host);
  g_autoptr (GSocketAddress) peer = g_inet_socket_address_new (address, (guint16) port);
  g_autoptr (GSocketConnection) connection = NULL;
  g_autoptr (GByteArray) answer = g_byte_array_new ();
  g_autoptr (GError) error = NULL;
  GInputStream *in;
  guint8 buffer[4096];
  gssize got;

  g_socket_client_set_timeout (client, 20);
  g_socket_client_set_enable_proxy (client, FALSE);
  connection = g_socket_client_connect (client, G_SOCKET_CONNECTABLE (peer), NULL, &error);
  g_assert_no_error (error);
  g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (connection)), request,
                             strlen (request), NULL, NULL, &error);
  g_assert_no_error (error);
  in = g_io_stream_get_input_stream (G_IO_STREAM (connection));
  while ((got = g_input_stream_read (in, buffer, sizeof buffer, NULL, &error)) > 0)
    g_byte_array_append (answer, buffer, (guint) got);
  g_assert_no_error (error);
  g_byte_array_append (answer, (const guint8 *) "", 1);
  return (char *) g_byte_array_free (g_steal_pointer (&answer), FALSE);
}

static gpointer
browse (gpointer data)
{
  Browser *browser = data;

  for (guint i = 0; i < browser->requests->len; i++)
    g_ptr_array_add (browser->answers,
                     exchange (browser->host, browser->port, browser->requests->pdata[i]));
  return NULL;
}

static Browser *
browser_new (const char *host, guint port)
{
  Browser *browser = g_new0 (Browser, 1);

  browser->host = g_strdup (host);
  browser->port = port;
  browser->requests = g_ptr_array_new_with_free_func (g_free);
  browser->answers = g_ptr_array_new_with_free_func (g_free);
  return browser;
}

static void
browser_free (Browser *browser)
{
  g_free (browser->host);
  g_ptr_array_unref (browser->requests);
  g_ptr_array_unref (browser->answers);
  g_free (browser);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Browser, browser_free)

/* Queues "@method @target" with a Host header and, for a POST, a body. */
static void
browser_add (Browser *browser, const char *method, const char *target)
{
  gboolean v6 = strchr (browser->host, ':') != NULL;
  const char *body = strcmp (method, "POST") == 0 ? "code=posted&state=" STATE : "";

  g_ptr_array_add (browser->requests,
                   g_strdup_printf ("%s %s HTTP/1.1\r\nHost: %s%s%s:%u\r\n"
                                    "Content-Type: application/x-www-form-urlencoded\r\n"
                                    "Content-Length: %zu\r\nConnection: close\r\n\r\n%s",
                                    method, target, v6 ? "[" : "", browser->host, v6 ? "]" : "",
                                    browser->port, strlen (body), body));
}

/* The answer's status code. */
static guint
status_of (const char *answer)
{
  g_autofree char *code = NULL;
  guint64 status = 0;

  g_assert_true (g_str_has_prefix (answer, "HTTP/1.1 "));
  code = g_strndup (answer + strlen ("HTTP/1.1 "), 3);
  g_assert_true (g_ascii_string_to_unsigned (code, 10, 100, 599, &status, NULL));
  return (guint) status;
}

/* The value of the answer's header @name, or NULL. */
static char *
header_of (const char *answer, const char *name)
{
  g_autofree char *head = g_strndup (answer, (gsize) (strstr (answer, "\r\n\r\n") - answer));
  g_auto (GStrv) lines = g_strsplit (head, "\r\n", -1);

  for (guint i = 1; lines[i] != NULL; i++)
    if (g_ascii_strncasecmp (lines[i], name, strlen (name)) == 0 && lines[i][strlen (name)] == ':')
      return g_strstrip (g_strdup (lines[i] + strlen (name) + 1));
  return NULL;
}

/* Not inlined: GCC 12 then misreads the strstr() calls on its result. */
static G_GNUC_NO_INLINE const char *
body_of (const char *answer)
{
  const char *end = strstr (answer, "\r\n\r\n");

  g_assert_nonnull (end);
  return end + 4;
}

/* ---- helpers ----------------------------------------------------------- */

static CrRedirectListener *
listen_on (const char *host, guint *port)
{
  CrRedirectListener *listener = NULL;
  char message[512] = "";

  g_assert_cmpint (module->listen (host, 0, "/callback", &listener, port, message,
                                   sizeof message), ==, CR_FETCH_OK);
  g_assert_nonnull (listener);
  g_assert_cmpuint (*port, >, 0);
  return listener;
}

/* The sockets listening on TCP @port, from /proc/net/@table
 * ("tcp" or "tcp6"), as their local addresses in the kernel's hex. */
static GPtrArray *
listening_on (const char *table, guint port)
{
  g_autofree char *path = g_build_filename ("/proc/net", table, NULL);
  g_autofree char *text = NULL;
  g_autofree char *suffix = g_strdup_printf (":%04X", port);
  g_auto (GStrv) lines = NULL;
  GPtrArray *found = g_ptr_array_new_with_free_func (g_free);

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 1; lines[i] != NULL; i++)
    {
      g_auto (GStrv) fields = g_strsplit_set (g_strstrip (lines[i]), " ", -1);
      g_autoptr (GPtrArray) words = g_ptr_array_new ();

      for (guint k = 0; fields[k] != NULL; k++)
        if (*fields[k] != '\0')
          g_ptr_array_add (words, fields[k]);
      /* sl local_address rem_address st ...; st 0A is LISTEN. */
      if (words->len > 3 && strcmp (words->pdata[3], "0A") == 0 &&
          g_str_has_suffix (words->pdata[1], suffix))
        g_ptr_array_add (found, g_strdup (words->pdata[1]));
    }
  return found;
}

static gboolean
have_ipv6_loopback (void)
{
  g_autoptr (GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV6, G_SOCKET_TYPE_STREAM,
                                             G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr (GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV6);
  g_autoptr (GSocketAddress) address = g_inet_socket_address_new (loopback, 0);

  return socket != NULL && g_socket_bind (socket, address, FALSE, NULL);
}

static gboolean
note_idle_ran (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

/* ---- tests ------------------------------------------------------------- */

/* Port 0 gives an ephemeral port, bound on 127.0.0.1 and nowhere else;
 * anything but a loopback address, or a path that is not one, is refused. */
static void
test_ephemeral_loopback_only (void)
{
  static const char *const not_loopback[] = { "0.0.0.0", "::", "192.0.2.1", "localhost", "",
                                              "127.0.0.1:80" };
  guint port = 0;
  CrRedirectListener *listener = listen_on ("127.0.0.1", &port);
  g_autoptr (GPtrArray) v4 = listening_on ("tcp", port);
  g_autoptr (GPtrArray) v6 = listening_on ("tcp6", port);
  g_autofree char *expected = g_strdup_printf ("0100007F:%04X", port);

  g_assert_cmpuint (v4->len, ==, 1);
  g_assert_cmpstr (v4->pdata[0], ==, expected);
  g_assert_cmpuint (v6->len, ==, 0);
  module->listener_free (listener);

  for (gsize i = 0; i < G_N_ELEMENTS (not_loopback); i++)
    {
      CrRedirectListener *refused = NULL;
      guint bound = 1;
      char message[512] = "";

      g_assert_cmpint (module->listen (not_loopback[i], 0, "/callback", &refused, &bound,
                                       message, sizeof message), ==, CR_FETCH_FAILED);
      g_assert_null (refused);
      g_assert_cmpuint (bound, ==, 0);
      cr_test_assert_contains (message, "not a loopback address");
    }
  {
    static const char *const not_paths[] = { "callback", "/call back", "/cb?x=1", "/%63b", "" };

    for (gsize i = 0; i < G_N_ELEMENTS (not_paths); i++)
      {
        CrRedirectListener *refused = NULL;
        char message[512] = "";

        g_assert_cmpint (module->listen ("127.0.0.1", 0, not_paths[i], &refused, &port, message,
                                         sizeof message), ==, CR_FETCH_FAILED);
        g_assert_null (refused);
        cr_test_assert_contains (message, "path");
      }
  }
}

/* Each wrong request gets its error page and the wait goes on; the right
 * one gets the page, and its query comes back.  The caller's main
 * context is not run meanwhile. */
static void
test_refusals_then_redirect (void)
{
  guint port = 0;
  CrRedirectListener *listener = listen_on ("127.0.0.1", &port);
  g_autoptr (Browser) browser = browser_new ("127.0.0.1", port);
  g_autofree char *long_query = g_strdup_printf ("/callback?state=%s&code=%0*d", STATE, 9000, 7);
  char message[512] = "";
  char *query = NULL;
  gboolean idle_ran = FALSE;
  GThread *thread;
  static const guint expected[] = { 404, 404, 400, 400, 400, 400, 405, 405, 400, 400, 400, 200 };

  browser_add (browser, "GET", "/other?code=c&state=" STATE);
  browser_add (browser, "GET", "/callback/deeper?code=c&state=" STATE);
  browser_add (browser, "GET", "/callback?code=c");                      /* no state */
  browser_add (browser, "GET", "/callback?code=c&state=");               /* empty state */
  browser_add (browser, "GET", "/callback?code=c&state=" STATE "x");     /* wrong state */
  browser_add (browser, "GET", "/callback?code=c&state=" STATE "&state=" STATE);
  browser_add (browser, "POST", "/callback?code=c&state=" STATE);
  browser_add (browser, "HEAD", "/callback?code=c&state=" STATE);
  browser_add (browser, "GET", long_query);                              /* over 8 KiB */
  browser_add (browser, "GET", "/callback?code=%ZZ&state=" STATE);       /* bad escape */
  browser_add (browser, "GET", "/callback");                             /* no query */
  browser_add (browser, "GET", "/callback?code=the%2Bcode&state=" STATE "&iss=x");
  g_assert_cmpuint (browser->requests->len, ==, G_N_ELEMENTS (expected));

  g_idle_add (note_idle_ran, &idle_ran);
  thread = g_thread_new ("browser", browse, browser);
  g_assert_cmpint (module->wait_redirect (listener, STATE, WAIT_MS, &query, message,
                                          sizeof message), ==, CR_FETCH_OK);
  g_thread_join (thread);

  g_assert_cmpstr (query, ==, "code=the%2Bcode&state=" STATE "&iss=x");
  g_assert_false (idle_ran);
  g_assert_cmpuint (browser->answers->len, ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < browser->answers->len; i++)
    {
      const char *answer = browser->answers->pdata[i];
      g_autofree char *cache = header_of (answer, "Cache-Control");

      g_test_message ("request %u: %.*s", i, (int) strcspn (answer, "\r"), answer);
      g_assert_cmpuint (status_of (answer), ==, expected[i]);
      g_assert_cmpstr (cache, ==, "no-store");
      /* No request's code or state comes back in any answer. */
      g_assert_null (strstr (answer, STATE));
    }
  {
    const char *page = browser->answers->pdata[browser->answers->len - 1];
    g_autofree char *type = header_of (page, "Content-Type");
    g_autofree char *allow = header_of (browser->answers->pdata[6], "Allow");

    g_assert_true (g_str_has_prefix (type, "text/html"));
    cr_test_assert_contains (body_of (page), "Signed in");
    cr_test_assert_contains (body_of (page), "close this tab");
    /* Nothing loaded from anywhere. */
    g_assert_null (strstr (body_of (page), "src="));
    g_assert_null (strstr (body_of (page), "href="));
    g_assert_null (strstr (body_of (page), "http"));
    g_assert_cmpstr (allow, ==, "GET");
  }

  /* One redirect per listener. */
  {
    char *again = NULL;

    g_assert_cmpint (module->wait_redirect (listener, STATE, 100, &again, message,
                                            sizeof message), ==, CR_FETCH_FAILED);
    g_assert_null (again);
  }
  module->query_free (query);
  module->listener_free (listener);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_true (idle_ran);
}

/* A redirect with error= (the user said no) is the redirect too: the page
 * says the sign-in failed, and the query comes back for the core to read. */
static void
test_error_redirect (void)
{
  guint port = 0;
  CrRedirectListener *listener = listen_on ("127.0.0.1", &port);
  g_autoptr (Browser) browser = browser_new ("127.0.0.1", port);
  char message[512] = "";
  char *query = NULL;
  GThread *thread;

  browser_add (browser, "GET", "/callback?error=access_denied&error_description=No+way&state="
               STATE);
  thread = g_thread_new ("browser", browse, browser);
  g_assert_cmpint (module->wait_redirect (listener, STATE, WAIT_MS, &query, message,
                                          sizeof message), ==, CR_FETCH_OK);
  g_thread_join (thread);

  g_assert_cmpstr (query, ==, "error=access_denied&error_description=No+way&state=" STATE);
  g_assert_cmpuint (status_of (browser->answers->pdata[0]), ==, 200);
  cr_test_assert_contains (body_of (browser->answers->pdata[0]), "Sign-in failed");
  cr_test_assert_contains (body_of (browser->answers->pdata[0]), "close this tab");
  module->query_free (query);
  module->listener_free (listener);
}

/* Nobody comes (a connection that never sends a request does not count):
 * CR_FETCH_TIMED_OUT, on time. */
static void
test_timeout (void)
{
  guint port = 0;
  CrRedirectListener *listener = listen_on ("127.0.0.1", &port);
  g_autoptr (GSocketClient) client = g_socket_client_new ();
  g_autoptr (GSocketConnection) idle = NULL;
  g_autofree char *where = g_strdup_printf ("127.0.0.1:%u/callback", port);
  char message[512] = "";
  char *query = NULL;
  gint64 started, elapsed_ms;

  g_socket_client_set_enable_proxy (client, FALSE);
  idle = g_socket_client_connect_to_host (client, "127.0.0.1", (guint16) port, NULL, NULL);
  g_assert_nonnull (idle);
  started = g_get_monotonic_time ();
  g_assert_cmpint (module->wait_redirect (listener, STATE, 300, &query, message,
                                          sizeof message), ==, CR_FETCH_TIMED_OUT);
  elapsed_ms = (g_get_monotonic_time () - started) / 1000;
  g_assert_cmpint (elapsed_ms, >=, 300);
  cr_test_assert_within (elapsed_ms, 2000);
  g_assert_null (query);
  cr_test_assert_contains (message, where);
  module->listener_free (listener);
}

/* ::1 works like 127.0.0.1, where this machine has IPv6 loopback. */
static void
test_ipv6 (void)
{
  guint port = 0;
  CrRedirectListener *listener;
  g_autoptr (Browser) browser = NULL;
  g_autoptr (GPtrArray) v4 = NULL;
  g_autoptr (GPtrArray) v6 = NULL;
  g_autofree char *expected = NULL;
  char message[512] = "";
  char *query = NULL;
  GThread *thread;

  if (!have_ipv6_loopback ())
    {
      g_test_skip ("this machine has no IPv6 loopback (::1)");
      return;
    }
  listener = listen_on ("::1", &port);
  v4 = listening_on ("tcp", port);
  v6 = listening_on ("tcp6", port);
  expected = g_strdup_printf ("00000000000000000000000001000000:%04X", port);
  g_assert_cmpuint (v4->len, ==, 0);
  g_assert_cmpuint (v6->len, ==, 1);
  g_assert_cmpstr (v6->pdata[0], ==, expected);

  browser = browser_new ("::1", port);
  browser_add (browser, "GET", "/callback?state=" STATE "&code=six");
  thread = g_thread_new ("browser", browse, browser);
  g_assert_cmpint (module->wait_redirect (listener, STATE, WAIT_MS, &query, message,
                                          sizeof message), ==, CR_FETCH_OK);
  g_thread_join (thread);
  g_assert_cmpstr (query, ==, "state=" STATE "&code=six");
  g_assert_cmpuint (status_of (browser->answers->pdata[0]), ==, 200);
  module->query_free (query);
  module->listener_free (listener);
}

/* A port someone else holds: CR_FETCH_NETWORK, saying which. */
static void
test_port_in_use (void)
{
  g_autoptr (GSocket) holder = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                             G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr (GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr (GSocketAddress) any_port = g_inet_socket_address_new (loopback, 0);
  g_autoptr (GSocketAddress) held = NULL;
  g_autofree char *where = NULL;
  CrRedirectListener *listener = NULL;
  char message[512] = "";
  guint port, bound = 1;

  g_assert_true (g_socket_bind (holder, any_port, TRUE, NULL));
  g_assert_true (g_socket_listen (holder, NULL));
  held = g_socket_get_local_address (holder, NULL);
  port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (held));
  where = g_strdup_printf ("127.0.0.1:%u", port);

  g_assert_cmpint (module->listen ("127.0.0.1", port, "/callback", &listener, &bound, message,
                                   sizeof message), ==, CR_FETCH_NETWORK);
  g_assert_null (listener);
  g_assert_cmpuint (bound, ==, 0);
  cr_test_assert_contains (message, where);
  cr_test_assert_contains (message, "in use");
  g_assert_null (strchr (message, '\n'));
}

typedef struct {
  const char *url;
  const char *method;
  long status;
  char *content_type;
} Fetch;

/* Sends each of the NULL-terminated @data one after the other. */
static gpointer
fetch_all (gpointer data)
{
  static const char *const no_headers[] = { NULL };

  for (Fetch *fetch = data; fetch->url != NULL; fetch++)
    {
      CrFetchRequest request = {
        .url = fetch->url,
        .headers = no_headers,
        .body = "a=b",
        .body_len = 3,
        .timeout_ms = 10000,
        .method = fetch->method,
      };
      CrFetchResponse *response = NULL;
      char message[512] = "";

      g_assert_cmpint (module->post (&request, &response, message, sizeof message), ==,
                       CR_FETCH_OK);
      fetch->status = response->status;
      fetch->content_type = g_strdup (response->content_type);
      module->response_free (response);
    }
  return NULL;
}

/* post() sends a GET when asked (RFC 8414 discovery), a POST otherwise:
 * the listener answers only a GET with its page. */
static void
test_post_sends_get (void)
{
  guint port = 0;
  CrRedirectListener *listener = listen_on ("127.0.0.1", &port);
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u/callback?state=%s&code=c", port,
                                          STATE);
  Fetch fetches[] = {
    { url, NULL, 0, NULL }, { url, "POST", 0, NULL }, { url, "GET", 0, NULL }, { NULL },
  };
  char message[512] = "";
  char *query = NULL;
  GThread *thread = g_thread_new ("fetch", fetch_all, fetches);

  g_assert_cmpint (module->wait_redirect (listener, STATE, WAIT_MS, &query, message,
                                          sizeof message), ==, CR_FETCH_OK);
  g_thread_join (thread);
  g_assert_cmpint (fetches[0].status, ==, 405);
  g_assert_cmpint (fetches[1].status, ==, 405);
  g_assert_cmpint (fetches[2].status, ==, 200);
  g_assert_true (g_str_has_prefix (fetches[2].content_type, "text/html"));
  g_assert_cmpstr (query, ==, "state=" STATE "&code=c");
  for (gsize i = 0; i < G_N_ELEMENTS (fetches); i++)
    g_free (fetches[i].content_type);
  module->query_free (query);
  module->listener_free (listener);
}

/* Neither POST nor GET: refused before anything is sent. */
static void
test_post_other_method (void)
{
  static const char *const no_headers[] = { NULL };
  CrFetchRequest request = {
    .url = "http://127.0.0.1:9/",
    .headers = no_headers,
    .body = "",
    .timeout_ms = 1000,
    .method = "PUT",
  };
  CrFetchResponse *response = NULL;
  char message[512] = "";

  g_assert_cmpint (module->post (&request, &response, message, sizeof message), ==,
                   CR_FETCH_FAILED);
  g_assert_null (response);
  cr_test_assert_contains (message, "cannot send a PUT request");
}

int
main (int argc, char **argv)
{
  g_autofree char *tmp_dir = cr_test_init (&argc, &argv, "redirect-listener");
  const char *path = g_getenv ("CREDRING_FETCH_MODULE");
  void *handle = dlopen (path, RTLD_NOW | RTLD_LOCAL);
  int status;

  if (handle == NULL)
    g_error ("cannot load %s: %s", path, dlerror ());
  module = dlsym (handle, CR_FETCH_MODULE_SYMBOL);
  g_assert_nonnull (module);
  g_assert_cmpuint (module->version, ==, CR_FETCH_MODULE_VERSION);
  g_assert_cmpuint (module->struct_size, ==, sizeof (CrFetchModule));

  g_test_add_func ("/redirect-listener/ephemeral-loopback-only", test_ephemeral_loopback_only);
  g_test_add_func ("/redirect-listener/refusals-then-redirect", test_refusals_then_redirect);
  g_test_add_func ("/redirect-listener/error-redirect", test_error_redirect);
  g_test_add_func ("/redirect-listener/timeout", test_timeout);
  g_test_add_func ("/redirect-listener/ipv6", test_ipv6);
  g_test_add_func ("/redirect-listener/port-in-use", test_port_in_use);
  g_test_add_func ("/redirect-listener/post-sends-get", test_post_sends_get);
  g_test_add_func ("/redirect-listener/post-other-method", test_post_other_method);

  status = g_test_run ();
  cr_test_remove_tree (tmp_dir);
  return status;
}
