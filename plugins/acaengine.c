/* ACAEngine / PlaceOS: https://{host}/auth/oauth/token (seeds 000, 001).
 *
 * Seed 001 recommends the authorization code grant for "web, mobile and
 * desktop apps" and keeps the password grant for "server-to-server
 * integration and highly trusted environments"; PlaceOS's authorize
 * endpoint sits beside its token endpoint.  The password grant stays the
 * default, so that existing accounts keep working unchanged; an account
 * signs a person in with "grant = authorization_code" (and client_auth =
 * none for an application registered without a secret).  The client id
 * and secret go in a form body (seed 000). */
#include <credring/plugin.h>

static const CrPluginParam params[] = {
  { "authority", CR_PARAM_REQUIRED, NULL },
  { "scope", CR_PARAM_OPTIONAL, NULL },
  { NULL, CR_PARAM_OPTIONAL, NULL },
};

CR_PLUGIN_EXPORT const CrPluginDescriptor credring_plugin = {
  CR_PLUGIN_DESCRIPTOR_HEADER,
  .name = "acaengine",
  .description = "ACAEngine / PlaceOS (sign-in in the browser, or the legacy password grant)",
  .token_url = "https://{host}/auth/oauth/token",
  .grant = CR_GRANT_PASSWORD,
  .client_auth = CR_CLIENT_AUTH_BODY,
  .body_format = CR_BODY_FORM,
  .params = params,
  .token_field = "access_token",
  .token_type_field = "token_type",
  .expiry_field = "expires_in",
  .expiry_form = CR_EXPIRY_SECONDS,
  .authorization_url = "https://{host}/auth/oauth/authorize",
  .grants = CR_GRANT_BIT (CR_GRANT_PASSWORD) | CR_GRANT_BIT (CR_GRANT_AUTHORIZATION_CODE),
};
