#!/bin/bash
# The token handed to other programs (issue #14 §4): `credring exec` (the
# environment, never argv), `credring curl` (the real curl, its header in a
# configuration on a private pipe; a 401 answered by one retry with a new
# token), `token --format kubectl` and `token --refused-token-stdin`;
# against the Dataloy emulator's API route, which takes only a live token
# the emulator issued.
. "$(dirname "$0")/lib.sh"

. "$(dirname "$0")/api-lib.sh"

# A curl in PATH before the real one, which records its argv and its
# environment, then runs the real curl with them.
SHIM_DIR=$TEST_TMP/shim
SHIM_LOG=$TEST_TMP/shim.log
mkdir -p "$SHIM_DIR"
cat >"$SHIM_DIR/curl" <<EOF
#!/bin/sh
printf '%s\n' "\$@" >>"$SHIM_LOG"
echo '--- environment' >>"$SHIM_LOG"
env >>"$SHIM_LOG"
echo '--- end' >>"$SHIM_LOG"
exec "$REAL_CURL" "\$@"
EOF
chmod 755 "$SHIM_DIR/curl"
: >"$SHIM_LOG"
export PATH="$SHIM_DIR:$PATH"
shim_runs() { grep -c '^--- end$' "$SHIM_LOG"; }

# ================================================================ exec ==

run_credring exec api -- "$PYTHON" -c '
import os
print(os.environ["CREDRING_TOKEN"])
print(os.environ["CREDRING_TOKEN_TYPE"])
print(os.environ["CREDRING_TOKEN_EXPIRES_AT"])
print(open("/proc/self/cmdline", "rb").read().replace(b"\0", b" ").decode())
'
tap_status "exec: exit 0" 0
TOKEN=$(emulator_last token)
tap_isnt "exec: a token was issued" "$TOKEN" ""
tap_is "exec: the issued token is in CREDRING_TOKEN" "$(sed -n 1p "$TEST_TMP/out")" "$TOKEN"
tap_is "exec: CREDRING_TOKEN_TYPE is Bearer" "$(sed -n 2p "$TEST_TMP/out")" Bearer
EXPIRES_AT=$(sed -n 3p "$TEST_TMP/out")
tap_like "exec: CREDRING_TOKEN_EXPIRES_AT is RFC 3339 UTC" "$EXPIRES_AT" \
	'^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$'
left=$(($(date -d "$EXPIRES_AT" +%s) - $(date +%s)))
tap_ok "exec: the expiry is the token's (a day, as Dataloy's; $left s left)" \
	test "$left" -gt 86000 -a "$left" -le 86400
tap_lacks "exec: the token is not in the command's argv" "$(sed -n '4,$p' "$TEST_TMP/out")" "$TOKEN"
tap_is "exec: the command's argv is its own" "$(sed -n 4p "$TEST_TMP/out")" "$PYTHON -c "
tap_is "exec: nothing on stderr" "$RUN_ERR" ""
tap_is "exec: one token request" "$(emulator_request_count)" 1

# The token works: the API takes it from the environment.
run_credring exec api --env API_TOKEN -- "$PYTHON" -c '
import os, ssl, sys, urllib.request
print("CREDRING_TOKEN" in os.environ)
req = urllib.request.Request(sys.argv[1], headers={"Authorization": "Bearer " + os.environ["API_TOKEN"]})
ctx = ssl.create_default_context(cafile=sys.argv[2])
print(urllib.request.urlopen(req, context=ctx).status)
' "$API" "$CA_DIR/ca.pem"
tap_status "exec --env API_TOKEN: exit 0" 0
tap_is "exec --env API_TOKEN: only API_TOKEN is set; the API takes it" "$RUN_OUT" $'False\n200'
tap_is "exec --env: the API saw the issued token" "$(api_field 1 token)" "$TOKEN"
: >"$TEST_TMP/api.log"
tap_is "exec: the cached token served, no new request" "$(emulator_request_count)" 1

# No descriptor of credring's reaches the command.
baseline=$(ls /proc/self/fd </dev/null 2>/dev/null | sort -n | tr '\n' ' ')
run_credring exec api -- ls /proc/self/fd
tap_is "exec: the command has the descriptors it would have without credring" \
	"$(sort -n "$TEST_TMP/out" | tr '\n' ' ')" "$baseline"

