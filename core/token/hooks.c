/* Calling a plugin's hooks: the context they read the account through,
 * the sinks they hand their results to, and their int-and-text failures
 * turned into GErrors.  A hook's words are shown escaped, never obeyed. */
#include "config.h"

#include <string.h>

#include <credring/credring.h>

#include "base/ascii.h"
#include "token/hooks.h"
#include "token/response-rules.h"
#include "token/token.h"

#define HOOK_MESSAGE_BYTES 512
#define MESSAGE_MAX_CHARS 200

static const char *
context_get_value (const CrPluginContext *context, const char *key)
{
  const CrAccount *account = context->core;

  if (account == NULL || key == NULL)
    return NULL;
  return g_hash_table_lookup (account->values, key);
}

static void
context_init (CrPluginContext *context, const CrAccount *account)
{
  context->account = account ? account->name : "";
  context->client_id = account ? account->client_id : "";
  context->get_value = context_get_value;
  context->core = (void *) account;
}

static char *
hook_message (char *buffer)
{
  buffer[HOOK_MESSAGE_BYTES - 1] = '\0';
  return cr_escape_for_message (*buffer != '\0' ? buffer : "(no message)", -1, MESSAGE_MAX_CHARS);
}

/* A hook's failure as a CR_ERROR code: the same numbers, by design. */
static int
error_code (CrPluginStatus status)
{
  switch (status)
    {
    case CR_PLUGIN_ERROR_CONFIG:
      return CR_ERROR_CONFIG;
    case CR_PLUGIN_ERROR_REJECTED:
      return CR_ERROR_REJECTED;
    case CR_PLUGIN_ERROR_RESPONSE:
      return CR_ERROR_NETWORK;
    default:
      return CR_ERROR_FAILED;
    }
}

/* ---- add_headers ---------------------------------------------------------- */

typedef struct {
  GPtrArray *lines;
  gsize bytes;
  guint count;
  char *refused; /* why the first refused header was refused */
} HeaderSink;

/* Headers the core sets, or that change how the request is framed. */
static const char *const reserved_headers[] = {
  "authorization", "proxy-authorization", "content-type", "content-length", "host",
  "accept", "expect", "transfer-encoding", "connection", "cookie", "user-agent",
  "te", "trailer", "upgrade", "keep-alive", "proxy-connection", "http2-settings", NULL,
};

/* RFC 9110 §5.6.2 token characters. */
static gboolean
is_header_name (const char *name)
{
  return cr_ascii_is_word (name, 64, "!#$%&'*+-.^_`|~");
}

/* Printable ASCII only: no CR or LF to start another header with.  Not
 * empty: curl drops a header without a value, and --dry-run would show
 * one that is never sent. */
static gboolean
is_header_value (const char *value)
{
  if (*value == '\0')
    return FALSE;
  for (const unsigned char *p = (const unsigned char *) value; *p != '\0'; p++)
    if (*p < 0x20 || *p > 0x7e)
      return FALSE;
  return TRUE;
}

static int
refuse_header (HeaderSink *sink, const char *why, const char *name)
{
  if (sink->refused == NULL)
    {
      g_autofree char *shown = cr_escape_for_message (name ? name : "(null)", -1, 64);

      sink->refused = g_strdup_printf ("header '%s' refused: %s", shown, why);
    }
  return -1;
}

static int
sink_add_header (void *data, const char *name, const char *value)
{
  HeaderSink *sink = data;
  g_autofree char *lower = NULL;

  if (name == NULL || value == NULL || !is_header_name (name))
    return refuse_header (sink, "not an HTTP header name", name);
  lower = g_ascii_strdown (name, -1);
  if (g_strv_contains (reserved_headers, lower))
    return refuse_header (sink, "credring sets it itself", name);
  if (!is_header_value (value))
    return refuse_header (sink, "its value is empty or holds a character outside printable ASCII",
                          name);
  if (sink->count + 1 > CR_HOOK_MAX_HEADERS ||
      sink->bytes + strlen (name) + strlen (value) > CR_HOOK_MAX_HEADER_BYTES)
    return refuse_header (sink, "more headers than credring takes from a plugin", name);
  sink->count++;
  sink->bytes += strlen (name) + strlen (value);
  g_ptr_array_add (sink->lines, g_strconcat (name, ": ", value, NULL));
  return 0;
}

