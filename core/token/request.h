/* Private to libcredring: request building (request.c) as the rest of
 * token/ and the tests use it. */
#ifndef CR_REQUEST_H
#define CR_REQUEST_H

#include <credring/credring.h>

G_BEGIN_DECLS

/* "Basic " + base64 (form-urlencode (id) ":" form-urlencode (secret)), RFC
 * 6749 §2.3.1.  Secret. */
char *cr_basic_authorization (const char *client_id, const char *client_secret);

/* Which endpoint a request goes to. */
typedef enum {
  CR_CALL_TOKEN = 0,            /* the token endpoint, for @grant */
  CR_CALL_DEVICE_AUTHORIZATION, /* RFC 8628 §3.1: a device and a user code */
  CR_CALL_REVOCATION,           /* RFC 7009 §2.1: @refresh_token revoked */
} CrEndpointCall;

/* What a request carries besides the account's settings and secrets. */
typedef struct {
  CrEndpointCall call;
  CrGrantType grant;         /* CR_CALL_TOKEN */
  const char *code;          /* secret; the authorization code grant */
  const char *code_verifier; /* secret; the same (RFC 7636 §4.5) */
  const char *redirect_uri;  /* the same, as sent to the authorization endpoint */
  const char *device_code;   /* secret; the device grant */
  const char *refresh_token; /* secret; the refresh grant, and revocation */
} CrGrantInput;

/* grant_type's value for @grant (RFC 8628's is a URN). */
const char *cr_grant_wire_name (CrGrantType grant);

/* cr_request_build() (@credentials NULL: _masked(); @input NULL: the
 * account's own grant, with no inputs) whose errors do not name the
 * account: for a caller that names it once for everything it reports
 * (fetch-client.c).  Requests for the grants that sign a person in, for
 * refresh tokens, device authorization and revocation are forms whatever
 * the provider's body format, and carry no provider parameters but for
 * device authorization; a public client (client_auth none) sends its
 * client_id and no secret. */
CrRequest *cr_request_prepare (const CrPluginDescriptor *provider, const CrAccount *account,
                               const CrClientSecrets *credentials, const CrGrantInput *input,
                               GError **error);

/* The request that fetches a token for @account from @provider with
 * @credentials.  CR_ERROR_CONFIG for an account that lacks what the
 * provider needs, a missing secret, or a plugin hook that fails. */
CrRequest *cr_request_build (const CrPluginDescriptor *provider,
                             const CrAccount *account,
                             const CrClientSecrets *credentials, GError **error);

/* The authorization endpoint's URL that starts a browser sign-in (RFC
 * 6749 §4.1.1 with RFC 7636 §4.3: S256 always): the account's client_id,
 * @redirect_uri, @state, @challenge, scope and the provider's parameters.
 * Holds no secret. */
char *cr_request_authorization_url (const CrPluginDescriptor *provider, const CrAccount *account,
                                    const char *redirect_uri, const char *state,
                                    const char *challenge);

G_END_DECLS

#endif /* CR_REQUEST_H */
