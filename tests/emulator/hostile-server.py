#!/usr/bin/python3
"""A token endpoint that misbehaves on purpose, for credring's integration tests.

HTTPS on 127.0.0.1 (--cert/--key: the test CA's server certificate; without
them plain HTTP).  What it does with a connection is a *behaviour*, chosen in
this order:

  1. --sequence ITEM,ITEM,...  (or --fail-first N --fail-status S
     [--retry-after V], which is the sequence S,S,... N times): each new
     connection takes the next item; once the sequence is used up,
  2. a path of the form /mode/NAME/...  selects behaviour NAME for that
     request (so one server can serve every hostile case, one account per
     case, each with its own token_url);
  3. a path under /good/  always gets a valid token (the target of the
     redirect behaviours: the log shows whether anyone followed them);
  4. --mode NAME, default "good".

An ITEM is a behaviour NAME, or an HTTP status: 200 is "good", anything
else an OAuth error answer with that status (RFC 6749 §5.2 body; 400 and
401 say invalid_client).  STATUS@SECONDS adds "Retry-After: SECONDS"
(STATUS@date+SECONDS: the same as an HTTP-date);
--retry-after adds it to every 429 and 503 that has none of its own.

"good" answers in the shape of --provider: AutoGrab
  {"access_token":...,"expires_in":3599,"scope":"","token_type":"bearer"}
or ANTS
  {"accessToken":...,"accessTokenExpiresAt":"2031-...Z","scope":"item"}.
Every other behaviour has a fixed shape: see BEHAVIOURS below, or run with
--list-modes.

Connection-level behaviours (no HTTP at all) are only reachable through
--sequence and --mode: "reset" (accept, then close at once with a RST: curl may see
that as a failed connect or as a failed TLS handshake), "reset-handshake"
(read the TLS ClientHello, then close with a RST), "silent"
(accept, never say a word, not even the TLS handshake), and "hang" (complete
the handshake, read the request, never answer).

Each request (and each connection a connection-level behaviour takes) appends
one JSON line to --log before it is answered: n, time (unix seconds, float),
mode, path, method, content_type, auth_header_present, status.  Bodies and
credentials are never logged.

Python 3 standard library only.
"""

import argparse
import datetime
import email.utils
import json
import secrets
import socket
import ssl
import struct
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler

import serving

MIB = 1024 * 1024
CONNECTION_MODES = ("reset", "reset-handshake", "silent", "hang")


def new_token():
    return serving.b64url(secrets.token_bytes(48))


def autograb_body(**override):
    """The AutoGrab success shape, with members replaced or (None) removed."""
    obj = {"access_token": new_token(), "expires_in": 3599, "scope": "",
           "token_type": "bearer"}
    obj.update(override)
    return {k: v for k, v in obj.items() if v is not None}


