#!/bin/bash
# Secrets from outside the keyring (issue #13 §2): a systemd credential in
# $CREDENTIALS_DIRECTORY, a secret_command / password_command; each checked
# by the emulator's strict client authentication, each failure a one-line
# error naming the account and the key or file (exit 5), none of them ever
# in a child's argv or environment, on stdout/stderr or in the keyring.
. "$(dirname "$0")/lib.sh"

ID=26156a86-b739-4c6b-9de2-314228c3e6e5
SECRET='cs-Elsewhere&9Qz=1+2 %41'
start_emulator ants --client-id "$ID" --client-secret="$SECRET" --scope item
# The secret's text for grep -f: a pattern in a file, never in grep's argv.
printf '%s\n' "$SECRET" >"$TEST_TMP/secret-pattern"

ants_account() {  # ants_account NAME [KEY=VALUE...]
	local name=$1
	shift
	write_account "$name" provider=ants client_id="$ID" scope=item token_url="$EMU_TOKEN_URL" \
		ca_file="$CA_DIR/ca.pem" "$@"
}

# ------------------------------------------------ systemd credentials --

CREDS=$TEST_TMP/credentials
mkdir "$CREDS"
put_credential() {  # put_credential NAME TEXT (printf's %b) [MODE]
	chmod 700 "$CREDS"
	rm -f "$CREDS/$1"
	printf '%b' "$2" >"$CREDS/$1"
	chmod "${3:-400}" "$CREDS/$1"
	chmod 500 "$CREDS"   # as systemd makes it: read-only
}
put_credential credring.cred.client_secret "$SECRET\n"
export CREDENTIALS_DIRECTORY=$CREDS
ants_account cred

n=$(emulator_request_count)
run_credring token cred
tap_status "credential: token exit 0" 0
tap_isnt "credential: a token printed" "$RUN_OUT" ""
tap_is "credential: one request" "$(emulator_request_count)" $((n + 1))
tap_is "credential: the emulator accepted the client secret" "$(emulator_last ok)" true
tap_is "credential: nothing stored in the keyring but the token" "$(keyring_items cred)" token
no_secret_leaks "credential: token" "$SECRET"

run_credring token cred --force-refresh --verbose
tap_status "credential --verbose: exit 0" 0
tap_contains "credential --verbose: says where the client secret came from" "$RUN_ERR" \
	"account [cred]: client secret from systemd credential credring.cred.client_secret"
no_secret_leaks "credential --verbose" "$SECRET"

run_credring status cred
tap_contains "credential: status says where" "$RUN_OUT" "client secret: from systemd credential"
run_credring status cred --format json
tap_is "credential: status JSON says where" "$(printf '%s' "$RUN_OUT" | "$PYTHON" -c '
import json, sys; a = json.load(sys.stdin)["accounts"][0]
print(a["client_secret_source"], a["client_secret_stored"])')" "systemd credential True"

RUN_STDIN=$'client_secret=something-else\n'
run_credring login cred --secret-stdin
tap_status "credential: login exit 0" 0
tap_is "credential: login says so, stores nothing" "$RUN_OUT" \
	"account [cred]: its client secret comes from systemd credential; nothing to store"
tap_is "credential: still nothing stored but the token" "$(keyring_items cred)" token

# What is in the file is what is sent: a wrong one is rejected by the provider.
put_credential credring.cred.client_secret "wrong-$SECRET\n"
run_credring token cred --force-refresh
tap_status "credential holding a wrong secret: rejected by the provider (exit 3)" 3

