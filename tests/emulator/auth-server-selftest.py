#!/usr/bin/python3
"""tests/emulator/auth-server.py, checked (TAP): that it enforces what it
says it does, so the sign-in tests that use it prove something.

Drives several emulators over HTTPS (the test CA of tests/make-test-ca.sh,
made in a temporary directory) with urllib, following redirects by hand.
AUTH_SERVER=path runs another copy of the emulator (to see these checks
fail against a broken one).
"""

import base64
import hashlib
import json
import os
import secrets
import shutil
import signal
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

here = os.path.dirname(os.path.abspath(__file__))
top = os.environ.get("abs_top_srcdir") or os.path.join(here, "..", "..")
EMULATOR = os.environ.get("AUTH_SERVER") or os.path.join(top, "tests", "emulator",
                                                          "auth-server.py")
DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"

results = []


def check(ok, what, diag=""):
    n = len(results) + 1
    results.append(ok)
    print("%s %d - %s" % ("ok" if ok else "not ok", n, what))
    if not ok and diag:
        for line in str(diag).splitlines():
            print("# " + line)
    sys.stdout.flush()


def is_(got, expected, what):
    check(got == expected, what, "     got: %r\nexpected: %r" % (got, expected))


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def pkce():
    verifier = b64url(secrets.token_bytes(32))
    return verifier, b64url(hashlib.sha256(verifier.encode()).digest())


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a 302 comes back as it is: the test follows it by hand


class Answer:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body

    def json(self):
        try:
            return json.loads(self.body.decode("utf-8"))
        except ValueError:
            return None

    def error(self):
        obj = self.json()
        return obj.get("error") if isinstance(obj, dict) else None

    def location_params(self):
        """The query of the Location header, as a dict (repeats refused)."""
        location = self.headers.get("Location")
        if location is None:
            return None
        pairs = urllib.parse.parse_qsl(urllib.parse.urlsplit(location).query)
        params = dict(pairs)
        return params if len(params) == len(pairs) else None


running = []  # emulators to stop, whatever happens


class Emulator:
    def __init__(self, tmp, ca_dir, *args):
        n = len(running)
        self.log = os.path.join(tmp, "auth.%d.log" % n)
        port_file = os.path.join(tmp, "auth.%d.port" % n)
        self.stderr = open(os.path.join(tmp, "auth.%d.stderr" % n), "w")
        self.proc = subprocess.Popen(
            [sys.executable, EMULATOR, "--cert", os.path.join(ca_dir, "server.pem"),
             "--key", os.path.join(ca_dir, "server-key.pem"), "--port-file", port_file,
             "--log", self.log] + list(args), stderr=self.stderr)
        running.append(self)
        for _ in range(100):
            if os.path.exists(port_file) or self.proc.poll() is not None:
                break
            time.sleep(0.05)
        if not os.path.exists(port_file):
            raise RuntimeError("auth-server did not start: %s" % " ".join(args))
        self.port = int(open(port_file).read())
        self.base = "https://127.0.0.1:%d" % self.port
        ctx = ssl.create_default_context(cafile=os.path.join(ca_dir, "ca.pem"))
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPSHandler(context=ctx), NoRedirect)

    def stop(self):
        if self.proc.returncode is not None:
            return self.proc.returncode
        self.proc.send_signal(signal.SIGTERM)
        try:
            status = self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            status = None
        self.stderr.close()
        return status

    def request(self, method, path, body=None, headers=None):
        url = path if path.startswith("https:") else self.base + path
        req = urllib.request.Request(url, data=body, method=method, headers=headers or {})
        try:
            with self.opener.open(req, timeout=10) as r:
                return Answer(r.status, r.headers, r.read())
        except urllib.error.HTTPError as e:
            return Answer(e.code, e.headers, e.read())

    def get(self, path, headers=None):
        return self.request("GET", path, None, headers)

    def post(self, path, form, headers=None, content_type="application/x-www-form-urlencoded"):
        body = form if isinstance(form, bytes) else urllib.parse.urlencode(form).encode()
        h = {"Content-Type": content_type}
        h.update(headers or {})
        return self.request("POST", path, body, h)

    def json(self, path):
        return self.get(path).json()

    def stats(self):
        return self.json("/_emulator/stats")

    def live(self, token):
        """Whether the emulator takes TOKEN as a live access token."""
        return self.get("/_emulator/check", {"Authorization": "Bearer " + token}).status == 200

    def log_lines(self):
        with open(self.log) as f:
            return [json.loads(line) for line in f]


