/* Building a token request from a provider descriptor and an account.
 *
 * Kept apart from the HTTP transfer (and out of the fetch module) so that
 * the exact bytes each provider receives can be tested without a network,
 * and shown by `credring token --dry-run` with the secrets masked. */
#include "config.h"

#include <string.h>

#include <yajl/yajl_gen.h>

#include <credring/credring.h>

#include "token/request.h"
#include "account/account.h"
#include "token/hooks.h"

/* The body is built in one buffer sized up front, so that growing it never
 * leaves an unwiped copy of a secret behind in freed memory. */
typedef struct {
  CrBodyFormat format;
  GString *body;
  yajl_gen json;
  gboolean invalid; /* a value JSON cannot carry (not UTF-8) */
  gboolean masked;  /* secrets are written as CR_REQUEST_MASK */
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

/* "&name=" ("name=" for the first), for the value to follow. */
static void
append_form_name (BodyWriter *writer, const char *name)
{
  if (writer->body->len > 0)
    g_string_append_c (writer->body, '&');
  g_string_append (writer->body, name);
  g_string_append_c (writer->body, '=');
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

  append_form_name (writer, name);
  append_form_escaped (writer->body, value);
}

/* A secret, or in a masked request the mask, which is written as it is:
 * escaped it would read %2A%2A... */
static void
body_add_secret (BodyWriter *writer, const char *name, const char *secret)
{
  if (!writer->masked)
    {
      body_add (writer, name, secret);
      return;
    }
  if (writer->format == CR_BODY_JSON)
    {
      body_add (writer, name, CR_REQUEST_MASK);
      return;
    }
  append_form_name (writer, name);
  g_string_append (writer->body, CR_REQUEST_MASK);
}

static gsize
secret_capacity (const char *secret)
{
  return secret != NULL ? 6 * strlen (secret) + 32 : 0;
}

static gsize
body_capacity (const CrPluginDescriptor *provider, const CrAccount *account,
               const CrClientSecrets *credentials, const CrGrantInput *input)
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
  if (credentials != NULL)
    size += secret_capacity (credentials->client_secret) + secret_capacity (credentials->password);
  size += secret_capacity (input->code) + secret_capacity (input->code_verifier) +
          secret_capacity (input->redirect_uri) + secret_capacity (input->device_code) +
          secret_capacity (input->refresh_token) + secret_capacity (account->scope);
  return size;
}

/* "Basic " + base64 of "id:secret", each part form-urlencoded first when
 * @form_encode (RFC 6749 §2.3.1), else the bytes as they are (RFC 7617,
 * for servers that skip RFC 6749's encoding). */
static char *
basic_header (const char *client_id, const char *client_secret, gboolean form_encode)
{
  GString *pair = g_string_sized_new (3 * (strlen (client_id) + strlen (client_secret)) + 2);
  cr_autosecret char *encoded = NULL;

  if (form_encode)
    append_form_escaped (pair, client_id);
  else
    g_string_append (pair, client_id);
  g_string_append_c (pair, ':');
  if (form_encode)
    append_form_escaped (pair, client_secret);
  else
    g_string_append (pair, client_secret);
  encoded = g_base64_encode ((const guchar *) pair->str, pair->len);
  cr_secret_string_free (pair);
  return g_strconcat ("Basic ", encoded, NULL);
}

char *
cr_basic_authorization (const char *client_id, const char *client_secret)
{
  return basic_header (client_id, client_secret, TRUE);
}

static char *
authorization (const CrAccount *account, const CrClientSecrets *credentials)
{
  if (credentials == NULL)
    return g_strdup ("Basic " CR_REQUEST_MASK);
  return basic_header (account->client_id, credentials->client_secret,
                       account->client_auth != CR_CLIENT_AUTH_BASIC_RAW);
}

/* The headers credring sets, then the plugin's. */
static char **
build_headers (const CrPluginDescriptor *provider, const CrAccount *account,
               const char *content_type, GError **error)
{
  g_autoptr (GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);

  g_ptr_array_add (lines, g_strconcat ("Content-Type: ", content_type, NULL));
  g_ptr_array_add (lines, g_strdup ("Accept: application/json"));
  g_ptr_array_add (lines, g_strdup ("User-Agent: " PACKAGE_NAME "/" PACKAGE_VERSION));
  if (!cr_hook_add_headers (provider, account, lines, error))
    return NULL;
  g_ptr_array_add (lines, NULL);
  g_ptr_array_set_free_func (lines, NULL);
  return (char **) g_ptr_array_free (g_steal_pointer (&lines), FALSE);
}

