#!/bin/bash
# credring doctor: one line per check, ok or the problem and what fixes it;
# exit 0 when every check passes, 1 otherwise.  Each situation of issue
# #13 §5 is made for real (no bus, a locked collection, an accounts file
# others may write, a token URL nobody answers, a certificate nobody
# trusts) and the verdict of the check it concerns is asserted, in the
# JSON output and the text.  No secret in any of it.
. "$(dirname "$0")/lib.sh"

SECRET='doctor-test-s3cret'
CLIENT_ID=26156a86-b739-4c6b-9de2-314228c3e6e5
DENY=$abs_top_builddir/tests/deny-keyctl
start_emulator ants --client-id "$CLIENT_ID" --client-secret="$SECRET"
write_account good provider=ants client_id="$CLIENT_ID" scope=item \
	token_url="$EMU_TOKEN_URL" ca_file="$CA_DIR/ca.pem"
login good "client_secret=$SECRET"$'\n'
tap_status "setup: login good" 0

# verdict CHECK [FIELD]: the last JSON run's FIELD (default verdict) of
# CHECK; "absent" when there is no such check, "twice" when more than one.
verdict() {
	"$PYTHON" - "$TEST_TMP/out" "$1" "${2:-verdict}" <<'PY'
import json, sys
checks = [c for c in json.load(open(sys.argv[1])) if c["check"] == sys.argv[2]]
print("absent" if not checks else "twice" if len(checks) > 1 else checks[0][sys.argv[3]])
PY
}
# verdicts_are DESC CHECK=VERDICT...: each named check has that verdict.
verdicts_are() {
	local desc=$1 pair
	shift
	for pair in "$@"; do
		tap_is "$desc: ${pair%%=*}" "$(verdict "${pair%%=*}")" "${pair#*=}"
	done
}
doctor() { run_credring doctor --format json "$@"; }

# -- a healthy session
BEFORE=$(emulator_request_count)
doctor
tap_status "healthy: exit 0" 0
verdicts_are "healthy" "session bus=ok" "Secret Service=ok" "default collection=ok" \
	"session collection=ok" "kernel keyring=ok" "accounts file=ok" "account [good]=ok" \
	"account [good]: client secret=ok" "account [good]: token URL=ok" "account [good]: clock=ok"
tap_contains "healthy: the token URL is named" "$(verdict "account [good]: token URL" detail)" \
	"$EMU_TOKEN_URL"
# What the emulator saw of doctor: one GET, no Authorization, no body.
tap_is "healthy: the token endpoint was asked once, with a GET without credentials" \
	"$(tail -n +$((BEFORE + 1)) "$EMU_LOG" | "$PYTHON" -c '
import json, sys
for line in sys.stdin:
    r = json.loads(line)
    print(r["method"], r["auth_header_present"], r["content_type"])')" "GET False None"
CHECKS=$("$PYTHON" -c 'import json, sys; print(len(json.load(open(sys.argv[1]))))' "$TEST_TMP/out")
run_credring doctor
tap_status "healthy, as text: exit 0" 0
tap_is "healthy, as text: every line says ok" "$(grep -cv '^ok ' "$TEST_TMP/out")" 0
tap_is "healthy, as text: one line per check" "$(grep -c '' "$TEST_TMP/out")" "$CHECKS"
no_secret_leaks "healthy" "$SECRET"

# -- one account, named
doctor good
tap_status "doctor good: exit 0" 0
tap_is "doctor good: no other account" "$(verdict "account [nope]")" absent
doctor nope
tap_status "doctor nope (no such account): exit 1" 1
tap_is "doctor nope: a problem" "$(verdict "account [nope]")" problem

# -- a token URL nobody answers; one whose certificate nobody trusts
write_account down provider=ants client_id="$CLIENT_ID" scope=item \
	token_url="https://127.0.0.1:$(free_port)/oauth/token" ca_file="$CA_DIR/ca.pem" timeout=2
