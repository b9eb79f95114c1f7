/* AutoGrab: client credentials at the auth-broker, client id and secret in
 * HTTP Basic, a form body holding only grant_type (seed 003). */
#include <credring/plugin.h>

CR_PLUGIN_EXPORT const CrPluginDescriptor credring_plugin = {
  CR_PLUGIN_DESCRIPTOR_HEADER,
  .name = "autograb",
  .description = "AutoGrab (client credentials, HTTP Basic)",
  .token_url = "https://api.autograb.com.au/auth-broker/request-token",
  .grant = CR_GRANT_CLIENT_CREDENTIALS,
  .client_auth = CR_CLIENT_AUTH_BASIC,
  .body_format = CR_BODY_FORM,
  .params = NULL,
  .token_field = "access_token",
  .token_type_field = "token_type",
  .expiry_field = "expires_in",
  .expiry_form = CR_EXPIRY_SECONDS,
};
