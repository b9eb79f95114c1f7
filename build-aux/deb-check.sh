#!/bin/bash
# deb-check.sh: the Debian packages, built, checked, installed, used and
# removed on this machine (Debian 12, as root).  A CI step (.ci/run).
#
#  1. copies the tree's tracked files (a clean tree: nothing built, nothing
#     configured) and builds the binary packages with
#     `dpkg-buildpackage -us -uc -b`, with DEB_BUILD_OPTIONS=nocheck: the
#     suite has run on the same tree in CI's first step (debian/rules says
#     what the package build would run);
#  2. lintian on the .changes: an error fails, warnings are listed;
#  3. `apt-get install ./*.deb`;
#  4. a smoke test of the installed packages, in a private session with a
#     real gnome-keyring (tests/with-keyring), with /usr/bin's programs and
#     their built-in defaults (no CREDRING_* variable at all): a token from
#     the ANTS emulator, served a second time from the keyring; the example
#     provider plugin built against libcredring-dev and loaded; a program of
#     the library's API built with `pkg-config --cflags --libs credring`;
#     the HTTPie plugin found by HTTPie;
#  5. `apt-get purge` of the packages: no file of theirs, and nothing named
#     *credring*, is left in /usr;
#  6. README's install, `./configure --prefix=/usr/local && make && make
#     install` as root, from another clean copy: /usr/local/bin/credring
#     runs without anyone running ldconfig; `make uninstall` leaves nothing
#     named *credring* in /usr/local.
# Ends with one line "N passed, N failed".  Leaves nothing installed, also
# when it fails or is interrupted.
#
#   bash build-aux/deb-check.sh [--keep DIR]
#     --keep DIR: leave the packages, the logs and lintian's output in DIR.
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
packages="credring libcredring0 libcredring-dev httpie-credring"
# A Debian build sees the system's tools only, in a clean environment, as a
# build daemon does: another python3 first on PATH (pyenv) would build the
# HTTPie plugin against itself.
sys_path=/usr/sbin:/usr/bin:/sbin:/bin

