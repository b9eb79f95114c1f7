/* A grant type the core does not know. */
#include "common.h"

CR_PLUGIN_EXPORT const CrPluginDescriptor credring_plugin = {
  CR_PLUGIN_DESCRIPTOR_HEADER,
  .name = "bad-enum",
  .token_url = TEST_PLUGIN_URL,
  TEST_PLUGIN_FIELDS,
  .grant = (CrGrantType) 42,
};
