#!/bin/bash
# The path people hit every minute: `credring token` with a valid cached
# token.  Reports wall time per call, the instruction count of one call
# (callgrind: repeatable), and checks what the path must not do: load any
# plugin but the account's, or touch libcurl.
. "$(dirname "$0")/common.sh"

runs=${RUNS:-200}
start_ants_emulator
"$credring" token bench >/dev/null   # fills the cache
before=$(requests)

started=$(date +%s%N)
for _ in $(seq "$runs"); do "$credring" token bench >/dev/null; done
ended=$(date +%s%N)
echo "calls:                 $runs"
echo "mean wall time:        $(( (ended - started) / runs / 1000 )) us per call"
echo "token requests made:   $(( $(requests) - before ))"

# Which plugins the dynamic loader opened.
plugins=$(LD_DEBUG=files "$abs_top_builddir/libtool" --mode=execute "$credring" token bench 2>&1 >/dev/null |
	grep -o "file=[^ ]*plugins/.libs/[a-z_-]*\.so" | sort -u | sed 's/.*\///')
echo "plugins loaded:        $(echo $plugins)"

if command -v valgrind >/dev/null; then
	"$abs_top_builddir/libtool" --mode=execute valgrind --tool=callgrind \
		--callgrind-out-file="$work/callgrind.out" "$credring" token bench >/dev/null 2>&1
	echo "instructions:          $(grep -m1 '^summary:' "$work/callgrind.out" | awk '{print $2}')"
	curl_calls=$(callgrind_annotate "$work/callgrind.out" 2>/dev/null | grep -c 'curl_global_init\|Curl_' || true)
	echo "libcurl functions run: $curl_calls"
else
	curl_calls=0
fi
[ "$(( $(requests) - before ))" = 0 ] && [ "$plugins" = ants.so ] && [ "$curl_calls" = 0 ]
