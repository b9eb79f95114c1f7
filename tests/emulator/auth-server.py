#!/usr/bin/python3
"""A strict OAuth 2.0 authorization server, for credring's sign-in flows (issue #11).

It enforces what the RFCs require of a client and answers in the RFC shapes,
errors included; a client that gets a token here has done what the RFCs say:
  RFC 6749  authorization code grant, refresh tokens, the §5.2 error shape
            (400; 401 + WWW-Authenticate for invalid_client when the client
            used, or is registered for, HTTP Basic), client authentication
            (§2.3.1: Basic of the form-urlencoded id and secret, or both in the
            body, never both ways at once), parameters never repeated, empty
            values as if omitted, unknown parameters ignored;
  RFC 7636  PKCE, S256 only: every authorization request must carry it;
  RFC 8252  loopback redirect URIs (§7.3): any port, unless --exact-port;
  RFC 8628  device authorization grant, slow_down growing the interval by 5 s;
  RFC 7009  revocation (200 and an empty body, even for unknown tokens);
  RFC 8414  metadata (and the same at OIDC Discovery's path);
  RFC 9207  the `iss` authorization response parameter (--iss);
  RFC 9700  §4.14 refresh token rotation with reuse detection: presenting a
            superseded refresh token revokes its whole family.

Endpoints (PREFIX is --prefix, default /oauth):
  GET  PREFIX/authorize            approves at once: 302 to the redirect URI
  POST PREFIX/token                grant types authorization_code,
                                   refresh_token, device_code (RFC 8628),
                                   password (only with --password)
  POST PREFIX/device_authorization
  POST PREFIX/revoke
  GET  /.well-known/oauth-authorization-server[ISSUER-PATH]   metadata
  GET  [ISSUER-PATH]/.well-known/openid-configuration         the same
                                   (--metadata-at: only one of the two;
                                   --metadata-cache-control: its header)
  GET  /device[?user_code=X]       the page a person visits: approves X at once
                                   (denies it with --deny), or shows a form
Test hooks (not logged):
  GET  /_emulator/check            Authorization: Bearer T -> 200 if T is a
                                   live access token, else 401 invalid_token
  GET  /_emulator/stats            request counts (JSON)
  GET  /_emulator/refresh-tokens   {"current": [newest live refresh token of
                                   each live family], "live_families": n}
  GET  /_emulator/last-verifier    {"code_verifier": the last one the token
                                   endpoint received, or null}: for tests
                                   that look for it where it must not be
  POST /_emulator/expire-access-tokens          every access token dies -> 204
  POST /_emulator/device/approve   body user_code=X -> 204, 404 if unknown
  POST /_emulator/device/deny      body user_code=X -> 204, 404 if unknown
Anything else: 404 (JSON); a known path with another method: 405.

A "family" is everything one grant (a code, a device code, a password)
produced: its access tokens and its chain of refresh tokens.  Revoking a
family kills all of them.

Each request on the OAuth endpoints (not /_emulator/) appends one JSON line
to --log; no code, verifier, token, user code, password or secret is ever
logged, nor a query string.

Python 3 standard library only.
"""

import argparse
import base64
import binascii
import hashlib
import html
import json
import re
import secrets
import sys
import threading
import time
import urllib.parse
import serving

FORM = "application/x-www-form-urlencoded"
MAX_BODY = 64 * 1024
DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
GRANT_TYPES = ("authorization_code", "refresh_token", DEVICE_GRANT, "password")
CODE_LIFETIME = 60               # seconds an authorization code lives
SLOW_DOWN_STEP = 5               # RFC 8628 §3.5
# RFC 8628 §6.1: base-20, no vowels (no words), no look-alikes.
USER_CODE_ALPHABET = "BCDFGHJKLMNPQRSTVWXZ"
# RFC 7636 §4.1: unreserved characters, 43 to 128 of them.
PKCE_VALUE = re.compile(r"[A-Za-z0-9._~-]{43,128}")
# RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E )
SCOPE_TOKEN = re.compile(r"[\x21\x23-\x5b\x5d-\x7e]+")
REALM = 'Basic realm="auth-server"'


class Reject(Exception):
    """An OAuth error: status, error code, description (never a secret in it)."""

    def __init__(self, status, error, description, headers=None):
        super().__init__(description)
        self.status = status
        self.error = error
        self.description = description
        self.headers = headers or {}


def bad_request(description):
    return Reject(400, "invalid_request", description)


def invalid_grant(description):
    return Reject(400, "invalid_grant", description)


# ---------------------------------------------------------------- decoding --

def form_unescape(raw):
    try:
        return serving.percent_decode(raw)
    except ValueError as e:
        raise bad_request("parameters: %s" % e)


def parse_form(raw):
    """A form body or query string as (params, repeated names).

    RFC 6749 §3.1/§3.2: a parameter sent without a value is as if omitted, so
    PARAMS holds only non-empty values; a name that comes more than once (with
    or without values) is in REPEATED, for the caller to refuse."""
    params, seen, repeated = {}, set(), set()
    if raw == b"":
        return params, repeated
    for part in raw.split(b"&"):
        if b"=" not in part:
            raise bad_request("malformed form data (a part without '=')")
        name, value = part.split(b"=", 1)
        name, value = form_unescape(name), form_unescape(value)
        if name == "":
            raise bad_request("malformed form data (an empty parameter name)")
        if name in seen:
            repeated.add(name)
        seen.add(name)
        if value != "":
            params[name] = value
    return params, repeated


