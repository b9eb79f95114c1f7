/* Secrets and tokens in the Secret Service, through libsecret; where
 * there is none, in the kernel keyring (kernel.c).
 *
 * Secrets (client secret, password) go to the default collection, which
 * persists.  Tokens go to the session collection, which lives in memory
 * only: no bearer token at rest.  Lookup attributes are public to anyone on
 * the session bus, so they name the account and nothing more; the expiry
 * travels inside the secret value.
 *
 * Whether there is a Secret Service is learnt from the first libsecret
 * call's answer, not asked beforehand (that would cost every token a bus
 * round trip): a call failing because there is none switches the process
 * to the kernel keyring for good, tokens and secrets alike, and is made
 * there.  With a Secret Service, secrets stored by `login --store kernel`
 * are in the kernel keyring: looked for there when the Secret Service has
 * none, and removed from both. */
#include "config.h"

#include <string.h>

#include <libsecret/secret.h>

#include <credring/credring.h>

#include "base/env.h"
#include "keyring/kernel.h"
#include "keyring/store.h"

/* Where this process keeps things, decided once (any thread). */
enum {
  BACKEND_UNDECIDED,
  BACKEND_SECRET_SERVICE,
  BACKEND_KERNEL, /* there is no Secret Service */
};
static gint backend = BACKEND_UNDECIDED;
/* login --store kernel: secrets go to the kernel keyring all the same. */
static gint secrets_in_kernel;

static gboolean
in_kernel (void)
{
  return g_atomic_int_get (&backend) == BACKEND_KERNEL;
}

/* A libsecret call got its answer: there is a Secret Service. */
static void
secret_service_answered (void)
{
  g_atomic_int_compare_and_exchange (&backend, BACKEND_UNDECIDED, BACKEND_SECRET_SERVICE);
}

/* Whether libsecret failed because there is no Secret Service: none on
 * the bus nor activatable (GDBus's ServiceUnknown, as a bus without one
 * answers), or no bus at all.  GIO says the latter in several codes
 * (G_IO_ERROR_FAILED "cannot autolaunch" without an address, NOT_FOUND for
 * a socket that is not there, INVALID_ARGUMENT for a bad address...), so
 * rather than guess from them the bus is asked for again: a failure on a
 * connected bus (a timeout, a closed connection) is not "none". */
static gboolean
no_secret_service (const GError *cause)
{
  g_autoptr (GDBusConnection) bus = NULL;

  if (cause->domain == G_DBUS_ERROR)
    return cause->code == G_DBUS_ERROR_SERVICE_UNKNOWN ||
           cause->code == G_DBUS_ERROR_NAME_HAS_NO_OWNER ||
           cause->code == G_DBUS_ERROR_SPAWN_SERVICE_NOT_FOUND ||
           cause->code == G_DBUS_ERROR_SPAWN_EXEC_FAILED;
  if (cause->domain != G_IO_ERROR)
    return FALSE;
  bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  return bus == NULL;
}

/* After a Secret Service call failed (*@local_error, made by
 * cr_store_set_error()): TRUE, and the error dropped, when that was for
 * want of a Secret Service and the call is to be made on the kernel
 * keyring instead. */
static gboolean
retry_in_kernel (GError **local_error)
{
  if (!in_kernel ())
    return FALSE;
  g_clear_error (local_error);
  return TRUE;
}

/* With a Secret Service, the kernel keyring may still hold secrets of
 * `login --store kernel`: looked at, and cleared, where it can be used. */
static gboolean
kernel_keyring_also (const char *account)
{
  return cr_kernel_keyring_usable (account, NULL);
}

/* ...but only as a second place: where this process may not search the
 * keyring (a service D-Bus started in a session keyring of its own), what
 * it holds is out of reach, and the Secret Service's answer stands. */
static void
ignore_kernel_error (const char *account, GError *error)
{
  if (error != NULL)
    g_debug ("account [%s]: the kernel keyring, besides the Secret Service: %s", account,
             error->message);
  g_clear_error (&error);
}

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

  /* The first answer decides (store.c's head says why). */
  if (g_atomic_int_get (&backend) == BACKEND_UNDECIDED && no_secret_service (cause))
    {
      g_atomic_int_set (&backend, BACKEND_KERNEL);
      g_debug ("no Secret Service (%s): the kernel keyring from now on", message);
    }
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

static gpointer
lookup_kernel_token (const char *account, CrStoreDecodeFunc decode, GError **error)
{
  cr_autosecret char *data = NULL;
  gsize len = 0;

  data = cr_kernel_keyring_lookup ("token", account, &len, error);
  return data != NULL ? decode (data, len) : NULL;
}

