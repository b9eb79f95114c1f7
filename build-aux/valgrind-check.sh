#!/bin/bash
# build-aux/valgrind-check.sh [--fresh] [BUILD-DIR]
#
# The whole test suite (`make check`: unit and integration tests) with every
# run of our C programs under valgrind's memcheck:
#   valgrind --leak-check=full --errors-for-leak-kinds=definite,indirect
#            --error-exitcode=1 --suppressions=build-aux/valgrind.supp
# Unit tests through automake's LOG_COMPILER, the CLI runs of the integration
# tests through CREDRING_WRAPPER (tests/integration/lib.sh, git-lib.sh), both
# set by build-aux/memcheck-wrap. "possibly lost" blocks are not errors: GLib's
# type system keeps interior pointers into its one-time type data.
#
# The build (a plain one, -g -O1) is made in BUILD-DIR (default
# _build/valgrind in the source tree), on a copy of the source tree as git sees
# it: the tracked files and the untracked ones that are not ignored, with their
# working-tree contents. A copy, because the source tree is usually configured
# in place and automake refuses a VPATH build from a configured source tree.
# The copy is updated, not remade, on the next run (the files that differ are
# copied again, so make rebuilds what changed); --fresh removes BUILD-DIR first. Outside a git
# checkout (a release tarball) the build is a VPATH build from the unconfigured
# source tree.
#
# valgrind's reports go to files, one directory per test (BUILD-DIR/memcheck/
# TEST-NAME/vg.PID), not into the stderr that the tests compare; any error
# fails the run, whether or not a test noticed. Ends with one line
# "N passed, N failed" (automake's summary, plus one failure per test with
# valgrind errors) and exits non-zero on any failure.
#
# MEMCHECK_VALGRIND_OPTS adds valgrind options (e.g. --track-origins=yes when
# chasing an uninitialised value: about twice as slow).
set -u

srcdir=$(cd "$(dirname "$0")/.." && pwd)
fresh=
[ "${1:-}" = --fresh ] && { fresh=1; shift; }
build=${1:-$srcdir/_build/valgrind}

die() { echo "valgrind-check: $*" >&2; echo "0 passed, 1 failed"; exit 1; }

# valgrind itself (not in build-aux/deps: only this check needs it), with
# glibc's symbols, which the suppressions' frame names rely on.
if ! command -v valgrind >/dev/null || ! dpkg-query -W -f='${Status}' libc6-dbg 2>/dev/null | grep -q "ok installed"; then
	sudo=
	[ "$(id -u)" -ne 0 ] && sudo=sudo
	echo "valgrind-check: installing valgrind libc6-dbg" >&2
	$sudo apt-get update -qq &&
		DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
			valgrind libc6-dbg >/dev/null || die "cannot install valgrind"
fi

[ -n "$fresh" ] && rm -rf "$build"
mkdir -p "$build" || die "cannot make $build"
build=$(cd "$build" && pwd)
# The CLI's wrapper command is word-split by lib.sh.
case $build$srcdir in *[[:space:]]*) die "the directories must have no blanks: $build" ;; esac

# ---- the source: a copy of the git tree, or a VPATH build.
if git -C "$srcdir" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	src=$build
	echo "valgrind-check: copying the source tree to $build" >&2
	# Only what differs is copied, and it gets the time of the copy: make
	# then rebuilds exactly what changed since the last run.
	(
		cd "$srcdir" || exit 1
		git ls-files -z --cached --others --exclude-standard -- . ':(exclude)_build' ':(exclude)credring-[0-9]*' |
			while IFS= read -r -d '' f; do
				# Tracked but deleted in the working tree: not copied.
				[ -f "$f" ] || [ -L "$f" ] || continue
				cmp -s "$f" "$build/$f" && continue
				mkdir -p "$build/$(dirname "$f")" &&
					rm -f "$build/$f" &&
					cp -P --preserve=mode "$f" "$build/$f" || exit 1
			done
	) || die "cannot copy the source tree"
	configure=./configure
elif [ ! -f "$srcdir/config.status" ]; then
	src=$srcdir
	configure=$srcdir/configure
else
	die "$srcdir is configured in place and is not a git checkout: run make distclean there"
fi

cd "$build" || die "cannot enter $build"
if [ ! -f config.status ]; then
	if [ "$src" = "$build" ]; then
		autoreconf -fi >autoreconf.log 2>&1 || { cat autoreconf.log; die "autoreconf failed"; }
	fi
	"$configure" CFLAGS="-g -O1" >configure.log 2>&1 ||
		{ tail -30 configure.log; die "configure failed (log: $build/configure.log)"; }
fi
make -j2 >build.log 2>&1 || { tail -40 build.log; die "the build failed (log: $build/build.log)"; }

# ---- the tests.
logdir=$build/memcheck
rm -rf "$logdir"
mkdir -p "$logdir"
export MEMCHECK_MODE=valgrind MEMCHECK_LOGDIR=$logdir MEMCHECK_LIBTOOL=$build/libtool
export MEMCHECK_SUPP=$srcdir/build-aux/valgrind.supp
wrap=$srcdir/build-aux/memcheck-wrap

