#!/bin/bash
# No Secret Service on the bus at all (and none can be started): exit 5 with
# a one-line hint, whatever the command needs from the keyring.
TEST_KEYRING=none
. "$(dirname "$0")/lib.sh"

start_emulator ants --client-id 26156a86-b739-4c6b-9de2-314228c3e6e5 --client-secret s3cret
write_account ants-test provider=ants token_url="$EMU_TOKEN_URL" ca_file="$CA_DIR/ca.pem" \
	client_id=26156a86-b739-4c6b-9de2-314228c3e6e5 scope=item

tap_is "the bus really has no Secret Service" \
	"$(dbus-send --session --print-reply=literal --dest=org.freedesktop.DBus \
		/org/freedesktop/DBus org.freedesktop.DBus.NameHasOwner \
		string:org.freedesktop.secrets | awk '{print $NF}')" false

run_credring token ants-test
tap_status "token: exit 5" 5
tap_is "token: a one-line hint on stderr" "$RUN_ERR_LINES" 1
tap_is "token: no token printed" "$RUN_OUT" ""
tap_is "token: did not ask the provider (no secret to ask with)" "$(emulator_request_count)" 0

RUN_STDIN=$'client_secret=s3cret\n'
run_credring login ants-test --secret-stdin
tap_status "login: exit 5" 5
tap_is "login: a one-line hint on stderr" "$RUN_ERR_LINES" 1
tap_is "login: the provider was not asked (the keyring is checked first)" \
	"$(emulator_request_count)" 0
tap_contains "login: the hint says what to start" "$RUN_ERR" "gnome-keyring"

RUN_STDIN=$'client_secret=s3cret\n'
run_credring login ants-test --secret-stdin --no-verify
tap_status "login --no-verify: exit 5" 5

run_credring logout ants-test --all
tap_status "logout --all: exit 5" 5

tap_done
