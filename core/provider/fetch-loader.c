/* Loading fetch.so (provider/fetch-loader.h): here, below account/ and
 * token/, because both talk to servers (an issuer's metadata, tokens). */
#include "config.h"

#include <dlfcn.h>

#include <credring/credring.h>

#include "base/env.h"
#include "provider/fetch-loader.h"
#include "provider/trusted-file.h"

/* The fetch module, loaded once: $CREDRING_FETCH_MODULE, else the installed one. */
const CrFetchModule *
cr_fetch_module (GError **error)
{
  static const CrFetchModule *module = NULL;
  static char *failure = NULL;
  static gsize loaded = 0;

  if (g_once_init_enter (&loaded))
    {
      const char *env = cr_getenv_secure ("CREDRING_FETCH_MODULE");
      const char *path = (env != NULL && *env != '\0') ? env : CR_FETCH_MODULE;
      g_autoptr (GError) local_error = NULL;
      const CrFetchModule *found = NULL;
      /* The same trust rules as for plugins: it runs as us. */
      void *handle = cr_trusted_module_open (path, &local_error);

      if (handle != NULL)
        found = dlsym (handle, CR_FETCH_MODULE_SYMBOL);
      if (handle == NULL)
        failure = g_strdup (local_error->message);
      else if (found == NULL)
        failure = g_strdup_printf ("%s lacks %s", path, CR_FETCH_MODULE_SYMBOL);
      else if (found->version != CR_FETCH_MODULE_VERSION)
        failure = g_strdup_printf ("%s is version %u of the fetch module, this credring needs %d",
                                   path, found->version, CR_FETCH_MODULE_VERSION);
      /* Of this version by its word, but its table would be read past its end. */
      else if (found->struct_size < sizeof (CrFetchModule))
        failure = g_strdup_printf ("%s has a fetch module table of %zu bytes, version %d has %zu: "
                                   "it was built with another fetch-module.h",
                                   path, found->struct_size, CR_FETCH_MODULE_VERSION,
                                   sizeof (CrFetchModule));
      else
        module = found;
      g_once_init_leave (&loaded, 1);
    }
  if (module == NULL)
    g_set_error (error, CR_ERROR, CR_ERROR_FAILED, "credring is not installed right: %s",
                 failure);
  return module;
}

CrFetchResponse *
cr_fetch_get (const CrFetchModule *module, const char *url, GBytes *ca_certs, gint64 timeout_ms,
              GError **error)
{
  static const char *const headers[] = { "Accept: application/json",
                                         "User-Agent: " PACKAGE_NAME "/" PACKAGE_VERSION, NULL };
  char message[512] = "";
  CrFetchRequest request = {
    .url = url,
    .headers = headers,
    .body = "",
    .timeout_ms = (long) MAX (timeout_ms, 1),
    .method = "GET",
  };
  CrFetchResponse *answer = NULL;
  CrFetchStatus status;

  if (ca_certs != NULL)
    request.extra_ca_pem = g_bytes_get_data (ca_certs, &request.extra_ca_pem_len);
  status = module->post (&request, &answer, message, sizeof message);
  if (status == CR_FETCH_OK && answer != NULL)
    return answer;
  {
    /* The module's words: secret-free, but text from elsewhere. */
    g_autofree char *shown = cr_escape_for_message (message, -1, 400);

    g_set_error (error, CR_ERROR, status == CR_FETCH_NETWORK ? CR_ERROR_NETWORK : CR_ERROR_FAILED,
                 "%s", shown);
  }
  return NULL;
}
