/* credring-service: the state its parts share.  main.c runs it (bus name,
 * idle exit), methods.c answers D-Bus calls, socket-server.c answers the
 * CLI and git on the local socket, watch.c follows the change marks,
 * memory.c keeps the tokens. */
#ifndef CREDRING_SERVICE_H
#define CREDRING_SERVICE_H

#include <gio/gio.h>

#include "memory.h"

G_BEGIN_DECLS

#define SERVICE_BUS_NAME "org.credring.Credring1"
#define SERVICE_OBJECT_PATH "/org/credring/Credring1"
#define SERVICE_INTERFACE "org.credring.Credring1"
#define SERVICE_ERROR_ACCESS_DENIED SERVICE_INTERFACE ".Error.AccessDenied"

typedef struct {
  GMainLoop *loop;
  GDBusConnection *bus;
  GDBusNodeInfo *introspection;
  guint object_id;
  TokenMemory *memory;
  gint keyring_generation; /* atomic: keyring-watch.c */
  GHashTable *caller_uids; /* unique bus name -> uid + 1 */
  GHashTable *pending;     /* key -> PendingCalls (methods.c) */
  GSocketService *socket_service;
  char *socket_path;
  GFileMonitor *monitor;
  guint keyring_filter;       /* keyring-watch.c: the filter, the subscription */
  guint keyring_subscription;
  guint busy;              /* calls and connections being answered */
  gint64 last_active;      /* monotonic, when busy last fell to 0 */
} Service;

/* A call or connection starts, or ends: the idle exit counts them. */
void service_hold (Service *service);
void service_release (Service *service);

/* methods.c */
gboolean service_export (Service *service, GError **error);
void service_unexport (Service *service);
void service_emit_account_changed (Service *service, const char *account, const char *change);

/* socket-server.c: listens once the bus name is ours (so only one does). */
gboolean service_listen (Service *service, GError **error);
void service_stop_listening (Service *service);

/* watch.c */
gboolean service_watch_changes (Service *service, GError **error);
/* keyring-watch.c: follows the Secret Service's announcements of changed
 * items, whoever changed them. */
void service_watch_keyring (Service *service);
void service_unwatch_keyring (Service *service);

G_END_DECLS

#endif /* CREDRING_SERVICE_H */
