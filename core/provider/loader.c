/* Finding, checking and loading providers: compiled plugins (NAME.so,
 * dlopen()ed) and provider files (NAME.conf, read by provider-file.c).
 *
 * Fail closed: a plugin that is planted, broken or from another ABI becomes
 * an error naming the file and the reason, never a crash or a silent skip. */
#include "config.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <credring/credring.h>

#include "base/env.h"
#include "base/error.h"
#include "provider/descriptor.h"
#include "provider/discovery.h"
#include "provider/metadata.h"
#include "provider/provider-file.h"
#include "provider/trusted-file.h"

struct _CrProvider {
  /* References: the caller's, and one per asynchronous call under way
   * (cache/async.c), which may outlive the caller's. */
  gatomicrefcount ref_count;
  CrProviderKind kind;
  void *handle;           /* a compiled plugin's */
  CrProviderFile *file;   /* a provider file's */
  char *path;
  /* The provider's descriptor, normalised (descriptor.h): its strings and
   * hooks point into the plugin or the provider file. */
  CrPluginDescriptor descriptor;
  char **warnings;
  /* What its file leaves to the issuer's metadata (CrMetadataChoice). */
  unsigned int left_to_metadata;
  /* Once discovered: what the descriptor's discovered endpoints point into. */
  CrMetadata *metadata;
};

