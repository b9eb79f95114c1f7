# provider-suite.bash — what every provider's integration test checks, run
# against that provider's strict emulator. Sourced after lib.sh by
# acaengine.sh, ants.sh, autograb.sh and dataloy.sh, which set:
#
#   PROVIDER        plugin / emulator name
#   LIFETIME        the emulator's default token lifetime in seconds
#   EMU_ARGS        (array) the emulator's accepted credentials
#   ACCOUNT_KEYS    (array) key=value lines of the account (no token_url/ca_file)
#   GOOD_INPUT      `login --secret-stdin` lines with the right secrets
#   BAD_INPUT       the same with a wrong client secret
#   REJECT_MESSAGE  what the provider says to BAD_INPUT (must reach stderr)
#   SECRET_KINDS    the `kind`s login stores, sorted, space-separated
#   SECRETS         (array) secret values that must never be printed
#   BODY_TYPE       regex for the Content-Type the plugin must send
#
# and then call provider_suite, followed by their own provider-specific tests.
# After it: MAIN_TOKEN_URL / MAIN_LOG are the main emulator's, and account
# "$PROVIDER-test" is logged out completely.

# secret_kinds ACCOUNT: the non-token items' kinds, as in SECRET_KINDS.
secret_kinds() { keyring_items "$1" | grep -v '^token$' | tr '\n' ' ' | sed 's/ $//'; }

