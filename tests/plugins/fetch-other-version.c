/* A fetch module built for another version of its ABI (99), as an old or
 * newer fetch.so left in the module directory would be: the core must
 * refuse it, naming both versions, before it calls anything in it
 * (test-loader /loader/fetch-module/other-version).  Nothing in it can be
 * called. */
#include <credring/plugin.h>

#include "fetch/fetch-module.h"

CR_PLUGIN_EXPORT const CrFetchModule credring_fetch_module = {
  .version = 99,
  .struct_size = sizeof (CrFetchModule),
};