run_credring exec api -- sh -c 'exit 7'
tap_status "exec: the command's exit status (7)" 7
run_credring exec api -- "$TEST_TMP/no-such-command"
tap_status "exec: a command that does not exist: 127, as a shell says" 127
tap_contains "exec: ... and says so" "$RUN_ERR" "no-such-command"
printf 'echo hi\n' >"$TEST_TMP/not-executable"
chmod 644 "$TEST_TMP/not-executable"
run_credring exec api -- "$TEST_TMP/not-executable"
tap_status "exec: a file that cannot be run: 126" 126
run_credring exec api
tap_status "exec without a command: usage error" 2
tap_contains "exec without a command: says what it takes" "$RUN_ERR" "COMMAND"
run_credring exec api --
tap_status "exec with nothing after --: usage error" 2
run_credring exec api --env 1TOKEN -- true
tap_status "exec --env with a name that is no variable name: usage error" 2
run_credring exec api --env CREDRING_TOKEN_EXPIRES_AT -- true
tap_status "exec --env naming a variable exec sets besides: usage error" 2
run_credring exec nosecret -- touch "$TEST_TMP/ran"
tap_status "exec without a token: credring's status (no stored secret: 2)" 2
tap_ok "exec without a token: the command is not run" test ! -e "$TEST_TMP/ran"
tap_contains "exec without a token: says to log in" "$RUN_ERR" "credring login"
no_secret_leaks "exec" "$TOKEN" api-secret

# ======================================================== the API itself ==
# Strict, or the tests below would prove little: the live token in exactly
# one "Bearer" Authorization header, nothing else. (Headers from files, so
# that not even this test puts the token in an argv.)
api_status_with() {
	printf '%s\n' "$@" >"$TEST_TMP/headers"
	"$REAL_CURL" -s -o /dev/null -w '%{http_code}' --cacert "$CA_DIR/ca.pem" -H @"$TEST_TMP/headers" "$API"
}
api_before=$(api_count)
tap_is "API: the live token as Bearer: 200" "$(api_status_with "Authorization: Bearer $TOKEN")" 200
tap_is "API: no Authorization header: 401" "$(api_status_with "X-Nothing: 1")" 401
tap_is "API: another scheme: 401" "$(api_status_with "Authorization: Basic $TOKEN")" 401
tap_is "API: two Authorization headers: 401" \
	"$(api_status_with "Authorization: Bearer $TOKEN" "Authorization: Bearer $TOKEN")" 401
tap_is "API: the live token with a character more: 401" \
	"$(api_status_with "Authorization: Bearer ${TOKEN}x")" 401
tap_is "API: ... each request logged" "$(($(api_count) - api_before))" 5
: >"$TEST_TMP/api.log"

# ================================================================ curl ==

CURL=(--cacert "$CA_DIR/ca.pem" -sS)
run_credring curl api -- "${CURL[@]}" "$API"
tap_status "curl: exit 0" 0
tap_contains "curl: the API's answer on stdout" "$RUN_OUT" '"items":[{"id":1'
tap_is "curl: the API got one request" "$(api_count)" 1
tap_is "curl: ... with the cached token" "$(api_field 1 token)" "$TOKEN"
tap_is "curl: ... in one Authorization header" "$(api_field 1 authorization_headers)" 1
tap_is "curl: nothing on stderr" "$RUN_ERR" ""
tap_is "curl: the real curl ran once" "$(shim_runs)" 1
tap_lacks "curl: the token is not in curl's argv or environment" "$(cat "$SHIM_LOG")" "$TOKEN"
tap_like "curl: curl reads its configuration from a descriptor" "$(head -n 2 "$SHIM_LOG" | tr '\n' ' ')" \
	'^-K /dev/fd/[0-9]+ $'
tap_is "curl: then the user's arguments, as given" "$(sed -n '3,5p' "$SHIM_LOG" | tr '\n' ' ')" \
	"--cacert $CA_DIR/ca.pem -sS "
no_secret_leaks "curl" "$TOKEN" api-secret

# ---- stdin stays the user's.
RUN_STDIN='{"name":"third"}'
run_credring curl api -- "${CURL[@]}" -H 'Content-Type: application/json' -d @- "$API"
tap_status "curl -d @-: exit 0" 0
tap_contains "curl -d @-: the body from stdin reached the API" "$RUN_OUT" \
	'"received":"{\"name\":\"third\"}"'