start=$(date +%s)
# Run once, by the plain `make check`, not again under valgrind: what
# valgrind adds to them the sanitizer run adds already, at a fraction of
# the time.  tests/layout.py reads the source tree (Python; nothing to
# wrap); cli.sh is 170 runs of argument parsing and help text; short-lived.sh
# times 20 processes racing for a lock, which valgrind slows past the point
# of measuring anything; escaping.sh and login-one-secret.sh run the same
# printing and login paths as status.sh and login-tty.sh, with other bytes.
# The authorization server's self-test is Python alone.  signin-browser.sh
# drives chromium and races 20 processes twice; the C it reaches beyond
# signin-device.sh (refresh, rotation, the device flow, revocation) is the
# loopback listener, which test-redirect-listener runs under valgrind, and
# the browser flow, which the sanitizer run covers.  credring-service is
# started by D-Bus activation, never through the wrapper: of the service
# tests, only the CLI and git runs are under valgrind (their asking the
# service first, in the others), and service-uid.sh has none but its
# setup's login (its callers are Python); the sanitizer run checks the
# service itself (it is built with the sanitizers there).  no-plain-files.sh
# searches the machine's files for secrets after paths every other test
# runs under valgrind; what it asserts is in the files, not in memory.
# service-login-browser.sh drives chromium from the activated service,
# which no wrapper reaches: the sanitizer run builds the service with them.
# Likewise the other service tests: what they run of the CLI and git is
# asking the service's socket, which test-service-socket and token-fast.sh
# run under valgrind.  The kernel keyring's, the secret sources' and the
# wrappers' C is run under valgrind by their unit tests (test-kernel,
# test-secret-sources) and by token-fast.sh, doctor.sh and cli.sh, and by
# the sanitizer run in full; their integration tests add hundreds of runs
# of the same paths, which valgrind would stretch past CI's hour.  man.sh
# and completion.sh run --help and the account listing, nothing else.
once_only="tests/layout.py tests/integration/cli.sh tests/integration/short-lived.sh
  tests/integration/escaping.sh tests/integration/login-one-secret.sh
  tests/emulator/auth-server-selftest.py tests/integration/signin-browser.sh
  tests/integration/service-uid.sh tests/integration/no-plain-files.sh
  tests/integration/service-login-browser.sh
  tests/integration/service-methods.sh tests/integration/service-errors.sh
  tests/integration/service-signals.sh tests/integration/service-cache.sh
  tests/integration/service-kill.sh tests/integration/service-login.sh
  tests/integration/kernel-keyring.sh tests/integration/kernel-keyring-desktop.sh
  tests/integration/secret-sources.sh tests/integration/secret-sources-no-keyring.sh
  tests/integration/wrappers.sh tests/integration/httpie.sh
  tests/integration/man.sh tests/integration/completion.sh"
tests=$(make -s print-tests | tr ' ' '\n' | grep -vxF -f <(echo $once_only | tr ' ' '\n') | tr '\n' ' ')
make -j2 check TESTS="$tests" LOG_COMPILER="$wrap" SH_LOG_COMPILER="$wrap bash" 2>&1 | tee check.log
status=${PIPESTATUS[0]}
echo "valgrind-check: make check took $(($(date +%s) - start)) s" >&2

# ---- the summary.
count() { awk -v key="# $1:" '$1 " " $2 == key { n += $3 } END { print n + 0 }' check.log; }
passed=$(count PASS)
failed=$(($(count FAIL) + $(count ERROR) + $(count XPASS)))
skipped=$(count SKIP)

# A log with "ERROR SUMMARY: N" (N > 0) is a finding; one without an ERROR
# SUMMARY is a valgrind that did not finish (killed: a test's timeout).
reported=0 runs=0 unfinished=0
for d in "$logdir"/*/; do
	[ -d "$d" ] || continue
	name=${d%/}
	name=${name##*/}
	bad=
	for f in "$d"vg.*; do
		[ -f "$f" ] || continue
		runs=$((runs + 1))
		if ! grep -q 'ERROR SUMMARY:' "$f"; then
			unfinished=$((unfinished + 1))
			echo "valgrind-check: $name: ${f##*/} did not finish (killed?)"
		elif grep -q 'ERROR SUMMARY: [1-9]' "$f"; then
			[ -z "$bad" ] && echo "==== valgrind errors in $name:"
			bad=1
			echo "---- $f"
			# The errors, without valgrind's banner and suppression blocks.
			grep -v '^==[0-9]*== \(Memcheck\|Copyright\|Using Valgrind\|Command\|Parent PID\)' "$f" |
				awk '/^\{$/ { skip = 1 } !skip { print } /^\}$/ { skip = 0 }' | head -120
		fi
	done
	[ -n "$bad" ] && reported=$((reported + 1))
done
echo "valgrind-check: $runs program runs under valgrind, $unfinished unfinished"
if [ "$reported" -gt 0 ]; then
	echo "valgrind-check: $reported test(s) with valgrind errors (logs in $logdir)"
	failed=$((failed + reported))
fi
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
	failed=1  # the build or the harness failed
fi
if [ "$skipped" -gt 0 ]; then
	echo "$passed passed, $failed failed, $skipped skipped"
else
	echo "$passed passed, $failed failed"
fi
[ "$status" -eq 0 ] && [ "$failed" -eq 0 ]
