/* An account checked against its provider, once: the keys it must have,
 * those it has that nobody reads, and the token URL its requests go to.
 * Whatever uses an account afterwards (requests, the cache, matching)
 * takes this verdict as given. */
#include "config.h"

#include <string.h>

#include <credring/credring.h>

#include "account/account.h"
#include "provider/discovery.h"

/* A provider's parameter that the account must give itself. */
static gboolean
param_is_required (const CrPluginParam *p)
{
  return p->presence == CR_PARAM_REQUIRED && p->default_value == NULL;
}

static gboolean
provider_has_param (const CrPluginDescriptor *provider, const char *key)
{
  for (const CrPluginParam *p = provider != NULL ? provider->params : NULL;
       p != NULL && p->name != NULL; p++)
    if (g_str_equal (p->name, key))
      return TRUE;
  return FALSE;
}

/* @provider NULL: only the keys every account may have are known. */
static gboolean
is_known_key (const CrPluginDescriptor *provider, const char *key)
{
  return g_strv_contains (cr_account_common_keys, key) || provider_has_param (provider, key) ||
         (provider != NULL && g_str_equal (key, "scope") && cr_provider_takes_scope (provider));
}

/* @text lower-cased, without '_' and '-': "Client-ID" and "clientid" read alike. */
static char *
folded (const char *text)
{
  GString *out = g_string_new (NULL);

  for (const char *p = text; *p != '\0'; p++)
    if (*p != '_' && *p != '-')
      g_string_append_c (out, g_ascii_tolower (*p));
  return g_string_free (out, FALSE);
}

/* Levenshtein distance, capped: only "one or two slips" matters. */
static guint
edit_distance (const char *a, const char *b)
{
  gsize la = strlen (a), lb = strlen (b);
  g_autofree guint *row = NULL;

  if (la > 64 || lb > 64)
    return G_MAXUINT;
  row = g_new (guint, lb + 1);
  for (gsize j = 0; j <= lb; j++)
    row[j] = (guint) j;
  for (gsize i = 1; i <= la; i++)
    {
      guint diagonal = row[0];

      row[0] = (guint) i;
      for (gsize j = 1; j <= lb; j++)
        {
          guint above = row[j];
          guint cost = a[i - 1] == b[j - 1] ? 0 : 1;

          row[j] = MIN (MIN (row[j] + 1, row[j - 1] + 1), diagonal + cost);
          diagonal = above;
        }
    }
  return row[lb];
}

/* The unknown key of @account that is most likely @wanted mistyped, or NULL. */
static const char *
likely_typo (const CrAccount *account, const char *wanted)
{
  g_autofree char *wanted_folded = folded (wanted);
  GHashTableIter iter;
  gpointer key;
  const char *best = NULL;
  guint best_distance = G_MAXUINT;

  g_hash_table_iter_init (&iter, account->values);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      g_autofree char *key_folded = NULL;
      guint distance;

      if (g_strv_contains (cr_account_common_keys, key))
        continue;
      key_folded = folded (key);
      distance = g_str_equal (key_folded, wanted_folded) ? 0 : edit_distance (key, wanted);
      /* Short names are a slip away from too many others. */
      if (distance > 2 || (distance > 0 && strlen (wanted) < 5))
        continue;
      /* The closest; of equals the first in byte order, whatever the hash order. */
      if (best == NULL || distance < best_distance ||
          (distance == best_distance && strcmp (key, best) < 0))
        {
          best = key;
          best_distance = distance;
        }
    }
  return best;
}

gboolean
cr_account_require_key (const CrAccount *account, const char *key, GError **error)
{
  g_autofree char *shown = NULL;
  const char *typo;

  if (cr_account_value (account, key) != NULL)
    return TRUE;
  typo = likely_typo (account, key);
  if (typo == NULL)
    return cr_account_set_error (error, account, "has no '%s' key", key);
  /* Key names are whatever bytes the file holds: shown, not obeyed. */
  shown = cr_escape_for_message (typo, -1, 64);
  return cr_account_set_error (error, account,
                               "has no '%s' key ('%s' on line %u looks like a typo of it)", key,
                               shown, GPOINTER_TO_UINT (g_hash_table_lookup (account->lines, typo)));
}

