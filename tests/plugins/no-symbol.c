/* A shared object that exports something, but not the descriptor symbol. */
#include "common.h"

CR_PLUGIN_EXPORT const CrPluginDescriptor credring_plugin_v0 = {
  CR_PLUGIN_DESCRIPTOR_HEADER,
  .name = "no-symbol",
  .token_url = TEST_PLUGIN_URL,
  .grant = CR_GRANT_CLIENT_CREDENTIALS,
  TEST_PLUGIN_FIELDS,
};
