/* A plugin built for a future, incompatible ABI (major 2). */
#include "common.h"

CR_PLUGIN_EXPORT const CrPluginDescriptor credring_plugin = {
  .abi_major = CR_PLUGIN_ABI_MAJOR + 1,
  .abi_minor = 0,
  .struct_size = sizeof (CrPluginDescriptor),
  .name = "bad-abi",
  .token_url = TEST_PLUGIN_URL,
  .grant = CR_GRANT_CLIENT_CREDENTIALS,
  TEST_PLUGIN_FIELDS,
};
