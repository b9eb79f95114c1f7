/* ACAEngine / PlaceOS: password grant at https://{host}/auth/oauth/token,
 * client id and secret in a form body (seeds 000, 001). */
#include <credring/plugin.h>

static const CrPluginParam params[] = {
  { "authority", CR_PARAM_REQUIRED, NULL },
  { "scope", CR_PARAM_OPTIONAL, NULL },
  { NULL, CR_PARAM_OPTIONAL, NULL },
};

CR_PLUGIN_EXPORT const CrPluginDescriptor credring_plugin = {
  CR_PLUGIN_DESCRIPTOR_HEADER,
  .name = "acaengine",
  .description = "ACAEngine / PlaceOS (password grant)",
  .token_url = "https://{host}/auth/oauth/token",
  .grant = CR_GRANT_PASSWORD,
  .client_auth = CR_CLIENT_AUTH_BODY,
  .body_format = CR_BODY_FORM,
  .params = params,
  .token_field = "access_token",
  .token_type_field = "token_type",
  .expiry_field = "expires_in",
  .expiry_form = CR_EXPIRY_SECONDS,
};
