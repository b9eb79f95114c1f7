/* Signing in in the browser: the authorization code grant with PKCE for a
 * native app (RFC 6749 §4.1, RFC 7636, RFC 8252).  A fresh state and
 * verifier per attempt; the redirect arrives at a listener on a loopback
 * address (the fetch module's, so that libsoup is mapped only here), or
 * is pasted by a person whose browser runs elsewhere. */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#include <gio/gio.h>

#include <credring/credring.h>

#include "account/account.h"
#include "base/secret.h"
#include "signin/signin.h"
#include "token/fetch-client.h"

/* The redirect is a URL of a few hundred bytes; a paste is one line. */
#define PASTE_MAX_BYTES 8192
/* How often the wait looks at stdin for a pasted redirect. */
#define PASTE_POLL_MS 250
#define WAIT_SLICE_MS 500
#define DEFAULT_REDIRECT_PATH "/callback"

typedef struct {
  const CrAccount *account;
  const CrFetchModule *module;
  CrRedirectListener *listener;
  char *redirect_uri; /* as sent to the authorization endpoint */
  char *state;
  GString *paste;     /* secret: what was typed on stdin so far */
  gboolean pasting;   /* a redirect may come pasted on stdin */
  gboolean stdin_open;
  gboolean issuer_in_redirect; /* RFC 9207 §3: a redirect must carry iss */
} Attempt;

static void
attempt_clear (Attempt *attempt)
{
  if (attempt->listener != NULL)
    attempt->module->listener_free (attempt->listener);
  g_free (attempt->redirect_uri);
  cr_secret_free (attempt->state);
  if (attempt->paste != NULL)
    cr_secret_string_free (attempt->paste);
}

/* Listens where the account's redirect_uri says, else on 127.0.0.1's
 * ephemeral port at /callback; the redirect URI follows from the port. */
static gboolean
listen_for_redirect (Attempt *attempt, GError **error)
{
  const char *host = "127.0.0.1", *path = DEFAULT_REDIRECT_PATH;
  g_autoptr (GUri) uri = NULL;
  unsigned int port = 0, bound = 0;
  char message[512] = "";
  CrFetchStatus status;

  if (attempt->account->redirect_uri != NULL)
    {
      uri = g_uri_parse (attempt->account->redirect_uri, G_URI_FLAGS_NONE, NULL);
      host = g_uri_get_host (uri);
      port = g_uri_get_port (uri) > 0 ? (unsigned int) g_uri_get_port (uri) : 0;
      path = *g_uri_get_path (uri) != '\0' ? g_uri_get_path (uri) : "/";
    }
  status = attempt->module->listen (host, port, path, &attempt->listener, &bound, message,
                                    sizeof message);
  if (status != CR_FETCH_OK)
    {
      g_autofree char *shown = cr_escape_for_message (message, -1, 300);

      g_set_error (error, CR_ERROR, CR_ERROR_FAILED, "cannot receive the sign-in: %s", shown);
      return FALSE;
    }
  /* A registered URI with its port is sent as registered, byte for byte. */
  if (port != 0)
    attempt->redirect_uri = g_strdup (attempt->account->redirect_uri);
  else
    attempt->redirect_uri = g_strdup_printf ("http://%s%s%s:%u%s", strchr (host, ':') ? "[" : "",
                                             host, strchr (host, ':') ? "]" : "", bound, path);
  return TRUE;
}

/* Reads what stdin has now, without waiting; a complete line moves into
 * *@line (secret).  FALSE on nothing (yet). */
static gboolean
take_pasted_line (Attempt *attempt, const CrTokenOptions *options, char **line)
{
  struct pollfd ready = { .fd = STDIN_FILENO, .events = POLLIN };
  char chunk[512];
  ssize_t n;
  char *newline;

  if (!attempt->stdin_open || poll (&ready, 1, 0) <= 0)
    return FALSE;
  n = read (STDIN_FILENO, chunk, sizeof chunk);
  if (n <= 0)
    {
      /* EOF or an error: only the listener is left to wait for. */
      attempt->stdin_open = n < 0 && (errno == EINTR || errno == EAGAIN);
      if (!attempt->stdin_open)
        cr_signin_tell (options, "credring: stdin is closed: waiting for the browser alone");
      return FALSE;
    }
  /* Sized for the longest line up front: growing would leave copies. */
  if (attempt->paste->len + (gsize) n > PASTE_MAX_BYTES)
    {
      cr_secret_wipe (attempt->paste->str, attempt->paste->len);
      g_string_truncate (attempt->paste, 0);
    }
  else
    g_string_append_len (attempt->paste, chunk, n);
  cr_secret_wipe (chunk, sizeof chunk);
  newline = memchr (attempt->paste->str, '\n', attempt->paste->len);
  if (newline == NULL)
    return FALSE;
  *line = g_strndup (attempt->paste->str, (gsize) (newline - attempt->paste->str));
  cr_secret_wipe (attempt->paste->str, attempt->paste->len);
  g_string_truncate (attempt->paste, 0);
  return TRUE;
}

