#!/bin/bash
# AutoGrab: client credentials in HTTP Basic (form-urlencoded first, RFC 6749
# §2.3.1), body exactly grant_type=client_credentials (seed 003).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/provider-suite.bash"

PROVIDER=autograb
LIFETIME=3599
# ':' '/' '+' ' ' '%': a client that skips the form-encoding, or splits at
# the wrong ':', sends other credentials than these.
CLIENT_ID='ag-client+1'
CLIENT_SECRET='s3:cr/t+with space%2F'
EMU_ARGS=(--client-id "$CLIENT_ID" --client-secret="$CLIENT_SECRET")
ACCOUNT_KEYS=("client_id=$CLIENT_ID")
GOOD_INPUT="client_secret=$CLIENT_SECRET"$'\n'
BAD_INPUT="client_secret=s3:cr/t with space/"$'\n'
REJECT_MESSAGE="Invalid client credentials"
SECRET_KINDS="client_secret"
SECRETS=("$CLIENT_SECRET")
BODY_TYPE='^application/x-www-form-urlencoded'

provider_suite

login autograb-test "$GOOD_INPUT"
tap_status "login again: exit 0" 0
tap_is "the credentials went in an Authorization header" \
	"$(emulator_last auth_header_present "$MAIN_LOG")" true

tap_done