def authorize(emu, prefix="/oauth", redirect_uri="http://127.0.0.1:43210/callback",
              **overrides):
    """A GET of the authorization endpoint: (answer, redirect params, verifier)."""
    verifier, challenge = pkce()
    params = {"response_type": "code", "client_id": "test-client",
              "redirect_uri": redirect_uri, "state": "st-" + secrets.token_hex(4),
              "code_challenge": challenge, "code_challenge_method": "S256",
              "scope": "openid api"}
    params.update(overrides)
    params = {k: v for k, v in params.items() if v is not None}
    answer = emu.get(prefix + "/authorize?" + urllib.parse.urlencode(params))
    return answer, answer.location_params(), verifier, params


def exchange(emu, code, verifier, prefix="/oauth",
             redirect_uri="http://127.0.0.1:43210/callback", headers=None, **extra):
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri,
            "code_verifier": verifier}
    if headers is None:
        form["client_id"] = "test-client"
    form.update(extra)
    form = {k: v for k, v in form.items() if v is not None}
    return emu.post(prefix + "/token", form, headers)


def fresh_tokens(emu, **kwargs):
    """A full code flow; the token answer's JSON (or {} if it failed)."""
    _, got, verifier, _ = authorize(emu)
    code = (got or {}).get("code", "")
    return exchange(emu, code, verifier, **kwargs).json() or {}


def refresh(emu, token, prefix="/oauth", **extra):
    form = {"grant_type": "refresh_token", "refresh_token": token, "client_id": "test-client"}
    form.update(extra)
    return emu.post(prefix + "/token", form)


def basic(client_id, secret):
    """RFC 6749 §2.3.1: each part form-urlencoded, then Basic."""
    pair = "%s:%s" % (urllib.parse.quote_plus(client_id), urllib.parse.quote_plus(secret))
    return {"Authorization": "Basic " + base64.b64encode(pair.encode()).decode()}


# ---------------------------------------------------------------- checks --

