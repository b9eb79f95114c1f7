/* The fetch module's ABI: what libcredring hands $(pkglibdir)/fetch.so and
 * what it gets back.  The module is the only code that links libcurl and
 * libsoup, so the cache-hit path never maps them (token/fetch-client.c
 * loads it on the first fetch of a process).  It sends a request prepared
 * in full and hands back the raw answer, or listens on loopback for a
 * browser's sign-in redirect and hands back its raw query: it knows
 * nothing of accounts, providers or tokens, and links nothing of
 * libcredring.
 *
 *   CrRedirectListener *listener = NULL;
 *   unsigned int port;
 *   char *query = NULL, message[512];
 *
 *   if (module->listen ("127.0.0.1", 0, "/callback", &listener, &port,
 *                       message, sizeof message) != CR_FETCH_OK)
 *     return fail (message);
 *   ... open the browser at an authorize URL whose redirect_uri is
 *       http://127.0.0.1:PORT/callback and whose state is STATE ...
 *   status = module->wait_redirect (listener, state, 300000, &query,
 *                                   message, sizeof message);
 *   module->listener_free (listener);
 *   ... on CR_FETCH_OK read code= (or error=) from query ...
 *   module->query_free (query);
 *
 * Like the plugin ABI: one exported const struct whose first fields say
 * its version and size; fields are only ever appended, and a module whose
 * version differs is refused.  Plain C at the boundary. */
#ifndef CR_FETCH_MODULE_H
#define CR_FETCH_MODULE_H

#include <stddef.h>

#define CR_FETCH_MODULE_SYMBOL "credring_fetch_module"

/* An answer longer than this is refused (CR_FETCH_NETWORK): no token
 * endpoint has a reason to send more. */
#define CR_FETCH_MAX_BODY_BYTES (1024 * 1024)
/* 3: CrFetchResponse.cache_control (discovery's cache, RFC 9111 §5.2).
 * 4: CrFetchResponse.date (credring doctor's clock check). */
#define CR_FETCH_MODULE_VERSION 4

/* A POST (or a GET), as the core built it. */
typedef struct {
  const char *url;                /* https, or http to a loopback host */
  const char *const *headers;     /* "Name: value", NULL-terminated; none secret */
  const char *authorization;      /* secret, nullable: the Authorization header's value */
  const char *body;               /* secret */
  size_t body_len;
  const char *extra_ca_pem;       /* nullable: CA certificates trusted besides the system's */
  size_t extra_ca_pem_len;
  long timeout_ms;                /* for every attempt together */
  const char *method;             /* NULL: POST; "GET" sends no body */
} CrFetchRequest;

/* The last answer, whatever its HTTP status. */
typedef struct {
  long status;
  char *content_type;   /* nullable */
  char *body;           /* secret; NUL-terminated, may hold NULs before body_len */
  size_t body_len;
  long long retry_after; /* seconds from Retry-After, or -1 */
  /* Since version 3: the Cache-Control header's value as sent (several
   * joined with ", "), for the core to read; NULL when there was none. */
  char *cache_control;
  /* Since version 4: the Date header (RFC 9110 §6.6.1) as Unix seconds,
   * -1 when there was none or it does not read as a date. */
  long long date;
} CrFetchResponse;

/* How a call ended; the values up to 99 are the CR_ERROR codes they
 * become, and are never renumbered. */
typedef enum {
  CR_FETCH_OK = 0,
  CR_FETCH_FAILED = 1,  /* the module itself failed (libcurl would not start, bad arguments) */
  CR_FETCH_NETWORK = 4, /* no answer: connection, TLS, timeout, an answer too large;
                         * listen(): the address cannot be bound */
  CR_FETCH_TIMED_OUT = 100, /* wait_redirect(): nobody came within the time */
} CrFetchStatus;

/* A loopback HTTP listener waiting for one sign-in redirect (RFC 8252
 * §7.3), opaque to the core. */
typedef struct CrRedirectListener CrRedirectListener;

typedef struct {
  unsigned int version;  /* CR_FETCH_MODULE_VERSION */
  size_t struct_size;    /* sizeof (CrFetchModule) as the module was built */
  /* Sends @request (a POST, or a GET when its method says so) over
   * verified TLS, no redirects, no proxy for loopback http, trying again
   * on transient failures (refused connection, timeout, 429, 5xx) with
   * backoff while its timeout lasts.  On CR_FETCH_OK *@response is the
   * last answer; else @message holds one secret-free line. */
  CrFetchStatus (*post) (const CrFetchRequest *request, CrFetchResponse **response,
                         char *message, size_t message_size);
  /* Wipes the body, then frees. */
  void (*response_free) (CrFetchResponse *response);

  /* Since version 2. */

  /* Listens for one sign-in redirect on @host ("127.0.0.1" or "::1"),
   * @port (0: an ephemeral one), for GET @path.  Only that address is
   * bound, never all interfaces.  On CR_FETCH_OK *@listener is new and
   * *@bound_port the port bound; a port already in use, or an address
   * this machine lacks, is CR_FETCH_NETWORK; a host that is not a
   * loopback address or a path that is not "/..." is CR_FETCH_FAILED.
   * Nothing is answered until wait_redirect(): a browser that comes
   * early waits in the kernel's queue. */
  CrFetchStatus (*listen) (const char *host, unsigned int port, const char *path,
                           CrRedirectListener **listener, unsigned int *bound_port,
                           char *message, size_t message_size);
  /* Waits at most @timeout_ms for the redirect: a GET of the listener's
   * path from a loopback peer whose query has state == @state (compared
   * in constant time).  It answers that request with a short HTML page
   * (200, Cache-Control: no-store, no external resources) saying the
   * sign-in is done — or, when the query carries error=, that it failed —
   * and that the tab can be closed, then returns CR_FETCH_OK with *@query
   * the raw query string (secret: it holds the code; free with
   * query_free, which wipes).  Every other request (other path, other
   * method, missing or wrong state, a parameter given twice, a peer that
   * is not loopback, a query over 8 KiB) gets a 400/404/405 plain page
   * and the wait goes on.  CR_FETCH_TIMED_OUT when the time runs out.
   * Runs the listener's own GMainContext, never the caller's; after
   * CR_FETCH_OK the listener has served its one answer and a second wait
   * is CR_FETCH_FAILED. */
  CrFetchStatus (*wait_redirect) (CrRedirectListener *listener, const char *state,
                                  long timeout_ms, char **query, char *message,
                                  size_t message_size);
  /* Closes the socket and every connection.  NULL is fine. */
  void (*listener_free) (CrRedirectListener *listener);
  /* Wipes, then frees.  NULL is fine. */
  void (*query_free) (char *query);
} CrFetchModule;

#endif /* CR_FETCH_MODULE_H */