/* @env, a colon list, as directories; @fallback when it is unset or empty. */
static void
add_dir_list (GStrvBuilder *dirs, const char *env, const char *fallback)
{
  g_auto (GStrv) parts = NULL;

  if (env == NULL || *env == '\0')
    {
      g_strv_builder_add (dirs, fallback);
      return;
    }
  parts = g_strsplit (env, ":", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    if (*parts[i] != '\0')
      g_strv_builder_add (dirs, parts[i]);
}

char **
cr_plugin_dirs (void)
{
  g_autoptr (GStrvBuilder) dirs = g_strv_builder_new ();

  add_dir_list (dirs, cr_getenv_secure ("CREDRING_PLUGIN_DIR"), CR_PLUGINDIR);
  return g_strv_builder_end (dirs);
}

char **
cr_provider_file_dirs (void)
{
  g_autoptr (GStrvBuilder) dirs = g_strv_builder_new ();
  g_autofree char *user = g_build_filename (g_get_user_config_dir (), "credring", "providers",
                                            NULL);

  /* The user's own first: that is where someone without root adds one. */
  g_strv_builder_add (dirs, user);
  add_dir_list (dirs, cr_getenv_secure ("CREDRING_PROVIDER_DIR"), CR_PROVIDERDIR);
  return g_strv_builder_end (dirs);
}

static CrProvider *
provider_new (CrProviderKind kind, const char *path, const CrPluginDescriptor *descriptor)
{
  CrProvider *provider = g_new0 (CrProvider, 1);

  g_atomic_ref_count_init (&provider->ref_count);
  provider->kind = kind;
  provider->path = g_strdup (path);
  cr_descriptor_normalize (descriptor, &provider->descriptor);
  provider->warnings = g_new0 (char *, 1);
  return provider;
}

static CrProvider *
open_compiled (const char *path, const char *name, GError **error)
{
  g_autoptr (GError) reason = NULL;
  const CrPluginDescriptor *descriptor;
  CrProvider *provider;
  void *handle = cr_trusted_module_open (path, error);

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

  provider = provider_new (CR_PROVIDER_KIND_PLUGIN, path, descriptor);
  provider->handle = handle;
  g_debug ("loaded plugin %s", path);
  return provider;
}

static CrProvider *
load_compiled (const char *path, const char *name, GError **error)
{
  GError *local_error = NULL;
  CrProvider *provider = open_compiled (path, name, &local_error);

  cr_propagate_escaped (error, local_error);
  return provider;
}

static CrProvider *
load_provider_file (const char *path, const char *name, GError **error)
{
  GError *local_error = NULL;
  CrProviderFile *file = cr_provider_file_load (path, name, &local_error);
  CrProvider *provider;

  if (file == NULL)
    {
      cr_propagate_escaped (error, local_error);
      return NULL;
    }
  provider = provider_new (CR_PROVIDER_KIND_FILE, path, cr_provider_file_get_descriptor (file));
  provider->file = file;
  provider->left_to_metadata = cr_provider_file_left_to_metadata (file);
  g_debug ("loaded provider file %s", path);
  return provider;
}

/* The first of @dirs holding @file, or NULL. */
static char *
find_in_dirs (char **dirs, const char *file)
{
  for (guint i = 0; dirs[i] != NULL; i++)
    {
      char *path = g_build_filename (dirs[i], file, NULL);

      if (g_file_test (path, G_FILE_TEST_EXISTS))
        return path;
      g_free (path);
    }
  return NULL;
}

static char *
shadowed_warning (const char *file_path, const char *plugin_path)
{
  return g_strdup_printf ("%s: ignored: the compiled plugin %s has the same name", file_path,
                          plugin_path);
}

CrProvider *
cr_provider_load (const char *name, GError **error)
{
  g_auto (GStrv) plugin_dirs = NULL;
  g_auto (GStrv) file_dirs = NULL;
  g_autofree char *so_name = NULL;
  g_autofree char *conf_name = NULL;
  g_autofree char *so_path = NULL;
  g_autofree char *conf_path = NULL;
  g_autofree char *looked_in = NULL;
  g_autofree char *plugins_looked_in = NULL;
  CrProvider *provider;

  g_return_val_if_fail (name != NULL, NULL);

  if (!cr_descriptor_is_provider_name (name))
    {
      g_autofree char *shown = cr_escape_for_message (name, -1, 64);

      g_set_error (error, CR_ERROR, CR_ERROR_CONFIG, "'%s' is not a valid provider name", shown);
      return NULL;
    }
  plugin_dirs = cr_plugin_dirs ();
  file_dirs = cr_provider_file_dirs ();
  so_name = g_strconcat (name, ".so", NULL);
  conf_name = g_strconcat (name, ".conf", NULL);
  so_path = find_in_dirs (plugin_dirs, so_name);
  conf_path = find_in_dirs (file_dirs, conf_name);

  if (so_path != NULL)
    {
      provider = load_compiled (so_path, name, error);
      if (provider != NULL && conf_path != NULL)
        {
          g_strfreev (provider->warnings);
          provider->warnings = g_new0 (char *, 2);
          provider->warnings[0] = shadowed_warning (conf_path, so_path);
        }
      return provider;
    }
  if (conf_path != NULL)
    return load_provider_file (conf_path, name, error);

  looked_in = g_strjoinv (":", file_dirs);
  plugins_looked_in = g_strjoinv (":", plugin_dirs);
  g_set_error (error, CR_ERROR, CR_ERROR_CONFIG,
               "no plugin or provider file for provider '%s' (looked for %s in %s and %s in %s)",
               name, so_name, plugin_dirs[0] != NULL ? plugins_looked_in : "(no directory)",
               conf_name, looked_in);
  return NULL;
}

static int
compare_providers (gconstpointer a, gconstpointer b)
{
  const CrProvider *pa = *(CrProvider *const *) a;
  const CrProvider *pb = *(CrProvider *const *) b;

  return strcmp (pa->descriptor.name, pb->descriptor.name);
}

static int
compare_strings (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

typedef CrProvider *(*LoadFunc) (const char *path, const char *name, GError **error);

/* Loads every NAME@suffix in @dirs not yet in @seen (name -> path), the
 * first directory winning, as for cr_provider_load(). */
static void
load_dirs (char **dirs, const char *suffix, LoadFunc load, GHashTable *seen, GPtrArray *providers,
           GPtrArray *failures)
{
  for (guint i = 0; dirs[i] != NULL; i++)
    {
      g_autoptr (GDir) dir = g_dir_open (dirs[i], 0, NULL);
      const char *entry;

      while (dir != NULL && (entry = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *name = NULL;
          g_autofree char *path = NULL;
          g_autoptr (GError) error = NULL;
          const char *winner;
          CrProvider *provider;

          if (!g_str_has_suffix (entry, suffix))
            continue;
          name = g_strndup (entry, strlen (entry) - strlen (suffix));
          path = g_build_filename (dirs[i], entry, NULL);
          winner = g_hash_table_lookup (seen, name);
          if (winner != NULL)
            {
              /* A shadowed provider in a later directory is the search order
               * at work; a provider file under a compiled plugin is worth
               * a word, since someone wrote it to be used. */
              if (failures != NULL && g_str_has_suffix (winner, ".so") &&
                  g_str_equal (suffix, ".conf"))
                g_ptr_array_add (failures, shadowed_warning (path, winner));
              continue;
            }
          g_hash_table_insert (seen, g_strdup (name), g_strdup (path));
          provider = load (path, name, &error);
          if (provider != NULL)
            g_ptr_array_add (providers, provider);
          else if (failures != NULL)
            g_ptr_array_add (failures, g_strdup (error->message));
        }
    }
}

GPtrArray *
cr_provider_load_all (GPtrArray *failures)
{
  g_auto (GStrv) plugin_dirs = cr_plugin_dirs ();
  g_auto (GStrv) file_dirs = cr_provider_file_dirs ();
  g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  GPtrArray *providers = g_ptr_array_new_with_free_func ((GDestroyNotify) cr_provider_free);

  load_dirs (plugin_dirs, ".so", load_compiled, seen, providers, failures);
  load_dirs (file_dirs, ".conf", load_provider_file, seen, providers, failures);
  g_ptr_array_sort (providers, compare_providers);
  /* Directory order is the file system's: sorted, the output is stable. */
  if (failures != NULL)
    g_ptr_array_sort (failures, compare_strings);
  return providers;
}

const CrPluginDescriptor *
cr_provider_get_descriptor (CrProvider *provider)
{
  g_return_val_if_fail (provider != NULL, NULL);
  return &provider->descriptor;
}

const char *
cr_provider_get_path (CrProvider *provider)
{
  g_return_val_if_fail (provider != NULL, NULL);
  return provider->path;
}

CrProviderKind
cr_provider_get_kind (CrProvider *provider)
{
  g_return_val_if_fail (provider != NULL, CR_PROVIDER_KIND_PLUGIN);
  return provider->kind;
}

const char *const *
cr_provider_get_warnings (CrProvider *provider)
{
  g_return_val_if_fail (provider != NULL, NULL);
  return (const char *const *) provider->warnings;
}

gboolean
cr_provider_needs_discovery (CrProvider *provider)
{
  g_return_val_if_fail (provider != NULL, FALSE);
  return provider->metadata == NULL &&
         cr_metadata_needed (&provider->descriptor, provider->left_to_metadata);
}

gboolean
cr_provider_take_metadata (CrProvider *provider, CrMetadata *metadata, GError **error)
{
  g_autoptr (CrMetadata) taken = metadata;

  g_return_val_if_fail (provider != NULL && metadata != NULL, FALSE);

  /* Completed once: the descriptor points into the first metadata. */
  if (provider->metadata != NULL)
    return TRUE;
  if (!cr_metadata_apply (taken, provider->left_to_metadata, &provider->descriptor, error))
    return FALSE;
  provider->metadata = g_steal_pointer (&taken);
  return TRUE;
}

gboolean
cr_provider_issuer_in_redirect (CrProvider *provider)
{
  g_return_val_if_fail (provider != NULL, FALSE);
  return provider->metadata != NULL && provider->metadata->issuer_in_redirect;
}

CrProvider *
cr_provider_ref (CrProvider *provider)
{
  g_return_val_if_fail (provider != NULL, NULL);
  g_atomic_ref_count_inc (&provider->ref_count);
  return provider;
}

void
cr_provider_free (CrProvider *provider)
{
  if (provider == NULL || !g_atomic_ref_count_dec (&provider->ref_count))
    return;
  cr_metadata_free (provider->metadata);
  if (provider->handle != NULL)
    dlclose (provider->handle);
  cr_provider_file_free (provider->file);
  g_strfreev (provider->warnings);
  g_free (provider->path);
  g_free (provider);
}
