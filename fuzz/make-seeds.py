#!/usr/bin/env python3
"""Writes the seed corpora fuzz/corpus/{response,config,descriptor,encoder,provider,metadata}/
in each harness's input format (fuzz/proto's seeds are written by hand).

Response bodies are the providers' documented ones, as in
../shared/seeds/*.txt; config files are README.md's accounts.conf examples;
provider files are examples/providers/*.conf and edge cases; metadata is
what tests/emulator/auth-server.py serves, and an OpenID provider's shape.
Run from anywhere; it rewrites only the files it names, and with
harness names as arguments only those harnesses' seeds.

    python3 fuzz/make-seeds.py
    python3 fuzz/make-seeds.py descriptor encoder
"""
import os
import re
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(HERE)
CANARY = "Cnry7Qw3Zx9Kp2Vt"  # FUZZ_CANARY in fuzz/common.h


ONLY = set(sys.argv[1:])


def write(harness, name, data):
    if ONLY and harness not in ONLY:
        return
    directory = os.path.join(HERE, "corpus", harness)
    os.makedirs(directory, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(directory, name), "wb") as f:
        f.write(data)


# ---- response: status (2 bytes, 100 + n % 500), content type index, body ----

# Index 0 of content_types[] in fuzz-response.c is "application/json".
def response(status, body, content_type=0):
    return struct.pack(">HB", status - 100, content_type) + body.encode()


# Seed 000 (ACAEngine), verbatim.
ACAENGINE_200 = """{
  "access_token": "1f0af717251950dbd4d73154fdf0a474a5c5119adad999683f5b450c460726aa",
  "token_type": "bearer",
  "expires_in": 7200
}"""
# Seed 002 (ANTS).
ANTS_200 = """{
    "accessToken": "5474r2x214z26484u2e4y4a403q5e4z5m4j4b403s526",
    "accessTokenExpiresAt": "2023-08-10T12:41:57.643Z",
    "scope": "item"
}"""
ANTS_400 = """{
    "statusCode": 400,
    "status": 400,
    "code": 400,
    "message": "Invalid scope: Requested scope is invalid",
    "name": "invalid_scope"
}"""
# Seed 003 (AutoGrab).
AUTOGRAB_200 = """{
    "access_token": "[obfuscated-token-string]",
    "expires_in": 3599,
    "scope": "",
    "token_type": "bearer"
}"""
# Seed 004 (Dataloy); its 401 body is cut short in the documentation.
DATALOY_200 = """{
"access_token": "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1....................fXClgZe2pFQBxPqARz9xfWlrFnc1El34ZPyRLoGlLIJLiE0NvOA1JLWycXCNo9N7AenAKEbj-gb2eW4TnpAiidDRmMV3m36UCuRAxWdVcvsRaJxXcquf79wAgEoEKriJklCxwKOnOyngbTZ2vDNim0nrw6-W0NOjRARkkY_w-188dY829z_urjsWuCC7TOMwfrQDLL2h72L2UrqlyL0hHMGQesau6h8KUsGg3EIoWPQ-Pf6o2CNCtGyr7DNuuLpCw9HqXiz5v-RIvKLBoaRMAAJJqBeXvpPvOcyicBlalcTWB5NMCe6Ldi9xqFmwjhO1CAtIk9QUa8wsOcXxg",
"expires_in": 86400,
"token_type": "Bearer"
}"""
DATALOY_401_AS_DOCUMENTED = """{
    "statusCode": 401,
    "statusText": "Unauthorized",
    "message": "Token expired.",
    "date": "2019-11-13T06:26:01",
    "statusFamily": "CLIENT_ERROR",
    "method": "GET",
    "uri": "http://platform-dev.dataloy.com/ws/rest/Cargo?filter=subCargos.freight%28GTE%292500000"
"""
DATALOY_401 = DATALOY_401_AS_DOCUMENTED + "}"