def refuse_repeated(repeated):
    if repeated:
        raise bad_request("parameter %s is repeated" % ", ".join(sorted(repeated)))


def parse_scope(text):
    """RFC 6749 §3.3: scope tokens separated by single spaces, as a list; a
    malformed value is invalid_scope."""
    tokens = text.split(" ")
    if not all(SCOPE_TOKEN.fullmatch(t) for t in tokens):
        raise Reject(400, "invalid_scope", "scope is malformed (RFC 6749 §3.3)")
    return tokens


def new_secret():
    """An opaque, unguessable value: codes, tokens, device codes."""
    return serving.b64url(secrets.token_bytes(32))


# ------------------------------------------------------------------- state --

class Family:
    """What one grant produced; revoking it kills every token in it."""

    def __init__(self, client_id, scope):
        self.client_id = client_id
        self.scope = scope            # granted scope tokens (a list)
        self.revoked = False
        self.access = []              # AccessToken objects
        self.current = None           # the newest refresh token (string)


class AccessToken:
    def __init__(self, family, expires):
        self.family = family
        self.expires = expires
        self.dead = False

    def live(self, now):
        return not self.dead and not self.family.revoked and now < self.expires


class RefreshToken:
    def __init__(self, family, expires):
        self.family = family
        self.expires = expires
        self.superseded = False


class Code:
    def __init__(self, client_id, redirect_uri, challenge, scope, expires):
        self.client_id = client_id
        self.redirect_uri = redirect_uri
        self.challenge = challenge
        self.scope = scope
        self.expires = expires
        self.spent = False
        self.family = None            # set when it was exchanged for tokens


class Device:
    def __init__(self, client_id, user_code, scope, expires, interval):
        self.client_id = client_id
        self.user_code = user_code
        self.scope = scope
        self.expires = expires
        self.interval = interval
        self.last_poll = None
        self.polls = 0
        self.status = "pending"       # pending, approved, denied
        self.spent = False


class State:
    """Everything issued, behind one lock (the server is threaded)."""

    def __init__(self, args):
        self.args = args
        self.lock = threading.Lock()
        self.log_lock = threading.Lock()
        self.codes = {}
        self.access = {}
        self.refresh = {}
        self.families = []
        self.devices = {}             # device_code -> Device
        self.last_verifier = None     # the last code_verifier received
        self.user_codes = {}          # normalized user code -> device_code
        self.stats = {"authorize": 0, "token": {g: 0 for g in GRANT_TYPES},
                      "device_authorization": 0, "revoke": 0, "metadata": 0,
                      "families_revoked": 0}

    # All the methods below expect self.lock to be held.

    def revoke_family(self, family):
        if not family.revoked:
            family.revoked = True
            self.stats["families_revoked"] += 1

    def issue(self, family, scope, with_refresh):
        """A token response for FAMILY: a new access token of SCOPE, and a
        new refresh token (superseding the family's current one) if asked."""
        now = time.time()
        access = new_secret()
        token = AccessToken(family, now + self.args.expires_in)
        self.access[access] = token
        family.access.append(token)
        answer = {"access_token": access, "token_type": "Bearer",
                  "expires_in": self.args.expires_in}
        if with_refresh:
            refresh = new_secret()
            if family.current is not None:
                self.refresh[family.current].superseded = True
            self.refresh[refresh] = RefreshToken(family, now + self.args.refresh_expires_in)
            family.current = refresh
            answer["refresh_token"] = refresh
        answer["scope"] = " ".join(scope)
        return answer

    def new_family(self, client_id, scope):
        family = Family(client_id, scope)
        self.families.append(family)
        return family

    def find_device_by_user_code(self, user_code):
        """RFC 8628 §6.1: case and dashes do not matter to the person typing."""
        key = normalize_user_code(user_code)
        device_code = self.user_codes.get(key)
        if device_code is None:
            return None
        device = self.devices[device_code]
        if time.time() >= device.expires or device.spent:
            return None
        return device

    def log(self, entry):
        if not self.args.log:
            return
        with self.log_lock, open(self.args.log, "a", encoding="utf-8") as f:
            f.write(json.dumps(entry, sort_keys=True) + "\n")


def normalize_user_code(text):
    return re.sub(r"[\s-]", "", text).upper()


# -------------------------------------------------------------- the server --

