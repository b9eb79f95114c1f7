#!/bin/bash
# Signing a person in with a code (RFC 8628) against the strict
# authorization server, and what follows: the refresh token kept in the
# keyring, used, rotated, refused; revocation at logout --all; nobody
# asked when nobody can answer.
. "$(dirname "$0")/lib.sh"

GIT_HELPER=$abs_top_builddir/helpers/git-credential-credring

start_auth_server --device-interval 1
write_signin_provider testas none "device_code;authorization_code" default_scope="openid api"
write_account dev provider=testas client_id=test-client ca_file="$CA_DIR/ca.pem" \
	url=https://api.example.com/v1

# ---- nobody to answer: at once, exit 3, naming login ----------------------

start=$(date +%s)
run_credring token dev
tap_status "token, never signed in, no terminal: exit 3" 3
tap_contains "token, never signed in: names credring login" "$RUN_ERR" "credring login dev"
tap_is "token, never signed in: one line" "$RUN_ERR_LINES" 1
tap_is "token, never signed in: nothing on stdout" "$RUN_OUT" ""
tap_is "token, never signed in: the provider was not asked" \
	"$(as_stat 's["device_authorization"] + sum(s["token"].values())')" 0
tap_timing_ok "token, never signed in: at once" test $(($(date +%s) - start)) -lt 5

# git with GIT_TERMINAL_PROMPT=0: the same, nothing on git's stdout (here
# nobody could answer anyway: signin-browser.sh runs it where a browser would start).
for prompt in 0 unset; do
	start=$(date +%s)
	status=0
	if [ "$prompt" = 0 ]; then
		printf 'protocol=https\nhost=api.example.com\npath=v1/x\n\n' |
			GIT_TERMINAL_PROMPT=0 timeout 60 "${CREDRING_WRAP[@]}" "$GIT_HELPER" get \
				>"$TEST_TMP/git.out" 2>"$TEST_TMP/git.err" || status=$?
	else
		printf 'protocol=https\nhost=api.example.com\npath=v1/x\n\n' |
			timeout 60 "${CREDRING_WRAP[@]}" "$GIT_HELPER" get \
				>"$TEST_TMP/git.out" 2>"$TEST_TMP/git.err" || status=$?
	fi
	tap_isnt "git get, GIT_TERMINAL_PROMPT $prompt: fails" "$status" 0
	tap_is "git get, GIT_TERMINAL_PROMPT $prompt: nothing on stdout" "$(cat "$TEST_TMP/git.out")" ""
	tap_contains "git get, GIT_TERMINAL_PROMPT $prompt: names credring login" \
		"$(cat "$TEST_TMP/git.err")" "credring login dev"
	tap_timing_ok "git get, GIT_TERMINAL_PROMPT $prompt: at once" test $(($(date +%s) - start)) -lt 5
done
tap_is "git get: the provider was not asked" \
	"$(as_stat 's["device_authorization"] + sum(s["token"].values())')" 0

# ---- login --device ------------------------------------------------------

sign_in_with_code dev approve
tap_status "login --device: exit 0" 0
tap_isnt "login --device: showed a code" "$USER_CODE" ""
tap_contains "login --device: shows where to enter it" "$RUN_ERR" "$AS_URL/device"
tap_contains "login --device: says it signed in" "$RUN_OUT" "dev: signed in"
tap_is "login --device: a public client stores no client secret" "$(keyring_count dev client_secret)" 0
tap_is "login --device: the refresh token is stored" "$(keyring_count dev refresh_token)" 1
tap_is "login --device: and the token" "$(keyring_count dev token)" 1
refresh_token=$(as_current_refresh_token)
tap_is "login --device: the stored refresh token is the provider's" \
	"$(stored_refresh_token dev)" "$refresh_token"
no_secret_leaks "login --device" "$refresh_token"
tap_is "login --device: one device code asked for" "$(as_stat 's["device_authorization"]')" 1
tap_is "login --device: one poll answered with tokens" \
	"$(grep '"grant_type": "urn:ietf:params:oauth:grant-type:device_code"' "$AS_LOG" |
		grep -c '"status": 200')" 1

run_credring token dev
tap_status "token after login: exit 0" 0
access_token=$RUN_OUT
tap_is "token after login: a live token" "$(as_hook GET /_emulator/check -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $access_token")" 200

# ---- refresh and rotation ----------------------------------------------

