#!/bin/bash
# The token cache follows the account: a token issued under other settings
# is not served, and a minimum the provider can never meet is an error.
. "$(dirname "$0")/lib.sh"

ID=26156a86-b739-4c6b-9de2-314228c3e6e5
start_emulator ants --client-id "$ID" --client-secret s3cret --scope item,event
write_config() {  # write_config SCOPE [KEY=VALUE...]
	local scope=$1
	shift
	: >"$CREDRING_CONFIG"
	write_account acct provider=ants client_id="$ID" scope="$scope" token_url="$EMU_TOKEN_URL" \
		ca_file="$CA_DIR/ca.pem" "$@"
}

write_config item
login acct $'client_secret=s3cret\n'
tap_status "login: exit 0" 0
run_credring token acct
first=$RUN_OUT
n=$(emulator_request_count)

write_config item timeout=20
run_credring token acct
tap_is "a changed timeout: the cached token still serves" "$RUN_OUT" "$first"
tap_is "a changed timeout: no request" "$(emulator_request_count)" "$n"

write_config item,event
run_credring token acct
tap_status "a changed scope: exit 0" 0
tap_isnt "a changed scope: not the token issued for the old scope" "$RUN_OUT" "$first"
tap_is "a changed scope: one new request" "$(emulator_request_count)" $((n + 1))
tap_is "a changed scope: the provider accepted the new scope" "$(emulator_last ok)" true
second=$RUN_OUT
run_credring token acct
tap_is "a changed scope: then served from the cache" "$RUN_OUT" "$second"

n=$(emulator_request_count)
run_credring token acct --min-valid 100000
tap_status "--min-valid longer than any token lasts: exit 2" 2
tap_contains "--min-valid longer than any token lasts: says so" "$RUN_ERR" "less than the 100000 s asked for"
tap_is "--min-valid longer than any token lasts: one line" "$RUN_ERR_LINES" 1
tap_is "--min-valid longer than any token lasts: asked the provider once" \
	"$(emulator_request_count)" $((n + 1))

tap_done
