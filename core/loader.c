/* Finding, checking and dlopen()ing provider plugins.
 *
 * Fail closed: a plugin that is planted, broken or from another ABI becomes
 * an error naming the file and the reason, never a crash or a silent skip. */
#include "config.h"

#include <dlfcn.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <credring/credring.h>

#include "loader.h"

struct _CrPlugin {
  void *handle;
  char *path;
  const CrPluginDescriptor *descriptor;
};

/* Parameter names the core itself sends; a plugin may not redefine them. */
static const char *const reserved_params[] = {
  "grant_type", "client_id", "client_secret", "username", "password", NULL,
};

const char *
cr_getenv_secure (const char *name)
{
#ifdef HAVE_SECURE_GETENV
  return secure_getenv (name);
#else
  return g_getenv (name);
#endif
}

char **
cr_plugin_dirs (void)
{
  const char *env = cr_getenv_secure ("CREDRING_PLUGIN_DIR");
  g_autoptr (GStrvBuilder) dirs = g_strv_builder_new ();

  if (env == NULL || *env == '\0')
    {
      g_strv_builder_add (dirs, CR_PLUGINDIR);
      return g_strv_builder_end (dirs);
    }
  g_auto (GStrv) parts = g_strsplit (env, ":", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    if (*parts[i] != '\0')
      g_strv_builder_add (dirs, parts[i]);
  return g_strv_builder_end (dirs);
}

static gboolean
is_plugin_name (const char *name)
{
  if (name == NULL || *name == '\0' || strlen (name) > 64)
    return FALSE;
  for (const char *p = name; *p != '\0'; p++)
    if (!g_ascii_islower (*p) && !g_ascii_isdigit (*p) && *p != '_' && *p != '-')
      return FALSE;
  return TRUE;
}

static gboolean
is_param_name (const char *name)
{
  if (name == NULL || *name == '\0' || strlen (name) > 64)
    return FALSE;
  for (const char *p = name; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '_' && *p != '-' && *p != '.')
      return FALSE;
  return TRUE;
}

/* Text a plugin shows to people: no control characters, valid UTF-8. */
static gboolean
is_printable_line (const char *text)
{
  if (!g_utf8_validate (text, -1, NULL))
    return FALSE;
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    if (g_unichar_iscntrl (g_utf8_get_char (p)))
      return FALSE;
  return TRUE;
}

static gboolean
invalid (GError **error, const char *reason)
{
  g_set_error (error, CR_ERROR, CR_ERROR_CONFIG, "%s", reason);
  return FALSE;
}

static gboolean
is_https_url (const char *url)
{
  return g_str_has_prefix (url, "https://") && url[strlen ("https://")] != '\0' &&
         url[strlen ("https://")] != '/';
}

gboolean
cr_descriptor_validate (const CrPluginDescriptor *d, const char *expected_name, GError **error)
{
  g_return_val_if_fail (d != NULL, FALSE);

  if (d->abi_major != CR_PLUGIN_ABI_MAJOR || d->abi_minor > CR_PLUGIN_ABI_MINOR)
    {
      g_set_error (error, CR_ERROR, CR_ERROR_CONFIG,
                   "plugin ABI %u.%u is not supported by this credring (ABI %d.%d)",
                   d->abi_major, d->abi_minor, CR_PLUGIN_ABI_MAJOR, CR_PLUGIN_ABI_MINOR);
      return FALSE;
    }
  if (d->struct_size < sizeof (CrPluginDescriptor))
    return invalid (error, "descriptor is smaller than ABI 1.0 requires");
  if (!is_plugin_name (d->name))
    return invalid (error, "descriptor has no valid name ([a-z0-9_-]+)");
  if (expected_name != NULL && strcmp (d->name, expected_name) != 0)
    {
      g_autofree char *shown = cr_escape_for_message (expected_name, -1, 64);

      g_set_error (error, CR_ERROR, CR_ERROR_CONFIG,
                   "descriptor name '%s' differs from the file name '%s'", d->name, shown);
      return FALSE;
    }
  if (d->description == NULL || *d->description == '\0' || !is_printable_line (d->description))
    return invalid (error, "descriptor has no one-line description");
  if (d->token_url != NULL && (!is_https_url (d->token_url) || !is_printable_line (d->token_url)))
    return invalid (error, "default token URL is not https");
  if (d->grant != CR_GRANT_CLIENT_CREDENTIALS && d->grant != CR_GRANT_PASSWORD)
    return invalid (error, "unknown grant type");
  if (d->client_auth != CR_CLIENT_AUTH_BASIC && d->client_auth != CR_CLIENT_AUTH_BODY)
    return invalid (error, "unknown client authentication");
  if (d->body_format != CR_BODY_FORM && d->body_format != CR_BODY_JSON)
    return invalid (error, "unknown body format");
  if (d->expiry_form != CR_EXPIRY_SECONDS && d->expiry_form != CR_EXPIRY_ABSOLUTE)
    return invalid (error, "unknown expiry form");
  if (d->token_field == NULL || *d->token_field == '\0' || d->expiry_field == NULL ||
      *d->expiry_field == '\0')
    return invalid (error, "descriptor lacks the token or expiry field name");
  for (const CrPluginParam *p = d->params; p != NULL && p->name != NULL; p++)
    {
      if (!is_param_name (p->name) || g_strv_contains (reserved_params, p->name))
        return invalid (error, "descriptor has an invalid or reserved parameter name");
      if (p->presence != CR_PARAM_OPTIONAL && p->presence != CR_PARAM_REQUIRED)
        return invalid (error, "unknown parameter presence");
    }
  return TRUE;
}

/* Root's and our own files are trusted; anything another user or a group
 * could have written is not, since loading it runs its code as us. */
static gboolean
check_ownership (const char *path, GError **error)
{
  struct stat st;

  if (stat (path, &st) != 0)
    {
      int saved = errno;

      g_set_error (error, CR_ERROR, CR_ERROR_CONFIG, "%s: %s", path, g_strerror (saved));
      return FALSE;
    }
  if (st.st_uid != 0 && st.st_uid != getuid ())
    {
      g_set_error (error, CR_ERROR, CR_ERROR_CONFIG, "%s: refused: owned by another user (uid %u)",
                   path, (unsigned) st.st_uid);
      return FALSE;
    }
  if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0)
    {
      g_set_error (error, CR_ERROR, CR_ERROR_CONFIG, "%s: refused: group- or world-writable",
                   path);
      return FALSE;
    }
  return TRUE;
}

