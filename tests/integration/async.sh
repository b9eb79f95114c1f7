#!/bin/bash
# The asynchronous API (cr_token_get_async(), cr_login_async()) from a
# program with a main loop, tests/async-driver (and the example,
# examples/desktop/token-async), against the strict emulators: the loop
# runs while a token is fetched or a person signs in, calls in one process
# and in others make one provider request, cancellation answers at once
# and touches nothing when it comes first, errors keep their CR_ERROR
# codes, and what a person must see is told in the main thread.
. "$(dirname "$0")/lib.sh"

DRIVER=$abs_top_builddir/tests/async-driver
EXAMPLE=$abs_top_builddir/examples/desktop/token-async
[ -x "$DRIVER" ] || tap_bail "tests/async-driver is not built"
[ -x "$EXAMPLE" ] || tap_bail "examples/desktop/token-async is not built"
CANCELLED="g-io-error-quark 19"  # G_IO_ERROR, G_IO_ERROR_CANCELLED
DELAY=2                          # seconds the slow emulator sits on each answer

# drive ARGS...: the driver, its stdout in $TEST_TMP/drive.out (and DRIVE_OUT),
# stderr in $TEST_TMP/drive.err (the lines told), exit status in DRIVE_STATUS.
drive() {
	DRIVE_STATUS=0
	timeout $((60 * TIME_SCALE)) "${CREDRING_WRAP[@]}" "$DRIVER" "$@" \
		>"$TEST_TMP/drive.out" 2>"$TEST_TMP/drive.err" </dev/null || DRIVE_STATUS=$?
	DRIVE_OUT=$(cat "$TEST_TMP/drive.out")
}
# field KEY [FILE]: the values of the driver's KEY lines, one a line.
field() { sed -n "s/^$1 //p" "${2:-$TEST_TMP/drive.out}"; }

start_emulator autograb --client-id async-client --client-secret async-secret --delay "$DELAY"
SLOW_LOG=$EMU_LOG
write_account slow provider=autograb client_id=async-client token_url="$EMU_TOKEN_URL" \
	ca_file="$CA_DIR/ca.pem" timeout=$((30 * TIME_SCALE))
login slow $'client_secret=async-secret\n' --no-verify
tap_status "setup: login --no-verify" 0

# ---- the main loop runs while a slow request is in flight ----------------

drive token slow
tap_is "slow fetch: the driver ran" "$DRIVE_STATUS" 0
tap_is "slow fetch: one request" "$(emulator_request_count "$SLOW_LOG")" 1
tap_is "slow fetch: the token the provider issued" "$(field token)" "$(emulator_last token "$SLOW_LOG")"
ticks=$(field ticks)
tap_ok "slow fetch: the main loop ticked meanwhile ($ticks times 50 ms over ${DELAY} s)" \
	test "${ticks:-0}" -ge 10
TOKEN=$(field token)

# The example, on the cached token.
status=0
timeout $((60 * TIME_SCALE)) "${CREDRING_WRAP[@]}" "$EXAMPLE" slow \
	>"$TEST_TMP/example.out" 2>"$TEST_TMP/example.err" || status=$?
tap_is "example: exit 0" "$status" 0
tap_is "example: prints the cached token" "$(cat "$TEST_TMP/example.out")" "$TOKEN"
tap_is "example: nothing on stderr" "$(cat "$TEST_TMP/example.err")" ""
tap_is "example: no new request" "$(emulator_request_count "$SLOW_LOG")" 1

# ---- 20 calls in one process and 5 CLI processes, cold cache -------------

run_credring logout slow
tap_status "many: the cache emptied" 0
"${CREDRING_WRAP[@]}" "$DRIVER" many slow 20 >"$TEST_TMP/many.out" 2>"$TEST_TMP/many.err" </dev/null &
pids=($!)
for i in 1 2 3 4 5; do
	timeout $((60 * TIME_SCALE)) "${CREDRING_WRAP[@]}" "$CREDRING" token slow \
		>"$TEST_TMP/cli.$i" 2>"$TEST_TMP/cli-err.$i" &
	pids+=($!)
done
failed=0
for pid in "${pids[@]}"; do wait "$pid" || failed=$((failed + 1)); done
tap_is "many: every process exits 0" "$failed" 0
tap_is "many: no call failed" "$(field error "$TEST_TMP/many.out")" ""
tap_is "many: one request for all 25" "$(emulator_request_count "$SLOW_LOG")" 2
TOKEN=$(emulator_last token "$SLOW_LOG")
tap_is "many: 20 async calls, each the token issued" \
	"$(field token "$TEST_TMP/many.out" | sort | uniq -c | sed 's/^ *//')" "20 $TOKEN"
tap_is "many: 5 CLI runs, each the token issued" \
	"$(cat "$TEST_TMP"/cli.[1-5] | sort | uniq -c | sed 's/^ *//')" "5 $TOKEN"

# ---- cancelled before it starts: nothing touched -------------------------

