/* dbus-call [--ping] ACCOUNT CALLS: what one GetAccessToken costs a
 * program that is already connected to the session bus (a desktop
 * program asking for a cached token).  Makes CALLS synchronous calls in a
 * loop, after one untimed call that warms the service's cache and the
 * connection, and prints the time per call in microseconds:
 *
 *   calls=1000 median_us=180 min_us=150 p90_us=230
 *
 * --ping times org.freedesktop.DBus.Peer.Ping to the service instead: the
 * bus's round trip with no work behind it, the floor for any method.
 *
 * Built and run by bench/service.sh:
 *   cc dbus-call.c $(pkg-config --cflags --libs gio-2.0) -o dbus-call
 *
 * The token is checked to be there and is never printed.  Exit 0, or 1
 * with the D-Bus error's one line when a call fails.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gio/gio.h>

#define SERVICE_NAME "org.credring.Credring1"
#define SERVICE_PATH "/org/credring/Credring1"
#define SERVICE_INTERFACE "org.credring.Credring1"
#define MAX_CALLS 1000000
/* The contract asks for a minute or more on a call that may fetch; a
 * cached token answers in far less, but a cold one must not fail here. */
#define CALL_TIMEOUT_MS (120 * 1000)

static int
compare_int64 (const void *a, const void *b)
{
  gint64 x = *(const gint64 *) a;
  gint64 y = *(const gint64 *) b;

  return (x > y) - (x < y);
}

/* One call; FALSE with @error set when the service did not answer as the
 * contract says. */
static gboolean
call_once (GDBusConnection *bus, const char *account, gboolean ping, GError **error)
{
  g_autoptr (GVariant) reply = NULL;
  const char *access_token = NULL;

  if (ping)
    {
      reply = g_dbus_connection_call_sync (bus, SERVICE_NAME, SERVICE_PATH,
                                           "org.freedesktop.DBus.Peer", "Ping", NULL,
                                           G_VARIANT_TYPE_UNIT, G_DBUS_CALL_FLAGS_NONE,
                                           CALL_TIMEOUT_MS, NULL, error);
      return reply != NULL;
    }

  /* No options: the account's own min_valid, as `credring token` does. */
  reply = g_dbus_connection_call_sync (bus, SERVICE_NAME, SERVICE_PATH, SERVICE_INTERFACE,
                                       "GetAccessToken",
                                       g_variant_new ("(s@a{sv})", account,
                                                      g_variant_new_array (G_VARIANT_TYPE ("{sv}"),
                                                                           NULL, 0)),
                                       G_VARIANT_TYPE ("(ssx)"), G_DBUS_CALL_FLAGS_NONE,
                                       CALL_TIMEOUT_MS, NULL, error);
  if (reply == NULL)
    return FALSE;
  g_variant_get (reply, "(&s&sx)", &access_token, NULL, NULL);
  if (access_token[0] == '\0')
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "GetAccessToken returned an empty token");
      return FALSE;
    }
  return TRUE;
}

int
main (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GDBusConnection) bus = NULL;
  g_autofree gint64 *elapsed_us = NULL;
  gboolean ping = FALSE;
  const char *account;
  guint64 calls;

  if (argc == 4 && strcmp (argv[1], "--ping") == 0)
    {
      ping = TRUE;
      argv++;
      argc--;
    }
  if (argc != 3 || !g_ascii_string_to_unsigned (argv[2], 10, 1, MAX_CALLS, &calls, NULL))
    {
      g_printerr ("usage: dbus-call [--ping] ACCOUNT CALLS (1 to %d)\n", MAX_CALLS);
      return 2;
    }
  account = argv[1];

  bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  if (bus == NULL || !call_once (bus, account, ping, &error))
    {
      if (g_dbus_error_is_remote_error (error))
        g_dbus_error_strip_remote_error (error);
      g_printerr ("dbus-call: %s\n", error->message);
      return 1;
    }

  elapsed_us = g_new (gint64, calls);
  for (guint64 i = 0; i < calls; i++)
    {
      gint64 started = g_get_monotonic_time ();

      if (!call_once (bus, account, ping, &error))
        {
          g_printerr ("dbus-call: call %" G_GUINT64_FORMAT ": %s\n", i + 1, error->message);
          return 1;
        }
      elapsed_us[i] = g_get_monotonic_time () - started;
    }
  qsort (elapsed_us, calls, sizeof *elapsed_us, compare_int64);
  printf ("calls=%" G_GUINT64_FORMAT " median_us=%" G_GINT64_FORMAT " min_us=%" G_GINT64_FORMAT
          " p90_us=%" G_GINT64_FORMAT "\n",
          calls,
          calls % 2 ? elapsed_us[calls / 2] : (elapsed_us[calls / 2 - 1] + elapsed_us[calls / 2]) / 2,
          elapsed_us[0], elapsed_us[calls * 9 / 10]);
  return 0;
}