# Credentials that cannot be used: exit 5, one line naming the account and the file.
cred_refused() {  # cred_refused LABEL TEXT MODE EXPECTED
	put_credential credring.cred.client_secret "$2" "$3"
	run_credring token cred --force-refresh
	tap_status "credential $1: exit 5" 5
	tap_is "credential $1: one line" "$RUN_ERR_LINES" 1
	tap_contains "credential $1: names the account and the file" "$RUN_ERR" \
		"account [cred]: systemd credential $CREDS/credring.cred.client_secret$4"
	no_secret_leaks "credential $1" "$SECRET" "second-$SECRET"
}
cred_refused "of two lines" "$SECRET\nsecond-$SECRET\n" 400 " holds more than one line"
cred_refused "empty" "" 400 " is empty"
cred_refused "with a NUL byte" "$SECRET\0\n" 400 " holds a NUL byte"
cred_refused "writable by its group" "$SECRET\n" 620 ": writable by others"
chmod 700 "$CREDS"
rm -f "$CREDS/credring.cred.client_secret"
mkfifo "$CREDS/credring.cred.client_secret"
chmod 500 "$CREDS"
started=$(date +%s)
RUN_TIMEOUT=20 run_credring token cred --force-refresh
tap_status "credential that is a FIFO: exit 5" 5
tap_timing_ok "credential that is a FIFO: no wait for a writer" test $(($(date +%s) - started)) -le 5
tap_contains "credential that is a FIFO: says so" "$RUN_ERR" \
	"credring.cred.client_secret: not a regular file"
unset CREDENTIALS_DIRECTORY

# -------------------------------------------------------- secret_command --

# The command knows the secret only in its own code.  Each run leaves what
# it saw: its arguments, its stdin, its environment, and which processes
# had the secret in their command line or environment meanwhile.
BIN=$TEST_TMP/bin
mkdir "$BIN"
SEEN=$TEST_TMP/seen
mkdir "$SEEN"
cat >"$BIN/print-secret" <<EOF
#!/bin/bash
printf '%s\n' "\$#" "\$@" >"$SEEN/args"
cat >"$SEEN/stdin"
env >"$SEEN/env"
grep -l -a -F -f "$TEST_TMP/secret-pattern" /proc/[0-9]*/cmdline /proc/[0-9]*/environ \
	2>/dev/null >"$SEEN/procs"