run_credring token dev --force-refresh
tap_status "force refresh: exit 0" 0
tap_isnt "force refresh: a new token" "$RUN_OUT" "$access_token"
tap_is "force refresh: by the refresh token" "$(as_stat 's["token"]["refresh_token"]')" 1
rotated=$(as_current_refresh_token)
tap_isnt "force refresh: the provider rotated the refresh token" "$rotated" "$refresh_token"
tap_is "force refresh: the stored refresh token is the newest" \
	"$(stored_refresh_token dev)" "$rotated"
no_secret_leaks "force refresh" "$refresh_token" "$rotated"

run_credring --verbose token dev --force-refresh
tap_status "--verbose force refresh: exit 0" 0
no_secret_leaks "--verbose force refresh" "$rotated" "$(as_current_refresh_token)"
run_credring status dev
no_secret_leaks "status" "$(as_current_refresh_token)"
tap_contains "status: says a refresh token is stored" "$RUN_OUT" "refresh token: stored"
tap_contains "status: a public client needs no client secret" "$RUN_OUT" \
	"client secret: none needed (a public client)"
run_credring status dev --format json
tap_contains "status --format json: refresh_token_stored" "$RUN_OUT" '"refresh_token_stored":true'
tap_contains "status --format json: no client secret to store" "$RUN_OUT" \
	'"client_secret_stored":null'
no_secret_leaks "status --format json" "$(as_current_refresh_token)"

# A superseded refresh token (as a process killed between the provider's
# answer and the keyring would leave): the provider revokes the family, and
# credring drops it and says what to do.
current=$(as_current_refresh_token)
printf '%s\n%s' "$(secret-tool lookup account dev kind refresh_token | head -n 1)" "$rotated" |
	secret-tool store --label=test xdg:schema org.credring.Secret account dev kind refresh_token
run_credring token dev --force-refresh
tap_status "superseded refresh token: exit 3" 3
tap_contains "superseded refresh token: says to sign in again" "$RUN_ERR" "credring login dev"
tap_contains "superseded refresh token: the provider's words" "$RUN_ERR" "invalid_grant"
tap_is "superseded refresh token: one line" "$RUN_ERR_LINES" 1
tap_is "superseded refresh token: dropped" "$(keyring_count dev refresh_token)" 0
no_secret_leaks "superseded refresh token" "$rotated" "$current"
n=$(as_stat 's["token"]["refresh_token"]')
run_credring token dev --force-refresh
tap_status "after the refusal: exit 3" 3
tap_contains "after the refusal: names credring login" "$RUN_ERR" "credring login dev"
tap_is "after the refusal: the dead token is not sent again" "$(as_stat 's["token"]["refresh_token"]')" "$n"

# ---- logout --all revokes ------------------------------------------------

sign_in_with_code dev approve
tap_status "signed in again: exit 0" 0
run_credring token dev
access_token=$RUN_OUT
revocations=$(as_stat 's["revoke"]')
run_credring logout dev --all
tap_status "logout --all: exit 0" 0
tap_is "logout --all: revoked at the provider" "$(as_stat 's["revoke"]')" $((revocations + 1))
tap_is "logout --all: the family is dead there" \
	"$(as_hook GET /_emulator/check -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $access_token")" 401
tap_is "logout --all: nothing of the account left" "$(keyring_count dev)" 0

# A refresh token issued under settings that have changed since is never
# sent (cache/refresh.c): logout --all does not revoke it, and says so.
write_account rebound provider=testas client_id=test-client ca_file="$CA_DIR/ca.pem"
sign_in_with_code rebound approve
tap_status "rebound: signed in" 0
stale=$(stored_refresh_token rebound)
echo "scope = openid" >>"$CREDRING_CONFIG" # [rebound] is the last group
revocations=$(as_stat 's["revoke"]')
run_credring logout rebound --all
tap_status "logout --all, settings changed: exit 2" 2
tap_contains "logout --all, settings changed: says it was not revoked, and why" "$RUN_ERR" \
	"credring: rebound: the refresh token was not revoked at the provider: it was issued under other settings of the account"
tap_contains "logout --all, settings changed: dropped here all the same" "$RUN_ERR" \
	"(it is dropped here)"
tap_is "logout --all, settings changed: one line" "$RUN_ERR_LINES" 1
tap_is "logout --all, settings changed: not sent to the provider" "$(as_stat 's["revoke"]')" \
	"$revocations"
