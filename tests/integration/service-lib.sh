# service-lib.sh — sourced after lib.sh by tests/integration/service-*.sh,
# the tests of credring-service (org.credring.Credring1,
# helpers/service/org.credring.Credring1.xml is the contract they test).
#
# The service is never launched by a test: it is started by D-Bus
# activation from the .service file that `make check` installed into
# $TEST_INSTALL_ROOT (tests/Makefile.inc), as in a desktop session. So each
# such file sets, before sourcing lib.sh:
#   TEST_SERVICE_DIR=installed
# and then calls service_env once its accounts file is named, before the
# first call (the bus was started before lib.sh chose CREDRING_CONFIG).
#
# Calls are real D-Bus calls (tests/integration/dbus-call.py, GDBus through
# PyGObject): svc_call METHOD ARGS.

SERVICE_NAME=org.credring.Credring1
SERVICE_PATH=/org/credring/Credring1
SERVICE_IFACE=org.credring.Credring1
SERVICE_ERROR=org.credring.Credring1.Error
INVALID_ARGS=org.freedesktop.DBus.Error.InvalidArgs
SERVICE_BIN=$TEST_INSTALL_ROOT/libexec/credring-service
SERVICE_FILE=$TEST_INSTALL_ROOT/share/dbus-1/services/$SERVICE_NAME.service
SERVICE_SOCKET=$XDG_RUNTIME_DIR/credring/service.socket
DBUS_CALL=$abs_top_srcdir/tests/integration/dbus-call.py

[ "${CREDRING_TEST_SERVICE_DIR:-}" = "$TEST_INSTALL_ROOT/share/dbus-1/services" ] ||
	tap_bail "service-lib.sh: set TEST_SERVICE_DIR=installed before sourcing lib.sh"
"$PYTHON" -c 'import gi; gi.require_version("Gio", "2.0")' 2>/dev/null ||
	tap_bail "$PYTHON has no PyGObject (python3-gi), which dbus-call.py needs"

# service_env [NAME=VALUE...]: what the service activated from now on finds
# in its environment (org.freedesktop.DBus.UpdateActivationEnvironment):
# this test's accounts file, the build tree's plugins and fetch module (as
# for the CLI), the installed library (the install root is not on the
# loader's path), an idle time long enough for a slow run (the test ends the
# service itself), and NAME=VALUE.
service_env() {
	local kv
	local vars=(
		CREDRING_CONFIG="$CREDRING_CONFIG"
		CREDRING_PLUGIN_DIR="$CREDRING_PLUGIN_DIR"
		CREDRING_FETCH_MODULE="$CREDRING_FETCH_MODULE"
		CREDRING_PROVIDER_DIR="$CREDRING_PROVIDER_DIR"
		HOME="$HOME" XDG_CONFIG_HOME="$XDG_CONFIG_HOME" XDG_DATA_HOME="$XDG_DATA_HOME"
		XDG_CACHE_HOME="$XDG_CACHE_HOME" XDG_RUNTIME_DIR="$XDG_RUNTIME_DIR"
		LD_LIBRARY_PATH="$TEST_INSTALL_ROOT/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
		CREDRING_SERVICE_IDLE_TIMEOUT=600
		"$@"
	)
	"$PYTHON" - "${vars[@]}" <<'EOF' || tap_bail "UpdateActivationEnvironment failed"
import sys
import gi
gi.require_version("Gio", "2.0")
from gi.repository import Gio, GLib
env = dict(kv.split("=", 1) for kv in sys.argv[1:])
Gio.bus_get_sync(Gio.BusType.SESSION, None).call_sync(
    "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
    "UpdateActivationEnvironment", GLib.Variant("(a{ss})", (env,)), None,
    Gio.DBusCallFlags.NONE, 10000, None)
EOF
}

