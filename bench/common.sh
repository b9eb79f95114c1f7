# Sourced by the bench scripts: a private keyring session, the test CA, one
# emulator and one account with its secret stored.  Not a test: the scripts
# measure and report.
set -eu
: "${abs_top_srcdir:=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
: "${abs_top_builddir:=$abs_top_srcdir}"
export abs_top_srcdir abs_top_builddir

if [ -z "${CREDRING_TEST_SESSION:-}" ]; then
	exec "$abs_top_srcdir/tests/with-keyring" bash "$0" "$@"
fi

python=/usr/bin/python3
credring=$abs_top_builddir/helpers/credring
export CREDRING_PLUGIN_DIR=$abs_top_builddir/plugins/.libs
export CREDRING_FETCH_MODULE=$abs_top_builddir/core/.libs/fetch.so
export CREDRING_CLI_MODULE=$abs_top_builddir/helpers/.libs/cli.so
work=$(mktemp -d "$HOME/bench.XXXXXX")
export CREDRING_CONFIG=$work/accounts.conf
emulator_pid=
trap '[ -n "$emulator_pid" ] && kill "$emulator_pid" 2>/dev/null; rm -rf "$work"' EXIT

# start_ants_emulator [EMULATOR-ARGS...]: an ANTS emulator and the account "bench".
start_ants_emulator() {
	"$abs_top_srcdir/tests/make-test-ca.sh" "$work/ca" >/dev/null
	"$python" "$abs_top_srcdir/tests/emulator/provider-emulator.py" --provider ants \
		--cert "$work/ca/server.pem" --key "$work/ca/server-key.pem" \
		--port-file "$work/port" --log "$work/requests.log" \
		--client-id bench-client --client-secret bench-secret "$@" 2>/dev/null &
	emulator_pid=$!
	for _ in $(seq 100); do [ -s "$work/port" ] && break; sleep 0.1; done
	cat >"$CREDRING_CONFIG" <<EOC
[bench]
provider = ants
client_id = bench-client
scope = item
token_url = https://127.0.0.1:$(cat "$work/port")/oauth/token
ca_file = $work/ca/ca.pem
EOC
	chmod 600 "$CREDRING_CONFIG"
	printf 'client_secret=bench-secret\n' | "$credring" login bench --secret-stdin --no-verify >/dev/null
}

# program_itself NAME: the program helpers/NAME runs, not libtool's wrapper
# script (which costs more than the program): helpers/NAME itself when it
# links no libtool library (credring, credring-service), else the program
# libtool keeps in helpers/.libs/ (a copy of which may linger there from an
# earlier build: not used when helpers/NAME is the program).
program_itself() {
	local path=$abs_top_builddir/helpers/$1 candidate
	if [ "$(head -c 4 "$path" 2>/dev/null)" != $'\x7fELF' ]; then
		for candidate in "$1" "lt-$1"; do
			[ -x "$abs_top_builddir/helpers/.libs/$candidate" ] &&
				path=$abs_top_builddir/helpers/.libs/$candidate
		done
	fi
	echo "$path"
}

requests() { grep -c '"ok": true' "$work/requests.log" 2>/dev/null || true; }