def with_canary(body, token):
    """The body with its token holding the canary (see fuzz/common.h)."""
    return body.replace(token, token[:8] + CANARY + token[8:])


write("response", "acaengine-200", response(200, ACAENGINE_200))
write("response", "ants-200", response(200, ANTS_200))
write("response", "ants-400", response(400, ANTS_400))
write("response", "autograb-200", response(200, AUTOGRAB_200))
write("response", "dataloy-200", response(200, DATALOY_200))
write("response", "dataloy-401-as-documented", response(401, DATALOY_401_AS_DOCUMENTED))
write("response", "dataloy-401", response(401, DATALOY_401))
write("response", "acaengine-200-canary", response(200, with_canary(
    ACAENGINE_200, "1f0af717251950dbd4d73154fdf0a474a5c5119adad999683f5b450c460726aa")))
write("response", "ants-200-canary", response(200, with_canary(
    ANTS_200, "5474r2x214z26484u2e4y4a403q5e4z5m4j4b403s526")))
write("response", "autograb-200-canary", response(200, with_canary(
    AUTOGRAB_200, "[obfuscated-token-string]")))
write("response", "dataloy-200-canary", response(200, with_canary(
    DATALOY_200, "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1")))

# ---- config: README.md's accounts.conf examples -----------------------------

with open(os.path.join(TOP, "README.md"), encoding="utf-8") as f:
    readme = f.read()
blocks = re.findall(r"```ini\n(.*?)```", readme, re.S)
# Provider files ([provider]) are the provider harness's, not accounts.conf.
blocks = [b for b in blocks if not re.search(r"^\s*\[provider\]", b, re.M)]
for i, block in enumerate(blocks):
    write("config", "readme-%d" % (i + 1), block)
    # Each account alone too, so the fuzzer starts from small files.
    for group in re.split(r"\n(?=\[)", block):
        found = re.search(r"^\[([^\]]+)\]", group, re.M)
        if found:
            write("config", "readme-%d-%s" % (i + 1, found.group(1)), group.strip() + "\n")

# ---- descriptor: the four plugins in fuzz-descriptor.c's format --------------

def opt(text):
    """take_optional(): a selector byte (0 mod 8: NULL), then the string and a NUL."""
    if text is None:
        return b"\x00"
    return b"\x01" + text.encode() + b"\x00"


# take_struct_size(): the low two bits pick a minor's size (3: the whole
# struct), the next five add 0..31 to it, less 16.
SIZE_OF_MINOR = {0: 0, 1: 1, 2: 2, None: 3}


def descriptor(name, description, token_url, grant, client_auth, body_format, params,
               token_field, token_type_field, expiry_field, expiry_form, expected_name=None,
               minor=None, size_of_minor=None, signin=None):
    """minor: the declared ABI 1.MINOR (None: the core's own); size_of_minor:
    struct_size that minor's size (None: the whole struct); signin: a dict
    of the fields of ABI 1.2 (authorization_url, device_authorization_url,
    revocation_url, grants (a list of CrGrantType values), default_scope,
    issuer), which the harness reads after the parameters."""
    n_params = 0 if params is None else len(params) + 1
    header = n_params | (0x10 if expected_name is not None else 0)
    header |= (0x40 if minor is not None else 0) | (0x20 if size_of_minor is not None else 0)
    out = bytes([header])
    if minor is not None:
        out += bytes([minor])
    if size_of_minor is not None:
        out += bytes([SIZE_OF_MINOR[size_of_minor] | (16 << 2)])
    out += opt(name) + opt(description) + opt(token_url)
    out += bytes([grant, client_auth, body_format])
    out += opt(token_field) + opt(token_type_field) + opt(expiry_field)
    out += bytes([expiry_form])
    if expected_name is not None:
        out += opt(expected_name)
    for param_name, presence, default in params or []:
        out += opt(param_name) + bytes([presence]) + opt(default)
    if signin is not None:
        out += opt(signin.get("authorization_url"))
        out += opt(signin.get("device_authorization_url"))
        out += opt(signin.get("revocation_url"))
        grants = 0
        for grant_value in signin.get("grants", []):
            grants |= 1 << grant_value
        out += bytes([grants])
        out += opt(signin.get("default_scope")) + opt(signin.get("issuer"))
    return out