gboolean
cr_hook_add_headers (const CrPluginDescriptor *provider, const CrAccount *account,
                     GPtrArray *lines, GError **error)
{
  HeaderSink sink = { lines, 0, 0, NULL };
  char message[HOOK_MESSAGE_BYTES] = "";
  CrPluginContext context;
  CrPluginStatus status;

  g_return_val_if_fail (provider != NULL && lines != NULL, FALSE);

  if (provider->add_headers == NULL)
    return TRUE;
  context_init (&context, account);
  status = provider->add_headers (&context, sink_add_header, &sink, message, sizeof message);
  if (sink.refused != NULL)
    {
      g_set_error (error, CR_ERROR, CR_ERROR_CONFIG, "provider '%s': %s", provider->name,
                   sink.refused);
      g_free (sink.refused);
      return FALSE;
    }
  if (status != CR_PLUGIN_OK)
    {
      g_autofree char *shown = hook_message (message);

      g_set_error (error, CR_ERROR, error_code (status),
                   "provider '%s' cannot build the request: %s", provider->name, shown);
      return FALSE;
    }
  return TRUE;
}

/* ---- parse_response ------------------------------------------------------- */

typedef struct {
  long status;
  gint64 now;
  CrToken *token;
  GError *error; /* why the token handed over was refused */
} TokenSink;

static int
sink_set_token (void *data, const char *access_token, const char *token_type,
                long long expires_at)
{
  TokenSink *sink = data;

  if (sink->token != NULL || sink->error != NULL)
    {
      if (sink->error == NULL)
        g_set_error (&sink->error, CR_ERROR, CR_ERROR_NETWORK,
                     "the plugin handed over more than one token");
      return -1;
    }
  if (!cr_response_check_token (access_token, token_type, expires_at, sink->now, sink->status,
                                &sink->error))
    return -1;
  sink->token = cr_token_new (access_token, token_type ? token_type : "Bearer", sink->now,
                              expires_at);
  return 0;
}

CrToken *
cr_hook_parse_response (const CrPluginDescriptor *provider, const CrAccount *account,
                        const CrResponse *response, gint64 now, GError **error)
{
  TokenSink sink = { response->status, now, NULL, NULL };
  char message[HOOK_MESSAGE_BYTES] = "";
  g_autofree char *shown = NULL;
  CrPluginResponse answer;
  CrPluginContext context;
  CrPluginStatus status;

  g_return_val_if_fail (provider != NULL && provider->parse_response != NULL, NULL);

  context_init (&context, account);
  /* plugin.h promises a string, whatever the caller passed. */
  answer = (CrPluginResponse) { response->status, response->content_type,
                                response->body != NULL ? response->body : "",
                                response->body != NULL ? response->body_len : 0, now };
  status = provider->parse_response (&context, &answer, sink_set_token, &sink, message,
                                     sizeof message);
  if (sink.error != NULL)
    {
      cr_token_free (sink.token);
      g_propagate_error (error, sink.error);
      return NULL;
    }
  if (status == CR_PLUGIN_OK && sink.token != NULL)
    return sink.token;
  cr_token_free (sink.token);

  shown = hook_message (message);
  if (status == CR_PLUGIN_OK)
    g_set_error (error, CR_ERROR, CR_ERROR_NETWORK,
                 "token endpoint answered HTTP %ld, and provider '%s' found no token in it",
                 response->status, provider->name);
  else if (error_code (status) == CR_ERROR_FAILED)
    g_set_error (error, CR_ERROR, CR_ERROR_FAILED,
                 "provider '%s' returned an unknown status %d from parse_response",
                 provider->name, (int) status);
  else
    cr_response_set_provider_error (error, error_code (status), shown, response->status);
  return NULL;
}
