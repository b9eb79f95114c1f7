#!/bin/bash
# Builds the libFuzzer harnesses in fuzz/ and runs each for SECONDS (default
# 30) on its committed seed corpus.  One summary line per harness; exits
# non-zero when any harness finds something or does not build.
#
#   build-aux/fuzz.sh            # every harness, 30 s each (CI's smoke pass)
#   build-aux/fuzz.sh 600        # longer
#   FUZZ_TARGETS="response config" build-aux/fuzz.sh 60
#   build-aux/fuzz.sh --build-only
#
# Everything it makes goes to fuzz/build/ (ignored by git): the objects,
# the binaries, yajl's sources, and per run a scratch corpus that libFuzzer
# grows, so that fuzz/corpus/ only ever holds the seeds we commit.  A
# finding is left in fuzz/build/run/NAME/ as crash-*, leak-*, timeout-* or
# oom-*; reproduce it with  fuzz/build/fuzz-NAME THAT-FILE.
#
# The code under test is compiled straight from core/*.c with clang's
# sanitizers and coverage, independent of ./configure.  yajl's own sources
# are compiled in too, so that coverage guides the fuzzer through the JSON
# lexer and parser: they are fetched with `apt-get source yajl` (the version
# of the installed libyajl-dev) through a private apt configuration under
# fuzz/build/apt, which leaves the system's apt sources alone.  If that is
# impossible (no network, no deb-src) the harnesses link the system's
# libyajl instead, uninstrumented, and the summary says so.
#
# Run as root, it installs clang and the libFuzzer runtime when missing.
#
# Environment: CC (default clang), FUZZ_TARGETS, FUZZ_BUILD_DIR (instead
# of fuzz/build), FUZZ_YAJL_SRC (a yajl source tree to use instead of
# fetching one), FUZZ_FLAGS (extra libFuzzer flags for every run).
set -u

cd "$(dirname "$0")/.." || exit 2
top=$PWD

seconds=30
build_only=no
for arg in "$@"; do
  case $arg in
    --build-only) build_only=yes ;;
    [0-9]*) seconds=$arg ;;
    *) echo "usage: build-aux/fuzz.sh [SECONDS] [--build-only]" >&2; exit 2 ;;
  esac
done

targets=${FUZZ_TARGETS:-"response config descriptor encoder proto provider metadata"}
CC=${CC:-clang}
build=${FUZZ_BUILD_DIR:-$top/fuzz/build}
mkdir -p "$build/obj" "$build/run"

say() { echo "fuzz.sh: $*" >&2; }

# ---- toolchain --------------------------------------------------------------

# clang alone is not enough: the fuzzer runtime is in libclang-rt-NN-dev.
have_libfuzzer() {
  printf 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n){return 0;}\n' \
    >"$build/probe.c"
  "$CC" -fsanitize=fuzzer,address,undefined "$build/probe.c" -o "$build/probe" 2>/dev/null
}

# Installs Debian packages when we are root (CI, a fresh machine).
install() {
  [ "$(id -u)" -eq 0 ] || return 1
  say "installing $*"
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
      apt-get install -y -qq --no-install-recommends "$@"; } >/dev/null
}

if ! command -v "$CC" >/dev/null && { [ "$CC" != clang ] || ! install clang; }; then
  say "$CC not found: install the Debian package clang"
  exit 1
fi
if ! have_libfuzzer; then
  version=$("$CC" --version | sed -n 's/.*clang version \([0-9]*\).*/\1/p' | head -n 1)
  [ -n "$version" ] && install "libclang-rt-$version-dev"
  if ! have_libfuzzer; then
    say "$CC cannot link -fsanitize=fuzzer: install libclang-rt-${version:-NN}-dev"
    exit 1
  fi
fi

# ---- yajl's sources ------------------------------------------------------------

