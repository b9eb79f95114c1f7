#!/bin/bash
# One cache, wherever you ask: credring-service, `credring token` and
# git-credential-credring share the keyring items and the per-account lock.
# 20 callers across the three on a cold cache make one provider request and
# get one token; `credring logout` or a git erase takes effect for the
# service's next call, and the dropped token is never served again; with
# the service running, the CLI and git's get are served by it (its socket).
TEST_SERVICE_DIR=installed
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/git-lib.sh"
. "$(dirname "$0")/service-lib.sh"

SECRET='svc-cache-s3cret'
CLIENT_ID=26156a86-b739-4c6b-9de2-314228c3e6e5
# Each answer takes a second: all 20 callers are in flight at once.
start_emulator ants --client-id "$CLIENT_ID" --client-secret="$SECRET" --delay 1
HOST=127.0.0.1:$EMU_PORT
write_account acct provider=ants client_id="$CLIENT_ID" scope=item \
	token_url="$EMU_TOKEN_URL" ca_file="$CA_DIR/ca.pem"
login acct "client_secret=$SECRET"$'\n' --no-verify
tap_status "setup: login acct --no-verify" 0
service_env
svc_call ListAccounts
svc_ok "setup: the service is running (activated by ListAccounts)"
tap_is "setup: a cold cache (no token, no request)" \
	"$(keyring_count acct token)/$(emulator_request_count)" 0/0

# -- 20 callers at once: 6 over D-Bus, 7 `credring token`, 7 `git credential fill`
mkdir "$TEST_TMP/race"
pids=()
for i in $(seq 20); do
	case $((i % 3)) in
	0) timeout 120 "$PYTHON" "$DBUS_CALL" "$SERVICE_IFACE.GetAccessToken" "('acct', @a{sv} {})" \
		>"$TEST_TMP/race/$i.dbus" 2>"$TEST_TMP/race/$i.err" & ;;
	1) timeout 120 "${CREDRING_WRAP[@]}" "$CREDRING" token acct \
		>"$TEST_TMP/race/$i.cli" 2>"$TEST_TMP/race/$i.err" & ;;
	2) printf 'protocol=https\nhost=%s\n\n' "$HOST" | timeout 120 git credential fill \
		>"$TEST_TMP/race/$i.git" 2>"$TEST_TMP/race/$i.err" & ;;
	esac
	pids+=($!)
done
failures=0
for pid in "${pids[@]}"; do
	wait "$pid" || failures=$((failures + 1))
