#!/usr/bin/python3
"""Strict emulators of the four seed providers' OAuth2 token endpoints.

One process emulates one provider (--provider).  Each emulator accepts exactly
the request its documentation in /work/shared/seeds asks for and answers in the
documented shape, including the documented error shapes; where a doc shows no
error shape, the RFC 6749 §5.2 shape is used.  Strictness is the point: a
client that gets a token here has sent what the provider documents.

Python 3 standard library only.  Besides the token path:
  GET  /_emulator/check        Authorization: Bearer T -> 200 if T is live, else 401
  POST /_emulator/revoke-all   revokes every issued token -> 204
  GET|POST|PUT /api/v1/items   an API that takes only a live token this emulator
                               issued: exactly one Authorization header,
                               "Bearer T"; else 401 {"message":"Token expired."}
                               (Dataloy's documented shape, seed 004).  200 with
                               the items and the request body it got.
                               ?delay=S answers S seconds later.
  POST /_emulator/api/refuse-next?count=N
                               the next N API requests that bring a live token
                               have it revoked and get the 401 -> 204
Anything else -> 404 (JSON).

Each request on the token path appends one JSON line to --log; secrets are
never logged.
"""

import argparse
import base64
import binascii
import datetime
import hashlib
import http.client
import json
import secrets
import string
import sys
import threading
import time
import urllib.parse
import serving

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"
MAX_BODY = 64 * 1024


class Reject(Exception):
    """A request the provider refuses: an OAuth error code, a message, a status."""

    def __init__(self, status, error, message):
        super().__init__(message)
        self.status = status
        self.error = error
        self.message = message


# ---------------------------------------------------------------- decoding --



def form_unescape(raw):
    """One form-encoded name or value (serving.percent_decode); anything
    it refuses is an invalid request."""
    try:
        return serving.percent_decode(raw)
    except ValueError as e:
        raise Reject(400, "invalid_request", "Invalid request: %s" % e)


def parse_form(body):
    """A form body as a dict; repeated or empty parameters are rejected."""
    params = {}
    if body == b"":
        return params
    for part in body.split(b"&"):
        if b"=" not in part:
            raise Reject(400, "invalid_request", "Invalid request: malformed form body")
        name, value = part.split(b"=", 1)
        name = form_unescape(name)
        if name == "":
            raise Reject(400, "invalid_request", "Invalid request: empty parameter name")
        if name in params:
            raise Reject(400, "invalid_request",
                         "Invalid request: parameter `%s` is repeated" % name)
        params[name] = form_unescape(value)
    return params


def parse_json_object(body):
    """A JSON body that must be an object of strings without duplicate keys."""
    def no_duplicates(pairs):
        obj = {}
        for key, value in pairs:
            if key in obj:
                raise Reject(400, "invalid_request", "Duplicate key `%s`." % key)
            obj[key] = value
        return obj

    try:
        obj = json.loads(body.decode("utf-8"), object_pairs_hook=no_duplicates)
    except (UnicodeDecodeError, ValueError):
        raise Reject(400, "invalid_request", "Malformed JSON body.")
    if not isinstance(obj, dict):
        raise Reject(400, "invalid_request", "The body must be a JSON object.")
    for key, value in obj.items():
        if not isinstance(value, str):
            raise Reject(400, "invalid_request", "`%s` must be a string." % key)
    return obj


def check_params(params, required, optional=()):
    """Missing required and unknown parameters are both invalid requests."""
    for name in required:
        if name not in params:
            raise Reject(400, "invalid_request", "Missing parameter: `%s`" % name)
    for name in params:
        if name not in required and name not in optional:
            raise Reject(400, "invalid_request", "Unknown parameter: `%s`" % name)


def random_string(alphabet, length):
    return "".join(secrets.choice(alphabet) for _ in range(length))


def b64url_length(n):
    """How many characters b64url() makes of N bytes."""
    return (4 * n + 2) // 3