# Prints the yajl source directory, fetching it when needed; nothing on failure.
yajl_sources() {
  local dir=$build/yajl-src
  local apt=$build/apt
  local version
  local codename
  local opts

  if [ -n "${FUZZ_YAJL_SRC:-}" ]; then
    [ -f "$FUZZ_YAJL_SRC/src/yajl_parser.c" ] && echo "$FUZZ_YAJL_SRC"
    return
  fi
  for d in "$dir"/yajl-*/; do
    [ -f "$d/src/yajl_parser.c" ] && { echo "${d%/}"; return; }
  done
  command -v apt-get >/dev/null && command -v dpkg-source >/dev/null || return

  # A private apt configuration: deb-src lines for the Debian release we
  # run on, with their own lists, so /etc/apt stays as it is.
  codename=$(. /etc/os-release 2>/dev/null && echo "${VERSION_CODENAME:-}")
  [ -n "$codename" ] || return
  rm -rf "$apt" "$dir"
  mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial" "$dir"
  {
    echo "deb-src http://deb.debian.org/debian $codename main"
    echo "deb-src http://deb.debian.org/debian $codename-updates main"
    echo "deb-src http://deb.debian.org/debian-security $codename-security main"
  } >"$apt/sources.list"
  opts=(-o "Dir::Etc::SourceList=$apt/sources.list" -o "Dir::Etc::SourceParts=/dev/null"
        -o "Dir::State::Lists=$apt/lists" -o "Dir::Cache=$apt/cache"
        -o "APT::Sandbox::User=$(id -un)" -o "Debug::NoLocking=1")
  say "fetching yajl's sources with apt-get source (private apt lists in $apt)"
  apt-get "${opts[@]}" update -qq >"$apt/log" 2>&1 || return
  version=$(dpkg-query -W -f='${Version}' libyajl-dev 2>/dev/null)
  (cd "$dir" &&
     { { [ -n "$version" ] && apt-get "${opts[@]}" source -qq "yajl=$version"; } ||
       apt-get "${opts[@]}" source -qq yajl; }) >>"$apt/log" 2>&1 || return
  # The index is 20 MB and only needed for this one fetch.
  rm -rf "$apt/lists"
  for d in "$dir"/yajl-*/; do
    [ -f "$d/src/yajl_parser.c" ] && { echo "${d%/}"; return; }
  done
}

# ---- compiling -------------------------------------------------------------------

