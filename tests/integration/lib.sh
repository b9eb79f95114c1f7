# lib.sh — sourced by every tests/integration/*.sh: TAP output, the provider
# emulators, the accounts file and a way to run the CLI and look at what it did.
#
# Environment (from make check; derived from this file's place otherwise):
#   abs_top_srcdir, abs_top_builddir   the trees; the CLI is
#                                      $abs_top_builddir/helpers/credring
#   PYTHON                             default /usr/bin/python3
#   CREDRING_WRAPPER                   a command prefixed to every run of the
#                                      built binaries, word-split (e.g.
#                                      "valgrind ...": build-aux/valgrind-check.sh)
#
# Keyring session. Every test file runs in its own private session made by
# tests/with-keyring (throwaway HOME, private D-Bus, real gnome-keyring).
# Sourcing this file re-executes the test under with-keyring when it is not in
# the session it asks for, so a test runs the same by hand and under make:
#   abs_top_builddir=$PWD tests/integration/ants.sh
# A file that needs a bus with NO Secret Service sets, before sourcing:
#   TEST_KEYRING=none      (see errors-no-keyring.sh, kernel-keyring.sh)
# A file whose bus must start D-Bus services (the tests of credring-service)
# sets, before sourcing:
#   TEST_SERVICE_DIR=installed  the services `make check` installed into
#                               $TEST_INSTALL_ROOT (tests/Makefile.inc);
#                               or a directory of .service files
#   TEST_OTHER_USERS=1          other users may connect to the bus too
#                               (see tests/with-keyring)
# so the runner needs nothing special: it just runs each file.
# The kernel keyring credring uses there is the session's own session
# keyring (with-keyring makes one per test file): no two tests running at
# once see each other's keys.  A test of the default (persistent) keyring
# unsets CREDRING_KERNEL_KEYRING for that run and removes its keys itself.

# Bash only; a runner that starts the test with sh gets bash anyway.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -u

: "${abs_top_srcdir:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
: "${abs_top_builddir:=$abs_top_srcdir}"
export abs_top_srcdir abs_top_builddir
if [ -z "${PYTHON:-}" ]; then
	PYTHON=python3
	[ -x /usr/bin/python3 ] && PYTHON=/usr/bin/python3  # not a pyenv shim
fi
export PYTHON

# Where `make check` installs the built tree before the tests run (the
# check_DATA of tests/Makefile.inc), for the tests of what only works
# installed: D-Bus activation of credring-service.
TEST_INSTALL_ROOT=$abs_top_builddir/tests/install-root
TEST_KEYRING=${TEST_KEYRING:-secret-service}
TEST_SERVICE_DIR=${TEST_SERVICE_DIR:-}
[ "$TEST_SERVICE_DIR" = installed ] && TEST_SERVICE_DIR=$TEST_INSTALL_ROOT/share/dbus-1/services
TEST_OTHER_USERS=${TEST_OTHER_USERS:-}
if [ "${CREDRING_TEST_SESSION:-}" != "$TEST_KEYRING" ] ||
	[ "${CREDRING_TEST_SERVICE_DIR:-}" != "$TEST_SERVICE_DIR" ] ||
	[ "${CREDRING_TEST_OTHER_USERS:-}" != "$TEST_OTHER_USERS" ]; then
	wk_opt=()
	[ "$TEST_KEYRING" = none ] && wk_opt=(--no-secret-service)
	WITH_KEYRING_SERVICE_DIR=$TEST_SERVICE_DIR WITH_KEYRING_OTHER_USERS=$TEST_OTHER_USERS \
		exec "$abs_top_srcdir/tests/with-keyring" "${wk_opt[@]}" "${BASH:-bash}" "$0" "$@"
fi

CREDRING=$abs_top_builddir/helpers/credring
export CREDRING_KERNEL_KEYRING=session
read -ra CREDRING_WRAP <<<"${CREDRING_WRAPPER:-}"
# Under a wrapper (valgrind) every run is many times slower: the tests'
# short token lifetimes and time limits are multiplied by this.
TIME_SCALE=1
[ -n "${CREDRING_WRAPPER:-}" ] && TIME_SCALE=10
export CREDRING_PLUGIN_DIR=$abs_top_builddir/plugins/.libs
export CREDRING_FETCH_MODULE=$abs_top_builddir/core/.libs/fetch.so
export CREDRING_CLI_MODULE=$abs_top_builddir/helpers/.libs/cli.so
# Provider files only from the test's own $XDG_CONFIG_HOME, never from an
# installed credring's data directory.
export CREDRING_PROVIDER_DIR=$abs_top_builddir/tests/no-provider-files
EMULATOR=$abs_top_srcdir/tests/emulator/provider-emulator.py

