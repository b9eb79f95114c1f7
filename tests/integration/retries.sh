#!/bin/bash
# Retries: with exponential backoff and jitter on connection errors,
# timeouts, 429 (honouring Retry-After, capped) and 5xx; at most 3 attempts,
# all within the account's total timeout; never on other 4xx.
#
# Each case is a fresh tests/emulator/hostile-server.py answering a
# --sequence, one item per connection (then valid tokens), and an AutoGrab
# account pointed at it; its request log says how many attempts were made
# and when.
. "$(dirname "$0")/lib.sh"

INPUT="client_secret=retry-test-secret"$'\n'
TOKEN_PATH=/auth-broker/request-token

# hs_query PYTHON-EXPRESSION: evaluated with `log` the list of the server's
# log entries (dicts) and `gaps` the seconds between consecutive ones.
hs_query() {
	"$PYTHON" -c '
import json, sys
log = [json.loads(l) for l in open(sys.argv[2]).read().splitlines()]
gaps = [round(b["time"] - a["time"], 3) for a, b in zip(log, log[1:])]
print(eval(sys.argv[1]))
' "$1" "$HS_LOG"
}
hs_count() { hs_query 'len(log)'; }

# record_gaps: appends the two pauses of a 3-request log to $GAPS.
GAPS=$TEST_TMP/gaps
: >"$GAPS"
record_gaps() {
	hs_query '"%s %s" % (gaps[0], gaps[1]) if len(gaps) == 2 else ""' | grep . >>"$GAPS"
}

# account NAME TOKEN_URL [KEY=VALUE...]: an AutoGrab account, secret stored.
account() {
	local name=$1 url=$2
	shift 2
	write_account "$name" provider=autograb client_id=retry-client token_url="$url" \
		ca_file="$CA_DIR/ca.pem" "$@"
	login "$name" "$INPUT" --no-verify
	[ "$RUN_STATUS" = 0 ] || tap_bail "login --no-verify $name: exit $RUN_STATUS: $RUN_ERR"
}

# timed_token ACCOUNT: run_credring token ACCOUNT; ELAPSED_MS is how long it took.
timed_token() {
	local start
	start=$(date +%s%N)
	run_credring token "$1"
	ELAPSED_MS=$((($(date +%s%N) - start) / 1000000))
	tap_diag "$1: exit $RUN_STATUS in $ELAPSED_MS ms; requests at gaps (s): $(hs_query gaps)" \
		"stderr: $(cat -v "$TEST_TMP/err")"
}

# sequence_case NAME SEQUENCE [KEY=VALUE...]: a server answering SEQUENCE,
# an account NAME for it, and `credring token NAME` run against it.
sequence_case() {
	local name=$1 sequence=$2
	shift 2
	start_hostile --sequence "$sequence"
	account "$name" "$HS_URL$TOKEN_PATH" "$@"
	timed_token "$name"
}

# succeeded DESC ACCOUNT: exit 0, a token on stdout, and it is cached.
succeeded() {
	tap_status "$1: exit 0" 0
	tap_like "$1: the token is printed" "$RUN_OUT" '^[A-Za-z0-9_-]{64}$'
	tap_is "$1: the token is cached" "$(keyring_count "$2" token)" 1
}

# failed DESC ACCOUNT STATUS: exit STATUS, one line on stderr, no stdout, nothing cached.
failed() {
	tap_status "$1: exit $3" "$3"
	tap_is "$1: one line on stderr" "$RUN_ERR_LINES" 1
	tap_ok "$1: nothing on stdout" test ! -s "$TEST_TMP/out"
	tap_is "$1: no token cached" "$(keyring_count "$2" token)" 0
}

# ---- 5xx: tried again, with a growing pause between attempts
sequence_case s503-ok 503,503,200
succeeded "503, 503, 200" s503-ok
tap_is "503, 503, 200: 3 requests" "$(hs_count)" 3
tap_is "503, 503, 200: backs off before the 2nd attempt (>= 0.1 s)" \
	"$(hs_query 'gaps[0] >= 0.1')" True
record_gaps
tap_timing_is "503, 503, 200: the pauses are short without Retry-After (< 3 s each)" \
	"$(hs_query 'max(gaps) < 3')" True

