#!/bin/bash
# Big tokens, through every output: `credring token` (raw, header, json) and
# git-credential-credring get, with and without capability[]=authtype, and
# back in through erase. An 8 KiB JWT (what real identity providers issue)
# and one of exactly CR_TOKEN_MAX_BYTES are served whole everywhere; one byte
# more is refused when the answer is parsed: exit 4 saying the token is too
# long, by the CLI and the git helper alike, and nothing cached. Dataloy's
# emulator issues JWTs of the size asked (--token-length).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/git-lib.sh"

MAX=$(c_constant CR_TOKEN_MAX_BYTES)
[[ $MAX =~ ^[0-9]+$ ]] || tap_bail "no CR_TOKEN_MAX_BYTES in core/credring/credring.h"
SECRET='dl-"s3cret\/'

# account_with_tokens NAME LENGTH: a Dataloy account, its URL
# https://NAME.example.test, logged in without a token, whose emulator
# issues tokens of LENGTH characters. Sets EMU_*.
account_with_tokens() {
	start_emulator dataloy --client-id dl-client --client-secret="$SECRET" --token-length "$2"
	write_account "$1" provider=dataloy token_url="$EMU_TOKEN_URL" ca_file="$CA_DIR/ca.pem" \
		client_id=dl-client audience=https://dataloy.dev url="https://$1.example.test"
	login "$1" "client_secret=$SECRET"$'\n' --no-verify
	tap_status "$1: setup: login --no-verify" 0
}

# served_everywhere NAME LENGTH: a token of LENGTH characters reaches every
# output whole, from one request to the provider.
served_everywhere() {
	local name=$1 length=$2 token
	account_with_tokens "$name" "$length"

	run_credring token "$name"
	tap_status "$name: credring token: exit 0" 0
	token=$(emulator_last token)
	tap_is "$name: the emulator issued a token of $length characters" "${#token}" "$length"
	tap_like "$name: it is JWT-shaped (header.payload.signature, base64url)" "$token" \
		'^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$'
	tap_ok "$name: raw: the token and a newline" out_is "$token"$'\n'
	tap_is "$name: raw: nothing on stderr" "$RUN_ERR" ""
	tap_is "$name: the token is cached" "$(keyring_count "$name" token)" 1

	run_credring token "$name" --format header
	tap_status "$name: --format header: exit 0" 0
	tap_ok "$name: --format header: the whole header line" out_is "Authorization: Bearer $token"$'\n'

	run_credring token "$name" --format json
	tap_status "$name: --format json: exit 0" 0
	tap_is "$name: --format json: the whole token" \
		"$(check_token_json "$TEST_TMP/out" "$token" "$name" dataloy 86400)" ok

	run_credring token "$name" --format kubectl
	tap_status "$name: --format kubectl: exit 0" 0
	tap_is "$name: --format kubectl: the whole token" "$(
		"$PYTHON" -c 'import json, sys; print(json.load(open(sys.argv[1]))["status"]["token"] == sys.argv[2])' \
			"$TEST_TMP/out" "$token")" True

	RUN_STDIN="protocol=https"$'\n'"host=$name.example.test"$'\n\n'
	run_helper get
	run_status_is "$name: helper get: exit 0" 0
	tap_is "$name: helper get: password = the whole token" "$(field password)" "$token"
	tap_is "$name: helper get: one password line" "$(count_lines password)" 1

	RUN_STDIN="capability[]=authtype"$'\n'"protocol=https"$'\n'"host=$name.example.test"$'\n\n'
	run_helper get
	run_status_is "$name: helper get with authtype: exit 0" 0
	tap_is "$name: helper get with authtype: credential = the whole token" "$(field credential)" "$token"
	tap_is "$name: helper get with authtype: Bearer" "$(field authtype)" Bearer

	git_cred fill "url=https://$name.example.test/repo.git"
	run_status_is "$name: git credential fill: exit 0" 0
	tap_is "$name: git credential fill: password = the whole token" "$(field password)" "$token"
	tap_is "$name: one request for all of these" "$(emulator_request_count)" 1

	# git gives the token back as it got it: the helper must read it.
	RUN_STDIN="capability[]=authtype"$'\n'"protocol=https"$'\n'"host=$name.example.test"$'\n'"authtype=Bearer"$'\n'"credential=$token"$'\n\n'
	run_helper store
	run_status_is "$name: helper store with the token: exit 0" 0
	git_cred reject "protocol=https"$'\n'"host=$name.example.test"$'\n'"username=dl-client"$'\n'"password=$token"
	run_status_is "$name: git credential reject of the token: exit 0" 0
	tap_is "$name: reject: the token is dropped" "$(keyring_count "$name" token)" 0
}

served_everywhere jwt 8192
served_everywhere longest "$MAX"

# -- one byte over: not a token
account_with_tokens over $((MAX + 1))
run_credring token over
tap_status "over: credring token: exit 4 (an answer that is not a valid token)" 4
tap_is "over: credring token: nothing on stdout" "$RUN_OUT" ""
tap_is "over: credring token: one line on stderr" "$RUN_ERR_LINES" 1
tap_contains "over: credring token: the token is too long" "$RUN_ERR" "token longer than $MAX bytes"
tap_is "over: the emulator did issue it" "$(emulator_last ok)" true
token=$(emulator_last token)
tap_is "over: of $((MAX + 1)) characters" "${#token}" $((MAX + 1))
tap_lacks "over: credring token: the token is not on stderr" "$RUN_ERR" "${token: -64}"
tap_is "over: credring token: nothing cached" "$(keyring_count over token)" 0

RUN_STDIN="protocol=https"$'\n'"host=over.example.test"$'\n\n'
run_helper get
run_status_is "over: helper get: exit 4, as credring token" 4
tap_is "over: helper get: nothing on stdout" "$RUN_OUT" ""
tap_is "over: helper get: one line on stderr" "$RUN_ERR_LINES" 1
tap_contains "over: helper get: the token is too long" "$RUN_ERR" "token longer than $MAX bytes"
tap_lacks "over: helper get: the token is not on stderr" "$RUN_ERR" "${token: -64}"
RUN_STDIN="capability[]=authtype"$'\n'"protocol=https"$'\n'"host=over.example.test"$'\n\n'
run_helper get
run_status_is "over: helper get with authtype: exit 4" 4
tap_is "over: helper get with authtype: nothing on stdout" "$RUN_OUT" ""
tap_is "over: nothing cached after all that" "$(keyring_count over token)" 0

# A first login asks for a token before storing anything: nothing stored.
run_credring logout over --all
tap_status "over: logout --all: exit 0" 0
RUN_STDIN="client_secret=$SECRET"$'\n'
run_credring login over --secret-stdin
tap_status "over: login (verified): exit 4" 4
tap_is "over: login: no secret stored" "$(keyring_count over)" 0

tap_done
