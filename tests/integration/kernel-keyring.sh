#!/bin/bash
# Headless use (issue #13): with no Secret Service on the bus, or no bus at
# all, secrets (login --store kernel, or yes at the question) and tokens are
# kept in the kernel keyring: one `user` key per account and kind, readable
# by its owner alone, a token's expiring with the token. Looked at with the
# real keyctl. Where keyctl fails too (a seccomp filter: tests/deny-keyctl),
# credring fails closed: exit 5, one line naming each way out, nothing on disk.
# The keys are in this file's own session keyring (with-keyring, lib.sh),
# but for one account in the default (persistent) keyring, removed at exit.
TEST_KEYRING=none
. "$(dirname "$0")/lib.sh"

DENY=$abs_top_builddir/tests/deny-keyctl
DRIVER=$abs_top_srcdir/tests/integration/tty-driver.py
CLIENT_ID=8d0f5c1e-4b7a-4c2e-9a51-2f0e6b1d7c33
SECRET="kk-$RANDOM$RANDOM-secret"

# key ACCOUNT KIND [KEYRING]: the id of credring's key, or nothing.
key() { keyctl search "${3:-@s}" user "credring:$2:$1" 2>/dev/null; }
# key_perm ID: its permissions as the kernel has them (hex).
key_perm() { keyctl rdescribe "$1" 2>/dev/null | cut -d';' -f4; }
# key_expiry ID: what /proc/keys says of its expiry ("perm", "41s", "59m"...).
key_expiry() { awk -v id="$(printf '%08x' "$1")" '$1 == id { print $4 }' /proc/keys; }

start_emulator ants --client-id "$CLIENT_ID" --client-secret="$SECRET"
write_account kk provider=ants token_url="$EMU_TOKEN_URL" ca_file="$CA_DIR/ca.pem" \
	client_id="$CLIENT_ID" scope=item

tap_is "the bus really has no Secret Service" \
	"$(dbus-send --session --print-reply=literal --dest=org.freedesktop.DBus \
		/org/freedesktop/DBus org.freedesktop.DBus.NameHasOwner \
		string:org.freedesktop.secrets | awk '{print $NF}')" false

# ---- login --store kernel: the secret in the kernel keyring, owner only.
login kk "client_secret=$SECRET"$'\n' --store kernel
tap_status "login --store kernel: exit 0" 0
tap_is "login --store kernel: the provider was asked once" "$(emulator_request_count)" 1
no_secret_leaks "login --store kernel" "$SECRET"
secret_key=$(key kk client_secret)
tap_like "the client secret is a key credring:client_secret:kk" "$secret_key" '^[0-9]+$'
tap_is "the client secret key holds the secret" "$(keyctl pipe "$secret_key" 2>/dev/null)" "$SECRET"
tap_is "the client secret key: possessor and user all, group and other nothing" \
	"$(key_perm "$secret_key")" 3f3f0000
tap_is "the client secret key never expires" "$(key_expiry "$secret_key")" perm
token_key=$(key kk token)
tap_like "login's token is cached as a key credring:token:kk" "$token_key" '^[0-9]+$'
tap_is "the token key: possessor and user all, group and other nothing" \
	"$(key_perm "$token_key")" 3f3f0000

# ---- a second process is served from the kernel keyring.
first_token=$(emulator_last token)
run_credring token kk
tap_status "token: exit 0" 0
tap_ok "token: the cached token, no new request" out_is "$first_token"$'\n'
tap_is "token: still one request" "$(emulator_request_count)" 1
tap_contains "the token key holds the token" "$(keyctl pipe "$token_key" 2>/dev/null)" \
	"\"access_token\":\"$first_token\""

run_credring status kk
tap_contains "status: the client secret is in the kernel keyring" "$RUN_OUT" \
	"client secret: stored in the kernel keyring (until reboot)"
tap_like "status: so is the token" "$RUN_OUT" \
	"token: valid until [^"$'\n'"]*; in the kernel keyring \(until reboot\)"
no_secret_leaks "status" "$SECRET" "$first_token"
run_credring status kk --format json
tap_is "status --format json: where each is kept" "$("$PYTHON" -c '
import json, sys
a = json.load(sys.stdin)["accounts"][0]
print(a["client_secret_store"], a["token_store"], a["refresh_token_store"])' <<<"$RUN_OUT")" \
	"kernel kernel None"