/* GLib's key files have no trailing comments: "scope = a # note" sends "a # note". */
static void
warn_about_trailing_comments (const CrAccount *account, GPtrArray *warnings)
{
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, account->values);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (strstr (value, " #") != NULL || strstr (value, "\t#") != NULL)
      g_ptr_array_add (warnings,
                       g_strdup_printf ("%s:%u: key '%s' in account [%s]: the '#' and what follows "
                                        "are part of the value (comments go on a line of their own)",
                                        account->config_path,
                                        GPOINTER_TO_UINT (g_hash_table_lookup (account->lines, key)),
                                        (const char *) key, account->name));
}

static void
warn_about_unknown_keys (const CrAccount *account, const CrPluginDescriptor *provider,
                         GPtrArray *warnings)
{
  GHashTableIter iter;
  gpointer key;

  g_hash_table_iter_init (&iter, account->values);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (!is_known_key (provider, key))
      g_ptr_array_add (warnings,
                       g_strdup_printf ("%s:%u: unknown key '%s' in account [%s] (provider %s)",
                                        account->config_path,
                                        GPOINTER_TO_UINT (g_hash_table_lookup (account->lines, key)),
                                        (const char *) key, account->name, provider->name));
}

gboolean
cr_account_resolve (CrAccount *account, const CrPluginDescriptor *provider, GPtrArray *warnings,
                    GError **error)
{
  g_autofree char *endpoint = NULL;

  g_return_val_if_fail (account != NULL, FALSE);
  g_return_val_if_fail (provider != NULL, FALSE);

  if (account->token_url == NULL)
    {
      if (provider->token_url == NULL && !cr_account_require_key (account, "token_url", error))
        return FALSE;
      if (provider->token_url != NULL && strstr (provider->token_url, "{host}") != NULL &&
          !cr_account_require_key (account, "host", error))
        return FALSE;
    }
  if (!cr_account_resolve_signin (account, provider, error))
    return FALSE;
  if (account->grant == CR_GRANT_PASSWORD && !cr_account_require_key (account, "username", error))
    return FALSE;
  for (const CrPluginParam *p = provider->params; p != NULL && p->name != NULL; p++)
    if (param_is_required (p) && !cr_account_require_key (account, p->name, error))
      return FALSE;
  /* RFC 7617: the server splits the raw pair at its first ':'. */
  if (account->client_auth == CR_CLIENT_AUTH_BASIC_RAW && strchr (account->client_id, ':'))
    return cr_account_set_error (error, account,
                                 "a client_id holding ':' cannot travel in HTTP Basic unencoded "
                                 "(client_auth basic-raw)");
  endpoint = cr_account_token_url (account, provider, error);
  if (endpoint == NULL)
    return FALSE;

  if (warnings != NULL)
    {
      warn_about_unknown_keys (account, provider, warnings);
      warn_about_trailing_comments (account, warnings);
    }
  g_free (account->endpoint);
  account->endpoint = g_steal_pointer (&endpoint);
  return TRUE;
}

gboolean
cr_account_complete_provider (const CrAccount *account, CrProvider *provider, GError **error)
{
  g_autoptr (GBytes) ca_certs = NULL;
  gboolean done = FALSE;

  g_return_val_if_fail (account != NULL && provider != NULL, FALSE);

  if (!cr_provider_discover_cached (provider, &done, error))
    return FALSE;
  if (done)
    return TRUE;
  /* Read only now: a fresh cache is the whole cost of the common case. */
  return cr_account_read_ca_file (account, &ca_certs, error) &&
         cr_provider_discover (provider, ca_certs, account->timeout, error);
}

