/* Building a token request from a provider descriptor and an account.
 *
 * Kept apart from the HTTP transfer so that the exact bytes each provider
 * receives can be tested without a network. */
#include "config.h"

#include <string.h>

#include <yajl/yajl_gen.h>

#include <credring/credring.h>

#include "fetch.h"

static const char *
grant_type_name (CrGrantType grant)
{
  return grant == CR_GRANT_PASSWORD ? "password" : "client_credentials";
}

/* The body is built in one buffer sized up front, so that growing it never
 * leaves an unwiped copy of a secret behind in freed memory. */
typedef struct {
  CrBodyFormat format;
  GString *body;
  yajl_gen json;
  gboolean invalid; /* a value JSON cannot carry (not UTF-8) */
} BodyWriter;

/* application/x-www-form-urlencoded (RFC 6749 appendix B): everything but
 * RFC 3986's unreserved characters as %XX.  GLib writes straight into
 * @out, which the caller sized for it, so no copy of a secret is left in a
 * buffer that grew and was freed. */
static void
append_form_escaped (GString *out, const char *value)
{
  g_string_append_uri_escaped (out, value, NULL, FALSE);
}

static void
append_json (void *ctx, const char *text, size_t len)
{
  g_string_append_len (ctx, text, len);
}

static void
body_add (BodyWriter *writer, const char *name, const char *value)
{
  if (writer->format == CR_BODY_JSON)
    {
      if (yajl_gen_string (writer->json, (const unsigned char *) name, strlen (name)) !=
            yajl_gen_status_ok ||
          yajl_gen_string (writer->json, (const unsigned char *) value, strlen (value)) !=
            yajl_gen_status_ok)
        writer->invalid = TRUE;
      return;
    }

  if (writer->body->len > 0)
    g_string_append_c (writer->body, '&');
  g_string_append (writer->body, name);
  g_string_append_c (writer->body, '=');
  append_form_escaped (writer->body, value);
}

static gsize
body_capacity (const CrPluginDescriptor *provider, const CrAccount *account,
               const CrCredentials *credentials)
{
  gsize size = 1024;
  GHashTableIter iter;
  gpointer key, value;

  /* Escaping makes a byte at most three (form) or six (JSON \uXXXX) bytes. */
  g_hash_table_iter_init (&iter, account->values);
  while (g_hash_table_iter_next (&iter, &key, &value))
    size += strlen (key) + 6 * strlen (value) + 8;
  for (const CrPluginParam *p = provider->params; p != NULL && p->name != NULL; p++)
    if (p->default_value != NULL)
      size += strlen (p->name) + 6 * strlen (p->default_value) + 8;
  if (credentials->client_secret != NULL)
    size += 6 * strlen (credentials->client_secret) + 32;
  if (credentials->password != NULL)
    size += 6 * strlen (credentials->password) + 32;
  return size;
}

char *
cr_basic_authorization (const char *client_id, const char *client_secret)
{
  GString *pair = g_string_sized_new (3 * (strlen (client_id) + strlen (client_secret)) + 2);
  cr_autosecret char *encoded = NULL;

  append_form_escaped (pair, client_id);
  g_string_append_c (pair, ':');
  append_form_escaped (pair, client_secret);
  encoded = g_base64_encode ((const guchar *) pair->str, pair->len);
  cr_secret_string_free (pair);
  return g_strconcat ("Basic ", encoded, NULL);
}

CrRequest *
cr_request_build (const CrPluginDescriptor *provider, const CrAccount *account,
                  const CrCredentials *credentials, GError **error)
{
  g_autoptr (CrRequest) request = g_new0 (CrRequest, 1);
  BodyWriter writer = { provider->body_format, NULL, NULL, FALSE };

  g_return_val_if_fail (provider != NULL && account != NULL && credentials != NULL, NULL);

  if (credentials->client_secret == NULL ||
      (provider->grant == CR_GRANT_PASSWORD && credentials->password == NULL))
    {
      g_set_error (error, CR_ERROR, CR_ERROR_CONFIG,
                   "account [%s] has no stored %s: run 'credring login %s'", account->name,
                   credentials->client_secret == NULL ? "client secret" : "password",
                   account->name);
      return NULL;
    }
  if (!cr_account_check (account, provider, NULL, error))
    return NULL;
  request->url = cr_account_token_url (account, provider, error);
  if (request->url == NULL)
    return NULL;

  writer.body = g_string_sized_new (body_capacity (provider, account, credentials));
  if (provider->body_format == CR_BODY_JSON)
    {
      writer.json = yajl_gen_alloc (NULL);
      yajl_gen_config (writer.json, yajl_gen_print_callback, append_json, writer.body);
      yajl_gen_config (writer.json, yajl_gen_validate_utf8, 1);
      yajl_gen_map_open (writer.json);
      request->content_type = "application/json";
    }
  else
    request->content_type = "application/x-www-form-urlencoded";

  body_add (&writer, "grant_type", grant_type_name (provider->grant));
  if (provider->client_auth == CR_CLIENT_AUTH_BODY)
    {
      body_add (&writer, "client_id", account->client_id);
      body_add (&writer, "client_secret", credentials->client_secret);
    }
  else
    request->authorization = cr_basic_authorization (account->client_id,
                                                     credentials->client_secret);
  if (provider->grant == CR_GRANT_PASSWORD)
    {
      body_add (&writer, "username", account->username);
      body_add (&writer, "password", credentials->password);
    }
  for (const CrPluginParam *p = provider->params; p != NULL && p->name != NULL; p++)
    {
      const char *value = g_hash_table_lookup (account->values, p->name);

      if (value == NULL || *value == '\0')
        value = p->default_value;
      if (value != NULL)
        body_add (&writer, p->name, value);
    }

  if (writer.json != NULL)
    {
      yajl_gen_map_close (writer.json);
      yajl_gen_free (writer.json);
    }
  if (writer.invalid)
    {
      cr_secret_string_free (writer.body);
      g_set_error (error, CR_ERROR, CR_ERROR_CONFIG,
                   "account [%s]: a value for the JSON body is not valid UTF-8", account->name);
      return NULL;
    }
  request->body_len = writer.body->len;
  request->body = g_string_free (writer.body, FALSE);
  return g_steal_pointer (&request);
}

void
cr_request_free (CrRequest *request)
{
  if (request == NULL)
    return;
  g_free (request->url);
  cr_secret_free (request->authorization);
  if (request->body != NULL)
    cr_secret_wipe (request->body, request->body_len);
  g_free (request->body);
  g_free (request);
}