tap_is "logout --all, settings changed: still alive there (as said)" "$(as_current_refresh_token)" \
	"$stale"
tap_is "logout --all, settings changed: nothing of the account left" "$(keyring_count rebound)" 0
no_secret_leaks "logout --all, settings changed" "$stale"

# Revocation that fails is said, and the local copy is dropped anyway.
sign_in_with_code dev approve
tap_status "signed in once more: exit 0" 0
kill "$AS_PID"
wait "$AS_PID" 2>/dev/null
run_credring logout dev --all
tap_status "logout --all, provider down: exit 4" 4
tap_contains "logout --all, provider down: says the revocation failed" "$RUN_ERR" "not revoked"
tap_contains "logout --all, provider down: and why" "$RUN_ERR" \
	"credring: dev: the refresh token was not revoked at the provider: account [dev]: cannot reach $AS_URL/oauth/revoke"
tap_is "logout --all, provider down: nothing of the account left" "$(keyring_count dev)" 0

# ---- the provider's refusals --------------------------------------------

start_auth_server --device-interval 1 --slow-down-once
write_signin_provider slow none device_code
write_account slow provider=slow client_id=test-client ca_file="$CA_DIR/ca.pem"
sign_in_with_code slow approve
tap_status "slow_down: still signs in" 0
gap=$("$PYTHON" -c '
import json, sys
t = [json.loads(l) for l in open(sys.argv[1]) if "device_code" in (json.loads(l).get("grant_type") or "")]
print(int(t[-1]["time"] - t[-2]["time"]) if len(t) >= 2 else -1)
' "$AS_LOG")
tap_ok "slow_down: the next poll waited five seconds more ($gap s)" test "$gap" -ge 5

write_account denied provider=slow client_id=test-client ca_file="$CA_DIR/ca.pem"
sign_in_with_code denied deny
tap_status "denied: exit 3" 3
tap_contains "denied: says so" "$RUN_ERR" "access_denied"
tap_is "denied: nothing stored" "$(keyring_count denied)" 0

start_auth_server --device-interval 1 --device-expires-in 3
write_signin_provider expiring none device_code
write_account late provider=expiring client_id=test-client ca_file="$CA_DIR/ca.pem"
sign_in_with_code late none
tap_status "nobody entered the code: exit 3" 3
tap_contains "nobody entered the code: says to try again" "$RUN_ERR" "credring login late"
tap_is "nobody entered the code: nothing stored" "$(keyring_count late)" 0

# The server's own expired_token, before the expires_in it announced (and
# credring's own deadline) is reached.
start_auth_server --device-interval 1 --device-code-lifetime 3
write_signin_provider dying none device_code
write_account early provider=dying client_id=test-client ca_file="$CA_DIR/ca.pem"
sign_in_with_code early none
tap_status "expired_token from the server: exit 3" 3
tap_is "expired_token from the server: it said so" \
	"$(grep '"path": "/oauth/token"' "$AS_LOG" | grep -c '"error": "expired_token"')" 1
tap_contains "expired_token from the server: says the code expired, and what to do" "$RUN_ERR" \
	"the code expired before the sign-in was done: run 'credring login early' again"
tap_is "expired_token from the server: no poll after it" \
	"$(grep '"path": "/oauth/token"' "$AS_LOG" | tail -n 1 | grep -c '"error": "expired_token"')" 1
tap_is "expired_token from the server: nothing stored" "$(keyring_count early)" 0

# ---- who starts a sign-in with a code; Ctrl-C ----------------------------

start_auth_server --device-interval 1
write_signin_provider people none "authorization_code;device_code"

# No desktop here (no DISPLAY, no WAYLAND_DISPLAY): login of a browser
# account signs in with a code, where the provider offers one.
write_account nodesk provider=people client_id=test-client ca_file="$CA_DIR/ca.pem" \
	grant=authorization_code
run_answering_code approve login nodesk
tap_status "login, no desktop, a device endpoint: exit 0" 0
tap_isnt "login, no desktop: a code was shown" "$USER_CODE" ""
tap_is "login, no desktop: the device endpoint was asked" "$(as_stat 's["device_authorization"]')" 1
tap_is "login, no desktop: no authorization request (browser)" "$(as_stat 's["authorize"]')" 0
tap_is "login, no desktop: the refresh token is stored" "$(keyring_count nodesk refresh_token)" 1

# token on a terminal, never signed in: someone can answer, so it starts
# the sign-in with a code (without a terminal it fails at once: above).
write_account ontty provider=people client_id=test-client ca_file="$CA_DIR/ca.pem"
: >"$TEST_TMP/tty"
timeout 60 script -qefc "$(printf '%q ' "${CREDRING_WRAP[@]}" "$CREDRING" token ontty)" /dev/null \
	</dev/null >"$TEST_TMP/tty" 2>&1 &
pid=$!
answer_code "$TEST_TMP/tty" "$pid" approve
status=0
wait "$pid" || status=$?
tap_is "token on a terminal, never signed in: exit 0" "$status" 0
tap_isnt "token on a terminal: showed a code" "$USER_CODE" ""
run_credring token ontty
tap_status "token on a terminal: then without one, from the cache: exit 0" 0
tap_contains "token on a terminal: printed the token it stored" "$(tr -d '\r' <"$TEST_TMP/tty")" \
	"${RUN_OUT:-(no token)}"
tap_is "token on a terminal: the refresh token is stored" "$(keyring_count ontty refresh_token)" 1

# Ctrl-C while the code is shown: SIGINT at its default, as on a terminal
# (a script's background job would ignore it).  It dies at once, stores
# nothing, and leaves no lock behind.  Not under the wrapper: the signal
# is for credring, and valgrind would report what a killed process holds.
write_account interrupted provider=people client_id=test-client ca_file="$CA_DIR/ca.pem"
: >"$TEST_TMP/err"
"$PYTHON" -c 'import os, signal, sys
signal.signal(signal.SIGINT, signal.SIG_DFL)
os.execvp(sys.argv[1], sys.argv[1:])' "$CREDRING" login interrupted --device \
	</dev/null >"$TEST_TMP/out" 2>"$TEST_TMP/err" &
pid=$!
answer_code "$TEST_TMP/err" "$pid" none
tap_isnt "Ctrl-C: a code was shown first" "$USER_CODE" ""
start=$(date +%s)
kill -INT "$pid"
for i in $(seq 600); do
	kill -0 "$pid" 2>/dev/null || break
	sleep 0.1
done
kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
status=0
wait "$pid" || status=$?
tap_is "Ctrl-C: ended by SIGINT (status 130)" "$status" 130
tap_timing_ok "Ctrl-C: at once" test $(($(date +%s) - start)) -lt 5
tap_is "Ctrl-C: nothing stored" "$(keyring_count interrupted)" 0
start=$(date +%s)
sign_in_with_code interrupted approve
tap_status "Ctrl-C: the next login --device: exit 0" 0
tap_timing_ok "Ctrl-C: the next login is not held by a lock" test $(($(date +%s) - start)) -lt 30

# ---- a password grant whose answer brings a refresh token (PlaceOS's may) -

start_auth_server --password 'alice:pw-s3cret' --client-secret pw-client-s3cret --client-auth basic
write_signin_provider pwgrant basic password
write_account pw provider=pwgrant client_id=test-client username=alice ca_file="$CA_DIR/ca.pem"
RUN_STDIN=$'client_secret=pw-client-s3cret\npassword=pw-s3cret\n'
run_credring login pw --secret-stdin
tap_status "password grant: login: exit 0" 0
tap_is "password grant: one password request" "$(as_stat 's["token"]["password"]')" 1
tap_is "password grant: the refresh token it brought is stored" \
	"$(stored_refresh_token pw)" "$(as_current_refresh_token)"
first=$(as_current_refresh_token)
run_credring token pw --force-refresh
tap_status "password grant: next fetch: exit 0" 0
tap_is "password grant: next fetch by the refresh token" "$(as_stat 's["token"]["refresh_token"]')" 1
tap_is "password grant: not by the password" "$(as_stat 's["token"]["password"]')" 1
tap_is "password grant: the token is live" \
	"$(as_hook GET /_emulator/check -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $RUN_OUT")" 200
