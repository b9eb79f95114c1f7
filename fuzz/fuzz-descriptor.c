/* libFuzzer harness for plugin descriptors: cr_descriptor_validate()
 * (core/provider/loader.c) on a CrPluginDescriptor built from the input, then the
 * core's use of any descriptor it accepts.
 *
 * Every field comes from the input: ABI numbers and struct size, the
 * strings (each may be NULL), enum values (mostly in range, sometimes any
 * 32-bit number), a parameter table of up to 7 entries, and the expected
 * (file) name.  Only valid pointers are built: the loader trusts a
 * plugin's pointers, as it must.
 *
 * Checks:
 * - the verdict equals the rules of credring/plugin.h, restated below
 *   (expect_valid); a refusal is CR_ERROR_CONFIG with a one-line message;
 * - an accepted descriptor is safe to use: an account check, a token
 *   request and a token response parse with it do not crash, fail only
 *   with a clean CR_ERROR, and a request carries every parameter that has
 *   a value (the account's, or else the plugin's default);
 * - building and freeing that request frees no copy of the client secret
 *   or password unwiped (the body must not outgrow its first allocation).
 *
 * Seeds (fuzz/corpus/descriptor/) encode the four real plugins. */

#include "config.h"

#include <string.h>

#include <yajl/yajl_gen.h>

#include "common.h"
/* cr_request_build() and cr_basic_authorization(): private to the core. */
#include "token/request.h"
#include "provider/descriptor.h"
#include "token/response.h"

#define NOW G_GINT64_CONSTANT (1700000000)

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  fuzz_init ();
  return 0;
}

/* Strings live until the end of the run. */
static GPtrArray *strings;

/* A string of at most @max bytes, or NULL when the selector byte says so
 * (1 in 8). */
static const char *
take_optional_max (FuzzInput *in, gsize max)
{
  char *text;

  if (fuzz_take_byte (in) % 8 == 0)
    return NULL;
  text = fuzz_take_string (in, max);
  g_ptr_array_add (strings, text);
  return text;
}

static const char *
take_optional (FuzzInput *in)
{
  return take_optional_max (in, 96);
}

/* Mostly 0..3 (0 invalid for every enum, 3 valid only for client_auth
 * from ABI 1.1 on), sometimes any number. */
static unsigned int
take_enum (FuzzInput *in)
{
  guint8 selector = fuzz_take_byte (in);

  if (selector >= 0xf8)
    return fuzz_take_u32 (in);
  return selector % 4;
}

/* ---- the rules, as plugin.h states them ---------------------------------- */

static gboolean
matches (const char *text, const char *extra, gboolean upper)
{
  /* The loader's limit: names end up in file names and messages. */
  if (text == NULL || *text == '\0' || strlen (text) > 64)
    return FALSE;
  for (const char *p = text; *p != '\0'; p++)
    if (!g_ascii_islower (*p) && !g_ascii_isdigit (*p) && !(upper && g_ascii_isupper (*p)) &&
        strchr (extra, *p) == NULL)
      return FALSE;
  return TRUE;
}

