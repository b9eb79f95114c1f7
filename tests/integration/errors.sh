#!/bin/bash
# Failures that are not the provider's "no": network, TLS, timeouts (exit 4),
# configuration and usage (exit 2), a locked keyring (exit 5).
# (No Secret Service at all: errors-no-keyring.sh.)
. "$(dirname "$0")/lib.sh"

SECRET='ECOTBQ&NP4=4+IF %PC'
INPUT="client_secret=$SECRET"$'\n'
EMU_ARGS=(--client-id 26156a86-b739-4c6b-9de2-314228c3e6e5 --client-secret="$SECRET")
KEYS=(provider=ants client_id=26156a86-b739-4c6b-9de2-314228c3e6e5 scope=item)

# ants_account NAME TOKEN_URL [KEY=VALUE...]: an ants account with its secret
# stored (--no-verify: these tests are about what happens when fetching).
ants_account() {
	local name=$1 url=$2
	shift 2
	write_account "$name" "${KEYS[@]}" token_url="$url" "$@"
	login "$name" "$INPUT" --no-verify
	[ "$RUN_STATUS" = 0 ] || tap_diag "login --no-verify $name: exit $RUN_STATUS: $RUN_ERR"
}

# -- control: the same setup against a good server works, so the failures
#    below fail for the reason they name.
start_emulator ants "${EMU_ARGS[@]}"
GOOD_URL=$EMU_TOKEN_URL
ants_account good "$GOOD_URL" ca_file="$CA_DIR/ca.pem"
run_credring token good
tap_status "control: a trusted server answers, exit 0" 0

# -- nothing listening
ants_account refused "https://127.0.0.1:$(free_port)/oauth/token" ca_file="$CA_DIR/ca.pem"
run_credring token refused
tap_status "connection refused: exit 4" 4
tap_is "connection refused: says why in one line on stderr" "$RUN_ERR_LINES" 1
tap_is "connection refused: no token printed" "$RUN_OUT" ""

# -- a certificate from a CA nobody trusts
start_emulator ants "${EMU_ARGS[@]}" \
	--cert "$CA_DIR/untrusted-server.pem" --key "$CA_DIR/untrusted-server-key.pem"
ants_account untrusted "$EMU_TOKEN_URL" ca_file="$CA_DIR/ca.pem"
run_credring token untrusted
tap_status "untrusted certificate (ca_file = another CA): exit 4" 4
tap_is "untrusted certificate: one line on stderr" "$RUN_ERR_LINES" 1
tap_is "untrusted certificate: no request got through" "$(emulator_request_count)" 0
ants_account untrusted-system "$EMU_TOKEN_URL"
run_credring token untrusted-system
tap_status "untrusted certificate (system CAs only): exit 4" 4
tap_is "untrusted certificate: still no request" "$(emulator_request_count)" 0

# -- a certificate from the trusted CA, for another host name
start_emulator ants "${EMU_ARGS[@]}" \
	--cert "$CA_DIR/wronghost-server.pem" --key "$CA_DIR/wronghost-server-key.pem"
ants_account wronghost "$EMU_TOKEN_URL" ca_file="$CA_DIR/ca.pem"
run_credring token wronghost
tap_status "certificate for wrong.example: exit 4" 4
tap_is "certificate for wrong.example: one line on stderr" "$RUN_ERR_LINES" 1
tap_is "certificate for wrong.example: no request got through" "$(emulator_request_count)" 0

# -- a server slower than the account's timeout
start_emulator ants "${EMU_ARGS[@]}" --delay 8
ants_account slow "$EMU_TOKEN_URL" ca_file="$CA_DIR/ca.pem" timeout=1
start=$(date +%s)
run_credring token slow
tap_status "server slower than timeout=1: exit 4" 4
tap_ok "server slower than timeout=1: gave up within 5 s" \
	test $(($(date +%s) - start)) -le $((5 * TIME_SCALE))

# -- a server that does not speak TLS at all... is a network error too
# (plain HTTP answering on an https:// URL)
"$PYTHON" "$EMULATOR" --provider ants --port-file "$TEST_TMP/plain.port" &
_emu_pids+=($!)
for _ in $(seq 100); do [ -s "$TEST_TMP/plain.port" ] && break; sleep 0.1; done
ants_account plain "https://127.0.0.1:$(cat "$TEST_TMP/plain.port")/oauth/token" ca_file="$CA_DIR/ca.pem"
run_credring token plain
tap_status "plain HTTP behind an https:// URL: exit 4" 4