tap_is "password grant: the rotated refresh token is stored" \
	"$(stored_refresh_token pw)" "$(as_current_refresh_token)"
no_secret_leaks "password grant" pw-s3cret pw-client-s3cret "$first" "$(as_current_refresh_token)"

# ---- the password grant of a public client (RFC 6749 §4.3.2: no client
# authentication): login asks for the password alone -------------------

start_auth_server --password 'bob:pub-pw-s3cret'
write_signin_provider pwpub none password
write_account pwpub provider=pwpub client_id=test-client username=bob ca_file="$CA_DIR/ca.pem"
RUN_STDIN=$'password=pub-pw-s3cret\n'
run_credring login pwpub --secret-stdin
tap_status "public password grant: login with the password alone: exit 0" 0
tap_contains "public password grant: says the password is stored" "$RUN_OUT" "pwpub: password stored"
tap_is "public password grant: the password is stored" "$(keyring_count pwpub password)" 1
tap_is "public password grant: no client secret stored" "$(keyring_count pwpub client_secret)" 0
tap_is "public password grant: sent as a public client" \
	"$(grep '"path": "/oauth/token"' "$AS_LOG" | grep -c '"client_auth": "none"')" 1
RUN_STDIN=$'client_secret=x\n'
run_credring login pwpub --secret-stdin --only client_secret
tap_status "public password grant: --only client_secret: exit 2" 2
tap_contains "public password grant: --only client_secret: says why" "$RUN_ERR" \
	"is a public client (client_auth = none): it has no client secret"
