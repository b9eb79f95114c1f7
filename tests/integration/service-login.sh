#!/bin/bash
# credring-service and accounts that sign a person in (the device flow,
# against the strict authorization server): GetAccessToken never starts a
# sign-in (Error.Rejected, as `credring token` exits 3); Login runs it,
# telling the person what to do in SigninPrompt signals, and returns once
# the tokens are stored; a denial is Error.Rejected; Logout with all
# revokes the refresh token and says so.
TEST_SERVICE_DIR=installed
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/service-lib.sh"

start_auth_server --device-interval 1
write_signin_provider testas none "device_code;authorization_code" default_scope="openid api"
write_account dev provider=testas client_id=test-client ca_file="$CA_DIR/ca.pem" \
	url=https://api.example.com/v1
service_env
monitor_start
provider_requests() { as_stat 's["device_authorization"] + sum(s["token"].values())'; }

# signin_prompts: the SigninPrompt signals so far, "ACCOUNT MESSAGE" a line.
signin_prompts() {
	awk '
		/^signal / { want = ($0 ~ /member=SigninPrompt$/); n = 0; line = ""; next }
		want && /^   string "/ {
			sub(/^   string "/, ""); sub(/"$/, "")
			line = line (n++ ? " " : "") $0
			if (n == 2) { print line; want = 0 }
		}' "$MONITOR_LOG"
}

# login_device ACTION: Login(dev, method device) over D-Bus; the user code
# is read from its SigninPrompt signals (the first after those already
# seen) and approved or denied at the server, as a person would. Sets what
# svc_call sets, and USER_CODE.
login_device() {
	local action=$1 seen i
	seen=$(signin_prompts | grep -c '')
	USER_CODE=
	timeout 120 "$PYTHON" "$DBUS_CALL" "$SERVICE_IFACE.Login" "('dev', @a{sv} {'method': <'device'>})" \
		>"$TEST_TMP/svc.out" 2>"$TEST_TMP/svc.err" &
	local caller=$!
	for i in $(seq 300); do
		USER_CODE=$(signin_prompts | tail -n +$((seen + 1)) | grep '^dev ' |
			grep -oE '[A-Z0-9]{4}-[A-Z0-9]{4}' | head -n 1)
		[ -n "$USER_CODE" ] && break
		kill -0 "$caller" 2>/dev/null || break
		sleep 0.1
	done
	as_hook POST "/_emulator/device/$action" --data "user_code=$USER_CODE" >/dev/null
	SVC_ARGS="Login ('dev', {'method': <'device'>}), $action"
	SVC_STATUS=0
	wait "$caller" || SVC_STATUS=$?
	SVC_OUT=$(cat "$TEST_TMP/svc.out")
	SVC_ERROR=$(sed -n 1p "$TEST_TMP/svc.err")
	SVC_MESSAGE=$(sed -n '2,$p' "$TEST_TMP/svc.err")
}

# -- never signed in: no call but Login starts a sign-in
svc_get_token dev
svc_error_is "GetAccessToken, never signed in: Error.Rejected" Rejected
run_credring token dev
tap_status "credring token, never signed in: exit 3" 3
svc_message_is_cli "GetAccessToken, never signed in: the CLI's message"
tap_contains "GetAccessToken, never signed in: names credring login" "$SVC_MESSAGE" "credring login dev"
tap_is "GetAccessToken, never signed in: the provider was not asked" "$(provider_requests)" 0
tap_is "GetAccessToken, never signed in: no SigninPrompt" "$(signin_prompts | grep -c '')" 0

# -- Login with the device flow, approved
login_device approve
svc_ok "Login dev (device), approved: a reply"
tap_isnt "Login: a user code was shown in a SigninPrompt" "$USER_CODE" ""
tap_contains "Login: a SigninPrompt says where to enter it" "$(signin_prompts)" "$AS_URL/device"
now=$(date +%s)
tap_ok "Login: expires_at is in the future ($SVC_OUT)" \
	eval "[[ '$SVC_OUT' =~ ^[0-9]+$ ]] && ((SVC_OUT > now))"
LOGIN_EXPIRES=$SVC_OUT
tap_is "Login: the refresh token and the token are stored" \
	"$(keyring_items dev | tr '\n' ' ')" "refresh_token token "
REFRESH=$(as_current_refresh_token)
tap_is "Login: the stored refresh token is the provider's" "$(stored_refresh_token dev)" "$REFRESH"
tap_ok "Login: AccountChanged(dev, login)" wait_account_change "dev login"
before=$(provider_requests)
svc_get_token dev
svc_ok "GetAccessToken after Login: a token"
tap_is "GetAccessToken after Login: the token Login stored (its expiry, no request)" \
	"$SVC_EXPIRES/$(provider_requests)" "$LOGIN_EXPIRES/$before"
tap_is "the server takes it" "$(as_hook GET /_emulator/check -o /dev/null -w '%{http_code}' \
	-H "Authorization: Bearer $SVC_TOKEN")" 200
T1=$SVC_TOKEN

# -- Logout with all: the refresh token revoked at the provider
svc_call Logout "('dev', true)"
svc_ok "Logout dev all: a reply"
tap_is "Logout all: the refresh token was revoked" "$SVC_OUT" revoked
tap_is "Logout all: the server has no live refresh token" "$(as_current_refresh_token)" ""
tap_is "Logout all: nothing of dev left" "$(keyring_count dev)" 0

