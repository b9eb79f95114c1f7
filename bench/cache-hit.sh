#!/bin/bash
# The path people hit every minute: `credring token` with a valid cached
# token.  Reports wall time per call, the instruction count of one call
# (callgrind: repeatable), and checks what the path must not do: load any
# plugin but the account's, or map libcurl at all.  Then the same call
# with 1,000 accounts in accounts.conf, the asked-for one last, and the
# ratio of the two instruction counts (at most 1.10 is the goal).
. "$(dirname "$0")/common.sh"

# The binary itself, not libtool's wrapper script (which costs more than
# the program); as if installed.
export LD_LIBRARY_PATH=$abs_top_builddir/core/.libs
credring=$(program_itself credring)

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

# What was opened: plugins are dlopen()ed through the descriptor the loader
# checked (/proc/self/fd/N), so the files opened say which; the dynamic
# loader says what else was mapped.
LD_DEBUG=files "$credring" token bench 2>"$work/ld.log" >/dev/null
if command -v strace >/dev/null; then
	strace -f -e trace=openat -o "$work/open.log" "$credring" token bench >/dev/null 2>&1
	# The loader walks to a plugin directory by directory: openat(DIR, "NAME.so").
	# cli.so, the CLI's own module, is opened the same way (without the
	# service running, `credring token` is answered by it).
	opened=$(grep -o 'openat([0-9]*, "[a-z0-9_-]*\.so"' "$work/open.log" | sed 's/.*"\(.*\)"/\1/' | sort -u)
	plugins=$(grep -vx cli.so <<<"$opened" || true)
	modules=$(grep -x cli.so <<<"$opened" || true)
else
	plugins="(strace is not installed: apt-get install strace)"
	modules=
fi
libcurl=$(grep -c "file=[^ ]*libcurl" "$work/ld.log" || true)
echo "plugins loaded:        $(echo $plugins)"
echo "CLI module loaded:     ${modules:-none}"
echo "libcurl mapped:        $libcurl times"
echo "shared objects mapped: $(grep -o 'file=[^ ]*' "$work/ld.log" | sort -u | wc -l)"

# instructions OUT: callgrind's count for one cached call.
instructions() {
	valgrind --tool=callgrind --callgrind-out-file="$1" "$credring" token bench >/dev/null 2>&1
	grep -m1 '^summary:' "$1" | awk '{print $2}'
}

if command -v valgrind >/dev/null; then
	one=$(instructions "$work/callgrind.out")
	echo "instructions:          $one"
	curl_calls=$(callgrind_annotate "$work/callgrind.out" 2>/dev/null | grep -c 'curl_global_init\|Curl_' || true)
	echo "libcurl functions run: $curl_calls"

	# 999 other accounts before the one asked for: what a big file costs.
	{
		for i in $(seq 999); do
			printf '[filler-%d]\nprovider = ants\nclient_id = client-%d\nscope = item\n' "$i" "$i"
			printf 'url = https://api-%d.example.com/v1\n\n' "$i"
		done
		cat "$CREDRING_CONFIG"
	} >"$work/big.conf"
	chmod 600 "$work/big.conf"
	mv "$work/big.conf" "$CREDRING_CONFIG"
	"$credring" token bench >/dev/null
	many=$(instructions "$work/callgrind-1000.out")
	ratio=$(awk -v a="$many" -v b="$one" 'BEGIN { printf "%.2f", a / b }')
	echo "instructions, 1000 accounts: $many (${ratio}x; at most 1.10x)"
	big_file_ok=$(awk -v r="$ratio" 'BEGIN { print (r <= 1.10) ? 1 : 0 }')
else
	echo "instructions:          (valgrind is not installed: apt-get install valgrind)"
	curl_calls=0 big_file_ok=1
fi
# The exit status says whether the path kept its promises.
[ "$(( $(requests) - before ))" = 0 ] && [ "$plugins" = ants.so ] && [ "$libcurl" = 0 ] &&
	[ "$curl_calls" = 0 ] && [ "$big_file_ok" = 1 ]