gpointer
cr_store_lookup_token (const char *account, CrStoreDecodeFunc decode, GError **error)
{
  GError *cause = NULL, *local_error = NULL;
  SecretValue *value;
  const char *data;
  gsize len = 0;
  gpointer token;

  g_return_val_if_fail (account != NULL && decode != NULL, NULL);

  if (in_kernel ())
    return lookup_kernel_token (account, decode, error);
  value = secret_password_lookup_binary_sync (&token_schema, NULL, &cause, "account", account,
                                              NULL);
  if (cause != NULL)
    {
      cr_store_set_error (&local_error, cause);
      if (retry_in_kernel (&local_error))
        return lookup_kernel_token (account, decode, error);
      g_propagate_error (error, local_error);
      return NULL;
    }
  secret_service_answered ();
  if (value == NULL)
    return NULL;
  data = secret_value_get (value, &len);
  /* A damaged cached token is as good as none: a fresh one replaces it. */
  token = decode (data, len);
  secret_value_unref (value);
  return token;
}

/* A token too big for a key (CR_KERNEL_MAX_VALUE) is not kept: each
 * call fetches one, rather than none being served. */
static gboolean
save_kernel_token (const char *account, const char *data, gint64 expires_at, GError **error)
{
  gsize len = strlen (data);

  if (len > CR_KERNEL_MAX_VALUE)
    return cr_kernel_keyring_clear ("token", account, error);
  return cr_kernel_keyring_save ("token", account, data, len, expires_at, error);
}

gboolean
cr_store_save_token (const char *account, char *data, gint64 expires_at, GError **error)
{
  g_autofree char *label = NULL;
  cr_autosecret char *kept = data;
  GError *cause = NULL, *local_error = NULL;
  SecretValue *value;

  g_return_val_if_fail (account != NULL && data != NULL, FALSE);

  if (in_kernel ())
    return save_kernel_token (account, kept, expires_at, error);
  value = secret_value_new_full (g_steal_pointer (&kept), -1, "application/json",
                                 (GDestroyNotify) cr_secret_free);
  label = g_strdup_printf ("credring: %s access token", account);
  secret_password_store_binary_sync (&token_schema, SECRET_COLLECTION_SESSION, label, value, NULL,
                                     &cause, "account", account, NULL);
  if (cause == NULL)
    {
      secret_value_unref (value);
      secret_service_answered ();
      return TRUE;
    }
  cr_store_set_error (&local_error, cause);
  if (retry_in_kernel (&local_error))
    {
      gboolean saved = save_kernel_token (account, secret_value_get (value, NULL), expires_at,
                                          error);

      secret_value_unref (value);
      return saved;
    }
  secret_value_unref (value);
  g_propagate_error (error, local_error);
  return FALSE;
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

/* The Secret Service's items of @account (@kinds: the secrets', NULL: the
 * token's), then its keys of @kinds in the kernel keyring: there alone
 * once there turned out to be no Secret Service. */
static gboolean
clear_everywhere (const char *account, const SecretSchema *schema, GHashTable *attributes,
                  const char *what, const char *const *kinds, GError **error)
{
  GError *local_error = NULL;

  if (!in_kernel () && !clear_items (schema, attributes, what, &local_error) &&
      !retry_in_kernel (&local_error))
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }
  if (in_kernel ())
    {
      for (; *kinds != NULL; kinds++)
        if (!cr_kernel_keyring_clear (*kinds, account, error))
          return FALSE;
      return TRUE;
    }
  if (kernel_keyring_also (account))
    for (; *kinds != NULL; kinds++)
      {
        GError *kernel_error = NULL;

        cr_kernel_keyring_clear (*kinds, account, &kernel_error);
        ignore_kernel_error (account, kernel_error);
      }
  return TRUE;
}