class Handler(serving.QuietHandler):
    server_version = "auth-server"

    # -- plumbing

    def send_json(self, status, obj, headers=None):
        data = b"" if obj is None else json.dumps(obj, separators=(",", ":")).encode()
        self.send(status, None if obj is None else "application/json", data, headers)

    def send_html(self, status, title, body_html):
        page = ("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>%s</title>"
                "</head>\n<body><h1>%s</h1>\n%s\n</body></html>\n"
                % (html.escape(title), html.escape(title), body_html))
        self.send(status, "text/html; charset=utf-8", page.encode("utf-8"),
                  {"Cache-Control": "no-store"})

    def send_error_json(self, reject, no_store=False):
        headers = dict(reject.headers)
        if no_store:
            headers.update({"Cache-Control": "no-store", "Pragma": "no-cache"})
        self.send_json(reject.status, {"error": reject.error,
                                       "error_description": reject.description}, headers)

    def read_body(self):
        if self.headers.get("Transfer-Encoding") is not None:
            raise bad_request("chunked request bodies are not accepted")
        length = self.headers.get("Content-Length")
        if length is None or not length.isdigit():
            raise bad_request("Content-Length is required")
        if int(length) > MAX_BODY:
            raise bad_request("request body too large")
        return self.rfile.read(int(length))

    def base_url(self):
        return "%s://127.0.0.1:%d" % ("https" if self.server.args.cert else "http",
                                      self.server.server_address[1])

    def issuer(self):
        return self.base_url() + self.server.args.issuer_path

    # -- dispatch

    def do_GET(self):
        self.dispatch("GET")

    def do_POST(self):
        self.dispatch("POST")

    def do_HEAD(self):
        self.dispatch("HEAD")

    def do_PUT(self):
        self.dispatch("PUT")

    def do_DELETE(self):
        self.dispatch("DELETE")

    def do_PATCH(self):
        self.dispatch("PATCH")

    def do_OPTIONS(self):
        self.dispatch("OPTIONS")

    def routes(self):
        """path -> (method, handler, logged)"""
        a = self.server.args
        p = a.prefix
        r = {p + "/authorize": ("GET", self.authorize, True),
             p + "/token": ("POST", self.token, True),
             p + "/device_authorization": ("POST", self.device_authorization, True),
             p + "/revoke": ("POST", self.revoke, True),
             "/device": ("GET", self.device_page, True),
             "/_emulator/check": ("GET", self.hook_check, False),
             "/_emulator/stats": ("GET", self.hook_stats, False),
             "/_emulator/refresh-tokens": ("GET", self.hook_refresh_tokens, False),
             "/_emulator/last-verifier": ("GET", self.hook_last_verifier, False),
             "/_emulator/expire-access-tokens": ("POST", self.hook_expire, False),
             "/_emulator/device/approve": ("POST", self.hook_device_approve, False),
             "/_emulator/device/deny": ("POST", self.hook_device_deny, False)}
        if not a.no_metadata:
            # RFC 8414 §3.1: the well-known segment goes before the issuer's
            # path; OIDC Discovery §4 appends it to the issuer.
            if a.metadata_at in ("both", "oauth"):
                r["/.well-known/oauth-authorization-server" + a.issuer_path] = \
                    ("GET", self.metadata, True)
            if a.metadata_at in ("both", "openid"):
                r[a.issuer_path + "/.well-known/openid-configuration"] = \
                    ("GET", self.metadata, True)
        return r

    def dispatch(self, method):
        self.close_connection = True  # one request per connection keeps it simple
        path, _, query = self.path.partition("?")
        self.query = query.encode("latin-1", "replace")
        route = self.routes().get(path)
        self.entry = None
        if route is not None and route[2]:
            self.entry = {"time": round(time.time(), 3), "path": path, "method": method,
                          "grant_type": None, "client_auth": "none", "status": None,
                          "error": None, "description": None,
                          "has_code_verifier": False, "has_code_challenge": False,
                          "code_challenge_method": None, "has_state": False,
                          "response_type": None, "redirect_uri": None,
                          "redirect_port": None,
                          "scope": None, "token_type_hint": None,
                          "content_type": self.headers.get("Content-Type"),
                          "issued": [], "family_revoked": False}
        try:
            if route is None:
                raise Reject(404, "not_found", "no such path: %s" % path)
            if method != route[0]:
                raise Reject(405, "invalid_request", "method must be %s" % route[0],
                             {"Allow": route[0]})
            route[1]()
        except Reject as reject:
            self.finish_entry(reject.status, reject)
            self.send_error_json(reject, no_store=path.startswith(self.server.args.prefix))
        except (BrokenPipeError, ConnectionResetError):
            pass

    def finish_entry(self, status, reject=None):
        """Log the request's line (before answering: a client that has its
        answer finds the line)."""
        if self.entry is None:
            return
        self.entry["status"] = status
        if reject is not None:
            self.entry["error"] = reject.error
            self.entry["description"] = reject.description
        self.server.state.log(self.entry)
        self.entry = None

    # -- client authentication (RFC 6749 §2.3)

    def form_request(self):
        """The form body of a POST endpoint: its params, after the checks
        every such endpoint makes."""
        if self.query:
            # RFC 6749 §2.3.1/§3.2: parameters, credentials above all, go in
            # the body, never in the URI.
            raise bad_request("parameters must be in the request body, not the URI")
        body = self.read_body()
        if not serving.media_type_ok(self.headers.get("Content-Type"), FORM):
            raise bad_request("Content-Type must be %s" % FORM)
        params, repeated = parse_form(body)
        refuse_repeated(repeated)
        return params

    def authenticate(self, params):
        """The client's id, once it is authenticated (or identified, for a
        public client) as --client-auth says; else Reject."""
        a = self.server.args
        header = self.headers.get("Authorization")
        in_body = "client_secret" in params
        self.entry["client_auth"] = ("basic+body" if header is not None and in_body else
                                     "basic" if header is not None else
                                     "body" if in_body else "none")
        # 401 + WWW-Authenticate when the client tried the header (RFC 6749
        # §5.2) or is registered for Basic (to say which scheme it must use).
        unauthorized = header is not None or (a.client_secret is not None and
                                              a.client_auth == "basic")

        def invalid_client(why):
            if unauthorized:
                return Reject(401, "invalid_client", why, {"WWW-Authenticate": REALM})
            return Reject(400, "invalid_client", why)

        if header is not None and in_body:
            raise bad_request("more than one client authentication method "
                              "(RFC 6749 §2.3: MUST NOT)")
        if a.client_secret is None:
            if header is not None:
                raise invalid_client("this is a public client: it does not authenticate "
                                     "(no Authorization header)")
            if in_body:
                raise invalid_client("this is a public client: it has no client_secret")
            if "client_id" not in params:
                raise bad_request("client_id is required")
            if params["client_id"] != a.client_id:
                raise invalid_client("unknown client")
            return params["client_id"]
        if a.client_auth == "basic":
            if header is None:
                raise invalid_client("client authentication required: HTTP Basic "
                                     "(client_secret_basic)")
            client_id, secret = self.basic_credentials(header, invalid_client)
            if "client_id" in params and params["client_id"] != client_id:
                raise bad_request("client_id in the body differs from the Basic credentials")
        else:
            if header is not None:
                raise invalid_client("this client authenticates with client_id and "
                                     "client_secret in the body (client_secret_post)")
            if "client_id" not in params or not in_body:
                raise invalid_client("client authentication required: client_id and "
                                     "client_secret in the body (client_secret_post)")
            client_id, secret = params["client_id"], params["client_secret"]
        if client_id != a.client_id or not secrets.compare_digest(
                secret.encode("utf-8"), a.client_secret.encode("utf-8")):
            raise invalid_client("client authentication failed")
        return client_id

    @staticmethod
    def basic_credentials(header, invalid_client):
        """RFC 6749 §2.3.1: Basic of form-urlencoded id ':' form-urlencoded secret."""
        scheme, _, encoded = header.partition(" ")
        if scheme.lower() != "basic" or not encoded:
            raise invalid_client("the Authorization header must use the Basic scheme")
        try:
            raw = base64.b64decode(encoded.encode("ascii"), validate=True)
        except (binascii.Error, UnicodeEncodeError):
            raise bad_request("malformed Basic credentials (bad base64)")
        if base64.b64encode(raw).decode("ascii") != encoded:
            raise bad_request("malformed Basic credentials (bad base64)")
        if b":" not in raw:
            raise bad_request("malformed Basic credentials (no ':')")
        user, password = raw.split(b":", 1)
        try:
            return form_unescape(user), form_unescape(password)
        except Reject:
            # Not form-urlencoded: cannot name this client.
            raise invalid_client("Basic credentials are not form-urlencoded "
                                 "(RFC 6749 §2.3.1)")

    def check_scope(self, asked, allowed):
        """The scope tokens of the text ASKED (None: all of ALLOWED, the
        default), each of which must be in ALLOWED."""
        if asked is None:
            return list(allowed)
        tokens = parse_scope(asked)
        unknown = [t for t in tokens if t not in allowed]
        if unknown:
            raise Reject(400, "invalid_scope", "scope not allowed: %s" % " ".join(unknown))
        return list(dict.fromkeys(tokens))

    def redirect_port(self, uri):
        try:
            return urllib.parse.urlsplit(uri).port
        except ValueError:
            return None

    def redirect_uri_ok(self, uri):
        """RFC 6749 §3.1.2.3 exact match, except RFC 8252 §7.3: a loopback
        IP registered URI matches any port (not with --exact-port)."""
        a = self.server.args
        registered = a.redirect_uri
        if "#" in uri:
            return False  # RFC 6749 §3.1.2: no fragment
        if uri == registered:
            return True
        if a.exact_port:
            return False
        reg = urllib.parse.urlsplit(registered)
        if reg.scheme != "http" or reg.hostname not in ("127.0.0.1", "::1"):
            return False
        host = "[::1]" if reg.hostname == "::1" else "127.0.0.1"
        m = re.fullmatch(r"http://%s(?::([1-9][0-9]{0,4}))?(/[^?#]*)?(\?[^#]*)?"
                         % re.escape(host), uri)
        if not m or (m.group(1) and int(m.group(1)) > 65535):
            return False
        return ((m.group(2) or "") == reg.path and
                (m.group(3) or "") == ("?" + reg.query if reg.query else ""))

    # -- the authorization endpoint (RFC 6749 §4.1.1, RFC 7636 §4.3)

    def authorize(self):
        a, state = self.server.args, self.server.state
        with state.lock:
            state.stats["authorize"] += 1
        try:
            params, repeated = parse_form(self.query)
        except Reject as reject:
            return self.authorize_page_error(reject.description)
        e = self.entry
        e["has_state"] = "state" in params
        e["response_type"] = params.get("response_type")
        e["has_code_challenge"] = "code_challenge" in params
        e["code_challenge_method"] = params.get("code_challenge_method")
        e["scope"] = params.get("scope")
        if "redirect_uri" in params:
            e["redirect_uri"] = params["redirect_uri"]
            e["redirect_port"] = self.redirect_port(params["redirect_uri"])
        # §4.1.2.1: with a bad client or redirect URI, tell the person, not
        # the client: no redirect.
        for name in ("client_id", "redirect_uri"):
            if name in repeated:
                return self.authorize_page_error("%s is repeated" % name)
        if "client_id" not in params:
            return self.authorize_page_error("client_id is missing")
        if params["client_id"] != a.client_id:
            return self.authorize_page_error("unknown client_id")
        if "redirect_uri" not in params:
            # RFC 8252 §7.3: which port the client listens on is in the
            # request, so it must send its redirect URI.
            return self.authorize_page_error("redirect_uri is missing")
        redirect_uri = params["redirect_uri"]
        if not self.redirect_uri_ok(redirect_uri):
            return self.authorize_page_error("redirect_uri does not match the registered one")
        client_state = None if "state" in repeated else params.get("state")
        try:
            refuse_repeated(repeated)
            code = self.authorize_checks(params)
        except Reject as reject:
            answer = {"error": reject.error, "error_description": reject.description}
            return self.authorize_redirect(redirect_uri, answer, client_state, reject)
        return self.authorize_redirect(redirect_uri, {"code": code}, client_state)

    def authorize_checks(self, params):
        """The checks after the redirect URI is known good; their failures go
        back to the client in the redirect.  Returns a fresh code."""
        a, state = self.server.args, self.server.state
        response_type = params.get("response_type")
        if response_type is None:
            raise bad_request("response_type is missing")
        if response_type != "code":
            raise Reject(400, "unsupported_response_type", "only response_type=code")
        if "state" not in params:
            raise bad_request("state is required")
        challenge = params.get("code_challenge")
        if challenge is None:
            raise bad_request("PKCE is required: code_challenge is missing")
        if not PKCE_VALUE.fullmatch(challenge):
            raise bad_request("code_challenge must be 43-128 unreserved characters")
        method = params.get("code_challenge_method")
        if method != "S256":
            # RFC 7636 §4.4.1: a method the server does not support.
            raise bad_request("code_challenge_method must be S256 (was %s)" %
                              ("missing" if method is None else
                               "plain" if method == "plain" else "unsupported"))
        scope = self.check_scope(params.get("scope"), a.scope)
        if a.deny:
            raise Reject(400, "access_denied", "The user denied the request")
        code = new_secret()
        with state.lock:
            state.codes[code] = Code(params["client_id"], params["redirect_uri"], challenge,
                                     scope, time.time() + CODE_LIFETIME)
        return code

    def authorize_redirect(self, redirect_uri, answer, client_state, reject=None):
        """RFC 6749 §4.1.2 / §4.1.2.1: the answer in the redirect URI's query;
        RFC 9207: with iss."""
        a = self.server.args
        if client_state is not None:
            answer["state"] = client_state
        if a.iss or a.wrong_iss:
            answer["iss"] = self.issuer() + ("/not-this-issuer" if a.wrong_iss else "")
        sep = "&" if "?" in redirect_uri else "?"
        if redirect_uri.endswith(("?", "&")):
            sep = ""
        location = redirect_uri + sep + urllib.parse.urlencode(answer)
        self.finish_entry(302, reject)
        self.send(302, None, b"", {"Location": location, "Cache-Control": "no-store"})

    def authorize_page_error(self, why):
        reject = bad_request(why)
        self.finish_entry(400, reject)
        self.send_html(400, "Bad authorization request",
                       "<p>%s</p><p>(Not redirected back to the application: "
                       "RFC 6749 §4.1.2.1.)</p>" % html.escape(why))

    # -- the token endpoint (RFC 6749 §3.2, §4.1.3, §6; RFC 8628 §3.4)

    def token(self):
        a, state = self.server.args, self.server.state
        try:
            params = self.form_request()
            grant_type = params.get("grant_type")
            self.entry["grant_type"] = grant_type
            self.entry["has_code_verifier"] = "code_verifier" in params
            if "code_verifier" in params:
                with state.lock:
                    state.last_verifier = params["code_verifier"]
            self.entry["scope"] = params.get("scope")
            if "redirect_uri" in params:
                self.entry["redirect_uri"] = params["redirect_uri"]
                self.entry["redirect_port"] = self.redirect_port(params["redirect_uri"])
            with state.lock:
                if grant_type in state.stats["token"]:
                    state.stats["token"][grant_type] += 1
            if grant_type is None:
                raise bad_request("grant_type is missing")
            client_id = self.authenticate(params)
            grants = {"authorization_code": self.grant_code, DEVICE_GRANT: self.grant_device}
            if not a.no_refresh:
                grants["refresh_token"] = self.grant_refresh
            if a.password is not None:
                grants["password"] = self.grant_password
            if grant_type not in grants:
                raise Reject(400, "unsupported_grant_type",
                             "grant_type %s is not supported" % grant_type)
            with state.lock:
                answer = grants[grant_type](params, client_id)
            self.entry["issued"] = [k for k in ("access_token", "refresh_token") if k in answer]
            status, headers = 200, {}
        except Reject as reject:
            self.finish_entry(reject.status, reject)
            answer = {"error": reject.error, "error_description": reject.description}
            status, headers = reject.status, reject.headers
        else:
            self.finish_entry(200)
        if a.delay:
            time.sleep(a.delay)
        headers = dict(headers, **{"Cache-Control": "no-store", "Pragma": "no-cache"})
        try:
            self.send_json(status, answer, headers)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (timeout tests)

    def require(self, params, *names):
        for name in names:
            if name not in params:
                raise bad_request("%s is missing" % name)

    # The grants run with state.lock held.

    def grant_code(self, params, client_id):
        state = self.server.state
        self.require(params, "code", "redirect_uri", "code_verifier")
        code = state.codes.get(params["code"])
        if code is None or code.client_id != client_id:
            raise invalid_grant("unknown authorization code")
        if code.spent:
            # RFC 6749 §4.1.2: a code used twice revokes what it gave.
            if code.family is not None:
                state.revoke_family(code.family)
                self.entry["family_revoked"] = True
            raise invalid_grant("authorization code already used; the tokens issued "
                                "for it are revoked")
        # Any failed exchange spends the code too: a client must start over.
        code.spent = True
        if time.time() >= code.expires:
            raise invalid_grant("authorization code expired")
        if params["redirect_uri"] != code.redirect_uri:
            raise invalid_grant("redirect_uri differs from the authorization request's")
        verifier = params["code_verifier"]
        if not PKCE_VALUE.fullmatch(verifier):
            raise invalid_grant("code_verifier must be 43-128 unreserved characters")
        computed = serving.b64url(hashlib.sha256(verifier.encode("ascii")).digest())
        if not secrets.compare_digest(computed, code.challenge):
            raise invalid_grant("code_verifier does not match the code_challenge")
        code.family = state.new_family(client_id, code.scope)
        return state.issue(code.family, code.scope, not self.server.args.no_refresh)

    def grant_refresh(self, params, client_id):
        a, state = self.server.args, self.server.state
        self.require(params, "refresh_token")
        token = state.refresh.get(params["refresh_token"])
        if token is None or token.family.client_id != client_id:
            raise invalid_grant("unknown refresh token")
        family = token.family
        if family.revoked:
            raise invalid_grant("refresh token revoked")
        if token.superseded:
            # RFC 9700 §4.14.2: a rotated-out token came back: someone has a
            # copy.  Everything of this grant dies.
            state.revoke_family(family)
            self.entry["family_revoked"] = True
            raise invalid_grant("refresh token was already used (rotated); "
                                "its whole family is revoked")
        if time.time() >= token.expires:
            raise invalid_grant("refresh token expired")
        scope = self.check_scope(params.get("scope"), family.scope)
        # Without rotation the client keeps its refresh token: none is sent.
        return state.issue(family, scope, not a.no_rotate)

    def grant_device(self, params, client_id):
        state = self.server.state
        self.require(params, "device_code")
        device = state.devices.get(params["device_code"])
        if device is None or device.client_id != client_id:
            raise invalid_grant("unknown device code")
        if device.spent:
            raise invalid_grant("device code already used")
        now = time.time()
        if now >= device.expires:
            raise Reject(400, "expired_token", "the device code has expired")
        device.polls += 1
        previous, device.last_poll = device.last_poll, now
        if ((self.server.args.slow_down_once and device.polls == 1) or
                (previous is not None and now - previous < device.interval)):
            device.interval += SLOW_DOWN_STEP
            raise Reject(400, "slow_down", "polling too fast: wait %d s between requests"
                         % device.interval)
        if device.status == "denied":
            raise Reject(400, "access_denied", "the user denied the request")
        if device.status == "pending":
            raise Reject(400, "authorization_pending", "the user has not yet approved")
        device.spent = True
        family = state.new_family(client_id, device.scope)
        return state.issue(family, device.scope, not self.server.args.no_refresh)

    def grant_password(self, params, client_id):
        a, state = self.server.args, self.server.state
        self.require(params, "username", "password")
        user, _, password = a.password.partition(":")
        if params["username"] != user or not secrets.compare_digest(
                params["password"].encode("utf-8"), password.encode("utf-8")):
            raise invalid_grant("wrong username or password")
        scope = self.check_scope(params.get("scope"), a.scope)
        family = state.new_family(client_id, scope)
        return state.issue(family, scope, not a.no_refresh)

    # -- device authorization (RFC 8628 §3.1, §3.2)

    def device_authorization(self):
        a, state = self.server.args, self.server.state
        with state.lock:
            state.stats["device_authorization"] += 1
        params = self.form_request()
        self.entry["scope"] = params.get("scope")
        client_id = self.authenticate(params)
        scope = self.check_scope(params.get("scope"), a.scope)
        device_code = new_secret()
        with state.lock:
            while True:
                raw = "".join(secrets.choice(USER_CODE_ALPHABET) for _ in range(8))
                user_code = raw[:4] + "-" + raw[4:]
                if normalize_user_code(user_code) not in state.user_codes:
                    break
            # --device-code-lifetime: it dies before the expires_in it announces.
            lifetime = a.device_code_lifetime or a.device_expires_in
            state.devices[device_code] = Device(client_id, user_code, scope,
                                                time.time() + lifetime, a.device_interval)
            state.user_codes[normalize_user_code(user_code)] = device_code
        uri = self.base_url() + "/device"
        answer = {"device_code": device_code, "user_code": user_code,
                  "verification_uri": uri,
                  "verification_uri_complete": uri + "?" +
                  urllib.parse.urlencode({"user_code": user_code}),
                  "expires_in": a.device_expires_in, "interval": a.device_interval}
        self.entry["issued"] = ["device_code"]
        self.finish_entry(200)
        self.send_json(200, answer, {"Cache-Control": "no-store", "Pragma": "no-cache"})

    def device_page(self):
        """What a person sees at verification_uri: approves (--deny: denies)
        the code at once."""
        state = self.server.state
        params, repeated = parse_form(self.query)
        refuse_repeated(repeated)
        if "user_code" not in params:
            self.finish_entry(200)
            return self.send_html(200, "Connect a device",
                                  '<form method="get" action="/device"><label>Code: '
                                  '<input name="user_code"></label> '
                                  '<button>Continue</button></form>')
        with state.lock:
            device = state.find_device_by_user_code(params["user_code"])
            if device is not None:
                device.status = "denied" if self.server.args.deny else "approved"
        if device is None:
            reject = Reject(404, "not_found", "no such code, or it has expired")
            self.finish_entry(404, reject)
            return self.send_html(404, "Unknown code", "<p>No such code, or it has expired.</p>")
        self.finish_entry(200)
        self.send_html(200, "Device %s" % device.status,
                       "<p>The device is %s. You can close this page.</p>" % device.status)

    # -- revocation (RFC 7009)

    def revoke(self):
        state = self.server.state
        with state.lock:
            state.stats["revoke"] += 1
        params = self.form_request()
        self.entry["token_type_hint"] = params.get("token_type_hint")
        client_id = self.authenticate(params)
        self.require(params, "token")
        with state.lock:
            access = state.access.get(params["token"])
            refresh = state.refresh.get(params["token"])
            # §2.1: only the client's own tokens; others, like unknown ones,
            # are a 200 that does nothing (§2.2).
            if access is not None and access.family.client_id == client_id:
                access.dead = True
            if refresh is not None and refresh.family.client_id == client_id:
                if not refresh.family.revoked:
                    self.entry["family_revoked"] = True
                state.revoke_family(refresh.family)
        self.finish_entry(200)
        self.send(200, None, b"", {"Cache-Control": "no-store"})

    # -- metadata (RFC 8414 §2, §3)

    def metadata(self):
        a, state = self.server.args, self.server.state
        with state.lock:
            state.stats["metadata"] += 1
        base = self.base_url() + a.prefix
        issuer = self.issuer()
        if a.wrong_issuer_in_metadata:
            issuer += "/not-this-issuer"
        grants = ["authorization_code", DEVICE_GRANT]
        if not a.no_refresh:
            grants.insert(1, "refresh_token")
        if a.password is not None:
            grants.append("password")
        auth_method = ("none" if a.client_secret is None else
                       "client_secret_basic" if a.client_auth == "basic" else
                       "client_secret_post")
        meta = {"issuer": issuer,
                "authorization_endpoint": base + "/authorize",
                "token_endpoint": base + "/token",
                "device_authorization_endpoint": base + "/device_authorization",
                "revocation_endpoint": base + "/revoke",
                "response_types_supported": ["code"],
                "response_modes_supported": ["query"],
                "grant_types_supported": grants,
                "code_challenge_methods_supported": ["S256"],
                "token_endpoint_auth_methods_supported": [auth_method],
                "revocation_endpoint_auth_methods_supported": [auth_method],
                "scopes_supported": list(a.scope)}
        if a.iss or a.wrong_iss or a.iss_advertised_only:
            meta["authorization_response_iss_parameter_supported"] = True
        self.finish_entry(200)
        headers = {}
        if a.metadata_cache_control is not None:
            headers["Cache-Control"] = a.metadata_cache_control
        self.send_json(200, meta, headers)

    # -- test hooks

    def hook_check(self):
        auth = self.headers.get("Authorization") or ""
        scheme, _, token = auth.partition(" ")
        state = self.server.state
        with state.lock:
            found = state.access.get(token) if scheme.lower() == "bearer" else None
            live = found is not None and found.live(time.time())
        if live:
            self.send_json(200, {"ok": True})
        else:
            self.send_json(401, {"error": "invalid_token"},
                           {"WWW-Authenticate": 'Bearer error="invalid_token"'})

    def hook_stats(self):
        state = self.server.state
        with state.lock:
            stats = json.loads(json.dumps(state.stats))
        self.send_json(200, stats)

    def hook_refresh_tokens(self):
        state = self.server.state
        now = time.time()
        with state.lock:
            current = [f.current for f in state.families
                       if not f.revoked and f.current is not None
                       and now < state.refresh[f.current].expires]
        self.send_json(200, {"current": current, "live_families": len(current)})

    def hook_last_verifier(self):
        state = self.server.state
        with state.lock:
            verifier = state.last_verifier
        self.send_json(200, {"code_verifier": verifier})

    def hook_expire(self):
        state = self.server.state
        with state.lock:
            for token in state.access.values():
                token.dead = True
        self.send_json(204, None)

    def hook_device(self, status):
        params = self.form_request()
        state = self.server.state
        with state.lock:
            device = state.find_device_by_user_code(params.get("user_code", ""))
            if device is not None:
                device.status = status
        if device is None:
            raise Reject(404, "not_found", "no such user code")
        self.send_json(204, None)

    def hook_device_approve(self):
        self.hook_device("approved")

    def hook_device_deny(self):
        self.hook_device("denied")