static gboolean
expect_valid (const CrPluginDescriptor *d, const char *expected_name)
{
  static const char *const reserved[] = {
    "grant_type", "client_id", "client_secret", "username", "password",
    "provider", "token_url", "host", "url", "ca_file", "timeout", "min_valid", NULL,
  };

  if (d->abi_major != CR_PLUGIN_ABI_MAJOR || d->abi_minor > CR_PLUGIN_ABI_MINOR ||
      d->struct_size < CR_PLUGIN_DESCRIPTOR_SIZE_1_0 ||
      (d->abi_minor >= 1 && d->struct_size < sizeof (CrPluginDescriptor)))
    return FALSE;
  if (!matches (d->name, "_-", FALSE))
    return FALSE;
  if (expected_name != NULL && strcmp (d->name, expected_name) != 0)
    return FALSE;
  /* "one line, for `credring providers`", which prints it as it is. */
  if (!fuzz_is_one_line (d->description))
    return FALSE;
  if (d->token_url != NULL &&
      (!g_str_has_prefix (d->token_url, "https://") || d->token_url[8] == '\0' ||
       d->token_url[8] == '/' || !fuzz_is_one_line (d->token_url) ||
       memchr (d->token_url + 8, '@', strcspn (d->token_url + 8, "/?#")) != NULL))
    return FALSE;
  /* "a URL, with any host name in place of {host}". */
  if (d->token_url != NULL)
    {
      g_auto (GStrv) parts = g_strsplit (d->token_url, "{host}", -1);
      g_autofree char *example = g_strjoinv ("h.example", parts);
      g_autoptr (GUri) uri = g_uri_parse (example, G_URI_FLAGS_NONE, NULL);

      if (uri == NULL || g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0')
        return FALSE;
    }
  if ((d->grant != CR_GRANT_CLIENT_CREDENTIALS && d->grant != CR_GRANT_PASSWORD) ||
      (d->client_auth != CR_CLIENT_AUTH_BASIC && d->client_auth != CR_CLIENT_AUTH_BODY &&
       !(d->client_auth == CR_CLIENT_AUTH_BASIC_RAW && d->abi_minor >= 1)) ||
      (d->body_format != CR_BODY_FORM && d->body_format != CR_BODY_JSON) ||
      (d->expiry_form != CR_EXPIRY_SECONDS && d->expiry_form != CR_EXPIRY_ABSOLUTE))
    return FALSE;
  if (d->token_field == NULL || *d->token_field == '\0' || d->expiry_field == NULL ||
      *d->expiry_field == '\0')
    return FALSE;
  for (const CrPluginParam *p = d->params; p != NULL && p->name != NULL; p++)
    if (!matches (p->name, "_-.", TRUE) || g_strv_contains (reserved, p->name) ||
        (p->presence != CR_PARAM_OPTIONAL && p->presence != CR_PARAM_REQUIRED))
      return FALSE;
  return TRUE;
}

/* ---- using an accepted descriptor ---------------------------------------------- */


static void
append_json (void *ctx, const char *text, size_t len)
{
  g_string_append_len (ctx, text, len);
}

static void
gen_string (yajl_gen gen, const char *text)
{
  yajl_gen_string (gen, (const unsigned char *) text, strlen (text));
}

/* {"TOKEN_FIELD":"tok","EXPIRY_FIELD":3600 or "2023-11-15T00:00:00Z","TYPE_FIELD":"Bearer"} */
static char *
success_body (const CrPluginDescriptor *d)
{
  GString *out = g_string_new (NULL);
  yajl_gen gen = yajl_gen_alloc (NULL);

  yajl_gen_config (gen, yajl_gen_print_callback, append_json, out);
  yajl_gen_map_open (gen);
  gen_string (gen, d->token_field);
  gen_string (gen, "tok");
  gen_string (gen, d->expiry_field);
  if (d->expiry_form == CR_EXPIRY_SECONDS)
    yajl_gen_integer (gen, 3600);
  else
    gen_string (gen, "2023-11-15T00:00:00Z");
  if (d->token_type_field != NULL)
    {
      gen_string (gen, d->token_type_field);
      gen_string (gen, "Bearer");
    }
  yajl_gen_map_close (gen);
  yajl_gen_free (gen);
  return g_string_free (out, FALSE);
}

/* Whether any string of @d holds the canary: then it is public too. */
static gboolean
canary_in_strings (void)
{
  for (guint i = 0; i < strings->len; i++)
    if (strstr (strings->pdata[i], FUZZ_CANARY) != NULL)
      return TRUE;
  return FALSE;
}

static void
use_descriptor (const CrPluginDescriptor *d)
{
  const CrClientSecrets credentials = { "secret-" FUZZ_CANARY, "password-" FUZZ_CANARY };
  gboolean watch = !canary_in_strings ();
  g_autoptr (CrAccount) account = fuzz_make_account (d);
  g_autoptr (GPtrArray) warnings = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GError) error = NULL;
  g_autoptr (CrRequest) request = NULL;
  g_autofree char *body = NULL;
  CrResponse response = { 200, (char *) "application/json", NULL, 0, -1 };
  CrToken *token;

  if (!cr_account_resolve (account, d, warnings, &error))
    fuzz_fail ("an account with every key fails the check: %s", error->message);

  /* The body is sized up front so that it never grows: growing would
   * leave a copy of the secrets behind in freed memory. */
  if (watch)
    fuzz_watch_secret (FUZZ_CANARY);
  request = cr_request_build (d, account, &credentials, &error);
  fuzz_unwatch_secret ();
  if (request == NULL)
    {
      /* Only the token URL may be refused: {host} filled in can still be bad. */
      fuzz_check_message (error);
      if (error->code != CR_ERROR_CONFIG)
        fuzz_fail ("request refused with code %d", error->code);
      g_clear_error (&error);
    }
  else
    {
      if (strlen (request->body) != request->body_len)
        fuzz_fail ("request body length is wrong");
      for (const CrPluginParam *p = d->params; p != NULL && p->name != NULL; p++)
        if (strstr (request->body, p->name) == NULL)
          fuzz_fail ("parameter '%s' missing from the body", p->name);
      if (watch)
        fuzz_watch_secret (FUZZ_CANARY);
      g_clear_pointer (&request, cr_request_free);
      fuzz_unwatch_secret ();
    }

  /* A success answer in this provider's shape. */
  body = success_body (d);
  response.body = body;
  response.body_len = strlen (body);
  token = cr_response_parse (d, NULL, &response, NOW, &error);
  if (token == NULL)
    fuzz_check_message (error);
  cr_token_free (token);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  FuzzInput in = { data, size };
  CrPluginDescriptor d = { 0 };
  g_autofree CrPluginParam *params = NULL;
  g_autoptr (GError) error = NULL;
  const char *expected_name;
  guint8 header = fuzz_take_byte (&in);
  guint n_params;
  gboolean valid;

  strings = g_ptr_array_new_with_free_func (g_free);

  d.abi_major = (header & 0x80) ? fuzz_take_u32 (&in) : CR_PLUGIN_ABI_MAJOR;
  d.abi_minor = (header & 0x40) ? fuzz_take_u32 (&in) : CR_PLUGIN_ABI_MINOR;
  d.struct_size = (header & 0x20) ? fuzz_take_u32 (&in) : sizeof (CrPluginDescriptor);
  d.name = take_optional (&in);
  d.description = take_optional (&in);
  d.token_url = take_optional (&in);
  d.grant = take_enum (&in);
  d.client_auth = take_enum (&in);
  d.body_format = take_enum (&in);
  d.token_field = take_optional (&in);
  d.token_type_field = take_optional (&in);
  d.expiry_field = take_optional (&in);
  d.expiry_form = take_enum (&in);
  expected_name = (header & 0x10) ? take_optional (&in) : NULL;

  /* header & 7: none (NULL), or that many entries minus one, and the end. */
  n_params = header & 7;
  if (n_params > 0)
    {
      params = g_new0 (CrPluginParam, n_params);
      for (guint i = 0; i + 1 < n_params; i++)
        {
          params[i].name = take_optional (&in);
          guint8 presence = fuzz_take_byte (&in);

          /* Mostly optional or required, sometimes any byte. */
          params[i].presence = presence < 0xf0 ? (presence & 1) : presence;
          /* Long enough to outgrow the body's first allocation. */
          params[i].default_value = take_optional_max (&in, 1024);
        }
      d.params = params;
    }

  valid = cr_descriptor_validate (&d, expected_name, &error);
  if (valid != expect_valid (&d, expected_name))
    fuzz_fail ("cr_descriptor_validate says %s, plugin.h's rules say %s%s%s",
               valid ? "valid" : "invalid", valid ? "invalid" : "valid",
               error ? ": " : "", error ? error->message : "");
  if (!valid)
    {
      fuzz_check_message (error);
      if (error->code != CR_ERROR_CONFIG)
        fuzz_fail ("refusal with code %d", error->code);
    }
  else
    use_descriptor (&d);

  g_clear_pointer (&strings, g_ptr_array_unref);
  return 0;
}
