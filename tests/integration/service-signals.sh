#!/bin/bash
# credring-service's AccountChanged signal: sent for every change of an
# account, whoever made it (the service, `credring`, git's erase through
# git-credential-credring), within a second or so; never with a token.
TEST_SERVICE_DIR=installed
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/git-lib.sh"
. "$(dirname "$0")/service-lib.sh"

SECRET='svc-signals-s3cret'
CLIENT_ID=26156a86-b739-4c6b-9de2-314228c3e6e5
start_emulator ants --client-id "$CLIENT_ID" --client-secret="$SECRET"
HOST=127.0.0.1:$EMU_PORT
for name in acct other; do
	write_account "$name" provider=ants client_id="$CLIENT_ID" scope=item \
		token_url="$EMU_TOKEN_URL" ca_file="$CA_DIR/ca.pem"
	login "$name" "client_secret=$SECRET"$'\n' --no-verify
	tap_status "setup: login $name --no-verify" 0
done
service_env
svc_call ListAccounts
svc_ok "setup: the service is activated"
monitor_start

# mark: what follows waits for signals recorded after this point.
MARK=0
mark() { MARK=$(account_changes | grep -c ''); }
# seen DESC "ACCOUNT CHANGE": such a signal is recorded after the mark,
# within 5 s.
seen() {
	local i st=1
	for i in $(seq 50); do
		account_changes | tail -n +$((MARK + 1)) | grep -qxF "$2" && { st=0; break; }
		sleep 0.1
	done
	_tap_result $st "$1" || tap_diag "signals recorded (the first $MARK before):" "$(account_changes)"
}

# -- a token the service fetched
mark
svc_get_token acct
svc_ok "GetAccessToken acct: a token"
seen "service fetch: AccountChanged(acct, token)" "acct token"

# -- a logout from the command line
mark
run_credring logout acct
tap_status "credring logout acct: exit 0" 0
seen "credring logout: AccountChanged(acct, logout)" "acct logout"

# -- a token the command line fetched
mark
run_credring token other
tap_status "credring token other: exit 0" 0
T_OTHER=$(emulator_last token)
tap_ok "credring token other: the issued token" out_is "$T_OTHER"$'\n'
seen "credring token (a fetch): AccountChanged(other, token)" "other token"

# -- git's erase of the token the service serves
mark
svc_get_token acct
T2=$SVC_TOKEN
seen "second service fetch: AccountChanged(acct, token) again" "acct token"
mark
git_cred reject "protocol=https"$'\n'"host=$HOST"$'\n'"username=$CLIENT_ID"$'\n'"password=$T2"
run_status_is "git credential reject (erase) of acct's token: exit 0" 0
tap_is "git erase: the token is gone from the keyring" "$(keyring_count acct token)" 0
seen "git erase: AccountChanged(acct, logout)" "acct logout"

# -- Logout through the service, all secrets
mark
svc_call Logout "('other', true)"
svc_ok "Logout other all: a reply"
seen "Logout over D-Bus: AccountChanged(other, logout)" "other logout"

# -- two changes in quick succession: each told with its own name, though
#    the mark file holds the second's by the time the first is seen
mark
run_credring token acct --force-refresh
tap_status "credring token acct --force-refresh: exit 0" 0
run_credring logout acct
tap_status "then at once credring logout acct: exit 0" 0
seen "quick succession: AccountChanged(acct, token) for the fetch" "acct token"
seen "quick succession: AccountChanged(acct, logout) for the logout" "acct logout"
tap_is "quick succession: in that order" \
	"$(account_changes | tail -n +$((MARK + 1)) | grep '^acct ' | head -n 2 | tr '\n' ' ')" \
	"acct token acct logout "

# -- none of them came from elsewhere or carried a token
tap_is "every AccountChanged came from $SERVICE_PATH" \
	"$(grep 'member=AccountChanged$' "$MONITOR_LOG" | grep -vc "path=$SERVICE_PATH;")" 0
tap_is "every AccountChanged has two strings: account and change" \
	"$(account_changes | grep -cvE '^(acct|other) (token|login|logout)$')" 0
MON=$(cat "$MONITOR_LOG")
for t in $(emulator_tokens); do
	tap_lacks "no signal carries the token ${t:0:8}..." "$MON" "$t"
done
tap_lacks "no signal carries the client secret" "$MON" "$SECRET"

tap_done