/* TRUE when the query @query (@len bytes) has a parameter @name. */
static gboolean
has_param (const char *query, gsize len, const char *name)
{
  gsize name_len = strlen (name);
  const char *end = query + len;

  for (const char *p = query; p < end;)
    {
      const char *amp = memchr (p, '&', (gsize) (end - p));
      const char *stop = amp != NULL ? amp : end;

      if ((gsize) (stop - p) > name_len && strncmp (p, name, name_len) == 0 &&
          p[name_len] == '=')
        return TRUE;
      p = stop + 1;
    }
  return FALSE;
}

/* The query of a pasted redirect URL (or a bare query), secret; NULL for
 * anything else, which the person is told about.  Cut out by hand: a
 * GUri would keep copies of the code that nobody wipes. */
static char *
pasted_query (const CrTokenOptions *options, const char *line)
{
  const char *start = line + strspn (line, " \t\r");
  const char *question = strchr (start, '?');
  gsize len;

  if (question != NULL)
    start = question + 1;
  len = strcspn (start, "# \t\r");
  /* The address the browser ended at carries a code or an error; the one
   * it was sent to (pasted back by mistake) carries neither. */
  if (has_param (start, len, "code") || has_param (start, len, "error"))
    return g_strndup (start, len);
  cr_signin_tell (options, "credring: that is not the address the browser ended at after the sign-in; "
                           "paste the whole address from its address bar");
  return NULL;
}

/* The redirect's query (secret): from the listener, or pasted. */
static char *
wait_for_redirect (Attempt *attempt, const CrTokenOptions *options, GError **error)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) attempt->account->signin_timeout * G_USEC_PER_SEC;
  char message[512] = "";

  for (;;)
    {
      gint64 left_ms = (deadline - g_get_monotonic_time ()) / 1000;
      /* In slices: to read what is pasted, and to see a sign-in given up. */
      long slice = MIN (left_ms, attempt->pasting ? PASTE_POLL_MS : WAIT_SLICE_MS);
      cr_autosecret char *line = NULL;
      char *query = NULL;
      CrFetchStatus status;

      if (left_ms <= 0)
        break;
      if (!cr_signin_still_wanted (error))
        return NULL;
      status = attempt->module->wait_redirect (attempt->listener, attempt->state, MAX (slice, 1),
                                               &query, message, sizeof message);
      if (status == CR_FETCH_OK)
        {
          char *copy = g_strdup (query);

          attempt->module->query_free (query);
          return copy;
        }
      if (status != CR_FETCH_TIMED_OUT)
        {
          g_autofree char *shown = cr_escape_for_message (message, -1, 300);

          g_set_error (error, CR_ERROR, CR_ERROR_FAILED, "the sign-in's redirect: %s", shown);
          return NULL;
        }
      if (attempt->pasting && take_pasted_line (attempt, options, &line) &&
          (query = pasted_query (options, line)) != NULL)
        return query;
    }
  g_set_error (error, CR_ERROR, CR_ERROR_REJECTED,
               "nobody signed in within %d s (signin_timeout): run 'credring login %s' again",
               attempt->account->signin_timeout, attempt->account->name);
  return NULL;
}

/* The decoded redirect, every value wiped before it is freed: a table
 * of our own, filled through GLib's iterator, which hands each value over
 * (g_uri_parse_params() would free the values of a repeated name, and the
 * decoded ones of a query that turns out bad, unwiped). */
typedef GHashTable RedirectParams;

static void
redirect_params_free (RedirectParams *params)
{
  g_hash_table_unref (params);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (RedirectParams, redirect_params_free)

/* NULL for a query that does not decode or repeats a name (RFC 6749 §3.1:
 * parameters must not be included more than once). */
static RedirectParams *
decode_redirect (const char *query)
{
  g_autoptr (RedirectParams) params =
    g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) cr_secret_free);
  g_autoptr (GError) bad = NULL;
  GUriParamsIter iter;
  char *name = NULL, *value = NULL;

  g_uri_params_iter_init (&iter, query, -1, "&", G_URI_PARAMS_WWW_FORM);
  while (g_uri_params_iter_next (&iter, &name, &value, &bad))
    if (!g_hash_table_insert (params, name, value))
      return NULL; /* both values are the table's now, and wiped with it */
  /* A bad escape stops the iterator; what it decoded of that pair was
   * never handed over. */
  return bad == NULL ? g_steal_pointer (&params) : NULL;
}

/* RFC 6749 §4.1.2 and §4.1.2.1, RFC 9207 §2.4: the code, after the
 * checks; an error= becomes the provider's words. */