# CR_GRANT_CLIENT_CREDENTIALS 1, CR_GRANT_PASSWORD 2, AUTHORIZATION_CODE 3,
# DEVICE_CODE 4, REFRESH_TOKEN 5; CR_CLIENT_AUTH_BASIC 1, BODY 2, BASIC_RAW 3,
# NONE 4; CR_BODY_FORM 1, JSON 2; CR_EXPIRY_SECONDS 1, ABSOLUTE 2.
write("descriptor", "acaengine", descriptor(
    "acaengine", "ACAEngine / PlaceOS (sign-in in the browser, or the legacy password grant)",
    "https://{host}/auth/oauth/token",
    2, 2, 1, [("authority", 1, None), ("scope", 0, None)],
    "access_token", "token_type", "expires_in", 1, "acaengine",
    signin={"authorization_url": "https://{host}/auth/oauth/authorize", "grants": [2, 3]}))
write("descriptor", "ants", descriptor(
    "ants", "ANTS (client credentials; scope: item, event, profile, promotion)",
    "https://iam.ants.tech/oauth/token", 1, 2, 1, [("scope", 1, None)],
    "accessToken", None, "accessTokenExpiresAt", 2, "ants"))
write("descriptor", "autograb", descriptor(
    "autograb", "AutoGrab (client credentials, HTTP Basic)",
    "https://api.autograb.com.au/auth-broker/request-token", 1, 1, 1, None,
    "access_token", "token_type", "expires_in", 1))
write("descriptor", "dataloy", descriptor(
    "dataloy", "Dataloy (client credentials, JSON body, per-customer token URL)", None,
    1, 2, 2, [("audience", 1, None)], "access_token", "token_type", "expires_in", 1, "dataloy"))
write("descriptor", "defaults", descriptor(
    "example", "Example with defaults", "https://auth.example.com/token", 1, 1, 2,
    [("scope", 1, "read write"), ("resource", 0, "https://api.example.com/"),
     ("audience", 0, None)],
    "token", "type", "expires_at", 2))

# ABI 1.2: a provider that signs people in, as tests/emulator/auth-server.py
# serves one: a public client, every grant, its endpoints and issuer.
SIGNIN = {"authorization_url": "https://login.example.com/oauth/authorize?tenant=t1",
          "device_authorization_url": "https://login.example.com/oauth/device",
          "revocation_url": "https://login.example.com/oauth/revoke",
          "grants": [3, 4, 2], "default_scope": "openid offline_access",
          "issuer": "https://login.example.com"}
write("descriptor", "signin-public", descriptor(
    "signin", "Sign-in (a public client)", "https://login.example.com/oauth/token",
    3, 4, 1, None, "access_token", "token_type", "expires_in", 1, signin=SIGNIN))
# The device grant by default, a JSON body (its sign-in requests are forms
# all the same), the endpoints per customer, and no revocation.
write("descriptor", "signin-device-json", descriptor(
    "device", "Device sign-in (JSON, per customer)", "https://{host}/token",
    4, 1, 2, [("audience", 0, "https://api.example.com"), ("scope", 1, "api")],
    "token", None, "expires", 1,
    signin={"device_authorization_url": "https://{host}/device", "grants": [4, 1]}))
# An issuer alone: the endpoints come from its metadata; an account names
# the authorization endpoint meanwhile.
write("descriptor", "signin-issuer-only", descriptor(
    "issuer", "Issuer only", None, 3, 1, 1, None, "access_token", "token_type",
    "expires_in", 1, signin={"issuer": "https://login.example.com/tenant", "grants": [3]}))