/* File names come from directory listings and the environment: whatever
 * bytes they hold are shown, not obeyed. */
static void
escape_message (GError *error)
{
  char *shown;

  if (error == NULL)
    return;
  shown = cr_escape_for_message (error->message, -1, 400);
  g_free (error->message);
  error->message = shown;
}

/* The one place that dlopen()s: the file's trust is checked where the
 * symlinks lead, and that resolved path is what gets loaded.  RTLD_NOW: a
 * module with unresolved symbols fails here, not mid-request. */
static void *
open_trusted (const char *path, GError **error)
{
  g_autofree char *resolved = realpath (path, NULL);
  g_autofree char *dir = NULL;
  void *handle;

  if (resolved == NULL)
    {
      int saved = errno;

      g_set_error (error, CR_ERROR, CR_ERROR_CONFIG, "%s: %s", path, g_strerror (saved));
      return NULL;
    }
  dir = g_path_get_dirname (resolved);
  if (!check_ownership (dir, error) || !check_ownership (resolved, error))
    return NULL;
  handle = dlopen (resolved, RTLD_NOW | RTLD_LOCAL);
  if (handle == NULL)
    g_set_error (error, CR_ERROR, CR_ERROR_CONFIG, "%s: cannot load: %s", path, dlerror ());
  return handle;
}

void *
cr_loader_open (const char *path, GError **error)
{
  GError *local_error = NULL;
  void *handle = open_trusted (path, &local_error);

  if (handle == NULL)
    {
      escape_message (local_error);
      g_propagate_error (error, local_error);
    }
  return handle;
}