run_credring logout slow
tap_status "cancel before: the cache emptied" 0
n=$(emulator_request_count "$SLOW_LOG")
drive cancel-before slow
tap_is "cancel before: G_IO_ERROR_CANCELLED" "$(field error | cut -d' ' -f1-2)" "$CANCELLED"
tap_is "cancel before: no request" "$(emulator_request_count "$SLOW_LOG")" "$n"
tap_is "cancel before: no token cached" "$(keyring_count slow token)" 0

# The keyring not even asked: a session bus that records who connects.
TRAP=$TEST_TMP/bus-trap
"$PYTHON" - "$TRAP.sock" "$TRAP.log" <<'EOF' &
import os, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(sys.argv[1])
s.listen(16)
open(sys.argv[2] + ".ready", "w").close()
while True:
    conn, _ = s.accept()
    with open(sys.argv[2], "a") as log:
        log.write("connected\n")
    conn.close()
EOF
_emu_pids+=($!)
for i in $(seq 100); do [ -e "$TRAP.log.ready" ] && break; sleep 0.1; done
: >"$TRAP.log"
DBUS_SESSION_BUS_ADDRESS=unix:path=$TRAP.sock drive cancel-before slow
tap_is "cancel before, a trap for a bus: G_IO_ERROR_CANCELLED" "$(field error | cut -d' ' -f1-2)" \
	"$CANCELLED"
tap_is "cancel before: nobody connected to the session bus" "$(cat "$TRAP.log")" ""
# ... which does catch a call that does ask the keyring.
DBUS_SESSION_BUS_ADDRESS=unix:path=$TRAP.sock drive token slow
tap_is "the trap: a call that runs connects to it" "$(sort -u "$TRAP.log")" connected

# ---- cancelled in flight: the answer at once, the token cached ------------

n=$(emulator_request_count "$SLOW_LOG")
drive cancel-when "$SLOW_LOG" "$n" slow
tap_is "cancel in flight: G_IO_ERROR_CANCELLED" "$(field error | cut -d' ' -f1-2)" "$CANCELLED"
ms=$(field cancel_to_answer_ms)
tap_timing_ok "cancel in flight: answered at once ($ms ms; the provider takes ${DELAY} s)" \
	test "${ms:-99999}" -lt 1000
tap_is "cancel in flight: one request" "$(emulator_request_count "$SLOW_LOG")" $((n + 1))
tap_is "cancel in flight: a later synchronous call is served the token fetched" \
	"$(field sync_token)" "$(emulator_last token "$SLOW_LOG")"
run_credring token slow
tap_is "cancel in flight: and the CLI too" "$RUN_OUT" "$(emulator_last token "$SLOW_LOG")"
tap_is "cancel in flight: no second request" "$(emulator_request_count "$SLOW_LOG")" $((n + 1))

# ---- errors keep their CR_ERROR codes ------------------------------------

start_emulator autograb --client-id async-client --client-secret async-secret
write_account wrong provider=autograb client_id=async-client token_url="$EMU_TOKEN_URL" \
	ca_file="$CA_DIR/ca.pem"
login wrong $'client_secret=not-the-secret\n' --no-verify
tap_status "setup: a wrong client secret stored" 0
drive token wrong
tap_is "rejected: CR_ERROR_REJECTED" "$(field error | cut -d' ' -f1-2)" "cr-error-quark 3"
tap_is "rejected: the provider was asked" "$(emulator_request_count)" 1
# No keyring at all: no bus, and keyctl refused (without the latter the
# kernel keyring stands in, and holds no secret: CR_ERROR_CONFIG).
wrap=("${CREDRING_WRAP[@]}")
CREDRING_WRAP=("$abs_top_builddir/tests/deny-keyctl" EPERM "${wrap[@]}")
DBUS_SESSION_BUS_ADDRESS=unix:path=$TEST_TMP/no-such-bus drive token wrong
CREDRING_WRAP=("${wrap[@]}")
tap_is "no keyring: CR_ERROR_KEYRING" "$(field error | cut -d' ' -f1-2)" "cr-error-quark 5"
drive login wrong
tap_is "login of an account that signs no person in: CR_ERROR_CONFIG" \
	"$(field error | cut -d' ' -f1-2)" "cr-error-quark 2"
tap_contains "login of an account that signs no person in: names credring login" \
	"$(field error)" "credring login wrong"

# ---- a device sign-in: the code told in the main thread -------------------

# drive_signin ACTION ARGS...: the driver in the background, its told code
# read and approved (or not) as a person on another device would. Sets
# what drive sets, and USER_CODE.
drive_signin() {
	local action=$1 i code=
	shift
	: >"$TEST_TMP/drive.err"
	printf '%s' "${DRIVE_STDIN:-}" |
		timeout $((60 * TIME_SCALE)) "${CREDRING_WRAP[@]}" "$DRIVER" "$@" \
			>"$TEST_TMP/drive.out" 2>"$TEST_TMP/drive.err" &
	local pid=$!
	for i in $(seq 300); do
		code=$(sed -n 's/.*enter the code \([A-Z0-9-]*\).*/\1/p' "$TEST_TMP/drive.err")
		[ -n "$code" ] && break
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	[ "$action" = approve ] && as_hook POST /_emulator/device/approve --data "user_code=$code"
	DRIVE_STATUS=0
	wait "$pid" || DRIVE_STATUS=$?
	DRIVE_OUT=$(cat "$TEST_TMP/drive.out")
	DRIVE_STDIN=
	USER_CODE=$code
}

