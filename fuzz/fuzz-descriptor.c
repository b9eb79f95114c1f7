/* libFuzzer harness for plugin descriptors: cr_descriptor_validate()
 * (core/provider/descriptor.c) on a CrPluginDescriptor built from the
 * input, then the core's use of any descriptor it accepts.
 *
 * Every field comes from the input: ABI numbers and struct size (mostly
 * near the size of one of plugin.h's minors), the strings (each may be
 * NULL), enum values (mostly 0..5, sometimes any 32-bit number), a
 * parameter table of up to 7 entries, the expected (file) name, then the
 * fields of ABI 1.2: the three endpoint URLs, the grant set (mostly bits
 * 0..6, sometimes any), the default scope and the issuer.  An input that
 * ends early leaves the rest NULL or 0.  Only valid pointers are built:
 * the loader trusts a plugin's pointers, as it must.  The hooks are never
 * set.
 *
 * Checks:
 * - the verdict equals the rules of credring/plugin.h, restated below
 *   (expect_valid); a refusal is CR_ERROR_CONFIG with a one-line message;
 * - cr_descriptor_normalize() keeps what the declared minor has and
 *   zeroes the fields of later minors, which are never read;
 * - an accepted descriptor, normalised as the loader does, is safe to use:
 *   an account with every key it needs passes cr_account_resolve() (unless
 *   its defaults are a public client and the client credentials grant,
 *   which RFC 6749 §4.4 forbids); its default grant's request carries every
 *   parameter that has a value (the account's, or else the plugin's
 *   default), or, for a grant that signs a person in, is refused without
 *   its code (request.h: a missing secret); the code exchange, the device
 *   and refresh grants, device authorization and revocation build forms to
 *   the endpoint they belong to, or are refused with CR_ERROR_CONFIG when
 *   there is none; the authorization URL has its parameters in the
 *   endpoint's query (RFC 6749 §4.1.1), whatever else the endpoint holds;
 *   a token response parses;
 * - building and freeing those requests frees no copy of a secret (client
 *   secret, password, code, verifier, device code, refresh token) unwiped.
 *
 * Seeds (fuzz/corpus/descriptor/) encode the four real plugins, and
 * descriptors of each minor. */

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

/* Mostly 0..5 (0 invalid for every enum; 3, 4 and 5 grants of ABI 1.2,
 * 5 the core's own; 3 and 4 client authentication of 1.1 and 1.2), sometimes
 * any number. */
static unsigned int
take_enum (FuzzInput *in)
{
  guint8 selector = fuzz_take_byte (in);

  if (selector >= 0xf8)
    return fuzz_take_u32 (in);
  return selector % 6;
}

/* The size of a descriptor of each minor, as plugin.h defines them. */
static const size_t minor_sizes[] = {
  CR_PLUGIN_DESCRIPTOR_SIZE_1_0,
  CR_PLUGIN_DESCRIPTOR_SIZE_1_1,
  CR_PLUGIN_DESCRIPTOR_SIZE_1_2,
  sizeof (CrPluginDescriptor),
};

/* Mostly within 16 bytes of a minor's size (the low two bits pick it),
 * sometimes any number. */
static size_t
take_struct_size (FuzzInput *in)
{
  guint8 selector = fuzz_take_byte (in);

  if (selector >= 0xf0)
    return fuzz_take_u32 (in);
  return minor_sizes[selector & 3] + ((selector >> 2) & 0x1f) - 16;
}

/* Mostly bits 0..6 (1..4 the grants a provider names, 5 the refresh
 * grant, 0 and 6 none), sometimes any number. */
