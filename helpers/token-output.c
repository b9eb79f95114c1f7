/* A token on stdout, in each format `credring token` knows.  One place, so
 * that the credring executable's fast path (token-fast.c) prints exactly
 * what the CLI prints. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <yajl/yajl_gen.h>

#include "json-output.h"
#include "token-output.h"

char *
token_output_rfc3339 (gint64 unix_time)
{
  g_autoptr (GDateTime) when = g_date_time_new_from_unix_utc (unix_time);

  return when ? g_date_time_format (when, "%Y-%m-%dT%H:%M:%SZ") : NULL;
}

static void
gen_pair (yajl_gen gen, const char *key, const char *value)
{
  yajl_gen_string (gen, (const unsigned char *) key, strlen (key));
  yajl_gen_string (gen, (const unsigned char *) value, strlen (value));
}

/* @fill's document and a newline; sized for the worst escaping, so that no
 * copy of the token is left behind by a reallocation. */
static void
print_json_with_token (const CrToken *token, void (*fill) (yajl_gen, const CrAccount *,
                                                           const CrToken *),
                       const CrAccount *account)
{
  GString *out = g_string_sized_new (strlen (token->access_token) * 6 + 512);
  yajl_gen gen = yajl_gen_alloc (NULL);

  yajl_gen_config (gen, yajl_gen_print_callback, json_append, out);
  fill (gen, account, token);
  yajl_gen_free (gen);
  g_string_append_c (out, '\n');
  fwrite (out->str, 1, out->len, stdout);
  cr_secret_string_free (out);
}

static void
fill_json (yajl_gen gen, const CrAccount *account, const CrToken *token)
{
  g_autofree char *expires_at = token_output_rfc3339 (token->expires_at);

  yajl_gen_map_open (gen);
  gen_pair (gen, "access_token", token->access_token);
  gen_pair (gen, "token_type", "Bearer");
  gen_pair (gen, "expires_at", expires_at ? expires_at : "?");
  yajl_gen_string (gen, (const unsigned char *) "expires_in", strlen ("expires_in"));
  yajl_gen_integer (gen, token->expires_at - g_get_real_time () / G_USEC_PER_SEC);
  gen_pair (gen, "account", account->name);
  gen_pair (gen, "provider", account->provider);
  yajl_gen_map_close (gen);
}

static void
fill_exec_credential (yajl_gen gen, const CrAccount *account, const CrToken *token)
{
  g_autofree char *expires = token_output_rfc3339 (token->expires_at);

  yajl_gen_map_open (gen);
  gen_pair (gen, "apiVersion", "client.authentication.k8s.io/v1");
  gen_pair (gen, "kind", "ExecCredential");
  yajl_gen_string (gen, (const unsigned char *) "status", strlen ("status"));
  yajl_gen_map_open (gen);
  gen_pair (gen, "token", token->access_token);
  if (expires != NULL)
    gen_pair (gen, "expirationTimestamp", expires);
  yajl_gen_map_close (gen);
  yajl_gen_map_close (gen);
}

const char *const token_output_formats[] = { "raw", "header", "json", "kubectl", NULL };

void
token_output_print (const CrAccount *account, const CrToken *token, const char *format)
{
  /* The token type is always a bearer token here (response.c checks it),
   * so its canonical spelling is used whatever case the provider chose. */
  if (format == NULL || strcmp (format, "raw") == 0)
    printf ("%s\n", token->access_token);
  else if (strcmp (format, "header") == 0)
    printf ("Authorization: Bearer %s\n", token->access_token);
  else if (strcmp (format, "kubectl") == 0)
    print_json_with_token (token, fill_exec_credential, account);
  else
    print_json_with_token (token, fill_json, account);
}