# Refused, each for a rule of ABI 1.2.
write("descriptor", "signin-grants-lack-default", descriptor(
    "signin", "Sign-in", "https://login.example.com/token", 1, 2, 1, None,
    "access_token", "token_type", "expires_in", 1, signin={"grants": [3, 4]}))
write("descriptor", "signin-refresh-grant", descriptor(
    "signin", "Sign-in", "https://login.example.com/token", 5, 2, 1, None,
    "access_token", "token_type", "expires_in", 1, signin={"grants": [5]}))
write("descriptor", "signin-scope-newline", descriptor(
    "signin", "Sign-in", "https://login.example.com/token", 4, 4, 1, None,
    "access_token", "token_type", "expires_in", 1,
    signin={"device_authorization_url": "https://login.example.com/device",
            "default_scope": "openid\nadmin"}))
# Older minors: 1.1 ends before the fields of 1.2, which are not read
# (whatever they hold), and 1.0 before the hooks; a 1.1 descriptor cannot
# name a grant or client authentication of 1.2.
write("descriptor", "abi-1.1", descriptor(
    "autograb", "AutoGrab (client credentials, HTTP Basic)",
    "https://api.autograb.com.au/auth-broker/request-token", 1, 3, 1, None,
    "access_token", "token_type", "expires_in", 1, minor=1, size_of_minor=1,
    signin={"authorization_url": "not a URL", "grants": [5, 6], "default_scope": ""}))
write("descriptor", "abi-1.0", descriptor(
    "ants", "ANTS", "https://iam.ants.tech/oauth/token", 1, 2, 1, [("scope", 1, None)],
    "accessToken", None, "accessTokenExpiresAt", 2, minor=0, size_of_minor=0))
write("descriptor", "abi-1.1-public-client", descriptor(
    "signin", "Sign-in", "https://login.example.com/token", 3, 4, 1, None,
    "access_token", "token_type", "expires_in", 1, minor=1, size_of_minor=1))

# ---- encoder: NUL-separated client_id, secret halves, password halves, -------
# ---- username, scope, authority, audience; then (ABI 1.2) the account's ------
# ---- grant, client_auth and redirect_uri, the code, verifier, device code, ---
# ---- refresh token, the listener's redirect URI, state and challenge ---------

def encoder(*fields):
    return "\0".join(fields)


def encoder_signin(grant, client_auth, redirect_uri, listener="", client_id="7f1c2c6e8a",
                   scope="openid", authority="sgrp-Q8f3Kc1"):
    """An account that signs a person in, with sample sign-in values."""
    return encoder(client_id, "ECOTBQNP", "44IFPCVMQNSZ", "correct horse", " battery staple",
                   "alice@example.com", scope, authority, "https://dataloy.dev",
                   grant, client_auth, redirect_uri,
                   "SplxlOBeZQQYbYS6WxSbIA", "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk",
                   "GmRhmhcxhwAzkoEqiMEg_DnyEysNkuNhszIySk9eS", "tGzv3JOkF0XG5Qx2TlKWIA",
                   listener, "af0ifjsldkj", "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM")


write("encoder", "readme-accounts", encoder(
    "7f1c2c6e8a", "ECOTBQNP", "44IFPCVMQNSZ", "correct horse", " battery staple",
    "alice@example.com", "item,event", "sgrp-Q8f3Kc1", "https://dataloy.dev"))
write("encoder", "ants", encoder(
    "26156a86-b739-4c6b-9de2-314228c3e6e5", "ECOTBQNP", "44IFPCVMQNSZ", "", "",
    "", "item,event,profile,promotion", "", ""))
write("encoder", "special-characters", encoder(
    "id:with:colons & spaces+plus", "p%40ss:w/rd=&+", "\"quoted\" \\ back",
    "pässwörd €", "\t\x01\x7f", "ü@example.com", "a b;c", "é/?#[]", "https://dataloy.dev/?a=b&c"))
