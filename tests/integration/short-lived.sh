#!/bin/bash
# Tokens that live a minute or less (issue #9): they are cached and shared
# like any other. The default minimum lifetime left must fit inside such a
# token, or every call fetches a new one and concurrent callers each get
# their own.
. "$(dirname "$0")/lib.sh"

# 30 s tokens, as the provider in the report issued. Under valgrind, twenty
# runs at once take minutes (the one that fetches gets little of the CPU):
# there the tokens last 20 minutes, and the test is one of single flight.
LIFETIME=30
[ "$TIME_SCALE" -gt 1 ] && LIFETIME=1200
PROCESSES=20
start_emulator autograb --client-id short-client --client-secret short-secret \
	--expires-in "$LIFETIME"
# A timeout long enough that no waiter gives up on the lock under valgrind.
write_account short provider=autograb client_id=short-client token_url="$EMU_TOKEN_URL" \
	ca_file="$CA_DIR/ca.pem" timeout=$((30 * TIME_SCALE))
login short $'client_secret=short-secret\n' --no-verify
tap_status "setup: login --no-verify" 0

# ---- many processes at once, cold cache: one request, one token.
started=$(date +%s)
pids=()
for i in $(seq "$PROCESSES"); do
	timeout $((90 * TIME_SCALE)) "${CREDRING_WRAP[@]}" "$CREDRING" token short \
		>"$TEST_TMP/token.$i" 2>"$TEST_TMP/err.$i" &
	pids+=($!)
done
failed=0
for pid in "${pids[@]}"; do
	wait "$pid" || failed=$((failed + 1))
done
elapsed=$(($(date +%s) - started))
tap_diag "$PROCESSES processes took $elapsed s"
tap_is "$PROCESSES concurrent cold calls: all exit 0" "$failed" 0
tap_is "$PROCESSES concurrent cold calls: nothing on stderr" "$(cat "$TEST_TMP"/err.*)" ""
tap_is "$PROCESSES concurrent cold calls: one request to the provider" \
	"$(emulator_request_count)" 1
tap_is "$PROCESSES concurrent cold calls: one token, printed by each" \
	"$(sort "$TEST_TMP"/token.* | uniq -c | sed 's/^ *//')" \
	"$PROCESSES $(emulator_last token)"
TOKEN=$(cat "$TEST_TMP/token.1")

# ---- a later call, with more than half the token's life left: the cache.
# The default policy serves a token while at least half of its life is left
# (or less): were this machine so slow that half of it has gone by now, "no
# request" would be the wrong expectation, so that is checked too.
run_credring token short
tap_status "a later call: exit 0" 0
tap_ok "a later call: within half the token's life ($(($(date +%s) - started)) s)" \
	test $(($(date +%s) - started)) -lt $((LIFETIME / 2))
tap_is "a later call: the cached token" "$RUN_OUT" "$TOKEN"
tap_is "a later call: no new request" "$(emulator_request_count)" 1

# ---- a process that waited for the lock takes a token issued since it was
# asked, however long the wait made it: else with many processes, or a slow
# machine, each waiter past the default minimum fetches again. The test holds
# the account's lock, so the waiter's wait is as long as it needs to be, and
# puts a token in the cache as the lock's holder would.
LOCK_FILE=$XDG_RUNTIME_DIR/credring/short.lock
[ -f "$LOCK_FILE" ] || tap_bail "no lock file at $LOCK_FILE"
# The cache entry credring wrote, for its account fingerprint.
FINGERPRINT=$(secret-tool lookup xdg:schema org.credring.Token account short |
	"$PYTHON" -c 'import json, sys; print(json.load(sys.stdin)["account_fingerprint"])')
[ -n "$FINGERPRINT" ] || tap_bail "no cached token to take the fingerprint from"
# The lock is freed a second after half of this has gone by, which leaves
# the waiter 4 s (valgrind: 49 s) to read the token before it expires; and
# short enough that the default minimum is half of it.
WAIT_LIFETIME=$((2 * (1 + 5 * TIME_SCALE)))

