/* credring-service follows the Secret Service's own announcements: a
 * program other than credring (secret-tool, Seahorse) may delete or
 * change a cached token, and leaves no change mark.  Any item created,
 * changed or deleted in any collection bumps the keyring generation, so
 * that no token read before it is served from memory again. */
#include "config.h"

#include "service.h"

#define COLLECTION_INTERFACE "org.freedesktop.Secret.Collection"

static gboolean
is_item_signal (GDBusMessage *message)
{
  const char *member = g_dbus_message_get_member (message);

  return g_dbus_message_get_message_type (message) == G_DBUS_MESSAGE_TYPE_SIGNAL &&
         g_strcmp0 (g_dbus_message_get_interface (message), COLLECTION_INTERFACE) == 0 &&
         (g_strcmp0 (member, "ItemCreated") == 0 || g_strcmp0 (member, "ItemChanged") == 0 ||
          g_strcmp0 (member, "ItemDeleted") == 0);
}

/* In GDBus's worker thread, as the message is read off the bus: before
 * the main loop could answer a call that came after it, whichever way
 * (the bus or the socket) that call came. */
static GDBusMessage *
see_item_signals (GDBusConnection *bus, GDBusMessage *message, gboolean incoming, gpointer data)
{
  Service *service = data;

  if (incoming && is_item_signal (message))
    g_atomic_int_inc (&service->keyring_generation);
  return message;
}

/* The subscription is what makes the bus send us these signals; the
 * filter above has already counted each by the time this runs. */
static void
item_signal (GDBusConnection *bus, const char *sender, const char *path, const char *interface,
             const char *member, GVariant *parameters, gpointer data)
{
  g_debug ("keyring: %s %s: tokens in memory read again", member, path);
}

void
service_watch_keyring (Service *service)
{
  service->keyring_filter =
    g_dbus_connection_add_filter (service->bus, see_item_signals, service, NULL);
  service->keyring_subscription =
    g_dbus_connection_signal_subscribe (service->bus, NULL, COLLECTION_INTERFACE, NULL, NULL,
                                        NULL, G_DBUS_SIGNAL_FLAGS_NONE, item_signal, NULL, NULL);
}

void
service_unwatch_keyring (Service *service)
{
  g_dbus_connection_signal_unsubscribe (service->bus, service->keyring_subscription);
  g_dbus_connection_remove_filter (service->bus, service->keyring_filter);
}
