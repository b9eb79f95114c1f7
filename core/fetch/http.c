/* One POST (or GET) over libcurl, verified TLS, no redirects.  Only the
 * fetch module comes here: the cache-hit path never initialises libcurl. */
#include "config.h"

#include <errno.h>
#include <string.h>

#include <curl/curl.h>

#include <credring/credring.h>

#include "fetch/http.h"

#define CONNECT_TIMEOUT_MS 10000L

typedef struct {
  GString *body;
  gboolean too_large;
} Sink;

static size_t
collect_body (char *data, size_t size, size_t count, void *user_data)
{
  Sink *sink = user_data;
  size_t len = size * count;

  if (sink->body->len + len > CR_FETCH_MAX_BODY_BYTES)
    {
      sink->too_large = TRUE;
      return 0; /* aborts the transfer with CURLE_WRITE_ERROR */
    }
  /* Grown by hand: a realloc would free a copy of the token unwiped. */
  if (sink->body->len + len + 1 > sink->body->allocated_len)
    {
      GString *bigger = g_string_sized_new (MAX (2 * sink->body->allocated_len,
                                                 sink->body->len + len + 1));

      g_string_append_len (bigger, sink->body->str, (gssize) sink->body->len);
      cr_secret_string_free (sink->body);
      sink->body = bigger;
    }
  g_string_append_len (sink->body, data, (gssize) len);
  return len;
}

/* ca_file is added to the system's trust, not put in its place: curl has
 * no "add", so both go to curl as one in-memory bundle.  ca_file itself
 * comes as the bytes the core read and checked, never opened here. */
static gboolean
add_trust_anchor (CURL *curl, const char *extra, gsize extra_len, GString *bundle,
                  GError **error)
{
  g_autofree char *system = NULL;
  char *default_path = NULL;

  if (curl_easy_getinfo (curl, CURLINFO_CAINFO, &default_path) == CURLE_OK &&
      default_path != NULL)
    (void) g_file_get_contents (default_path, &system, NULL, NULL);

  if (system != NULL)
    g_string_append (bundle, system);
  g_string_append_c (bundle, '\n');
  g_string_append_len (bundle, extra, (gssize) extra_len);

  struct curl_blob blob = { bundle->str, bundle->len, CURL_BLOB_NOCOPY };
  if (curl_easy_setopt (curl, CURLOPT_CAINFO_BLOB, &blob) != CURLE_OK)
    {
      g_set_error (error, CR_ERROR, CR_ERROR_NETWORK,
                   "this libcurl cannot take an extra CA (ca_file)");
      return FALSE;
    }
  return TRUE;
}

static gboolean
is_sensitive_header (const char *line)
{
  static const char *const names[] = { "Authorization:", "Proxy-Authorization:", "Cookie:",
                                       "Set-Cookie:", NULL };

  for (guint i = 0; names[i] != NULL; i++)
    if (g_ascii_strncasecmp (line, names[i], strlen (names[i])) == 0)
      return TRUE;
  return FALSE;
}

/* --verbose shows the exchange line by line, with the Authorization header
 * masked and no body at all: bodies carry secrets and tokens. */
static int
trace_transfer (CURL *curl, curl_infotype type, char *data, size_t size, void *user_data)
{
  g_auto (GStrv) lines = NULL;
  g_autofree char *text = NULL;
  const char *direction;

  switch (type)
    {
    case CURLINFO_TEXT:
      direction = "*";
      break;
    case CURLINFO_HEADER_OUT:
      direction = ">";
      break;
    case CURLINFO_HEADER_IN:
      direction = "<";
      break;
    case CURLINFO_DATA_OUT:
    case CURLINFO_DATA_IN:
      g_debug ("%s [%zu bytes of body, not shown]", type == CURLINFO_DATA_OUT ? ">" : "<", size);
      return 0;
    default:
      return 0;
    }
  text = g_strndup (data, size);
  lines = g_strsplit_set (text, "\r\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autofree char *shown = NULL;

      if (*lines[i] == '\0')
        continue;
      if (is_sensitive_header (lines[i]))
        shown = g_strdup_printf ("%.*s: [masked]", (int) strcspn (lines[i], ":"), lines[i]);
      else
        shown = cr_escape_for_message (lines[i], -1, 200);
      g_debug ("%s %s", direction, shown);
      cr_secret_wipe (lines[i], strlen (lines[i]));
    }
  cr_secret_wipe (text, size);
  return 0;
}

static struct curl_slist *
build_headers (const CrFetchRequest *request)
{
  struct curl_slist *headers = NULL;

  for (guint i = 0; request->headers[i] != NULL; i++)
    headers = curl_slist_append (headers, request->headers[i]);
  /* A 100-continue round trip only slows down a body this small. */
  headers = curl_slist_append (headers, "Expect:");
  if (request->authorization != NULL)
    {
      cr_autosecret char *line = g_strconcat ("Authorization: ", request->authorization, NULL);

      headers = curl_slist_append (headers, line);
    }
  return headers;
}