def compact_json(obj):
    return json.dumps(obj, separators=(",", ":")).encode("utf-8")


# Shortest --token-length: a JWT whose "pad" claim can absorb the rest.
MIN_JWT_LENGTH = 600


def jwt(claims, length=None):
    """A JWT-shaped token: header.payload.signature, each base64url, the
    signature as long as an RS256 one.  With LENGTH, exactly that many
    characters, a "pad" claim of letters and digits making up the size; a
    base64url text is never 1 more than a multiple of 4 long, so a "kid" in
    the header shifts what is left to the payload when it would be."""
    signature = serving.b64url(secrets.token_bytes(256))
    if length is None:
        header = serving.b64url(b'{"typ":"JWT","alg":"RS256"}')
        return "%s.%s.%s" % (header, serving.b64url(json.dumps(claims).encode()), signature)
    for kid in ("", "k", "kk", "kkk"):
        head = {"typ": "JWT", "alg": "RS256"}
        if kid:
            head["kid"] = kid
        header = serving.b64url(compact_json(head))
        room = length - len(header) - len(signature) - 2
        size = 3 * room // 4
        bare = compact_json(dict(claims, pad=""))
        if room <= 0 or b64url_length(size) != room or size < len(bare):
            continue
        pad = random_string(string.ascii_letters + string.digits, size - len(bare))
        token = "%s.%s.%s" % (header, serving.b64url(compact_json(dict(claims, pad=pad))), signature)
        assert len(token) == length, (len(token), length)
        return token
    raise ValueError("no JWT of %d characters" % length)


# --------------------------------------------------------------- providers --

class Provider:
    """What the providers share: token bookkeeping and the error shape."""

    name = None
    token_path = None
    content_types = (FORM,)
    default_expires_in = 3600

    def __init__(self, args):
        self.args = args
        self.expires_in = (args.expires_in if args.expires_in is not None
                           else self.default_expires_in)

    def error_body(self, reject, method, uri):
        """RFC 6749 §5.2: the shape used where the doc shows none."""
        return {"error": reject.error, "error_description": reject.message}

    def error_headers(self, reject):
        return {}

    def encode_answer(self, obj):
        """(Content-Type, bytes) of an answer: JSON unless the provider says otherwise."""
        return JSON, json.dumps(obj, separators=(",", ":")).encode("utf-8")

    def content_type_error(self):
        return Reject(415, "invalid_request",
                      "Content-Type must be %s" % " or ".join(self.content_types))

    def method_error(self):
        return Reject(405, "invalid_request", "Method must be POST")

    def check_no_authorization(self, headers):
        # These providers take the client secret in the body: a client that
        # also (or instead) sends an Authorization header is doing it wrong.
        if headers.get("Authorization") is not None:
            raise Reject(400, "invalid_request",
                         "Invalid request: client credentials must be in the "
                         "request body, not in an Authorization header")

    def handle(self, headers, body, content_type):
        """Return (success body, token) or raise Reject."""
        raise NotImplementedError


class AcaEngine(Provider):
    """ACAEngine / PlaceOS password grant, seed 000 (+ README: also takes JSON)."""

    name = "acaengine"
    token_path = "/auth/oauth/token"
    content_types = (FORM, JSON)  # the seeds README: "server also takes JSON"
    default_expires_in = 7200

    def handle(self, headers, body, content_type):
        self.check_no_authorization(headers)
        params = parse_json_object(body) if content_type == JSON else parse_form(body)
        check_params(params, ("grant_type", "username", "password", "authority",
                              "client_id", "client_secret"), ("scope",))
        if params["grant_type"] != "password":
            raise Reject(400, "unsupported_grant_type",
                         "The authorization grant type is not supported by the "
                         "authorization server.")
        a = self.args
        if params["client_id"] != a.client_id or params["client_secret"] != a.client_secret:
            raise Reject(401, "invalid_client",
                         "Client authentication failed due to unknown client, no "
                         "client authentication included, or unsupported "
                         "authentication method.")
        if params["authority"] != a.authority:
            raise Reject(400, "invalid_request", "Unknown authority.")
        if params["username"] != a.username or params["password"] != a.password:
            raise Reject(400, "invalid_grant",
                         "The provided authorization grant is invalid, expired, "
                         "revoked, does not match the redirection URI used in the "
                         "authorization request, or was issued to another client.")
        if "scope" in params:
            # RFC 6749 §3.3: space-delimited; each must be one the server offers.
            allowed = (a.scope or "public").split()
            asked = params["scope"].split(" ")
            if any(s not in allowed for s in asked):
                raise Reject(400, "invalid_scope",
                             "The requested scope is invalid, unknown, or malformed.")
        token = secrets.token_hex(32)  # like the doc's 64 hex digits
        return {"access_token": token, "token_type": "bearer",
                "expires_in": self.expires_in}, token


