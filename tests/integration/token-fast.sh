#!/bin/bash
# `credring token` with credring-service running is answered by the
# credring executable itself (helpers/token-fast.c), which links GLib and
# the core's account and provider code only, nothing of GIO, libsecret,
# libkeyutils or libcurl (issue #12 §3: the cost of a cached token is then
# a process start and one round trip).  It prints exactly what the CLI
# prints, and leaves to the CLI whatever is not a plain success: another
# option, a warning to show, a miss, no service.
TEST_SERVICE_DIR=installed
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/service-lib.sh"

SECRET='token-fast-s3cret'
CLIENT_ID=26156a86-b739-4c6b-9de2-314228c3e6e5
start_emulator ants --client-id "$CLIENT_ID" --client-secret="$SECRET"
write_account acct provider=ants client_id="$CLIENT_ID" scope=item \
	token_url="$EMU_TOKEN_URL" ca_file="$CA_DIR/ca.pem"
login acct "client_secret=$SECRET"$'\n'
tap_status "setup: login" 0
T=$(emulator_last token)

# -- what the executable links
NEEDED=$(objdump -p "$CREDRING" | awk '$1 == "NEEDED" { print $2 }' | tr '\n' ' ')
tap_contains "credring links GLib" "$NEEDED" "libglib-2.0.so"
for lib in libgio libgobject libsecret libkeyutils libcurl libsoup libcredring; do
	tap_lacks "credring does not link $lib" "$NEEDED" "$lib"
done

# -- no service: the CLI answers, from the keyring
run_credring token acct
tap_status "no service: exit 0" 0
tap_ok "no service: the token" out_is "$T"$'\n'
for format in raw header json kubectl; do
	run_credring token acct --format "$format"
	cp "$TEST_TMP/out" "$TEST_TMP/cli.$format"
done

# -- the service runs, the token is cached in it
service_env
svc_get_token acct
svc_ok "the service is activated and serves the token"
requests=$(emulator_request_count)
# mapped: the libraries one run maps (the dynamic loader's word)
mapped() { LD_DEBUG=files "$CREDRING" "$@" 2>&1 >/dev/null | grep -o 'file=[^ ]*' | sort -u; }
MAPPED=$(mapped token acct)
tap_ok "served: GIO is not mapped" eval "! grep -q libgio <<<'$MAPPED'"
tap_ok "served: libsecret is not mapped" eval "! grep -q libsecret <<<'$MAPPED'"
tap_is "served: nothing loaded but the provider's plugin" \
	"$(grep -c '^file=/proc/self/fd/' <<<"$MAPPED")" 1
for format in raw header kubectl; do
	run_credring token acct --format "$format"
	tap_status "served, --format $format: exit 0" 0
	tap_ok "served, --format $format: what the CLI prints" cmp -s "$TEST_TMP/out" "$TEST_TMP/cli.$format"
done
run_credring token acct --format=json
tap_status "served, --format=json: exit 0" 0
mask() { sed -E 's/"expires_in":[0-9]+/"expires_in":N/' "$1"; }
tap_is "served, json: what the CLI prints (but for the seconds left)" \
	"$(mask "$TEST_TMP/out")" "$(mask "$TEST_TMP/cli.json")"
run_credring -c "$CREDRING_CONFIG" token acct -f header --min-valid 60
tap_status "served, -c FILE, -f header, --min-valid 60: exit 0" 0
tap_ok "served, -c, -f, --min-valid: the header" out_is "Authorization: Bearer $T"$'\n'
tap_is "served: no request to the provider" "$(emulator_request_count)" "$requests"

# -- what the fast path leaves to the CLI, which then maps what it needs
MAPPED=$(mapped token acct --verbose)
tap_ok "--verbose: the CLI answers (with what it maps: GIO)" eval "grep -q libgio <<<'$MAPPED'"
run_credring token acct --min-valid 999999
tap_status "--min-valid longer than the token lasts: the CLI's exit 2" 2
tap_contains "--min-valid too long: the CLI's message" "$RUN_ERR" "min_valid"
printf 'unknown_key = 1\n' >>"$CREDRING_CONFIG"
run_credring token acct
tap_status "a warning to show: exit 0" 0
# (another key is other settings: a token issued for them)
tap_like "a warning to show: a token" "$RUN_OUT" '^[a-z0-9]+$'
tap_contains "a warning to show: the CLI shows it" "$RUN_ERR" "unknown_key"
sed -i '/^unknown_key = 1$/d' "$CREDRING_CONFIG"
run_credring token nope
tap_status "no such account: the CLI's exit 2" 2
tap_contains "no such account: the CLI's message" "$RUN_ERR" "no account [nope]"
run_credring token acct extra
tap_status "a word too many: the CLI's usage error, exit 2" 2
no_secret_leaks "token-fast" "$SECRET"

tap_done