static void
free_headers (struct curl_slist *headers)
{
  /* The list holds curl's copy of the Authorization line. */
  for (struct curl_slist *h = headers; h != NULL; h = h->next)
    cr_secret_wipe (h->data, strlen (h->data));
  curl_slist_free_all (headers);
}

/* Failures that another attempt may not repeat.  A TLS handshake cut off
 * by a reset is the network's doing; a certificate problem is not. */
static gboolean
is_transient (CURLcode rc, long os_errno)
{
  if (rc == CURLE_SSL_CONNECT_ERROR)
    return os_errno == ECONNRESET || os_errno == EPIPE || os_errno == ECONNABORTED;
  switch (rc)
    {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_CONNECT:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
      return TRUE;
    default:
      return FALSE;
    }
}

static GError *
transfer_error (CURLcode rc, const char *detail, const Sink *sink, const char *url)
{
  if (sink->too_large)
    return g_error_new (CR_ERROR, CR_ERROR_NETWORK, "%s sent more than %d bytes", url,
                        CR_FETCH_MAX_BODY_BYTES);
  /* curl's text may quote the server's certificate: show it, do not obey it. */
  g_autofree char *shown =
    cr_escape_for_message (*detail != '\0' ? detail : curl_easy_strerror (rc), -1, 300);

  return g_error_new (CR_ERROR, CR_ERROR_NETWORK, "cannot reach %s: %s", url, shown);
}

static gboolean
is_get (const CrFetchRequest *request)
{
  return request->method != NULL && strcmp (request->method, "GET") == 0;
}

static gboolean
is_known_method (const CrFetchRequest *request, GError **error)
{
  g_autofree char *shown = NULL;

  if (request->method == NULL || is_get (request) || strcmp (request->method, "POST") == 0)
    return TRUE;
  shown = cr_escape_for_message (request->method, -1, 20);
  g_set_error (error, CR_ERROR, CR_ERROR_FAILED, "cannot send a %s request: only POST and GET",
               shown);
  return FALSE;
}