# ---- no bus at all: the same keys.
st=0
out=$(env -u DBUS_SESSION_BUS_ADDRESS "$CREDRING" token kk 2>"$TEST_TMP/nobus.err") || st=$?
tap_is "no bus: token: exit 0" "$st" 0
tap_is "no bus: the cached token" "$out" "$first_token"
tap_is "no bus: nothing on stderr" "$(cat "$TEST_TMP/nobus.err")" ""
tap_is "no bus: no new request" "$(emulator_request_count)" 1
run_credring logout kk
tap_status "logout: exit 0" 0
tap_is "logout: the token key is gone" "$(key kk token)" ""
tap_is "logout: the secret key stays" "$(key kk client_secret)" "$secret_key"
st=0
out=$(env -u DBUS_SESSION_BUS_ADDRESS "$CREDRING" token kk 2>/dev/null) || st=$?
tap_is "no bus, nothing cached: exit 0" "$st" 0
tap_is "no bus, nothing cached: one new request" "$(emulator_request_count)" 2
tap_is "no bus, nothing cached: the new token printed" "$out" "$(emulator_last token)"
tap_like "no bus: the new token is cached in the kernel keyring" "$(key kk token)" '^[0-9]+$'
st=0
out=$(env -u DBUS_SESSION_BUS_ADDRESS "$CREDRING" token kk 2>/dev/null) || st=$?
tap_is "no bus, a second process: served from the key, no request" \
	"$st $(emulator_request_count)" "0 2"

# ---- the key's kernel timeout is the token's expiry.
SHORT=6
start_emulator ants --client-id "$CLIENT_ID" --client-secret="$SECRET" --expires-in $SHORT
write_account short provider=ants token_url="$EMU_TOKEN_URL" ca_file="$CA_DIR/ca.pem" \
	client_id="$CLIENT_ID" scope=item min_valid=0
login short "client_secret=$SECRET"$'\n' --store kernel --no-verify
tap_status "short: login --store kernel --no-verify: exit 0" 0
run_credring token short
tap_status "short: token: exit 0" 0
short_key=$(key short token)
expiry=$(key_expiry "$short_key")
tap_like "short: the key expires with the token, in ${SHORT}s or a little less" \
	"$expiry" "^[$((SHORT - 2))-$SHORT]s$"
sleep $((SHORT + 1))
tap_is "short: after the token's expiry the kernel no longer finds the key" "$(key short token)" ""
run_credring token short
tap_status "short: token after expiry: exit 0" 0
tap_is "short: after expiry a new request" "$(emulator_request_count)" 2
stop_emulator

# ---- another user cannot read the keys.
if [ "$(id -u)" -ne 0 ]; then
	tap_skip "another user cannot read the token key" "not root: cannot add a user to read as"
else
	reader=kkreader$$
	trap 'userdel "$reader" 2>/dev/null; _at_exit' EXIT
	if useradd --system --no-create-home --shell /usr/sbin/nologin "$reader" 2>/dev/null; then
		token_key=$(key kk token)
		# In a session keyring of its own: sharing ours would make it a
		# possessor, which another user's process never is.
		st=0
		err=$(setpriv --reuid="$reader" --regid="$reader" --clear-groups \
			keyctl session - keyctl print "$token_key" 2>&1 >"$TEST_TMP/reader.out") || st=$?
		tap_isnt "another user: keyctl print of the token key fails" "$st" 0
		tap_contains "another user: refused for want of permission" "$err" "Permission denied"
		tap_is "another user: read nothing" "$(cat "$TEST_TMP/reader.out")" ""
		st=0
		setpriv --reuid="$reader" --regid="$reader" --clear-groups \
			keyctl session - keyctl print "$(key kk client_secret)" \
			>"$TEST_TMP/reader.out" 2>/dev/null || st=$?
		tap_is "another user: cannot read the secret key either" \
			"$st $(cat "$TEST_TMP/reader.out")" "1 "
	else
		_tap_result 1 "another user cannot read the keys: useradd $reader failed"
	fi
fi

# ---- logout --all: the secret keys go too.
run_credring logout kk --all
tap_status "logout --all: exit 0" 0
tap_is "logout --all: no key of kk left" "$(key kk client_secret)$(key kk token)" ""

# ---- no Secret Service, no --store kernel: asked on a terminal, else refused.
start_emulator ants --client-id "$CLIENT_ID" --client-secret="$SECRET"
write_account asked provider=ants token_url="$EMU_TOKEN_URL" ca_file="$CA_DIR/ca.pem" \
	client_id="$CLIENT_ID" scope=item
login asked "client_secret=$SECRET"$'\n'
tap_status "login without a terminal or --store kernel: exit 5" 5
tap_is "  one line" "$RUN_ERR_LINES" 1
tap_contains "  it names --store kernel" "$RUN_ERR" "credring login asked --store kernel"
tap_is "  the provider was not asked" "$(emulator_request_count)" 0
tap_is "  nothing stored" "$(key asked client_secret)$(key asked token)" ""

st=0
TTY_ANSWERS=$'n' "$PYTHON" "$DRIVER" "$TEST_TMP/transcript" "$CREDRING" login asked || st=$?
transcript=$(tr -d '\r' <"$TEST_TMP/transcript")
tap_contains "on a terminal: the question" "$transcript" \
	"No Secret Service here: keep the secrets in the kernel keyring until reboot? [y/N] "
tap_is "answered no: exit 5" "$st" 5
tap_lacks "answered no: no secret asked for" "$transcript" "Client secret for"
tap_is "answered no: nothing stored" "$(key asked client_secret)" ""

st=0
TTY_ANSWERS=$'y\n'$SECRET "$PYTHON" "$DRIVER" "$TEST_TMP/transcript" "$CREDRING" login asked ||
	st=$?
