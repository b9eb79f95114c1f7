/* A fetch module that says it is of this version but whose table ends
 * before the functions version 2 added (listen and after), as one built
 * from a mismatched header would be: the core must refuse it rather than
 * read past its end (test-loader /loader/fetch-module/short-table).
 * Nothing in it can be called. */
#include <stddef.h>

#include <credring/plugin.h>

#include "fetch/fetch-module.h"

CR_PLUGIN_EXPORT const CrFetchModule credring_fetch_module = {
  .version = CR_FETCH_MODULE_VERSION,
  .struct_size = offsetof (CrFetchModule, listen),
};
