#!/bin/bash
# credring-service killed (SIGKILL) while its token request is in flight:
# the caller gets an error, not a hang; the next call re-activates it and
# gets a token at once (the account's lock died with the process: flock);
# and with no service at all (killed, name unowned, a stale socket left
# behind) `credring token` and git's get still work, without starting it.
TEST_SERVICE_DIR=installed
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/git-lib.sh"
. "$(dirname "$0")/service-lib.sh"

SECRET='svc-kill-s3cret'
CLIENT_ID=26156a86-b739-4c6b-9de2-314228c3e6e5
# Every answer comes 3 s late: time to kill the service while it waits.
start_emulator ants --client-id "$CLIENT_ID" --client-secret="$SECRET" --delay 3
HOST=127.0.0.1:$EMU_PORT
# timeout=5: a lock left held would make the next fetch wait 2 * 5 + 10 s
# (cache.c) before failing; the recovery must be much faster than that.
write_account acct provider=ants client_id="$CLIENT_ID" scope=item \
	token_url="$EMU_TOKEN_URL" ca_file="$CA_DIR/ca.pem" timeout=5
login acct "client_secret=$SECRET"$'\n' --no-verify
tap_status "setup: login acct --no-verify" 0
service_env

# -- a call in flight, the service killed while the provider has not answered
timeout 60 "$PYTHON" "$DBUS_CALL" "$SERVICE_IFACE.GetAccessToken" "('acct', @a{sv} {})" \
	>"$TEST_TMP/first.out" 2>"$TEST_TMP/first.err" &
CALLER=$!
for _ in $(seq 100); do  # the request has reached the emulator (logged before its delay)
	[ "$(emulator_request_count)" -ge 1 ] && break
	sleep 0.1
done
tap_is "the first call's request reached the provider" "$(emulator_request_count)" 1
PID1=$(service_pid)
tap_isnt "the service was activated by it" "$PID1" ""
tap_ok "the service is still waiting for the answer" eval "! pid_gone '${PID1:-0}'"
kill -KILL "${PID1:-0}"
tap_ok "killed: the process is gone" wait_pid_gone "${PID1:-0}" 5
first_status=0
wait "$CALLER" || first_status=$?
tap_is "the caller of the killed service gets an error (exit 1), not a hang" "$first_status" 1
tap_is "the caller's error: the bus says no reply came" "$(sed -n 1p "$TEST_TMP/first.err")" \
	org.freedesktop.DBus.Error.NoReply
tap_ok "killed: the name is released" wait_unowned 5
tap_is "killed: no token was stored" "$(keyring_count acct token)" 0

# -- the next call: re-activated, a token, the lock free
start=$(date +%s)
svc_get_token acct
took=$(($(date +%s) - start))
svc_ok "the next call: a token"
PID2=$(service_pid)
tap_isnt "the next call: a new service process" "${PID2:-$PID1}" "$PID1"
tap_is "the next call: the installed program again" "$(readlink "/proc/${PID2:-0}/exe" 2>/dev/null)" "$SERVICE_BIN"
tap_is "the next call: a second request" "$(emulator_request_count)" 2
T2=$(emulator_last token)
tap_is "the next call: the token of the second request" "$SVC_TOKEN" "$T2"
tap_timing_ok "the next call did not wait for the dead process's lock (${took}s < 10s)" \
	test "$took" -lt 10

# -- no service at all: killed again, a stale socket left behind
kill -KILL "${PID2:-0}"
wait_pid_gone "${PID2:-0}" 5
tap_ok "killed again: the name is released" wait_unowned 5
if [ -S "$SERVICE_SOCKET" ]; then
	tap_ok "its socket was left behind (SIGKILL): a stale one" test -S "$SERVICE_SOCKET"
else
	tap_skip "its socket was left behind (SIGKILL): a stale one" "no socket at $SERVICE_SOCKET"
fi
run_credring token acct
tap_status "no service: credring token exit 0" 0
tap_ok "no service: credring token prints the cached token" out_is "$T2"$'\n'
tap_is "no service: nothing on stderr" "$RUN_ERR" ""
git_cred fill "protocol=https"$'\n'"host=$HOST"
run_status_is "no service: git credential fill exit 0" 0
tap_is "no service: git gets the cached token" "$(field password)" "$T2"
run_credring logout acct
run_credring token acct
tap_status "no service, after a logout: credring token fetches, exit 0" 0
T3=$(emulator_last token)
tap_is "no service: a third request" "$(emulator_request_count)" 3
tap_ok "no service: credring token prints the new token" out_is "$T3"$'\n'
tap_ok "no service: the CLI did not start the service" eval '! service_owned'

tap_done