sequence_case s503-fail 503,503,503,200
failed "503 x 3" s503-fail 4
tap_is "503 x 3: gives up after exactly 3 requests" "$(hs_count)" 3
tap_contains "503 x 3: says what the server said" "$RUN_ERR" "503"
record_gaps

sequence_case s5xx-ok 500,502,200
succeeded "500, 502, 200" s5xx-ok
tap_is "500, 502, 200: 3 requests" "$(hs_count)" 3
record_gaps

sequence_case s504-ok 504,200
succeeded "504, 200" s504-ok
tap_is "504, 200: 2 requests" "$(hs_count)" 2

# ---- 429 and Retry-After
sequence_case s429-ok 429@1,200
succeeded "429 with Retry-After: 1, then 200" s429-ok
tap_is "429 then 200: 2 requests" "$(hs_count)" 2
tap_is "429 then 200: waited the Retry-After second between them" \
	"$(hs_query 'gaps[0] >= 0.95')" True
tap_ok "429 then 200: took at least 1 s ($ELAPSED_MS ms)" test "$ELAPSED_MS" -ge 1000

sequence_case s429-date 429@date+3,200
succeeded "429 with Retry-After as an HTTP-date 3 s ahead, then 200" s429-date
tap_is "429 (HTTP-date) then 200: 2 requests" "$(hs_count)" 2
tap_is "429 (HTTP-date) then 200: waited ~2-3 s, not the short backoff" \
	"$(hs_query 'gaps[0] >= 1.5')" True

sequence_case s503-ra 503@2,200
succeeded "503 with Retry-After: 2, then 200" s503-ra
tap_is "503 with Retry-After: 2: waited 2 s" "$(hs_query 'gaps[0] >= 1.95')" True

start_hostile --fail-first 2 --fail-status 429 --retry-after 1
account s429-twice "$HS_URL$TOKEN_PATH"
timed_token s429-twice
succeeded "429 twice (Retry-After: 1), then 200" s429-twice
tap_is "429 twice: 3 requests, each after the Retry-After second" \
	"$(hs_query 'len(log) == 3 and min(gaps) >= 0.95')" True

# Retry-After: 3600 is capped: the client tries again within the account's
# timeout (30 s) instead of sleeping an hour (run_credring would kill it at
# 60 s).
sequence_case s429-capped 429@3600,200
succeeded "429 with Retry-After: 3600, then 200 (timeout 30)" s429-capped
tap_is "Retry-After: 3600: capped, 2 requests within the timeout" \
	"$(hs_query 'len(log) == 2 and gaps[0] < 30')" True

# A Retry-After that does not fit in what is left of the timeout: no
# sleeping past the deadline.
sequence_case s429-long 429@3600,200 timeout=4
tap_timing_ok "Retry-After: 3600 with timeout = 4: over within the timeout ($ELAPSED_MS ms)" \
	test "$ELAPSED_MS" -lt 5000
outcome="exit $RUN_STATUS, stdout ${#RUN_OUT} bytes"
case $RUN_STATUS:$RUN_OUT in
0:?*) outcome=consistent ;;  # waited (capped) and got the token in time
4:) outcome=consistent ;;    # gave up: the wait does not fit in the timeout
esac
tap_is "Retry-After: 3600 with timeout = 4: a token (exit 0) or exit 4 and no output" \
	"$outcome" consistent

# Every attempt inside the total timeout: pauses of 2 s with timeout = 3
# leave room for 2 attempts, not for the 3rd (which would succeed).
sequence_case s503-budget 503@2,503@2,200 timeout=3
failed "503 (Retry-After: 2) x 2 with timeout = 3" s503-budget 4
tap_timing_is "timeout = 3: no attempt after the deadline (2 requests)" "$(hs_count)" 2
tap_timing_ok "timeout = 3: over in under 4.5 s ($ELAPSED_MS ms)" test "$ELAPSED_MS" -lt 4500

# ---- other 4xx: never tried again
sequence_case s400 400,200
failed "400 invalid_client" s400 3
tap_is "400 invalid_client: exactly 1 request" "$(hs_count)" 1
tap_contains "400 invalid_client: the provider's error is shown" "$RUN_ERR" "invalid_client"

sequence_case s401 401,200
failed "401" s401 3
tap_is "401: exactly 1 request" "$(hs_count)" 1