# -- Login, denied at the server: Rejected, nothing stored
login_device deny
svc_error_is "Login, denied: Error.Rejected" Rejected
tap_isnt "Login, denied: a code was shown" "$USER_CODE" ""
tap_is "Login, denied: nothing stored" "$(keyring_count dev)" 0

# -- Login whose caller leaves the bus: the sign-in is given up at once (no
#    code left polling, nothing stored when the code is entered later, the
#    account's lock free for the next sign-in), not left to signin_timeout
polls() { as_stat 'sum(s["token"].values())'; }
seen=$(signin_prompts | grep -c '')
# (Not under timeout(1): the caller itself is killed, below.)
"$PYTHON" "$DBUS_CALL" "$SERVICE_IFACE.Login" "('dev', @a{sv} {'method': <'device'>})" \
	>/dev/null 2>&1 &
caller=$!
code=
for i in $(seq 300); do
	code=$(signin_prompts | tail -n +$((seen + 1)) | grep '^dev ' |
		grep -oE '[A-Z0-9]{4}-[A-Z0-9]{4}' | head -n 1)
	[ -n "$code" ] && break
	sleep 0.1
done
tap_isnt "Login, caller gone: a code was shown first" "$code" ""
kill -9 "$caller"
wait "$caller" 2>/dev/null
sleep 3
p1=$(polls)
sleep 3
tap_is "Login, caller gone: the service stopped polling for the code" "$(polls)" "$p1"
as_hook POST /_emulator/device/approve --data "user_code=$code" >/dev/null
sleep 2
tap_is "Login, caller gone: the code entered later stores nothing" "$(keyring_count dev)" 0
start=$(date +%s)
sign_in_with_code dev approve
tap_status "Login, caller gone: the next sign-in is not kept waiting (exit 0)" 0
tap_timing_ok "Login, caller gone: the next sign-in within 20 s" test $(($(date +%s) - start)) -lt 20

# -- Logout with all, the refresh token not revocable: "failed: WHY", as
# `credring logout --all` says it
login_device approve
svc_ok "Login again: a reply"
REFRESH2=$(as_current_refresh_token)
echo "scope = openid" >>"$CREDRING_CONFIG" # [dev] is the only group
revocations=$(as_stat 's["revoke"]')
svc_call Logout "('dev', true)"
svc_ok "Logout all, settings changed since: a reply"
tap_is "Logout all, settings changed since: failed, and why" "$SVC_OUT" \
	"failed: it was issued under other settings of the account (a scope, client_id or endpoint that has changed since), so it is not sent under these"
tap_is "Logout all, settings changed since: not sent to the provider" "$(as_stat 's["revoke"]')" \
	"$revocations"
tap_is "Logout all, settings changed since: nothing of dev left" "$(keyring_count dev)" 0

# The provider out of reach: a provider file that leaves its endpoints to
# an issuer that is down (and was never asked, so nothing is cached).
login_device approve
svc_ok "Login once more: a reply"
write_issuer_provider testas "$AS_URL" client_auth=none
stop_emulator "$AS_PID"
svc_call Logout "('dev', true)"
svc_ok "Logout all, provider out of reach: a reply"
tap_contains "Logout all, provider out of reach: failed, and why" "$SVC_OUT" \
	"failed: $XDG_CONFIG_HOME/credring/providers/testas.conf: issuer $AS_URL: cannot reach $AS_URL/.well-known/oauth-authorization-server"
tap_is "Logout all, provider out of reach: nothing of dev left" "$(keyring_count dev)" 0

# -- Login given up while its worker waits for the provider's answer: the
#    caller is answered at once, but the service stays until the worker is
#    done (it may be storing what the provider issued), then exits once idle
#    as usual, never under the worker's feet.
service_stop
start_auth_server --device-interval 1 --delay 6
write_signin_provider slowas none device_code
write_account slow provider=slowas client_id=test-client ca_file="$CA_DIR/ca.pem"
service_env CREDRING_SERVICE_IDLE_TIMEOUT=1
"$PYTHON" "$DBUS_CALL" "$SERVICE_IFACE.Login" "('slow', @a{sv} {'method': <'device'>})" \
	>/dev/null 2>&1 &
caller=$!
polled=
for i in $(seq $((300 * TIME_SCALE))); do
	grep -q '"grant_type": "urn:ietf:params:oauth:grant-type:device_code"' "$AS_LOG" &&
		polled=1 && break
	sleep 0.1
done
pid=$(service_pid)
kill -9 "$caller"
wait "$caller" 2>/dev/null
tap_ok "Login given up mid-request: a poll was in flight (answered 6 s after it came)" \
	test -n "$polled" -a -n "$pid"
sleep 3
tap_ok "Login given up mid-request: the service stays while its worker waits (idle timeout 1 s)" \
	eval '! pid_gone "$pid"'
tap_ok "Login given up mid-request: then exits, idle" wait_pid_gone "$pid" 30
tap_is "Login given up mid-request: it polled no more" \
	"$(grep -c '"grant_type": "urn:ietf:params:oauth:grant-type:device_code"' "$AS_LOG")" 1

# -- no signal carried a secret
MON=$(cat "$MONITOR_LOG")
tap_lacks "no signal carries the token" "$MON" "$T1"
tap_lacks "no signal carries the refresh token" "$MON" "$REFRESH"
tap_lacks "no signal carries the next refresh token" "$MON" "$REFRESH2"

tap_done