# -- ...while plain http to this machine is no error, however the scheme is
# spelled (RFC 3986 §3.1): the check that allows it and the request agree
"$PYTHON" "$EMULATOR" --provider ants "${EMU_ARGS[@]}" --port-file "$TEST_TMP/loop.port" \
	--log "$TEST_TMP/loop.log" &
_emu_pids+=($!)
for _ in $(seq 100); do [ -s "$TEST_TMP/loop.port" ] && break; sleep 0.1; done
for scheme in http HTTP Http; do
	ants_account "loop-$scheme" "$scheme://127.0.0.1:$(cat "$TEST_TMP/loop.port")/oauth/token"
	run_credring token "loop-$scheme"
	tap_status "token_url $scheme://127.0.0.1: exit 0" 0
	tap_is "token_url $scheme://127.0.0.1: the issued token, nothing on stderr" \
		"$RUN_OUT${RUN_ERR:+ / $RUN_ERR}" "$(emulator_last token "$TEST_TMP/loop.log")"
done

# -- an account is resolved once, before anything is stored or sent: login
#    --no-verify refuses what token refuses, and the message names the
#    account once
write_account plain-remote "${KEYS[@]}" token_url=http://example.com/oauth/token
RUN_STDIN=$INPUT
run_credring login plain-remote --secret-stdin --no-verify
tap_status "login --no-verify, http token URL to another host: exit 2" 2
tap_contains "login --no-verify, http token URL: says why" "$RUN_ERR" "must be https"
tap_is "login --no-verify, http token URL: names the account once" \
	"$(grep -o 'account \[plain-remote\]' <<<"$RUN_ERR" | wc -l)" 1
run_credring status plain-remote --format json
tap_contains "login --no-verify, http token URL: nothing was stored" "$RUN_OUT" '"client_secret_stored":false'
run_credring token plain-remote
tap_status "token, http token URL to another host: exit 2" 2
tap_is "token, http token URL: names the account once" \
	"$(grep -o 'account \[plain-remote\]' <<<"$RUN_ERR" | wc -l)" 1

# -- configuration and usage: exit 2
run_credring token no-such-account
tap_status "unknown account: exit 2" 2
tap_contains "unknown account: named on stderr" "$RUN_ERR" "no-such-account"

write_account ants-noscope provider=ants token_url="$GOOD_URL" ca_file="$CA_DIR/ca.pem" \
	client_id=26156a86-b739-4c6b-9de2-314228c3e6e5
RUN_STDIN=$INPUT
run_credring login ants-noscope --secret-stdin --no-verify
run_credring token ants-noscope
tap_status "ants account without scope: exit 2" 2
tap_contains "missing key: stderr names the account" "$RUN_ERR" "ants-noscope"
tap_contains "missing key: stderr names the key" "$RUN_ERR" "scope"

write_account nosuchprovider provider=nosuchprovider token_url="$GOOD_URL" client_id=x
run_credring token nosuchprovider
tap_status "unknown provider: exit 2" 2
tap_contains "unknown provider: named on stderr" "$RUN_ERR" "nosuchprovider"

run_credring --config "$TEST_TMP/does-not-exist.conf" token good
tap_status "--config FILE that does not exist: exit 2" 2
CREDRING_CONFIG=$TEST_TMP/does-not-exist.conf run_credring token good
tap_status "CREDRING_CONFIG that does not exist: exit 2" 2
printf '[broken\nprovider = ants\n' >"$TEST_TMP/broken.conf"
run_credring --config "$TEST_TMP/broken.conf" token broken
tap_status "malformed accounts file: exit 2" 2

run_credring token
tap_status "token without an account: exit 2" 2
run_credring frobnicate
tap_status "unknown command: exit 2" 2
run_credring token good --format yaml
tap_status "unknown --format: exit 2" 2
run_credring token good --min-valid soon
tap_status "--min-valid not a number: exit 2" 2
run_credring --help
tap_status "--help: exit 0" 0
tap_like "--help: shows the commands" "$RUN_OUT" "token"
run_credring --version
tap_status "--version: exit 0" 0
tap_like "--version: prints a version" "$RUN_OUT" "[0-9]+\.[0-9]+"