# ---- the smoke test, run inside tests/with-keyring (step 4) ---------------
if [ "${1:-}" = --smoke ]; then
	src=$2
	out=$3
	tmp=$(mktemp -d "$HOME/smoke.XXXXXX") || exit 1
	emu_pid=
	trap '[ -n "$emu_pid" ] && kill "$emu_pid" 2>/dev/null; rm -rf "$tmp"' EXIT
	PATH=$sys_path
	# Whatever the caller had: the installed defaults must do.
	unset CREDRING_CONFIG CREDRING_PLUGIN_DIR CREDRING_FETCH_MODULE CREDRING_PROVIDER_DIR \
		CREDRING_KERNEL_KEYRING CREDRING_COMMAND LD_LIBRARY_PATH PKG_CONFIG_PATH
	ok() { echo "ok - $1" >>"$out"; echo "ok - $1"; }
	not_ok() { echo "not ok - $1" >>"$out"; echo "not ok - $1"; shift; [ $# -gt 0 ] && printf '  %s\n' "$@"; }
	check() { local name=$1; shift; if "$@"; then ok "$name"; else not_ok "$name"; fi; }

	check "credring on PATH is /usr/bin/credring" test "$(command -v credring)" = /usr/bin/credring
	check "credring --version runs" credring --version

	"$src/tests/make-test-ca.sh" "$tmp/ca" || { not_ok "make-test-ca.sh"; exit 1; }
	secret='smoke-secret'
	python3 "$src/tests/emulator/provider-emulator.py" --provider ants \
		--cert "$tmp/ca/server.pem" --key "$tmp/ca/server-key.pem" \
		--port-file "$tmp/port" --log "$tmp/emulator.log" \
		--client-id smoke-client --client-secret="$secret" --scope item 2>"$tmp/emulator.err" &
	emu_pid=$!
	for _ in $(seq 100); do
		[ -s "$tmp/port" ] && break
		kill -0 "$emu_pid" 2>/dev/null || break
		sleep 0.1
	done
	[ -s "$tmp/port" ] || { not_ok "the ANTS emulator starts" "$(cat "$tmp/emulator.err")"; exit 1; }
	url=https://127.0.0.1:$(cat "$tmp/port")
	mkdir -p "$XDG_CONFIG_HOME/credring"
	cat >"$XDG_CONFIG_HOME/credring/accounts.conf" <<-EOF
	[smoke]
	provider = ants
	token_url = $url/oauth/token
	ca_file = $tmp/ca/ca.pem
	client_id = smoke-client
	scope = item
	EOF
	chmod 600 "$XDG_CONFIG_HOME/credring/accounts.conf"

	printf 'client_secret=%s\n' "$secret" | credring login smoke --secret-stdin >"$tmp/login.out" 2>&1
	check "credring login smoke --secret-stdin" test $? -eq 0 || cat "$tmp/login.out"
	requests_after_login=$(wc -l <"$tmp/emulator.log")
	first=$(credring token smoke 2>"$tmp/token1.err")
	check "credring token smoke (1st)" test -n "$first" || cat "$tmp/token1.err"
	requests_after_first=$(wc -l <"$tmp/emulator.log")
	second=$(credring token smoke 2>"$tmp/token2.err")
	check "credring token smoke (2nd)" test -n "$second" || cat "$tmp/token2.err"
	requests_after_second=$(wc -l <"$tmp/emulator.log")
	check "the 2nd token is the 1st" test "$first" = "$second"
	check "the emulator issued it: it is live there" \
		curl -fsS -o /dev/null --cacert "$tmp/ca/ca.pem" -K - "$url/_emulator/check" \
		< <(printf 'header = "Authorization: Bearer %s"\n' "$first")
	check "one token request in all (login's; the tokens came from the keyring)" \
		test "$requests_after_login" -eq 1 -a "$requests_after_first" -eq 1 -a "$requests_after_second" -eq 1
	check "the token is kept in the Secret Service" \
		test "$(secret-tool search --all xdg:schema org.credring.Token account smoke 2>/dev/null |
			grep -c '^label')" -eq 1

	# libcredring-dev: the example plugin, built with its own Makefile
	# against the installed headers, and loaded from a directory of its own.
	plugindir=$(pkg-config --variable=plugindir credring)
	check "credring.pc's plugindir is where the plugins are" test -f "$plugindir/ants.so"
	mkdir "$tmp/build" "$tmp/plugins"
	(cd "$tmp/build" && make -s -f "$src/examples/provider-plugin/Makefile") >"$tmp/example.out" 2>&1
	check "examples/provider-plugin builds against libcredring-dev" test -f "$tmp/build/example.so" ||
		cat "$tmp/example.out"
	cp "$tmp/build/example.so" "$tmp/plugins/"
	CREDRING_PLUGIN_DIR=$tmp/plugins credring providers --describe example >"$tmp/describe.out" 2>&1
	check "credring providers --describe example loads it" \
		grep -q 'required account keys: provider, client_id, scope$' "$tmp/describe.out" ||
		cat "$tmp/describe.out"
	# A program of the library's API, linked with what the -dev package says.
	# shellcheck disable=SC2046
	gcc -o "$tmp/token-async" "$src/examples/desktop/token-async.c" \
		$(pkg-config --cflags --libs credring) >"$tmp/link.out" 2>&1
	check "a program built with pkg-config --cflags --libs credring" test -x "$tmp/token-async" ||
		cat "$tmp/link.out"
	check "it finds libcredring.so.0 in the system's library path" \
		sh -c "ldd '$tmp/token-async' | grep -Eq 'libcredring.so.0 => /(usr/)?lib/'"

	# credring-service: the D-Bus and systemd files name the installed program.
	check "the D-Bus service file names /usr/libexec/credring-service" \
		grep -qx 'Exec=/usr/libexec/credring-service' /usr/share/dbus-1/services/org.credring.Credring1.service
	check "the systemd user unit names it too" \
		grep -qx 'ExecStart=/usr/libexec/credring-service' /usr/lib/systemd/user/credring.service
	check "/usr/libexec/credring-service is executable" test -x /usr/libexec/credring-service

	# httpie-credring: HTTPie finds the plugin through its entry point.
	check "HTTPie lists the credring auth plugin" sh -c 'http --debug 2>&1 | grep -q CredringAuthPlugin'
	exit 0
fi

# ---- the steps --------------------------------------------------------------
keep=
if [ "${1:-}" = --keep ]; then
	keep=${2:?--keep DIR}
	mkdir -p "$keep" || exit 1
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/credring-deb.XXXXXX") || exit 1
passed=0
failed=0
pass() { passed=$((passed + 1)); echo "ok - $1"; }
fail() { failed=$((failed + 1)); echo "not ok - $1"; }
# step NAME LOG COMMAND...: runs COMMAND with its output in LOG, shown when it fails.
step() {
	local name=$1 log=$2
	shift 2
	if "$@" >"$log" 2>&1; then
		pass "$name"
	else
		fail "$name"
		tail -n 40 "$log"
		return 1
	fi
}
installed() {
	local p
	for p in $packages; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q 'ok installed' && echo "$p"
	done
}
local_installed=
cleanup() {
	local left
	left=$(installed)
	[ -n "$left" ] && DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq $left >/dev/null 2>&1
	if [ -n "$local_installed" ]; then
		(cd "$work/local" && make uninstall) >/dev/null 2>&1
	fi
	if [ -n "$keep" ]; then
		cp -a "$work"/*.deb "$work"/*.changes "$work"/*.buildinfo "$work"/*.log "$keep"/ 2>/dev/null
	fi
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

summary() {
	echo "$passed passed, $failed failed"
	[ "$failed" -eq 0 ]
	exit
}

# A clean copy: the tracked files as they are in the work tree.
copy_tree() {
	mkdir -p "$1" && (cd "$top" && git ls-files -z | tar --null -T - -cf -) | tar -xf - -C "$1"
}

step "packaging tools and Build-Depends (build-aux/deb-deps)" "$work/deps.log" sh "$top/build-aux/deb-deps" ||
	summary
step "a clean copy of the tree" "$work/copy.log" copy_tree "$work/src" || summary

if [ -n "$(installed)" ]; then
	echo "# purging credring's packages, left installed by an earlier run"
	DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq $(installed) >/dev/null 2>&1
fi
before=$(find /usr -name '*credring*' 2>/dev/null)
if [ -n "$before" ]; then
	fail "nothing named *credring* in /usr before the packages are installed"
	echo "$before" | head -n 20
	summary
fi

# 1. build
build() {
	cd "$work/src" &&
		env -i PATH=$sys_path HOME="$HOME" LC_ALL=C.UTF-8 DEB_BUILD_OPTIONS="nocheck parallel=2" \
			dpkg-buildpackage -us -uc -b
}
step "dpkg-buildpackage -us -uc -b (nocheck)" "$work/build.log" build || summary
changes=$(ls "$work"/credring_*.changes)
debs=$(for p in $packages; do ls "$work/${p}_"*.deb; done)
echo "# built: $(cd "$work" && echo *.deb)"

# 2. lintian: errors fail, the rest is shown
env -i PATH=$sys_path HOME="$HOME" LC_ALL=C.UTF-8 lintian --fail-on error "$changes" >"$work/lintian.log" 2>&1
status=$?
grep -E '^[EWIPX]: ' "$work/lintian.log" | sed 's/^/# lintian: /'
if [ "$status" -eq 0 ] && ! grep -q '^E: ' "$work/lintian.log"; then
	pass "lintian: no errors"
else
	fail "lintian: no errors"
	cat "$work/lintian.log" | tail -n 20
fi

# 3. install
# shellcheck disable=SC2086
step "apt-get install ./*.deb" "$work/install.log" \
	env DEBIAN_FRONTEND=noninteractive apt-get install -y $debs
for p in $packages; do
	dpkg-query -L "$p" >"$work/files.$p" 2>/dev/null
done

# 4. smoke test
if [ -z "$(installed)" ]; then
	fail "smoke test: nothing installed"
else
	: >"$work/smoke.tap"
	env -i PATH=$sys_path HOME="$HOME" LC_ALL=C.UTF-8 \
		"$work/src/tests/with-keyring" bash "$work/src/build-aux/deb-check.sh" --smoke "$work/src" "$work/smoke.tap" \
		>"$work/smoke.log" 2>&1
	status=$?
	sed 's/^/# smoke: /' "$work/smoke.log" | grep -v '^# smoke: ok - '
	passed=$((passed + $(grep -c '^ok - ' "$work/smoke.tap")))
	failed=$((failed + $(grep -c '^not ok - ' "$work/smoke.tap")))
	if [ "$status" -ne 0 ]; then
		fail "smoke test ran to its end (exit $status)"
	fi
	echo "# smoke: $(grep -c '^ok - ' "$work/smoke.tap") passed, $(grep -c '^not ok - ' "$work/smoke.tap") failed"
fi

# 5. purge, and nothing is left
# shellcheck disable=SC2086
step "apt-get purge $packages" "$work/purge.log" \
	env DEBIAN_FRONTEND=noninteractive apt-get purge -y $packages
left=$(cat "$work"/files.* | sort -u | while read -r f; do
	# Directories others share (/usr/bin) stay; a file of the packages, or a
	# directory of their own, must not.
	if [ -e "$f" ] || [ -L "$f" ]; then
		if [ ! -d "$f" ] || [ -L "$f" ] || case $f in *credring*) true ;; *) false ;; esac; then
			echo "$f"
		fi
	fi
done)
if [ -z "$left" ]; then pass "no file of the packages is left"; else
	fail "no file of the packages is left"
	echo "$left" | head -n 20
fi
left=$(find /usr -name '*credring*' 2>/dev/null)
if [ -z "$left" ]; then pass "nothing named *credring* is left in /usr"; else
	fail "nothing named *credring* is left in /usr"
	echo "$left" | head -n 20
fi

# 6. make install into /usr/local, as the README says
local_build() {
	copy_tree "$work/local" && cd "$work/local" &&
		env -u LD_LIBRARY_PATH autoreconf -fi && ./configure --prefix=/usr/local && make -j2
}
if step "./configure --prefix=/usr/local && make (a clean copy)" "$work/local-build.log" local_build; then
	local_installed=yes
	step "make install (into /usr/local, as root)" "$work/local-install.log" \
		make -C "$work/local" install
	step "/usr/local/bin/credring runs, without anyone running ldconfig" "$work/local-run.log" \
		env -i PATH=/usr/local/bin:$sys_path HOME="$HOME" /usr/local/bin/credring --version
	step "make uninstall" "$work/local-uninstall.log" make -C "$work/local" uninstall &&
		local_installed=
	left=$(find /usr/local -name '*credring*' 2>/dev/null)
	if [ -z "$left" ]; then pass "nothing named *credring* is left in /usr/local"; else
		fail "nothing named *credring* is left in /usr/local"
		echo "$left" | head -n 20
	fi
	if /sbin/ldconfig -p | grep -q 'libcredring\.so'; then
		fail "ld.so's cache forgets libcredring after make uninstall"
	else
		pass "ld.so's cache forgets libcredring after make uninstall"
	fi
fi

summary
