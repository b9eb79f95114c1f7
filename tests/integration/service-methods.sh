#!/bin/bash
# credring-service (org.credring.Credring1) started by D-Bus activation from
# the .service file `make check` installed, never by the test: the first
# call starts it. Each method answers as helpers/service/org.credring.
# Credring1.xml says, never with a secret it was not asked for; and it
# exits by itself once idle. (Its errors: service-errors.sh.)
TEST_SERVICE_DIR=installed
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/service-lib.sh"

SECRET='svc-methods-s3cret'
CLIENT_ID=26156a86-b739-4c6b-9de2-314228c3e6e5
start_emulator ants --client-id "$CLIENT_ID" --client-secret="$SECRET"
API=https://api.service.test
write_account acct provider=ants client_id="$CLIENT_ID" scope=item \
	token_url="$EMU_TOKEN_URL" ca_file="$CA_DIR/ca.pem" url="$API/v1"
login acct "client_secret=$SECRET"$'\n' --no-verify
tap_status "setup: login acct --no-verify" 0
# Never logged in: no secret stored.
write_account bare provider=ants client_id="$CLIENT_ID" scope=item \
	token_url="$EMU_TOKEN_URL" ca_file="$CA_DIR/ca.pem" url=https://bare.service.test
# A key missing: an account that cannot be used.
write_account broken provider=ants client_id="$CLIENT_ID" token_url="$EMU_TOKEN_URL" \
	ca_file="$CA_DIR/ca.pem"
service_env

# -- the installed .service file names the installed program
tap_ok "the .service file is installed: $SERVICE_FILE" test -f "$SERVICE_FILE"
tap_is "the .service file names the bus name" \
	"$(sed -n 's/^Name=//p' "$SERVICE_FILE" 2>/dev/null)" "$SERVICE_NAME"
tap_is "the .service file's Exec= is the installed credring-service" \
	"$(sed -n 's/^Exec=\([^ ]*\).*/\1/p' "$SERVICE_FILE" 2>/dev/null)" "$SERVICE_BIN"
tap_ok "credring-service is installed and executable" test -x "$SERVICE_BIN"

# -- activation: nobody owns the name until a call needs it
tap_ok "before any call: the name has no owner" eval '! service_owned'
svc_get_token acct
svc_ok "GetAccessToken acct (starts the service): a reply"
PID=$(service_pid)
tap_isnt "after the call: the name has an owner" "$PID" ""
tap_is "the owner is the installed program, started by the bus" \
	"$(readlink "/proc/${PID:-0}/exe" 2>/dev/null)" "$SERVICE_BIN"
tap_is "the owner was started by D-Bus activation (DBUS_STARTER_BUS_TYPE=session)" \
	"$(tr '\0' '\n' <"/proc/${PID:-0}/environ" 2>/dev/null | grep -x 'DBUS_STARTER_BUS_TYPE=session')" \
	DBUS_STARTER_BUS_TYPE=session

# -- GetAccessToken
T1=$(emulator_last token)
tap_is "GetAccessToken: one request to the provider" "$(emulator_request_count)" 1
tap_is "GetAccessToken: the token the provider issued" "$SVC_TOKEN" "$T1"
tap_is "GetAccessToken: token type Bearer" "$SVC_TYPE" Bearer
now=$(date +%s)
tap_ok "GetAccessToken: expires_at is now + the token's 3599 s ($SVC_EXPIRES)" \
	eval "[[ '$SVC_EXPIRES' =~ ^[0-9]+$ ]] && ((SVC_EXPIRES > now + 3599 - 120 && SVC_EXPIRES <= now + 3599 + 5))"