gboolean
cr_store_clear_token (const char *account, GError **error)
{
  g_autoptr (GHashTable) attributes = NULL;
  g_autofree char *named = NULL;

  g_return_val_if_fail (account != NULL, FALSE);
  attributes = secret_attributes_build (&token_schema, "account", account, NULL);
  named = g_strdup_printf ("account [%s]'s cached token", account);
  return clear_everywhere (account, &token_schema, attributes, named,
                           (const char *const[]) { "token", NULL }, error);
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

static char *
lookup_kernel_secret (const char *account, CrSecretKind kind, CrSecretStore *where,
                      GError **error)
{
  gsize len;
  char *secret = cr_kernel_keyring_lookup (cr_secret_kind_to_string (kind), account, &len, error);

  if (secret != NULL)
    *where = CR_SECRET_STORE_KERNEL;
  return secret;
}

/* The Secret Service's: NULL, and *@error unset, when it has none. */
static char *
lookup_secret_service_secret (const char *account, CrSecretKind kind, GError **error)
{
  GError *local_error = NULL;
  gboolean found = FALSE;
  SecretValue *value;
  const char *text;
  char *secret;

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

char *
cr_store_lookup_secret_where (const char *account, CrSecretKind kind, CrSecretStore *where,
                              GError **error)
{
  CrSecretStore ignored;
  GError *local_error = NULL;
  char *secret;

  g_return_val_if_fail (account != NULL, NULL);

  if (where == NULL)
    where = &ignored;
  *where = CR_SECRET_STORE_NONE;
  if (in_kernel ())
    return lookup_kernel_secret (account, kind, where, error);
  secret = lookup_secret_service_secret (account, kind, &local_error);
  if (local_error != NULL && retry_in_kernel (&local_error))
    return lookup_kernel_secret (account, kind, where, error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return NULL;
    }
  secret_service_answered ();
  if (secret != NULL)
    {
      *where = CR_SECRET_STORE_SECRET_SERVICE;
      return secret;
    }
  /* Stored by login --store kernel, maybe. */
  if (!kernel_keyring_also (account))
    return NULL;
  secret = lookup_kernel_secret (account, kind, where, &local_error);
  ignore_kernel_error (account, local_error);
  return secret;
}

char *
cr_store_lookup_secret (const char *account, CrSecretKind kind, GError **error)
{
  return cr_store_lookup_secret_where (account, kind, NULL, error);
}

static gboolean
clear_secret_service_secret (const char *account, CrSecretKind kind, GError **error)
{
  g_autoptr (GHashTable) attributes = NULL;
  g_autofree char *named = NULL;

  attributes = secret_attributes_build (&secret_schema, "account", account, "kind",
                                        cr_secret_kind_to_string (kind), NULL);
  named = g_strdup_printf ("account [%s]'s %s", account, secret_kind_label (kind));
  return clear_items (&secret_schema, attributes, named, error);
}

/* In the kernel keyring; with a Secret Service (login --store kernel),
 * its copy removed first, so that a lookup there finds the new one. */
static gboolean
save_kernel_secret (const char *account, CrSecretKind kind, const char *value, GError **error)
{
  GError *local_error = NULL;

  if (!in_kernel () && !clear_secret_service_secret (account, kind, &local_error) &&
      !retry_in_kernel (&local_error))
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }
  return cr_kernel_keyring_save (cr_secret_kind_to_string (kind), account, value,
                                 strlen (value), 0, error);
}

gboolean
cr_store_save_secret (const char *account, CrSecretKind kind, const char *value, GError **error)
{
  g_autofree char *label = NULL;
  GError *cause = NULL, *local_error = NULL;

  g_return_val_if_fail (account != NULL && value != NULL, FALSE);

  if (in_kernel () || g_atomic_int_get (&secrets_in_kernel))
    return save_kernel_secret (account, kind, value, error);
  label = g_strdup_printf ("credring: %s %s", account, secret_kind_label (kind));
  secret_password_store_sync (&secret_schema, SECRET_COLLECTION_DEFAULT, label, value, NULL,
                              &cause, "account", account, "kind", cr_secret_kind_to_string (kind),
                              NULL);
  if (cause != NULL)
    {
      cr_store_set_error (&local_error, cause);
      if (retry_in_kernel (&local_error))
        return save_kernel_secret (account, kind, value, error);
      g_propagate_error (error, local_error);
      return FALSE;
    }
  secret_service_answered ();
  /* One copy: an older one of login --store kernel goes. */
  if (kernel_keyring_also (account))
    {
      cr_kernel_keyring_clear (cr_secret_kind_to_string (kind), account, &local_error);
      ignore_kernel_error (account, local_error);
    }
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
  return clear_everywhere (account, &secret_schema, attributes, named,
                           (const char *const[]) { cr_secret_kind_to_string (kind), NULL },
                           error);
}

gboolean
cr_store_clear_secrets (const char *account, GError **error)
{
  g_autoptr (GHashTable) attributes = NULL;
  g_autofree char *named = NULL;

  g_return_val_if_fail (account != NULL, FALSE);
  attributes = secret_attributes_build (&secret_schema, "account", account, NULL);
  named = g_strdup_printf ("account [%s]'s secrets", account);
  return clear_everywhere (account, &secret_schema, attributes, named,
                           (const char *const[]) { "client_secret", "password", "refresh_token",
                                                   NULL },
                           error);
}

const char *
cr_secret_store_describe (CrSecretStore store)
{
  switch (store)
    {
    case CR_SECRET_STORE_SECRET_SERVICE:
      return "Secret Service";
    case CR_SECRET_STORE_KERNEL:
      return "kernel keyring (until reboot)";
    case CR_SECRET_STORE_NONE:
    default:
      return NULL;
    }
}

const char *
cr_secret_store_to_string (CrSecretStore store)
{
  switch (store)
    {
    case CR_SECRET_STORE_SECRET_SERVICE:
      return "secret-service";
    case CR_SECRET_STORE_KERNEL:
      return "kernel";
    case CR_SECRET_STORE_NONE:
    default:
      return NULL;
    }
}

CrSecretStore
cr_store_get_secret_store (void)
{
  return in_kernel () || g_atomic_int_get (&secrets_in_kernel) ? CR_SECRET_STORE_KERNEL
                                                               : CR_SECRET_STORE_SECRET_SERVICE;
}

CrSecretStore
cr_store_get_token_store (void)
{
  return in_kernel () ? CR_SECRET_STORE_KERNEL : CR_SECRET_STORE_SECRET_SERVICE;
}

gboolean
cr_store_keep_secrets_in_kernel (const char *account, GError **error)
{
  g_return_val_if_fail (account != NULL, FALSE);

  if (!cr_kernel_keyring_usable (account, error))
    return FALSE;
  g_atomic_int_set (&secrets_in_kernel, TRUE);
  return TRUE;
}

void
cr_store_disconnect (void)
{
  secret_service_disconnect ();
}
