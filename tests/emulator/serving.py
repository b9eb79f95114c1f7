"""What every emulator in tests/emulator/ shares: the HTTPS server, its
start and stop, the port file the tests wait for, and the bits of decoding
whose rules do not depend on the emulated provider.  Python 3 standard
library only; imported from the emulator's own directory."""

import base64
import os
import re
import signal
import ssl
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

_PCT = re.compile(rb"%([0-9A-Fa-f]{2})")


class Server(ThreadingHTTPServer):
    daemon_threads = True
    label = "emulator"  # for its messages on stderr

    def handle_error(self, request, client_address):
        # TLS handshakes the client aborts (the untrusted-certificate tests)
        # land here: one short line, not a traceback.
        exc = sys.exc_info()[1]
        if self.args.verbose or not isinstance(exc, (ssl.SSLError, OSError)):
            print("%s: %s: %r" % (self.label, client_address[0], exc), file=sys.stderr)


class QuietHandler(BaseHTTPRequestHandler):
    """HTTP/1.1 without an access log, and a way to send one whole answer."""
    protocol_version = "HTTP/1.1"
    sys_version = ""
    timeout = 30  # a client that stalls does not hold a thread forever

    def log_message(self, fmt, *args):
        pass  # no access log: stdout/stderr stay quiet

    def send(self, status, content_type, data, headers=None):
        self.send_response(status)
        if content_type is not None:
            self.send_header("Content-Type", content_type)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)


def write_port_file(path, port):
    tmp = "%s.tmp.%d" % (path, os.getpid())
    with open(tmp, "w") as f:
        f.write("%d\n" % port)
    os.rename(tmp, path)  # readers never see a half-written file


def serve(server, args, wrap_socket=True):
    """Serves until SIGTERM or SIGINT: TLS with --cert/--key (the handshake
    in the handler thread, so one stuck client cannot block accept(); with
    WRAP_SOCKET false the emulator does its own), then the port file."""
    if args.cert and wrap_socket:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(args.cert, args.key)
        server.socket = ctx.wrap_socket(server.socket, server_side=True,
                                        do_handshake_on_connect=False)

    def stop(signum, frame):
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    if args.port_file:
        write_port_file(args.port_file, server.server_address[1])
    try:
        server.serve_forever()
    except SystemExit:
        pass
    finally:
        server.server_close()
    return 0


def percent_decode(raw):
    """application/x-www-form-urlencoded decoding of one name or value:
    '+' is a space, every '%' starts two hex digits, the result is UTF-8.
    ValueError, saying which rule, otherwise."""
    if not re.fullmatch(rb"(?:[^%]|%[0-9A-Fa-f]{2})*", raw):
        raise ValueError("malformed percent-encoding")
    decoded = _PCT.sub(lambda m: bytes([int(m.group(1), 16)]), raw.replace(b"+", b" "))
    try:
        return decoded.decode("utf-8")
    except UnicodeDecodeError:
        raise ValueError("not UTF-8")


def media_type_ok(header, wanted):
    """Content-Type is WANTED; a charset=utf-8 parameter is tolerated."""
    if header is None:
        return False
    parts = [p.strip() for p in header.split(";")]
    if parts[0].lower() != wanted:
        return False
    return all(p.lower().replace('"', "") == "charset=utf-8" for p in parts[1:])


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")