class Ants(Provider):
    """ANTS client credentials grant, seed 002."""

    name = "ants"
    token_path = "/oauth/token"
    default_expires_in = 3600
    known_scopes = ("item", "event", "profile", "promotion")

    def error_body(self, reject, method, uri):
        # The documented 400 shape; name carries the OAuth error code.
        return {"statusCode": 400, "status": 400, "code": 400,
                "message": reject.message, "name": reject.error}

    def content_type_error(self):
        return Reject(400, "invalid_request",
                      "Invalid request: content must be application/x-www-form-urlencoded")

    def method_error(self):
        return Reject(400, "invalid_request", "Invalid request: method must be POST")

    def handle(self, headers, body, content_type):
        self.check_no_authorization(headers)
        params = parse_form(body)
        check_params(params, ("grant_type", "client_id", "client_secret", "scope"))
        if params["grant_type"] != "client_credentials":
            raise Reject(400, "unsupported_grant_type",
                         "Unsupported grant type: `grant_type` is invalid")
        a = self.args
        if params["client_id"] != a.client_id or params["client_secret"] != a.client_secret:
            raise Reject(400, "invalid_client", "Invalid client: client is invalid")
        allowed = (a.scope or ",".join(self.known_scopes)).split(",")
        asked = params["scope"].split(",")
        if any(s not in self.known_scopes or s not in allowed for s in asked):
            raise Reject(400, "invalid_scope", "Invalid scope: Requested scope is invalid")
        token = random_string("0123456789abcdefghijklmnopqrstuvwxyz", 44)
        expires = datetime.datetime.now(datetime.timezone.utc) + \
            datetime.timedelta(seconds=self.expires_in)
        # Exactly the doc's form: 2023-08-10T12:41:57.643Z
        stamp = expires.strftime("%Y-%m-%dT%H:%M:%S.") + \
            "%03dZ" % (expires.microsecond // 1000)
        return {"accessToken": token, "accessTokenExpiresAt": stamp,
                "scope": params["scope"]}, token


class AutoGrab(Provider):
    """AutoGrab auth-broker client credentials grant with HTTP Basic, seed 003."""

    name = "autograb"
    token_path = "/auth-broker/request-token"
    default_expires_in = 3599

    def error_headers(self, reject):
        if reject.status == 401:
            return {"WWW-Authenticate": 'Basic realm="auth-broker"'}
        return {}

    def basic_credentials(self, header):
        """RFC 6749 §2.3.1 / RFC 7617: (client_id, client_secret) from the header."""
        if header is None:
            raise Reject(401, "invalid_client", "Missing Basic authorization header")
        scheme, _, encoded = header.partition(" ")
        if scheme.lower() != "basic" or not encoded:
            raise Reject(401, "invalid_client", "Authorization must use the Basic scheme")
        try:
            raw = base64.b64decode(encoded.encode("ascii"), validate=True)
        except (binascii.Error, UnicodeEncodeError):
            raise Reject(400, "invalid_request", "Malformed Basic credentials (bad base64)")
        if base64.b64encode(raw).decode("ascii") != encoded:
            raise Reject(400, "invalid_request", "Malformed Basic credentials (bad base64)")
        if b":" not in raw:
            raise Reject(400, "invalid_request", "Malformed Basic credentials (no ':')")
        user, password = raw.split(b":", 1)
        if self.args.basic_raw:
            # --basic-raw: a server that takes the pair's bytes as they are
            # (RFC 7617), for client_auth = basic-raw.
            try:
                return user.decode("utf-8"), password.decode("utf-8")
            except UnicodeDecodeError:
                raise Reject(401, "invalid_client", "Invalid client credentials")
        # Both parts were form-urlencoded by the client before joining; a part
        # that does not decode cannot match any client: bad credentials.
        try:
            return form_unescape(user), form_unescape(password)
        except Reject:
            raise Reject(401, "invalid_client", "Invalid client credentials")

    def handle(self, headers, body, content_type):
        client_id, client_secret = self.basic_credentials(headers.get("Authorization"))
        params = parse_form(body)
        # The body is exactly grant_type=client_credentials: the credentials
        # travel only in the header.
        check_params(params, ("grant_type",))
        if params["grant_type"] != "client_credentials":
            raise Reject(400, "unsupported_grant_type",
                         "The authorization grant type is not supported by the "
                         "authorization server.")
        if client_id != self.args.client_id or client_secret != self.args.client_secret:
            raise Reject(401, "invalid_client", "Invalid client credentials")
        token = serving.b64url(secrets.token_bytes(48))
        return {"access_token": token, "expires_in": self.expires_in,
                "scope": "", "token_type": "bearer"}, token


class Dataloy(Provider):
    """Dataloy client credentials grant with a JSON body, seed 004."""

    name = "dataloy"
    token_path = "/oauth/token"
    content_types = (JSON,)
    default_expires_in = 86400
    reasons = {400: "Bad Request", 401: "Unauthorized", 405: "Method Not Allowed",
               415: "Unsupported Media Type"}

    def error_body(self, reject, method, uri):
        # The shape the doc shows for its API errors.
        return {"statusCode": reject.status,
                "statusText": self.reasons.get(reject.status, "Error"),
                "message": reject.message,
                "date": datetime.datetime.now().strftime("%Y-%m-%dT%H:%M:%S"),
                "statusFamily": "CLIENT_ERROR",
                "method": method,
                "uri": uri}

    def handle(self, headers, body, content_type):
        self.check_no_authorization(headers)
        params = parse_json_object(body)
        check_params(params, ("client_id", "client_secret", "audience", "grant_type"))
        if params["grant_type"] != "client_credentials":
            raise Reject(400, "unsupported_grant_type", "Unsupported grant type.")
        a = self.args
        if params["client_id"] != a.client_id or params["client_secret"] != a.client_secret:
            raise Reject(401, "invalid_client", "Invalid client credentials.")
        if params["audience"] != a.audience:
            raise Reject(400, "invalid_request", "Invalid audience.")
        now = int(time.time())
        claims = {"aud": a.audience, "iat": now, "exp": now + self.expires_in,
                  "jti": secrets.token_hex(16)}
        token = jwt(claims, a.token_length)
        return {"access_token": token, "expires_in": self.expires_in,
                "token_type": "Bearer"}, token


class Hooks(Provider):
    """Not a seed provider: the API tests/plugins/hooks.c is written for.

    Client credentials in a form body, like ANTS, but it also wants an
    X-Api-Version: 2 header and the client id again in X-Client-Id, and it
    answers form-encoded (token and errors alike), which the standard
    mapping cannot read: the plugin's two hooks exist for this."""

    name = "hooks"
    token_path = "/oauth/token"
    default_expires_in = 600

    def encode_answer(self, obj):
        return FORM, urllib.parse.urlencode(obj).encode("ascii")

    def handle(self, headers, body, content_type):
        self.check_no_authorization(headers)
        if headers.get("X-Api-Version") != "2":
            raise Reject(400, "invalid_request", "X-Api-Version: 2 is required")
        params = parse_form(body)
        check_params(params, ("grant_type", "client_id", "client_secret"), ("scope",))
        if headers.get("X-Client-Id") != params["client_id"]:
            raise Reject(400, "invalid_request", "X-Client-Id must equal client_id")
        if params["grant_type"] != "client_credentials":
            raise Reject(400, "unsupported_grant_type", "Unsupported grant type")
        a = self.args
        if params["client_id"] != a.client_id or params["client_secret"] != a.client_secret:
            raise Reject(401, "invalid_client", "Unknown client or wrong secret")
        if "scope" in params and params["scope"] not in (a.scope or "read").split(" "):
            raise Reject(400, "invalid_scope", "Unknown scope")
        token = serving.b64url(secrets.token_bytes(32))
        return {"access_token": token, "token_type": "bearer",
                "expires_in": self.expires_in}, token


PROVIDERS = {p.name: p for p in (AcaEngine, Ants, AutoGrab, Dataloy, Hooks)}


# ------------------------------------------------------------------ server --

class State:
    """Issued tokens (token -> expiry, revoked flag) and the request log."""

    def __init__(self, log_path, api_log_path=None):
        self.lock = threading.Lock()
        self.tokens = {}
        self.log_path = log_path
        self.api_log_path = api_log_path
        self.refuse_next = 0

    def issue(self, token, expires_in):
        with self.lock:
            assert token not in self.tokens
            self.tokens[token] = time.time() + expires_in

    def live(self, token):
        with self.lock:
            expiry = self.tokens.get(token)
            return expiry is not None and time.time() < expiry

    def admit(self, token):
        """Whether the API takes TOKEN: live, and not one of the next
        refused (which is revoked then, as a server revokes a token)."""
        with self.lock:
            expiry = self.tokens.get(token)
            if expiry is None or time.time() >= expiry:
                return False
            if self.refuse_next > 0:
                self.refuse_next -= 1
                self.tokens[token] = 0
                return False
            return True

    def refuse(self, count):
        with self.lock:
            self.refuse_next = count

    def log_api(self, entry):
        if not self.api_log_path:
            return
        with self.lock, open(self.api_log_path, "a", encoding="utf-8") as f:
            f.write(json.dumps(entry, sort_keys=True) + "\n")

    def revoke_all(self):
        with self.lock:
            for token in self.tokens:
                self.tokens[token] = 0

    def log(self, entry):
        if not self.log_path:
            return
        with self.lock, open(self.log_path, "a", encoding="utf-8") as f:
            f.write(json.dumps(entry, sort_keys=True) + "\n")


class Handler(serving.QuietHandler):
    def date_time_string(self, timestamp=None):
        # --clock-offset: a server whose clock is off by that much says so
        # in its Date header (what credring doctor compares its own with).
        if timestamp is None:
            timestamp = time.time()
        return super().date_time_string(timestamp + self.server.args.clock_offset)

    server_version = "provider-emulator"

    # -- plumbing

    def send_json(self, status, obj, headers=None):
        content_type, data = (None, b"") if obj is None else \
            self.server.provider.encode_answer(obj)
        self.send(status, content_type, data, dict(headers or {}, **{"Cache-Control": "no-store"}))

    def read_body(self):
        if self.headers.get("Transfer-Encoding") is not None:
            raise Reject(400, "invalid_request", "Chunked request bodies are not accepted")
        length = self.headers.get("Content-Length")
        if length is None or not length.isdigit():
            raise Reject(400, "invalid_request", "Content-Length required")
        length = int(length)
        if length > MAX_BODY:
            raise Reject(400, "invalid_request", "Request body too large")
        return self.rfile.read(length)

    def path_only(self):
        return self.path.split("?", 1)[0]

    # -- dispatch

    def do_POST(self):
        self.dispatch("POST")

    def do_GET(self):
        self.dispatch("GET")

    def do_PUT(self):
        self.dispatch("PUT")

    def do_DELETE(self):
        self.dispatch("DELETE")

    def do_PATCH(self):
        self.dispatch("PATCH")

    def dispatch(self, method):
        provider = self.server.provider
        path = self.path_only()
        self.close_connection = True  # one request per connection keeps it simple
        if path == provider.token_path:
            self.token_endpoint(method)
        elif path == "/_emulator/check" and method == "GET":
            self.check_endpoint()
        elif path == "/_emulator/revoke-all" and method == "POST":
            self.server.state.revoke_all()
            self.send_json(204, None)
        elif path == "/api/v1/items" and method in ("GET", "POST", "PUT"):
            self.api_endpoint(method)
        elif path == "/_emulator/api/refuse-next" and method == "POST":
            self.server.state.refuse(int(self.query().get("count", "1")))
            self.send_json(204, None)
        else:
            self.send_json(404, {"error": "not_found", "error_description":
                                 "No such path: %s" % path})

    def query(self):
        return dict(urllib.parse.parse_qsl(self.path.partition("?")[2]))

    def bearer_token(self):
        """The token of the one Authorization header, when it is exactly
        "Bearer T" (the scheme in any case, RFC 7235); else None."""
        values = self.headers.get_all("Authorization") or []
        if len(values) != 1:
            return None
        scheme, space, token = values[0].partition(" ")
        if scheme.lower() != "bearer" or not space or not token or " " in token:
            return None
        return token

    def api_endpoint(self, method):
        token = self.bearer_token()
        try:
            body = self.read_body() if self.headers.get("Content-Length") else b""
        except Reject as reject:
            self.send(400, JSON, compact_json({"message": reject.message}))
            return
        admitted = token is not None and self.server.state.admit(token)
        # The token is in the emulator's own log only: the tests compare it
        # with the tokens the wrappers sent.
        self.server.state.log_api({"method": method, "path": self.path, "token": token,
                                   "authorization_headers":
                                       len(self.headers.get_all("Authorization") or []),
                                   "status": 200 if admitted else 401,
                                   "body": body.decode("utf-8", "replace")})
        delay = float(self.query().get("delay", "0"))
        if delay:
            time.sleep(delay)
        try:
            if admitted:
                self.send(200, JSON, compact_json({"items": [{"id": 1, "name": "first"},
                                                             {"id": 2, "name": "second"}],
                                                   "method": method,
                                                   "received": body.decode("utf-8", "replace")}))
            else:
                self.send(401, JSON, compact_json({"message": "Token expired."}),
                          {"WWW-Authenticate": 'Bearer error="invalid_token"'})
        except (BrokenPipeError, ConnectionResetError):
            pass

    def check_endpoint(self):
        auth = self.headers.get("Authorization") or ""
        scheme, _, token = auth.partition(" ")
        if scheme.lower() == "bearer" and token and self.server.state.live(token):
            self.send_json(200, {"ok": True})
        elif self.server.provider.name == "dataloy":
            self.send_json(401, {"message": "Token expired."})  # seed 004's shape
        else:
            self.send_json(401, {"error": "invalid_token"},
                           {"WWW-Authenticate": 'Bearer error="invalid_token"'})

    def request_digest(self, method, body):
        """A digest of everything credring chooses to send (not Host, which
        names the emulator's port, nor Content-Length, which the body
        decides): two clients with equal digests sent the same request,
        byte for byte, without a secret reaching the log."""
        h = hashlib.sha256()
        h.update(("%s %s\n" % (method, self.path)).encode())
        for name, value in self.headers.items():
            if name.lower() not in ("host", "content-length"):
                h.update(("%s: %s\n" % (name, value)).encode("utf-8", "surrogateescape"))
        h.update(b"\n" + body)
        return h.hexdigest()

    def token_endpoint(self, method):
        provider = self.server.provider
        args = self.server.args
        content_type = self.headers.get("Content-Type")
        entry = {"provider": provider.name, "path": self.path, "method": method,
                 "content_type": content_type,
                 "auth_header_present": self.headers.get("Authorization") is not None,
                 "ok": False, "error": None, "token": None}
        try:
            if method != "POST":
                raise provider.method_error()
            body = self.read_body()
            entry["request_digest"] = self.request_digest(method, body)
            matched = [t for t in provider.content_types if serving.media_type_ok(content_type, t)]
            if not matched:
                raise provider.content_type_error()
            answer, token = provider.handle(self.headers, body, matched[0])
            self.server.state.issue(token, provider.expires_in)
            entry.update(ok=True, token=token)
            status, headers = 200, {}
        except Reject as reject:
            entry["error"] = reject.error
            entry["message"] = reject.message
            scheme = "https" if args.cert else "http"
            uri = "%s://%s%s" % (scheme, self.headers.get("Host", "127.0.0.1"), self.path)
            answer = provider.error_body(reject, method, uri)
            status, headers = reject.status, provider.error_headers(reject)
        # Log before answering, so a client that has its answer finds the line.
        self.server.state.log(entry)
        if args.delay:
            time.sleep(args.delay)
        try:
            self.send_json(status, answer, headers)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (timeout tests)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--provider", required=True, choices=sorted(PROVIDERS))
    p.add_argument("--cert")
    p.add_argument("--key")
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--port-file")
    p.add_argument("--log")
    p.add_argument("--api-log", help="one JSON line per request to the API (/api/v1/items)")
    p.add_argument("--client-id", default="test-client")
    p.add_argument("--client-secret", default="test-secret")
    p.add_argument("--username", default="alice@example.com")
    p.add_argument("--password", default="test-password")
    p.add_argument("--authority", default="sgrp-test")
    p.add_argument("--scope", help="allowed scopes (ants: comma-separated, "
                   "acaengine: space-separated)")
    p.add_argument("--audience", default="https://dataloy.dev")
    p.add_argument("--expires-in", type=int)
    p.add_argument("--basic-raw", action="store_true",
                   help="autograb: the Basic pair is not form-encoded (RFC 7617 bytes)")
    p.add_argument("--token-length", type=int,
                   help="dataloy: issue JWTs of exactly this many characters "
                   "(at least %d)" % MIN_JWT_LENGTH)
    p.add_argument("--delay", type=float, default=0)
    p.add_argument("--clock-offset", type=float, default=0,
                   help="seconds added to the time the Date header says")
    p.add_argument("--verbose", action="store_true")
    args = p.parse_args()
    if bool(args.cert) != bool(args.key):
        p.error("--cert and --key go together")
    if args.token_length is not None:
        if args.provider != "dataloy":
            p.error("--token-length is for --provider dataloy (its tokens are JWTs)")
        if args.token_length < MIN_JWT_LENGTH:
            p.error("--token-length must be at least %d" % MIN_JWT_LENGTH)
        try:  # the claims of every token have this size: fail now, not at the first request
            now = int(time.time())
            lifetime = Dataloy(args).expires_in
            jwt({"aud": args.audience, "iat": now, "exp": now + lifetime,
                 "jti": secrets.token_hex(16)}, args.token_length)
        except ValueError as e:
            p.error("--token-length: %s" % e)

    # http.server reads header lines of at most 64 KiB (http.client's
    # _MAXLINE): an API must take "Authorization: Bearer " and the longest
    # token credring takes (64 KiB) too.
    http.client._MAXLINE = 128 * 1024
    server = serving.Server(("127.0.0.1", args.port), Handler)
    server.label = "provider-emulator"
    server.args = args
    server.provider = PROVIDERS[args.provider](args)
    server.state = State(args.log, args.api_log)
    return serving.serve(server, args)


if __name__ == "__main__":
    sys.exit(main())
