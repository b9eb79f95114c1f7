/* A descriptor whose name is not the file's base name. */
#include "common.h"

CR_PLUGIN_EXPORT const CrPluginDescriptor credring_plugin = {
  CR_PLUGIN_DESCRIPTOR_HEADER,
  .name = "ants",
  .token_url = TEST_PLUGIN_URL,
  .grant = CR_GRANT_CLIENT_CREDENTIALS,
  TEST_PLUGIN_FIELDS,
};
