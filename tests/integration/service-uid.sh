#!/bin/bash
# credring-service answers only callers of its own user, by the bus's
# credentials for the caller: a caller running as another user, on the
# same bus, gets org.credring.Credring1.Error.AccessDenied for every
# method, and nothing is done for it; the same calls as the service's user
# succeed, so the refusal is not a failure of any kind.
#
# Needs root, to make a throwaway user (removed at exit) and run a caller
# as it (setpriv); without root the tests are reported as skipped.
TEST_SERVICE_DIR=installed
TEST_OTHER_USERS=1  # the bus lets other users connect: the service must refuse them
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/git-lib.sh"
. "$(dirname "$0")/service-lib.sh"

SECRET='svc-uid-s3cret'
CLIENT_ID=26156a86-b739-4c6b-9de2-314228c3e6e5
start_emulator ants --client-id "$CLIENT_ID" --client-secret="$SECRET"
write_account acct provider=ants client_id="$CLIENT_ID" scope=item \
	token_url="$EMU_TOKEN_URL" ca_file="$CA_DIR/ca.pem"
login acct "client_secret=$SECRET"$'\n' --no-verify
tap_status "setup: login acct --no-verify" 0
service_env

# The calls, both users: GetAccessToken, GetAccessTokenForUrl, ListAccounts,
# Login, Logout.
CALLS=(
	"GetAccessToken|('acct', @a{sv} {})"
	"GetAccessTokenForUrl|('$EMU_URL/x', @a{sv} {})"
	"ListAccounts|()"
	"Login|('acct', @a{sv} {})"
	"Logout|('acct', true)"
)

if [ "$(id -u)" -ne 0 ]; then
	for c in "${CALLS[@]}"; do
		tap_skip "another user's ${c%%|*}: AccessDenied" "not root: cannot add a user to call as"
	done
	tap_done
	exit 0
fi
for tool in useradd userdel setpriv; do
	command -v "$tool" >/dev/null || tap_bail "running as root, but $tool is not installed"
done

# -- the owner first: the service answers (and is running from now on)
svc_get_token acct
svc_ok "as the service's user: GetAccessToken acct works"
T1=$SVC_TOKEN
OWNER_PID=$(service_pid)
tap_is "as the service's user: one request" "$(emulator_request_count)" 1

# -- a throwaway user, removed at exit whatever happens
OTHER=crsvc$$
remove_user() { userdel "$OTHER" >/dev/null 2>&1; }
TEST_AT_EXIT+=(remove_user)
useradd --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin --user-group "$OTHER" ||
	tap_bail "useradd $OTHER failed"
OTHER_UID=$(id -u "$OTHER")
tap_isnt "the other user has another uid" "$OTHER_UID" "$(id -u)"

# as_other METHOD ARGS: svc_call as $OTHER, on the same bus address.
# dbus-call.py comes on stdin: the other user may not read the source tree.
as_other() {
	SVC_ARGS="as $OTHER: $1 $2"
	SVC_STATUS=0
	env -i PATH=/usr/bin:/bin HOME=/nonexistent LC_ALL=C.UTF-8 \
		DBUS_SESSION_BUS_ADDRESS="$DBUS_SESSION_BUS_ADDRESS" \
		setpriv --reuid="$OTHER" --regid="$OTHER" --clear-groups \
		timeout 60 "$PYTHON" - "$SERVICE_IFACE.$1" "$2" <"$DBUS_CALL" \
		>"$TEST_TMP/svc.out" 2>"$TEST_TMP/svc.err" || SVC_STATUS=$?
	SVC_OUT=$(cat "$TEST_TMP/svc.out")
	SVC_ERROR=$(sed -n 1p "$TEST_TMP/svc.err")
	SVC_MESSAGE=$(sed -n '2,$p' "$TEST_TMP/svc.err")
}

# -- the bus lets the other user in (else the test proves nothing)
OUT=$(env -i PATH=/usr/bin:/bin HOME=/nonexistent DBUS_SESSION_BUS_ADDRESS="$DBUS_SESSION_BUS_ADDRESS" \
	setpriv --reuid="$OTHER" --regid="$OTHER" --clear-groups \
	"$PYTHON" - --dest org.freedesktop.DBus --path /org/freedesktop/DBus \
	org.freedesktop.DBus.GetConnectionUnixUser "('org.freedesktop.DBus',)" <"$DBUS_CALL" 2>&1)
tap_is "the other user reaches the bus (it answers the bus's own methods)" "$OUT" 0

# -- every method: AccessDenied, and nothing done
for c in "${CALLS[@]}"; do
	as_other "${c%%|*}" "${c#*|}"
	svc_error_is "another user's ${c%%|*}: AccessDenied" AccessDenied
	tap_is "another user's ${c%%|*}: nothing in the reply" "$SVC_OUT" ""
	for s in "$SECRET" "$T1"; do
		tap_lacks "another user's ${c%%|*}: no secret or token in the message" "$SVC_MESSAGE" "$s"
	done
done
tap_is "after the other user's calls: no request to the provider" "$(emulator_request_count)" 1
tap_is "after the other user's Logout: the token is still cached" "$(keyring_items acct | tr '\n' ' ')" \
	"client_secret token "
tap_is "the same service process answered" "$(service_pid)" "$OWNER_PID"

# -- the same calls as the service's user succeed
for c in "${CALLS[@]}"; do
	method=${c%%|*}
	[ "$method" = Login ] && continue  # client_credentials: Error.Config by design (service-methods.sh)
	svc_call "$method" "${c#*|}"
	svc_ok "as the service's user: $method works"
	[ "$method" = GetAccessToken ] && tap_is "as the service's user: the cached token" \
		"$(sed -n 1p <<<"$SVC_OUT")" "$T1"
done
svc_call Login "('acct', @a{sv} {})"
svc_error_is "as the service's user: Login is Error.Config (client_credentials), not AccessDenied" Config

# -- the socket the CLI asks through is not for others either
tap_is "the service's socket directory is ours, mode 0700" \
	"$(stat -c '%u %a' "$(dirname "$SERVICE_SOCKET")")" "$(id -u) 700"

tap_done