# HOME is the session's throwaway home: everything of this test lives in it.
TEST_TMP=$(mktemp -d "$HOME/test.XXXXXX")
export CREDRING_CONFIG=$TEST_TMP/accounts.conf
: >"$CREDRING_CONFIG"
chmod 600 "$CREDRING_CONFIG"   # else credring warns that others may read it

# ------------------------------------------------------------------ TAP --

_tap_planned=
_tap_n=0
_tap_failed=0

# Either announce the plan first (tap_plan N) or, simpler to keep right, end
# the file with tap_done, which prints the plan for the tests that ran. A
# file that dies before tap_done has no plan, and the runner reports it.
tap_plan() { _tap_planned=$1; echo "1..$1"; }
tap_done() { [ -n "$_tap_planned" ] || { _tap_planned=$_tap_n; echo "1..$_tap_n"; }; }
tap_diag() { printf '%s\n' "$@" | sed 's/^/# /'; }
tap_bail() { echo "Bail out! $*"; exit 1; }

# _tap_result STATUS DESC: STATUS 0 = ok.
_tap_result() {
	_tap_n=$((_tap_n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $_tap_n - $2"
	else
		echo "not ok $_tap_n - $2"
		_tap_failed=$((_tap_failed + 1))
	fi
	return "$1"
}

# tap_ok DESC COMMAND...: passes when COMMAND exits 0.
tap_ok() {
	local desc=$1 st=0
	shift
	"$@" || st=$?
	_tap_result $((st != 0)) "$desc" || tap_diag "command failed (exit $st): $*"
}

# tap_timing_ok / tap_timing_is: checks of how fast something happened.
# Under a wrapper (valgrind), whose slowdown makes such bounds meaningless,
# they are reported as skipped, never as passed; they run everywhere else.
_tap_timing_skip() {
	_tap_n=$((_tap_n + 1))
	echo "ok $_tap_n - $1 # SKIP time bound, not checked under $TIME_SCALE-fold slowdown"
}
# tap_skip DESC REASON: a check that cannot run here, reported as skipped
# (never as passed) with the reason.
tap_skip() {
	_tap_n=$((_tap_n + 1))
	echo "ok $_tap_n - $1 # SKIP $2"
}
tap_timing_ok() { if [ "$TIME_SCALE" -gt 1 ]; then _tap_timing_skip "$1"; else tap_ok "$@"; fi; }
tap_timing_is() { if [ "$TIME_SCALE" -gt 1 ]; then _tap_timing_skip "$1"; else tap_is "$@"; fi; }

# tap_is DESC GOT EXPECTED
tap_is() {
	local st=1
	[ "$2" = "$3" ] && st=0
	_tap_result $st "$1" || tap_diag "     got: '$2'" "expected: '$3'"
}

# tap_isnt DESC GOT UNEXPECTED
tap_isnt() {
	local st=1
	[ "$2" != "$3" ] && st=0
	_tap_result $st "$1" || tap_diag "got '$2', which it must not be"
}

# tap_like DESC GOT EXTENDED-REGEX
tap_like() {
	local st=1
	[[ $2 =~ $3 ]] && st=0
	_tap_result $st "$1" || tap_diag "     got: '$2'" "expected to match: $3"
}

# tap_unlike DESC GOT EXTENDED-REGEX
tap_unlike() {
	local st=0
	[[ $2 =~ $3 ]] && st=1
	_tap_result $st "$1" || tap_diag "     got: '$2'" "expected NOT to match: $3"
}

# tap_contains DESC GOT FIXED-STRING (no regex surprises with secrets/messages)
tap_contains() {
	local st=1
	[[ $2 == *"$3"* ]] && st=0
	_tap_result $st "$1" || tap_diag "     got: '$2'" "expected to contain: '$3'"
}

# tap_lacks DESC GOT FIXED-STRING
tap_lacks() {
	local st=0
	[[ $2 == *"$3"* ]] && st=1
	_tap_result $st "$1" || tap_diag "     got: '$2'" "expected NOT to contain it"
}

# tap_status DESC EXPECTED: the last run_credring's exit status; on failure
# show what the CLI said, which is what one needs to see.
tap_status() {
	local st=1
	[ "$RUN_STATUS" = "$2" ] && st=0
	_tap_result $st "$1" || {
		tap_diag "exit status $RUN_STATUS, expected $2: credring ${RUN_ARGS[*]}"
		tap_diag "stdout: $RUN_OUT" "stderr: $RUN_ERR"
	}
}

# TEST_AT_EXIT: commands (one word each, e.g. functions) run at exit, before
# the test's files are removed: what else a test started (service-lib.sh
# ends credring-service with it).
TEST_AT_EXIT=()
_cleanup() {
	local pid hook
	for hook in "${TEST_AT_EXIT[@]}"; do
		"$hook"
	done
	for pid in "${_emu_pids[@]}"; do
		kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	done
	rm -rf "$TEST_TMP"
}

_at_exit() {
	local st=$?
	_cleanup
	if [ -z "$_tap_planned" ]; then
		tap_diag "ended without a plan (died before tap_done?)"
		st=1
	elif [ "$_tap_n" -ne "$_tap_planned" ]; then
		tap_diag "planned $_tap_planned tests but ran $_tap_n"
		st=1
	fi
	[ "$_tap_failed" -gt 0 ] && st=1
	exit "$st"
}
trap _at_exit EXIT

# ------------------------------------------------------------ the CLI --

[ -x "$CREDRING" ] || tap_bail "credring is not built: $CREDRING"

# run_credring ARGS...: runs the CLI (stdin from $RUN_STDIN, else empty), sets
# RUN_STATUS, RUN_OUT, RUN_ERR, RUN_ERR_LINES. Bounded (RUN_TIMEOUT seconds,
# default 60), so a hang fails a test instead of stalling the suite.
RUN_STDIN=
run_credring() {
	RUN_ARGS=("$@")
	RUN_STATUS=0
	printf '%s' "$RUN_STDIN" |
		timeout "${RUN_TIMEOUT:-60}" "${CREDRING_WRAP[@]}" "$CREDRING" "$@" \
		>"$TEST_TMP/out" 2>"$TEST_TMP/err" || RUN_STATUS=$?
	RUN_OUT=$(cat "$TEST_TMP/out")
	RUN_ERR=$(cat "$TEST_TMP/err")
	RUN_ERR_LINES=$(grep -c '' "$TEST_TMP/err")
	RUN_STDIN=
}

# out_is TEXT: the last run's stdout is exactly TEXT, byte for byte (RUN_OUT
# has lost its trailing newlines). For tap_ok.
out_is() { printf '%s' "$1" | cmp -s - "$TEST_TMP/out"; }

# login ACCOUNT INPUT [ARGS...]: credring login ACCOUNT --secret-stdin ARGS,
# INPUT being the key=value lines.
login() {
	local account=$1 input=$2
	shift 2
	RUN_STDIN=$input
	run_credring login "$account" --secret-stdin "$@"
}

# write_account NAME key=value...: append a key-file group to $CREDRING_CONFIG.
# Values go in as they are: the tests use none that need key-file escapes.
write_account() {
	local kv
	printf '\n[%s]\n' "$1" >>"$CREDRING_CONFIG"
	shift
	for kv in "$@"; do
		printf '%s = %s\n' "${kv%%=*}" "${kv#*=}" >>"$CREDRING_CONFIG"
	done
}

# keyring_items ACCOUNT: one line per Secret Service item with attribute
# account=ACCOUNT, in any collection, sorted: its `kind` attribute
# (client_secret, password, refresh_token: the DESIGN's secret items) or
# "token" for the others (the token cache). secret-tool prints attributes on
# stderr and the rest on stdout, so rather than parse that, count searches.
_keyring_search_count() { secret-tool search --all "$@" 2>/dev/null | grep -c '^\['; }
keyring_items() {
	local kind n secrets=0 total
	total=$(_keyring_search_count account "$1")
	for kind in client_secret password refresh_token; do
		n=$(_keyring_search_count account "$1" kind "$kind")
		secrets=$((secrets + n))
		for ((; n > 0; n--)); do echo "$kind"; done
	done
	for ((n = total - secrets; n > 0; n--)); do echo token; done
}
keyring_count() { keyring_items "$1" | grep -c "^${2:-.}"; }  # ACCOUNT [KIND]

# keyring_lock: locks the login collection (the default one, where secrets
# go), as a screen locker does. Unlocking it through the Secret Service
# would need a prompt nobody can answer here, so credring cannot.
keyring_lock() {
	dbus-send --session --print-reply --dest=org.freedesktop.secrets /org/freedesktop/secrets \
		org.freedesktop.Secret.Service.Lock \
		array:objpath:/org/freedesktop/secrets/collection/login >/dev/null
}
# keyring_locked: whether the login collection is locked.
keyring_locked() {
	gdbus call --session --dest org.freedesktop.secrets \
		--object-path /org/freedesktop/secrets/collection/login \
		--method org.freedesktop.DBus.Properties.Get \
		org.freedesktop.Secret.Collection Locked | grep -q true
}
# keyring_unlock: unlocks it with its password, as a desktop login does:
# through gnome-keyring's control socket (its UNLOCK request: a credentials
# byte, then big-endian length, operation 1 and the password as a
# length-prefixed string; the answer is length and result, 0 for ok).
keyring_unlock() {
	"$PYTHON" - "$XDG_RUNTIME_DIR/keyring/control" "$WITH_KEYRING_PASSWORD" <<'EOF'
import socket, struct, sys
path, password = sys.argv[1], sys.argv[2].encode()
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.settimeout(10)
s.connect(path)
s.sendall(b"\0")
body = struct.pack(">II", 1, len(password)) + password
s.sendall(struct.pack(">I", 4 + len(body)) + body)
answer = b""
while len(answer) < 8:
    chunk = s.recv(8 - len(answer))
    if not chunk:
        sys.exit("gnome-keyring closed the control socket")
    answer += chunk
sys.exit(struct.unpack(">II", answer)[1])
EOF
}

# -------------------------------------------------------- the emulators --

# The token path of each provider's emulator (from its seed document).
emulator_path() {
	case $1 in
	acaengine) echo /auth/oauth/token ;;
	ants) echo /oauth/token ;;
	autograb) echo /auth-broker/request-token ;;
	dataloy) echo /oauth/token ;;
	hooks) echo /oauth/token ;;
	*) tap_bail "no emulator for provider $1" ;;
	esac
}

