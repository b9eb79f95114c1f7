#!/bin/bash
# What credring-service buys (issue #12, §3): the wall time of a cached
# token, as the median of alternating runs, against `secret-tool lookup`
# of an item in the same private keyring (the cost of any tool that asks
# the Secret Service each time):
#   a. secret-tool lookup                               the baseline
#   b. credring token, the service running              target: at most 0.25x (a)
#   c. credring token, no service (today's path)        target: no slower than before
#   d. GetAccessToken from a program already on the bus target: median at most 0.5 ms
# Beside them: `credring --version`, what any credring process costs
# before it does anything (the floor of (b)), Peer.Ping to the service
# (the bus's floor under (d)), whether (b) went to the service's socket
# and not to the bus, and the load average while it ran.
# Each figure, each ratio and a verdict per target are printed; the exit
# status is 0 whatever the figures (a measurement, not a test), 1 when
# something did not work at all.
#
# RUNS (default 200): runs of each command per phase.  CALLS (default
# 2000): D-Bus calls timed for (d).  BEFORE=DIR: the build tree of a
# credring without the service (same accounts, same cache), whose
# `credring token` is timed beside (c) to judge its target; one is made by
#   git archive REV | tar -x -C DIR && (cd DIR && autoreconf -fi && ./configure -q && make -j2)
# Without BEFORE, (c) is reported against (a) only.
. "$(dirname "$0")/common.sh"

# The binaries themselves, not libtool's wrapper scripts (which cost more
# than the programs); as if installed.
export LD_LIBRARY_PATH=$abs_top_builddir/core/.libs
credring=$(program_itself credring)
service=$(program_itself credring-service)

runs=${RUNS:-200}
calls=${CALLS:-2000}
socket=$XDG_RUNTIME_DIR/credring/service.socket
service_pid=

fail() {
	echo "service.sh: $*" >&2
	exit 1
}

stop_service() {
	[ -n "$service_pid" ] || return 0
	kill -TERM "$service_pid" 2>/dev/null
	wait "$service_pid" 2>/dev/null || true
	service_pid=
}
# common.sh's cleanup, and the service's.
trap 'stop_service; [ -n "$emulator_pid" ] && kill "$emulator_pid" 2>/dev/null; rm -rf "$work"' EXIT

name_has_owner() {
	gdbus call --session --dest org.freedesktop.DBus --object-path /org/freedesktop/DBus \
		--method org.freedesktop.DBus.NameHasOwner org.credring.Credring1 2>/dev/null |
		grep -q true
}

# Started by hand (the private bus activates nothing), kept from its idle
# exit for the whole run; ready once it owns its name and its socket is up.
start_service() {
	[ -x "$service" ] || fail "no $service: build credring-service first (make)"
	CREDRING_SERVICE_IDLE_TIMEOUT=3600 "$service" 2>>"$work/service.log" &
	service_pid=$!
	for _ in $(seq 100); do
		name_has_owner && [ -S "$socket" ] && return 0
		kill -0 "$service_pid" 2>/dev/null || break
		sleep 0.1
	done
	cat "$work/service.log" >&2
	fail "credring-service did not come up (name org.credring.Credring1 and $socket)"
}

# The commands timed.  Functions, so that no extra process (env, a
# subshell) is timed with them.
lookup() { secret-tool lookup purpose credring-bench; }
token() { "$credring" token bench; }
# What any process costs before it does anything: the floor of (b).
startup() { /bin/true; }
token_before() {
	LD_LIBRARY_PATH=$BEFORE/core/.libs CREDRING_PLUGIN_DIR=$BEFORE/plugins/.libs \
		CREDRING_FETCH_MODULE=$BEFORE/core/.libs/fetch.so "$before_credring" token bench
}

# time_us NAME: runs the function NAME once, appends its wall time in
# microseconds to $work/NAME.us.  $EPOCHREALTIME: no process to read a clock.
time_us() {
	local started ended
	started=${EPOCHREALTIME/[.,]/}
	"$1" >/dev/null 2>"$work/last.err" || fail "$1 failed: $(head -1 "$work/last.err")"
	ended=${EPOCHREALTIME/[.,]/}
	echo $((ended - started)) >>"$work/$1.us"
}

# alternate PHASE NAME...: RUNS rounds, each running every NAME once, the
# order rotated each round; the times go to $work/PHASE-NAME.us.
alternate() {
	local phase=$1 round i n names
	shift
	names=("$@")
	n=$#
	for round in $(seq 0 $((runs - 1))); do
		for i in $(seq 0 $((n - 1))); do
			time_us "${names[$(((round + i) % n))]}"
		done
	done
	for name in "$@"; do mv "$work/$name.us" "$work/$phase-$name.us"; done
}

median() {
	sort -n "$1" | awk '{ v[NR] = $1 }
		END { if (NR % 2) print v[(NR + 1) / 2]; else print int((v[NR / 2] + v[NR / 2 + 1]) / 2) }'
}
ms() { awk -v us="$1" 'BEGIN { printf "%6.2f ms", us / 1000 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
at_most() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a <= b) }'; }
verdict() { if "$@"; then echo met; else echo "NOT met"; fi; }

# ---- set up: the account's token cached, the baseline's item stored.
start_ants_emulator
printf %s bench-baseline-secret |
	secret-tool store --label='credring bench baseline' purpose credring-bench ||
	fail "secret-tool store failed"
