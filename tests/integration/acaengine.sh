#!/bin/bash
# ACAEngine / PlaceOS: password grant, secrets in a form body (seed 000).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/provider-suite.bash"

PROVIDER=acaengine
LIFETIME=7200
# Secrets and username full of form-encoding traps: & = + % space, non-ASCII.
CLIENT_SECRET='cs&x=1+2 %41'
PASSWORD='p&ss=w0rd %+ é'
EMU_ARGS=(--client-id aca-client --client-secret="$CLIENT_SECRET"
	--username 'alice+ops@example.com' --password="$PASSWORD"
	--authority sgrp-FjZ1x --scope 'public read')
ACCOUNT_KEYS=(client_id=aca-client 'username=alice+ops@example.com' authority=sgrp-FjZ1x)
GOOD_INPUT="client_secret=$CLIENT_SECRET"$'\n'"password=$PASSWORD"$'\n'
BAD_INPUT="client_secret=wrong-secret"$'\n'"password=$PASSWORD"$'\n'
REJECT_MESSAGE="Client authentication failed"
SECRET_KINDS="client_secret password"
SECRETS=("$CLIENT_SECRET" "$PASSWORD")
# The doc's body is form parameters; the seeds README notes the server also
# takes JSON, so the emulator takes both.
BODY_TYPE='^application/(x-www-form-urlencoded|json)'

provider_suite

# A wrong password is an invalid grant (HTTP 400), still the provider
# rejecting the credentials.
write_account aca-badpw provider=acaengine token_url="$MAIN_TOKEN_URL" \
	ca_file="$CA_DIR/ca.pem" "${ACCOUNT_KEYS[@]}"
login aca-badpw "client_secret=$CLIENT_SECRET"$'\n'"password=wrong"$'\n'
tap_status "wrong password: exit 3" 3
tap_is "wrong password: one line on stderr" "$RUN_ERR_LINES" 1
tap_contains "wrong password: the provider's message" "$RUN_ERR" \
	"The provided authorization grant is invalid"
tap_is "wrong password: nothing stored" "$(keyring_count aca-badpw)" 0

# The optional scope (space-separated, so it needs encoding too).
write_account aca-scoped provider=acaengine token_url="$MAIN_TOKEN_URL" \
	ca_file="$CA_DIR/ca.pem" "${ACCOUNT_KEYS[@]}" 'scope=public read'
login aca-scoped "$GOOD_INPUT"
tap_status "scope 'public read': accepted" 0
write_account aca-badscope provider=acaengine token_url="$MAIN_TOKEN_URL" \
	ca_file="$CA_DIR/ca.pem" "${ACCOUNT_KEYS[@]}" scope=admin
login aca-badscope "$GOOD_INPUT"
tap_isnt "scope the server does not offer: fails" "$RUN_STATUS" 0
tap_contains "scope the server does not offer: the provider's message" "$RUN_ERR" \
	"The requested scope is invalid"

# host fills {host} in the plugin's own URL: with no token_url, the request
# goes to https://HOST/auth/oauth/token.
port=${MAIN_TOKEN_URL#https://127.0.0.1:}
port=${port%%/*}
write_account aca-host provider=acaengine host="127.0.0.1:$port" \
	ca_file="$CA_DIR/ca.pem" "${ACCOUNT_KEYS[@]}"
login aca-host "$GOOD_INPUT"
tap_status "host=127.0.0.1:PORT and the plugin's default path: exit 0" 0

tap_done
