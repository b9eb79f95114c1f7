#!/usr/bin/python3
"""A git smart-HTTP server whose passwords are OAuth2 bearer tokens.

For tests/integration/git-clone.sh: plain HTTP on 127.0.0.1 (git allows
http to the loopback).  Every request must carry

    Authorization: Basic base64(USER:TOKEN)      (git 2.39 sends the token
                                                  as the password)
or  Authorization: Bearer TOKEN                  (git >= 2.46 with authtype)

and TOKEN must be live at the provider emulator: the front asks
`GET CHECK_URL` with `Authorization: Bearer TOKEN` over HTTPS (trusting
--ca-file) and takes 200 as yes.  Otherwise: 401 with
`WWW-Authenticate: Basic realm="x"`.  Authorised requests are handed to
git-http-backend as CGI.

Python 3 standard library only.  One JSON line per request goes to --log:
method, path, auth ("none", "basic", "bearer", "malformed"), user, token_ok,
status.  Never a token.
"""

import argparse
import base64
import binascii
import json
import os
import signal
import ssl
import subprocess
import sys
import threading
import urllib.error
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MAX_BODY = 64 * 1024 * 1024
BACKEND = "/usr/lib/git-core/git-http-backend"


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "git-front"
    sys_version = ""
    timeout = 30

    def log_message(self, fmt, *args):
        pass

    # -- helpers

    def credentials(self):
        """(kind, user, token) from the Authorization header."""
        header = self.headers.get("Authorization")
        if header is None:
            return "none", None, None
        scheme, _, rest = header.partition(" ")
        rest = rest.strip()
        if scheme.lower() == "bearer" and rest:
            return "bearer", None, rest
        if scheme.lower() == "basic" and rest:
            try:
                raw = base64.b64decode(rest.encode("ascii"), validate=True).decode("utf-8")
            except (binascii.Error, UnicodeError):
                return "malformed", None, None
            user, sep, password = raw.partition(":")
            if sep and password:
                return "basic", user, password
        return "malformed", None, None

    def token_live(self, token):
        args = self.server.args
        req = urllib.request.Request(args.check_url, method="GET")
        req.add_header("Authorization", "Bearer " + token)
        try:
            with urllib.request.urlopen(req, context=self.server.tls, timeout=10) as r:
                return r.status == 200
        except urllib.error.HTTPError:
            return False
        except (urllib.error.URLError, OSError) as e:
            print("git-front: check failed: %r" % e, file=sys.stderr)
            return False

    def read_body(self):
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks = []
            total = 0
            while True:
                size_line = self.rfile.readline(1024)
                size = int(size_line.split(b";", 1)[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline(1024) not in (b"\r\n", b"\n", b""):
                        pass
                    break
                total += size
                if total > MAX_BODY:
                    raise ValueError("body too large")
                chunks.append(self.rfile.read(size))
                self.rfile.readline(1024)  # the CRLF after the chunk
            return b"".join(chunks)
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            raise ValueError("body too large")
        return self.rfile.read(length) if length > 0 else b""

    def send(self, status, headers, body):
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def log(self, entry):
        with self.server.log_lock, open(self.server.args.log, "a", encoding="utf-8") as f:
            f.write(json.dumps(entry, sort_keys=True) + "\n")

    # -- the request

    def do_GET(self):
        self.handle_request()

    def do_POST(self):
        self.handle_request()

    def handle_request(self):
        self.close_connection = True
        path, _, query = self.path.partition("?")
        try:
            body = self.read_body()
        except (ValueError, OSError):
            self.send(400, [("Content-Type", "text/plain")], b"bad request body\n")
            return
        kind, user, token = self.credentials()
        entry = {"method": self.command, "path": path, "auth": kind, "user": user,
                 "token_ok": None, "status": None}
        ok = False
        if token is not None:
            ok = self.token_live(token)
            entry["token_ok"] = ok
        if not ok:
            entry["status"] = 401
            self.log(entry)
            self.send(401, [("WWW-Authenticate", 'Basic realm="x"'),
                            ("Content-Type", "text/plain")], b"authentication required\n")
            return
        status, headers, out = self.run_backend(path, query, body, user or "bearer")
        entry["status"] = status
        self.log(entry)
        self.send(status, headers, out)

    def run_backend(self, path, query, body, user):
        args = self.server.args
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "GIT_PROJECT_ROOT": args.project_root,
            "GIT_HTTP_EXPORT_ALL": "1",
            "GATEWAY_INTERFACE": "CGI/1.1",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "SERVER_SOFTWARE": "git-front",
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": str(self.server.server_address[1]),
            "REQUEST_METHOD": self.command,
            "PATH_INFO": urllib.parse.unquote(path),
            "QUERY_STRING": query,
            "CONTENT_TYPE": self.headers.get("Content-Type", ""),
            "CONTENT_LENGTH": str(len(body)),
            "REMOTE_USER": user,
            "REMOTE_ADDR": self.client_address[0],
            "AUTH_TYPE": "Basic",
        }
        for header, var in (("Git-Protocol", "HTTP_GIT_PROTOCOL"),
                            ("Content-Encoding", "HTTP_CONTENT_ENCODING")):
            if self.headers.get(header) is not None:
                env[var] = self.headers[header]
        try:
            proc = subprocess.run([BACKEND], input=body, env=env, capture_output=True,
                                  timeout=60)
        except subprocess.TimeoutExpired:
            return 504, [("Content-Type", "text/plain")], b"backend timed out\n"
        out = proc.stdout
        sep = out.find(b"\r\n\r\n")
        sep_len = 4
        lf = out.find(b"\n\n")
        if lf != -1 and (sep == -1 or lf < sep):
            sep, sep_len = lf, 2
        if sep == -1:
            sys.stderr.write("git-front: backend said no headers: %r\n" % proc.stderr[:500])
            return 502, [("Content-Type", "text/plain")], b"bad gateway\n"
        status = 200
        headers = []
        for line in out[:sep].decode("latin-1").splitlines():
            name, _, value = line.partition(":")
            value = value.strip()
            if name.lower() == "status":
                status = int(value.split()[0])
            elif name.lower() != "content-length":
                headers.append((name, value))
        return status, headers, out[sep + sep_len:]


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--project-root", required=True)
    p.add_argument("--check-url", required=True)
    p.add_argument("--ca-file", required=True)
    p.add_argument("--port-file", required=True)
    p.add_argument("--log", required=True)
    args = p.parse_args()

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    server.args = args
    server.log_lock = threading.Lock()
    server.tls = ssl.create_default_context(cafile=args.ca_file)

    def stop(signum, frame):
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    tmp = "%s.tmp.%d" % (args.port_file, os.getpid())
    with open(tmp, "w") as f:
        f.write("%d\n" % server.server_address[1])
    os.rename(tmp, args.port_file)
    try:
        server.serve_forever()
    except SystemExit:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
