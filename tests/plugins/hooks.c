/* A provider that data cannot describe, using both ABI 1.1 hooks: it wants
 * an API version header and the client id in a header of its own, and it
 * answers form-encoded (as some OAuth2 servers do without Accept: json)
 * rather than with JSON.  tests/emulator/provider-emulator.py --provider
 * hooks emulates it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <credring/plugin.h>

#define VALUE_MAX 4096

static CrPluginStatus
add_headers (const CrPluginContext *context, CrPluginAddHeaderFunc add_header, void *sink,
             char *error, size_t error_size)
{
  if (context->client_id == NULL || *context->client_id == '\0')
    {
      snprintf (error, error_size, "no client id");
      return CR_PLUGIN_ERROR_CONFIG;
    }
  if (add_header (sink, "X-Api-Version", "2") != 0 ||
      add_header (sink, "X-Client-Id", context->client_id) != 0)
    return CR_PLUGIN_ERROR_CONFIG; /* the core says why */
  return CR_PLUGIN_OK;
}

static int
hex_value (char c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

/* The form-decoded value of @name in @body into @out; 0, or -1 when it is
 * absent, malformed or too long. */
static int
form_value (const char *body, size_t len, const char *name, char *out)
{
  size_t name_len = strlen (name);
  const char *end = body + len;

  for (const char *p = body; p < end;)
    {
      const char *amp = memchr (p, '&', (size_t) (end - p));
      const char *stop = amp ? amp : end;

      if ((size_t) (stop - p) > name_len && strncmp (p, name, name_len) == 0 &&
          p[name_len] == '=')
        {
          size_t n = 0;

          for (const char *v = p + name_len + 1; v < stop; v++)
            {
              int c = (unsigned char) *v;

              if (c == '+')
                c = ' ';
              else if (c == '%')
                {
                  if (stop - v < 3 || hex_value (v[1]) < 0 || hex_value (v[2]) < 0)
                    return -1;
                  c = hex_value (v[1]) * 16 + hex_value (v[2]);
                  v += 2;
                }
              if (c == '\0' || n + 1 >= VALUE_MAX)
                return -1;
              out[n++] = (char) c;
            }
          out[n] = '\0';
          return 0;
        }
      p = stop + 1;
    }
  return -1;
}

static CrPluginStatus
parse_response (const CrPluginContext *context, const CrPluginResponse *response,
                CrPluginSetTokenFunc set_token, void *sink, char *error, size_t error_size)
{
  char token[VALUE_MAX], type[VALUE_MAX], seconds[VALUE_MAX];
  char code[VALUE_MAX], text[VALUE_MAX];
  char *rest;
  long long lifetime;

  if (response->content_type == NULL ||
      strncmp (response->content_type, "application/x-www-form-urlencoded", 33) != 0)
    {
      snprintf (error, error_size, "HTTP %ld with %s, not a form", response->status,
                response->content_type ? response->content_type : "no content type");
      return CR_PLUGIN_ERROR_RESPONSE;
    }
  if (form_value (response->body, response->body_len, "error", code) == 0)
    {
      if (form_value (response->body, response->body_len, "error_description", text) != 0)
        text[0] = '\0';
      snprintf (error, error_size, "%s: %s", code, text);
      if (strcmp (code, "invalid_client") == 0 || strcmp (code, "invalid_grant") == 0)
        return CR_PLUGIN_ERROR_REJECTED;
      if (strcmp (code, "invalid_scope") == 0 || strcmp (code, "invalid_request") == 0)
        return CR_PLUGIN_ERROR_CONFIG;
      return CR_PLUGIN_ERROR_RESPONSE;
    }
  if (response->status != 200 ||
      form_value (response->body, response->body_len, "access_token", token) != 0 ||
      form_value (response->body, response->body_len, "expires_in", seconds) != 0)
    {
      snprintf (error, error_size, "HTTP %ld without a token", response->status);
      return CR_PLUGIN_ERROR_RESPONSE;
    }
  lifetime = strtoll (seconds, &rest, 10);
  if (*rest != '\0' || lifetime <= 0)
    {
      snprintf (error, error_size, "expires_in is not a number of seconds");
      return CR_PLUGIN_ERROR_RESPONSE;
    }
  if (form_value (response->body, response->body_len, "token_type", type) != 0)
    snprintf (type, sizeof type, "Bearer");
  if (set_token (sink, token, type, response->now + lifetime) != 0)
    return CR_PLUGIN_ERROR_RESPONSE; /* the core says why */
  return CR_PLUGIN_OK;
}

static const CrPluginParam params[] = {
  { "scope", CR_PARAM_OPTIONAL, NULL },
  { NULL, CR_PARAM_OPTIONAL, NULL },
};

CR_PLUGIN_EXPORT const CrPluginDescriptor credring_plugin = {
  CR_PLUGIN_DESCRIPTOR_HEADER,
  .name = "hooks",
  .description = "credring test provider: extra headers, form-encoded answers",
  .token_url = "https://auth.example.com/oauth/token",
  .grant = CR_GRANT_CLIENT_CREDENTIALS,
  .client_auth = CR_CLIENT_AUTH_BODY,
  .body_format = CR_BODY_FORM,
  .params = params,
  .add_headers = add_headers,
  .parse_response = parse_response,
};
