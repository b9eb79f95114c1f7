/* Which settings a cached token was issued under (cr_account_fingerprint()):
 * apart from the cache, so that a program that only asks credring-service
 * for a cached token needs nothing of the keyring to compute it. */
#include "config.h"

#include <string.h>

#include <credring/credring.h>

#include "cache/cache.h"

/* Strings with their terminators, so that no two different lists read the same. */
static void
digest_string (GChecksum *digest, const char *text)
{
  g_checksum_update (digest, (const guchar *) (text ? text : "(null)"), -1);
  g_checksum_update (digest, (const guchar *) "\0", 1);
}

static void
digest_number (GChecksum *digest, unsigned int number)
{
  g_autofree char *text = g_strdup_printf ("%u", number);

  digest_string (digest, text);
}

char *
cr_account_fingerprint (const CrAccount *account, const CrPluginDescriptor *provider)
{
  /* Settings that do not change which token the provider issues. */
  static const char *const ignored[] = { "timeout", "min_valid", "url", "ca_file",
                                         /* where the same secrets come from */
                                         "secret_command", "password_command",
                                         "secret_command_timeout", NULL };
  g_autoptr (GChecksum) digest = g_checksum_new (G_CHECKSUM_SHA256);
  g_autoptr (GList) keys = NULL;

  g_return_val_if_fail (account != NULL && provider != NULL, NULL);

  keys = g_list_sort (g_hash_table_get_keys (account->values), (GCompareFunc) strcmp);
  for (GList *l = keys; l != NULL; l = l->next)
    {
      if (g_strv_contains (ignored, l->data))
        continue;
      digest_string (digest, l->data);
      digest_string (digest, g_hash_table_lookup (account->values, l->data));
    }
  /* And what the provider makes of them: an edited provider file, or a
   * plugin that now wins over it, sends another request. */
  digest_string (digest, provider->name);
  digest_string (digest, provider->token_url);
  digest_number (digest, provider->grant);
  digest_number (digest, provider->client_auth);
  digest_number (digest, provider->body_format);
  for (const CrPluginParam *p = provider->params; p != NULL && p->name != NULL; p++)
    {
      digest_string (digest, p->name);
      digest_number (digest, p->presence);
      digest_string (digest, p->default_value);
    }
  /* And where a person signs in, for what (a refresh token is bound to
   * these too: cache/refresh.c). */
  digest_number (digest, provider->grants);
  digest_string (digest, provider->authorization_url);
  digest_string (digest, provider->device_authorization_url);
  digest_string (digest, provider->default_scope);
  digest_string (digest, provider->issuer);
  return g_strdup (g_checksum_get_string (digest));
}
