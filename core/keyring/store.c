/* Secrets and tokens in the Secret Service, through libsecret.
 *
 * Secrets (client secret, password) go to the default collection, which
 * persists.  Tokens go to the session collection, which lives in memory
 * only: no bearer token at rest.  Lookup attributes are public to anyone on
 * the session bus, so they name the account and nothing more; the expiry
 * travels inside the secret value. */
#include "config.h"

#include <string.h>

#include <libsecret/secret.h>

#include <credring/credring.h>

#include "base/env.h"
#include "keyring/store.h"

static const SecretSchema secret_schema = {
  .name = "org.credring.Secret",
  .flags = SECRET_SCHEMA_NONE,
  .attributes = {
    { "account", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { "kind", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { NULL, 0 },
  },
};

static const SecretSchema token_schema = {
  .name = "org.credring.Token",
  .flags = SECRET_SCHEMA_NONE,
  .attributes = {
    { "account", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { NULL, 0 },
  },
};

/* The "kind" attribute's value; never anything of the secret itself. */
const char *
cr_secret_kind_to_string (CrSecretKind kind)
{
  switch (kind)
    {
    case CR_SECRET_PASSWORD:
      return "password";
    case CR_SECRET_REFRESH_TOKEN:
      return "refresh_token";
    case CR_SECRET_CLIENT_SECRET:
    default:
      return "client_secret";
    }
}

const char *
cr_secret_kind_describe (CrSecretKind kind)
{
  switch (kind)
    {
    case CR_SECRET_PASSWORD:
      return "password";
    case CR_SECRET_REFRESH_TOKEN:
      return "refresh token";
    case CR_SECRET_CLIENT_SECRET:
    default:
      return "client secret";
    }
}

#define secret_kind_label cr_secret_kind_describe

/* Every keyring failure becomes one line with a hint at the usual cause. */
gboolean
cr_store_set_error (GError **error, GError *cause)
{
  g_autofree char *message = cr_escape_for_message (cause->message, -1, 200);
  const char *hint;

  if (cr_getenv_secure ("DBUS_SESSION_BUS_ADDRESS") == NULL)
    hint = "there is no D-Bus session bus: run inside a desktop session, or under "
           "dbus-run-session with gnome-keyring-daemon --unlock --components=secrets";
  else if (g_error_matches (cause, SECRET_ERROR, SECRET_ERROR_IS_LOCKED))
    hint = "unlock the keyring (e.g. in Seahorse) and try again";
  else
    hint = "no Secret Service answers on the session bus: install gnome-keyring and start "
           "gnome-keyring-daemon --start --components=secrets (or enable KeePassXC's "
           "Secret Service integration)";
  g_set_error (error, CR_ERROR, CR_ERROR_KEYRING, "keyring unavailable: %s; %s", message, hint);
  g_error_free (cause);
  return FALSE;
}

gpointer
cr_store_lookup_token (const char *account, CrStoreDecodeFunc decode, GError **error)
{
  GError *cause = NULL;
  SecretValue *value;
  const char *data;
  gsize len = 0;
  gpointer token;

  g_return_val_if_fail (account != NULL && decode != NULL, NULL);

  value = secret_password_lookup_binary_sync (&token_schema, NULL, &cause, "account", account,
                                              NULL);
  if (cause != NULL)
    {
      cr_store_set_error (error, cause);
      return NULL;
    }
  if (value == NULL)
    return NULL;
  data = secret_value_get (value, &len);
  /* A damaged cached token is as good as none: a fresh one replaces it. */
  token = decode (data, len);
  secret_value_unref (value);
  return token;
}

gboolean
cr_store_save_token (const char *account, char *data, GError **error)
{
  g_autofree char *label = NULL;
  GError *cause = NULL;
  SecretValue *value;

  g_return_val_if_fail (account != NULL && data != NULL, FALSE);

  value = secret_value_new_full (data, -1, "application/json", (GDestroyNotify) cr_secret_free);
  label = g_strdup_printf ("credring: %s access token", account);
  secret_password_store_binary_sync (&token_schema, SECRET_COLLECTION_SESSION, label, value, NULL,
                                     &cause, "account", account, NULL);
  secret_value_unref (value);
  if (cause != NULL)
    return cr_store_set_error (error, cause);
  return TRUE;
}

gboolean
cr_store_set_locked_error (GError **error, const char *what)
{
  g_set_error (error, CR_ERROR, CR_ERROR_KEYRING,
               "the keyring holding %s is locked and could not be unlocked here; unlock it "
               "(log in to the desktop, or use Seahorse) and try again", what);
  return FALSE;
}

/* Lookups and clears pass over items in a locked collection as if they
 * were not there.  This asks the Secret Service to unlock the items
 * matching @attributes, which shows its prompt where a desktop can;
 * *@found says whether there are any, *@locked whether some stay locked. */
static gboolean
unlock_items (const SecretSchema *schema, GHashTable *attributes, gboolean *found,
              gboolean *locked, GError **error)
{
  GError *cause = NULL;
  GList *items;

  items = secret_password_searchv_sync (schema, attributes, SECRET_SEARCH_ALL | SECRET_SEARCH_UNLOCK,
                                        NULL, &cause);
  if (cause != NULL)
    return cr_store_set_error (error, cause);
  *found = items != NULL;
  *locked = FALSE;
  for (GList *l = items; l != NULL; l = l->next)
    if (SECRET_IS_ITEM (l->data) && secret_item_get_locked (l->data))
      *locked = TRUE;
  g_list_free_full (items, g_object_unref);
  return TRUE;
}

/* secret_password_clear() leaves locked items in place and still reports
 * success: a removal that cannot happen is an error instead, found before
 * anything is removed, and what is left afterwards is looked for. */
static gboolean
clear_items (const SecretSchema *schema, GHashTable *attributes, const char *what,
             GError **error)
{
  GError *cause = NULL;
  gboolean found = FALSE, locked = FALSE;
  GList *left;

  if (!unlock_items (schema, attributes, &found, &locked, error))
    return FALSE;
  if (locked)
    return cr_store_set_locked_error (error, what);
  if (!found)
    return TRUE;
  secret_password_clearv_sync (schema, attributes, NULL, &cause);
  if (cause != NULL)
    return cr_store_set_error (error, cause);
  /* Locked meanwhile, or by a service that does not say so per item. */
  left = secret_password_searchv_sync (schema, attributes, SECRET_SEARCH_ALL, NULL, &cause);
  if (cause != NULL)
    return cr_store_set_error (error, cause);
  g_list_free_full (left, g_object_unref);
  if (left != NULL)
    return cr_store_set_locked_error (error, what);
  return TRUE;
}

/* Every item of @schema for @account; @what names them in messages. */
static gboolean
clear_account_items (const SecretSchema *schema, const char *account, const char *what,
                     GError **error)
{
  g_autoptr (GHashTable) attributes = secret_attributes_build (schema, "account", account, NULL);
  g_autofree char *named = g_strdup_printf ("account [%s]'s %s", account, what);

  return clear_items (schema, attributes, named, error);
}

gboolean
cr_store_clear_token (const char *account, GError **error)
{
  g_return_val_if_fail (account != NULL, FALSE);
  return clear_account_items (&token_schema, account, "cached token", error);
}

/* A lookup does not see items in a locked collection: this tells "locked"
 * from "not stored"; *@found says whether there are such items. */
static gboolean
unlock_secret (const char *account, CrSecretKind kind, gboolean *found, GError **error)
{
  g_autoptr (GHashTable) attributes = NULL;
  g_autofree char *what = NULL;
  gboolean locked = FALSE;

  attributes = secret_attributes_build (&secret_schema, "account", account, "kind",
                                        cr_secret_kind_to_string (kind), NULL);
  if (!unlock_items (&secret_schema, attributes, found, &locked, error))
    return FALSE;
  if (!locked)
    return TRUE;
  what = g_strdup_printf ("account [%s]'s %s", account, secret_kind_label (kind));
  return cr_store_set_locked_error (error, what);
}

static SecretValue *
lookup_secret_value (const char *account, CrSecretKind kind, GError **error)
{
  GError *cause = NULL;
  SecretValue *value;

  value = secret_password_lookup_binary_sync (&secret_schema, NULL, &cause, "account", account,
                                              "kind", cr_secret_kind_to_string (kind), NULL);
  if (cause != NULL)
    cr_store_set_error (error, cause);
  return value;
}

char *
cr_store_lookup_secret (const char *account, CrSecretKind kind, GError **error)
{
  GError *local_error = NULL;
  gboolean found = FALSE;
  SecretValue *value;
  const char *text;
  char *secret;

  g_return_val_if_fail (account != NULL, NULL);

  value = lookup_secret_value (account, kind, &local_error);
  if (value == NULL && local_error == NULL && unlock_secret (account, kind, &found, &local_error) &&
      found)
    value = lookup_secret_value (account, kind, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return NULL;
    }
  if (value == NULL)
    return NULL;
  text = secret_value_get_text (value);
  secret = text ? g_strdup (text) : NULL;
  secret_value_unref (value);
  if (secret == NULL)
    g_set_error (error, CR_ERROR, CR_ERROR_KEYRING,
                 "the stored %s of account [%s] is not text: run 'credring login %s' again",
                 secret_kind_label (kind), account, account);
  return secret;
}

gboolean
cr_store_save_secret (const char *account, CrSecretKind kind, const char *value, GError **error)
{
  g_autofree char *label = NULL;
  GError *cause = NULL;

  g_return_val_if_fail (account != NULL && value != NULL, FALSE);

  label = g_strdup_printf ("credring: %s %s", account, secret_kind_label (kind));
  secret_password_store_sync (&secret_schema, SECRET_COLLECTION_DEFAULT, label, value, NULL,
                              &cause, "account", account, "kind", cr_secret_kind_to_string (kind),
                              NULL);
  if (cause != NULL)
    return cr_store_set_error (error, cause);
  return TRUE;
}

gboolean
cr_store_clear_secret (const char *account, CrSecretKind kind, GError **error)
{
  g_autoptr (GHashTable) attributes = NULL;
  g_autofree char *named = NULL;

  g_return_val_if_fail (account != NULL, FALSE);
  attributes = secret_attributes_build (&secret_schema, "account", account, "kind",
                                        cr_secret_kind_to_string (kind), NULL);
  named = g_strdup_printf ("account [%s]'s %s", account, secret_kind_label (kind));
  return clear_items (&secret_schema, attributes, named, error);
}

gboolean
cr_store_clear_secrets (const char *account, GError **error)
{
  g_return_val_if_fail (account != NULL, FALSE);
  return clear_account_items (&secret_schema, account, "secrets", error);
}

void
cr_store_disconnect (void)
{
  secret_service_disconnect ();
}