[ "$(lookup)" = bench-baseline-secret ] || fail "secret-tool lookup does not find the stored item"
token >/dev/null || fail "credring token bench failed"
if [ -n "${BEFORE:-}" ]; then
	before_credring=$BEFORE/helpers/.libs/credring
	[ -x "$BEFORE/helpers/.libs/lt-credring" ] && before_credring=$BEFORE/helpers/.libs/lt-credring
	[ -x "$before_credring" ] || fail "BEFORE=$BEFORE has no helpers/.libs/credring"
	token_before >/dev/null || fail "$before_credring token bench failed"
fi
cc -O2 "$abs_top_srcdir/bench/dbus-call.c" $(pkg-config --cflags --libs gio-2.0) \
	-o "$work/dbus-call" || fail "cannot build bench/dbus-call.c"
requests_before=$(requests)

# ---- phase 1: the service running, its cache warm.
start_service
token >/dev/null || fail "credring token bench failed with the service running"
"$work/dbus-call" bench 1 >/dev/null || fail "GetAccessToken bench failed"
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
alternate running lookup token startup
# What (b) does: the service's socket, and nothing of the bus.
if command -v strace >/dev/null; then
	strace -f -s 4096 -e trace=connect -o "$work/connect.log" "$credring" token bench >/dev/null 2>&1
	bus_path=$(printf %s "$DBUS_SESSION_BUS_ADDRESS" | sed -n 's/^unix:path=\([^,;]*\).*/\1/p')
	to_socket=$(grep -c "\"$socket\"" "$work/connect.log" || true)
	to_bus="?"
	[ -n "$bus_path" ] && to_bus=$(grep -c "\"$bus_path\"" "$work/connect.log" || true)
else
	to_socket="? (strace is not installed)"
	to_bus="?"
fi
d=$("$work/dbus-call" bench "$calls") || fail "the GetAccessToken loop failed"
ping=$("$work/dbus-call" --ping bench "$calls") || fail "the Peer.Ping loop failed"
stop_service
name_has_owner && fail "org.credring.Credring1 is still owned after the service was stopped"
stale_socket=no
[ -e "$socket" ] && stale_socket=yes

# ---- phase 2: no service.
phase2=(lookup token)
[ -n "${BEFORE:-}" ] && phase2+=(token_before)
alternate stopped "${phase2[@]}"
requests_made=$(($(requests) - requests_before))
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

# ---- the figures.
a1=$(median "$work/running-lookup.us")
b=$(median "$work/running-token.us")
floor=$(median "$work/running-startup.us")
a2=$(median "$work/stopped-lookup.us")
c=$(median "$work/stopped-token.us")
d_us=$(printf %s "$d" | sed -n 's/.*median_us=\([0-9]*\).*/\1/p')
d_min=$(printf %s "$d" | sed -n 's/.*min_us=\([0-9]*\).*/\1/p')
d_p90=$(printf %s "$d" | sed -n 's/.*p90_us=\([0-9]*\).*/\1/p')
ping_us=$(printf %s "$ping" | sed -n 's/.*median_us=\([0-9]*\).*/\1/p')

echo "medians of $runs alternating runs of each command, wall time per call:"
echo "service running:"
echo "  a. secret-tool lookup                        $(ms "$a1")"
echo "  b. credring token bench (cached)             $(ms "$b")   $(ratio "$b" "$a1")x (a)"
echo "     its process connected to service.socket $to_socket time(s), to the session bus $to_bus"
echo "     /bin/true (a process's start)           $(ms "$floor")   $(ratio "$floor" "$a1")x (a): the floor of (b)"
echo "  d. GetAccessToken, connected program         $(awk -v us="$d_us" 'BEGIN { printf "%6.3f ms", us / 1000 }')   ($calls calls; min $(awk -v us="$d_min" 'BEGIN { printf "%.3f", us / 1000 }'), p90 $(awk -v us="$d_p90" 'BEGIN { printf "%.3f", us / 1000 }'))"
echo "     Peer.Ping to the service (bus floor)      $(awk -v us="$ping_us" 'BEGIN { printf "%6.3f ms", us / 1000 }')"
echo "service not running:"
echo "  a. secret-tool lookup                        $(ms "$a2")"
echo "  c. credring token bench (cached)             $(ms "$c")   $(ratio "$c" "$a2")x (a)"
if [ -n "${BEFORE:-}" ]; then
	before=$(median "$work/stopped-token_before.us")
	echo "     the same, built without the service       $(ms "$before")   $(ratio "$before" "$a2")x (a); c is $(ratio "$c" "$before")x it"
fi
echo "token requests to the provider during the runs: $requests_made"
echo "load average ($(nproc) CPUs): $load_before at the start, $load_after at the end"
echo "service.socket left behind after SIGTERM: $stale_socket"
echo
echo "b at most 0.25x (a):             $(verdict at_most "$(ratio "$b" "$a1")" 0.25) ($(ratio "$b" "$a1")x)"
echo "d median at most 0.5 ms:         $(verdict at_most "$d_us" 500) ($(awk -v us="$d_us" 'BEGIN { printf "%.3f", us / 1000 }') ms)"
if [ -n "${BEFORE:-}" ]; then
	# Medians of alternating runs still wander by a percent or two.
	echo "c no slower than before (+5%):   $(verdict at_most "$(ratio "$c" "$before")" 1.05) ($(ratio "$c" "$before")x)"
else
	echo "c no slower than before:         not judged: no build without the service (BEFORE=DIR); $(ratio "$c" "$a2")x (a)"
fi
exit 0
