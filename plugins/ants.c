/* ANTS: client credentials at iam.ants.tech, secret in a form body, a
 * required comma-separated scope, and an absolute expiry (seed 002). */
#include <credring/plugin.h>

static const CrPluginParam params[] = {
  { "scope", CR_PARAM_REQUIRED, NULL },
  { NULL, CR_PARAM_OPTIONAL, NULL },
};

CR_PLUGIN_EXPORT const CrPluginDescriptor credring_plugin = {
  CR_PLUGIN_DESCRIPTOR_HEADER,
  .name = "ants",
  .description = "ANTS (client credentials; scope: item, event, profile, promotion)",
  .token_url = "https://iam.ants.tech/oauth/token",
  .grant = CR_GRANT_CLIENT_CREDENTIALS,
  .client_auth = CR_CLIENT_AUTH_BODY,
  .body_format = CR_BODY_FORM,
  .params = params,
  .token_field = "accessToken",
  .token_type_field = NULL, /* ANTS sends none; its tokens are bearer tokens */
  .expiry_field = "accessTokenExpiresAt",
  .expiry_form = CR_EXPIRY_ABSOLUTE,
};
