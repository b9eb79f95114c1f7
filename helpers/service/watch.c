/* credring-service follows the change marks (core/cache/changes.h) that
 * every credring process leaves: a change drops the account's token from
 * memory and is told to desktop programs as AccountChanged. */
#include "config.h"

#include <credring/credring.h>

#include "base/runtime-dir.h"
#include "cache/changes.h"
#include "service.h"

static void
mark_changed (GFileMonitor *monitor, GFile *file, GFile *other, GFileMonitorEvent event,
              gpointer data)
{
  Service *service = data;
  g_autofree char *basename = NULL;
  g_autofree char *account = NULL;
  g_autofree char *path = NULL;
  CrChange change;

  /* A mark is written beside and renamed into place, from a name that
   * says the change: the file may hold the next one's by now. */
  if (event == G_FILE_MONITOR_EVENT_RENAMED && other != NULL)
    {
      g_autofree char *from = g_file_get_basename (file);

      basename = g_file_get_basename (other);
      account = cr_change_mark_account (basename);
      if (account == NULL || !cr_change_from_temporary_name (from, &change))
        return;
    }
  else if (event == G_FILE_MONITOR_EVENT_MOVED_IN ||
           event == G_FILE_MONITOR_EVENT_CHANGES_DONE_HINT)
    {
      basename = g_file_get_basename (file);
      account = cr_change_mark_account (basename);
      path = g_file_get_path (file);
      if (account == NULL || !cr_change_mark_read_change (path, &change))
        return;
    }
  else
    return;
  token_memory_forget (service->memory, account);
  service_emit_account_changed (service, account, cr_change_to_string (change));
}

gboolean
service_watch_changes (Service *service, GError **error)
{
  g_autofree char *dir = cr_runtime_dir (error);
  g_autoptr (GFile) directory = NULL;

  if (dir == NULL)
    return FALSE;
  directory = g_file_new_for_path (dir);
  service->monitor = g_file_monitor_directory (directory, G_FILE_MONITOR_WATCH_MOVES, NULL, error);
  if (service->monitor == NULL)
    return FALSE;
  /* Changes come in bursts (a token, then a login): each is told. */
  g_file_monitor_set_rate_limit (service->monitor, 0);
  g_signal_connect (service->monitor, "changed", G_CALLBACK (mark_changed), service);
  return TRUE;
}
