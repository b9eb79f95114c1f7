/* A plugin with a symbol no library defines: RTLD_NOW must refuse it at load. */
#include "common.h"

extern int credring_test_no_such_function (void);

CR_PLUGIN_EXPORT int credring_test_use_missing (void);

CR_PLUGIN_EXPORT int
credring_test_use_missing (void)
{
  return credring_test_no_such_function ();
}

CR_PLUGIN_EXPORT const CrPluginDescriptor credring_plugin = {
  CR_PLUGIN_DESCRIPTOR_HEADER,
  .name = "unresolved",
  .token_url = TEST_PLUGIN_URL,
  .grant = CR_GRANT_CLIENT_CREDENTIALS,
  TEST_PLUGIN_FIELDS,
};
