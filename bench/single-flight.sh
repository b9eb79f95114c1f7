#!/bin/bash
# Single flight across processes: 50 concurrent `credring token` calls for
# one account with a cold cache, against a deliberately slow provider (each
# answer takes 2 s), should make exactly one token request and print 50
# identical tokens.
. "$(dirname "$0")/common.sh"

processes=${PROCESSES:-50}
start_ants_emulator --delay 2

started=$(date +%s.%N)
pids=()
for i in $(seq "$processes"); do
	"$credring" token bench >"$work/token.$i" 2>"$work/err.$i" &
	pids+=($!)
done
wait "${pids[@]}"   # not the emulator
elapsed=$(awk -v s="$started" -v e="$(date +%s.%N)" 'BEGIN { printf "%.2f", e - s }')

distinct=$(cat "$work"/token.* | sort -u | grep -c .)
failures=$(cat "$work"/err.* | grep -c . || true)
echo "processes:         $processes"
echo "token requests:    $(requests)"
echo "distinct tokens:   $distinct"
echo "failed processes:  $failures"
echo "wall time:         ${elapsed}s (the provider takes 2 s per answer)"
[ "$(requests)" = 1 ] && [ "$distinct" = 1 ] && [ "$failures" = 0 ]