/* Everything about the transfer but the trust anchors. */
static void
configure (CURL *curl, const CrFetchRequest *request, gint64 timeout_ms,
           struct curl_slist *headers, Sink *sink, char *detail)
{
  curl_easy_setopt (curl, CURLOPT_URL, request->url);
  /* endpoint.c allowed plain http only to this machine: then no proxy may
   * stand in between, and nothing but http is spoken.  It read the scheme
   * in any case (RFC 3986 §3.1), and so must this. */
  if (g_ascii_strncasecmp (request->url, "http://", strlen ("http://")) == 0)
    {
      curl_easy_setopt (curl, CURLOPT_PROTOCOLS_STR, "http");
      curl_easy_setopt (curl, CURLOPT_NOPROXY, "*");
    }
  else
    curl_easy_setopt (curl, CURLOPT_PROTOCOLS_STR, "https");
  curl_easy_setopt (curl, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt (curl, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt (curl, CURLOPT_SSL_VERIFYHOST, 2L);
  curl_easy_setopt (curl, CURLOPT_CONNECTTIMEOUT_MS, MIN (CONNECT_TIMEOUT_MS, (long) timeout_ms));
  curl_easy_setopt (curl, CURLOPT_TIMEOUT_MS, (long) MAX (timeout_ms, 1));
  curl_easy_setopt (curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt (curl, CURLOPT_HTTPHEADER, headers);
  if (is_get (request))
    curl_easy_setopt (curl, CURLOPT_HTTPGET, 1L);
  else
    {
      curl_easy_setopt (curl, CURLOPT_POST, 1L);
      curl_easy_setopt (curl, CURLOPT_POSTFIELDS, request->body);
      curl_easy_setopt (curl, CURLOPT_POSTFIELDSIZE, (long) request->body_len);
    }
  curl_easy_setopt (curl, CURLOPT_WRITEFUNCTION, collect_body);
  curl_easy_setopt (curl, CURLOPT_WRITEDATA, sink);
  curl_easy_setopt (curl, CURLOPT_ERRORBUFFER, detail);
  if (!g_log_writer_default_would_drop (G_LOG_LEVEL_DEBUG, G_LOG_DOMAIN))
    {
      curl_easy_setopt (curl, CURLOPT_DEBUGFUNCTION, trace_transfer);
      curl_easy_setopt (curl, CURLOPT_VERBOSE, 1L);
    }
}

/* A libcurl handle; libcurl itself is set up on the first one only, so
 * that nothing of it runs unless a token is fetched. */
static CURL *
new_handle (void)
{
  static gsize curl_initialised = 0;

  if (g_once_init_enter (&curl_initialised))
    {
      curl_global_init (CURL_GLOBAL_DEFAULT);
      g_once_init_leave (&curl_initialised, 1);
    }
  return curl_easy_init ();
}

/* Cache-Control of the last answer, every instance joined as RFC 9110
 * §5.3 allows; NULL when there is none.  Capped: only max-age matters. */
static char *
cache_control (CURL *curl)
{
  struct curl_header *header = NULL;
  g_autoptr (GString) value = NULL;
  size_t count;

  if (curl_easy_header (curl, "Cache-Control", 0, CURLH_HEADER, -1, &header) != CURLHE_OK)
    return NULL;
  count = header->amount;
  value = g_string_new (header->value);
  for (size_t i = 1; i < count && value->len < 1024; i++)
    if (curl_easy_header (curl, "Cache-Control", i, CURLH_HEADER, -1, &header) == CURLHE_OK)
      g_string_append_printf (value, ", %s", header->value);
  if (value->len > 1024)
    g_string_truncate (value, 1024);
  return g_string_free (g_steal_pointer (&value), FALSE);
}

/* The server's clock, from its Date header; -1 when it has none. */
static long long
server_date (CURL *curl)
{
  struct curl_header *header = NULL;
  time_t date;

  if (curl_easy_header (curl, "Date", 0, CURLH_HEADER, -1, &header) != CURLHE_OK)
    return -1;
  date = curl_getdate (header->value, NULL);
  return date < 0 ? -1 : (long long) date;
}

/* The answer of a finished transfer; the body moves out of @sink. */
static CrFetchResponse *
take_response (CURL *curl, Sink *sink)
{
  CrFetchResponse *response = g_new0 (CrFetchResponse, 1);
  char *content_type = NULL;
  curl_off_t retry_after = -1;

  curl_easy_getinfo (curl, CURLINFO_RESPONSE_CODE, &response->status);
  curl_easy_getinfo (curl, CURLINFO_CONTENT_TYPE, &content_type);
  curl_easy_getinfo (curl, CURLINFO_RETRY_AFTER, &retry_after);
  g_debug ("HTTP %ld, %s, %zu bytes", response->status,
           content_type ? content_type : "no content type", sink->body->len);
  response->retry_after = retry_after > 0 ? (long long) retry_after : -1;
  response->content_type = g_strdup (content_type);
  response->cache_control = cache_control (curl);
  response->date = server_date (curl);
  response->body_len = sink->body->len;
  response->body = g_string_free (g_steal_pointer (&sink->body), FALSE);
  return response;
}

CrFetchResponse *
cr_http_post (const CrFetchRequest *request, gint64 timeout_ms, gboolean *transient,
              GError **error)
{
  g_autoptr (GString) bundle = NULL;
  char detail[CURL_ERROR_SIZE] = "";
  Sink sink = { NULL, FALSE };
  struct curl_slist *headers;
  CrFetchResponse *response = NULL;
  CURLcode rc;
  CURL *curl;

  g_return_val_if_fail (request != NULL, NULL);

  if (transient != NULL)
    *transient = FALSE;
  if (!is_known_method (request, error))
    return NULL;

  curl = new_handle ();
  if (curl == NULL)
    {
      g_set_error (error, CR_ERROR, CR_ERROR_FAILED, "cannot initialise libcurl");
      return NULL;
    }

  /* Response bodies hold tokens: one up-front buffer, wiped when freed. */
  sink.body = g_string_sized_new (16 * 1024);
  headers = build_headers (request);

  configure (curl, request, timeout_ms, headers, &sink, detail);

  if (request->extra_ca_pem != NULL)
    {
      bundle = g_string_new (NULL);
      if (!add_trust_anchor (curl, request->extra_ca_pem, request->extra_ca_pem_len, bundle,
                             error))
        goto out;
    }

  g_debug ("%s %s", is_get (request) ? "GET" : "POST", request->url);
  rc = curl_easy_perform (curl);
  if (rc != CURLE_OK)
    {
      g_propagate_error (error, transfer_error (rc, detail, &sink, request->url));
      long os_errno = 0;

      curl_easy_getinfo (curl, CURLINFO_OS_ERRNO, &os_errno);
      if (transient != NULL)
        *transient = !sink.too_large && is_transient (rc, os_errno);
      goto out;
    }
  response = take_response (curl, &sink);

out:
  free_headers (headers);
  curl_easy_cleanup (curl);
  cr_secret_string_free (sink.body);
  return response;
}

void
cr_http_response_free (CrFetchResponse *response)
{
  if (response == NULL)
    return;
  g_free (response->content_type);
  g_free (response->cache_control);
  cr_secret_free_sized (response->body, response->body_len);
  g_free (response);
}