write("encoder", "empty-required", encoder("", "", "", "", "", "", "", "", ""))
# ABI 1.2: RFC 6749, RFC 7636 and RFC 8628's sample values.
write("encoder", "signin-code", encoder_signin("authorization_code", "", "",
                                               "http://127.0.0.1:53117/callback"))
write("encoder", "signin-code-registered", encoder_signin(
    "authorization_code", "body", "http://[::1]:8400/cb/credring", scope=""))
write("encoder", "signin-device-public", encoder_signin("device_code", "none", ""))
write("encoder", "signin-basic-raw", encoder_signin(
    "", "basic-raw", "", client_id="id with space/and%", scope="a b;c"))
write("encoder", "signin-password-public", encoder_signin("password", "none", ""))
# Refused: a grant no provider names, a public client asking for a token
# of its own, redirect URIs RFC 8252 and the README rule out.
write("encoder", "grant-refresh-token", encoder_signin("refresh_token", "", ""))
write("encoder", "public-client-credentials", encoder_signin("client_credentials", "none", ""))
write("encoder", "redirect-localhost", encoder_signin(
    "authorization_code", "", "http://localhost:8400/callback"))
write("encoder", "redirect-query", encoder_signin(
    "authorization_code", "", "http://127.0.0.1:8400/callback?x=1"))
write("encoder", "redirect-port-0", encoder_signin("authorization_code", "", "http://127.0.0.1:0/"))

# ---- provider: examples/providers/*.conf, then edge cases --------------------

EXAMPLES = os.path.join(TOP, "examples", "providers")
for conf in sorted(os.listdir(EXAMPLES)):
    if conf.endswith(".conf"):
        with open(os.path.join(EXAMPLES, conf), "rb") as f:
            write("provider", conf[:-len(".conf")], f.read())

PROVIDER_HEAD = "[provider]\ndescription = Example API\n"
# Every key, and the values the examples do not use.
write("provider", "every-key", PROVIDER_HEAD + """\
token_url = https://login.{host}:8443/oauth/token?tenant=x
grant = password
client_auth = basic-raw
body = json
params = audience!; scope ;resource.id-2!;
token_field = token
token_type_field = type
expires_at_field = expires.at
""")
write("provider", "basic-expires-in", """# Comments and blank lines, the lines numbered.

[provider]
  description   =   \\sSpaced \\\\ escaped\\s
token_url=https://auth.example.com/token?x=1#frag
grant=client_credentials
client_auth=basic
body=form
expires_in_field = lifetime
""")
write("provider", "params-32", PROVIDER_HEAD + "grant = client_credentials\n"
      "client_auth = body\nbody = form\nparams = "
      + ";".join("p%d%s" % (i, "!" if i % 3 == 0 else "") for i in range(32)) + "\n")
PROVIDER_BASE = PROVIDER_HEAD + "grant = client_credentials\nclient_auth = body\nbody = form\n"
# CR LF line ends: GKeyFile drops the CR, so this loads.
write("provider", "crlf", PROVIDER_BASE.replace("\n", "\r\n"))
# Refused, each for one reason.
write("provider", "params-33", PROVIDER_BASE + "params = "
      + ";".join("p%d" % i for i in range(33)) + "\n")
write("provider", "param-reserved", PROVIDER_BASE + "params = scope;client_secret\n")
write("provider", "param-twice", PROVIDER_BASE + "params = scope!;scope\n")
write("provider", "translated-description", PROVIDER_BASE + "description[de] = Beispiel\n")
write("provider", "key-twice", PROVIDER_BASE + "grant = password\n")
write("provider", "group-twice", PROVIDER_BASE + "[provider]\nbody = json\n")
write("provider", "unknown-group", PROVIDER_BASE + "[extra]\nkey = value\n")
write("provider", "comment-after-value", PROVIDER_BASE.replace(
    "grant = client_credentials", "grant = client_credentials # the usual"))