# -- an accounts.conf that others may read gets a warning, and still works
chmod 644 "$CREDRING_CONFIG"
run_credring token good
tap_status "config mode 0644: still works" 0
tap_contains "config mode 0644: warns, naming the file" "$RUN_ERR" "$CREDRING_CONFIG is readable by others"
# -- one that others may write could send the secrets elsewhere: refused
n=$(emulator_request_count)
chmod 664 "$CREDRING_CONFIG"
run_credring token good --force-refresh
tap_status "config mode 0664: refused, exit 2" 2
tap_contains "config mode 0664: says why" "$RUN_ERR" "writable by others"
tap_is "config mode 0664: the provider was not asked" "$(emulator_request_count)" "$n"
chmod 600 "$CREDRING_CONFIG"
run_credring token good
tap_is "config mode 0600: no warning" "$RUN_ERR" ""
# -- nor may anyone else write a directory on the way to it: they could
#    swap in a file of theirs, or a link to another of ours
mkdir -m 700 "$TEST_TMP/shared" "$TEST_TMP/shared/credring"
cp "$CREDRING_CONFIG" "$TEST_TMP/shared/credring/accounts.conf"
chmod 777 "$TEST_TMP/shared"
n=$(emulator_request_count)
CREDRING_CONFIG=$TEST_TMP/shared/credring/accounts.conf run_credring token good --force-refresh
tap_status "config below a directory anyone may write: refused, exit 2" 2
tap_contains "config below a directory anyone may write: names it" "$RUN_ERR" \
	"$TEST_TMP/shared: refused: group- or world-writable (on the path to $TEST_TMP/shared/credring/accounts.conf)"
tap_is "config below a directory anyone may write: the provider was not asked" \
	"$(emulator_request_count)" "$n"
chmod 700 "$TEST_TMP/shared"
# ... while a symlink to it (a dotfiles manager's) is followed, every step checked
ln -s "$TEST_TMP/shared/credring/accounts.conf" "$TEST_TMP/linked.conf"
CREDRING_CONFIG=$TEST_TMP/linked.conf run_credring token good
tap_status "config through a symlink along trusted directories: exit 0" 0
# ... and one to nothing is a mistake to show, not "no accounts"
ln -s "$TEST_TMP/nowhere.conf" "$TEST_TMP/dangling.conf"
CREDRING_CONFIG=$TEST_TMP/dangling.conf run_credring status
tap_status "config a symlink to nothing: exit 2" 2
tap_contains "config a symlink to nothing: says so" "$RUN_ERR" \
	"$TEST_TMP/dangling.conf: a symbolic link to $TEST_TMP/nowhere.conf, which does not exist"

# -- the C locale: GLib's messages quote with U+201C/U+201D, which g_printerr
#    would turn into '?' there; they read as ASCII quotes instead
BAD=$TEST_TMP/bad-line.conf
printf '[a]\nprovider = ants\nnot a key value line\n' >"$BAD"
chmod 600 "$BAD"
RUN_STATUS=0
LC_ALL=C "${CREDRING_WRAP[@]}" "$CREDRING" --config "$BAD" token a >"$TEST_TMP/out" \
	2>"$TEST_TMP/err" || RUN_STATUS=$?
tap_status "C locale, a line that is no key: exit 2" 2
tap_is "C locale: GLib's message quotes with '\"', not '?'" "$(cat "$TEST_TMP/err")" \
	"credring: $BAD:3: Key file contains line \"not a key value line\" which is not a key-value pair, group, or comment"
RUN_STATUS=0
LC_ALL=C.UTF-8 "${CREDRING_WRAP[@]}" "$CREDRING" --config "$BAD" token a >"$TEST_TMP/out" \
	2>"$TEST_TMP/err" || RUN_STATUS=$?
tap_contains "C.UTF-8: the same message, with its own quotes" "$(cat "$TEST_TMP/err")" \
	"line “not a key value line” which"

# -- a locked keyring: exit 5 (unlocking would need a prompt nobody can answer)
run_credring logout good
n=$(emulator_request_count)
dbus-send --session --print-reply --dest=org.freedesktop.secrets /org/freedesktop/secrets \
	org.freedesktop.Secret.Service.Lock \
	array:objpath:/org/freedesktop/secrets/collection/login >/dev/null
run_credring token good
tap_status "locked keyring: exit 5" 5
tap_is "locked keyring: one line on stderr" "$RUN_ERR_LINES" 1

tap_done
