#!/bin/bash
# Nothing credring writes holds a secret or a token in plain text (issue
# #13 §3, §5): the secrets and tokens of this test go through every place
# credring keeps or reads them (the Secret Service, the kernel keyring
# with and without a bus, a secret_command, a systemd credential, git's
# helper and its storage for other hosts), then every file on the machine
# written since the test began is searched for any of them.  What the
# test itself wrote on purpose (the emulator's request log, the secret
# command's script, the credential file) is left out by name; nothing
# else may hold one.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/git-lib.sh"

STAMP=$TEST_TMP/started
: >"$STAMP"
sleep 1   # a file written in the same second as the stamp is still newer

# Each run's own secrets: the search covers the whole machine, where another
# run of this test (another checkout's make check) may be writing its own.
RUN_TAG=$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')
SECRET=plain-files-s3cret-$RUN_TAG
PASSWORD=plain-files-passw0rd-$RUN_TAG
GIT_PASSWORD=plain-files-git-pw-$RUN_TAG
CLIENT_ID=26156a86-b739-4c6b-9de2-314228c3e6e5
start_emulator ants --client-id "$CLIENT_ID" --client-secret="$SECRET"
KEYS=(provider=ants client_id="$CLIENT_ID" scope=item token_url="$EMU_TOKEN_URL"
	ca_file="$CA_DIR/ca.pem")

# -- the Secret Service: login, a token, served again, git's get
write_account desk "${KEYS[@]}" url="https://api.plain.example"
login desk "client_secret=$SECRET"$'\n'
tap_status "Secret Service: login" 0
run_credring token desk
tap_status "Secret Service: a token" 0
run_credring token desk --force-refresh
tap_status "Secret Service: another token" 0
git_cred fill "protocol=https"$'\n'"host=api.plain.example"
run_status_is "git: a token for the account's URL" 0
# git's storage for another host, as git-credential-libsecret
git_cred approve "protocol=https"$'\n'"host=git.plain.example"$'\n'"username=me"$'\n'"password=$GIT_PASSWORD"
run_status_is "git: a password for another host stored" 0

# -- the kernel keyring: no bus at all
write_account headless "${KEYS[@]}"
RUN_STATUS=0
printf 'client_secret=%s\n' "$SECRET" | env -u DBUS_SESSION_BUS_ADDRESS "$CREDRING" login headless \
	--secret-stdin --store kernel >/dev/null 2>&1 || RUN_STATUS=$?
tap_status "kernel keyring: login --store kernel" 0
RUN_STATUS=0
env -u DBUS_SESSION_BUS_ADDRESS "$CREDRING" token headless >/dev/null 2>&1 || RUN_STATUS=$?
tap_status "kernel keyring: a token" 0

# -- a secret command and a systemd credential
COMMAND=$TEST_TMP/print-secret
printf '#!/bin/sh\necho %s\n' "$SECRET" >"$COMMAND"
chmod 700 "$COMMAND"
write_account commanded "${KEYS[@]}" secret_command="$COMMAND"
run_credring token commanded
tap_status "secret_command: a token" 0
CREDS=$TEST_TMP/credentials
mkdir -p "$CREDS"
printf '%s\n' "$SECRET" >"$CREDS/credring.credentialed.client_secret"
chmod 400 "$CREDS/credring.credentialed.client_secret"
chmod 500 "$CREDS"
write_account credentialed "${KEYS[@]}"
RUN_STATUS=0
CREDENTIALS_DIRECTORY=$CREDS "$CREDRING" token credentialed >/dev/null 2>&1 || RUN_STATUS=$?
tap_status "systemd credential: a token" 0
chmod 700 "$CREDS"

# -- the password grant, with a refresh token (PlaceOS)
start_emulator acaengine --client-id "$CLIENT_ID" --client-secret="$SECRET" \
	--username=alice --password="$PASSWORD" --authority=sgrp-1
write_account placeos provider=acaengine client_id="$CLIENT_ID" username=alice authority=sgrp-1 \
	token_url="$EMU_TOKEN_URL" ca_file="$CA_DIR/ca.pem"
login placeos "client_secret=$SECRET"$'\n'"password=$PASSWORD"$'\n'
tap_status "password grant: login" 0
run_credring token placeos --force-refresh
tap_status "password grant: a token" 0

# -- every file written since the start, anywhere, searched
NEEDLES=$TEST_TMP/needles
{
	printf '%s\n' "$SECRET" "$PASSWORD" "$GIT_PASSWORD"
	for log in "$TEST_TMP"/emulator*.log; do emulator_tokens "$log"; done
	sed -n 's/.*"refresh_token": "\([^"]*\)".*/\1/p' "$TEST_TMP"/emulator*.log
} | sort -u | grep -v '^$' >"$NEEDLES"
tap_ok "there are tokens to look for (at least 6 needles)" test "$(grep -c '' "$NEEDLES")" -ge 6
FOUND=$(find / -xdev \( -path /proc -o -path /sys -o -path /dev \) -prune -o \
		-type f -newer "$STAMP" -size -8M -print0 2>/dev/null |
	xargs -0 grep -lF -f "$NEEDLES" 2>/dev/null |
	grep -vxF -e "$NEEDLES" -e "$COMMAND" -e "$CREDS/credring.credentialed.client_secret" |
	grep -vE "^$TEST_TMP/(emulator[^/]*\.log|out|err)$")
tap_is "no file written since the test began holds a secret or a token" "$FOUND" ""
tap_ok "the search does find them where they are (the emulator's log)" \
	grep -qlF -f "$NEEDLES" "$TEST_TMP"/emulator*.log

tap_done