write("provider", "expires-both", PROVIDER_BASE + "expires_in_field = a\nexpires_at_field = b\n")
write("provider", "empty-value", PROVIDER_BASE + "params =\n")
write("provider", "token-url-http", PROVIDER_BASE + "token_url = http://auth.example.com/token\n")
write("provider", "token-url-brace", PROVIDER_BASE + "token_url = https://{host}/{tenant}\n")
write("provider", "token-url-host-twice", PROVIDER_BASE + "token_url = https://{host}/{host}\n")
write("provider", "token-url-userinfo",
      PROVIDER_BASE + "token_url = https://user:pw@{host}/token\n")
write("provider", "param-account-key", PROVIDER_BASE + "params = scope;host!\n")
write("provider", "syntax-error", PROVIDER_BASE + "  not a key-value pair\n")
write("provider", "no-group", "description = Example API\n")

# ABI 1.2's keys: the sign-in grants, their endpoints, a default scope and
# an issuer (writing-a-provider.md).
write("provider", "signin-every-key", PROVIDER_HEAD + """\
issuer = https://login.example.com/tenant
token_url = https://login.{host}/oauth/token
authorization_url = https://login.{host}/oauth/authorize?prompt=login
device_authorization_url = https://login.{host}/oauth/device
revocation_url = https://login.{host}/oauth/revoke
grants = client_credentials; authorization_code ;device_code;password
grant = device_code
client_auth = none
body = json
default_scope = openid offline_access
params = audience;resource!
""")
# A JSON provider whose sign-in request is a form all the same; the
# endpoint the default grant needs is left to each account.
write("provider", "signin-code-json", PROVIDER_HEAD + """\
token_url = https://auth.example.com/token
grants = authorization_code;client_credentials
client_auth = basic
body = json
params = scope!
""")
write("provider", "signin-password-scope", PROVIDER_HEAD + """\
token_url = https://auth.example.com/token
grant = password
client_auth = body
body = form
default_scope = api.read
""")
# An issuer alone (with client_auth): the rest from its metadata.
write("provider", "issuer-only", PROVIDER_HEAD + "issuer = https://login.example.com\n")
write("provider", "issuer-public", PROVIDER_HEAD +
      "issuer = https://login.example.com\nclient_auth = none\n")
write("provider", "issuer-grants", PROVIDER_HEAD + "issuer = https://login.example.com/\n"
      "grants = device_code\ndevice_authorization_url = https://login.example.com/device\n")
# Refused, each for one rule of ABI 1.2.
write("provider", "grants-refresh", PROVIDER_HEAD + "grants = refresh_token\n"
      "client_auth = body\nbody = form\n")
write("provider", "grants-twice", PROVIDER_HEAD + "grants = password;password\n"
      "client_auth = body\nbody = form\n")
write("provider", "grants-empty-item", PROVIDER_HEAD + "grants = password;;device_code\n"
      "client_auth = body\nbody = form\n")
write("provider", "grant-not-in-grants", PROVIDER_HEAD + "grant = password\n"
      "grants = authorization_code\nclient_auth = none\nbody = form\n")
write("provider", "issuer-query", PROVIDER_HEAD + "issuer = https://login.example.com/?t=1\n")
write("provider", "issuer-host", PROVIDER_HEAD + "issuer = https://{host}/\n")
write("provider", "issuer-user", PROVIDER_HEAD + "issuer = https://me@login.example.com\n")
write("provider", "no-grant-no-issuer", PROVIDER_HEAD + "client_auth = body\nbody = form\n")
write("provider", "authorization-url-http", PROVIDER_BASE
      + "authorization_url = http://auth.example.com/authorize\n")
write("provider", "default-scope-long", PROVIDER_BASE + "default_scope = " + "s" * 201 + "\n")
write("provider", "param-signin-reserved", PROVIDER_BASE + "params = scope;redirect_uri\n")

# ---- metadata: a server's RFC 8414 document for https://login.example.com --

