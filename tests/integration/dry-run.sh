#!/bin/bash
# `credring token ACCOUNT --dry-run`: the exact request, every secret
# masked, and nothing sent — the emulator sees no request — for each seed
# provider, with its secrets stored in the keyring (which --dry-run does
# not even ask).
. "$(dirname "$0")/lib.sh"

MASK='********'

# dry_run_case NAME EMULATOR-ARGS -- ACCOUNT-KEYS -- LOGIN-INPUT EXPECTED-OUTPUT SECRET...
dry_run_case() {
	local name=$1 emu=() keys=() input expected secret n
	shift
	while [ "$1" != -- ]; do emu+=("$1"); shift; done
	shift
	while [ "$1" != -- ]; do keys+=("$1"); shift; done
	shift
	input=$1 expected=$2
	shift 2

	start_emulator "$name" "${emu[@]}"
	write_account "$name-dry" provider="$name" token_url="$EMU_TOKEN_URL" ca_file="$CA_DIR/ca.pem" \
		"${keys[@]}"
	login "$name-dry" "$input" --no-verify
	tap_status "$name: secrets stored" 0

	run_credring token "$name-dry" --dry-run
	tap_status "$name --dry-run: exit 0" 0
	tap_is "$name --dry-run: the exact request" "$RUN_OUT" "$(printf "$expected" "$EMU_TOKEN_URL")"
	tap_contains "$name --dry-run: says nothing was sent" "$RUN_ERR" "nothing was sent"
	tap_is "$name --dry-run: the emulator saw no request" "$(emulator_request_count)" 0
	for secret in "$@"; do
		tap_lacks "$name --dry-run: a secret is not shown" "$RUN_OUT$RUN_ERR" "$secret"
	done
	tap_is "$name --dry-run: nothing cached" "$(keyring_count "$name-dry" token)" 0
	n=$(grep -c -F "$MASK" "$TEST_TMP/out")
	tap_ok "$name --dry-run: the mask stands where the secrets go" [ "$n" -ge 1 ]
}

UA="User-Agent: credring/$("$CREDRING" --version | awk '{print $2}')"
FORM_HEADERS="Content-Type: application/x-www-form-urlencoded\nAccept: application/json\n$UA"

dry_run_case autograb --client-id ag-1 --client-secret=agsecret -- client_id=ag-1 -- \
	"client_secret=agsecret"$'\n' \
	"POST %s\n$FORM_HEADERS\nAuthorization: Basic $MASK\n\ngrant_type=client_credentials" \
	agsecret "$(printf 'ag-1:agsecret' | base64)"
dry_run_case ants --client-id ants-1 --client-secret=antssecret -- client_id=ants-1 scope=item,event -- \
	"client_secret=antssecret"$'\n' \
	"POST %s\n$FORM_HEADERS\n\ngrant_type=client_credentials&client_id=ants-1&client_secret=$MASK&scope=item%%2Cevent" \
	antssecret
dry_run_case dataloy --client-id dl-1 --client-secret=dlsecret -- client_id=dl-1 audience=https://dataloy.dev -- \
	"client_secret=dlsecret"$'\n' \
	"POST %s\nContent-Type: application/json\nAccept: application/json\n$UA\n\n{\"grant_type\":\"client_credentials\",\"client_id\":\"dl-1\",\"client_secret\":\"$MASK\",\"audience\":\"https://dataloy.dev\"}" \
	dlsecret
dry_run_case acaengine --client-id aca-1 -- client_id=aca-1 username=bob@example.com authority=sgrp-1 -- \
	"client_secret=acasecret"$'\n'"password=acapassword"$'\n' \
	"POST %s\n$FORM_HEADERS\n\ngrant_type=password&client_id=aca-1&client_secret=$MASK&username=bob%%40example.com&password=$MASK&authority=sgrp-1" \
	acasecret acapassword

# -- it needs neither the keyring nor the network
write_account offline provider=ants client_id=ants-1 scope=item
DBUS_SESSION_BUS_ADDRESS=unix:path=$TEST_TMP/no-such-bus run_credring token offline --dry-run
tap_status "--dry-run without a Secret Service: exit 0" 0
tap_contains "--dry-run shows the provider's default URL" "$RUN_OUT" "POST https://iam.ants.tech/oauth/token"

# -- what it refuses
# user:password@ in a URL would make curl send a Basic header of its own.
write_account userinfo provider=ants client_id=ants-1 scope=item \
	token_url=https://alice:pw@127.0.0.1:1/oauth/token
run_credring token userinfo --dry-run
tap_status "--dry-run, a token URL with user:password: exit 2" 2
tap_contains "--dry-run, a token URL with user:password: says why" "$RUN_ERR" "must not hold a user or password"
tap_lacks "--dry-run, a token URL with user:password: the password is not shown" "$RUN_OUT$RUN_ERR" "alice:pw"

write_account incomplete provider=ants client_id=ants-1
run_credring token incomplete --dry-run
tap_status "--dry-run for an account without its required scope: exit 2" 2
tap_contains "--dry-run, incomplete account: names the key" "$RUN_ERR" "has no 'scope' key"
tap_is "--dry-run, incomplete account: prints no request" "$RUN_OUT" ""
for extra in "--format json" "--force-refresh" "--min-valid 10"; do
	# shellcheck disable=SC2086
	run_credring token offline --dry-run $extra
	tap_status "--dry-run with $extra: usage error (exit 2)" 2
done
run_credring status --dry-run
tap_status "--dry-run outside 'token': usage error (exit 2)" 2

tap_done