/* The grants whose request the provider describes (format, parameters);
 * the others are RFC 6749's and RFC 8628's own, always a form. */
static gboolean
is_provider_shaped (const CrGrantInput *input)
{
  return input->call == CR_CALL_DEVICE_AUTHORIZATION ||
         (input->call == CR_CALL_TOKEN && (input->grant == CR_GRANT_CLIENT_CREDENTIALS ||
                                           input->grant == CR_GRANT_PASSWORD));
}

static CrBodyFormat
body_format (const CrPluginDescriptor *provider, const CrGrantInput *input)
{
  return input->call == CR_CALL_TOKEN && is_provider_shaped (input) ? provider->body_format
                                                                     : CR_BODY_FORM;
}

const char *
cr_grant_wire_name (CrGrantType grant)
{
  /* RFC 8628 §3.4: an extension grant is named by its URI. */
  if (grant == CR_GRANT_DEVICE_CODE)
    return "urn:ietf:params:oauth:grant-type:device_code";
  return cr_grant_to_string (grant);
}

/* What each grant sends besides the client's authentication. */
static void
write_grant (BodyWriter *writer, const CrAccount *account, const CrClientSecrets *credentials,
             const CrGrantInput *input)
{
  switch (input->grant)
    {
    case CR_GRANT_PASSWORD:
      body_add (writer, "username", account->username);
      body_add_secret (writer, "password", credentials ? credentials->password : NULL);
      break;
    case CR_GRANT_AUTHORIZATION_CODE:
      body_add_secret (writer, "code", input->code);
      /* A dry run has no listener yet: the URI as it will look. */
      body_add (writer, "redirect_uri",
                input->redirect_uri != NULL   ? input->redirect_uri
                : account->redirect_uri != NULL ? account->redirect_uri
                                                : "http://127.0.0.1:PORT/callback");
      body_add_secret (writer, "code_verifier", input->code_verifier);
      break;
    case CR_GRANT_DEVICE_CODE:
      body_add_secret (writer, "device_code", input->device_code);
      break;
    case CR_GRANT_REFRESH_TOKEN:
      body_add_secret (writer, "refresh_token", input->refresh_token);
      break;
    case CR_GRANT_CLIENT_CREDENTIALS:
    default:
      break;
    }
}

/* The provider's parameters, and the scope when it has no parameter of that name. */
static void
write_params (BodyWriter *writer, const CrPluginDescriptor *provider, const CrAccount *account)
{
  for (const CrPluginParam *p = provider->params; p != NULL && p->name != NULL; p++)
    {
      const char *value = g_hash_table_lookup (account->values, p->name);

      if (value == NULL || *value == '\0')
        value = p->default_value;
      if (value != NULL)
        body_add (writer, p->name, value);
    }
  if (account->scope != NULL)
    body_add (writer, "scope", account->scope);
}

/* The body, in the provider's format, into @request; the Authorization
 * header too when the client authenticates there. */
static gboolean
write_body (const CrPluginDescriptor *provider, const CrAccount *account,
            const CrClientSecrets *credentials, const CrGrantInput *input, CrRequest *request,
            GError **error)
{
  BodyWriter writer = { body_format (provider, input), NULL, NULL, FALSE, credentials == NULL };

  writer.body = g_string_sized_new (body_capacity (provider, account, credentials, input));
  if (writer.format == CR_BODY_JSON)
    {
      writer.json = yajl_gen_alloc (NULL);
      yajl_gen_config (writer.json, yajl_gen_print_callback, append_json, writer.body);
      yajl_gen_config (writer.json, yajl_gen_validate_utf8, 1);
      yajl_gen_map_open (writer.json);
    }

  if (input->call == CR_CALL_TOKEN)
    body_add (&writer, "grant_type", cr_grant_wire_name (input->grant));
  if (input->call == CR_CALL_REVOCATION)
    {
      /* RFC 7009 §2.1: the refresh token, which revokes its access tokens too. */
      body_add_secret (&writer, "token", input->refresh_token);
      body_add (&writer, "token_type_hint", "refresh_token");
    }
  if (account->client_auth == CR_CLIENT_AUTH_BODY || account->client_auth == CR_CLIENT_AUTH_NONE)
    body_add (&writer, "client_id", account->client_id);
  if (account->client_auth == CR_CLIENT_AUTH_BODY)
    body_add_secret (&writer, "client_secret", credentials ? credentials->client_secret : NULL);
  else if (account->client_auth != CR_CLIENT_AUTH_NONE)
    request->authorization = authorization (account, credentials);
  if (input->call == CR_CALL_TOKEN)
    write_grant (&writer, account, credentials, input);
  if (is_provider_shaped (input))
    write_params (&writer, provider, account);

  if (writer.json != NULL)
    {
      yajl_gen_map_close (writer.json);
      yajl_gen_free (writer.json);
    }
  if (writer.invalid)
    {
      cr_secret_string_free (writer.body);
      g_set_error (error, CR_ERROR, CR_ERROR_CONFIG, "a value for the JSON body is not valid UTF-8");
      return FALSE;
    }
  request->body_len = writer.body->len;
  request->body = g_string_free (writer.body, FALSE);
  return TRUE;
}