gboolean
cr_account_resolve_with (CrAccount *account, CrProvider *provider, GPtrArray *warnings,
                         GError **error)
{
  /* What the provider's loading had to say (a provider file shadowed by
   * a plugin) is the account's to say too. */
  if (warnings != NULL)
    for (const char *const *w = cr_provider_get_warnings (provider); *w != NULL; w++)
      g_ptr_array_add (warnings, g_strdup (*w));
  if (!cr_account_complete_provider (account, provider, error))
    return FALSE;
  return cr_account_resolve (account, cr_provider_get_descriptor (provider), warnings, error);
}

CrAccount *
cr_config_open_account (CrConfig *config, const char *name, CrProvider **provider_out,
                        GPtrArray *warnings, GError **error)
{
  g_autoptr (CrAccount) account = NULL;
  g_autoptr (CrProvider) provider = NULL;

  g_return_val_if_fail (config != NULL && name != NULL && provider_out != NULL, NULL);

  account = cr_config_get_account (config, name, error);
  if (account == NULL)
    return NULL;
  provider = cr_provider_load (account->provider, error);
  if (provider == NULL || !cr_account_resolve_with (account, provider, warnings, error))
    return NULL;
  *provider_out = g_steal_pointer (&provider);
  return g_steal_pointer (&account);
}

char **
cr_provider_account_keys (const CrPluginDescriptor *provider, gboolean required)
{
  static const char *const optional_common[] = { "url", "ca_file", "timeout", "min_valid", NULL };
  static const char *const optional_signin[] = { "grant", "client_auth", "scope", "redirect_uri",
                                                 "signin_timeout", NULL };
  g_autoptr (GStrvBuilder) keys = NULL;
  gboolean has_host, discovers;

  g_return_val_if_fail (provider != NULL, NULL);

  keys = g_strv_builder_new ();
  has_host = provider->token_url != NULL && strstr (provider->token_url, "{host}") != NULL;
  /* What the issuer's metadata tells no account has to (cr_metadata_needed()). */
  discovers = provider->issuer != NULL && strstr (provider->issuer, "{host}") == NULL;

  /* The same rules as cr_account_resolve(), as lists. */
  if (required)
    {
      g_strv_builder_add_many (keys, "provider", "client_id", NULL);
      if (provider->token_url == NULL && !discovers)
        g_strv_builder_add (keys, "token_url");
      if (has_host)
        g_strv_builder_add (keys, "host");
      if (provider->grant == CR_GRANT_PASSWORD)
        g_strv_builder_add (keys, "username");
      if (provider->grant == CR_GRANT_AUTHORIZATION_CODE && provider->authorization_url == NULL &&
          !discovers)
        g_strv_builder_add (keys, "authorization_url");
      if (provider->grant == CR_GRANT_DEVICE_CODE && provider->device_authorization_url == NULL &&
          !discovers)
        g_strv_builder_add (keys, "device_authorization_url");
    }
  for (const CrPluginParam *p = provider->params; p != NULL && p->name != NULL; p++)
    if (param_is_required (p) == required)
      g_strv_builder_add (keys, p->name);
  if (!required)
    {
      if (provider->token_url != NULL || discovers)
        g_strv_builder_add (keys, "token_url");
      g_strv_builder_addv (keys, (const char **) optional_common);
      /* Only a provider that can sign a person in has a use for these. */
      if ((provider->grants & ~(CR_GRANT_BIT (CR_GRANT_CLIENT_CREDENTIALS) |
                                CR_GRANT_BIT (CR_GRANT_PASSWORD))) != 0 ||
          cr_grant_needs_person (provider->grant))
        for (const char *const *k = optional_signin; *k != NULL; k++)
          if (!provider_has_param (provider, *k))
            g_strv_builder_add (keys, *k);
    }
  return g_strv_builder_end (keys);
}