# cache_token ISSUED_AT LIFETIME TOKEN: TOKEN as the account's cached token.
cache_token() {
	secret-tool clear xdg:schema org.credring.Token account short
	printf '{"access_token":"%s","token_type":"Bearer","issued_at":%s,"expires_at":%s,"account_fingerprint":"%s"}' \
		"$3" "$1" $(($1 + $2)) "$FINGERPRINT" |
		secret-tool store --collection=session --label="test: short" \
			xdg:schema org.credring.Token account short
}
# hold_lock / release_lock: the account's lock, held by this shell on fd 9
# (every process started meanwhile is started with 9>&-, or it would keep
# the lock held).
hold_lock() { exec 9>>"$LOCK_FILE" && flock -x 9; }
release_lock() { exec 9>&-; }
# start_waiter ARGS...: `credring token short ARGS` in the background, once
# the cache is empty; returns once it waits for the lock (has the lock file
# open: it opens it only after it has looked in the cache).
start_waiter() {
	local i
	"${CREDRING_WRAP[@]}" "$CREDRING" token short "$@" \
		>"$TEST_TMP/waiter.out" 2>"$TEST_TMP/waiter.err" 9>&- &
	WAITER_PID=$!
	for i in $(seq $((300 * TIME_SCALE))); do  # at most 30 s, scaled
		"$PYTHON" - "$LOCK_FILE" $$ 9>&- <<'PY' && return 0
import os, sys
lock, me = sys.argv[1], sys.argv[2]
for pid in filter(str.isdigit, os.listdir("/proc")):
    if pid in (me, str(os.getpid())):
        continue
    try:
        fds = os.listdir("/proc/%s/fd" % pid)
    except OSError:
        continue
    for fd in fds:
        try:
            if os.readlink("/proc/%s/fd/%s" % (pid, fd)) == lock:
                sys.exit(0)
        except OSError:
            pass
sys.exit(1)
PY
		kill -0 "$WAITER_PID" 2>/dev/null || break
		sleep 0.1
	done
	release_lock
	tap_bail "credring token short never waited for the lock: $(cat "$TEST_TMP/waiter.err")"
}
# finish_waiter: frees the lock; sets RUN_STATUS, RUN_OUT, RUN_ERR.
finish_waiter() {
	release_lock
	RUN_STATUS=0
	wait "$WAITER_PID" || RUN_STATUS=$?
	RUN_OUT=$(cat "$TEST_TMP/waiter.out")
	RUN_ERR=$(cat "$TEST_TMP/waiter.err")
	RUN_ARGS=(token short "(waiter)")
}
# sleep_until EPOCH-SECONDS
sleep_until() { while [ "$(date +%s)" -lt "$1" ]; do sleep 0.2; done; }

# A token issued once the waiter was asked, older than the default minimum
# allows by the time the lock is free.
run_credring logout short
hold_lock
start_waiter
issued=$(date +%s)
cache_token "$issued" "$WAIT_LIFETIME" issued-while-waiting
sleep_until $((issued + WAIT_LIFETIME / 2 + 1))
n=$(emulator_request_count)
finish_waiter
tap_status "a waiter, token issued since it asked: exit 0" 0
tap_is "a waiter, token issued since it asked: takes it, past the default minimum" \
	"$RUN_OUT" issued-while-waiting
tap_is "a waiter, token issued since it asked: no request" "$(emulator_request_count)" "$n"

# The same for a forced refresh: a token issued after it was asked is the
# new token it wants.
run_credring logout short
hold_lock
start_waiter --force-refresh
issued=$(($(date +%s) + 1))  # after, not in the same second
sleep_until "$issued"
cache_token "$issued" "$WAIT_LIFETIME" refreshed-while-waiting
sleep_until $((issued + WAIT_LIFETIME / 2 + 1))
n=$(emulator_request_count)
finish_waiter
tap_status "a forced refresh that waited, token issued since: exit 0" 0
tap_is "a forced refresh that waited, token issued since: takes it" \
	"$RUN_OUT" refreshed-while-waiting
tap_is "a forced refresh that waited, token issued since: no request" \
	"$(emulator_request_count)" "$n"

# A token issued before the waiter was asked gets no such favour: past the
# default minimum, it is replaced.
run_credring logout short
asked=$(date +%s)
hold_lock
start_waiter
issued=$((asked - 1))
cache_token "$issued" "$WAIT_LIFETIME" issued-before-asking
sleep_until $((issued + WAIT_LIFETIME / 2 + 1))
n=$(emulator_request_count)
finish_waiter
tap_status "a waiter, token issued before it asked: exit 0" 0
tap_is "a waiter, token issued before it asked: fetches a new one" \
	"$(emulator_request_count)" $((n + 1))
tap_is "a waiter, token issued before it asked: prints the new one" \
	"$RUN_OUT" "$(emulator_last token)"

# An explicit minimum is a promise that a token issued since the waiter
# asked does not excuse: one that lasts less is not taken; the waiter asks
# the provider, and when its tokens last less too, says so.
run_credring logout short
hold_lock
start_waiter --min-valid 100000
issued=$(date +%s)
cache_token "$issued" "$WAIT_LIFETIME" too-short-for-min-valid
n=$(emulator_request_count)
finish_waiter
tap_status "a waiter with --min-valid no token meets: exit 2" 2
tap_contains "a waiter with --min-valid no token meets: says so" "$RUN_ERR" \
	"the provider's tokens last $LIFETIME s, less than the 100000 s asked for"
tap_is "a waiter with --min-valid no token meets: asked the provider" \
	"$(emulator_request_count)" $((n + 1))
tap_lacks "a waiter with --min-valid no token meets: no token printed" \
	"$RUN_OUT" too-short-for-min-valid

tap_done