# svc_call METHOD [ARGS] [DBUS-CALL-OPTIONS...]: calls org.credring.Credring1.
# METHOD with ARGS (GVariant text, e.g. "('acct', @a{sv} {})"). Sets
# SVC_STATUS (0, or 1 for a D-Bus error), SVC_OUT (the reply's values, one a
# line: see dbus-call.py), SVC_ERROR (the error's name) and SVC_MESSAGE
# (its message). Bounded: 120 s.
svc_call() {
	local method=$1 args=${2:-()}
	shift
	[ $# -gt 0 ] && shift
	SVC_ARGS="$method $args"
	SVC_STATUS=0
	timeout 120 "$PYTHON" "$DBUS_CALL" "$@" "$SERVICE_IFACE.$method" "$args" \
		>"$TEST_TMP/svc.out" 2>"$TEST_TMP/svc.err" || SVC_STATUS=$?
	SVC_OUT=$(cat "$TEST_TMP/svc.out")
	SVC_ERROR=$(sed -n 1p "$TEST_TMP/svc.err")
	SVC_MESSAGE=$(sed -n '2,$p' "$TEST_TMP/svc.err")
}

# svc_get_token ACCOUNT [OPTIONS]: GetAccessToken(ACCOUNT, OPTIONS, default
# none); on success SVC_TOKEN, SVC_TYPE, SVC_EXPIRES are its three values.
svc_get_token() {
	local options=${2:-}
	svc_call GetAccessToken "('$1', @a{sv} ${options:-"{}"})"
	SVC_TOKEN=$(sed -n 1p "$TEST_TMP/svc.out")
	SVC_TYPE=$(sed -n 2p "$TEST_TMP/svc.out")
	SVC_EXPIRES=$(sed -n 3p "$TEST_TMP/svc.out")
}

_svc_diag() {
	tap_diag "call: $SVC_ARGS (status $SVC_STATUS)" "reply: $SVC_OUT" \
		"error: $SVC_ERROR" "message: $SVC_MESSAGE"
}

# svc_ok DESC: the last call succeeded.
svc_ok() {
	_tap_result $((SVC_STATUS != 0)) "$1" || _svc_diag
}

# svc_error_is DESC NAME: the last call failed with the D-Bus error NAME
# (org.credring.Credring1.Error.NAME when NAME has no dot).
svc_error_is() {
	local want=$2 st=1
	[[ $want == *.* ]] || want=$SERVICE_ERROR.$want
	[ "$SVC_STATUS" = 1 ] && [ "$SVC_ERROR" = "$want" ] && st=0
	_tap_result $st "$1" || { tap_diag "expected the error $want"; _svc_diag; }
}

# svc_message_is_cli DESC: the last call's error message is the one line
# the last run_credring printed on stderr, without its "credring: ". The
# parts of it that differ from run to run are not compared: libcurl's
# "after N ms" of a failed connect, and the lifetime of a token whose
# provider gives an absolute expiry (each fetch's own, a second apart when
# the clock ticks between them; the caller checks its value).
_curl_time() {
	sed -E 's/ after [0-9]+ ms/ after N ms/g; s/ tokens last [0-9]+ s,/ tokens last N s,/g' <<<"$1"
}
svc_message_is_cli() {
	local cli=${RUN_ERR#credring: } st=1
	[ "$RUN_ERR_LINES" = 1 ] && [ "$(_curl_time "$SVC_MESSAGE")" = "$(_curl_time "$cli")" ] &&
		[ -n "$cli" ] && st=0
	_tap_result $st "$1" || tap_diag "D-Bus message: '$SVC_MESSAGE'" \
		"CLI stderr ($RUN_ERR_LINES lines): '$RUN_ERR'"
}

# ------------------------------------------------------------ the bus --

# bus_method METHOD [ARGS]: a method of the bus itself (org.freedesktop.DBus);
# prints the reply, nothing on an error.
bus_method() {
	timeout 30 "$PYTHON" "$DBUS_CALL" --dest org.freedesktop.DBus --path /org/freedesktop/DBus \
		"org.freedesktop.DBus.$1" "${2:-()}" 2>/dev/null
}

# service_owned: whether the bus name has an owner (never starts it).
service_owned() { [ "$(bus_method NameHasOwner "('$SERVICE_NAME',)")" = true ]; }

# service_pid: the pid of the name's owner, by the bus's credentials; empty
# when it has none.
service_pid() { bus_method GetConnectionUnixProcessID "('$SERVICE_NAME',)"; }

# pid_gone PID: the process is gone (or a zombie not yet reaped).
pid_gone() {
	local state
	state=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) || return 0
	[ "$state" = Z ]
}

# wait_pid_gone PID [SECONDS]: waits (default 10 s) until pid_gone.
wait_pid_gone() {
	local i
	for i in $(seq $((${2:-10} * 10))); do
		pid_gone "$1" && return 0
		sleep 0.1
	done
	pid_gone "$1"
}

# wait_unowned [SECONDS]: waits (default 10 s) until the name has no owner.
wait_unowned() {
	local i
	for i in $(seq $((${1:-10} * 10))); do
		service_owned || return 0
		sleep 0.1
	done
	! service_owned
}

# service_stop: ends the running service, if any (TERM, then KILL after
# 5 s), and waits until it is gone and its name free.
service_stop() {
	local pid
	pid=$(service_pid)
	[ -n "$pid" ] || return 0
	kill -TERM "$pid" 2>/dev/null
	wait_pid_gone "$pid" 5 || { kill -KILL "$pid" 2>/dev/null; wait_pid_gone "$pid" 5; }
	wait_unowned 5
}
TEST_AT_EXIT+=(service_stop)

# ---------------------------------------------------------- the signals --

# monitor_start: dbus-monitor records every signal of the service's
# interface, from whoever owns the name then, in $MONITOR_LOG (its raw
# output: what a token leak would be seen in). Returns once it is listening:
# a signal of a test interface sent after it started has been recorded.
MONITOR_LOG= MONITOR_PID=
monitor_start() {
	local i
	MONITOR_LOG=$TEST_TMP/monitor.log
	dbus-monitor --session "type='signal',interface='$SERVICE_IFACE'" \
		"type='signal',interface='org.credring.Test',member='Ready'" >"$MONITOR_LOG" 2>&1 &
	MONITOR_PID=$!
	_emu_pids+=("$MONITOR_PID")  # ended at exit with the emulators
	for i in $(seq 100); do
		dbus-send --session --type=signal / org.credring.Test.Ready 2>/dev/null
		grep -q 'member=Ready' "$MONITOR_LOG" && return 0
		sleep 0.1
	done
	tap_bail "dbus-monitor did not start: $(cat "$MONITOR_LOG")"
}

# account_changes: the AccountChanged signals recorded so far, one
# "ACCOUNT CHANGE" line each, in order.
account_changes() {
	awk '
		/^signal / { want = ($0 ~ /member=AccountChanged$/); n = 0; line = ""; next }
		want && /^   string "/ {
			sub(/^   string "/, ""); sub(/"$/, "")
			line = line (n++ ? " " : "") $0
			if (n == 2) { print line; want = 0 }
		}' "$MONITOR_LOG"
}

# wait_account_change "ACCOUNT CHANGE" [SECONDS]: waits (default 5 s) until
# the signal has been recorded.
wait_account_change() {
	local i
	for i in $(seq $((${2:-5} * 10))); do
		account_changes | grep -qxF "$1" && return 0
		sleep 0.1
	done
	return 1
}