printf '%s\n' '$SECRET'
EOF
cat >"$BIN/fail" <<'EOF'
#!/bin/sh
echo "the vault is sealed" >&2
exit 3
EOF
cat >"$BIN/hang" <<EOF
#!/bin/sh
echo \$\$ >"$SEEN/hang.pid"
sleep 60 &
echo \$! >"$SEEN/hang-child.pid"
wait
EOF
printf '#!/bin/sh\nprintf "%%s\\n%%s\\n" "%s" "second-%s"\n' "$SECRET" "$SECRET" >"$BIN/two-lines"
printf '#!/bin/sh\nexit 0\n' >"$BIN/nothing"
chmod 700 "$BIN"/*

ants_account cmd secret_command="$BIN/print-secret --label 'a b' \$HOME"
n=$(emulator_request_count)
RUN_STDIN=$'client_secret=what-our-stdin-carries\n'
run_credring token cmd --verbose
tap_status "secret_command: token exit 0" 0
tap_is "secret_command: one request" "$(emulator_request_count)" $((n + 1))
tap_is "secret_command: the emulator accepted the client secret" "$(emulator_last ok)" true
tap_is "secret_command: run without a shell, its words as quoted" "$(cat "$SEEN/args")" \
	$'3\n--label\na b\n$HOME'
tap_is "secret_command: our stdin (a pipe) is not the command's" "$(cat "$SEEN/stdin" 2>&1)" ""
# The scan sees argv: the emulator's holds the secret (--client-secret).
tap_ok "secret_command: the scan of /proc sees a secret in argv" \
	grep -q -x "/proc/$EMU_PID/cmdline" "$SEEN/procs"
tap_is "secret_command: the secret in no process's argv or environment but the emulator's" \
	"$(grep -v "^/proc/$EMU_PID/" "$SEEN/procs" 2>&1)" ""
tap_ok "secret_command: the secret not in the command's environment" \
	bash -c "test -s '$SEEN/env' && ! grep -q -F -f '$TEST_TMP/secret-pattern' '$SEEN/env'"
tap_contains "secret_command --verbose: says where the client secret came from" "$RUN_ERR" \
	"account [cmd]: client secret from secret_command"
tap_is "secret_command: nothing stored in the keyring but the token" "$(keyring_items cmd)" token
no_secret_leaks "secret_command" "$SECRET"

run_credring status cmd
tap_contains "secret_command: status says where" "$RUN_OUT" "client secret: from secret_command"
run_credring login cmd
tap_status "secret_command: login exit 0" 0
tap_is "secret_command: login says so, stores nothing" "$RUN_OUT" \
	"account [cmd]: its client secret comes from secret_command; nothing to store"
tap_is "secret_command: still nothing stored but the token" "$(keyring_items cmd)" token

# A systemd credential comes first: the command is not run.
rm -f "$SEEN/args"
put_credential credring.cmd.client_secret "$SECRET\n"
CREDENTIALS_DIRECTORY=$CREDS run_credring token cmd --force-refresh
tap_status "credential and secret_command: exit 0" 0
tap_ok "credential and secret_command: the command was not run" test ! -e "$SEEN/args"

cmd_fails() {  # cmd_fails LABEL ACCOUNT EXPECTED [RUN ARGS...]
	local label=$1 account=$2 expected=$3
	shift 3
	run_credring token "$account" "$@"
	tap_status "secret_command $label: exit 5" 5
	tap_contains "secret_command $label: names the account and the key" "$RUN_ERR" \
		"account [$account]: secret_command $expected"
	no_secret_leaks "secret_command $label" "$SECRET" "second-$SECRET"
}
ants_account cmd-fail secret_command="$BIN/fail"
cmd_fails "exiting 3" cmd-fail "exited with status 3"
tap_contains "secret_command exiting 3: its stderr passed through" "$RUN_ERR" "the vault is sealed"
tap_is "secret_command exiting 3: its line and ours" "$RUN_ERR_LINES" 2
ants_account cmd-two secret_command="$BIN/two-lines"
cmd_fails "printing two lines" cmd-two "output holds more than one line"
tap_is "secret_command printing two lines: one line" "$RUN_ERR_LINES" 1
ants_account cmd-none secret_command="$BIN/nothing"
cmd_fails "printing nothing" cmd-none "output is empty"
ants_account cmd-missing secret_command="$BIN/no-such-command"
cmd_fails "that does not exist" cmd-missing "could not be run"

# Hanging past its limit: killed, with what it started (without a
# controlling terminal, as under cron or systemd: setsid).
ants_account cmd-hang secret_command="$BIN/hang" secret_command_timeout=1
started=$(date +%s%N)
RUN_STATUS=0
setsid -w timeout 30 "${CREDRING_WRAP[@]}" "$CREDRING" token cmd-hang \
	>"$TEST_TMP/out" 2>"$TEST_TMP/err" </dev/null || RUN_STATUS=$?
elapsed_ms=$((($(date +%s%N) - started) / 1000000))
RUN_ERR=$(cat "$TEST_TMP/err") RUN_ERR_LINES=$(grep -c '' "$TEST_TMP/err") RUN_ARGS=(token cmd-hang)
tap_status "secret_command hanging: exit 5" 5
tap_is "secret_command hanging: one line naming the account, the key and the limit" \
	"$RUN_ERR" "credring: account [cmd-hang]: secret_command did not finish within 1 s (killed)"
tap_timing_ok "secret_command hanging: given up after about 1 s ($elapsed_ms ms)" \
	test "$elapsed_ms" -ge 900 -a "$elapsed_ms" -lt 2500
gone() {  # gone PID: not running (gone, or a zombie for init to reap)
	local i
	for i in $(seq 20); do
		[ -e "/proc/$1" ] || return 0
		grep -q '^State:.*Z' "/proc/$1/status" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}
tap_ok "secret_command hanging: the command was killed" gone "$(cat "$SEEN/hang.pid")"
tap_ok "secret_command hanging: what it started was killed too" \
	gone "$(cat "$SEEN/hang-child.pid")"
tap_is "secret_command hanging: no process of it left" \
	"$(pgrep -f "$BIN/hang" || true)" ""

# ------------------------------------------- the accounts file's checks --

config_refused() {  # config_refused LABEL ACCOUNT EXPECTED
	run_credring token "$2"
	tap_status "$1: exit 2" 2
	tap_is "$1: one line" "$RUN_ERR_LINES" 1
	tap_contains "$1: says why" "$RUN_ERR" "$3"
}
ants_account cmd-echo secret_command="echo $SECRET"
config_refused "secret_command echo SECRET" cmd-echo \
	"account [cmd-echo]: secret_command runs echo, which prints only what the line says"
no_secret_leaks "secret_command echo SECRET" "$SECRET"
ants_account cmd-printf secret_command="/usr/bin/printf $SECRET"
config_refused "secret_command printf SECRET" cmd-printf "secret_command runs /usr/bin/printf"
ants_account cmd-quote secret_command="pass show 'acme"
config_refused "secret_command with a quote left open" cmd-quote \
	"account [cmd-quote]: secret_command: does not split into words"
ants_account cmd-zero secret_command="$BIN/print-secret" secret_command_timeout=0
config_refused "secret_command_timeout = 0" cmd-zero "secret_command_timeout must be a whole number"
# The accounts file's own rules cover a file that names a command: one
# that others may write is refused before any command is run.
rm -f "$SEEN/args"
chmod 620 "$CREDRING_CONFIG"
run_credring token cmd --force-refresh
tap_status "a group-writable accounts file naming a command: exit 2" 2
tap_ok "a group-writable accounts file naming a command: the command was not run" \
	test ! -e "$SEEN/args"
chmod 600 "$CREDRING_CONFIG"

# ---------------------------------------------------- password_command --

start_emulator acaengine --client-id aca-client --client-secret="$SECRET" \
	--username alice@example.com --password="pw-$SECRET" --authority sgrp-1 --scope public
cat >"$BIN/print-password" <<EOF
#!/bin/sh
printf '%s\n' 'pw-$SECRET'
EOF
chmod 700 "$BIN/print-password"
write_account aca provider=acaengine client_id=aca-client username=alice@example.com \
	authority=sgrp-1 token_url="$EMU_TOKEN_URL" ca_file="$CA_DIR/ca.pem" \
	password_command="$BIN/print-password"
RUN_STDIN="client_secret=$SECRET"$'\n'
run_credring login aca --secret-stdin
tap_status "password_command: login asks only for the client secret, exit 0" 0
tap_contains "password_command: login says where the password comes from" "$RUN_OUT" \
	"account [aca]: its password comes from password_command; not asked for"
tap_is "password_command: the provider accepted both" "$(emulator_last ok)" true
tap_is "password_command: only the client secret stored" "$(keyring_items aca)" \
	$'client_secret\ntoken'
run_credring token aca --force-refresh
tap_status "password_command: token exit 0" 0
tap_is "password_command: the provider accepted both again" "$(emulator_last ok)" true
run_credring status aca
tap_contains "password_command: status says where" "$RUN_OUT" "password: from password_command"
no_secret_leaks "password_command" "$SECRET" "pw-$SECRET"

# ------------------------------------- a refresh token from a credential --

# A service given the refresh token of a sign-in made elsewhere: moved from
# the keyring into a credential, as whoever provisions the service would.
refresh_account() {  # refresh_account NAME PROVIDER [AUTH-SERVER-ARGS...]: signed in, then moved
	local name=$1 provider=$2
	shift 2
	start_auth_server --device-interval 1 "$@"
	write_signin_provider "$provider" none "device_code;authorization_code" default_scope="openid api"
	write_account "$name" provider="$provider" client_id=test-client ca_file="$CA_DIR/ca.pem"
	sign_in_with_code "$name" approve
	tap_status "refresh token [$name]: signed in" 0
	put_credential "credring.$name.refresh_token" "$(stored_refresh_token "$name")\n"
	secret-tool clear account "$name"
	tap_is "refresh token [$name]: the keyring holds nothing of it now" "$(keyring_items "$name")" ""
}
refresh_account rot testas
first=$(cat "$CREDS/credring.rot.refresh_token")
export CREDENTIALS_DIRECTORY=$CREDS
run_credring status rot
tap_contains "refresh token from a credential: status says where" "$RUN_OUT" \
	"refresh token: from systemd credential"
run_credring token rot
tap_status "refresh token from a credential: token exit 0" 0
rotated=$(as_current_refresh_token)
tap_isnt "refresh token from a credential: the provider rotated it" "$rotated" "$first"
tap_is "refresh token from a credential: the rotated one kept in the keyring" \
	"$(stored_refresh_token rot)" "$rotated"
# The credential's own is dead now: sending it again would fail (and may
# revoke the rotated one too).  The keyring's stands in for it.
run_credring token rot --force-refresh
tap_status "refresh token from a credential: refreshed again with the rotated one, exit 0" 0
tap_is "refresh token from a credential: and that one rotated, kept" \
	"$(stored_refresh_token rot)" "$(as_current_refresh_token)"
no_secret_leaks "refresh token from a credential" "$first" "$rotated"

# The account's settings changed since: the rotated refresh token in the
# keyring was issued under the old ones and is dropped unsent, which logout
# --all says, also with the credential's own standing by (revoked by the
# next logout --all, once the stored one is gone).
sed -i 's/^\[rot\]$/[rot]\nscope = openid/' "$CREDRING_CONFIG"
run_credring logout rot --all
tap_status "logout --all, settings changed, a credential too: exit 2" 2
tap_contains "logout --all, settings changed, a credential too: says it was not revoked, and why" \
	"$RUN_ERR" "the refresh token was not revoked at the provider: it was issued under other settings"
tap_contains "logout --all, settings changed, a credential too: says what to do for the credential's" \
	"$RUN_ERR" "run logout --all again to revoke the systemd credential's refresh token"
tap_is "logout --all, settings changed, a credential too: nothing of rot left" "$(keyring_count rot)" 0
run_credring logout rot --all
tap_status "logout --all again: the credential's refresh token revoked, exit 0" 0

# The credential still holds the revoked token: refused once, then never
# sent again (systemd keeps the credential read-only, so the keyring marks
# it dead); the message says to put a live one in the credential (not to
# run login, whose token a unit's other credential would not take).  A new
# token in the credential is used at once.
refreshes() { as_stat 's["token"]["refresh_token"]'; }
n=$(refreshes)
run_credring token rot
tap_status "dead credential: exit 3" 3
tap_contains "dead credential: names the credential to replace" "$RUN_ERR" \
	": put a live refresh token in the systemd credential credring.rot.refresh_token"
tap_lacks "dead credential: not login" "$RUN_ERR" "credring login"
tap_is "dead credential: one line" "$RUN_ERR_LINES" 1
tap_is "dead credential: sent once" "$(refreshes)" $((n + 1))
run_credring token rot
tap_status "dead credential, asked again: exit 3" 3
tap_contains "dead credential, asked again: names the credential" "$RUN_ERR" \
	"account [rot] needs a live refresh token: the one in its systemd credential was refused; put a new one in credring.rot.refresh_token"
tap_is "dead credential, asked again: not sent again" "$(refreshes)" $((n + 1))
# A sign-in elsewhere, its refresh token put in the credential: the mark
# of the old one is dropped unsaid, and logout --all revokes the new one.
write_account rot2 provider=testas client_id=test-client ca_file="$CA_DIR/ca.pem" scope=openid
sign_in_elsewhere() {
	sign_in_with_code rot2 approve
	tap_status "dead credential: a sign-in elsewhere: exit 0" 0
	put_credential credring.rot.refresh_token "$(stored_refresh_token rot2)\n"
	secret-tool clear account rot2
}
sign_in_elsewhere
revocations=$(as_stat 's["revoke"]')
run_credring logout rot --all
tap_status "dead credential replaced: logout --all: exit 0" 0
tap_contains "dead credential replaced: logout --all revokes the new one" "$RUN_OUT" \
	"refresh token revoked"
tap_is "dead credential replaced: revoked at the provider" "$(as_stat 's["revoke"]')" \
	$((revocations + 1))
sign_in_elsewhere
run_credring token rot
tap_status "dead credential replaced: token exit 0" 0
tap_is "dead credential replaced: the new one sent" "$(refreshes)" $((n + 2))

refresh_account still testas2 --no-rotate
run_credring token still
tap_status "refresh token from a credential, not rotated: token exit 0" 0
tap_is "refresh token from a credential, not rotated: not copied to the keyring" \
	"$(keyring_items still)" token
run_credring logout still
tap_contains "refresh token from a credential: logout says the refresh token stays" "$RUN_OUT" \
	"still: cached token dropped; the refresh token is kept"
unset CREDENTIALS_DIRECTORY

chmod -R u+w "$CREDS"
tap_done