done
tap_is "20 callers: all exit 0" "$failures" 0
# Each caller's token: the first line of the D-Bus reply, the CLI's line,
# git's password=.
tokens=$(
	for f in "$TEST_TMP"/race/*.dbus; do sed -n 1p "$f"; done
	cat "$TEST_TMP"/race/*.cli
	for f in "$TEST_TMP"/race/*.git; do field password "$(cat "$f")"; done
)
tap_is "20 callers: 6 + 7 + 7 answers" \
	"$(ls "$TEST_TMP"/race/*.dbus | wc -l)/$(ls "$TEST_TMP"/race/*.cli | wc -l)/$(ls "$TEST_TMP"/race/*.git | wc -l)/$(grep -c . <<<"$tokens")" \
	6/7/7/20
tap_is "20 callers: one token request to the provider" "$(emulator_request_count)" 1
T1=$(emulator_last token)
tap_is "20 callers: all got the one issued token" "$(sort -u <<<"$tokens")" "$T1"
tap_is "20 callers: nothing on stderr" "$(cat "$TEST_TMP"/race/*.err)" ""
tap_is "20 callers: one token cached" "$(keyring_count acct token)" 1

# -- `credring logout`, then GetAccessToken: a new token, the old one never again
run_credring logout acct
tap_status "credring logout acct: exit 0" 0
svc_get_token acct
svc_ok "GetAccessToken right after the logout: a token"
T2=$(emulator_last token)
tap_is "after the logout: a new request" "$(emulator_request_count)" 2
tap_is "after the logout: the new token" "$SVC_TOKEN" "$T2"
tap_isnt "after the logout: not the dropped one" "$SVC_TOKEN" "$T1"
run_credring token acct
tap_ok "credring token after the logout: the new token" out_is "$T2"$'\n'
git_cred fill "protocol=https"$'\n'"host=$HOST"
tap_is "git fill after the logout: the new token" "$(field password)" "$T2"
svc_get_token acct
tap_is "GetAccessToken again: still the new token, no request" \
	"$SVC_TOKEN/$(emulator_request_count)" "$T2/2"

# -- a git erase of that token, then GetAccessToken: again a new one
git_cred reject "protocol=https"$'\n'"host=$HOST"$'\n'"username=$CLIENT_ID"$'\n'"password=$T2"
run_status_is "git credential reject of the token: exit 0" 0
svc_get_token acct
T3=$(emulator_last token)
tap_is "GetAccessToken right after git's erase: a new request" "$(emulator_request_count)" 3
tap_is "after git's erase: the new token" "$SVC_TOKEN" "$T3"
run_credring token acct
tap_ok "credring token after git's erase: the new token" out_is "$T3"$'\n'

# -- no dropped token was served by anyone after its drop
svc_get_token acct
tap_isnt "the dropped T1 never again (service)" "$SVC_TOKEN" "$T1"
tap_isnt "the dropped T2 never again (service)" "$SVC_TOKEN" "$T2"
tap_is "the provider still takes the dropped T1 (serving it would have seemed to work)" \
	"$(emulator_call GET /_emulator/check "$T1" "$EMU_URL")" 200

# -- the keyring is the authority: the cached token removed by another
# program (no credring, so no change mark), the service serves it no more
keyring_delete_token() {
	"$PYTHON" - "$1" <<'EOF'
import sys
import gi
gi.require_version("Gio", "2.0")
from gi.repository import Gio, GLib
bus = Gio.bus_get_sync(Gio.BusType.SESSION, None)
def call(path, iface, method, args):
    return bus.call_sync("org.freedesktop.secrets", path, iface, method, args, None,
                         Gio.DBusCallFlags.NONE, 10000, None)
found = call("/org/freedesktop/secrets", "org.freedesktop.Secret.Service", "SearchItems",
             GLib.Variant("(a{ss})", ({"account": sys.argv[1]},))).unpack()
for path in found[0] + found[1]:
    attrs = call(path, "org.freedesktop.DBus.Properties", "Get",
                 GLib.Variant("(ss)", ("org.freedesktop.Secret.Item", "Attributes"))).unpack()[0]
    if "kind" not in attrs:  # the token, not a secret (lib.sh's keyring_items)
        call(path, "org.freedesktop.Secret.Item", "Delete", None)
EOF
}
# Through the socket: `credring token` asks the service first, which must
# not answer with what the keyring no longer holds.
keyring_delete_token acct
tap_is "another program removed the cached token from the keyring" "$(keyring_count acct token)" 0
run_credring token acct
T4=$(emulator_last token)
tap_isnt "credring token after that: not the removed token (socket)" "$RUN_OUT" "$T3"
tap_is "credring token after that: a new request" "$(emulator_request_count)" 4
tap_ok "credring token after that: the new token" out_is "$T4"$'\n'
svc_get_token acct
tap_is "GetAccessToken: that token, no request" "$SVC_TOKEN/$(emulator_request_count)" "$T4/4"
# Over D-Bus: the service read that token from the keyring just now; it
# is removed again, behind credring's back.
keyring_delete_token acct
tap_is "another program removed it again" "$(keyring_count acct token)" 0
svc_get_token acct
tap_isnt "GetAccessToken after that: not the removed token (no memory copy outlives the keyring)" \
	"$SVC_TOKEN" "$T4"
tap_is "GetAccessToken after that: a new request" "$(emulator_request_count)" 5
run_credring token acct
TNOW=$RUN_OUT
tap_is "the service and the CLI agree on the token now" "$SVC_TOKEN" "$TNOW"

# -- the CLI and git's get, served by the running service: the emulator
# is stopped, and they connect to the service's socket, not to the bus
stop_emulator
run_credring token acct
tap_status "emulator stopped, service running: credring token exit 0" 0
tap_ok "emulator stopped, service running: credring token prints the token" out_is "$TNOW"$'\n'
BUS_SOCKET=$(sed -n 's/^unix:path=\([^,;]*\).*/\1/p' <<<"$DBUS_SESSION_BUS_ADDRESS")
if command -v strace >/dev/null; then
	# Without the wrapper: strace follows the process, not valgrind's.
	strace -f -e trace=connect -o "$TEST_TMP/strace.cli" "$CREDRING" token acct \
		>"$TEST_TMP/strace.out" 2>/dev/null
	tap_is "strace credring token: the token" "$(cat "$TEST_TMP/strace.out")" "$TNOW"
	tap_contains "credring token connects to the service's socket" \
		"$(cat "$TEST_TMP/strace.cli")" "\"$SERVICE_SOCKET\""
	tap_lacks "credring token does not connect to the bus (no Secret Service session)" \
		"$(cat "$TEST_TMP/strace.cli")" "\"$BUS_SOCKET\""
	printf 'protocol=https\nhost=%s\n\n' "$HOST" >"$TEST_TMP/get.in"
	strace -f -e trace=connect -o "$TEST_TMP/strace.git" "$GIT_HELPER" get \
		<"$TEST_TMP/get.in" >"$TEST_TMP/strace.out" 2>/dev/null
	tap_is "strace git-credential-credring get: the token" \
		"$(field password "$(cat "$TEST_TMP/strace.out")")" "$TNOW"
	tap_contains "git-credential-credring get connects to the service's socket" \
		"$(cat "$TEST_TMP/strace.git")" "\"$SERVICE_SOCKET\""
	tap_lacks "git-credential-credring get does not connect to the bus" \
		"$(cat "$TEST_TMP/strace.git")" "\"$BUS_SOCKET\""
else
	for what in "credring token" "git-credential-credring get"; do
		tap_skip "$what connects to the service's socket" "strace is not installed"
		tap_skip "$what does not connect to the bus" "strace is not installed"
	done
fi

tap_done