static const char *
call_url (const CrAccount *account, const CrGrantInput *input)
{
  switch (input->call)
    {
    case CR_CALL_DEVICE_AUTHORIZATION:
      return account->device_endpoint;
    case CR_CALL_REVOCATION:
      return account->revocation_endpoint;
    case CR_CALL_TOKEN:
    default:
      return account->endpoint;
    }
}

/* The secret the request needs that the caller lacks, or NULL. */
static const char *
missing_secret (const CrAccount *account, const CrClientSecrets *credentials,
                const CrGrantInput *input)
{
  if (account->client_auth != CR_CLIENT_AUTH_NONE && credentials->client_secret == NULL)
    return "client secret";
  if (input->call == CR_CALL_TOKEN && input->grant == CR_GRANT_PASSWORD &&
      credentials->password == NULL)
    return "password";
  if ((input->call == CR_CALL_REVOCATION ||
       (input->call == CR_CALL_TOKEN && input->grant == CR_GRANT_REFRESH_TOKEN)) &&
      input->refresh_token == NULL)
    return "refresh token";
  return NULL;
}

/* What only a sign-in brings that the request lacks, or NULL: the
 * account's own grant without its inputs (cr_token_fetch() of an account
 * that signs a person in). */
static const char *
missing_signin_input (const CrGrantInput *input)
{
  if (input->call != CR_CALL_TOKEN)
    return NULL;
  if (input->grant == CR_GRANT_AUTHORIZATION_CODE &&
      (input->code == NULL || input->code_verifier == NULL))
    return "authorization code";
  if (input->grant == CR_GRANT_DEVICE_CODE && input->device_code == NULL)
    return "device code";
  return NULL;
}

/* @credentials NULL: a masked request. */
static CrRequest *
build (const CrPluginDescriptor *provider, const CrAccount *account,
       const CrClientSecrets *credentials, const CrGrantInput *input, GError **error)
{
  g_autoptr (CrRequest) request = g_new0 (CrRequest, 1);
  const char *missing = credentials != NULL ? missing_secret (account, credentials, input) : NULL;
  const char *unsigned_in = credentials != NULL ? missing_signin_input (input) : NULL;
  const char *url = call_url (account, input);

  if (missing != NULL)
    {
      g_set_error (error, CR_ERROR, CR_ERROR_CONFIG, "has no stored %s: run 'credring login %s'",
                   missing, account->name);
      return NULL;
    }
  if (unsigned_in != NULL)
    {
      g_set_error (error, CR_ERROR, CR_ERROR_CONFIG,
                   "has no %s (a person signs in for one): run 'credring login %s'", unsigned_in,
                   account->name);
      return NULL;
    }
  if (url == NULL)
    {
      g_set_error (error, CR_ERROR, CR_ERROR_CONFIG, "provider %s has no %s endpoint",
                   provider->name,
                   input->call == CR_CALL_REVOCATION ? "revocation" : "device authorization");
      return NULL;
    }
  request->masked = credentials == NULL;
  request->url = g_strdup (url);
  request->content_type = body_format (provider, input) == CR_BODY_JSON
                            ? "application/json"
                            : "application/x-www-form-urlencoded";
  request->headers = build_headers (provider, account, request->content_type, error);
  if (request->headers == NULL)
    return NULL;

  if (!write_body (provider, account, credentials, input, request, error))
    return NULL;
  return g_steal_pointer (&request);
}