tap_is "public password grant: --only client_secret: one line" "$RUN_ERR_LINES" 1
RUN_STDIN=$'password=pub-pw-s3cret\n'
run_credring login pwpub --secret-stdin --only password
tap_status "public password grant: --only password: exit 0" 0
run_credring token pwpub --force-refresh
tap_status "public password grant: token: exit 0" 0
tap_is "public password grant: the token is live" \
	"$(as_hook GET /_emulator/check -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $RUN_OUT")" 200
run_credring providers --describe pwpub
tap_contains "public password grant: --describe names the password alone" "$RUN_OUT" \
	"secrets: password (asked for"
no_secret_leaks "public password grant" pub-pw-s3cret

# ---- a confidential client ----------------------------------------------

start_auth_server --device-interval 1 --client-secret 's3cr3t+/=' --client-auth basic
write_signin_provider conf basic "device_code"
write_account conf provider=conf client_id=test-client ca_file="$CA_DIR/ca.pem"
RUN_STDIN=$'client_secret=s3cr3t+/=\n'
sign_in_with_code conf approve --secret-stdin
tap_status "confidential client: exit 0" 0
tap_is "confidential client: the client secret is stored" "$(keyring_count conf client_secret)" 1
tap_is "confidential client: authenticated with Basic" \
	"$(grep -c '"client_auth": "basic"' "$AS_LOG")" "$(grep -c '"path": "/oauth/' "$AS_LOG")"
run_credring token conf --force-refresh
tap_status "confidential client, refresh: exit 0" 0
no_secret_leaks "confidential client" 's3cr3t+/='

# ---- what hostile review found -----------------------------------------

start_auth_server --device-interval 1
write_signin_provider review none "device_code;authorization_code"
sed -i '/^revocation_url/d' "$XDG_CONFIG_HOME/credring/providers/review.conf"

# --dry-run of the browser grant: the exchange, masked, not a crash.
write_account browser provider=review client_id=test-client ca_file="$CA_DIR/ca.pem" \
	grant=authorization_code
run_credring token browser --dry-run
tap_status "dry run, browser grant: exit 0" 0
tap_contains "dry run, browser grant: the code masked" "$RUN_OUT" "code=********"
tap_contains "dry run, browser grant: the verifier masked" "$RUN_OUT" "code_verifier=********"

# A refresh token is bound to the settings it was issued under: a changed
# scope never sends it (it would bring the old scope back).
write_account bound provider=review client_id=test-client ca_file="$CA_DIR/ca.pem"
sign_in_with_code bound approve
tap_status "bound: signed in" 0
refreshes=$(as_stat 's["token"]["refresh_token"]')
echo "scope = openid" >>"$CREDRING_CONFIG" # [bound] is the last group
run_credring token bound --force-refresh
tap_status "bound, scope changed: exit 3" 3
tap_contains "bound, scope changed: names credring login" "$RUN_ERR" "credring login bound"
tap_is "bound, scope changed: the refresh token was not sent" \
	"$(as_stat 's["token"]["refresh_token"]')" "$refreshes"
tap_is "bound, scope changed: it is dropped" "$(keyring_count bound refresh_token)" 0