static char *
code_from_query (const Attempt *attempt, const char *query, GError **error)
{
  g_autoptr (RedirectParams) params = NULL;
  const char *state, *code, *failure, *issuer;

  params = decode_redirect (query);
  if (params == NULL)
    {
      g_set_error (error, CR_ERROR, CR_ERROR_REJECTED,
                   "the sign-in's redirect is not a well-formed query (a bad escape, or a "
                   "parameter twice)");
      return NULL;
    }
  /* The listener checked a redirect it received; a pasted one is checked here. */
  state = g_hash_table_lookup (params, "state");
  if (!cr_secret_equal (state, attempt->state))
    {
      g_set_error (error, CR_ERROR, CR_ERROR_REJECTED,
                   "the redirect is not the answer to this sign-in (its state differs)");
      return NULL;
    }
  issuer = g_hash_table_lookup (params, "iss");
  /* Without it a mix-up (RFC 9207 §1) cannot be told from the real thing. */
  if (issuer == NULL && attempt->issuer_in_redirect)
    {
      g_set_error (error, CR_ERROR, CR_ERROR_REJECTED,
                   "the redirect names no issuer (iss), which %s always sends (RFC 9207): "
                   "refused", attempt->account->issuer);
      return NULL;
    }
  if (issuer != NULL && attempt->account->issuer != NULL &&
      g_strcmp0 (issuer, attempt->account->issuer) != 0)
    {
      g_autofree char *shown = cr_escape_for_message (issuer, -1, 200);

      g_set_error (error, CR_ERROR, CR_ERROR_REJECTED,
                   "the redirect comes from issuer '%s', not %s (RFC 9207): refused", shown,
                   attempt->account->issuer);
      return NULL;
    }
  failure = g_hash_table_lookup (params, "error");
  if (failure != NULL)
    {
      const char *description = g_hash_table_lookup (params, "error_description");
      g_autofree char *joined =
        description != NULL ? g_strconcat (failure, ": ", description, NULL) : g_strdup (failure);
      g_autofree char *shown = cr_escape_for_message (joined, -1, 200);

      g_set_error (error, CR_ERROR, CR_ERROR_REJECTED, "the sign-in was refused: %s", shown);
      return NULL;
    }
  code = g_hash_table_lookup (params, "code");
  if (code == NULL || *code == '\0')
    {
      g_set_error (error, CR_ERROR, CR_ERROR_NETWORK, "the sign-in's redirect carries no code");
      return NULL;
    }
  return g_strdup (code);
}

/* The whole attempt; errors do not name the account yet. */
static CrToken *
sign_in (Attempt *attempt, const CrPluginDescriptor *provider, const CrClientSecrets *credentials,
         GBytes *ca_certs, const CrTokenOptions *options, GError **error)
{
  const CrAccount *account = attempt->account;
  cr_autosecret char *verifier = NULL;
  cr_autosecret char *query = NULL;
  cr_autosecret char *code = NULL;
  g_autofree char *challenge = NULL;
  g_autofree char *url = NULL;
  CrGrantInput input = { .call = CR_CALL_TOKEN, .grant = CR_GRANT_AUTHORIZATION_CODE };

  attempt->module = cr_fetch_module (error);
  if (attempt->module == NULL)
    return NULL;
  /* 32 bytes: RFC 7636 §4.1's recommendation, 43 characters. */
  verifier = cr_signin_random_text (32, error);
  attempt->state = verifier != NULL ? cr_signin_random_text (16, error) : NULL;
  if (attempt->state == NULL || !listen_for_redirect (attempt, error))
    return NULL;
  attempt->paste = g_string_sized_new (PASTE_MAX_BYTES + 1);
  challenge = cr_pkce_challenge (verifier);
  url = cr_request_authorization_url (provider, account, attempt->redirect_uri, attempt->state,
                                      challenge);

  /* Where no browser can come back (no desktop here, or --no-browser),
   * the person may paste the address it ends at, if stdin is theirs. */
  attempt->pasting = options->no_browser || (!cr_signin_has_desktop () && isatty (STDIN_FILENO));
  if (attempt->pasting)
    cr_signin_tell (options,
                    "credring: account [%s]: open this address in a browser and sign in; if the "
                    "browser cannot come back to this machine, paste here the address it ends at:",
                    account->name);
  else if (cr_signin_open_browser (url))
    cr_signin_tell (options, "credring: account [%s]: sign in in the browser; if none opened, open:",
                    account->name);
  else
    cr_signin_tell (options, "credring: account [%s]: no browser would start; open:",
                    account->name);
  {
    /* Its endpoint came from a file: shown, never obeyed by the terminal. */
    g_autofree char *shown = cr_escape_for_message (url, -1, G_MAXSIZE);

    cr_signin_tell (options, "%s", shown);
  }

  query = wait_for_redirect (attempt, options, error);
  code = query != NULL ? code_from_query (attempt, query, error) : NULL;
  if (code == NULL)
    return NULL;
  input.code = code;
  input.code_verifier = verifier;
  input.redirect_uri = attempt->redirect_uri;
  return cr_signin_exchange (account, provider, credentials, &input, ca_certs, error);
}

CrToken *
cr_signin_browser (const CrAccount *account, const CrPluginDescriptor *provider,
                   gboolean issuer_in_redirect, const CrClientSecrets *credentials,
                   GBytes *ca_certs, const CrTokenOptions *options, GError **error)
{
  Attempt attempt = { .account = account, .stdin_open = TRUE,
                      .issuer_in_redirect = issuer_in_redirect };
  CrToken *token = sign_in (&attempt, provider, credentials, ca_certs, options, error);

  attempt_clear (&attempt);
  return token != NULL ? token : cr_account_prefix_error (error, account);
}
