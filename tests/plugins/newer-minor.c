/* A plugin that uses fields from a newer minor ABI than the core knows. */
#include "common.h"

CR_PLUGIN_EXPORT const CrPluginDescriptor credring_plugin = {
  .abi_major = CR_PLUGIN_ABI_MAJOR,
  .abi_minor = CR_PLUGIN_ABI_MINOR + 1,
  .struct_size = sizeof (CrPluginDescriptor),
  .name = "newer-minor",
  .token_url = TEST_PLUGIN_URL,
  .grant = CR_GRANT_CLIENT_CREDENTIALS,
  TEST_PLUGIN_FIELDS,
};
