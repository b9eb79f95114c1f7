#!/bin/bash
# A plugin with both ABI 1.1 hooks (tests/plugins/hooks.c), loaded by the
# real loader from a .so, against the emulator of the API it is written
# for: extra headers the emulator requires, answers it parses itself.
. "$(dirname "$0")/lib.sh"

# run ARGS...: run_credring, keeping every output for the secret check at the end.
ALL_OUTPUT=
run() {
	run_credring "$@"
	ALL_OUTPUT+="$RUN_OUT$RUN_ERR"
}

CLIENT_ID=hooks-client
CLIENT_SECRET='h00k s3cret/+%'

# The loader wants a directory of ours that only we may write.
mkdir -m 755 "$TEST_TMP/plugins"
install -m 755 "$abs_top_builddir/tests/plugins/.libs/hooks.so" "$TEST_TMP/plugins/"
export CREDRING_PLUGIN_DIR=$TEST_TMP/plugins

start_emulator hooks --client-id "$CLIENT_ID" --client-secret="$CLIENT_SECRET"
write_account hooked provider=hooks token_url="$EMU_TOKEN_URL" ca_file="$CA_DIR/ca.pem" \
	client_id="$CLIENT_ID" scope=read

run providers --describe hooks
tap_status "providers --describe hooks: exit 0" 0
tap_contains "--describe names the hooks" "$RUN_OUT" "hooks: add_headers parse_response"

run token hooked --dry-run
tap_status "--dry-run: exit 0" 0
tap_contains "--dry-run shows the plugin's first header" "$RUN_OUT" "X-Api-Version: 2"
tap_contains "--dry-run shows the plugin's second header" "$RUN_OUT" "X-Client-Id: $CLIENT_ID"
tap_is "--dry-run sent nothing" "$(emulator_request_count)" 0

RUN_STDIN="client_secret=$CLIENT_SECRET"$'\n'
run login hooked --secret-stdin
tap_status "login: exit 0 (the emulator got its headers, the plugin read the form answer)" 0
tap_is "login: one request" "$(emulator_request_count)" 1
tap_is "login: the emulator issued a token" "$(emulator_last ok)" true
first=$(emulator_last token)

run token hooked
tap_status "token: exit 0" 0
tap_ok "token: the token the plugin parsed at login, from the cache" out_is "$first"$'\n'
tap_is "token: no second request" "$(emulator_request_count)" 1

run token hooked --format json
tap_is "token --format json: the lifetime the plugin read (expires_in=600)" \
	"$(check_token_json "$TEST_TMP/out" "$first" hooked hooks 600)" ok

run token hooked --force-refresh
tap_status "token --force-refresh: exit 0" 0
tap_isnt "token --force-refresh: a new token" "$RUN_OUT" "$first"
tap_is "token --force-refresh: asked again" "$(emulator_request_count)" 2

# The plugin maps the provider's form-encoded errors to credring's statuses.
write_account hooked-bad provider=hooks token_url="$EMU_TOKEN_URL" ca_file="$CA_DIR/ca.pem" \
	client_id="$CLIENT_ID"
RUN_STDIN="client_secret=wrong"$'\n'
run login hooked-bad --secret-stdin
tap_status "login with a wrong secret: exit 3 (the plugin says REJECTED)" 3
tap_contains "login with a wrong secret: the provider's words" "$RUN_ERR" \
	"invalid_client: Unknown client or wrong secret"
tap_is "login with a wrong secret: one line on stderr" "$RUN_ERR_LINES" 1
tap_is "login with a wrong secret: nothing stored" "$(keyring_count hooked-bad)" 0

write_account hooked-scope provider=hooks token_url="$EMU_TOKEN_URL" ca_file="$CA_DIR/ca.pem" \
	client_id="$CLIENT_ID" scope=admin
RUN_STDIN="client_secret=$CLIENT_SECRET"$'\n'
run login hooked-scope --secret-stdin
tap_status "login with a scope the API refuses: exit 2 (the plugin says CONFIG)" 2
tap_contains "login with a refused scope: the provider's words" "$RUN_ERR" "invalid_scope"

tap_lacks "the client secret is in no output of this file" "$ALL_OUTPUT" "$CLIENT_SECRET"

tap_done
