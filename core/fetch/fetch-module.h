/* The fetch module's ABI: what libcredring hands $(pkglibdir)/fetch.so and
 * what it gets back.  The module is the only code that links libcurl, so
 * the cache-hit path never maps it (token/fetch-client.c loads it on the
 * first fetch of a process).  It sends a request prepared in full and
 * hands back the raw answer: it knows nothing of accounts, providers or
 * tokens, and links nothing of libcredring.
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
#define CR_FETCH_MODULE_VERSION 1

/* A POST, as the core built it. */
typedef struct {
  const char *url;                /* https, or http to a loopback host */
  const char *const *headers;     /* "Name: value", NULL-terminated; none secret */
  const char *authorization;      /* secret, nullable: the Authorization header's value */
  const char *body;               /* secret */
  size_t body_len;
  const char *extra_ca_pem;       /* nullable: CA certificates trusted besides the system's */
  size_t extra_ca_pem_len;
  long timeout_ms;                /* for every attempt together */
} CrFetchRequest;

/* The last answer, whatever its HTTP status. */
typedef struct {
  long status;
  char *content_type;   /* nullable */
  char *body;           /* secret; NUL-terminated, may hold NULs before body_len */
  size_t body_len;
  long long retry_after; /* seconds from Retry-After, or -1 */
} CrFetchResponse;

/* How post() ended; the values are the CR_ERROR codes they become. */
typedef enum {
  CR_FETCH_OK = 0,
  CR_FETCH_FAILED = 1,  /* the module itself failed (libcurl would not start) */
  CR_FETCH_NETWORK = 4, /* no answer: connection, TLS, timeout, an answer too large */
  CR_FETCH_TIMED_OUT = 100, /* nobody came within the time */
} CrFetchStatus;

typedef struct CrRedirectListener CrRedirectListener;

typedef struct {
  unsigned int version;  /* CR_FETCH_MODULE_VERSION */
  size_t struct_size;    /* sizeof (CrFetchModule) as the module was built */
  /* Sends @request over verified TLS, no redirects, no proxy for loopback
   * http, trying again on transient failures (refused connection,
   * timeout, 429, 5xx) with backoff while its timeout lasts.  On
   * CR_FETCH_OK *@response is the last answer; else @message holds one
   * secret-free line. */
  CrFetchStatus (*post) (const CrFetchRequest *request, CrFetchResponse **response,
                         char *message, size_t message_size);
  /* Wipes the body, then frees. */
  void (*response_free) (CrFetchResponse *response);
  CrFetchStatus (*listen) (const char *host, unsigned int port, const char *path,
                           CrRedirectListener **listener, unsigned int *bound_port, char *message,
                           size_t message_size);
  CrFetchStatus (*wait_redirect) (CrRedirectListener *listener, const char *state,
                                  long timeout_ms, char **query, char *message,
                                  size_t message_size);
  void (*listener_free) (CrRedirectListener *listener);
  void (*query_free) (char *query);
} CrFetchModule;

#endif /* CR_FETCH_MODULE_H */