static unsigned int
take_grants (FuzzInput *in)
{
  guint8 selector = fuzz_take_byte (in);

  if (selector >= 0xf0)
    return fuzz_take_u32 (in);
  return selector & 0x7f;
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

/* "A default token URL is https, without user or password (the same for
 * the ABI 1.2 URLs)", "a URL GLib can parse with any host name in place
 * of {host}", and "{host} stands at most once, and in the host only":
 * before the path, query or fragment, and the name put there is in the
 * host GLib reads, as it was put. */
static gboolean
is_endpoint_url (const char *url)
{
  const char *authority = url + strlen ("https://");
  const char *placeholder = strstr (url, "{host}");
  g_auto (GStrv) parts = NULL;
  g_autofree char *example = NULL;
  g_autoptr (GUri) uri = NULL;
  const char *host;

  if (!g_str_has_prefix (url, "https://") || *authority == '\0' || *authority == '/' ||
      !fuzz_is_one_line (url) || memchr (authority, '@', strcspn (authority, "/?#")) != NULL)
    return FALSE;
  parts = g_strsplit (url, "{host}", -1);
  example = g_strjoinv ("h.example", parts);
  uri = g_uri_parse (example, G_URI_FLAGS_NONE, NULL);
  host = uri != NULL ? g_uri_get_host (uri) : NULL;
  if (host == NULL || *host == '\0')
    return FALSE;
  if (placeholder == NULL)
    return TRUE;
  return g_strv_length (parts) == 2 &&
         placeholder < authority + strcspn (authority, "/?#") && strstr (host, "h.example") != NULL;
}

/* "The authorization server's issuer identifier (RFC 8414 §2), https":
 * an endpoint's rules, and RFC 8414 §2's "no query or fragment
 * components". */
static gboolean
is_issuer (const char *issuer)
{
  return is_endpoint_url (issuer) && strpbrk (issuer, "?#") == NULL;
}

/* CrGrantType: the two grants of 1.0, the two of 1.2 that sign a person
 * in; the refresh grant is "not a grant a provider names". */
#define NAMEABLE_GRANTS                                                                     \
  (CR_GRANT_BIT (CR_GRANT_CLIENT_CREDENTIALS) | CR_GRANT_BIT (CR_GRANT_PASSWORD) |          \
   CR_GRANT_BIT (CR_GRANT_AUTHORIZATION_CODE) | CR_GRANT_BIT (CR_GRANT_DEVICE_CODE))

static gboolean
is_grant_of (unsigned int grant, unsigned int minor)
{
  return grant == CR_GRANT_CLIENT_CREDENTIALS || grant == CR_GRANT_PASSWORD ||
         (minor >= 2 && (grant == CR_GRANT_AUTHORIZATION_CODE || grant == CR_GRANT_DEVICE_CODE));
}

/* CrClientAuth: basic-raw "ABI 1.1", none "ABI 1.2". */
static gboolean
is_client_auth_of (unsigned int client_auth, unsigned int minor)
{
  return client_auth == CR_CLIENT_AUTH_BASIC || client_auth == CR_CLIENT_AUTH_BODY ||
         (client_auth == CR_CLIENT_AUTH_BASIC_RAW && minor >= 1) ||
         (client_auth == CR_CLIENT_AUTH_NONE && minor >= 2);
}

/* "Parameter names are [A-Za-z0-9_.-]+ and neither one the core sends
 * itself nor an account key of its own meaning." */
static gboolean
is_reserved (const char *name)
{
  static const char *const core_sends[] = {
    "grant_type", "client_id", "client_secret", "username", "password",
    /* the authorization code grant: the browser's request (RFC 6749
     * §4.1.1, RFC 7636 §4.3) and the exchange (§4.1.3, RFC 7636 §4.5) */
    "response_type", "redirect_uri", "state", "code_challenge", "code_challenge_method",
    "code", "code_verifier",
    "device_code",   /* RFC 8628 §3.4 */
    "refresh_token", /* RFC 6749 §6 */
    "token", "token_type_hint", /* revocation, RFC 7009 §2.1 */
    NULL,
  };
  static const char *const account_keys[] = {
    "provider", "token_url", "host", "url", "ca_file", "timeout", "min_valid",
    /* README: the keys of accounts that sign a person in ("scope" is a
     * parameter's name too, then sent as one) */
    "grant", "client_auth", "redirect_uri", "signin_timeout", "issuer", "authorization_url",
    "device_authorization_url", "revocation_url", NULL,
  };

  return g_strv_contains (core_sends, name) || g_strv_contains (account_keys, name);
}

static gboolean
expect_valid (const CrPluginDescriptor *d, const char *expected_name)
{
  if (d->abi_major != CR_PLUGIN_ABI_MAJOR || d->abi_minor > CR_PLUGIN_ABI_MINOR)
    return FALSE;
  /* "The loader reads no further into a plugin's descriptor than its
   * minor's size": one smaller is refused. */
  if (d->struct_size < minor_sizes[d->abi_minor])
    return FALSE;
  if (!matches (d->name, "_-", FALSE))
    return FALSE;
  if (expected_name != NULL && strcmp (d->name, expected_name) != 0)
    return FALSE;
  /* "one line, for `credring providers`", which prints it as it is. */
  if (!fuzz_is_one_line (d->description))
    return FALSE;
  if (d->token_url != NULL && !is_endpoint_url (d->token_url))
    return FALSE;
  if (!is_grant_of (d->grant, d->abi_minor) || !is_client_auth_of (d->client_auth, d->abi_minor) ||
      (d->body_format != CR_BODY_FORM && d->body_format != CR_BODY_JSON) ||
      (d->expiry_form != CR_EXPIRY_SECONDS && d->expiry_form != CR_EXPIRY_ABSOLUTE))
    return FALSE;
  /* "A public client (client_auth none) cannot have client_credentials as
   * its default grant" (RFC 6749 §4.4). */
  if (d->client_auth == CR_CLIENT_AUTH_NONE && d->grant == CR_GRANT_CLIENT_CREDENTIALS)
    return FALSE;
  if (d->token_field == NULL || *d->token_field == '\0' || d->expiry_field == NULL ||
      *d->expiry_field == '\0')
    return FALSE;
  for (const CrPluginParam *p = d->params; p != NULL && p->name != NULL; p++)
    if (!matches (p->name, "_-.", TRUE) || is_reserved (p->name) ||
        (p->presence != CR_PARAM_OPTIONAL && p->presence != CR_PARAM_REQUIRED))
      return FALSE;

  /* "A field added in minor N is read only from a plugin that declares
   * abi_minor >= N." */
  if (d->abi_minor < 2)
    return TRUE;
  /* "The grant set holds the default grant and only grants a provider may
   * name"; 0 is the default grant alone. */
  if ((d->grants & ~NAMEABLE_GRANTS) != 0 ||
      (d->grants != 0 && (d->grants & CR_GRANT_BIT (d->grant)) == 0))
    return FALSE;
  if ((d->authorization_url != NULL && !is_endpoint_url (d->authorization_url)) ||
      (d->device_authorization_url != NULL && !is_endpoint_url (d->device_authorization_url)) ||
      (d->revocation_url != NULL && !is_endpoint_url (d->revocation_url)) ||
      (d->issuer != NULL && !is_issuer (d->issuer)))
    return FALSE;
  /* "The scope asked for": one printable line, sent and shown. */
  if (d->default_scope != NULL && !fuzz_is_one_line (d->default_scope))
    return FALSE;
  return TRUE;
}

/* What cr_descriptor_normalize() must make of @d: the fields of its
 * minor as they are, those of later minors zero. */
static void
check_normalized (const CrPluginDescriptor *d, const CrPluginDescriptor *copy)
{
  gboolean has_1_1 = d->abi_minor >= 1;
  gboolean has_1_2 = d->abi_minor >= 2;

  if (copy->abi_major != d->abi_major || copy->abi_minor != d->abi_minor ||
      copy->struct_size != d->struct_size || copy->name != d->name ||
      copy->description != d->description || copy->token_url != d->token_url ||
      copy->grant != d->grant || copy->client_auth != d->client_auth ||
      copy->body_format != d->body_format || copy->params != d->params ||
      copy->token_field != d->token_field || copy->token_type_field != d->token_type_field ||
      copy->expiry_field != d->expiry_field || copy->expiry_form != d->expiry_form)
    fuzz_fail ("cr_descriptor_normalize() changed a field of ABI 1.0");
  if (copy->add_headers != (has_1_1 ? d->add_headers : NULL) ||
      copy->parse_response != (has_1_1 ? d->parse_response : NULL))
    fuzz_fail ("cr_descriptor_normalize() and the hooks of a %u.%u descriptor", d->abi_major,
               d->abi_minor);
  if (copy->authorization_url != (has_1_2 ? d->authorization_url : NULL) ||
      copy->device_authorization_url != (has_1_2 ? d->device_authorization_url : NULL) ||
      copy->revocation_url != (has_1_2 ? d->revocation_url : NULL) ||
      copy->grants != (has_1_2 ? d->grants : 0) ||
      copy->default_scope != (has_1_2 ? d->default_scope : NULL) ||
      copy->issuer != (has_1_2 ? d->issuer : NULL))
    fuzz_fail ("cr_descriptor_normalize() and the fields of ABI 1.2 in a %u.%u descriptor",
               d->abi_major, d->abi_minor);
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

/* The URL of @template (a provider's endpoint) for @account: {host}
 * filled in with its host. */
static char *
filled (const char *template, const CrAccount *account)
{
  g_auto (GStrv) parts = g_strsplit (template, "{host}", -1);

  return g_strjoinv (account->host, parts);
}

/* One request of the grants of ABI 1.2 (request.h's CrGrantInput): a form
 * to @url (NULL: the provider and the account have no such endpoint, and
 * the request is refused), freed without leaving a secret behind. */
static void
check_call (const CrPluginDescriptor *d, const CrAccount *account,
            const CrClientSecrets *credentials, const CrGrantInput *input, const char *url,
            gboolean watch)
{
  g_autoptr (GError) error = NULL;
  CrRequest *request;

  if (watch)
    fuzz_watch_secret (FUZZ_CANARY);
  request = cr_request_prepare (d, account, credentials, input, &error);
  fuzz_unwatch_secret ();
  if (request == NULL)
    {
      fuzz_check_message (error);
      if (error->code != CR_ERROR_CONFIG || url != NULL)
        fuzz_fail ("call %d (grant %d) refused: %s", input->call, input->grant, error->message);
      return;
    }
  if (url == NULL || strcmp (request->url, url) != 0)
    fuzz_fail ("call %d (grant %d) goes to %s, not %s", input->call, input->grant, request->url,
               url ? url : "nowhere");
  /* "Always as a form (RFC 6749 §4.1.3, RFC 8628 §3.4)". */
  if (strcmp (request->content_type, "application/x-www-form-urlencoded") != 0)
    fuzz_fail ("call %d (grant %d) with content type %s", input->call, input->grant,
               request->content_type);
  if (strlen (request->body) != request->body_len)
    fuzz_fail ("request body length is wrong");
  if (watch)
    fuzz_watch_secret (FUZZ_CANARY);
  cr_request_free (request);
  fuzz_unwatch_secret ();
}

/* RFC 6749 §4.1.1: the parameters are added to the query component of the
 * endpoint's URI, whose own query stays (§3.1). */
static void
check_authorization_url (const char *url, const char *endpoint)
{
  g_autoptr (GUri) uri = g_uri_parse (url, G_URI_FLAGS_ENCODED_QUERY, NULL);
  g_autoptr (GUri) base = g_uri_parse (endpoint, G_URI_FLAGS_ENCODED_QUERY, NULL);
  const char *query = uri != NULL ? g_uri_get_query (uri) : NULL;
  const char *base_query = base != NULL ? g_uri_get_query (base) : NULL;

  if (uri == NULL || base == NULL || query == NULL ||
      g_strcmp0 (g_uri_get_host (uri), g_uri_get_host (base)) != 0 ||
      g_strcmp0 (g_uri_get_path (uri), g_uri_get_path (base)) != 0 ||
      (base_query != NULL && !g_str_has_prefix (query, base_query)) ||
      strstr (query, "response_type=code") == NULL ||
      strstr (query, "code_challenge_method=S256") == NULL)
    fuzz_fail ("authorization URL %s for the endpoint %s: the parameters are not in its query",
               url, endpoint);
}

/* The requests of the grants that sign a person in and of refresh
 * tokens, and the authorization URL, for a resolved @account. */
static void
use_signin (const CrPluginDescriptor *d, const CrAccount *account,
            const CrClientSecrets *credentials, gboolean watch)
{
  const char *redirect_uri = "http://127.0.0.1:8400/callback";
  CrGrantInput exchange = {
    .call = CR_CALL_TOKEN, .grant = CR_GRANT_AUTHORIZATION_CODE,
    .code = "code-" FUZZ_CANARY, .code_verifier = "verifier-" FUZZ_CANARY,
    .redirect_uri = redirect_uri,
  };
  CrGrantInput device = { .call = CR_CALL_TOKEN, .grant = CR_GRANT_DEVICE_CODE,
                          .device_code = "device-" FUZZ_CANARY };
  CrGrantInput refresh = { .call = CR_CALL_TOKEN, .grant = CR_GRANT_REFRESH_TOKEN,
                           .refresh_token = "refresh-" FUZZ_CANARY };
  CrGrantInput device_authorization = { .call = CR_CALL_DEVICE_AUTHORIZATION };
  CrGrantInput revocation = { .call = CR_CALL_REVOCATION, .refresh_token = "refresh-" FUZZ_CANARY };
  g_autofree char *device_url = d->device_authorization_url != NULL
                                  ? filled (d->device_authorization_url, account)
                                  : g_strdup (g_hash_table_lookup (account->values,
                                                                   "device_authorization_url"));
  g_autofree char *revocation_url = d->revocation_url != NULL ? filled (d->revocation_url, account)
                                                              : NULL;
  g_autofree char *authorization_url = d->authorization_url != NULL
                                         ? filled (d->authorization_url, account)
                                         : g_strdup (g_hash_table_lookup (account->values,
                                                                          "authorization_url"));

  /* A refresh token may come with any grant. */
  check_call (d, account, credentials, &refresh, account->endpoint, watch);
  check_call (d, account, credentials, &revocation, revocation_url, watch);
  if (account->grant == CR_GRANT_AUTHORIZATION_CODE)
    check_call (d, account, credentials, &exchange, account->endpoint, watch);
  if (account->grant == CR_GRANT_DEVICE_CODE)
    {
      check_call (d, account, credentials, &device_authorization, device_url, watch);
      check_call (d, account, credentials, &device, account->endpoint, watch);
    }
  if (authorization_url != NULL)
    {
      g_autofree char *url = NULL;

      if (g_strcmp0 (account->authorization_endpoint, authorization_url) != 0)
        fuzz_fail ("authorization endpoint %s, not %s",
                   account->authorization_endpoint ? account->authorization_endpoint : "(none)",
                   authorization_url);
      url = cr_request_authorization_url (d, account, redirect_uri, "state", "challenge");
      check_authorization_url (url, authorization_url);
    }
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

  /* A valid descriptor's defaults always make a usable account. */
  if (!cr_account_resolve (account, d, warnings, &error))
    fuzz_fail ("an account with every key fails the check: %s", error->message);
  if (account->grant != d->grant || account->client_auth != d->client_auth)
    fuzz_fail ("an account without grant or client_auth keys has grant %d, client_auth %d",
               account->grant, account->client_auth);

  /* The body is sized up front so that it never grows: growing would
   * leave a copy of the secrets behind in freed memory. */
  if (watch)
    fuzz_watch_secret (FUZZ_CANARY);
  request = cr_request_build (d, account, &credentials, &error);
  fuzz_unwatch_secret ();
  if (request == NULL)
    {
      /* The token URL ({host} filled in can still be bad), or a grant
       * that signs a person in, whose code only a sign-in brings. */
      fuzz_check_message (error);
      if (error->code != CR_ERROR_CONFIG)
        fuzz_fail ("request refused with code %d", error->code);
      g_clear_error (&error);
    }
  else if (cr_grant_needs_person (d->grant))
    fuzz_fail ("a request of grant %d without its code: %s", d->grant, request->body);
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

  use_signin (d, account, &credentials, watch);

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
  CrPluginDescriptor normalized;
  g_autofree CrPluginParam *params = NULL;
  g_autoptr (GError) error = NULL;
  const char *expected_name;
  guint8 header = fuzz_take_byte (&in);
  guint n_params;
  gboolean valid;

  strings = g_ptr_array_new_with_free_func (g_free);

  d.abi_major = (header & 0x80) ? fuzz_take_u32 (&in) : CR_PLUGIN_ABI_MAJOR;
  if (header & 0x40)
    {
      /* Mostly 0..3 (3 newer than this core), sometimes any number. */
      guint8 minor = fuzz_take_byte (&in);

      d.abi_minor = minor >= 0xf0 ? fuzz_take_u32 (&in) : minor % 4;
    }
  else
    d.abi_minor = CR_PLUGIN_ABI_MINOR;
  d.struct_size = (header & 0x20) ? take_struct_size (&in) : sizeof (CrPluginDescriptor);
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

  /* ABI 1.2's fields, at the end: seeds made before them read as a 1.2
   * descriptor that leaves them out. */
  d.authorization_url = take_optional (&in);
  d.device_authorization_url = take_optional (&in);
  d.revocation_url = take_optional (&in);
  d.grants = take_grants (&in);
  d.default_scope = take_optional (&in);
  d.issuer = take_optional (&in);

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
    {
      /* What the loader keeps, and the core reads. */
      cr_descriptor_normalize (&d, &normalized);
      check_normalized (&d, &normalized);
      use_descriptor (&normalized);
    }

  g_clear_pointer (&strings, g_ptr_array_unref);
  return 0;
}
