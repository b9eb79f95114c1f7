# api-lib.sh — sourced after lib.sh by the tests of the tools a token is
# handed to (wrappers.sh: exec and curl; httpie.sh): the Dataloy emulator
# with its API route (GET/POST /api/v1/items, which takes only a live token
# the emulator issued), an account "api" whose secret is stored and one
# "nosecret" without, and ways to see what the API got.
#
# After sourcing: API (the route's URL), REAL_CURL (curl itself, for the
# tests' own requests, whatever a test puts in PATH).

REAL_CURL=$(command -v curl)
start_emulator dataloy --client-id api-client --client-secret api-secret \
	--api-log="$TEST_TMP/api.log"
: >"$TEST_TMP/api.log"
API=$EMU_URL/api/v1/items
write_account api provider=dataloy client_id=api-client token_url="$EMU_TOKEN_URL" \
	ca_file="$CA_DIR/ca.pem" audience=https://dataloy.dev
write_account nosecret provider=dataloy client_id=api-client token_url="$EMU_TOKEN_URL" \
	ca_file="$CA_DIR/ca.pem" audience=https://dataloy.dev
login api $'client_secret=api-secret\n' --no-verify
tap_status "setup: login --no-verify" 0

# api_count: requests the API got; api_field N FIELD: FIELD of the Nth (1-based).
api_count() { grep -c '' "$TEST_TMP/api.log"; }
api_field() {
	"$PYTHON" -c '
import json, sys
lines = open(sys.argv[1]).read().splitlines()
print(json.loads(lines[int(sys.argv[2]) - 1]).get(sys.argv[3]))
' "$TEST_TMP/api.log" "$1" "$2"
}
# api_control PATH: a POST to one of the emulator's controls.
api_control() { "$REAL_CURL" -sS --cacert "$CA_DIR/ca.pem" -X POST "$EMU_URL$1"; }