/* build(), its errors naming the account: the one place they do. */
static CrRequest *
build_for_account (const CrPluginDescriptor *provider, const CrAccount *account,
                   const CrClientSecrets *credentials, GError **error)
{
  CrGrantInput input = { .call = CR_CALL_TOKEN, .grant = account->grant };
  CrRequest *request = build (provider, account, credentials, &input, error);

  return request != NULL ? request : cr_account_prefix_error (error, account);
}

CrRequest *
cr_request_prepare (const CrPluginDescriptor *provider, const CrAccount *account,
                    const CrClientSecrets *credentials, const CrGrantInput *input,
                    GError **error)
{
  CrGrantInput direct = { .call = CR_CALL_TOKEN, .grant = account->grant };

  g_return_val_if_fail (provider != NULL && account != NULL, NULL);
  g_return_val_if_fail (account->endpoint != NULL, NULL);
  return build (provider, account, credentials, input != NULL ? input : &direct, error);
}

CrRequest *
cr_request_build (const CrPluginDescriptor *provider, const CrAccount *account,
                  const CrClientSecrets *credentials, GError **error)
{
  g_return_val_if_fail (provider != NULL && account != NULL && credentials != NULL, NULL);
  g_return_val_if_fail (account->endpoint != NULL, NULL);
  return build_for_account (provider, account, credentials, error);
}

CrRequest *
cr_request_build_masked (const CrPluginDescriptor *provider, const CrAccount *account,
                         GError **error)
{
  g_return_val_if_fail (provider != NULL && account != NULL, NULL);
  g_return_val_if_fail (account->endpoint != NULL, NULL);
  return build_for_account (provider, account, NULL, error);
}

char *
cr_request_authorization_url (const CrPluginDescriptor *provider, const CrAccount *account,
                              const char *redirect_uri, const char *state, const char *challenge)
{
  /* The query is a form too (RFC 6749 §4.1.1 appendix B): one writer. */
  BodyWriter writer = { CR_BODY_FORM, g_string_new (NULL), NULL, FALSE, FALSE };
  const char *endpoint = account->authorization_endpoint;
  const char *fragment;
  gsize before_fragment;

  g_return_val_if_fail (endpoint != NULL && redirect_uri != NULL, NULL);

  body_add (&writer, "response_type", "code");
  body_add (&writer, "client_id", account->client_id);
  body_add (&writer, "redirect_uri", redirect_uri);
  body_add (&writer, "state", state);
  body_add (&writer, "code_challenge", challenge);
  body_add (&writer, "code_challenge_method", "S256");
  write_params (&writer, provider, account);
  /* An endpoint may carry a query of its own (RFC 6749 §3.1); the
   * parameters join it, before any fragment (RFC 3986 §3), which the
   * browser would keep to itself. */
  fragment = strchr (endpoint, '#');
  before_fragment = fragment != NULL ? (gsize) (fragment - endpoint) : strlen (endpoint);
  g_string_prepend_c (writer.body,
                      memchr (endpoint, '?', before_fragment) != NULL ? '&' : '?');
  g_string_prepend_len (writer.body, endpoint, (gssize) before_fragment);
  if (fragment != NULL)
    g_string_append (writer.body, fragment);
  return g_string_free (writer.body, FALSE);
}

char *
cr_request_format (const CrRequest *request)
{
  GString *out;

  g_return_val_if_fail (request != NULL, NULL);
  /* Only a request that holds no secret may be shown. */
  g_return_val_if_fail (request->masked, NULL);

  out = g_string_new (NULL);
  g_string_append_printf (out, "POST %s\n", request->url);
  for (guint i = 0; request->headers[i] != NULL; i++)
    g_string_append_printf (out, "%s\n", request->headers[i]);
  if (request->authorization != NULL)
    g_string_append_printf (out, "Authorization: %s\n", request->authorization);
  g_string_append_c (out, '\n');
  g_string_append_len (out, request->body, (gssize) request->body_len);
  g_string_append_c (out, '\n');
  return g_string_free (out, FALSE);
}

void
cr_request_free (CrRequest *request)
{
  if (request == NULL)
    return;
  g_free (request->url);
  g_strfreev (request->headers);
  cr_secret_free (request->authorization);
  if (request->body != NULL)
    cr_secret_wipe (request->body, request->body_len);
  g_free (request->body);
  g_free (request);
}
