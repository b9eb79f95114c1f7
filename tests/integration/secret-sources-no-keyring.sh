#!/bin/bash
# Secrets from outside the keyring where there is no Secret Service (a
# service, cron, SSH: issue #13 §2): `login` says where they come from and
# needs no keyring to say so.
TEST_KEYRING=none
. "$(dirname "$0")/lib.sh"

ID=26156a86-b739-4c6b-9de2-314228c3e6e5
SECRET='cs-NoKeyring&7=1+2 %41'
start_emulator ants --client-id "$ID" --client-secret="$SECRET" --scope item
ants_account() {  # ants_account NAME [KEY=VALUE...]
	local name=$1
	shift
	write_account "$name" provider=ants client_id="$ID" scope=item token_url="$EMU_TOKEN_URL" \
		ca_file="$CA_DIR/ca.pem" "$@"
}

tap_is "the bus really has no Secret Service" \
	"$(dbus-send --session --print-reply=literal --dest=org.freedesktop.DBus \
		/org/freedesktop/DBus org.freedesktop.DBus.NameHasOwner \
		string:org.freedesktop.secrets | awk '{print $NF}')" false

CREDS=$TEST_TMP/credentials
mkdir "$CREDS"
printf '%s\n' "$SECRET" >"$CREDS/credring.cred.client_secret"
chmod 400 "$CREDS/credring.cred.client_secret"
chmod 500 "$CREDS"
export CREDENTIALS_DIRECTORY=$CREDS
ants_account cred
printf '#!/bin/sh\nprintf "%%s\\n" "%s"\n' "$SECRET" >"$TEST_TMP/print-secret"
chmod 700 "$TEST_TMP/print-secret"
ants_account cmd secret_command="$TEST_TMP/print-secret"

RUN_STDIN=$'client_secret=something-else\n'
run_credring login cred --secret-stdin
tap_status "credential: login exit 0 without a keyring" 0
tap_is "credential: login says where the secret comes from" "$RUN_OUT" \
	"account [cred]: its client secret comes from systemd credential; nothing to store"
run_credring login cmd
tap_status "secret_command: login exit 0 without a keyring" 0
tap_is "secret_command: login says where the secret comes from" "$RUN_OUT" \
	"account [cmd]: its client secret comes from secret_command; nothing to store"
tap_is "login: the provider was not asked" "$(emulator_request_count)" 0
no_secret_leaks "login" "$SECRET"

# A token needs a cache, which without a Secret Service is the kernel
# keyring (issue #13 §1): the token comes, and a second process is served
# it without asking the provider again.
run_credring token cred
tap_status "credential: a token without a Secret Service" 0
no_secret_leaks "credential: token" "$SECRET"
run_credring token cmd
tap_status "secret_command: a token without a Secret Service" 0
no_secret_leaks "secret_command: token" "$SECRET"
requests=$(emulator_request_count)
run_credring token cmd
tap_status "secret_command: the token again" 0
tap_is "secret_command: served from the kernel keyring, no new request" \
	"$(emulator_request_count)" "$requests"

chmod 700 "$CREDS"
tap_done
