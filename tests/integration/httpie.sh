#!/bin/bash
# The HTTPie auth plugin in contrib/httpie-credring (issue #14 §4), installed
# with pip (into a directory of this test's) and run by Debian's own `http`
# against the Dataloy emulator's API route, which takes only a live token
# the emulator issued: the token sent, one retry with a new token after a
# 401, no loop after a second, nothing sent without a token.
. "$(dirname "$0")/lib.sh"

command -v http >/dev/null || tap_bail "HTTPie is not installed (build-aux/deps installs httpie)"

. "$(dirname "$0")/api-lib.sh"

# ---- installed as a user would: pip, from a copy (pip builds in the tree).
cp -r "$abs_top_srcdir/contrib/httpie-credring" "$TEST_TMP/plugin-src"
chmod -R u+w "$TEST_TMP/plugin-src"
"$PYTHON" -m pip install --no-index --no-build-isolation --no-deps --root-user-action=ignore \
	--target "$TEST_TMP/plugin" "$TEST_TMP/plugin-src" >"$TEST_TMP/pip.log" 2>&1
tap_ok "pip installs contrib/httpie-credring" test -f "$TEST_TMP/plugin/httpie_credring.py"
[ -f "$TEST_TMP/plugin/httpie_credring.py" ] || tap_diag "$(cat "$TEST_TMP/pip.log")"

export HTTPIE_CONFIG_DIR=$TEST_TMP/httpie
mkdir -p "$HTTPIE_CONFIG_DIR"
echo '{"disable_update_warnings": true}' >"$HTTPIE_CONFIG_DIR/config.json"
# The plugin runs `credring` from PATH: the one built here.
export PATH="$abs_top_builddir/helpers:$PATH"

# HTTPie finds auth plugins by their entry point: the module alone on
# PYTHONPATH is not one (what contrib/httpie-credring/README.md says).
mkdir -p "$TEST_TMP/bare"
cp "$abs_top_srcdir/contrib/httpie-credring/httpie_credring.py" "$TEST_TMP/bare/"
tap_lacks "the bare module on PYTHONPATH: HTTPie does not offer -A credring" \
	"$(PYTHONPATH=$TEST_TMP/bare http --help 2>&1)" '"credring"'
tap_contains "installed: HTTPie offers -A credring" \
	"$(PYTHONPATH=$TEST_TMP/plugin http --help 2>&1)" '"credring"'

# run_http ARGS...: HTTPie with the plugin, as run_credring runs credring.
run_http() {
	RUN_ARGS=(http "$@")
	RUN_STATUS=0
	printf '%s' "$RUN_STDIN" |
		PYTHONPATH=$TEST_TMP/plugin timeout "${RUN_TIMEOUT:-60}" \
			http --verify "$CA_DIR/ca.pem" -A credring "$@" \
			>"$TEST_TMP/out" 2>"$TEST_TMP/err" || RUN_STATUS=$?
	RUN_OUT=$(cat "$TEST_TMP/out")
	RUN_ERR=$(cat "$TEST_TMP/err")
	RUN_ERR_LINES=$(grep -c '' "$TEST_TMP/err")
	RUN_STDIN=
}

ITEMS='{"items":[{"id":1,"name":"first"},{"id":2,"name":"second"}],"method":"GET","received":""}'
answer_is() { "$PYTHON" -c 'import json, sys; print(json.loads(sys.argv[1]) == json.loads(sys.argv[2]))' "$1" "$2" 2>&1; }

# ---- the token sent.
run_http --ignore-stdin -a api GET "$API"
tap_status "http -A credring: exit 0" 0
TOKEN=$(emulator_last token)
tap_isnt "http -A credring: a token was issued" "$TOKEN" ""
tap_is "http -A credring: the API's answer" "$(answer_is "$RUN_OUT" "$ITEMS")" True
tap_is "http -A credring: one request to the API" "$(api_count)" 1
tap_is "http -A credring: ... with the issued token" "$(api_field 1 token)" "$TOKEN"
tap_is "http -A credring: ... in one Authorization header" "$(api_field 1 authorization_headers)" 1
tap_is "http -A credring: nothing on stderr" "$RUN_ERR" ""
no_secret_leaks "http -A credring" "$TOKEN" api-secret

run_http --ignore-stdin -a api GET "$API"
tap_is "http -A credring again: the cached token, no new request" "$(emulator_request_count)" 1

# ---- a 401: the refused token dropped, one retry with a new one.
api_before=$(api_count)
api_control "/_emulator/api/refuse-next?count=1"
run_http --ignore-stdin -a api GET "$API"
tap_status "http after a 401: exit 0" 0
tap_is "http after a 401: the output is the second answer" "$(answer_is "$RUN_OUT" "$ITEMS")" True
tap_is "http after a 401: two requests to the API" "$(($(api_count) - api_before))" 2
tap_is "http after a 401: the first with the refused token" "$(api_field $((api_before + 1)) token)" "$TOKEN"
NEW_TOKEN=$(emulator_last token)
tap_isnt "http after a 401: a new token was fetched" "$NEW_TOKEN" "$TOKEN"
tap_is "http after a 401: the retry brought it" "$(api_field $((api_before + 2)) token)" "$NEW_TOKEN"
tap_is "http after a 401: ... and got the 200" "$(api_field $((api_before + 2)) status)" 200
tap_is "http after a 401: nothing on stderr" "$RUN_ERR" ""
no_secret_leaks "http after a 401" "$TOKEN" "$NEW_TOKEN"
TOKEN=$NEW_TOKEN

# ---- a request with a body is sent again whole.
api_before=$(api_count)
api_control "/_emulator/api/refuse-next?count=1"
run_http --ignore-stdin -a api POST "$API" name=fourth
tap_status "http POST after a 401: exit 0" 0
tap_is "http POST after a 401: the retry carried the body" \
	"$(api_field $((api_before + 2)) body)" '{"name": "fourth"}'
tap_is "http POST after a 401: ... and got the 200" "$(api_field $((api_before + 2)) status)" 200
TOKEN=$(emulator_last token)

# ---- a second 401: no loop; HTTPie shows it, --check-status makes it exit 4.
api_before=$(api_count)
api_control "/_emulator/api/refuse-next?count=2"
run_http --ignore-stdin --check-status -a api GET "$API"
tap_status "http, 401 twice: exit 4 with --check-status (HTTPie's 4xx)" 4
tap_is "http, 401 twice: two requests to the API, no more" "$(($(api_count) - api_before))" 2
tap_is "http, 401 twice: the API's message is the output" \
	"$(answer_is "$RUN_OUT" '{"message":"Token expired."}')" True
tap_contains "http, 401 twice: a line naming the account" "$RUN_ERR" "credring: api: the API refused a new token too"
TOKEN=$(emulator_last token)

# ---- no token: nothing sent; HTTPie's error carries credring's.
api_before=$(api_count)
run_http --ignore-stdin -a nosecret GET "$API"
tap_status "http without a token: HTTPie's error status" 1
tap_is "http without a token: nothing sent to the API" "$(api_count)" "$api_before"
tap_contains "http without a token: credring's message" "$RUN_ERR" "credring login"
tap_contains "http without a token: credring's exit status" "$RUN_ERR" "exit status 2"
no_secret_leaks "http without a token" "$TOKEN" api-secret

tap_done