URL_PATH = re.compile(r"(/[A-Za-z0-9._~-]+)+")


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--cert")
    p.add_argument("--key")
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--port-file")
    p.add_argument("--log")
    p.add_argument("--verbose", action="store_true")
    p.add_argument("--prefix", default="/oauth",
                   help="endpoints PREFIX/authorize, /token, /device_authorization, /revoke")
    p.add_argument("--issuer-path", default="",
                   help="issuer = https://127.0.0.1:PORT + this")
    p.add_argument("--wrong-issuer-in-metadata", action="store_true")
    p.add_argument("--no-metadata", action="store_true")
    p.add_argument("--metadata-at", choices=("both", "oauth", "openid"), default="both",
                   help="serve the metadata at RFC 8414's path, OIDC Discovery's, or both")
    p.add_argument("--metadata-cache-control", metavar="VALUE",
                   help="a Cache-Control header on the metadata")
    p.add_argument("--client-id", default="test-client")
    p.add_argument("--client-secret",
                   help="a confidential client with this secret (default: a public client)")
    p.add_argument("--client-auth", choices=("basic", "body"),
                   help="how the confidential client authenticates (default basic)")
    p.add_argument("--redirect-uri", default="http://127.0.0.1/callback")
    p.add_argument("--exact-port", action="store_true",
                   help="a loopback redirect URI must have the registered port too")
    p.add_argument("--scope", default="openid profile api", help="allowed scopes")
    p.add_argument("--expires-in", type=int, default=3600)
    p.add_argument("--refresh-expires-in", type=int, default=86400)
    p.add_argument("--no-refresh", action="store_true")
    p.add_argument("--no-rotate", action="store_true")
    p.add_argument("--iss", action="store_true", help="RFC 9207 iss in authorization responses")
    p.add_argument("--wrong-iss", action="store_true", help="... but a different one")
    p.add_argument("--iss-advertised-only", action="store_true",
                   help="RFC 9207 support said in the metadata, but no iss in responses")
    p.add_argument("--deny", action="store_true", help="the person says no")
    p.add_argument("--device-interval", type=int, default=5)
    p.add_argument("--device-expires-in", type=int, default=600)
    p.add_argument("--device-code-lifetime", type=int, metavar="SECONDS",
                   help="the device code dies after this long, whatever expires_in says "
                   "(default: as it says): the server's expired_token comes first")
    p.add_argument("--slow-down-once", action="store_true")
    p.add_argument("--password", metavar="USER:PASS",
                   help="accept the password grant for this user")
    p.add_argument("--delay", type=float, default=0,
                   help="seconds to wait before answering the token endpoint")
    args = p.parse_args(argv)
    if bool(args.cert) != bool(args.key):
        p.error("--cert and --key go together")
    if not URL_PATH.fullmatch(args.prefix):
        p.error("--prefix must be a path like /oauth (no trailing slash)")
    if args.issuer_path and not URL_PATH.fullmatch(args.issuer_path):
        p.error("--issuer-path must be empty or a path like /tenant (no trailing slash)")
    if args.client_auth is not None and args.client_secret is None:
        p.error("--client-auth is for a confidential client (--client-secret)")
    args.client_auth = args.client_auth or "basic"
    try:
        args.scope = parse_scope(args.scope)
    except Reject:
        p.error("--scope: space-separated scope tokens")
    redirect = urllib.parse.urlsplit(args.redirect_uri)
    if not redirect.scheme or "#" in args.redirect_uri:
        p.error("--redirect-uri must be an absolute URI without a fragment")
    if args.password is not None and ":" not in args.password:
        p.error("--password is USER:PASS")
    for name in ("expires_in", "refresh_expires_in", "device_expires_in"):
        if getattr(args, name) <= 0:
            p.error("--%s must be positive" % name.replace("_", "-"))
    if args.device_code_lifetime is not None and args.device_code_lifetime <= 0:
        p.error("--device-code-lifetime must be positive")
    if args.device_interval < 0 or args.delay < 0:
        p.error("--device-interval and --delay cannot be negative")
    return args


def main():
    args = parse_args()
    server = serving.Server(("127.0.0.1", args.port), Handler)
    server.label = "auth-server"
    server.args = args
    server.state = State(args)
    return serving.serve(server, args)


if __name__ == "__main__":
    sys.exit(main())