start_auth_server --device-interval 1
write_signin_provider testas none device_code
write_account dev provider=testas client_id=test-client ca_file="$CA_DIR/ca.pem"

drive_signin approve login dev
tap_is "login: the driver ran" "$DRIVE_STATUS" 0
tap_isnt "login: a code was told" "$USER_CODE" ""
tap_is "login: a token" "$(field token | grep -c .)" 1
tell_lines=$(field tell_lines)
tap_ok "login: lines told ($tell_lines)" test "${tell_lines:-0}" -ge 1
tap_is "login: every line told in the main thread" "$(field tell_elsewhere)" 0
tap_is "login: none after the answer" "$(field tell_after_end)" 0
ticks=$(field ticks)
tap_ok "login: the main loop ticked while the person signed in ($ticks)" test "${ticks:-0}" -ge 10
tap_is "login: the refresh token stored" "$(keyring_count dev refresh_token)" 1
run_credring token dev
tap_is "login: the CLI is served the token signed in for" "$RUN_OUT" "$(field token)"

run_credring logout dev --all
tap_status "token --sign-in: signed out" 0
drive_signin approve token dev --sign-in
tap_is "token --sign-in: a token" "$(field token | grep -c .)" 1
tap_is "token --sign-in: every line told in the main thread" "$(field tell_elsewhere)" 0
tap_isnt "token --sign-in: lines told" "$(field tell_lines)" 0

# Cancelled by the first line told (the code): the answer at once, and the
# next line (the address with the code in it) never told. The worker stops
# at its next pause between polls, and stores nothing.
start_auth_server --device-interval 1 --device-expires-in 3
write_signin_provider expiring none device_code
write_account gone provider=expiring client_id=test-client ca_file="$CA_DIR/ca.pem"
drive login gone --cancel-on-tell
tap_is "cancelled sign-in: G_IO_ERROR_CANCELLED" "$(field error | cut -d' ' -f1-2)" "$CANCELLED"
tap_is "cancelled sign-in: one line told" "$(field tell_lines)" 1
tap_is "cancelled sign-in: none after the cancellation" "$(field tell_after_end)" 0
tap_is "cancelled sign-in: nothing stored" "$(keyring_count gone)" 0

# The browser's sign-in, cancelled once the address to open is told: the
# worker stops waiting for the redirect at its next look (every half
# second), not at signin_timeout (an hour here: the driver, which exits only
# once the worker is done, would be killed first), and stores nothing.
start_auth_server
write_signin_provider browse none authorization_code
write_account browsed provider=browse client_id=test-client ca_file="$CA_DIR/ca.pem" \
	signin_timeout=3600
start=$(date +%s)
DISPLAY=:99 BROWSER=true drive login browsed --cancel-in-browser
tap_is "cancelled browser sign-in: the driver ended by itself" "$DRIVE_STATUS" 0
tap_is "cancelled browser sign-in: G_IO_ERROR_CANCELLED" "$(field error | cut -d' ' -f1-2)" \
	"$CANCELLED"
tap_contains "cancelled browser sign-in: cancelled once the address was told" \
	"$(cat "$TEST_TMP/drive.err")" "$AS_URL/oauth/authorize?"
tap_is "cancelled browser sign-in: none told after the cancellation" "$(field tell_after_end)" 0
tap_is "cancelled browser sign-in: no code asked for at the token endpoint" \
	"$(as_stat 'sum(s["token"].values())')" 0
tap_is "cancelled browser sign-in: nothing stored" "$(keyring_count browsed)" 0
tap_timing_ok "cancelled browser sign-in: over within seconds" test $(($(date +%s) - start)) -lt 10

# A confidential client: the client secret given to cr_login_async() is
# stored once the sign-in worked, and shown nowhere.
start_auth_server --device-interval 1 --client-secret 'c0nf+/=' --client-auth basic
write_signin_provider conf basic device_code
write_account conf provider=conf client_id=test-client ca_file="$CA_DIR/ca.pem"
DRIVE_STDIN=$'c0nf+/=\n'
drive_signin approve login conf --client-secret-stdin
tap_is "confidential login: a token" "$(field token | grep -c .)" 1
tap_is "confidential login: the client secret stored" \
	"$(secret-tool lookup account conf kind client_secret)" 'c0nf+/='
tap_lacks "confidential login: the secret not on stdout" "$DRIVE_OUT" 'c0nf+/='
tap_lacks "confidential login: nor on stderr" "$(cat "$TEST_TMP/drive.err")" 'c0nf+/='

tap_done
