#!/bin/bash
# login --store kernel where there IS a Secret Service (issue #13): the
# secrets go to the kernel keyring, not to the Secret Service; tokens stay
# in the Secret Service's session collection; a lookup finds the secrets in
# either; a later plain login moves them back; logout --all clears both.
. "$(dirname "$0")/lib.sh"

CLIENT_ID=3b9e7c1a-0d4f-4e8b-a6c2-9f1e5d7b2a40
SECRET="kd-$RANDOM$RANDOM-secret"
NEW_SECRET="kd-$RANDOM$RANDOM-new"

key() { keyctl search @s user "credring:$2:$1" 2>/dev/null; }

start_emulator ants --client-id "$CLIENT_ID" --client-secret="$SECRET"
write_account kd provider=ants token_url="$EMU_TOKEN_URL" ca_file="$CA_DIR/ca.pem" \
	client_id="$CLIENT_ID" scope=item

login kd "client_secret=$SECRET"$'\n' --store kernel
tap_status "login --store kernel: exit 0" 0
tap_is "the secret is in the kernel keyring" "$(keyctl pipe "$(key kd client_secret)" 2>/dev/null)" \
	"$SECRET"
tap_is "the secret is not in the Secret Service" "$(keyring_count kd client_secret)" 0
tap_is "the token is in the Secret Service, as ever with one" "$(keyring_count kd token)" 1
tap_is "the token is not in the kernel keyring" "$(key kd token)" ""
no_secret_leaks "login --store kernel" "$SECRET"

run_credring status kd
tap_contains "status: the client secret is in the kernel keyring" "$RUN_OUT" \
	"client secret: stored in the kernel keyring (until reboot)"
tap_like "status: the token is in the Secret Service" "$RUN_OUT" \
	"token: valid until [^"$'\n'"]*; in the Secret Service"
run_credring status kd --format json
tap_contains "status --format json: client_secret_store kernel" "$RUN_OUT" \
	'"client_secret_store":"kernel"'
tap_contains "status --format json: token_store secret-service" "$RUN_OUT" \
	'"token_store":"secret-service"'

run_credring token kd --force-refresh
tap_status "a new token is fetched with the secret from the kernel keyring: exit 0" 0
tap_is "  the provider took it" "$(emulator_last ok)" true

# A plain login keeps the secret in the Secret Service, and only there.
login kd "client_secret=$SECRET"$'\n' --no-verify
tap_status "login without --store: exit 0" 0
tap_is "  the secret is in the Secret Service" \
	"$(secret-tool lookup account kd kind client_secret 2>/dev/null)" "$SECRET"
tap_is "  the kernel keyring's copy is gone" "$(key kd client_secret)" ""

# And back: --store kernel removes the Secret Service's copy.
stop_emulator
start_emulator ants --client-id "$CLIENT_ID" --client-secret="$NEW_SECRET"
write_account kd2 provider=ants token_url="$EMU_TOKEN_URL" ca_file="$CA_DIR/ca.pem" \
	client_id="$CLIENT_ID" scope=item
login kd2 "client_secret=$SECRET"$'\n' --no-verify
login kd2 "client_secret=$NEW_SECRET"$'\n' --store kernel
tap_status "login --store kernel over a stored secret: exit 0" 0
tap_is "  the Secret Service's copy is gone" "$(keyring_count kd2 client_secret)" 0
tap_is "  the kernel keyring has the new one" \
	"$(keyctl pipe "$(key kd2 client_secret)" 2>/dev/null)" "$NEW_SECRET"

run_credring logout kd2 --all
tap_status "logout --all: exit 0" 0
tap_is "logout --all: nothing left in the Secret Service" "$(keyring_count kd2)" 0
tap_is "logout --all: nothing left in the kernel keyring" "$(key kd2 client_secret)$(key kd2 token)" ""

tap_done
