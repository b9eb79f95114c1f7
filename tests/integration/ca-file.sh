#!/bin/bash
# ca_file is read the way accounts.conf is: a regular file, not too large,
# never waited on; and before the account's lock is taken. Anything else
# (a FIFO, a device, a directory, a huge or missing file) is exit 2 naming
# ca_file and the account, at once, with nobody else kept waiting and the
# provider never asked.
. "$(dirname "$0")/lib.sh"

SECRET='ca-file-test-secret'
INPUT="client_secret=$SECRET"$'\n'
KEYS=(provider=ants client_id=26156a86-b739-4c6b-9de2-314228c3e6e5 scope=item)
start_emulator ants --client-id 26156a86-b739-4c6b-9de2-314228c3e6e5 --client-secret="$SECRET"
# Long enough for a slow machine, far shorter than a hang: runs that must not
# block are cut off after this.
BOUND=$((10 * TIME_SCALE))

# ca_account NAME CA_FILE: an account using CA_FILE, its secret stored
# (--no-verify reads no ca_file).
ca_account() {
	write_account "$1" "${KEYS[@]}" token_url="$EMU_TOKEN_URL" ca_file="$2" timeout=3
	login "$1" "$INPUT" --no-verify
	[ "$RUN_STATUS" = 0 ] || tap_diag "login --no-verify $1: exit $RUN_STATUS: $RUN_ERR"
}

# refused_ca DESC ACCOUNT: `credring token ACCOUNT` failed at once with exit 2
# and one line naming ca_file and the account, and the provider was not asked.
refused_ca() {
	local n start
	n=$(emulator_request_count)
	start=$(date +%s)
	RUN_TIMEOUT=$BOUND run_credring token "$2"
	tap_status "$1: exit 2" 2
	tap_contains "$1: names the key" "$RUN_ERR" "ca_file"
	tap_contains "$1: names the account" "$RUN_ERR" "[$2]"
	tap_is "$1: one line on stderr" "$RUN_ERR_LINES" 1
	tap_is "$1: no token printed" "$RUN_OUT" ""
	tap_is "$1: the provider was not asked" "$(emulator_request_count)" "$n"
	tap_timing_ok "$1: at once (within 5 s)" test $(($(date +%s) - start)) -le 5
}

# -- control: the test CA, as a file and through a symlink, is trusted
ca_account good "$CA_DIR/ca.pem"
run_credring token good
tap_status "ca_file = the test CA: exit 0" 0
ln -s "$CA_DIR/ca.pem" "$TEST_TMP/ca-link.pem"
ca_account link "$TEST_TMP/ca-link.pem"
run_credring token link
tap_status "ca_file = a symlink to the test CA: exit 0" 0
# ... besides the system's CAs, not instead of them: a bundle of the test CA
# and a stray certificate still trusts the test CA.
cat "$CA_DIR/untrusted-ca.pem" "$CA_DIR/ca.pem" >"$TEST_TMP/two.pem"
ca_account two "$TEST_TMP/two.pem"
run_credring token two
tap_status "ca_file = two CAs, one the test CA: exit 0" 0

# -- a FIFO: nobody ever writes to it
mkfifo "$TEST_TMP/ca.fifo"
ca_account fifo "$TEST_TMP/ca.fifo"
refused_ca "ca_file = a FIFO" fifo

# ... and the account's lock was never held: while one process is refused,
# another one for the same account (logout takes the lock) is not kept waiting.
# (The first may take twice as long as the second may wait: were it blocked
# with the lock, the second would time out.)
timeout $((2 * BOUND)) "${CREDRING_WRAP[@]}" "$CREDRING" token fifo >/dev/null 2>&1 &
first=$!
sleep 1
RUN_TIMEOUT=$((BOUND / 2)) run_credring logout fifo
tap_status "ca_file = a FIFO: another process gets the account's lock (logout: exit 0)" 0
wait "$first"
tap_is "ca_file = a FIFO: the first process was refused, exit 2" "$?" 2

