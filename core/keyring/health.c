/* What `credring doctor` says of the keyring: a session bus, a Secret
 * Service on it, its default collection unlocked, its session collection
 * there; the kernel keyring.  Asks without prompting: a locked collection
 * stays locked. */
#include "config.h"

#include <string.h>

#include <libsecret/secret.h>

#include <credring/credring.h>

#include "keyring/kernel.h"
#include "keyring/health.h"

#define SECRETS_BUS_NAME "org.freedesktop.secrets"

/* Whether @name has an owner on @bus or can be started there. */
static gboolean
bus_name_available (GDBusConnection *bus, const char *name)
{
  g_autoptr (GVariant) owned = NULL;
  g_autoptr (GVariant) activatable = NULL;
  g_autofree const char **names = NULL;
  gboolean has_owner = FALSE;

  owned = g_dbus_connection_call_sync (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", "NameHasOwner",
                                       g_variant_new ("(s)", name), G_VARIANT_TYPE ("(b)"),
                                       G_DBUS_CALL_FLAGS_NONE, 5000, NULL, NULL);
  if (owned != NULL)
    g_variant_get (owned, "(b)", &has_owner);
  if (has_owner)
    return TRUE;
  activatable = g_dbus_connection_call_sync (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                             "org.freedesktop.DBus", "ListActivatableNames", NULL,
                                             G_VARIANT_TYPE ("(as)"), G_DBUS_CALL_FLAGS_NONE, 5000,
                                             NULL, NULL);
  if (activatable == NULL)
    return FALSE;
  g_variant_get (activatable, "(^a&s)", &names);
  return g_strv_contains (names, name);
}

static void
check_collections (CrKeyringHealth *health)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (SecretService) service = secret_service_get_sync (SECRET_SERVICE_NONE, NULL, &error);
  g_autoptr (SecretCollection) by_default = NULL;
  g_autoptr (SecretCollection) session = NULL;

  if (service == NULL)
    {
      health->service_problem = g_strdup (error->message);
      return;
    }
  by_default = secret_collection_for_alias_sync (service, SECRET_COLLECTION_DEFAULT,
                                                 SECRET_COLLECTION_NONE, NULL, &error);
  if (error != NULL)
    {
      health->service_problem = g_strdup (error->message);
      return;
    }
  health->default_unlocked = by_default == NULL ? -1 : !secret_collection_get_locked (by_default);
  session = secret_collection_for_alias_sync (service, SECRET_COLLECTION_SESSION,
                                              SECRET_COLLECTION_NONE, NULL, &error);
  if (error != NULL)
    {
      health->service_problem = g_strdup (error->message);
      return;
    }
  health->session_collection = session != NULL;
}

/* A throwaway key stored, read back and removed: the keyring chosen, the
 * system calls allowed, room in the user's quota. */
static void
check_kernel_keyring (CrKeyringHealth *health)
{
  static const char probe[] = "credring doctor";
  g_autoptr (GError) error = NULL;
  char *back = NULL;
  gsize len = 0;

  if (cr_kernel_keyring_usable ("ACCOUNT", &error) &&
      cr_kernel_keyring_save ("probe", "doctor", probe, sizeof probe - 1, 0, &error) &&
      (back = cr_kernel_keyring_lookup ("probe", "doctor", &len, &error)) != NULL &&
      cr_kernel_keyring_clear ("probe", "doctor", &error))
    health->kernel_keyring = len == sizeof probe - 1 && memcmp (back, probe, len) == 0;
  else if (error == NULL)
    health->kernel_problem = g_strdup ("a key stored there could not be read back");
  if (error != NULL)
    health->kernel_problem = g_strdup (error->message);
  cr_secret_free (back);
}

void
cr_keyring_health_check (CrKeyringHealth *health)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GDBusConnection) bus = NULL;

  g_return_if_fail (health != NULL);

  *health = (CrKeyringHealth){ .default_unlocked = -1 };
  check_kernel_keyring (health);
  bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  if (bus == NULL)
    {
      health->bus_problem = cr_escape_for_message (error->message, -1, 300);
      return;
    }
  health->session_bus = TRUE;
  health->secret_service = bus_name_available (bus, SECRETS_BUS_NAME);
  if (health->secret_service)
    check_collections (health);
}

void
cr_keyring_health_clear (CrKeyringHealth *health)
{
  g_clear_pointer (&health->bus_problem, g_free);
  g_clear_pointer (&health->service_problem, g_free);
  g_clear_pointer (&health->kernel_problem, g_free);
}