METADATA_ISSUER = "https://login.example.com"
# What tests/emulator/auth-server.py serves for a public client.
METADATA_EMULATOR = """{"issuer":"%(i)s","authorization_endpoint":"%(i)s/oauth/authorize",\
"token_endpoint":"%(i)s/oauth/token","device_authorization_endpoint":"%(i)s/oauth/device_authorization",\
"revocation_endpoint":"%(i)s/oauth/revoke","response_types_supported":["code"],\
"response_modes_supported":["query"],"grant_types_supported":["authorization_code",\
"refresh_token","urn:ietf:params:oauth:grant-type:device_code"],\
"code_challenge_methods_supported":["S256"],"token_endpoint_auth_methods_supported":["none"],\
"revocation_endpoint_auth_methods_supported":["none"],"scopes_supported":["openid","profile","api"]}""" % {
    "i": METADATA_ISSUER}
# An OpenID provider's shape: more members, nested objects, defaults left out.
METADATA_OPENID = """{
  "issuer": "%(i)s",
  "authorization_endpoint": "%(i)s/authorize",
  "token_endpoint": "%(i)s/token",
  "userinfo_endpoint": "%(i)s/userinfo",
  "jwks_uri": "%(i)s/keys",
  "token_endpoint_auth_methods_supported": ["client_secret_post", "private_key_jwt"],
  "claims_supported": ["sub", "email"],
  "mtls_endpoint_aliases": {"token_endpoint": "https://mtls.login.example.com/token"},
  "code_challenge_methods_supported": ["plain", "S256"]
}
""" % {"i": METADATA_ISSUER}
write("metadata", "emulator", METADATA_EMULATOR)
write("metadata", "openid", METADATA_OPENID)
write("metadata", "loopback-http", METADATA_EMULATOR.replace(
    METADATA_ISSUER + "/oauth/token", "http://127.0.0.1:8080/oauth/token"))
write("metadata", "wrong-issuer", METADATA_EMULATOR.replace(
    '"issuer":"%s"' % METADATA_ISSUER, '"issuer":"%s/other"' % METADATA_ISSUER))
write("metadata", "no-s256", METADATA_EMULATOR.replace('"S256"', '"plain"'))
write("metadata", "client-credentials", '{"issuer":"%s","token_endpoint":"%s/t",'
      '"grant_types_supported":["client_credentials"]}' % (METADATA_ISSUER, METADATA_ISSUER))

# ---- findings, minimised: each failed a harness once (see the tests named) ----

# tests/test-config.c /config/load/messages-printable
write("config", "message-escape-in-line", "[acct]\nbad line \x1b[2J\n")
write("config", "message-cr-in-value", b"[acct]\nprovider = ants\rinjected\xff\nclient_id = c\n")
write("config", "message-group-name", b"[a[b\xff]\nprovider = ants\n")
# tests/test-descriptor.c /descriptor/validate/description-controls
write("descriptor", "description-control", descriptor(
    "ants", "ANTS\rforged \x1b[2J", "https://iam.ants.tech/oauth/token", 1, 2, 1,
    [("scope", 1, None)], "accessToken", None, "accessTokenExpiresAt", 2))
# tests/test-descriptor.c /descriptor/validate/expected-name-escaped
write("descriptor", "expected-name-newline", descriptor(
    "ants", "ANTS", "https://iam.ants.tech/oauth/token", 1, 2, 1, [("scope", 1, None)],
    "accessToken", None, "accessTokenExpiresAt", 2, "ants\nfatal: forged line"))
# tests/test-request.c /request/wipe/basic and /request/wipe/form-body: the
# seed "ants" already holds a secret long enough for curl_easy_escape() to
# grow its buffer past the canary.
# tests/test-request.c /request/wipe/long-default: a default value long
# enough, escaped, to outgrow the request body's first allocation.
write("descriptor", "long-default", descriptor(
    "example", "Example", "https://auth.example.com/token", 1, 2, 1,
    [("scope", 0, "/" * 1000)], "token", "type", "expires_in", 1))