def public_client(tmp, ca):
    emu = Emulator(tmp, ca, "--iss")
    issuer = emu.base
    seen_secrets = []  # everything that must never reach the log

    meta = emu.json("/.well-known/oauth-authorization-server")
    is_(meta.get("issuer"), issuer, "metadata: issuer is https://127.0.0.1:PORT")
    is_((meta.get("authorization_endpoint"), meta.get("token_endpoint"),
         meta.get("device_authorization_endpoint"), meta.get("revocation_endpoint")),
        (issuer + "/oauth/authorize", issuer + "/oauth/token",
         issuer + "/oauth/device_authorization", issuer + "/oauth/revoke"),
        "metadata: the four endpoints under /oauth")
    is_((meta.get("code_challenge_methods_supported"),
         meta.get("token_endpoint_auth_methods_supported"),
         meta.get("response_types_supported"),
         meta.get("authorization_response_iss_parameter_supported")),
        (["S256"], ["none"], ["code"], True),
        "metadata: S256 only, a public client, code, iss parameter (--iss)")
    oidc = emu.json("/.well-known/openid-configuration")
    is_(oidc, meta, "OIDC discovery path serves the same metadata")

    is_(emu.json("/_emulator/last-verifier"), {"code_verifier": None},
        "/_emulator/last-verifier: null before any exchange")

    # The full flow, the 302 followed by hand.
    answer, got, verifier, sent = authorize(emu)
    location = answer.headers.get("Location") or ""
    is_(answer.status, 302, "authorize: 302")
    check(location.startswith("http://127.0.0.1:43210/callback?"),
          "authorize: back to the loopback redirect URI, any port (RFC 8252 §7.3)", location)
    got = got or {}
    is_((got.get("state"), got.get("iss")), (sent["state"], issuer),
        "authorize: state echoed, iss is the issuer (RFC 9207)")
    code = got.get("code", "")
    check(len(code) >= 32, "authorize: a code", got)
    seen_secrets += [code, verifier]
    first = exchange(emu, code, verifier)
    tokens = first.json() or {}
    is_(emu.json("/_emulator/last-verifier"), {"code_verifier": verifier},
        "/_emulator/last-verifier: the one the token endpoint received")
    is_((first.status, tokens.get("token_type"), tokens.get("expires_in"), tokens.get("scope")),
        (200, "Bearer", 3600, "openid api"), "token: 200 Bearer, expires_in, granted scope")
    is_((first.headers.get("Cache-Control"), first.headers.get("Pragma")),
        ("no-store", "no-cache"), "token: Cache-Control: no-store (RFC 6749 §5.1)")
    access, refresh1 = tokens.get("access_token", "x"), tokens.get("refresh_token", "y")
    seen_secrets += [access, refresh1]
    check(emu.live(access), "the access token is live")
    check(not emu.live(access + "x"), "a made-up access token is not")

    replay = exchange(emu, code, verifier)
    is_((replay.status, replay.error()), (400, "invalid_grant"), "a replayed code: invalid_grant")
    check(not emu.live(access), "a replayed code revokes the tokens issued for it (RFC 6749 §4.1.2)")
    is_(refresh(emu, refresh1).error(), "invalid_grant", "... its refresh token too")

    _, got, verifier, _ = authorize(emu)
    wrong = exchange(emu, got.get("code", ""), pkce()[0])
    is_((wrong.status, wrong.error()), (400, "invalid_grant"), "a wrong code_verifier: invalid_grant")
    _, got, verifier, _ = authorize(emu)
    no_verifier = exchange(emu, got.get("code", ""), None)
    is_(no_verifier.error(), "invalid_request", "no code_verifier: invalid_request")
    ok_after = exchange(emu, got.get("code", ""), verifier)
    is_(ok_after.status, 200, "... a request missing a parameter does not spend the code")

    _, got, verifier, _ = authorize(emu)
    other_port = exchange(emu, got.get("code", ""), verifier,
                          redirect_uri="http://127.0.0.1:43211/callback")
    is_(other_port.error(), "invalid_grant",
        "token: redirect_uri other than the authorize request's: invalid_grant")

    answer, got, _, sent = authorize(emu, code_challenge_method="plain")
    is_((answer.status, (got or {}).get("error"), (got or {}).get("state")),
        (302, "invalid_request", sent["state"]), "plain PKCE: redirect with invalid_request")
    answer, got, _, _ = authorize(emu, code_challenge_method=None)
    is_((got or {}).get("error"), "invalid_request", "no code_challenge_method: invalid_request")
    answer, got, _, _ = authorize(emu, code_challenge=None, code_challenge_method=None)
    is_((got or {}).get("error"), "invalid_request", "no PKCE at all: invalid_request")
    answer, got, _, _ = authorize(emu, state=None)
    is_((got or {}).get("error"), "invalid_request", "no state: invalid_request")
    answer, got, _, sent = authorize(emu, scope="openid admin")
    is_((got or {}).get("error"), "invalid_scope", "a scope not allowed: invalid_scope")
    answer = emu.get("/oauth/authorize?" + urllib.parse.urlencode(sent) + "&scope=api")
    is_((answer.location_params() or {}).get("error"), "invalid_request",
        "a repeated parameter: invalid_request")
    for uri, what in (("http://localhost:43210/callback", "localhost (not a loopback IP)"),
                      ("http://127.0.0.1:43210/other", "another path"),
                      ("http://127.0.0.1:43210/callback#x", "a fragment")):
        answer, _, _, _ = authorize(emu, redirect_uri=uri)
        is_((answer.status, answer.headers.get("Location"),
             (answer.headers.get("Content-Type") or "").split(";")[0]),
            (400, None, "text/html"), "redirect_uri with %s: 400 page, no redirect" % what)
    answer, _, _, _ = authorize(emu, client_id="someone-else")
    is_((answer.status, answer.headers.get("Location")), (400, None),
        "unknown client_id: 400 page, no redirect")
    answer, got, _, _ = authorize(emu, redirect_uri="http://127.0.0.1/callback")
    check("code" in (got or {}), "the registered redirect URI as it is (no port) works", got)

    # Rotation (RFC 9700 §4.14).
    tokens = fresh_tokens(emu)
    r1 = tokens.get("refresh_token", "r1")
    second = refresh(emu, r1)
    t2 = second.json() or {}
    r2 = t2.get("refresh_token", "r2")
    is_((second.status, r2 != r1, t2.get("scope")), (200, True, "openid api"),
        "refresh: 200, a new refresh token, the same scope")
    check(emu.live(t2.get("access_token", "")), "refresh: a live access token")
    current = emu.json("/_emulator/refresh-tokens")["current"]
    check(r2 in current and r1 not in current, "the family's current refresh token is the new one")
    revoked_before = emu.stats()["families_revoked"]
    reuse = refresh(emu, r1)
    is_((reuse.status, reuse.error()), (400, "invalid_grant"),
        "a superseded refresh token: invalid_grant")
    is_(refresh(emu, r2).error(), "invalid_grant", "... and the family's newest is dead too")
    check(not emu.live(t2.get("access_token", "")) and not emu.live(tokens.get("access_token", "")),
          "... and every access token of the family")
    is_(emu.stats()["families_revoked"], revoked_before + 1, "stats: one family revoked")
    seen_secrets += [r1, r2, t2.get("access_token", "")]

    tokens = fresh_tokens(emu)
    narrow = refresh(emu, tokens.get("refresh_token", ""), scope="api").json() or {}
    is_(narrow.get("scope"), "api", "refresh with a narrower scope")
    wide = refresh(emu, narrow.get("refresh_token", ""), scope="api profile")
    is_(wide.error(), "invalid_scope", "refresh asking beyond the original scope: invalid_scope")

    # Revocation (RFC 7009).
    tokens = fresh_tokens(emu)
    gone = emu.post("/oauth/revoke", {"token": tokens.get("refresh_token", ""),
                                      "token_type_hint": "refresh_token",
                                      "client_id": "test-client"})
    is_((gone.status, gone.body), (200, b""), "revoke: 200, empty body")
    is_(refresh(emu, tokens.get("refresh_token", "")).error(), "invalid_grant",
        "a revoked refresh token: invalid_grant")
    check(not emu.live(tokens.get("access_token", "")),
          "revoking a refresh token kills its family's access tokens")
    unknown = emu.post("/oauth/revoke", {"token": "no-such-token", "client_id": "test-client"})
    is_((unknown.status, unknown.body), (200, b""), "revoke of an unknown token: 200 (§2.2)")
    tokens = fresh_tokens(emu)
    emu.post("/oauth/revoke", {"token": tokens.get("access_token", ""), "client_id": "test-client"})
    check(not emu.live(tokens.get("access_token", "")), "revoke an access token: it is dead")
    is_(refresh(emu, tokens.get("refresh_token", "")).status, 200,
        "... and its refresh token still works")

    # Public client authentication.
    _, got, verifier, _ = authorize(emu)
    with_secret = exchange(emu, got.get("code", ""), verifier, client_secret="guess")
    is_((with_secret.status, with_secret.error()), (400, "invalid_client"),
        "a public client sending a client_secret: invalid_client")
    with_basic = exchange(emu, got.get("code", ""), verifier, headers=basic("test-client", "x"))
    is_((with_basic.status, with_basic.error(), with_basic.headers.get("WWW-Authenticate")),
        (401, "invalid_client", 'Basic realm="auth-server"'),
        "a public client sending Basic: 401 invalid_client + WWW-Authenticate")
    no_id = exchange(emu, got.get("code", ""), verifier, client_id=None)
    is_(no_id.error(), "invalid_request", "a public client without client_id: invalid_request")
    body = urllib.parse.urlencode({"grant_type": "authorization_code", "code": "c",
                                   "redirect_uri": "x", "code_verifier": "v",
                                   "client_id": "test-client"}).encode()
    is_(emu.post("/oauth/token", body, content_type="application/json").error(),
        "invalid_request", "token: a Content-Type other than a form: invalid_request")
    is_(emu.post("/oauth/token", body + b"&client_id=test-client").error(), "invalid_request",
        "token: a repeated parameter: invalid_request")
    is_(emu.post("/oauth/token", {"grant_type": "password", "username": "u", "password": "p",
                                  "client_id": "test-client"}).error(),
        "unsupported_grant_type", "password grant without --password: unsupported_grant_type")
    is_(emu.get("/oauth/token").status, 405, "GET on the token endpoint: 405")
    is_(emu.get("/nowhere").status, 404, "an unknown path: 404")

    # Device authorization (RFC 8628), interval 5: two polls at once are too fast.
    da = emu.post("/oauth/device_authorization", {"client_id": "test-client", "scope": "api"})
    dev = da.json() or {}
    is_((da.status, dev.get("verification_uri"), dev.get("interval"), dev.get("expires_in")),
        (200, emu.base + "/device", 5, 600), "device_authorization: 200, verification_uri, interval")
    user_code = dev.get("user_code", "")
    check(len(user_code) == 9 and user_code[4] == "-" and
          user_code.replace("-", "").isalpha() and user_code.isupper(),
          "device_authorization: a user code like WDJB-MJHT", user_code)
    poll = {"grant_type": DEVICE_GRANT, "device_code": dev.get("device_code", ""),
            "client_id": "test-client"}
    is_(emu.post("/oauth/token", poll).error(), "authorization_pending", "device: pending")
    is_(emu.post("/oauth/token", poll).error(), "slow_down", "device: polled at once: slow_down")
    seen_secrets += [dev.get("device_code", ""), user_code]

    da = emu.post("/oauth/device_authorization", {"client_id": "test-client"})
    dev = da.json() or {}
    page = emu.get(dev.get("verification_uri_complete", "/device"))
    is_((page.status, b"approved" in page.body), (200, True),
        "device: the verification_uri_complete page approves")
    poll = dict(poll, device_code=dev.get("device_code", ""))
    done = emu.post("/oauth/token", poll)
    dtok = done.json() or {}
    is_((done.status, dtok.get("scope")), (200, "openid profile api"),
        "device: tokens once approved (default scope)")
    check(emu.live(dtok.get("access_token", "")), "device: a live access token")
    is_(emu.post("/oauth/token", poll).error(), "invalid_grant", "device: a second use: invalid_grant")
    da = emu.post("/oauth/device_authorization", {"client_id": "test-client"}).json() or {}
    denied = emu.post("/_emulator/device/deny", {"user_code": da.get("user_code", "")})
    is_(denied.status, 204, "/_emulator/device/deny: 204")
    is_(emu.post("/oauth/token", dict(poll, device_code=da.get("device_code", ""))).error(),
        "access_denied", "device: denied -> access_denied")
    is_(emu.post("/_emulator/device/approve", {"user_code": "BCDF-GHJK"}).status, 404,
        "/_emulator/device/approve of an unknown code: 404")
    seen_secrets += [dev.get("device_code", ""), dtok.get("access_token", ""),
                     dtok.get("refresh_token", "")]

    emu.post("/_emulator/expire-access-tokens", b"")
    check(not emu.live(dtok.get("access_token", "")), "expire-access-tokens kills access tokens")

    stats = emu.stats()
    lines = emu.log_lines()
    is_(stats["authorize"], sum(1 for e in lines if e["path"] == "/oauth/authorize"),
        "stats: authorize count matches the log")
    is_(stats["token"][DEVICE_GRANT], 5, "stats: the 5 device_code polls counted")
    fields = {"path", "method", "grant_type", "client_auth", "status", "error",
              "has_code_verifier", "has_state", "redirect_port"}
    check(all(fields <= set(e) for e in lines), "log: every line has the fields")
    token_lines = [e for e in lines if e["grant_type"] == "authorization_code"]
    check(any(e["has_code_verifier"] for e in token_lines) and
          any(not e["has_code_verifier"] for e in token_lines),
          "log: has_code_verifier says whether there was one")
    check(any(e["redirect_port"] == 43211 for e in token_lines), "log: redirect_port")
    with open(emu.log) as f:
        text = f.read()
    leaked = [s for s in seen_secrets if s and s in text]
    check(text and not leaked, "log: no code, verifier, token or user code in it",
          "%d leaked" % len(leaked))
    check(not any(e["path"].startswith("/_emulator") for e in lines), "log: no test hooks")
    is_(emu.stop(), 0, "SIGTERM: a clean exit")