# ---- a 401, then a new token and one retry: stdout is the second answer only.
requests_before=$(emulator_request_count)
api_before=$(api_count)
api_control "/_emulator/api/refuse-next?count=1"
run_credring curl api -- "${CURL[@]}" "$API"
tap_status "curl after a 401: exit 0" 0
tap_is "curl after a 401: stdout is the second answer, whole" "$RUN_OUT" \
	'{"items":[{"id":1,"name":"first"},{"id":2,"name":"second"}],"method":"GET","received":""}'
tap_is "curl after a 401: nothing on stderr" "$RUN_ERR" ""
tap_is "curl after a 401: two requests to the API" "$(($(api_count) - api_before))" 2
tap_is "curl after a 401: the first with the refused token" "$(api_field $((api_before + 1)) token)" "$TOKEN"
tap_is "curl after a 401: ... which got the 401" "$(api_field $((api_before + 1)) status)" 401
NEW_TOKEN=$(emulator_last token)
tap_is "curl after a 401: one new token fetched" "$(emulator_request_count)" $((requests_before + 1))
tap_isnt "curl after a 401: ... another token" "$NEW_TOKEN" "$TOKEN"
tap_is "curl after a 401: the retry brought the new token" "$(api_field $((api_before + 2)) token)" "$NEW_TOKEN"
tap_is "curl after a 401: ... and got the 200" "$(api_field $((api_before + 2)) status)" 200
no_secret_leaks "curl after a 401" "$TOKEN" "$NEW_TOKEN"
run_credring token api
tap_is "curl after a 401: the new token is the cached one" "$RUN_OUT" "$NEW_TOKEN"
TOKEN=$NEW_TOKEN

# ---- a second 401: no loop; exit 3 with the API's message.
api_before=$(api_count)
api_control "/_emulator/api/refuse-next?count=2"
run_credring curl api -- "${CURL[@]}" "$API"
tap_status "curl, 401 twice: exit 3" 3
tap_is "curl, 401 twice: two requests to the API, no more" "$(($(api_count) - api_before))" 2
tap_is "curl, 401 twice: stdout is the second answer, as curl gives it" "$RUN_OUT" \
	'{"message":"Token expired."}'
tap_is "curl, 401 twice: one line on stderr" "$RUN_ERR_LINES" 1
tap_contains "curl, 401 twice: it names the account" "$RUN_ERR" "credring: api: "
tap_contains "curl, 401 twice: it quotes the API" "$RUN_ERR" '{"message":"Token expired."}'
no_secret_leaks "curl, 401 twice" "$TOKEN" "$(emulator_last token)"
TOKEN=$(emulator_last token)

# ---- a body from stdin is not sent twice.
api_before=$(api_count)
api_control "/_emulator/api/refuse-next?count=1"
RUN_STDIN='{"name":"once"}'
run_credring curl api -- "${CURL[@]}" -d @- "$API"
tap_status "curl -d @- after a 401: exit 3, not retried" 3
tap_is "curl -d @- after a 401: one request to the API" "$(($(api_count) - api_before))" 1
tap_contains "curl -d @- after a 401: says why" "$RUN_ERR" "stdin"
run_credring token api
tap_isnt "curl -d @- after a 401: the refused token is dropped all the same" "$RUN_OUT" "$TOKEN"
TOKEN=$RUN_OUT

# ---- curl's own failures are curl's exit status.
runs_before=$(shim_runs)
run_credring curl api -- "${CURL[@]}" "https://127.0.0.1:$(free_port)/"
tap_status "curl cannot connect: curl's exit status (7)" 7
run_credring curl api -- "${CURL[@]}" --fail "$EMU_URL/api/v1/nothing"
tap_status "curl --fail on a 404: curl's exit status (22)" 22
tap_is "curl's failures: curl ran each time" "$(($(shim_runs) - runs_before))" 2

# ---- no token: credring's status, and curl is not run.
runs_before=$(shim_runs)
run_credring curl nosecret -- "${CURL[@]}" "$API"
tap_status "curl without a token: credring's status (2)" 2
tap_is "curl without a token: curl is not run" "$(shim_runs)" "$runs_before"
run_credring curl api
tap_status "curl without arguments: usage error" 2
run_credring curl api -- "${CURL[@]}" "$API" --next "$API"
tap_status "curl --next: usage error" 2
tap_is "curl --next: curl is not run" "$(shim_runs)" "$runs_before"