static CrPlugin *
open_plugin (const char *path, const char *name, GError **error)
{
  g_autoptr (GError) reason = NULL;
  const CrPluginDescriptor *descriptor;
  CrPlugin *plugin;
  void *handle = open_trusted (path, error);

  if (handle == NULL)
    return NULL;
  descriptor = dlsym (handle, CR_PLUGIN_SYMBOL);
  if (descriptor == NULL)
    {
      g_set_error (error, CR_ERROR, CR_ERROR_CONFIG, "%s: refused: no '%s' symbol", path,
                   CR_PLUGIN_SYMBOL);
      dlclose (handle);
      return NULL;
    }
  if (!cr_descriptor_validate (descriptor, name, &reason))
    {
      g_set_error (error, CR_ERROR, CR_ERROR_CONFIG, "%s: refused: %s", path, reason->message);
      dlclose (handle);
      return NULL;
    }

  plugin = g_new0 (CrPlugin, 1);
  plugin->handle = handle;
  plugin->path = g_strdup (path);
  plugin->descriptor = descriptor;
  g_debug ("loaded plugin %s", path);
  return plugin;
}

static CrPlugin *
load_file (const char *path, const char *name, GError **error)
{
  GError *local_error = NULL;
  CrPlugin *plugin = open_plugin (path, name, &local_error);

  if (plugin == NULL)
    {
      escape_message (local_error);
      g_propagate_error (error, local_error);
    }
  return plugin;
}

CrPlugin *
cr_plugin_load (const char *name, GError **error)
{
  g_auto (GStrv) dirs = cr_plugin_dirs ();
  g_autofree char *file = NULL;

  g_return_val_if_fail (name != NULL, NULL);

  if (!is_plugin_name (name))
    {
      g_autofree char *shown = cr_escape_for_message (name, -1, 64);

      g_set_error (error, CR_ERROR, CR_ERROR_CONFIG, "'%s' is not a valid provider name", shown);
      return NULL;
    }
  file = g_strconcat (name, ".so", NULL);
  for (guint i = 0; dirs[i] != NULL; i++)
    {
      g_autofree char *path = g_build_filename (dirs[i], file, NULL);

      if (g_file_test (path, G_FILE_TEST_EXISTS))
        return load_file (path, name, error);
    }
  g_set_error (error, CR_ERROR, CR_ERROR_CONFIG,
               "no plugin for provider '%s' (looked for %s in %s)", name, file,
               dirs[0] != NULL ? dirs[0] : "(no directory)");
  return NULL;
}

static int
compare_plugins (gconstpointer a, gconstpointer b)
{
  const CrPlugin *pa = *(CrPlugin *const *) a;
  const CrPlugin *pb = *(CrPlugin *const *) b;

  return strcmp (pa->descriptor->name, pb->descriptor->name);
}

GPtrArray *
cr_plugin_load_all (GPtrArray *failures)
{
  g_auto (GStrv) dirs = cr_plugin_dirs ();
  g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  GPtrArray *plugins = g_ptr_array_new_with_free_func ((GDestroyNotify) cr_plugin_free);

  for (guint i = 0; dirs[i] != NULL; i++)
    {
      g_autoptr (GDir) dir = g_dir_open (dirs[i], 0, NULL);
      const char *entry;

      while (dir != NULL && (entry = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *name = NULL;
          g_autofree char *path = NULL;
          g_autoptr (GError) error = NULL;
          CrPlugin *plugin;

          if (!g_str_has_suffix (entry, ".so"))
            continue;
          name = g_strndup (entry, strlen (entry) - strlen (".so"));
          /* The first directory wins, as for cr_plugin_load(). */
          if (g_hash_table_contains (seen, name))
            continue;
          g_hash_table_add (seen, g_strdup (name));
          path = g_build_filename (dirs[i], entry, NULL);
          plugin = load_file (path, name, &error);
          if (plugin != NULL)
            g_ptr_array_add (plugins, plugin);
          else if (failures != NULL)
            g_ptr_array_add (failures, g_strdup (error->message));
        }
    }
  g_ptr_array_sort (plugins, compare_plugins);
  return plugins;
}

const CrPluginDescriptor *
cr_plugin_get_descriptor (CrPlugin *plugin)
{
  g_return_val_if_fail (plugin != NULL, NULL);
  return plugin->descriptor;
}

const char *
cr_plugin_get_path (CrPlugin *plugin)
{
  g_return_val_if_fail (plugin != NULL, NULL);
  return plugin->path;
}

void
cr_plugin_free (CrPlugin *plugin)
{
  if (plugin == NULL)
    return;
  dlclose (plugin->handle);
  g_free (plugin->path);
  g_free (plugin);
}
