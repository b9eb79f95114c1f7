/* A plugin that claims ABI 1.1 but is only as large as a 1.0 descriptor:
 * the hooks it claims to have would be read from past its end. */
#include "common.h"

CR_PLUGIN_EXPORT const CrPluginDescriptor credring_plugin = {
  .abi_major = 1,
  .abi_minor = 1,
  .struct_size = CR_PLUGIN_DESCRIPTOR_SIZE_1_0,
  .name = "short-1-1",
  .token_url = TEST_PLUGIN_URL,
  .grant = CR_GRANT_CLIENT_CREDENTIALS,
  TEST_PLUGIN_FIELDS,
};