# tests/test-signin.c /signin/request/missing-grant-input: the request of a
# default grant that signs a person in, built without its code, dereferenced
# NULL (and so did cr_token_fetch() of such an account).
write("descriptor", "default-grant-without-code", descriptor(
    "signin", "Sign-in", "https://login.example.com/token", 3, 2, 1, None,
    "access_token", "token_type", "expires_in", 1,
    signin={"authorization_url": "https://login.example.com/authorize"}))
# tests/test-descriptor.c /descriptor/validate/issuer: RFC 8414 §2.
write("descriptor", "issuer-query", descriptor(
    "signin", "Sign-in", None, 3, 4, 1, None, "access_token", "token_type", "expires_in", 1,
    signin={"issuer": "https://login.example.com/?tenant=t1#x"}))
# tests/test-descriptor.c /descriptor/validate/token-url: {host} outside the
# host (a path, a query) or twice is refused, as provider files refuse it.
write("descriptor", "host-placeholder-in-path", descriptor(
    "tenant", "Tenant in the path", "https://auth.example.com/{host}/token", 1, 2, 1, None,
    "access_token", "token_type", "expires_in", 1,
    signin={"revocation_url": "https://auth.example.com/revoke?tenant={host}"}))
write("descriptor", "host-placeholder-twice", descriptor(
    "tenant", "Tenant twice", "https://{host}.{host}.example.com/token", 1, 2, 1, None,
    "access_token", "token_type", "expires_in", 1))
# tests/test-signin.c /signin/authorization-url/fragment: the parameters went
# after the endpoint's fragment.
write("descriptor", "authorization-url-fragment", descriptor(
    "signin", "Sign-in", "https://login.example.com/token", 3, 4, 1, None,
    "access_token", "token_type", "expires_in", 1,
    signin={"authorization_url": "https://login.example.com/authorize?tenant=t1#top"}))
# tests/test-signin.c /signin/account-keys/redirect-uri-path: a control
# character in a dot segment of redirect_uri, which GLib drops before the
# path was checked.
write("encoder", "redirect-dot-segment", encoder_signin(
    "authorization_code", "body", "http://[::1]:8400/cb/cr\x0f/../g"))
# tests/test-config.c /config/load/syntax-error and test-provider-file.c
# /provider-file/invalid/trailing-escape: GLib 2.74 set its GError twice.
write("config", "escape-then-trailing-backslash", "[acct]\nprovider = \\x\\\nclient_id = c\n")
write("provider", "escape-then-trailing-backslash", "[provider]\ndescription = \\x\\\n")
# tests/test-provider-file.c /provider-file/invalid/syntax: the line numbered
# must be the one GLib refused, CRLF line ends included.
write("provider", "syntax-line-numbered", "[provider]\n[a]b\nfoo\n")
write("provider", "syntax-line-crlf", b"[pro\xdbvider]\r\ndescription E Example API\r\n")
# tests/test-config.c /config/load/header-continuation-bytes and
# test-provider-file.c /provider-file/invalid/header-continuation-bytes:
# GKeyFile steps over bytes 0x80..0xBF after a header's ']'; the line index
# did not, and put the group's keys at line 0 or under the group before.
write("config", "header-continuation-bytes",
      b"[a]\nprovider = ants\nclient_id = c\n[b]\x9a\nprovider = ants\nclient_id = c\nextra = 1\n")
write("provider", "header-continuation-bytes", b"[provide\xf2]\xbd\ndescription = x\n")
# tests/test-discovery.c /discovery/metadata/not-json: yajl takes an
# unfinished string after the object for more input; the document then did
# not read back from the discovery cache's wrapper.
write("metadata", "unfinished-string-after", '{"issuer":"%s","token_endpoint":"%s/t"}"ab'
      % (METADATA_ISSUER, METADATA_ISSUER))
