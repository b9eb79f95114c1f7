/* Private to libcredring: a look at an account's token endpoint (probe.c),
 * for `credring doctor`. */
#ifndef CR_PROBE_H
#define CR_PROBE_H

#include <credring/credring.h>

G_BEGIN_DECLS

/* What a GET of a token URL, without credentials, showed. */
typedef struct {
  long http_status;   /* whatever it was: a token endpoint may refuse a GET */
  gint64 server_time; /* the server's Date, Unix seconds; -1: it sent none */
  gint64 checked_at;  /* our clock when the answer came */
} CrEndpointProbe;

/* Asks @account's token URL (resolved) for nothing, over TLS with its
 * ca_file, within at most 10 s: CR_ERROR_NETWORK when no answer came (no
 * such host, refused, an untrusted certificate), CR_ERROR_CONFIG for a bad
 * ca_file.  No credential is sent. */
gboolean cr_account_probe_token_url (const CrAccount *account, CrEndpointProbe *probe,
                                     GError **error);

G_END_DECLS

#endif /* CR_PROBE_H */