EXP1=$SVC_EXPIRES
run_credring token acct
tap_ok "the CLI serves the same token (one cache)" out_is "$T1"$'\n'
svc_get_token acct
tap_is "GetAccessToken again: the cached token" "$SVC_TOKEN/$SVC_EXPIRES" "$T1/$EXP1"
tap_is "GetAccessToken again: no new request" "$(emulator_request_count)" 1
svc_get_token acct "{'min-valid': <uint32 3500>}"
tap_is "min-valid 3500 (< the time left): the cached token" "$SVC_TOKEN" "$T1"
# A second more than the cached token has left, which a new token has:
# after 2 s, the time left + 1 is less than a new token's lifetime.
sleep 2
more=$((EXP1 - $(date +%s) + 1))
svc_get_token acct "{'min-valid': <uint32 $more>}"
svc_ok "min-valid $more (> the time left, < a new token's): a reply"
tap_is "min-valid $more: a new request" "$(emulator_request_count)" 2
tap_is "min-valid $more: the new token" "$SVC_TOKEN" "$(emulator_last token)"
svc_get_token acct "{'min-valid': <uint32 7200>}"
svc_error_is "min-valid 7200 (> the provider's lifetime): Error.Config" Config
run_credring token acct --min-valid 7200
tap_status "credring token --min-valid 7200: exit 2" 2
svc_message_is_cli "min-valid 7200: the CLI's message"
tap_like "min-valid 7200: the lifetime said is the token's (ANTS: an absolute expiry, ~3600 s)" \
	"$SVC_MESSAGE" "the provider's tokens last (3599|3600) s, less than the 7200 s asked for"
tap_is "min-valid 7200: the provider was asked (service and CLI)" "$(emulator_request_count)" 4
svc_get_token acct "{'force-refresh': <true>}"
svc_ok "force-refresh: a reply"
T3=$(emulator_last token)
tap_is "force-refresh: a new request" "$(emulator_request_count)" 5
tap_is "force-refresh: the new token" "$SVC_TOKEN" "$T3"
svc_get_token acct "{'force-refresh': <false>, 'min-valid': <uint32 60>}"
tap_is "force-refresh false, min-valid 60: the cached token, no request" \
	"$SVC_TOKEN/$(emulator_request_count)" "$T3/5"

# -- GetAccessTokenForUrl: the account whose url matches
EXP3=$SVC_EXPIRES
svc_call GetAccessTokenForUrl "('$API/v1/items', @a{sv} {})"
svc_ok "GetAccessTokenForUrl $API/v1/items: a reply"
tap_is "GetAccessTokenForUrl: the account, the token, its type, its expiry" \
	"$(echo "$SVC_OUT" | tr '\n' ' ')" "acct $T3 Bearer $EXP3 "
svc_call GetAccessTokenForUrl "('$API/v2/items', @a{sv} {})"
svc_error_is "GetAccessTokenForUrl, no account's url matches: Error.Config" Config
svc_call GetAccessTokenForUrl "('https://bare.service.test/x', @a{sv} {})"
svc_error_is "GetAccessTokenForUrl, the account has no secret: Error.Config" Config
run_credring token bare
tap_status "credring token bare (no secret): exit 2" 2
svc_message_is_cli "GetAccessTokenForUrl, the account has no secret: the CLI's message"
tap_is "GetAccessTokenForUrl: no request for either" "$(emulator_request_count)" 5

