#!/bin/bash
# credring-service's errors: each failure is the D-Bus error whose name
# mirrors the exit status `credring token` ends with in the same situation
# (org.credring.Credring1.Error.Config 2, Rejected 3, Network 4, Keyring 5,
# Failed 1), with the one line the CLI prints as its message; an option it
# does not know, or of the wrong type, is InvalidArgs. (AccessDenied:
# service-uid.sh.)
TEST_SERVICE_DIR=installed
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/git-lib.sh"
. "$(dirname "$0")/service-lib.sh"

SECRET='svc-errors-s3cret'
CLIENT_ID=26156a86-b739-4c6b-9de2-314228c3e6e5
KEYS=(provider=ants client_id="$CLIENT_ID" scope=item)
start_emulator ants --client-id "$CLIENT_ID" --client-secret="$SECRET"
GOOD_URL=$EMU_TOKEN_URL GOOD_LOG=$EMU_LOG

# account NAME SECRET [KEY=VALUE...]: an ants account, SECRET stored
# (--no-verify: these tests are about what happens when fetching).
account() {
	local name=$1 secret=$2
	shift 2
	write_account "$name" "${KEYS[@]}" "$@"
	login "$name" "client_secret=$secret"$'\n' --no-verify
	[ "$RUN_STATUS" = 0 ] || tap_diag "login --no-verify $name: exit $RUN_STATUS: $RUN_ERR"
}
account good "$SECRET" token_url="$GOOD_URL" ca_file="$CA_DIR/ca.pem"
account wrong wrong-secret token_url="$GOOD_URL" ca_file="$CA_DIR/ca.pem" url=https://wrong.service.test
account refused "$SECRET" token_url="https://127.0.0.1:$(free_port)/oauth/token" ca_file="$CA_DIR/ca.pem"
account locked "$SECRET" token_url="$GOOD_URL" ca_file="$CA_DIR/ca.pem"
account failing "$SECRET" token_url="$GOOD_URL" ca_file="$CA_DIR/ca.pem"
write_account noscope provider=ants client_id="$CLIENT_ID" token_url="$GOOD_URL" ca_file="$CA_DIR/ca.pem"
write_account noprovider provider=nosuchprovider client_id=x token_url="$GOOD_URL"
start_emulator ants --client-id "$CLIENT_ID" --client-secret="$SECRET" \
	--cert "$CA_DIR/untrusted-server.pem" --key "$CA_DIR/untrusted-server-key.pem"
account untrusted "$SECRET" token_url="$EMU_TOKEN_URL" ca_file="$CA_DIR/ca.pem"
UNTRUSTED_LOG=$EMU_LOG
service_env

# same_as_cli DESC ACCOUNT ERROR STATUS [OPTIONS]: GetAccessToken(ACCOUNT)
# fails with ERROR, `credring token ACCOUNT` exits STATUS, with one message.
same_as_cli() {
	local desc=$1 account=$2 error=$3 status=$4
	svc_get_token "$account" "${5:-}"
	printf '%s\n' "$SVC_MESSAGE" >>"$TEST_TMP/messages"
	svc_error_is "$desc: Error.$error" "$error"
	run_credring token "$account"
	tap_status "$desc: credring token exits $status" "$status"
	svc_message_is_cli "$desc: the message is the CLI's line"
	tap_is "$desc: no token on stdout" "$SVC_OUT$RUN_OUT" ""
}

# -- control: the service answers for a good account
svc_get_token good
svc_ok "control: GetAccessToken good: a token"
tap_is "control: the issued token" "$SVC_TOKEN" "$(emulator_last token "$GOOD_LOG")"

# -- Config (2)
same_as_cli "unknown account" no-such-account Config 2
tap_contains "unknown account: named" "$SVC_MESSAGE" no-such-account
same_as_cli "account without scope" noscope Config 2
tap_contains "account without scope: the key named" "$SVC_MESSAGE" scope
same_as_cli "unknown provider" noprovider Config 2

# -- InvalidArgs: options of the wrong type, or unknown
svc_get_token good "{'min-valid': <'soon'>}"
svc_error_is "min-valid a string: InvalidArgs" "$INVALID_ARGS"
svc_get_token good "{'min-valid': <int64 60>}"
svc_error_is "min-valid an int64, not a uint32: InvalidArgs" "$INVALID_ARGS"
svc_get_token good "{'force-refresh': <uint32 1>}"
svc_error_is "force-refresh a number: InvalidArgs" "$INVALID_ARGS"
svc_get_token good "{'frobnicate': <true>}"
svc_error_is "an unknown option: InvalidArgs" "$INVALID_ARGS"
tap_contains "an unknown option: named" "$SVC_MESSAGE" frobnicate
svc_call GetAccessTokenForUrl "('https://wrong.service.test/', @a{sv} {'min_valid': <uint32 1>})"
svc_error_is "GetAccessTokenForUrl, an unknown option: InvalidArgs" "$INVALID_ARGS"
tap_is "bad options: no request to the provider" "$(emulator_request_count "$GOOD_LOG")" 1

# -- Rejected (3): the provider refuses the secret
same_as_cli "wrong client secret" wrong Rejected 3
tap_is "wrong client secret: the provider was asked (service and CLI)" \
	"$(emulator_request_count "$GOOD_LOG")" 3
svc_call GetAccessTokenForUrl "('https://wrong.service.test/x', @a{sv} {})"
svc_error_is "GetAccessTokenForUrl, wrong client secret: Error.Rejected" Rejected
svc_message_is_cli "GetAccessTokenForUrl, wrong client secret: the CLI's line"

# -- Network (4): nothing listening; a certificate of another CA
same_as_cli "connection refused" refused Network 4
same_as_cli "untrusted certificate" untrusted Network 4
tap_is "untrusted certificate: no request got through" "$(emulator_request_count "$UNTRUSTED_LOG")" 0
stop_emulator "$EMU_PID"
same_as_cli "emulator down" untrusted Network 4

# -- Keyring (5): the login collection locked, a secret needed
keyring_lock
tap_ok "the login collection is locked" keyring_locked
same_as_cli "keyring locked" locked Keyring 5
tap_contains "keyring locked: says so" "$SVC_MESSAGE" locked
keyring_unlock
svc_get_token locked
svc_ok "unlocked again: GetAccessToken locked works"

# -- Failed (1): anything else; here the account's lock file cannot be
# opened (a directory in its place), which the service and the CLI share
# (login made the lock file: a directory takes its place)
rm -f "$XDG_RUNTIME_DIR/credring/failing.lock"
mkdir "$XDG_RUNTIME_DIR/credring/failing.lock"
same_as_cli "lock file unusable" failing Failed 1
tap_contains "lock file unusable: names it" "$SVC_MESSAGE" "failing.lock"
rmdir "$XDG_RUNTIME_DIR/credring/failing.lock"
svc_get_token failing
svc_ok "lock file usable again: GetAccessToken failing works"

# -- after all these failures the first process still answers
svc_get_token good
tap_is "after the errors: the good account's cached token" "$SVC_TOKEN" \
	"$(emulator_tokens "$GOOD_LOG" | head -n 1)"

no_secret_leaks "errors" "$SECRET" wrong-secret
for s in "$SECRET" wrong-secret $(emulator_tokens "$GOOD_LOG"); do
	tap_lacks "no secret or token in any D-Bus error message" "$(cat "$TEST_TMP/messages")" "$s"
done
tap_done
