/* Test plugins: each is a valid descriptor with exactly one thing wrong,
 * so that the loader's refusal can be checked against a real .so file. */
#ifndef CR_TEST_PLUGIN_COMMON_H
#define CR_TEST_PLUGIN_COMMON_H

#include <credring/plugin.h>

/* Everything but name, token_url and grant, which each plugin sets. */
#define TEST_PLUGIN_FIELDS                                                     \
  .description = "credring test plugin",                                       \
  .client_auth = CR_CLIENT_AUTH_BODY,                                          \
  .body_format = CR_BODY_FORM, .params = NULL,                                 \
  .token_field = "access_token", .token_type_field = "token_type",             \
  .expiry_field = "expires_in", .expiry_form = CR_EXPIRY_SECONDS

#define TEST_PLUGIN_URL "https://auth.example.com/oauth/token"

#endif