# -- ListAccounts: names, providers, states; never a secret or a token
svc_call ListAccounts
svc_ok "ListAccounts: a reply"
LIST=$SVC_OUT
check_list() {
	"$PYTHON" - "$LIST" "$1" <<'EOF'
import json, sys
accounts, expires = json.loads(sys.argv[1]), int(sys.argv[2])
problems = []
def want(cond, what):
    if not cond:
        problems.append(what)
want([a[0] for a in accounts] == ["acct", "bare", "broken"],
     "names in file order: %r" % [a[0] for a in accounts])
want(all(a[1] == "ants" for a in accounts), "providers: %r" % [a[1] for a in accounts])
state = {a[0]: a[2] for a in accounts}
acct, bare, broken = state.get("acct", {}), state.get("bare", {}), state.get("broken", {})
want(acct.get("grant") == "client_credentials", "acct grant: %r" % acct.get("grant"))
want(acct.get("secrets-stored") is True, "acct secrets-stored: %r" % acct.get("secrets-stored"))
want(acct.get("refresh-token") is False, "acct refresh-token: %r" % acct.get("refresh-token"))
want(acct.get("token-expires-at") == expires,
     "acct token-expires-at %r, GetAccessToken said %d" % (acct.get("token-expires-at"), expires))
want("problem" not in acct, "acct has a problem: %r" % acct.get("problem"))
want(bare.get("secrets-stored") is False, "bare secrets-stored: %r" % bare.get("secrets-stored"))
want("token-expires-at" not in bare, "bare has a token-expires-at")
want(isinstance(broken.get("problem"), str) and "scope" in broken["problem"],
     "broken's problem does not name scope: %r" % broken.get("problem"))
want(set(broken) == {"problem"}, "broken has more than its problem: %r" % sorted(broken))
print("; ".join(problems) or "ok")
EOF
}
tap_is "ListAccounts: each account's name, provider and state" "$(check_list "$EXP3")" ok
RUN_OUT=$LIST RUN_ERR=
no_secret_leaks "ListAccounts" "$SECRET" $(emulator_tokens)

# -- Login: an account that needs typed secrets is sent to `credring login`
svc_call Login "('acct', @a{sv} {})"
svc_error_is "Login, client_credentials account: Error.Config" Config
tap_contains "Login, client_credentials: says to run credring login acct" "$SVC_MESSAGE" \
	"credring login acct"
svc_call Login "('acct', @a{sv} {'method': <int32 1>})"
svc_error_is "Login, method of the wrong type: InvalidArgs" "$INVALID_ARGS"
svc_call Login "('no-such-account', @a{sv} {})"
svc_error_is "Login, unknown account: Error.Config" Config
tap_is "Login: no request to the provider" "$(emulator_request_count)" 5

# -- Logout, the token only: the next call fetches with the stored secret
svc_call Logout "('acct', false)"
svc_ok "Logout acct: a reply"
tap_is "Logout without all: revocation is empty" "$SVC_OUT" ""
tap_is "Logout without all: no cached token, the secret stays" \
	"$(keyring_items acct | tr '\n' ' ')" "client_secret "
svc_get_token acct
tap_is "after Logout: a new request" "$(emulator_request_count)" 6
tap_is "after Logout: the new token" "$SVC_TOKEN" "$(emulator_last token)"
tap_isnt "after Logout: not the dropped one" "$SVC_TOKEN" "$T3"

# -- Logout with all: as `credring logout --all`
svc_call Logout "('acct', true)"
svc_ok "Logout acct all: a reply"
tap_is "Logout all, no refresh token was stored: revocation none" "$SVC_OUT" none
tap_is "Logout all: nothing of acct left in the keyring" "$(keyring_count acct)" 0
svc_get_token acct
svc_error_is "GetAccessToken after Logout all: Error.Config (run credring login)" Config
run_credring token acct
tap_status "credring token after Logout all: exit 2" 2
svc_message_is_cli "GetAccessToken after Logout all: the CLI's message"
tap_is "after Logout all: no request" "$(emulator_request_count)" 6
svc_call Logout "('no-such-account', false)"
svc_error_is "Logout, unknown account: Error.Config" Config

# -- still the one process that was activated first
tap_is "all calls answered by the process activated first" "$(service_pid)" "$PID"

# -- idle: with CREDRING_SERVICE_IDLE_TIMEOUT=2 it exits by itself
service_stop
tap_ok "stopped: the name has no owner" eval '! service_owned'
service_env CREDRING_SERVICE_IDLE_TIMEOUT=2
svc_call ListAccounts
svc_ok "ListAccounts re-activates it"
PID=$(service_pid)
tap_isnt "re-activated: an owner" "$PID" ""
tap_ok "idle 2 s: still there after 1 s" eval "sleep 1; ! pid_gone '${PID:-0}'"
tap_timing_ok "idle 2 s: gone within 6 s more" wait_pid_gone "${PID:-0}" 6
tap_ok "idle 2 s: the name is released" wait_unowned 2

tap_done
