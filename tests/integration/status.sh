#!/bin/bash
# credring status: what a person or a desktop program sees of the accounts,
# never a secret or a token.
. "$(dirname "$0")/lib.sh"

SECRET='status-secret/+: 1'
start_emulator autograb --client-id st-client --client-secret="$SECRET"
write_account ready provider=autograb client_id=st-client token_url="$EMU_TOKEN_URL" \
	ca_file="$CA_DIR/ca.pem"
write_account fresh provider=autograb client_id=st-client token_url="$EMU_TOKEN_URL"
write_account broken provider=nosuch client_id=x

login ready "client_secret=$SECRET"$'\n'
tap_status "setup: login ready" 0
run_credring token ready
TOKEN=$RUN_OUT

run_credring status
tap_status "status: exit 0 though one account is broken" 0
tap_like "status: the ready account has its secret stored" "$RUN_OUT" "ready \(autograb\)"$'\n'"  client secret: stored"
tap_like "status: the ready account's token is valid" "$RUN_OUT" "token: valid until 20[0-9-]+T"
tap_like "status: the fresh account has no secret" "$RUN_OUT" "fresh \(autograb\)"$'\n'"  client secret: not stored"
tap_like "status: the broken account names its problem" "$RUN_OUT" "broken \(nosuch\)"$'\n'"  problem: no plugin or provider file for provider 'nosuch'"
tap_lacks "status: no token on stdout" "$RUN_OUT" "$TOKEN"
tap_lacks "status: no secret on stdout" "$RUN_OUT" "$SECRET"

run_credring status --format json
tap_status "status --format json: exit 0" 0
printf '%s' "$RUN_OUT" >"$TEST_TMP/status.json"
got=$("$PYTHON" - "$TEST_TMP/status.json" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
by = {a["account"]: a for a in doc["accounts"]}
r, f, b = by["ready"], by["fresh"], by["broken"]
print(" ".join(str(x) for x in [
    list(by) == ["ready", "fresh", "broken"],
    r["provider"] == "autograb" and r["client_secret_stored"] is True and r["token_valid"] is True,
    3500 < r["expires_in"] <= 3599 and r["expires_at"].endswith("Z") and r["will_refresh"] is False,
    f["client_secret_stored"] is False and f["token_valid"] is False and f["problem"] is None,
    b["problem"].startswith("no plugin or provider file for provider"),
]))
PY
)
tap_is "status --format json: accounts, secrets, token validity and problems" "$got" "True True True True True"
tap_lacks "status --format json: no token" "$RUN_OUT" "$TOKEN"
tap_lacks "status --format json: no secret" "$RUN_OUT" "$SECRET"

run_credring status ready
tap_status "status ACCOUNT: exit 0" 0
tap_lacks "status ACCOUNT: only that account" "$RUN_OUT" "fresh"

run_credring status nosuchaccount
tap_status "status of an unknown account: exit 2" 2
tap_is "status of an unknown account: one line" "$RUN_ERR_LINES" 1

run_credring status --format header
tap_status "status --format header: a usage error" 2

# -- status warns as token does: about keys nobody reads, once per account
write_account typo provider=autograb client_id=st-client token_url="$EMU_TOKEN_URL" scoep=x
write_account typo-too provider=autograb client_id=st-client token_url="$EMU_TOKEN_URL" \
	clientsecret=y
run_credring status
tap_status "status with unknown keys: exit 0" 0
tap_contains "status with unknown keys: warns about [typo]'s" "$RUN_ERR" \
	"unknown key 'scoep' in account [typo] (provider autograb)"
tap_contains "status with unknown keys: warns about [typo-too]'s" "$RUN_ERR" \
	"unknown key 'clientsecret' in account [typo-too] (provider autograb)"
tap_is "status with unknown keys: one warning per account" "$(grep -c 'warning: ' <<<"$RUN_ERR")" 2
tap_is "status with unknown keys: nothing else on stderr" "$RUN_ERR_LINES" 2
run_credring token typo --dry-run
token_warning=$(grep 'warning: ' <<<"$RUN_ERR")
run_credring status typo
tap_is "status ACCOUNT: the same warning as token" "$RUN_ERR" "$token_warning"
run_credring status --format json
tap_status "status --format json with unknown keys: exit 0" 0
tap_is "status --format json: the warnings on stderr too" "$RUN_ERR_LINES" 2

# -- an account that cannot be used has no valid token, whatever is cached
# [ready] has a token cached; the same name with settings that do not
# resolve, or a provider that does not load, cannot use it.
for variant in "token_url=http://example.com/token" "provider=nosuch"; do
	other=$TEST_TMP/other.conf
	: >"$other"
	chmod 600 "$other"
	CREDRING_CONFIG=$other write_account ready provider=autograb client_id=st-client \
		ca_file="$CA_DIR/ca.pem" "$variant"
	run_credring --config "$other" status
	tap_status "unusable [ready] ($variant): exit 0" 0
	tap_like "unusable [ready] ($variant): names its problem" "$RUN_OUT" "  problem: "
	tap_lacks "unusable [ready] ($variant): no valid token shown" "$RUN_OUT" "valid until"
	tap_contains "unusable [ready] ($variant): the cached token cannot be used" "$RUN_OUT" \
		"token: cached, not usable"
	run_credring --config "$other" status --format json
	tap_status "unusable [ready] ($variant), json: exit 0" 0
	printf '%s' "$RUN_OUT" >"$TEST_TMP/status.json"
	got=$("$PYTHON" - "$TEST_TMP/status.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["accounts"][0]
print(r["account"] == "ready", r["token_valid"] is False, bool(r["problem"]))
PY
)
	tap_is "unusable [ready] ($variant), json: token_valid false, problem set" "$got" "True True True"
done

# -- a cached token issued under other settings is not the one served
other=$TEST_TMP/other.conf
: >"$other"
chmod 600 "$other"
CREDRING_CONFIG=$other write_account ready provider=autograb client_id=another-client \
	token_url="$EMU_TOKEN_URL" ca_file="$CA_DIR/ca.pem"
run_credring --config "$other" status
tap_status "[ready] with another client_id: exit 0" 0
tap_lacks "[ready] with another client_id: no valid token shown" "$RUN_OUT" "valid until"
tap_contains "[ready] with another client_id: the cached token is for other settings" "$RUN_OUT" \
	"token: cached for other settings"
run_credring --config "$other" status --format json
printf '%s' "$RUN_OUT" >"$TEST_TMP/status.json"
got=$("$PYTHON" - "$TEST_TMP/status.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["accounts"][0]
print(r["token_valid"] is False, r["problem"] is None, r["will_refresh"] is True)
PY
)
tap_is "[ready] with another client_id, json: token_valid false, will_refresh" "$got" "True True True"
run_credring status ready
tap_contains "[ready] as it was: the token is valid again" "$RUN_OUT" "valid until"

tap_done
