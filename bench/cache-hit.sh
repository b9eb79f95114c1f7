#!/bin/bash
# The path people hit every minute: `credring token` with a valid cached
# token.  Reports wall time per call, the instruction count of one call
# (callgrind: repeatable), and checks what the path must not do: load any
# plugin but the account's, or map libcurl at all.
. "$(dirname "$0")/common.sh"

# The binary itself, not libtool's wrapper script (which costs more than
# the program); as if installed.
export LD_LIBRARY_PATH=$abs_top_builddir/core/.libs
credring=$abs_top_builddir/helpers/.libs/credring
[ -x "$abs_top_builddir/helpers/.libs/lt-credring" ] && credring=$abs_top_builddir/helpers/.libs/lt-credring

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

# What the dynamic loader opened.
LD_DEBUG=files "$credring" token bench 2>"$work/ld.log" >/dev/null
plugins=$(grep -o "file=[^ ]*plugins/.libs/[a-z_-]*\.so" "$work/ld.log" | sort -u | sed 's/.*\///')
libcurl=$(grep -c "file=[^ ]*libcurl" "$work/ld.log" || true)
echo "plugins loaded:        $(echo $plugins)"
echo "libcurl mapped:        $libcurl times"
echo "shared objects mapped: $(grep -o 'file=[^ ]*' "$work/ld.log" | sort -u | wc -l)"

if command -v valgrind >/dev/null; then
	valgrind --tool=callgrind \
		--callgrind-out-file="$work/callgrind.out" "$credring" token bench >/dev/null 2>&1
	echo "instructions:          $(grep -m1 '^summary:' "$work/callgrind.out" | awk '{print $2}')"
	curl_calls=$(callgrind_annotate "$work/callgrind.out" 2>/dev/null | grep -c 'curl_global_init\|Curl_' || true)
	echo "libcurl functions run: $curl_calls"
else
	curl_calls=0
fi
[ "$(( $(requests) - before ))" = 0 ] && [ "$plugins" = ants.so ] && [ "$libcurl" = 0 ] &&
	[ "$curl_calls" = 0 ]