def confidential_client(tmp, ca):
    secret = "s3cr+t/=?"
    emu = Emulator(tmp, ca, "--prefix", "/auth/oauth", "--issuer-path", "/tenant",
                   "--client-secret", secret, "--device-expires-in", "1",
                   "--device-interval", "0", "--password", "alice:pw")
    issuer = emu.base + "/tenant"
    meta = emu.json("/.well-known/oauth-authorization-server/tenant")
    is_((meta or {}).get("issuer"), issuer,
        "--issuer-path: metadata at /.well-known/oauth-authorization-server/tenant")
    is_(emu.json("/tenant/.well-known/openid-configuration"), meta,
        "--issuer-path: OIDC discovery at ISSUER/.well-known/openid-configuration")
    is_(emu.get("/.well-known/oauth-authorization-server").status, 404,
        "--issuer-path: nothing at the bare well-known path")
    is_(((meta or {}).get("token_endpoint"), (meta or {}).get("token_endpoint_auth_methods_supported")),
        (emu.base + "/auth/oauth/token", ["client_secret_basic"]),
        "--prefix /auth/oauth: PlaceOS's token path; client_secret_basic")
    check("iss" not in (authorize(emu, prefix="/auth/oauth")[1] or {"iss": 1}),
          "no iss parameter without --iss")

    auth = basic("test-client", secret)
    _, got, verifier, _ = authorize(emu, prefix="/auth/oauth")
    code = (got or {}).get("code", "")
    none = exchange(emu, code, verifier, prefix="/auth/oauth")
    is_((none.status, none.error(), none.headers.get("WWW-Authenticate")),
        (401, "invalid_client", 'Basic realm="auth-server"'),
        "confidential: no authentication: 401 invalid_client + WWW-Authenticate")
    in_body = exchange(emu, code, verifier, prefix="/auth/oauth", client_secret=secret)
    is_((in_body.status, in_body.error()), (401, "invalid_client"),
        "confidential (basic): the secret in the body: invalid_client")
    both = exchange(emu, code, verifier, prefix="/auth/oauth", headers=auth, client_secret=secret)
    is_((both.status, both.error()), (400, "invalid_request"),
        "both Basic and client_secret: invalid_request")
    wrong = exchange(emu, code, verifier, prefix="/auth/oauth",
                     headers=basic("test-client", secret + "x"))
    is_((wrong.status, wrong.error()), (401, "invalid_client"), "a wrong secret: 401 invalid_client")
    raw_pair = base64.b64encode(("test-client:" + secret).encode()).decode()
    raw = exchange(emu, code, verifier, prefix="/auth/oauth",
                   headers={"Authorization": "Basic " + raw_pair})
    is_(raw.error(), "invalid_client", "Basic without form-urlencoding the secret: invalid_client")
    good = exchange(emu, code, verifier, prefix="/auth/oauth", headers=auth)
    is_(good.status, 200, "confidential: Basic of the form-urlencoded pair: tokens")
    tokens = good.json() or {}
    r = emu.post("/auth/oauth/token", {"grant_type": "refresh_token",
                                       "refresh_token": tokens.get("refresh_token", "")}, auth)
    is_(r.status, 200, "confidential: refresh with Basic")
    no_auth_revoke = emu.post("/auth/oauth/revoke", {"token": tokens.get("access_token", "")})
    is_((no_auth_revoke.status, no_auth_revoke.error()), (401, "invalid_client"),
        "revoke wants client authentication too")
    pw = emu.post("/auth/oauth/token", {"grant_type": "password", "username": "alice",
                                        "password": "pw"}, auth)
    is_((pw.status, "refresh_token" in (pw.json() or {})), (200, True),
        "--password: the password grant, with a refresh token")
    bad_pw = emu.post("/auth/oauth/token", {"grant_type": "password", "username": "alice",
                                            "password": "px"}, auth)
    is_(bad_pw.error(), "invalid_grant", "--password: a wrong password: invalid_grant")

    dev = emu.post("/auth/oauth/device_authorization", {}, auth).json() or {}
    time.sleep(1.1)
    expired = emu.post("/auth/oauth/token", {"grant_type": DEVICE_GRANT,
                                             "device_code": dev.get("device_code", "")}, auth)
    is_(expired.error(), "expired_token", "device: after expires_in: expired_token")
    emu.stop()