# ---- the longest token credring takes: more than a pipe holds by default
# (64 KiB), yet curl's configuration and exec's environment carry it whole.
MAX=$(c_constant CR_TOKEN_MAX_BYTES)
MAIN_EMU_URL=$EMU_URL MAIN_EMU_LOG=$EMU_LOG
start_emulator dataloy --client-id big-client --client-secret big-secret --token-length "$MAX" \
	--api-log="$TEST_TMP/api-big.log"
write_account big provider=dataloy client_id=big-client token_url="$EMU_TOKEN_URL" \
	ca_file="$CA_DIR/ca.pem" audience=https://dataloy.dev
login big $'client_secret=big-secret\n' --no-verify
run_credring curl big -- "${CURL[@]}" --fail "$EMU_URL/api/v1/items"
tap_status "curl with a $MAX-byte token: exit 0" 0
BIG=$(emulator_last token)
tap_is "curl with a $MAX-byte token: the API got it whole" \
	"$("$PYTHON" -c 'import json, sys; print(json.loads(open(sys.argv[1]).readline())["token"] == sys.argv[2])' \
		"$TEST_TMP/api-big.log" "$BIG")" True
run_credring exec big -- "$PYTHON" -c 'import os; print(len(os.environ["CREDRING_TOKEN"]))'
tap_is "exec with a $MAX-byte token: the variable holds it whole" "$RUN_OUT" "$MAX"
EMU_URL=$MAIN_EMU_URL EMU_LOG=$MAIN_EMU_LOG

# ============================================================== tokens ==

run_credring token api --format kubectl
tap_status "token --format kubectl: exit 0" 0
tap_is "token --format kubectl: an ExecCredential of client.authentication.k8s.io/v1" "$(
	"$PYTHON" - "$TEST_TMP/out" "$TOKEN" <<'EOF'
import datetime, json, re, sys, time
obj = json.load(open(sys.argv[1]))
problems = []
if sorted(obj) != ["apiVersion", "kind", "status"]:
    problems.append("keys %r" % sorted(obj))
if obj.get("apiVersion") != "client.authentication.k8s.io/v1":
    problems.append("apiVersion %r" % obj.get("apiVersion"))
if obj.get("kind") != "ExecCredential":
    problems.append("kind %r" % obj.get("kind"))
status = obj.get("status", {})
if sorted(status) != ["expirationTimestamp", "token"]:
    problems.append("status keys %r" % sorted(status))
if status.get("token") != sys.argv[2]:
    problems.append("status.token is not the cached token")
stamp = status.get("expirationTimestamp", "")
if not re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", stamp):
    problems.append("expirationTimestamp %r is not RFC 3339 UTC" % stamp)
else:
    left = datetime.datetime.fromisoformat(stamp[:-1] + "+00:00").timestamp() - time.time()
    if not 0 < left <= 86400:
        problems.append("expirationTimestamp %s is %d s away" % (stamp, left))
print("; ".join(problems) or "ok")
EOF
)" ok

requests_before=$(emulator_request_count)
RUN_STDIN="not-the-cached-token"
run_credring token api --refused-token-stdin
tap_status "token --refused-token-stdin with another token: exit 0" 0
tap_is "token --refused-token-stdin with another token: the cached one stays" "$RUN_OUT" "$TOKEN"
tap_is "token --refused-token-stdin with another token: no request" "$(emulator_request_count)" "$requests_before"
RUN_STDIN="$TOKEN"$'\n'
run_credring token api --refused-token-stdin --format json
tap_status "token --refused-token-stdin with the cached token: exit 0" 0
tap_is "token --refused-token-stdin with the cached token: a new one" \
	"$(check_token_json "$TEST_TMP/out" "$(emulator_last token)" api dataloy 86400)" ok
tap_is "token --refused-token-stdin with the cached token: one request" \
	"$(emulator_request_count)" $((requests_before + 1))
run_credring token api --refused-token-stdin
tap_status "token --refused-token-stdin with nothing on stdin: usage error" 2
no_secret_leaks "refused token" "$TOKEN"

tap_done
