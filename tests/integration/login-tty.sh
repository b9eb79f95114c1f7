#!/bin/bash
# credring login on a terminal: it asks for each secret the provider needs,
# without echo, and refuses to ask when there is no terminal.
. "$(dirname "$0")/lib.sh"

DRIVER=$abs_top_srcdir/tests/integration/tty-driver.py
SECRET='tty secret: never echoed'
PASSWORD='tty password 42'

# -- AutoGrab needs the client secret only.
start_emulator autograb --client-id tty-client --client-secret="$SECRET"
write_account ag provider=autograb client_id=tty-client token_url="$EMU_TOKEN_URL" \
	ca_file="$CA_DIR/ca.pem"
st=0
TTY_ANSWERS=$SECRET "$PYTHON" "$DRIVER" "$TEST_TMP/transcript" "$CREDRING" login ag || st=$?
tap_is "autograb on a terminal: exit 0" "$st" 0
transcript=$(tr -d '\r' <"$TEST_TMP/transcript")
tap_contains "autograb: asks for the client secret" "$transcript" "Client secret for ag: "
tap_lacks "autograb: does not ask for a password" "$transcript" "Password for"
tap_lacks "autograb: the secret is not echoed" "$transcript" "$SECRET"
tap_is "autograb: the provider accepted the typed secret" "$(emulator_last ok)" true
tap_is "autograb: the secret is stored" "$(keyring_count ag client_secret)" 1

# -- ACAEngine's password grant needs the client secret and the password.
start_emulator acaengine --client-id aca-client --client-secret="$SECRET" \
	--username alice@example.com --password="$PASSWORD" --authority sgrp-1
write_account aca provider=acaengine client_id=aca-client username=alice@example.com \
	authority=sgrp-1 token_url="$EMU_TOKEN_URL" ca_file="$CA_DIR/ca.pem"
st=0
TTY_ANSWERS=$SECRET$'\n'$PASSWORD "$PYTHON" "$DRIVER" "$TEST_TMP/transcript" "$CREDRING" login aca ||
	st=$?
tap_is "acaengine on a terminal: exit 0" "$st" 0
transcript=$(tr -d '\r' <"$TEST_TMP/transcript")
tap_contains "acaengine: asks for the client secret" "$transcript" "Client secret for aca: "
tap_contains "acaengine: asks for the password" "$transcript" "Password for aca: "
tap_lacks "acaengine: the client secret is not echoed" "$transcript" "$SECRET"
tap_lacks "acaengine: the password is not echoed" "$transcript" "$PASSWORD"
tap_is "acaengine: the provider accepted both" "$(emulator_last ok)" true
tap_is "acaengine: both secrets stored" "$(keyring_count aca)" 3  # two secrets and the token

# -- --only password asks for the password alone; the client secret stays.
NEW_PASSWORD='tty password 43'
start_emulator acaengine --client-id aca-client --client-secret="$SECRET" \
	--username alice@example.com --password="$NEW_PASSWORD" --authority sgrp-1
write_account aca2 provider=acaengine client_id=aca-client username=alice@example.com \
	authority=sgrp-1 token_url="$EMU_TOKEN_URL" ca_file="$CA_DIR/ca.pem"
login aca2 "client_secret=$SECRET"$'\n'"password=$PASSWORD"$'\n' --no-verify
st=0
TTY_ANSWERS=$NEW_PASSWORD "$PYTHON" "$DRIVER" "$TEST_TMP/transcript" "$CREDRING" login aca2 \
	--only password || st=$?
tap_is "--only password on a terminal: exit 0" "$st" 0
transcript=$(tr -d '\r' <"$TEST_TMP/transcript")
tap_contains "--only password: asks for the password" "$transcript" "Password for aca2: "
tap_lacks "--only password: does not ask for the client secret" "$transcript" "Client secret for"
tap_lacks "--only password: the password is not echoed" "$transcript" "$NEW_PASSWORD"
tap_is "--only password: the provider accepted the pair" "$(emulator_last ok)" true
tap_is "--only password: the new password is stored" \
	"$(secret-tool lookup account aca2 kind password 2>/dev/null)" "$NEW_PASSWORD"

# -- an empty answer is refused, and nothing is stored.
write_account empty provider=autograb client_id=tty-client token_url="$EMU_TOKEN_URL"
st=0
TTY_ANSWERS='<empty>' "$PYTHON" "$DRIVER" "$TEST_TMP/transcript" "$CREDRING" login empty \
	--no-verify || st=$?
tap_is "an empty answer: exit 2" "$st" 2
tap_is "an empty answer: nothing stored" "$(keyring_count empty)" 0

# -- no terminal at all: a clear error pointing at --secret-stdin.
run_credring_no_tty() {
	RUN_STATUS=0
	setsid -w "$CREDRING" login ag </dev/null >"$TEST_TMP/out" 2>"$TEST_TMP/err" || RUN_STATUS=$?
	RUN_ERR=$(cat "$TEST_TMP/err")
	RUN_ERR_LINES=$(grep -c '' "$TEST_TMP/err")
}
run_credring_no_tty
tap_is "no terminal: exit 2" "$RUN_STATUS" 2
tap_is "no terminal: one line on stderr" "$RUN_ERR_LINES" 1
tap_contains "no terminal: points at --secret-stdin" "$RUN_ERR" "--secret-stdin"

tap_done