def body_client_and_variants(tmp, ca):
    emu = Emulator(tmp, ca, "--client-secret", "sec", "--client-auth", "body",
                   "--no-rotate", "--slow-down-once", "--device-interval", "0")
    meta = emu.json("/.well-known/oauth-authorization-server") or {}
    is_(meta.get("token_endpoint_auth_methods_supported"), ["client_secret_post"],
        "--client-auth body: metadata says client_secret_post")
    _, got, verifier, _ = authorize(emu)
    code = (got or {}).get("code", "")
    hdr = exchange(emu, code, verifier, headers=basic("test-client", "sec"))
    is_((hdr.status, hdr.error()), (401, "invalid_client"),
        "--client-auth body: Basic refused (401)")
    no_secret = exchange(emu, code, verifier)
    is_((no_secret.status, no_secret.error()), (400, "invalid_client"),
        "--client-auth body: no secret: 400 invalid_client")
    good = exchange(emu, code, verifier, client_secret="sec")
    tokens = good.json() or {}
    is_(good.status, 200, "--client-auth body: client_id + client_secret in the body: tokens")
    rt = tokens.get("refresh_token", "")
    form = {"grant_type": "refresh_token", "refresh_token": rt, "client_id": "test-client",
            "client_secret": "sec"}
    one = emu.post("/oauth/token", form)
    two = emu.post("/oauth/token", form)
    is_((one.status, "refresh_token" in (one.json() or {}), two.status), (200, False, 200),
        "--no-rotate: no new refresh token; the old one keeps working")

    dev = emu.post("/oauth/device_authorization",
                   {"client_id": "test-client", "client_secret": "sec"}).json() or {}
    emu.post("/_emulator/device/approve", {"user_code": dev.get("user_code", "")})
    poll = {"grant_type": DEVICE_GRANT, "device_code": dev.get("device_code", ""),
            "client_id": "test-client", "client_secret": "sec"}
    is_(emu.post("/oauth/token", poll).error(), "slow_down",
        "--slow-down-once: the first poll gets slow_down")
    emu.stop()