# login checks with the provider before storing: refused the same way
write_account fifo-login "${KEYS[@]}" token_url="$EMU_TOKEN_URL" ca_file="$TEST_TMP/ca.fifo" timeout=3
n=$(emulator_request_count)
RUN_STDIN=$INPUT RUN_TIMEOUT=$BOUND run_credring login fifo-login --secret-stdin
tap_status "login, ca_file = a FIFO: exit 2" 2
tap_contains "login, ca_file = a FIFO: names the key" "$RUN_ERR" "ca_file"
tap_is "login, ca_file = a FIFO: the provider was not asked" "$(emulator_request_count)" "$n"
tap_is "login, ca_file = a FIFO: nothing stored" "$(keyring_count fifo-login)" 0

# -- a device that never ends
ca_account zero /dev/zero
refused_ca "ca_file = /dev/zero" zero

# -- a directory
ca_account dir "$TEST_TMP"
refused_ca "ca_file = a directory" dir

# -- far larger than any CA bundle, though it starts with the test CA
{ cat "$CA_DIR/ca.pem"; yes '# padding' | head -c $((2 * 1024 * 1024)); } >"$TEST_TMP/huge.pem"
ca_account huge "$TEST_TMP/huge.pem"
refused_ca "ca_file of 2 MiB" huge

# -- not text: PEM has no NUL bytes
{ cat "$CA_DIR/ca.pem"; printf '\0\n'; } >"$TEST_TMP/nul.pem"
ca_account nul "$TEST_TMP/nul.pem"
refused_ca "ca_file with a NUL byte" nul

# -- not there
ca_account missing "$TEST_TMP/no-such-ca.pem"
refused_ca "ca_file that does not exist" missing

# -- whoever may write it, or a directory on the way to it, could add a CA
#    of theirs that poses as the token URL: the trust accounts.conf gets
cp "$CA_DIR/ca.pem" "$TEST_TMP/writable.pem"
chmod 664 "$TEST_TMP/writable.pem"
ca_account writable "$TEST_TMP/writable.pem"
refused_ca "ca_file writable by its group" writable
tap_contains "ca_file writable by its group: says why" "$RUN_ERR" \
	"$TEST_TMP/writable.pem: refused: group- or world-writable"
mkdir -m 700 "$TEST_TMP/open-dir" "$TEST_TMP/open-dir/sub"
cp "$CA_DIR/ca.pem" "$TEST_TMP/open-dir/sub/ca.pem"
chmod 777 "$TEST_TMP/open-dir"
ca_account open-dir "$TEST_TMP/open-dir/sub/ca.pem"
refused_ca "ca_file below a directory anyone may write" open-dir
tap_contains "ca_file below a directory anyone may write: names it" "$RUN_ERR" \
	"$TEST_TMP/open-dir: refused: group- or world-writable (on the path to $TEST_TMP/open-dir/sub/ca.pem)"
chmod 700 "$TEST_TMP/open-dir"
if [ "$(id -u)" = 0 ]; then
	cp "$CA_DIR/ca.pem" "$TEST_TMP/theirs.pem"
	chown 65534:65534 "$TEST_TMP/theirs.pem"
	ca_account theirs "$TEST_TMP/theirs.pem"
	refused_ca "ca_file of another user" theirs
	tap_contains "ca_file of another user: says why" "$RUN_ERR" "owned by another user (uid 65534)"
else
	tap_skip "ca_file of another user: needs root to chown"
fi
# ... root's own bundle is trusted (the system's CAs are root's): read, and
# then the emulator's certificate, from the test CA, is not believed.
ca_account system /etc/ssl/certs/ca-certificates.crt
RUN_TIMEOUT=$BOUND run_credring token system
tap_status "ca_file = the system's bundle (root's): read; the test server not believed: exit 4" 4

tap_done
