/* credring-service — access tokens for desktop programs over D-Bus
 * (org.credring.Credring1.xml), and for the CLI and git on a local
 * socket; started by D-Bus activation, it exits once idle. */
#include "config.h"

#include <locale.h>
#include <stdlib.h>

#include <glib-unix.h>

#include <credring/credring.h>

#include "service.h"

#define DEFAULT_IDLE_SECONDS 60

static int opt_idle_timeout = -1;
static gboolean opt_version;

static const GOptionEntry options[] = {
  { "idle-timeout", 0, 0, G_OPTION_ARG_INT, &opt_idle_timeout,
    "Exit after SECONDS without calls (default $CREDRING_SERVICE_IDLE_TIMEOUT, else 60)",
    "SECONDS" },
  { "version", 0, 0, G_OPTION_ARG_NONE, &opt_version, "Show the version", NULL },
  { NULL },
};

static int exit_status = EXIT_SUCCESS;
static guint idle_seconds = DEFAULT_IDLE_SECONDS;

void
service_hold (Service *service)
{
  service->busy++;
}

void
service_release (Service *service)
{
  g_return_if_fail (service->busy > 0);
  if (--service->busy == 0)
    service->last_active = g_get_monotonic_time ();
}

static gboolean
exit_when_idle (gpointer data)
{
  Service *service = data;

  if (service->busy == 0 &&
      g_get_monotonic_time () - service->last_active >= (gint64) idle_seconds * G_USEC_PER_SEC)
    {
      g_debug ("idle for %u s: exiting", idle_seconds);
      g_main_loop_quit (service->loop);
    }
  return G_SOURCE_CONTINUE;
}

static gboolean
quit_on_signal (gpointer data)
{
  Service *service = data;

  g_main_loop_quit (service->loop);
  return G_SOURCE_CONTINUE;
}

static void
name_acquired (GDBusConnection *bus, const char *name, gpointer data)
{
  Service *service = data;
  g_autoptr (GError) error = NULL;

  g_debug ("serving as %s", name);
  /* Without them the D-Bus methods still work: the CLI and git then go
   * their own way, and changes by others are seen at the next call. */
  if (!service_listen (service, &error))
    {
      g_printerr ("credring-service: not listening for the CLI and git: %s\n", error->message);
      g_clear_error (&error);
    }
  if (!service_watch_changes (service, &error))
    g_printerr ("credring-service: not watching for changes: %s\n", error->message);
}

static void
name_lost (GDBusConnection *bus, const char *name, gpointer data)
{
  Service *service = data;

  /* Another instance has it, or the bus went away. */
  g_printerr ("credring-service: %s is not ours (another credring-service runs, or the bus "
              "is gone)\n",
              name);
  exit_status = EXIT_FAILURE;
  g_main_loop_quit (service->loop);
}

static guint
idle_seconds_wanted (GError **error)
{
  const char *env = g_getenv ("CREDRING_SERVICE_IDLE_TIMEOUT");
  guint64 seconds;

  if (opt_idle_timeout >= 0)
    return (guint) opt_idle_timeout;
  if (env == NULL || *env == '\0')
    return DEFAULT_IDLE_SECONDS;
  if (!g_ascii_string_to_unsigned (env, 10, 1, 24 * 3600, &seconds, error))
    {
      g_prefix_error (error, "CREDRING_SERVICE_IDLE_TIMEOUT: ");
      return 0;
    }
  return (guint) seconds;
}

/* The command line; -1 to go on, else the exit status. */
static int
parse_command_line (int *argc, char ***argv)
{
  g_autoptr (GOptionContext) context = g_option_context_new (NULL);
  g_autoptr (GError) error = NULL;

  g_option_context_set_summary (context,
                                "Serves access tokens on the session bus as "
                                "org.credring.Credring1; started by D-Bus activation.");
  g_option_context_add_main_entries (context, options, NULL);
  if (!g_option_context_parse (context, argc, argv, &error) || *argc > 1)
    {
      g_printerr ("credring-service: %s\n", error ? error->message : "takes no arguments");
      return CR_ERROR_CONFIG;
    }
  if (opt_version)
    {
      g_print ("credring-service %s\n", PACKAGE_VERSION);
      return EXIT_SUCCESS;
    }
  idle_seconds = idle_seconds_wanted (&error);
  if (error != NULL)
    {
      g_printerr ("credring-service: %s\n", error->message);
      return CR_ERROR_CONFIG;
    }
  return -1;
}

int
main (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  Service service = { 0 };
  guint name_id;
  int status;

  setlocale (LC_ALL, "");
  cr_secret_protect_process ();
  status = parse_command_line (&argc, &argv);
  if (status >= 0)
    return status;

  service.loop = g_main_loop_new (NULL, FALSE);
  service.memory = token_memory_new (&service.keyring_generation);
  service.caller_uids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  service.last_active = g_get_monotonic_time ();
  service.bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  if (service.bus == NULL || !service_export (&service, &error))
    {
      g_printerr ("credring-service: %s\n", error->message);
      return EXIT_FAILURE;
    }
  service_watch_keyring (&service);
  /* An activated service that loses its bus has nobody left to serve. */
  g_dbus_connection_set_exit_on_close (service.bus, TRUE);
  name_id = g_bus_own_name_on_connection (service.bus, SERVICE_BUS_NAME,
                                          G_BUS_NAME_OWNER_FLAGS_DO_NOT_QUEUE, name_acquired,
                                          name_lost, &service, NULL);
  g_timeout_add_seconds (1, exit_when_idle, &service);
  g_unix_signal_add (SIGTERM, quit_on_signal, &service);
  g_unix_signal_add (SIGINT, quit_on_signal, &service);
  g_unix_signal_add (SIGHUP, quit_on_signal, &service);

  g_main_loop_run (service.loop);

  /* The socket first: from now on the CLI and git go their own way. */
  service_stop_listening (&service);
  g_bus_unown_name (name_id);
  service_unwatch_keyring (&service);
  service_unexport (&service);
  g_dbus_connection_flush_sync (service.bus, NULL, NULL);
  g_clear_object (&service.monitor);
  token_memory_free (service.memory);
  g_hash_table_destroy (service.caller_uids);
  g_object_unref (service.bus);
  g_main_loop_unref (service.loop);
  cr_store_disconnect ();
  return exit_status;
}
