#!/usr/bin/python3
"""dbus-call.py [OPTIONS] INTERFACE.METHOD [ARGS]

One D-Bus method call on the session bus ($DBUS_SESSION_BUS_ADDRESS), for
the tests of credring-service (service-lib.sh's svc_call). A real call:
no introspection first (gdbus call introspects, which would start the
service by itself), D-Bus activation as any client gets it.

ARGS: the arguments as one GVariant text tuple, e.g. "('acct', @a{sv} {})".
Options: --dest NAME, --path PATH (default: credring-service's),
--timeout SECONDS (default 90), --no-auto-start.

Prints each value of the reply on a line of its own: a string as it is,
anything else as JSON (Python's unpacking of the GVariant: a{sv} an object,
a(ss...) lists). Exit 0.  A D-Bus error: nothing on stdout, its name and
its message as two lines on stderr, exit 1 (a local failure such as a
timeout: "local:DOMAIN:CODE" as the name).  Bad usage: exit 2.
"""

import argparse
import json
import sys

import gi

gi.require_version("Gio", "2.0")
from gi.repository import Gio, GLib  # noqa: E402


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--dest", default="org.credring.Credring1")
    p.add_argument("--path", default="/org/credring/Credring1")
    p.add_argument("--timeout", type=float, default=90)
    p.add_argument("--no-auto-start", action="store_true")
    p.add_argument("method")
    p.add_argument("args", nargs="?", default="()")
    a = p.parse_args()
    if "." not in a.method:
        p.error("METHOD must be INTERFACE.METHOD")
    interface, method = a.method.rsplit(".", 1)
    try:
        args = GLib.Variant.parse(None, a.args, None, None)
    except GLib.Error as e:
        p.error("ARGS is not a GVariant text: %s" % e.message)
    if not args.get_type_string().startswith("("):
        p.error("ARGS must be a tuple")
    flags = Gio.DBusCallFlags.NONE
    if a.no_auto_start:
        flags |= Gio.DBusCallFlags.NO_AUTO_START
    bus = Gio.bus_get_sync(Gio.BusType.SESSION, None)
    try:
        reply = bus.call_sync(a.dest, a.path, interface, method, args, None, flags,
                              int(a.timeout * 1000), None)
    except GLib.Error as e:
        name = Gio.DBusError.get_remote_error(e)
        message = e.message
        if name:
            # What g_dbus_error_strip_remote_error() does (PyGObject hands
            # it a copy of the error, so it cannot be used here).
            prefix = "GDBus.Error:%s: " % name
            if message.startswith(prefix):
                message = message[len(prefix):]
        else:
            name = "local:%s:%d" % (e.domain, e.code)
        sys.stderr.write("%s\n%s\n" % (name, message))
        return 1
    for i in range(reply.n_children()):
        value = reply.get_child_value(i)
        if value.get_type_string() == "s":
            print(value.get_string())
        else:
            print(json.dumps(value.unpack()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