san="-fsanitize=address,undefined -fno-sanitize-recover=undefined"
cflags="-g -O1 -fno-omit-frame-pointer $san"
deps_cflags=$(pkg-config --cflags glib-2.0 gio-2.0 libcurl) || exit 1
deps_libs=$(pkg-config --libs glib-2.0 gio-2.0 libcurl) || exit 1
# What the core files include; an object older than any of them is rebuilt.
headers=$(ls "$top"/core/*/*.h "$top"/core/credring/*.h "$top"/fuzz/*.h "$top/build-aux/fuzz.sh")

# compile OUT SRC FLAGS...: compiles SRC unless OUT is newer than it and the headers.
compile() {
  local out=$1 src=$2
  shift 2
  # shellcheck disable=SC2086 # $headers and $cflags are lists
  if [ -f "$out" ] && [ -z "$(find "$src" $headers -newer "$out" 2>/dev/null)" ]; then
    return 0
  fi
  "$CC" $cflags -fsanitize=fuzzer-no-link "$@" -c "$src" -o "$out"
}

yajl_dir=$(yajl_sources)
yajl_include=()
yajl_libs=
yajl_note="yajl compiled in from its sources, with coverage"
if [ -n "$yajl_dir" ]; then
  # yajl's headers as <yajl/...>, with the version header CMake would generate.
  mkdir -p "$build/yajl-include/yajl"
  cp "$yajl_dir"/src/api/yajl_*.h "$build/yajl-include/yajl/"
  # CMakeLists.txt says SET (YAJL_MAJOR 2) and so on.
  part() { sed -n "s/^SET *(YAJL_$1 *\([0-9]*\)).*/\1/p" "$yajl_dir/CMakeLists.txt"; }
  sed -e "s/\${YAJL_MAJOR}/$(part MAJOR)/" -e "s/\${YAJL_MINOR}/$(part MINOR)/" \
      -e "s/\${YAJL_MICRO}/$(part MICRO)/" \
      "$yajl_dir/src/api/yajl_version.h.cmake" >"$build/yajl-include/yajl/yajl_version.h"
  yajl_objs=()
  for src in "$yajl_dir"/src/yajl*.c; do
    obj=$build/obj/yajl-$(basename "$src" .c).o
    compile "$obj" "$src" -I "$build/yajl-include" -w || exit 1
    yajl_objs+=("$obj")
  done
  rm -f "$build/libyajl-fuzz.a"
  ar rcs "$build/libyajl-fuzz.a" "${yajl_objs[@]}"
  yajl_libs=$build/libyajl-fuzz.a
  yajl_include=(-I "$build/yajl-include")
else
  say "no yajl sources (FUZZ_YAJL_SRC, or apt-get source: see $build/apt/log):" \
    "linking the system libyajl, so coverage stops at the JSON parser"
  yajl_libs=$(pkg-config --libs yajl) || exit 1
  yajl_note="the system libyajl, without coverage"
fi

# The core files the harnesses reach, built as one archive so each harness
# links only what it uses.  fuzz/config.h stands in for configure's.
# shellcheck disable=SC2206 # $deps_cflags is a list
core_cflags=(-I "$top/fuzz" -I "$top/core" "${yajl_include[@]}" $deps_cflags -DHAVE_CONFIG_H
  '-DG_LOG_DOMAIN="credring"' '-DCR_PLUGINDIR="/nonexistent"' '-DCR_PROVIDERDIR="/nonexistent"'
  '-DCR_FETCH_MODULE="/nonexistent/fetch.so"')
core_objs=()
for src in base/error base/secret base/keyfile base/host base/ascii base/env account/config account/resolve provider/descriptor provider/loader provider/trusted-file \
  provider/provider-file token/hooks provider/names account/endpoint token/request token/json token/response token/response-rules \
  token/token git/proto account/match account/signin-keys provider/metadata provider/discovery \
  provider/fetch-loader keyring/command-line; do
  obj=$build/obj/core-${src//\//-}.o
  compile "$obj" "$top/core/$src.c" "${core_cflags[@]}" || exit 1
  core_objs+=("$obj")
done
# The four real provider descriptors, each under its own symbol name.
for name in acaengine ants autograb dataloy; do
  obj=$build/obj/plugin-$name.o
  compile "$obj" "$top/plugins/$name.c" -I "$top/core" "-Dcredring_plugin=fuzz_provider_$name" ||
    exit 1
  core_objs+=("$obj")
done
obj=$build/obj/fuzz-common.o
compile "$obj" "$top/fuzz/common.c" "${core_cflags[@]}" || exit 1
core_objs+=("$obj")
rm -f "$build/libcore-fuzz.a"
ar rcs "$build/libcore-fuzz.a" "${core_objs[@]}"

status=0
for target in $targets; do
  src=$top/fuzz/fuzz-$target.c
  bin=$build/fuzz-$target
  if [ ! -f "$src" ]; then
    say "no harness $src"
    exit 2
  fi
  # shellcheck disable=SC2086 # lists
  if ! "$CC" $cflags -fsanitize=fuzzer "${core_cflags[@]}" "$src" "$build/libcore-fuzz.a" \
      $yajl_libs $deps_libs -ldl -o "$bin"; then
    echo "fuzz-$target: FAILED to build"
    status=1
  fi
done
[ "$status" -eq 0 ] || exit "$status"
[ "$build_only" = yes ] && exit 0

# ---- running -----------------------------------------------------------------------

echo "fuzz.sh: ${seconds} s per harness; JSON parser: $yajl_note"

# GLib's slice allocator would hide use-after-free from ASan.
export G_SLICE=always-malloc G_DEBUG=gc-friendly
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:symbolize=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
unset CREDRING_CONFIG CREDRING_PLUGIN_DIR

for target in $targets; do
  run=$build/run/$target
  rm -rf "$run"
  mkdir -p "$run/corpus"
  seeds=$top/fuzz/corpus/$target
  extra=()
  [ -f "$top/fuzz/$target.dict" ] && extra+=(-dict="$top/fuzz/$target.dict")
  # Past CR_PROTO_MAX_LINE, so the line limit is reached.
  [ "$target" = proto ] && extra+=(-max_len=70000)
  # New inputs go to the scratch corpus (the first directory); the seeds
  # are only read.
  # shellcheck disable=SC2086
  "$build/fuzz-$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$run/" "${extra[@]}" ${FUZZ_FLAGS:-} \
    "$run/corpus" "$seeds" >"$run/log" 2>&1
  rc=$?
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$run/log" | tail -n 1)
  cov=$(grep -o 'cov: [0-9]*' "$run/log" | tail -n 1 | cut -d' ' -f2)
  ft=$(grep -o 'ft: [0-9]*' "$run/log" | tail -n 1 | cut -d' ' -f2)
  corp=$(grep -o 'corp: [0-9]*' "$run/log" | tail -n 1 | cut -d' ' -f2)
  finding=$(ls "$run" | grep -E '^(crash|leak|timeout|oom|slow-unit)-' | head -n 1)
  if [ "$rc" -eq 0 ] && [ -z "$finding" ]; then
    echo "fuzz-$target: ok: ${runs:-?} runs in ${seconds} s, cov ${cov:-?}, ft ${ft:-?}, corpus ${corp:-?}"
  else
    # The harness's own words, else the sanitizer's.
    why=$(grep -a -m 1 -E 'FUZZ CHECK FAILED|ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error' \
            "$run/log" | cut -c 1-160 | LC_ALL=C tr -c '\040-\176' '?')
    echo "fuzz-$target: FOUND ${finding:-a failure (exit $rc)}: ${why:-see the log}"
    echo "  log: $run/log; reproduce: $build/fuzz-$target $run/${finding:-CRASH}"
    # CI's machine is gone by the time anyone reads this: the input itself,
    # when small, so that the next person can reproduce it from the log.
    if [ -n "${finding:-}" ] && [ "$(stat -c %s "$run/$finding")" -le 4096 ]; then
      echo "  input (base64 -d to get it back):"
      base64 -w 76 "$run/$finding" | sed 's/^/    /'
    fi
    status=1
  fi
done
exit "$status"
