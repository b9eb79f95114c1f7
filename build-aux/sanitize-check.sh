#!/bin/bash
# build-aux/sanitize-check.sh [--fresh] [BUILD-DIR]
#
# The whole test suite (`make check`: unit and integration tests) on a build
# made with -fsanitize=address,undefined: AddressSanitizer, LeakSanitizer
# (detect_leaks=1) and UndefinedBehaviorSanitizer (no recovery: the first
# finding aborts the program).
#
# The build is made in BUILD-DIR (default _build/asan in the source tree), on a
# copy of the source tree as git sees it: the tracked files and the untracked
# ones that are not ignored, with their working-tree contents. A copy, because
# the source tree is usually configured in place and automake refuses a VPATH
# build from a configured source tree. The copy is updated, not remade, on the
# next run (the files that differ are copied again, so make rebuilds what
# changed); --fresh removes BUILD-DIR first. Outside a git checkout (a release tarball) the build
# is a VPATH build from the unconfigured source tree.
#
# Sanitizer reports go to files, one directory per test (BUILD-DIR/memcheck/
# TEST-NAME/), not into the stderr that the tests compare; any report fails the
# run, whether or not a test noticed. Ends with one line "N passed, N failed"
# (automake's summary, plus one failure per test with sanitizer reports) and
# exits non-zero on any failure.
set -u

srcdir=$(cd "$(dirname "$0")/.." && pwd)
fresh=
[ "${1:-}" = --fresh ] && { fresh=1; shift; }
build=${1:-$srcdir/_build/asan}

SAN_CFLAGS="-g -O1 -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined"
SAN_LDFLAGS="-fsanitize=address,undefined"

die() { echo "sanitize-check: $*" >&2; echo "0 passed, 1 failed"; exit 1; }

[ -n "$fresh" ] && rm -rf "$build"
mkdir -p "$build" || die "cannot make $build"
build=$(cd "$build" && pwd)
case $build in *[[:space:]]*) die "the build directory must have no blanks: $build" ;; esac

# ---- the source: a copy of the git tree, or a VPATH build.
if git -C "$srcdir" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	src=$build
	echo "sanitize-check: copying the source tree to $build" >&2
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
	"$configure" CFLAGS="$SAN_CFLAGS" LDFLAGS="$SAN_LDFLAGS" >configure.log 2>&1 ||
		{ tail -30 configure.log; die "configure failed (log: $build/configure.log)"; }
fi
make -j2 >build.log 2>&1 || { tail -40 build.log; die "the build failed (log: $build/build.log)"; }

# ---- the tests.
logdir=$build/memcheck
rm -rf "$logdir"
mkdir -p "$logdir"
export MEMCHECK_MODE=asan MEMCHECK_LOGDIR=$logdir
# exitcode=0: a leak does not change a program's exit status (LeakSanitizer
# reports at exit; a test comparing the status would fail for the wrong
# reason), while abort_on_error=1 makes every ASan or UBSan error an abort
# (SIGABRT), which the tests see. Either way the report is in a file, and
# every report fails this run.
# fast_unwind_on_malloc (the default): the frame-pointer unwinder, which stops
# at the first frame of a library built without frame pointers (GLib, GIO,
# libsecret); the exact unwinder (SANITIZE_SLOW_UNWIND=1) sees whole stacks
# but makes each run several times slower, enough for TLS handshakes to hit
# the CLI's 10 s connect timeout on a loaded machine. valgrind-check.sh has
# whole stacks for leaks.
unwind=
[ -n "${SANITIZE_SLOW_UNWIND:-}" ] && unwind=:fast_unwind_on_malloc=0:malloc_context_size=40
export ASAN_OPTIONS=detect_leaks=1:exitcode=0:abort_on_error=1:detect_stack_use_after_return=1:strict_string_checks=1:check_initialization_order=1$unwind
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
wrap=$srcdir/build-aux/memcheck-wrap

