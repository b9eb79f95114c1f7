#!/bin/bash
# Dataloy: client credentials and audience in a JSON body (seed 004).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/provider-suite.bash"

PROVIDER=dataloy
LIFETIME=86400
# JSON escaping traps: quote, backslash, slash, non-ASCII.
CLIENT_SECRET='-mMElV"OMz\vht/2Sy+QPfé'
EMU_ARGS=(--client-id G99j845dM4MtckQlKt8E6o --client-secret="$CLIENT_SECRET"
	--audience https://dataloy.dev)
ACCOUNT_KEYS=(client_id=G99j845dM4MtckQlKt8E6o audience=https://dataloy.dev)
GOOD_INPUT="client_secret=$CLIENT_SECRET"$'\n'
BAD_INPUT="client_secret=-mMElVOMzvht2SyQPfVh"$'\n'
REJECT_MESSAGE="Invalid client credentials."
SECRET_KINDS="client_secret"
SECRETS=("$CLIENT_SECRET")
BODY_TYPE='^application/json'

provider_suite

login dataloy-test "$GOOD_INPUT"
tap_status "login again: exit 0" 0
tap_is "no Authorization header (credentials are in the body)" \
	"$(emulator_last auth_header_present "$MAIN_LOG")" false

# The production audience where the server wants the dev one.
write_account dataloy-prod provider=dataloy token_url="$MAIN_TOKEN_URL" \
	ca_file="$CA_DIR/ca.pem" client_id=G99j845dM4MtckQlKt8E6o audience=https://dataloy
login dataloy-prod "$GOOD_INPUT"
tap_isnt "wrong audience: fails" "$RUN_STATUS" 0
tap_contains "wrong audience: the provider's message" "$RUN_ERR" "Invalid audience."
tap_is "wrong audience: nothing stored" "$(keyring_count dataloy-prod)" 0

tap_done