# logout without --all keeps the refresh token, and says so; --all
# against a provider without a revocation endpoint says it stays valid there.
sign_in_with_code bound approve
tap_status "bound: signed in again" 0
run_credring logout bound
tap_status "logout: exit 0" 0
tap_contains "logout: says the refresh token is kept" "$RUN_OUT" "refresh token is kept"
tap_is "logout: the refresh token is kept" "$(keyring_count bound refresh_token)" 1
run_credring logout bound --all
tap_status "logout --all, no revocation endpoint: exit 0" 0
tap_contains "logout --all, no revocation endpoint: says so" "$RUN_ERR" "no revocation endpoint"
tap_is "logout --all, no revocation endpoint: nothing left" "$(keyring_count bound)" 0

# A sign-in whose provider issues no refresh token ends the one stored
# before (another person's, perhaps).
start_auth_server --device-interval 1 --no-refresh
write_signin_provider norefresh none device_code
write_account fresh provider=norefresh client_id=test-client ca_file="$CA_DIR/ca.pem"
printf 'someone-elses' |
	secret-tool store --label=test xdg:schema org.credring.Secret account fresh kind refresh_token
sign_in_with_code fresh approve
tap_status "no refresh token issued: signed in" 0
tap_is "no refresh token issued: the old one is gone" "$(keyring_count fresh refresh_token)" 0

# A caller that cannot sign anyone in (no terminal, no desktop) while a
# sign-in waits for its person: it waits for that sign-in, says so within
# seconds rather than in silence, and is served what the person's sign-in
# brought.
start_auth_server --device-interval 1
write_signin_provider waiting none device_code
write_account waited provider=waiting client_id=test-client ca_file="$CA_DIR/ca.pem" timeout=5
: >"$TEST_TMP/login.err"
timeout 120 "${CREDRING_WRAP[@]}" "$CREDRING" login waited --device \
	>"$TEST_TMP/login.out" 2>"$TEST_TMP/login.err" &
login_pid=$!
for i in $(seq 300); do
	code=$(sed -n 's/.*enter the code \([A-Z0-9-]*\)$/\1/p' "$TEST_TMP/login.err")
	[ -n "$code" ] && grep -q "or open" "$TEST_TMP/login.err" && break
	sleep 0.1
done
timeout 120 "${CREDRING_WRAP[@]}" "$CREDRING" token waited \
	>"$TEST_TMP/waiter.out" 2>"$TEST_TMP/waiter.err" &
waiter_pid=$!
# ... and one whose stderr cannot be written (a full disk, a hung-up
# terminal): telling it fails, the wait goes on all the same.
timeout 120 "$CREDRING" token waited >"$TEST_TMP/mute.out" 2>/dev/full &
mute_pid=$!
for i in $(seq 200); do
	grep -q "waiting for another credring process" "$TEST_TMP/waiter.err" && break
	sleep 0.1
done
tap_contains "waiting for another's sign-in: says so while it waits" "$(cat "$TEST_TMP/waiter.err")" \
	"credring: account [waited]: waiting for another credring process, which may be signing in (at most 320 s)"
as_hook POST /_emulator/device/approve --data "user_code=$code" >/dev/null
status=0
wait "$login_pid" || status=$?
tap_is "waiting for another's sign-in: that sign-in succeeds" "$status" 0
status=0
wait "$waiter_pid" || status=$?
tap_is "waiting for another's sign-in: then served, exit 0" "$status" 0
status=0
wait "$mute_pid" || status=$?
tap_is "waiting for another's sign-in, stderr unwritable: still waits, then served (exit 0)" \
	"$status" 0
tap_is "waiting for another's sign-in, stderr unwritable: the same token" \
	"$(cat "$TEST_TMP/mute.out")" "$(cat "$TEST_TMP/waiter.out")"
tap_is "waiting for another's sign-in: the token that sign-in brought" \
	"$(as_hook GET /_emulator/check -o /dev/null -w '%{http_code}' \
		-H "Authorization: Bearer $(cat "$TEST_TMP/waiter.out")")" 200
tap_is "waiting for another's sign-in: one code, no refresh after it" \
	"$(as_stat 's["device_authorization"]') $(as_stat 's["token"]["refresh_token"]')" "1 0"

# Usage errors, before anything is asked.
RUN_STDIN=$'client_secret=x\n'
run_credring login conf --secret-stdin --no-browser
tap_status "--secret-stdin with --no-browser: exit 2" 2
run_credring login fresh --device --no-browser
tap_status "--device with --no-browser: exit 2" 2
RUN_STDIN=$'client_secret=x\n'
run_credring login fresh --secret-stdin
tap_status "a public client with --secret-stdin: exit 2" 2

tap_done
