/* A plugin as built against ABI 1.0, before the hooks existed: its
 * descriptor ends where 1.0's did, and what lies after it must never be
 * read as hooks. */
#include "common.h"

/* The 1.0 layout, field for field. */
typedef struct {
  unsigned int abi_major;
  unsigned int abi_minor;
  size_t struct_size;
  const char *name;
  const char *description;
  const char *token_url;
  CrGrantType grant;
  CrClientAuth client_auth;
  CrBodyFormat body_format;
  const CrPluginParam *params;
  const char *token_field;
  const char *token_type_field;
  const char *expiry_field;
  CrExpiryForm expiry_form;
} DescriptorV1_0;

_Static_assert (sizeof (DescriptorV1_0) == CR_PLUGIN_DESCRIPTOR_SIZE_1_0,
                "the 1.0 layout is a prefix of today's");

/* What follows the 1.0 fields in memory: pointers that are not NULL, so
 * that a loader that read "hooks" from a 1.0 plugin would find some and
 * the test would see them, sanitizer or not. */
typedef struct {
  DescriptorV1_0 descriptor;
  const void *after[2];
} PoisonedV1_0;

CR_PLUGIN_EXPORT const PoisonedV1_0 credring_plugin = {
  .descriptor = {
    .abi_major = 1,
    .abi_minor = 0,
    .struct_size = sizeof (DescriptorV1_0),
    .name = "abi-1-0",
    .token_url = TEST_PLUGIN_URL,
    .grant = CR_GRANT_CLIENT_CREDENTIALS,
    TEST_PLUGIN_FIELDS,
  },
  .after = { &credring_plugin, &credring_plugin },
};