# make_ca: the test CA and certificates, made once per test file in $CA_DIR.
CA_DIR=
make_ca() {
	[ -n "$CA_DIR" ] && return 0
	CA_DIR=$TEST_TMP/ca
	"$abs_top_srcdir/tests/make-test-ca.sh" "$CA_DIR" || tap_bail "make-test-ca.sh failed"
}

# start_emulator PROVIDER [EMULATOR-ARGS...]: an HTTPS emulator with the test
# CA's 127.0.0.1 certificate (args may override --cert/--key: the last wins).
# Pass values as --opt=VALUE: a secret starting with "-" is otherwise taken
# for an option.
# Sets and exports EMU_PORT, EMU_URL (https://127.0.0.1:PORT), EMU_TOKEN_URL,
# EMU_LOG, EMU_PID; several may run at once (save the variables you need).
_emu_pids=()
start_emulator() {
	local provider=$1
	shift
	_start_server emulator ${#_emu_pids[@]} "$EMULATOR" --provider "$provider" "$@"
	EMU_LOG=$_SRV_LOG EMU_PID=$_SRV_PID EMU_PORT=$_SRV_PORT
	EMU_URL=https://127.0.0.1:$EMU_PORT
	EMU_TOKEN_URL=$EMU_URL$(emulator_path "$provider")
	export EMU_PORT EMU_URL EMU_TOKEN_URL EMU_LOG EMU_PID
}

# _start_server LABEL N SCRIPT ARGS...: one of tests/emulator/'s servers
# with the test CA's 127.0.0.1 certificate (ARGS may override --cert/--key:
# the last wins), waited for (its port file, at most 10 s). Sets _SRV_LOG,
# _SRV_PID, _SRV_PORT.
_start_server() {
	local label=$1 n=$2 script=$3 i
	shift 3
	make_ca
	_SRV_LOG=$TEST_TMP/$label.$n.log
	local port_file=$TEST_TMP/$label.$n.port stderr=$TEST_TMP/$label.$n.stderr
	: >"$_SRV_LOG"
	"$PYTHON" "$script" --cert "$CA_DIR/server.pem" --key "$CA_DIR/server-key.pem" \
		--port-file "$port_file" --log "$_SRV_LOG" "$@" 2>>"$stderr" &
	_SRV_PID=$!
	_emu_pids+=("$_SRV_PID")
	for i in $(seq 100); do
		[ -s "$port_file" ] && break
		kill -0 "$_SRV_PID" 2>/dev/null || break
		sleep 0.1
	done
	[ -s "$port_file" ] || {
		cat "$stderr" >&2
		tap_bail "$label did not start: $*"
	}
	_SRV_PORT=$(cat "$port_file")
}

# tests/emulator/hostile-server.py: a server that misbehaves on request.
HOSTILE=$abs_top_srcdir/tests/emulator/hostile-server.py

# start_hostile [SERVER-ARGS...]: a hostile server with the test CA's
# 127.0.0.1 certificate (args may override --cert/--key). Sets HS_URL,
# HS_LOG, HS_PID.
_hs_n=0
start_hostile() {
	_hs_n=$((_hs_n + 1))
	_start_server hostile $_hs_n "$HOSTILE" "$@"
	HS_LOG=$_SRV_LOG HS_PID=$_SRV_PID
	HS_URL=https://127.0.0.1:$_SRV_PORT
}

# stop_emulator [PID]: default the last one started.
stop_emulator() {
	local pid=${1:-$EMU_PID}
	kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	return 0
}

# emulator_request_count [LOG]: requests the emulator got on its token path.
emulator_request_count() { grep -c '' "${1:-$EMU_LOG}"; }

# emulator_last FIELD [LOG]: FIELD of the last logged request (JSON null -> "null",
# booleans -> true/false), or "" with no requests.
emulator_last() {
	"$PYTHON" -c '
import json, sys
lines = open(sys.argv[2]).read().splitlines()
if lines:
    v = json.loads(lines[-1]).get(sys.argv[1])
    print(json.dumps(v) if v is None or isinstance(v, bool) else v)
' "$1" "${2:-$EMU_LOG}"
}

# free_port: a TCP port on 127.0.0.1 that nothing listens on (just now).
free_port() {
	"$PYTHON" -c '
import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
'
}

# c_constant NAME: the value of `#define NAME <integer expression>` in the
# public headers (core/credring/*.h), other CR_ constants in it resolved, so
# that a script tests the limit the code has rather than a copy of it.
c_constant() {
	"$PYTHON" - "$1" "$abs_top_srcdir"/core/credring/*.h <<'EOF'
import re, sys
defines = {}
for path in sys.argv[2:]:
    for m in re.finditer(r"^#define (CR_\w+)[ \t]+([^/\n]+?)[ \t]*(?:/\*.*)?$",
                         open(path).read(), re.M):
        defines[m.group(1)] = m.group(2)
def value(name, depth=0):
    if name not in defines or depth > 8:
        sys.exit("c_constant: no integer constant %s" % name)
    expr = re.sub(r"CR_\w+", lambda m: str(value(m.group(0), depth + 1)), defines[name])
    if not re.fullmatch(r"[0-9 ()*+-]+", expr):
        sys.exit("c_constant: %s is not an integer expression: %s" % (name, expr))
    return eval(expr)
print(value(sys.argv[1]))
EOF
}

# check_token_json FILE TOKEN ACCOUNT PROVIDER LIFETIME: prints "ok", or what
# is wrong with `credring token --format json` output in FILE.
check_token_json() {
	"$PYTHON" - "$@" <<'EOF'
import datetime, json, re, sys, time
path, token, account, provider, lifetime = sys.argv[1:6]
lifetime = int(lifetime)
try:
    obj = json.load(open(path))
except ValueError as e:
    sys.exit(print("not JSON: %s" % e))
problems = []
def want(cond, what):
    if not cond:
        problems.append(what)
want(isinstance(obj, dict), "not an object")
if isinstance(obj, dict):
    want(obj.get("access_token") == token, "access_token is not the issued token")
    want(str(obj.get("token_type", "")).lower() == "bearer", "token_type is not bearer")
    want(obj.get("account") == account, "account is not %s" % account)
    want(obj.get("provider") == provider, "provider is not %s" % provider)
    ein = obj.get("expires_in")
    want(isinstance(ein, int) and not isinstance(ein, bool)
         and lifetime - 120 <= ein <= lifetime,
         "expires_in %r not in [%d, %d]" % (ein, lifetime - 120, lifetime))
    eat = obj.get("expires_at")
    rfc3339 = r"\d{4}-\d\d-\d\d[Tt]\d\d:\d\d:\d\d(\.\d+)?([Zz]|[+-]\d\d:\d\d)"
    if isinstance(eat, str) and re.fullmatch(rfc3339, eat):
        at = datetime.datetime.fromisoformat(eat.upper().replace("Z", "+00:00"))
        if isinstance(ein, int):
            want(abs(at.timestamp() - (time.time() + ein)) <= 5,
                 "expires_at %s does not match expires_in %s" % (eat, ein))
    else:
        problems.append("expires_at %r is not RFC 3339" % (eat,))
print("; ".join(problems) or "ok")
EOF
}

# ------------------------------------------ the authorization server --

# tests/emulator/auth-server.py: a strict OAuth authorization server
# (authorization code with PKCE, device flow, refresh rotation, revocation,
# discovery).
AUTH_SERVER=$abs_top_srcdir/tests/emulator/auth-server.py

# start_auth_server [SERVER-ARGS...]: one with the test CA's certificate.
# Sets AS_PORT, AS_URL (https://127.0.0.1:PORT), AS_LOG, AS_PID.
_as_n=0
start_auth_server() {
	_as_n=$((_as_n + 1))
	_start_server auth-server $_as_n "$AUTH_SERVER" "$@"
	AS_LOG=$_SRV_LOG AS_PID=$_SRV_PID AS_PORT=$_SRV_PORT
	AS_URL=https://127.0.0.1:$AS_PORT
}

# as_hook METHOD PATH [CURL-ARGS...]: calls one of the emulator's test hooks
# (/_emulator/...) at $AS_URL; prints the body.
as_hook() {
	local method=$1 path=$2
	shift 2
	curl -sS --cacert "$CA_DIR/ca.pem" -X "$method" "$AS_URL$path" "$@"
}

# as_stat EXPR: a number from /_emulator/stats, EXPR a Python expression on
# it named s (e.g. 's["token"]["refresh_token"]').
as_stat() {
	as_hook GET /_emulator/stats | "$PYTHON" -c '
import json, sys
s = json.load(sys.stdin)
try:
    print(eval(sys.argv[1]))
except (KeyError, IndexError):
    print(0)
' "$1"
}

# as_current_refresh_token: the newest live refresh token (of the one family).
as_current_refresh_token() {
	as_hook GET /_emulator/refresh-tokens |
		"$PYTHON" -c 'import json, sys; c = json.load(sys.stdin)["current"]; print(c[-1] if c else "")'
}

# write_signin_provider NAME CLIENT_AUTH GRANTS [KEY=VALUE...]: a provider
# file for the auth server at $AS_URL (prefix /oauth), in the test's own
# provider directory.
write_signin_provider() {
	local name=$1 auth=$2 grants=$3 kv dir=$XDG_CONFIG_HOME/credring/providers
	shift 3
	mkdir -p "$dir"
	chmod 700 "$XDG_CONFIG_HOME/credring" "$dir"
	{
		echo "[provider]"
		echo "description = Test authorization server"
		echo "token_url = $AS_URL/oauth/token"
		echo "authorization_url = $AS_URL/oauth/authorize"
		echo "device_authorization_url = $AS_URL/oauth/device_authorization"
		echo "revocation_url = $AS_URL/oauth/revoke"
		echo "grants = $grants"
		echo "client_auth = $auth"
		echo "body = form"
		for kv in "$@"; do printf '%s = %s\n' "${kv%%=*}" "${kv#*=}"; done
	} >"$dir/$name.conf"
	chmod 600 "$dir/$name.conf"
}

# stored_refresh_token ACCOUNT: the refresh token in the keyring, without
# the settings digest it is stored with (cache/refresh.c).
stored_refresh_token() { secret-tool lookup account "$1" kind refresh_token 2>/dev/null | tail -n 1; }
# answer_code FILE PID ACTION: waits (at most 30 s, while PID lives) for
# the user code a sign-in with a code writes to FILE (emptied by the
# caller before PID started), and approves it (or denies it, or lets it
# be: none) through the auth server at $AS_URL, as a person on another
# device would. Sets USER_CODE (empty when none was shown).
answer_code() {
	local file=$1 pid=$2 action=$3 i code=
	# The code's line is complete once the next one (verification_uri_complete,
	# which the emulator always gives) has begun: a slow run may be caught
	# half-way through writing it.  (On a terminal, lines end in \r\n.)
	for i in $(seq 300); do
		code=$(sed -n 's/.*enter the code \([A-Z0-9-]*\)\r\{0,1\}$/\1/p' "$file")
		[ -n "$code" ] && grep -q "or open" "$file" && break
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	# Its answer to an unknown code would land in the TAP output.
	case $action in
	approve) as_hook POST /_emulator/device/approve --data "user_code=$code" >/dev/null ;;
	deny) as_hook POST /_emulator/device/deny --data "user_code=$code" >/dev/null ;;
	esac
	USER_CODE=$code
}

# run_answering_code ACTION ARGS...: credring ARGS in the background, whose
# code answer_code answers with ACTION. Sets what run_credring sets, and
# USER_CODE.
run_answering_code() {
	local action=$1
	shift
	RUN_ARGS=("$@")
	RUN_STATUS=0
	# Emptied here, not by the background redirection, which may come after
	# the first look: the previous run's code would be read.
	: >"$TEST_TMP/err"
	printf '%s' "$RUN_STDIN" |
		timeout "${RUN_TIMEOUT:-60}" "${CREDRING_WRAP[@]}" "$CREDRING" "$@" \
			>"$TEST_TMP/out" 2>"$TEST_TMP/err" &
	local pid=$!
	answer_code "$TEST_TMP/err" "$pid" "$action"
	wait "$pid" || RUN_STATUS=$?
	RUN_OUT=$(cat "$TEST_TMP/out")
	RUN_ERR=$(cat "$TEST_TMP/err")
	RUN_ERR_LINES=$(grep -c '' "$TEST_TMP/err")
	RUN_STDIN=
}

# sign_in_with_code ACCOUNT ACTION [LOGIN-ARGS...]: login --device, its
# code answered (run_answering_code).
sign_in_with_code() {
	local account=$1 action=$2
	shift 2
	run_answering_code "$action" login "$account" --device "$@"
}

# write_issuer_provider NAME ISSUER [KEY=VALUE...]: a provider file that
# names only its issuer (RFC 8414 discovery) and what is given, in the
# test's own provider directory.
write_issuer_provider() {
	local name=$1 issuer=$2 kv dir=$XDG_CONFIG_HOME/credring/providers
	shift 2
	mkdir -p "$dir"
	chmod 700 "$XDG_CONFIG_HOME/credring" "$dir"
	{
		echo "[provider]"
		echo "description = Test OpenID provider"
		echo "issuer = $issuer"
		for kv in "$@"; do printf '%s = %s\n' "${kv%%=*}" "${kv#*=}"; done
	} >"$dir/$name.conf"
	chmod 600 "$dir/$name.conf"
}

# no_secret_leaks LABEL SECRET...: none of the secrets appears in the last
# run's stdout or stderr, nor in any keyring item's attributes or label.
no_secret_leaks() {
	local label=$1 s attrs
	shift
	# Every item's label and attributes (a secret may span lines: only
	# the lines that are neither are kept).
	attrs=$(for a in $(grep -o '^\[[^]]*\]' "$CREDRING_CONFIG" | tr -d '[]'); do
		secret-tool search --all account "$a" 2>&1 | grep -E '^(label|schema|attribute\.[^ ]*) = '
	done)
	for s in "$@"; do
		[ -n "$s" ] || continue
		tap_lacks "$label: not on stdout" "$RUN_OUT" "$s"
		tap_lacks "$label: not on stderr" "$RUN_ERR" "$s"
		tap_lacks "$label: not in a keyring attribute or label" "$attrs" "$s"
	done
}