start=$(date +%s)
# Run once, by the plain `make check`: tests/layout.py reads the source
# tree, the authorization server's self-test runs the emulator (Python
# both; nothing to wrap).  The service tests (integration/service-*.sh)
# all run here although D-Bus activation starts credring-service without
# the wrapper: it is built with the sanitizers like everything else, and
# inherits ASAN_OPTIONS (memcheck-wrap's log_path for the test) through
# the test's dbus-daemon, so its reports, leaks at its exit on SIGTERM
# included, land with the test's.
once_only="tests/layout.py tests/emulator/auth-server-selftest.py"
tests=$(make -s print-tests | tr ' ' '\n' | grep -vxF -f <(echo $once_only | tr ' ' '\n') | tr '\n' ' ')
make -j2 check TESTS="$tests" LOG_COMPILER="$wrap" SH_LOG_COMPILER="$wrap bash" 2>&1 | tee check.log
status=${PIPESTATUS[0]}
echo "sanitize-check: make check took $(($(date +%s) - start)) s" >&2

# ---- the summary.
count() { awk -v key="# $1:" '$1 " " $2 == key { n += $3 } END { print n + 0 }' check.log; }
passed=$(count PASS)
failed=$(($(count FAIL) + $(count ERROR) + $(count XPASS)))
skipped=$(count SKIP)

# Every report file is read; a leak record that is GLib's own (see
# known_glib_leak below) is counted and set aside, anything else is a finding.
# LeakSanitizer suppressions cannot name it: Debian's libgio is stripped, so
# its frames have no function names (and with the default unwinder no frames
# at all), and a suppression by module would hide our leaks of what libsecret
# hands back too (a SecretValue, a list of SecretItem).
reported=$("${PYTHON:-python3}" - "$logdir" <<'PY'
import os, re, sys

logdir = sys.argv[1]

def known_glib_leak(kind, size, count, frames):
    """GLib 2.74's GDBusProxy leaks, once per proxy, the GWeakRef (8 bytes,
    g_new0 in gio's weak_ref_new) of each of its 3 signal subscriptions when
    the proxy is finalised after the thread-default main context it was made
    in has gone: libsecret's *_sync functions run each call in a throwaway
    main context, and the proxies (SecretService, SecretItem) outlive it.
    Reproduced without credring: one secret_password_lookup_sync() followed
    by secret_service_disconnect(), or any secret_password_search_sync() that
    finds an item. Signature: a direct leak of 8 bytes per object (identical
    stacks are merged: 3 objects, 24 bytes) from calloc <- g_malloc0
    (libglib), then nothing (the frame-pointer unwinder stops in stripped
    gio) or unnamed frames of libgio."""
    if kind != "Direct" or size != 8 * count or len(frames) < 2:
        return False
    if "calloc" not in frames[0] or not re.search(r" in g_malloc0 .*libglib-2\.0\.so", frames[1]):
        return False
    return len(frames) == 2 or re.search(r"0x[0-9a-f]+\s+\(.*libgio-2\.0\.so", frames[2]) is not None

findings = 0
ignored = 0
for test in sorted(os.listdir(logdir)):
    shown = []
    for name in sorted(os.listdir(os.path.join(logdir, test))):
        path = os.path.join(logdir, test, name)
        text = open(path, errors="replace").read()
        if not text.strip():
            continue
        kept = []
        # Leak records: "Direct leak of N byte(s) in M object(s) ..." + frames.
        for m in re.finditer(r"^(Direct|Indirect) leak of (\d+) byte\(s\) in (\d+) object\(s\).*\n((?:\s+#\d+ .*\n?)*)",
                             text, re.M):
            frames = [l.strip() for l in m.group(4).splitlines() if l.strip()]
            if known_glib_leak(m.group(1), int(m.group(2)), int(m.group(3)), frames):
                ignored += 1
            else:
                kept.append(m.group(0).rstrip())
        # Anything else than LeakSanitizer: memory errors, UBSan.
        others = [l for l in text.splitlines()
                  if re.search(r"ERROR: (AddressSanitizer|UndefinedBehaviorSanitizer)|runtime error:", l)]
        if others:
            kept.insert(0, "\n".join(text.strip().splitlines()[:60]))
        if kept:
            shown.append("---- %s\n%s" % (path, "\n\n".join(kept)))
    if shown:
        findings += 1
        print("==== sanitizer findings in %s:" % test, file=sys.stderr)
        print("\n".join(shown)[:12000], file=sys.stderr)
print("sanitize-check: %d leak records of GLib's GDBusProxy set aside (known_glib_leak)" % ignored,
      file=sys.stderr)
print(findings)
PY
) || reported=1
if [ "$reported" -gt 0 ]; then
	echo "sanitize-check: $reported test(s) with sanitizer findings (reports in $logdir)"
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