provider_suite() {
	local acct=$PROVIDER-test n first second t1 i

	start_emulator "$PROVIDER" "${EMU_ARGS[@]}"
	MAIN_TOKEN_URL=$EMU_TOKEN_URL MAIN_LOG=$EMU_LOG
	write_account "$acct" provider="$PROVIDER" token_url="$EMU_TOKEN_URL" \
		ca_file="$CA_DIR/ca.pem" "${ACCOUNT_KEYS[@]}"

	run_credring providers
	tap_status "providers: exit 0" 0
	tap_like "providers: lists $PROVIDER" "$RUN_OUT" "(^|[^a-z])$PROVIDER([^a-z]|$)"

	# -- login checks the secrets with a first fetch, then stores them
	login "$acct" "$GOOD_INPUT"
	tap_status "login: exit 0" 0
	tap_is "login: asked the provider once" "$(emulator_request_count)" 1
	tap_is "login: the provider accepted the request" "$(emulator_last ok)" true
	tap_like "login: sent the documented body type" "$(emulator_last content_type)" "$BODY_TYPE"
	tap_is "login: stored the secrets" "$(secret_kinds "$acct")" "$SECRET_KINDS"
	first=$(emulator_last token)
	run_credring status "$acct"
	tap_status "status ACCOUNT: exit 0" 0
	tap_contains "status ACCOUNT: names the account" "$RUN_OUT" "$acct"

	# -- cache hits: no request, same token, every format
	run_credring token "$acct"
	tap_status "token: exit 0" 0
	tap_ok "token: prints the token issued at login, and a newline" out_is "$first"$'\n'
	tap_is "token: served from the cache (no request)" "$(emulator_request_count)" 1
	run_credring token "$acct" --format raw
	tap_ok "token --format raw: the same token again" out_is "$first"$'\n'
	run_credring token "$acct" --format header
	tap_status "token --format header: exit 0" 0
	tap_ok "token --format header: Authorization: Bearer TOKEN" \
		out_is "Authorization: Bearer $first"$'\n'
	run_credring token "$acct" --format json
	tap_status "token --format json: exit 0" 0
	tap_is "token --format json: fields" \
		"$(check_token_json "$TEST_TMP/out" "$first" "$acct" "$PROVIDER" "$LIFETIME")" ok
	tap_is "still no second request" "$(emulator_request_count)" 1

	# -- --force-refresh
	run_credring token "$acct" --force-refresh
	tap_status "token --force-refresh: exit 0" 0
	tap_is "token --force-refresh: asked the provider" "$(emulator_request_count)" 2
	second=$(emulator_last token)
	tap_isnt "token --force-refresh: got a new token" "$second" "$first"
	tap_ok "token --force-refresh: prints the new token" out_is "$second"$'\n'
	run_credring token "$acct"
	tap_ok "token: the refreshed token is the cached one now" out_is "$second"$'\n'
	tap_is "token: no request" "$(emulator_request_count)" 2

	# -- --verbose says more, but never a secret
	run_credring --verbose token "$acct" --force-refresh
	tap_status "--verbose token --force-refresh: exit 0" 0
	for i in "${!SECRETS[@]}"; do
		tap_lacks "--verbose: secret #$((i + 1)) not in the output" "$RUN_OUT$RUN_ERR" "${SECRETS[$i]}"
	done
	tap_lacks "--verbose: no secret in the config either" "$(cat "$CREDRING_CONFIG")" "${SECRETS[0]}"

	# -- logout drops the token only
	n=$(emulator_request_count)
	run_credring logout "$acct"
	tap_status "logout: exit 0" 0
	tap_is "logout: no token left in the keyring" "$(keyring_count "$acct" token)" 0
	tap_is "logout: the secrets stay" "$(secret_kinds "$acct")" "$SECRET_KINDS"
	run_credring token "$acct"
	tap_status "token after logout: exit 0" 0
	tap_is "token after logout: asked the provider" "$(emulator_request_count)" $((n + 1))
	tap_ok "token after logout: prints the new token" out_is "$(emulator_last token)"$'\n'

	# -- logout --all drops the secrets too
	run_credring logout "$acct" --all
	tap_status "logout --all: exit 0" 0
	tap_is "logout --all: nothing of the account left in the keyring" \
		"$(keyring_count "$acct")" 0
	run_credring token "$acct"
	tap_isnt "token after logout --all: fails" "$RUN_STATUS" 0
	tap_like "token after logout --all: hints at login" "$RUN_ERR" "login"
	tap_is "token after logout --all: prints no token" "$RUN_OUT" ""
	tap_is "token after logout --all: did not ask the provider" \
		"$(emulator_request_count)" $((n + 1))

	# -- short-lived tokens (20 s, or 60 s under a wrapper: less than twice the
	# 60 s floor of the default minimum) are cached for half their life,
	# then fetched again unless --min-valid allows less
	local short_life=20 before after
	[ "$TIME_SCALE" -gt 1 ] && short_life=60
	start_emulator "$PROVIDER" "${EMU_ARGS[@]}" --expires-in "$short_life"
	write_account "$PROVIDER-short" provider="$PROVIDER" token_url="$EMU_TOKEN_URL" \
		ca_file="$CA_DIR/ca.pem" "${ACCOUNT_KEYS[@]}"
	login "$PROVIDER-short" "$GOOD_INPUT" --no-verify
	tap_status "login --no-verify: exit 0" 0
	tap_is "login --no-verify: did not ask the provider" "$(emulator_request_count)" 0
	tap_is "login --no-verify: stored the secrets" "$(secret_kinds "$PROVIDER-short")" "$SECRET_KINDS"
	before=$(date +%s)
	run_credring token "$PROVIDER-short"
	after=$(date +%s)  # the token was issued in [before, after]
	tap_status "$short_life s token: exit 0" 0
	tap_is "$short_life s token: fetched" "$(emulator_request_count)" 1
	t1=$RUN_OUT
	tap_is "$short_life s token: prints the issued token" "$t1" "$(emulator_last token)"
	run_credring token "$PROVIDER-short"
	tap_ok "$short_life s token again: within half its life ($(($(date +%s) - before)) s)" \
		test $(($(date +%s) - before)) -lt $((short_life / 2))
	tap_status "$short_life s token again: exit 0" 0
	tap_is "$short_life s token again: from the cache" "$(emulator_request_count)" 1
	tap_is "$short_life s token again: the same token" "$RUN_OUT" "$t1"
	# Past half its life (but with seconds left): stale by the default.
	while [ "$(date +%s)" -le $((after + short_life / 2)) ]; do sleep 0.2; done
	run_credring token "$PROVIDER-short" --min-valid 1
	tap_status "past half its life, --min-valid 1: exit 0" 0
	tap_is "past half its life, --min-valid 1: the cached token is good enough" \
		"$(emulator_request_count)" 1
	tap_is "past half its life, --min-valid 1: prints it" "$RUN_OUT" "$t1"
	run_credring token "$PROVIDER-short"
	tap_status "past half its life: exit 0" 0
	tap_is "past half its life: fetched again" "$(emulator_request_count)" 2
	tap_isnt "past half its life: a new token" "$RUN_OUT" "$t1"

	# -- a wrong secret: exit 3, the provider's words in one line, nothing kept
	write_account "$PROVIDER-bad" provider="$PROVIDER" token_url="$MAIN_TOKEN_URL" \
		ca_file="$CA_DIR/ca.pem" "${ACCOUNT_KEYS[@]}"
	n=$(emulator_request_count "$MAIN_LOG")
	login "$PROVIDER-bad" "$BAD_INPUT"
	tap_status "login with a wrong secret: exit 3" 3
	tap_is "login with a wrong secret: asked the provider" "$(emulator_request_count "$MAIN_LOG")" $((n + 1))
	tap_is "login with a wrong secret: refused" "$(emulator_last ok "$MAIN_LOG")" false
	tap_is "login with a wrong secret: one line on stderr" "$RUN_ERR_LINES" 1
	tap_contains "login with a wrong secret: the provider's message" "$RUN_ERR" "$REJECT_MESSAGE"
	tap_is "login with a wrong secret: nothing stored" "$(keyring_count "$PROVIDER-bad")" 0

	login "$PROVIDER-bad" "$BAD_INPUT" --no-verify
	tap_status "login --no-verify with a wrong secret: exit 0 (not checked)" 0
	run_credring token "$PROVIDER-bad"
	tap_status "token with a wrong secret: exit 3" 3
	tap_is "token with a wrong secret: one line on stderr" "$RUN_ERR_LINES" 1
	tap_contains "token with a wrong secret: the provider's message" "$RUN_ERR" "$REJECT_MESSAGE"
	tap_is "token with a wrong secret: no token printed" "$RUN_OUT" ""
	tap_is "token with a wrong secret: no token cached" "$(keyring_count "$PROVIDER-bad" token)" 0
	run_credring token "$PROVIDER-bad"
	tap_is "token with a wrong secret, again: asks again (nothing cached)" \
		"$(emulator_request_count "$MAIN_LOG")" $((n + 3))
}
