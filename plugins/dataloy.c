/* Dataloy: client credentials at a per-customer URL (token_url is required
 * in the account), a JSON body with the audience (seed 004). */
#include <credring/plugin.h>

static const CrPluginParam params[] = {
  { "audience", CR_PARAM_REQUIRED, NULL }, /* https://dataloy (prod), https://dataloy.dev */
  { NULL, CR_PARAM_OPTIONAL, NULL },
};

CR_PLUGIN_EXPORT const CrPluginDescriptor credring_plugin = {
  CR_PLUGIN_DESCRIPTOR_HEADER,
  .name = "dataloy",
  .description = "Dataloy (client credentials, JSON body, per-customer token URL)",
  .token_url = NULL,
  .grant = CR_GRANT_CLIENT_CREDENTIALS,
  .client_auth = CR_CLIENT_AUTH_BODY,
  .body_format = CR_BODY_JSON,
  .params = params,
  .token_field = "access_token",
  .token_type_field = "token_type",
  .expiry_field = "expires_in",
  .expiry_form = CR_EXPIRY_SECONDS,
};