sequence_case s403 403,200
failed "403" s403 3
tap_is "403: exactly 1 request" "$(hs_count)" 1

sequence_case s404 404,200
failed "404" s404 4
tap_is "404: exactly 1 request" "$(hs_count)" 1

sequence_case s408 408,200
failed "408" s408 4
tap_is "408: exactly 1 request" "$(hs_count)" 1

sequence_case s503-400 503,400,200
failed "503 then 400" s503-400 3
tap_is "503 then 400: stops at the 400 (2 requests)" "$(hs_count)" 2

# ---- connection errors
sequence_case close-ok close,close,200
succeeded "connection closed without an answer twice, then 200" close-ok
tap_is "closed twice, then 200: 3 requests" "$(hs_count)" 3
record_gaps

sequence_case close-fail close,close,close,200
failed "connection closed without an answer 3 times" close-fail 4
tap_is "closed 3 times: gives up after exactly 3 requests" "$(hs_count)" 3
record_gaps

sequence_case reset-ok reset-handshake,reset-handshake,200
succeeded "connection reset during the TLS handshake twice, then 200" reset-ok
tap_is "reset during the handshake twice, then 200: 3 connections" "$(hs_count)" 3
record_gaps

# Exponential: over the runs above with 3 attempts and no Retry-After, the
# second pause is on average clearly longer than the first (a constant
# backoff, even with jitter, makes them about equal). Averaged because
# jitter, and the machine's load, make any single pair noisy.
tap_timing_is "backoff grows: second pauses average >= 1.2 x the first ($(paste -sd' ' "$GAPS"))" \
	"$("$PYTHON" -c '
import sys
pairs = [tuple(map(float, l.split())) for l in open(sys.argv[1])]
print(len(pairs) >= 3 and sum(b for a, b in pairs) >= 1.2 * sum(a for a, b in pairs))
' "$GAPS")" True

port=$(free_port)
account refused "https://127.0.0.1:$port$TOKEN_PATH" timeout=10
start=$(date +%s%N)
run_credring token refused
ELAPSED_MS=$((($(date +%s%N) - start) / 1000000))
failed "connection refused" refused 4
tap_timing_ok "connection refused: over well before the timeout of 10 s ($ELAPSED_MS ms)" \
	test "$ELAPSED_MS" -lt 5000
# The pause itself, as credring announces it (--verbose), and taken: not a
# comparison with another run's wall time, which a loaded machine's process
# start alone can stretch by more than the pause.
start=$(date +%s%N)
run_credring -v token refused
ELAPSED_MS=$((($(date +%s%N) - start) / 1000000))
PAUSES_MS=$(grep -o 'trying again in [0-9]* ms' <<<"$RUN_ERR" | awk '{ s += $4 } END { print s + 0 }')
tap_ok "connection refused: tried again after a pause (announced: $PAUSES_MS ms)" \
	test "$PAUSES_MS" -ge 200
tap_timing_ok "connection refused: the pauses were taken (took $ELAPSED_MS ms)" \
	test "$ELAPSED_MS" -ge "$PAUSES_MS"

# ---- timeouts: all attempts within the account's timeout
sequence_case hang hang,hang,hang,200 timeout=3
failed "a server that reads the request and never answers (timeout = 3)" hang 4
tap_timing_ok "never answers: over in 2.5-5 s ($ELAPSED_MS ms)" \
	test "$ELAPSED_MS" -ge 2500 -a "$ELAPSED_MS" -lt 5000
tap_timing_is "never answers: 1 to 3 requests, all within the 3 s" \
	"$(hs_query '1 <= len(log) <= 3 and log[-1]["time"] - log[0]["time"] < 3')" True

sequence_case silent silent,silent,silent,200 timeout=3
failed "a server that accepts and never says a word, not even TLS (timeout = 3)" silent 4
tap_timing_ok "silent: over in 2.5-5 s ($ELAPSED_MS ms)" \
	test "$ELAPSED_MS" -ge 2500 -a "$ELAPSED_MS" -lt 5000
tap_timing_is "silent: 1 to 3 connections, all within the 3 s" \
	"$(hs_query '1 <= len(log) <= 3 and log[-1]["time"] - log[0]["time"] < 3')" True

tap_done
