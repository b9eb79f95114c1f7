#!/bin/bash
# credring login ACCOUNT --only SECRET: a new password (or client secret)
# without typing the other again. The other comes from the keyring; the
# pair is checked with the provider (unless --no-verify) and stored as
# login stores, under the account's lock, with the token it issued.
. "$(dirname "$0")/lib.sh"

SECRET='aca-s3cret/+: x'
OLD_PASSWORD='old password 1'
NEW_PASSWORD='new password 2'
start_emulator acaengine --client-id aca-client --client-secret="$SECRET" \
	--username alice@example.com --password="$NEW_PASSWORD" --authority sgrp-1
write_account aca provider=acaengine client_id=aca-client username=alice@example.com \
	authority=sgrp-1 token_url="$EMU_TOKEN_URL" ca_file="$CA_DIR/ca.pem"

stored() { secret-tool lookup account "$1" kind "$2" 2>/dev/null; }

# The password changed at the provider: what is stored is the old one.
login aca "client_secret=$SECRET"$'\n'"password=$OLD_PASSWORD"$'\n' --no-verify
tap_status "setup: login --no-verify with the old password" 0
run_credring token aca
tap_status "setup: the old password is refused: exit 3" 3

# -- --only password asks for the password alone, keeps the client secret
login aca "password=$NEW_PASSWORD"$'\n' --only password
tap_status "--only password: exit 0" 0
tap_contains "--only password: says what it stored" "$RUN_OUT" "aca: password stored"
tap_is "--only password: the provider was asked" "$(emulator_request_count)" 2
tap_is "--only password: with the stored client secret, and accepted" "$(emulator_last ok)" true
tap_is "--only password: the new password is stored" "$(stored aca password)" "$NEW_PASSWORD"
tap_is "--only password: the client secret is kept" "$(stored aca client_secret)" "$SECRET"
tap_is "--only password: the token it issued is cached" "$(keyring_count aca token)" 1
run_credring token aca
tap_status "--only password: token works afterwards" 0
tap_is "--only password: token is the cached one" "$(emulator_request_count)" 2
tap_lacks "--only password: no secret printed" "$RUN_OUT$RUN_ERR" "$NEW_PASSWORD"

# -- a password the provider refuses is not stored
login aca $'password=wrong password\n' --only password
tap_status "--only password, refused: exit 3" 3
tap_is "--only password, refused: the stored password stays" "$(stored aca password)" "$NEW_PASSWORD"
tap_is "--only password, refused: the cached token stays" "$(keyring_count aca token)" 1

# -- only the secret asked for is read
login aca "client_secret=$SECRET"$'\n'"password=$NEW_PASSWORD"$'\n' --only password
tap_status "--only password with a client_secret line: exit 2" 2
tap_contains "--only password with a client_secret line: says which key" "$RUN_ERR" \
	"unexpected key 'client_secret'"
tap_is "--only password with a client_secret line: one line on stderr" "$RUN_ERR_LINES" 1
tap_is "--only password with a client_secret line: the provider was not asked" \
	"$(emulator_request_count)" 3

# -- --only client_secret keeps the password
login aca "client_secret=$SECRET"$'\n' --only client_secret
tap_status "--only client_secret: exit 0" 0
tap_is "--only client_secret: accepted with the stored password" "$(emulator_last ok)" true
tap_is "--only client_secret: the password is kept" "$(stored aca password)" "$NEW_PASSWORD"

# -- --no-verify: stored without asking the provider; the old token goes
n=$(emulator_request_count)
login aca "password=$OLD_PASSWORD"$'\n' --only password --no-verify
tap_status "--only password --no-verify: exit 0" 0
tap_contains "--only password --no-verify: says it is not verified" "$RUN_OUT" "not verified"
tap_is "--only password --no-verify: the provider was not asked" "$(emulator_request_count)" "$n"
tap_is "--only password --no-verify: stored" "$(stored aca password)" "$OLD_PASSWORD"
tap_is "--only password --no-verify: the client secret is kept" "$(stored aca client_secret)" "$SECRET"
tap_is "--only password --no-verify: no token from the old secrets stays" \
	"$(keyring_count aca token)" 0

# -- nothing to keep: a full login is needed
write_account fresh provider=acaengine client_id=aca-client username=alice@example.com \
	authority=sgrp-1 token_url="$EMU_TOKEN_URL" ca_file="$CA_DIR/ca.pem"
n=$(emulator_request_count)
login fresh "password=$NEW_PASSWORD"$'\n' --only password
tap_status "--only password, no client secret stored: exit 2" 2
tap_contains "--only password, no client secret stored: says to log in fully" "$RUN_ERR" \
	"run 'credring login fresh'"
tap_is "--only password, no client secret stored: one line on stderr" "$RUN_ERR_LINES" 1
tap_is "--only password, no client secret stored: nothing stored" "$(keyring_count fresh)" 0
tap_is "--only password, no client secret stored: the provider was not asked" \
	"$(emulator_request_count)" "$n"

# -- a provider without a password
write_account ag provider=autograb client_id=ag-client token_url="$EMU_TOKEN_URL"
login ag $'password=x\n' --only password
tap_status "--only password for a client-credentials provider: exit 2" 2
tap_contains "--only password for a client-credentials provider: says why" "$RUN_ERR" \
	"takes no password"
tap_is "--only password for a client-credentials provider: nothing stored" "$(keyring_count ag)" 0

# -- a value --only does not take
login aca $'password=x\n' --only username
tap_status "--only username: a usage error" 2
tap_contains "--only username: says what it takes" "$RUN_ERR" "--only takes client_secret or password"
tap_is "--only username: the stored password stays" "$(stored aca password)" "$OLD_PASSWORD"
run_credring token aca --only password
tap_status "token --only: not an option of token" 2

# -- the help names it
run_credring help login
tap_contains "help login: --only" "$RUN_OUT" "--only=SECRET"
tap_contains "help login: what --only takes" "$RUN_OUT" "(client_secret or password)"
run_credring login aca --only
tap_status "login --only without a value: a usage error" 2

tap_done