write_account untrusted provider=ants client_id="$CLIENT_ID" scope=item \
	token_url="$EMU_TOKEN_URL" timeout=2
doctor
tap_status "unreachable and untrusted: exit 1" 1
verdicts_are "unreachable" "account [good]: token URL=ok" "account [down]: token URL=problem" \
	"account [down]: clock=absent" "account [untrusted]: token URL=problem"
tap_contains "unreachable: says what fixes it" "$(verdict "account [down]: token URL" fix)" \
	"network"
tap_like "untrusted: says it is the certificate" \
	"$(verdict "account [untrusted]: token URL" detail)" "[Cc]ertificate|SSL|TLS"
verdicts_are "not logged in" "account [down]: client secret=problem"
tap_is "not logged in: the fix is the login" "$(verdict "account [down]: client secret" fix)" \
	"credring login down"
sed -i '/^\[down\]/,$d' "$CREDRING_CONFIG"

# -- a server whose clock is ten minutes ahead: tokens would seem to expire
#    early or late; the clock check says so, the others still pass
start_emulator ants --client-id "$CLIENT_ID" --client-secret="$SECRET" --clock-offset=600
write_account skewed provider=ants client_id="$CLIENT_ID" scope=item \
	token_url="$EMU_TOKEN_URL" ca_file="$CA_DIR/ca.pem"
login skewed "client_secret=$SECRET"$'\n' --no-verify
doctor skewed
tap_status "server clock 600 s ahead: exit 1" 1
verdicts_are "server clock ahead" "account [skewed]: token URL=ok" "account [skewed]: clock=problem"
tap_like "server clock ahead: says by how much" "$(verdict "account [skewed]: clock" detail)" \
	"^(599|600|601) s behind"
tap_contains "server clock ahead: the fix" "$(verdict "account [skewed]: clock" fix)" "timedatectl"
sed -i '/^\[skewed\]/,$d' "$CREDRING_CONFIG"

# -- an accounts file others may write
chmod 666 "$CREDRING_CONFIG"
doctor
tap_status "world-writable accounts file: exit 1" 1
tap_is "world-writable accounts file: a problem" "$(verdict "accounts file")" problem
tap_is "world-writable accounts file: no account looked at" "$(verdict "account [good]")" absent
chmod 600 "$CREDRING_CONFIG"

# -- a locked default collection
keyring_lock
doctor
tap_status "locked: exit 1" 1
verdicts_are "locked" "Secret Service=ok" "default collection=problem" "session collection=ok"
tap_contains "locked: the fix says to unlock it" "$(verdict "default collection" fix)" "unlock"
keyring_unlock >/dev/null
doctor
tap_status "unlocked again: exit 0" 0

# -- no session bus: the kernel keyring serves, the secrets are not there
RUN_ARGS=(doctor --format json)
RUN_STATUS=0
env -u DBUS_SESSION_BUS_ADDRESS "$CREDRING" doctor --format json >"$TEST_TMP/out" \
	2>"$TEST_TMP/err" || RUN_STATUS=$?
tap_status "no bus: exit 1 (the secret is in the Secret Service)" 1
verdicts_are "no bus" "session bus=not-needed" "kernel keyring=ok" "Secret Service=absent" \
	"account [good]: client secret=problem" "account [good]: token URL=ok"
# ... and no kernel keyring either: nowhere to keep anything
RUN_STATUS=0
"$DENY" EPERM env -u DBUS_SESSION_BUS_ADDRESS "$CREDRING" doctor --format json \
	>"$TEST_TMP/out" 2>"$TEST_TMP/err" || RUN_STATUS=$?
[ "$RUN_STATUS" = 77 ] && tap_bail "deny-keyctl cannot install its seccomp filter"
tap_status "no bus, no kernel keyring: exit 1" 1
verdicts_are "no bus, no kernel keyring" "session bus=problem" "kernel keyring=problem"
tap_contains "no kernel keyring: the fix names keyctl" "$(verdict "kernel keyring" fix)" "keyctl"

tap_done