def ants_stamp(when):
    return when.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (when.microsecond // 1000)


def ants_body(expires_at=None):
    if expires_at is None:
        expires_at = ants_stamp(datetime.datetime.now(datetime.timezone.utc)
                                + datetime.timedelta(seconds=3600))
    return {"accessToken": "".join(secrets.choice("0123456789abcdefghijklmnopqrstuvwxyz")
                                   for _ in range(44)),
            "accessTokenExpiresAt": expires_at, "scope": "item"}


def js(obj):
    return json.dumps(obj, separators=(",", ":")).encode("utf-8")


def padded(size):
    """A valid AutoGrab token answer of exactly SIZE bytes (a long "pad" member)."""
    head = js(autograb_body())[:-1] + b',"pad":"'
    tail = b'"}'
    return head + b"x" * (size - len(head) - len(tail)) + tail


def nested(depth):
    """A valid token answer plus a member nested DEPTH levels (the object is level 1)."""
    inner = b"[" * (depth - 1) + b"1" + b"]" * (depth - 1)
    return js(autograb_body())[:-1] + b',"deep":' + inner + b"}"


# Control and format characters a provider might put in its messages: ESC
# (a terminal colour sequence), CR and LF (a forged second line), BEL, DEL,
# C1 CSI (U+009B), RIGHT-TO-LEFT OVERRIDE (U+202E) and a bare NUL escape.
NASTY = "visible-part \u001b[31mred\u001b[0m\r\ncredring: forged line\u0007\u007f\u009b2J\u202eevil"


def json_answer(obj, status=200, ctype="application/json"):
    return status, {"Content-Type": ctype}, js(obj)


def raw_answer(body, status=200, ctype="application/json"):
    return status, {"Content-Type": ctype}, body


# name -> (description, function returning (status, headers, body)).  The
# special behaviours (chunked, trickle, redirect, short, close, hang) are
# marked by their function returning a string.
BEHAVIOURS = {
    "good": ("a valid token (shape of --provider)", None),
    "good-autograb": ("a valid AutoGrab token", lambda: json_answer(autograb_body())),
    "good-ants": ("a valid ANTS token", lambda: json_answer(ants_body())),
    "bearer-upper": ("valid, token_type BEARER",
                     lambda: json_answer(autograb_body(token_type="BEARER"))),
    "under-cap": ("valid, a body just under 1 MiB",
                  lambda: raw_answer(padded(MIB - 1024))),
    "nested-ok": ("valid, a member nested 3 deep",
                  lambda: raw_answer(nested(3))),
    # -- not JSON, or not a token
    "html200": ("200 with an HTML page", lambda: raw_answer(
        b"<!DOCTYPE html><html><body><h1>Welcome to nginx!</h1></body></html>\n",
        ctype="text/html")),
    "html200-ctype-escape": ("200 HTML, a control character in Content-Type", lambda: raw_answer(
        b"<html>maintenance</html>", ctype="text/html\x1b[2J\x07")),
    "error200": ("200 with an OAuth error object", lambda: json_answer(
        {"error": "server_error", "error_description": "try again later"})),
    "error200-control": ("200 with an error holding control characters", lambda: json_answer(
        {"error": "server_error", "error_description": NASTY})),
    "truncated": ("JSON cut off (Content-Length matches)", lambda: raw_answer(
        js(autograb_body())[:40])),
    "short": ("Content-Length promises more than is sent, then close", lambda: "short"),
    "empty200": ("200 with an empty body", lambda: raw_answer(b"")),
    "array200": ("200 with a JSON array", lambda: raw_answer(b"[" + js(autograb_body()) + b"]")),
    "huge": ("a valid token padded past 1 MiB, with Content-Length",
             lambda: raw_answer(padded(MIB + 1024))),
    "huge-chunked": ("a valid token padded past 1 MiB, chunked, no Content-Length",
                     lambda: "chunked"),
    "deep": ("a valid token plus a member nested 64 deep", lambda: raw_answer(nested(64))),
    "deep-object": ("a valid token plus objects nested 64 deep", lambda: raw_answer(
        js(autograb_body())[:-1] + b',"o":' + b'{"a":' * 63 + b"1" + b"}" * 63 + b"}")),
    "nul-raw": ("a valid token answer followed by a raw NUL byte", lambda: raw_answer(
        js(autograb_body()) + b"\x00")),
    "nul-inside": ("a raw NUL byte inside the token string", lambda: raw_answer(
        js(autograb_body(access_token="abc\x00def")).replace(b"\\u0000", b"\x00"))),
    "nul-escaped": ("the token holds \\u0000", lambda: json_answer(
        autograb_body(access_token="abcdef\u0000ghijkl"))),
    "dup-token": ("access_token twice", lambda: raw_answer(
        b'{"access_token":"first-token","access_token":"second-token",'
        b'"expires_in":3599,"scope":"","token_type":"bearer"}')),
    "dup-expires": ("expires_in twice", lambda: raw_answer(
        b'{"access_token":"some-token","expires_in":3599,"expires_in":1,'
        b'"scope":"","token_type":"bearer"}')),
    # -- the token itself
    "token-missing": ("no access_token", lambda: json_answer(autograb_body(access_token=None))),
    "token-empty": ("access_token empty", lambda: json_answer(autograb_body(access_token=""))),
    "token-number": ("access_token a number", lambda: json_answer(autograb_body(access_token=12345))),
    "token-null": ("access_token null", lambda: raw_answer(
        b'{"access_token":null,"expires_in":3599,"scope":"","token_type":"bearer"}')),
    "token-object": ("access_token an object", lambda: json_answer(
        autograb_body(access_token={"value": "abc"}))),
    "token-newline": ("access_token holds LF", lambda: json_answer(
        autograb_body(access_token="abc\ndef"))),
    "token-control": ("access_token holds ESC and BEL", lambda: json_answer(
        autograb_body(access_token="abc\u001b[2J\u0007def"))),
    "token-del": ("access_token holds DEL", lambda: json_answer(
        autograb_body(access_token="abc\u007fdef"))),
    "token-nonascii": ("access_token holds non-ASCII", lambda: json_answer(
        autograb_body(access_token="t\u00f6k\u00e9n-\u202e"))),
    # -- token_type
    "type-mac": ("token_type mac", lambda: json_answer(autograb_body(token_type="mac"))),
    "type-empty": ("token_type empty", lambda: json_answer(autograb_body(token_type=""))),
    "type-number": ("token_type a number", lambda: json_answer(autograb_body(token_type=1))),
    "type-bearer-prefix": ("token_type Bearerx", lambda: json_answer(
        autograb_body(token_type="Bearerx"))),
    # -- expires_in
    "expires-string": ("expires_in \"3599\"", lambda: json_answer(autograb_body(expires_in="3599"))),
    "expires-negative": ("expires_in -3599", lambda: json_answer(autograb_body(expires_in=-3599))),
    "expires-zero": ("expires_in 0", lambda: json_answer(autograb_body(expires_in=0))),
    "expires-fraction": ("expires_in 3599.5", lambda: raw_answer(js(autograb_body(
        expires_in=1)).replace(b'"expires_in":1', b'"expires_in":3599.5'))),
    "expires-1e309": ("expires_in 1e309", lambda: raw_answer(js(autograb_body(
        expires_in=1)).replace(b'"expires_in":1', b'"expires_in":1e309'))),
    "expires-exponent": ("expires_in 3.6e3", lambda: raw_answer(js(autograb_body(
        expires_in=1)).replace(b'"expires_in":1', b'"expires_in":3.6e3'))),
    "expires-2p63": ("expires_in 2^63", lambda: json_answer(autograb_body(expires_in=2 ** 63))),
    "expires-2p64": ("expires_in 2^64 + 3599", lambda: json_answer(
        autograb_body(expires_in=2 ** 64 + 3599))),
    "expires-null": ("expires_in null", lambda: raw_answer(js(autograb_body(
        expires_in=1)).replace(b'"expires_in":1', b'"expires_in":null'))),
    # -- ANTS: absolute expiry
    "ants-past": ("ANTS, accessTokenExpiresAt in 2020", lambda: json_answer(
        ants_body("2020-08-10T12:41:57.643Z"))),
    "ants-garbage": ("ANTS, accessTokenExpiresAt unparseable", lambda: json_answer(
        ants_body("tomorrow at noon"))),
    "ants-number": ("ANTS, accessTokenExpiresAt a number", lambda: json_answer(
        ants_body(int(time.time()) + 3600))),
    "ants-empty": ("ANTS, accessTokenExpiresAt empty", lambda: json_answer(ants_body(""))),
    "ants-bad-date": ("ANTS, accessTokenExpiresAt 2031-02-30", lambda: json_answer(
        ants_body("2031-02-30T12:00:00.000Z"))),
    "ants-far": ("ANTS, accessTokenExpiresAt in year 9999", lambda: json_answer(
        ants_body("9999-12-31T23:59:59.999Z"))),
    # -- redirects and slowness
    "redirect302": ("302 to a valid token endpoint (/good/...)", lambda: "redirect302"),
    "redirect307": ("307 to a valid token endpoint (/good/...)", lambda: "redirect307"),
    "trickle": ("headers at once, then the body one byte every 0.3 s", lambda: "trickle"),
    "trickle-headers": ("the status line and headers one byte every 0.3 s",
                        lambda: "trickle-headers"),
    "close": ("read the request, close without answering", lambda: "close"),
    # -- provider errors with hostile text
    "reject-control": ("400 invalid_client, control characters in the description",
                       lambda: json_answer({"error": "invalid_client",
                                            "error_description": NASTY}, 400)),
    "reject-ants-control": ("400 in ANTS's shape (name/message), control characters",
                            lambda: json_answer({"statusCode": 400, "status": 400, "code": 400,
                                                 "name": "invalid_client\u001b[1m",
                                                 "message": NASTY}, 400)),
    "reject-long": ("400 invalid_client with a 100 kB description", lambda: json_answer(
        {"error": "invalid_client", "error_description": "visible-part " + "x" * 100000}, 400)),
    "reject-key-control": ("400 whose error code holds LF", lambda: json_answer(
        {"error": "invalid_client\ncredring: forged line"}, 400)),
    "server-error-control": ("500 with control characters in the message",
                             lambda: json_answer({"error": "server_error",
                                                  "error_description": NASTY}, 500)),
    "notfound-html": ("404 with an HTML page", lambda: raw_answer(
        b"<html><body>Not Found\x1b[2J</body></html>", 404, "text/html")),
}
SPECIAL_STATUS = {"redirect302": 302, "redirect307": 307, "chunked": 200, "short": 200,
                  "trickle": 200, "trickle-headers": 200}
for _name in CONNECTION_MODES:
    BEHAVIOURS[_name] = ("connection level: see the module docstring", None)


def status_answer(status, retry_after=None):
    if status == 200:
        return None
    errors = {400: "invalid_client", 401: "invalid_client", 403: "access_denied",
              429: "slow_down", 503: "temporarily_unavailable"}
    error = errors.get(status, "server_error" if status >= 500 else "invalid_request")
    headers = {"Content-Type": "application/json"}
    if status == 401:
        headers["WWW-Authenticate"] = 'Basic realm="auth-broker"'
    if retry_after is not None and retry_after.startswith("date+"):
        # an HTTP-date that many seconds from now
        headers["Retry-After"] = email.utils.formatdate(
            time.time() + float(retry_after[5:]), usegmt=True)
    elif retry_after is not None:
        headers["Retry-After"] = retry_after
    return status, headers, js({"error": error, "error_description": "hostile-server: HTTP %d"
                                % status})


def parse_item(item, default_retry_after):
    """'good' -> ('good', None, None); '503@2' -> ('503', 503, '2')."""
    name, _, retry_after = item.partition("@")
    if name.isdigit():
        status = int(name)
        if status == 200:
            return ("good", None, None)
        if not retry_after and status in (429, 503) and default_retry_after is not None:
            retry_after = default_retry_after
        return (name, status, retry_after or None)
    if name not in BEHAVIOURS:
        raise ValueError("unknown behaviour %r (see --list-modes)" % name)
    return (name, None, None)


class State:
    def __init__(self, args):
        self.lock = threading.Lock()
        self.args = args
        self.n = 0
        items = []
        if args.sequence:
            items += [s.strip() for s in args.sequence.split(",") if s.strip()]
        if args.fail_first:
            items += [str(args.fail_status)] * args.fail_first
        self.sequence = [parse_item(i, args.retry_after) for i in items]
        self.default = parse_item(args.mode, args.retry_after)

    def next_behaviour(self):
        """The behaviour for a new connection, and whether it came from the sequence."""
        with self.lock:
            if self.sequence:
                return self.sequence.pop(0), True
            return self.default, False

    def log(self, entry):
        with self.lock:
            self.n += 1
            entry["n"] = self.n
            entry["time"] = time.time()
            if self.args.log:
                with open(self.args.log, "a", encoding="utf-8") as f:
                    f.write(json.dumps(entry, sort_keys=True) + "\n")


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "hostile-server"
    sys_version = ""
    timeout = 60

    def log_message(self, fmt, *args):
        pass

    def do_POST(self):
        self.dispatch("POST")

    def do_GET(self):
        self.dispatch("GET")

    def send_all(self, status, headers, body, content_length=True):
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        if content_length:
            self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)
        self.wfile.flush()

    def drain_body(self):
        length = self.headers.get("Content-Length")
        if length is not None and length.isdigit() and int(length) <= 64 * 1024:
            self.rfile.read(int(length))

    def dispatch(self, method):
        self.close_connection = True
        state = self.server.state
        chosen, from_sequence = self.request_behaviour
        path = self.path.split("?", 1)[0]
        name, status, retry_after = chosen
        if not from_sequence:
            if path.startswith("/mode/"):
                name = path.split("/")[2]
                status = retry_after = None
                if name.isdigit():
                    name, status, retry_after = parse_item(name, self.server.args.retry_after)
                elif name not in BEHAVIOURS or name in ("reset", "reset-handshake", "silent"):
                    name = "unknown:" + name
            elif path.startswith("/good/"):
                name, status, retry_after = "good", None, None
        self.drain_body()
        entry = {"mode": name, "path": self.path, "method": method,
                 "content_type": self.headers.get("Content-Type"),
                 "auth_header_present": self.headers.get("Authorization") is not None,
                 "status": status}
        if name.startswith("unknown:"):
            entry["status"] = 404
            state.log(entry)
            self.send_all(404, {"Content-Type": "text/plain"}, b"hostile-server: no such mode\n")
            return

        answer = None
        if status is not None:
            answer = status_answer(status, retry_after)
        elif name == "good":
            answer = json_answer(ants_body() if self.server.args.provider == "ants"
                                 else autograb_body())
        elif name == "hang":
            state.log(entry)
            self.hang()
            return
        else:
            answer = BEHAVIOURS[name][1]()
        if isinstance(answer, tuple):
            entry["status"] = answer[0]
        else:
            entry["status"] = SPECIAL_STATUS.get(answer)
        state.log(entry)
        try:
            if isinstance(answer, tuple):
                self.send_all(*answer)
            else:
                getattr(self, "special_" + answer.replace("-", "_"))()
        except (BrokenPipeError, ConnectionResetError, ssl.SSLError, OSError):
            pass  # the client gave up: that is what most of these are for

    # -- the behaviours that are not one plain answer

    def hang(self):
        """Never answer; return when the client goes away (or after a minute)."""
        self.connection.settimeout(60)
        try:
            while self.connection.recv(1):
                pass
        except (OSError, ssl.SSLError):
            pass

    def good_url(self):
        host = self.headers.get("Host") or "127.0.0.1:%d" % self.server.server_address[1]
        scheme = "https" if self.server.args.cert else "http"
        return "%s://%s/good/auth-broker/request-token" % (scheme, host)

    def special_redirect302(self):
        self.send_all(302, {"Location": self.good_url(), "Content-Type": "text/html"},
                      b"<html>Moved</html>")

    def special_redirect307(self):
        self.send_all(307, {"Location": self.good_url(), "Content-Type": "text/html"},
                      b"<html>Moved</html>")

    def special_chunked(self):
        body = padded(MIB + 64 * 1024)
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Transfer-Encoding", "chunked")
        self.send_header("Connection", "close")
        self.end_headers()
        for i in range(0, len(body), 16 * 1024):
            chunk = body[i:i + 16 * 1024]
            self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()

    def special_short(self):
        body = js(autograb_body())
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body) + 500))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)
        self.wfile.flush()

    def special_close(self):
        pass  # the handler returns, the connection closes, nothing was said

    def trickle_bytes(self, data):
        for i in range(len(data)):
            self.wfile.write(data[i:i + 1])
            self.wfile.flush()
            time.sleep(0.3)

    def special_trickle(self):
        body = js(autograb_body())
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.flush()
        self.trickle_bytes(body)

    def special_trickle_headers(self):
        body = js(autograb_body())
        head = ("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                "Content-Length: %d\r\nConnection: close\r\n\r\n" % len(body)).encode()
        self.trickle_bytes(head + body)


class Server(serving.Server):
    label = "hostile-server"
    ssl_context = None

    def finish_request(self, request, client_address):
        chosen, from_sequence = self.state.next_behaviour()
        name = chosen[0]
        if name in CONNECTION_MODES and name != "hang":
            self.state.log({"mode": name, "path": None, "method": None, "content_type": None,
                            "auth_header_present": None, "status": None})
            if name == "silent":
                request.settimeout(60)
                try:
                    while request.recv(4096):
                        pass
                except OSError:
                    pass
            if name == "reset-handshake":
                request.settimeout(10)
                try:
                    request.recv(4096)  # the ClientHello
                except OSError:
                    pass
            # "reset", "reset-handshake": close with a RST rather than a FIN
            request.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            request.close()
            return
        if self.ssl_context is not None:
            request.settimeout(30)
            request = self.ssl_context.wrap_socket(request, server_side=True)
            request.settimeout(None)
        handler = self.RequestHandlerClass.__new__(self.RequestHandlerClass)
        handler.request_behaviour = (chosen, from_sequence)
        handler.__init__(request, client_address, self)



def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--cert")
    p.add_argument("--key")
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--port-file")
    p.add_argument("--log")
    p.add_argument("--provider", choices=("autograb", "ants"), default="autograb",
                   help='the shape of "good" answers (default autograb)')
    p.add_argument("--mode", default="good", help="the behaviour once --sequence is used up")
    p.add_argument("--sequence", help="comma-separated behaviours or statuses, one per "
                   "connection, e.g. 503,503,200 or 429@1,200")
    p.add_argument("--fail-first", type=int, default=0, metavar="N",
                   help="answer the first N connections with --fail-status")
    p.add_argument("--fail-status", type=int, default=503)
    p.add_argument("--retry-after", help="Retry-After value for 429 and 503 answers")
    p.add_argument("--list-modes", action="store_true")
    p.add_argument("--verbose", action="store_true")
    args = p.parse_args()
    if args.list_modes:
        for name, (description, _) in BEHAVIOURS.items():
            print("%-22s %s" % (name, description))
        return 0
    if bool(args.cert) != bool(args.key):
        p.error("--cert and --key go together")
    try:
        state = State(args)
    except ValueError as e:
        p.error(str(e))

    server = Server(("127.0.0.1", args.port), Handler)
    server.args = args
    server.state = state
    if args.cert:
        # Wrapped per connection (finish_request): some behaviours never
        # finish a handshake.
        server.ssl_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        server.ssl_context.load_cert_chain(args.cert, args.key)
    return serving.serve(server, args, wrap_socket=False)


if __name__ == "__main__":
    sys.exit(main())