def odd_servers(tmp, ca):
    emu = Emulator(tmp, ca, "--wrong-issuer-in-metadata", "--wrong-iss", "--deny",
                   "--exact-port", "--redirect-uri", "http://127.0.0.1:43210/callback")
    meta = emu.json("/.well-known/oauth-authorization-server") or {}
    check(meta.get("issuer") not in (None, emu.base),
          "--wrong-issuer-in-metadata: an issuer that is not the server's", meta.get("issuer"))
    answer, got, _, sent = authorize(emu)
    got = got or {}
    is_((got.get("error"), got.get("error_description"), got.get("state")),
        ("access_denied", "The user denied the request", sent["state"]),
        "--deny: error=access_denied with state")
    check(got.get("iss") not in (None, emu.base), "--wrong-iss: a different iss", got.get("iss"))
    answer, _, _, _ = authorize(emu, redirect_uri="http://127.0.0.1:43211/callback")
    is_((answer.status, answer.headers.get("Location")), (400, None),
        "--exact-port: another port is refused")
    emu.stop()

    emu = Emulator(tmp, ca, "--redirect-uri", "http://localhost/callback")
    answer, _, _, _ = authorize(emu, redirect_uri="http://localhost:43210/callback")
    is_((answer.status, answer.headers.get("Location")), (400, None),
        "a registered localhost URI is not a loopback IP one: no other port")
    answer, got, _, _ = authorize(emu, redirect_uri="http://localhost/callback")
    check("code" in (got or {}), "... it matches as it is", got)
    emu.stop()

    emu = Emulator(tmp, ca, "--device-code-lifetime", "1", "--device-interval", "0")
    dev = emu.post("/oauth/device_authorization", {"client_id": "test-client"}).json() or {}
    is_(dev.get("expires_in"), 600, "--device-code-lifetime: the default expires_in announced")
    time.sleep(1.1)
    late = emu.post("/oauth/token", {"grant_type": DEVICE_GRANT, "client_id": "test-client",
                                     "device_code": dev.get("device_code", "")})
    is_((late.status, late.error()), (400, "expired_token"),
        "--device-code-lifetime 1: expired_token after a second all the same")
    emu.stop()

    emu = Emulator(tmp, ca, "--no-metadata", "--no-refresh")
    is_(emu.get("/.well-known/oauth-authorization-server").status, 404, "--no-metadata: 404")
    tokens = fresh_tokens(emu)
    check("access_token" in tokens and "refresh_token" not in tokens,
          "--no-refresh: no refresh token", sorted(tokens))
    emu.stop()


def main():
    tmp = tempfile.mkdtemp(prefix="auth-selftest.")
    try:
        ca = os.path.join(tmp, "ca")
        subprocess.run(["sh", os.path.join(top, "tests", "make-test-ca.sh"), ca], check=True)
        work = os.path.join(tmp, "run")
        os.mkdir(work)
        for part in (public_client, confidential_client, body_client_and_variants, odd_servers):
            part(work, ca)
    except Exception as e:  # an emulator that did not start, a crash here
        print("Bail out! %s: %r" % (type(e).__name__, e))
        return 1
    finally:
        for emu in running:
            emu.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    print("1..%d" % len(results))
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
