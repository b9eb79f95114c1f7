#!/bin/bash
# ANTS: client credentials in a form body, required comma-separated scope,
# absolute expiry, errors as {statusCode,status,code,message,name} (seed 002).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/provider-suite.bash"

PROVIDER=ants
LIFETIME=3600
CLIENT_SECRET='ECOTBQ&NP4=4+IF %PC'
EMU_ARGS=(--client-id 26156a86-b739-4c6b-9de2-314228c3e6e5
	--client-secret="$CLIENT_SECRET" --scope item,event,profile)
ACCOUNT_KEYS=(client_id=26156a86-b739-4c6b-9de2-314228c3e6e5 scope=item,event)
GOOD_INPUT="client_secret=$CLIENT_SECRET"$'\n'
BAD_INPUT="client_secret=ECOTBQNP44IFPCVMQNSZ"$'\n'
REJECT_MESSAGE="Invalid client: client is invalid"
SECRET_KINDS="client_secret"
SECRETS=("$CLIENT_SECRET")
BODY_TYPE='^application/x-www-form-urlencoded'

provider_suite

# A scope outside what the client may ask for: the documented invalid_scope.
write_account ants-promo provider=ants token_url="$MAIN_TOKEN_URL" \
	ca_file="$CA_DIR/ca.pem" client_id=26156a86-b739-4c6b-9de2-314228c3e6e5 scope=promotion
login ants-promo "$GOOD_INPUT"
tap_isnt "scope not granted: fails" "$RUN_STATUS" 0
tap_is "scope not granted: one line on stderr" "$RUN_ERR_LINES" 1
tap_contains "scope not granted: the provider's message" "$RUN_ERR" \
	"Invalid scope: Requested scope is invalid"
tap_is "scope not granted: nothing stored" "$(keyring_count ants-promo)" 0

# A single scope works as well as a list.
write_account ants-item provider=ants token_url="$MAIN_TOKEN_URL" \
	ca_file="$CA_DIR/ca.pem" client_id=26156a86-b739-4c6b-9de2-314228c3e6e5 scope=profile
login ants-item "$GOOD_INPUT"
tap_status "scope=profile: exit 0" 0

tap_done
