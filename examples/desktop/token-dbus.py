#!/usr/bin/python3
"""token-dbus.py: an access token from credring-service over D-Bus, as a
desktop program in any language asks for one (here Python, PyGObject).

  token-dbus.py ACCOUNT [--min-valid SECONDS] [--force-refresh]
  token-dbus.py --url URL [--min-valid SECONDS] [--force-refresh]
  token-dbus.py --watch [ACCOUNT]

The token goes to stdout (for an "Authorization: Bearer" header), the
account and its expiry to stderr.  --url asks for the account whose `url`
matches, as git-credential-credring matches them.  --watch prints each
AccountChanged signal (never a token) until Ctrl-C.

A failure prints the service's one-line message and exits with the status
`credring token` would end with: 2 configuration, 3 rejected by the
provider, 4 network, 5 keyring, 1 anything else.  The interface is
doc/dbus-interface.md; Debian's python3-gi is all it needs.
"""

import argparse
import signal
import sys
import time

import gi

gi.require_version("Gio", "2.0")
from gi.repository import Gio, GLib  # noqa: E402

BUS_NAME = "org.credring.Credring1"
OBJECT_PATH = "/org/credring/Credring1"
INTERFACE = "org.credring.Credring1"

# The exit status for each of the service's errors; any other is 1.
EXIT_STATUS = {
    "org.credring.Credring1.Error.Failed": 1,
    "org.credring.Credring1.Error.Config": 2,
    "org.credring.Credring1.Error.Rejected": 3,
    "org.credring.Credring1.Error.Network": 4,
    "org.credring.Credring1.Error.Keyring": 5,
    "org.credring.Credring1.Error.AccessDenied": 1,
    "org.freedesktop.DBus.Error.InvalidArgs": 2,
}

# A call that may go to the provider takes up to twice the account's
# timeout (default 30 s): a minute and a little more.
TOKEN_CALL_TIMEOUT_MS = 90 * 1000


class Failure(Exception):
    def __init__(self, message, status):
        super().__init__(message)
        self.status = status


def failure_from(error):
    """The one line and the exit status for a GLib.Error from a call."""
    name = Gio.DBusError.get_remote_error(error)
    message = error.message
    if name is not None:
        # GDBus puts "GDBus.Error:NAME: " before the service's own line.
        prefix = "GDBus.Error:%s: " % name
        if message.startswith(prefix):
            message = message[len(prefix):]
    if name == "org.freedesktop.DBus.Error.ServiceUnknown":
        message = "credring-service is not installed or did not start: " + message
    return Failure(message, EXIT_STATUS.get(name, 1))


def connect(watch):
    flags = Gio.DBusProxyFlags.DO_NOT_LOAD_PROPERTIES
    if not watch:
        flags |= Gio.DBusProxyFlags.DO_NOT_CONNECT_SIGNALS
    try:
        # The bus starts the service on the first call if it is not running
        # (and, for --watch, now: signals come only from a running service).
        return Gio.DBusProxy.new_for_bus_sync(
            Gio.BusType.SESSION, flags, None, BUS_NAME, OBJECT_PATH, INTERFACE, None)
    except GLib.Error as error:
        raise failure_from(error) from None


def token_options(args):
    """The a{sv} options: only those asked for; the service's defaults
    (the account's min_valid) otherwise."""
    options = {}
    if args.min_valid is not None:
        options["min-valid"] = GLib.Variant("u", args.min_valid)
    if args.force_refresh:
        options["force-refresh"] = GLib.Variant("b", True)
    return options


def get_token(proxy, args):
    if args.url is not None:
        method, signature, first = "GetAccessTokenForUrl", "(sa{sv})", args.url
    else:
        method, signature, first = "GetAccessToken", "(sa{sv})", args.account
    try:
        reply = proxy.call_sync(method, GLib.Variant(signature, (first, token_options(args))),
                                Gio.DBusCallFlags.NONE, TOKEN_CALL_TIMEOUT_MS, None)
    except GLib.Error as error:
        raise failure_from(error) from None
    if args.url is not None:
        account, access_token, token_type, expires_at = reply.unpack()
    else:
        access_token, token_type, expires_at = reply.unpack()
        account = args.account
    print(access_token)
    expires = time.strftime("%Y-%m-%d %H:%M:%S %Z", time.localtime(expires_at))
    print("%s: %s token, expires at %s (in %d s)"
          % (account, token_type, expires, expires_at - int(time.time())), file=sys.stderr)


def watch(proxy, account):
    loop = GLib.MainLoop()

    def on_signal(_proxy, _sender, signal_name, parameters):
        if signal_name != "AccountChanged":
            return
        changed, change = parameters.unpack()
        if account is None or changed == account:
            print("%s %s" % (changed, change), flush=True)

    def on_owner(proxy, _pspec):
        # The service exits when idle and the bus starts it again on the
        # next call: between the two, no signal comes.
        owner = proxy.get_name_owner()
        print("(credring-service %s)" % ("running as " + owner if owner else "not running"),
              file=sys.stderr, flush=True)

    proxy.connect("g-signal", on_signal)
    proxy.connect("notify::g-name-owner", on_owner)
    if proxy.get_name_owner() is None:
        # Nothing is running to send signals: a Peer.Ping starts it.
        try:
            proxy.call_sync("org.freedesktop.DBus.Peer.Ping", None,
                            Gio.DBusCallFlags.NONE, -1, None)
        except GLib.Error as error:
            raise failure_from(error) from None
    GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, signal.SIGINT, loop.quit)
    GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, signal.SIGTERM, loop.quit)
    loop.run()


def main():
    parser = argparse.ArgumentParser(
        description="An access token from credring-service over D-Bus.")
    parser.add_argument("account", nargs="?", help="the account (a group of accounts.conf)")
    parser.add_argument("--url", help="the API URL the token is for, instead of an account")
    parser.add_argument("--min-valid", type=int, metavar="SECONDS",
                        help="seconds the token must stay valid at least")
    parser.add_argument("--force-refresh", action="store_true",
                        help="a new token even if the cached one is valid")
    parser.add_argument("--watch", action="store_true",
                        help="print AccountChanged signals (of ACCOUNT, if given) until Ctrl-C")
    args = parser.parse_args()
    if args.watch:
        if args.url or args.min_valid is not None or args.force_refresh:
            parser.error("--watch takes an account at most")
    elif (args.account is None) == (args.url is None):
        parser.error("give an account or --url URL")
    if args.min_valid is not None and not 0 <= args.min_valid <= 0xFFFFFFFF:
        parser.error("--min-valid: 0 to 4294967295 seconds")

    try:
        proxy = connect(args.watch)
        if args.watch:
            watch(proxy, args.account)
        else:
            get_token(proxy, args)
    except Failure as failure:
        print("token-dbus.py: %s" % failure, file=sys.stderr)
        return failure.status
    return 0


if __name__ == "__main__":
    sys.exit(main())