transcript=$(tr -d '\r' <"$TEST_TMP/transcript")
tap_is "answered yes: exit 0" "$st" 0
tap_contains "answered yes: then the secret is asked for" "$transcript" "Client secret for asked: "
tap_lacks "answered yes: the secret is not echoed" "$transcript" "$SECRET"
tap_is "answered yes: the secret is in the kernel keyring" \
	"$(keyctl pipe "$(key asked client_secret)" 2>/dev/null)" "$SECRET"
stop_emulator

# ---- the default keyring: the user's persistent one, which cron's next run finds.
persist=kk-persist-$$-$RANDOM
persistent=$(keyctl get_persistent @s 2>/dev/null)
purge_persistent() {
	local kind id
	for kind in client_secret password refresh_token token; do
		id=$(key "$persist" "$kind" "$persistent") && keyctl invalidate "$id" 2>/dev/null
	done
	return 0
}
trap 'st=$?; purge_persistent; [ -n "${reader:-}" ] && userdel "$reader" 2>/dev/null; (exit $st); _at_exit' EXIT
start_emulator ants --client-id "$CLIENT_ID" --client-secret="$SECRET"
write_account "$persist" provider=ants token_url="$EMU_TOKEN_URL" ca_file="$CA_DIR/ca.pem" \
	client_id="$CLIENT_ID" scope=item
st=0
printf 'client_secret=%s\n' "$SECRET" | env -u CREDRING_KERNEL_KEYRING "$CREDRING" \
	login "$persist" --secret-stdin --store kernel >/dev/null 2>&1 || st=$?
tap_is "default keyring: login --store kernel: exit 0" "$st" 0
tap_like "default keyring: the secret is in the persistent keyring" \
	"$(key "$persist" client_secret "$persistent")" '^[0-9]+$'
tap_like "default keyring: so is the token" "$(key "$persist" token "$persistent")" '^[0-9]+$'
# A process of another session (a cron job) finds them.
st=0
out=$(keyctl session - env -u CREDRING_KERNEL_KEYRING "$CREDRING" token "$persist" 2>/dev/null) ||
	st=$?
tap_is "default keyring: another session is served the token, no request" \
	"$st $out $(emulator_request_count)" "0 $(emulator_last token) 1"
st=0
env -u CREDRING_KERNEL_KEYRING "$CREDRING" logout "$persist" --all >/dev/null 2>&1 || st=$?
tap_is "default keyring: logout --all empties it" \
	"$st $(key "$persist" client_secret "$persistent")$(key "$persist" token "$persistent")" "0 "
stop_emulator

# ---- neither a Secret Service nor a usable kernel keyring: fail closed.
NEVER="kk-never-$RANDOM$RANDOM"
start_emulator ants --client-id "$CLIENT_ID" --client-secret="$NEVER"
write_account closed provider=ants token_url="$EMU_TOKEN_URL" ca_file="$CA_DIR/ca.pem" \
	client_id="$CLIENT_ID" scope=item
for errno in EPERM ENOSYS; do
	for how in login token; do
		st=0
		if [ $how = login ]; then
			printf 'client_secret=%s\n' "$NEVER" | "$DENY" $errno "$CREDRING" login closed \
				--secret-stdin --store kernel >"$TEST_TMP/out" 2>"$TEST_TMP/err" || st=$?
		else
			"$DENY" $errno env -u DBUS_SESSION_BUS_ADDRESS "$CREDRING" token closed \
				</dev/null >"$TEST_TMP/out" 2>"$TEST_TMP/err" || st=$?
		fi
		[ $st -eq 77 ] && tap_bail "deny-keyctl cannot install its seccomp filter"
		err=$(cat "$TEST_TMP/err")
		tap_is "keyctl $errno, $how: exit 5" "$st" 5
		tap_is "keyctl $errno, $how: one line" "$(grep -c '' "$TEST_TMP/err")" 1
		tap_contains "keyctl $errno, $how: says what is missing" "$err" \
			"no Secret Service and no kernel keyring"
		for way in "desktop session (gnome-keyring)" "allow keyctl" \
			'$CREDENTIALS_DIRECTORY/credring.closed.client_secret' "secret_command = "; do
			tap_contains "keyctl $errno, $how: names '$way'" "$err" "$way"
		done
		tap_is "keyctl $errno, $how: nothing on stdout" "$(cat "$TEST_TMP/out")" ""
	done
done
tap_is "fail closed: the provider was never asked" "$(emulator_request_count)" 0
rm -f "$TEST_TMP/out" "$TEST_TMP/err"
tap_is "fail closed: no file under the test's home holds the secret" \
	"$(grep -rlF -- "$NEVER" "$HOME" 2>/dev/null | grep -v "/emulator\.")" ""
tap_is "no file under the test's home holds a token served from the kernel keyring" \
	"$(grep -rlF -- "$first_token" "$HOME" 2>/dev/null | grep -v "/emulator\.")" ""

tap_done
