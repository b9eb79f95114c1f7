/* example: a complete credring provider plugin, built outside credring's
 * source tree (see the Makefile beside it) against the installed headers.
 *
 * It describes a standard OAuth2 token endpoint: the client credentials
 * grant, the client id and secret as body parameters, a form-encoded body
 * with one required extra parameter, "scope", and an answer whose top-level
 * access_token, token_type and expires_in (seconds) hold the token.
 *
 * For your own API, change:
 *   - .name: the plugin's name, which must equal the file's base name
 *     (NAME.so) and is what an account names as "provider = NAME";
 *   - .description: one line, shown by `credring providers`;
 *   - .token_url: your token endpoint (https; "{host}", once and in the host
 *     only, e.g. https://{host}/oauth/token, is filled from the
 *     account's host key; NULL makes every account set token_url);
 *   - .grant, .client_auth, .body_format: see <credring/plugin.h>;
 *   - params[]: the extra body parameters, each read from the account key
 *     of the same name (required, or optional with a default);
 *   - the *_field members, if your API names its answer's members otherwise.
 */
#include <credring/plugin.h>

static const CrPluginParam params[] = {
  { "scope", CR_PARAM_REQUIRED, NULL },
  { NULL, CR_PARAM_OPTIONAL, NULL }, /* the end of the list */
};

CR_PLUGIN_EXPORT const CrPluginDescriptor credring_plugin = {
  CR_PLUGIN_DESCRIPTOR_HEADER,
  .name = "example",
  .description = "Example API (client credentials, scope required)",
  .token_url = "https://auth.example.com/oauth/token",
  .grant = CR_GRANT_CLIENT_CREDENTIALS,
  .client_auth = CR_CLIENT_AUTH_BODY,
  .body_format = CR_BODY_FORM,
  .params = params,
  .token_field = "access_token",
  .token_type_field = "token_type",
  .expiry_field = "expires_in",
  .expiry_form = CR_EXPIRY_SECONDS,
};
