#!/bin/bash
# Signing a person in in the browser: the authorization code grant with
# PKCE (RFC 7636) and a loopback redirect (RFC 8252), through Debian's
# chromium, headless, run as $BROWSER, against the strict authorization
# server, which approves at once.  Then the paste path (--no-browser), the
# provider's refusals, single flight (one browser, one refresh, however
# many ask), and a process killed in the middle of a refresh.
. "$(dirname "$0")/lib.sh"

make_ca
# The browser as credring starts it, its argv and environment kept (to
# look for secrets there), then the real one.
cat >"$TEST_TMP/recording-browser" <<EOF
#!/bin/bash
{ printf 'argv: %s\n' "\$*"; env; } >>"$TEST_TMP/browser-argv"
exec "$abs_top_srcdir/tests/integration/headless-browser.sh" "\$@"
EOF
chmod +x "$TEST_TMP/recording-browser"
export BROWSER="$TEST_TMP/recording-browser"
export BROWSER_LOG=$TEST_TMP/browser.log
export CREDRING_TEST_CA_DIR=$CA_DIR
: >"$BROWSER_LOG"
browser_launches() { grep -c '^launch' "$BROWSER_LOG"; }

# A desktop session (the browser needs no display: it is headless).
export DISPLAY=:99

start_auth_server --iss
write_signin_provider testas none "authorization_code;device_code" default_scope="openid api"
write_account web provider=testas client_id=test-client ca_file="$CA_DIR/ca.pem" issuer="$AS_URL"

# ---- login in the browser --------------------------------------------------

run_credring login web
tap_status "login: exit 0" 0
tap_is "login: one browser" "$(browser_launches)" 1
tap_contains "login: the URL is on stderr too" "$RUN_ERR" "$AS_URL/oauth/authorize?"
tap_contains "login: says it signed in" "$RUN_OUT" "web: signed in"
authorize=$(grep '"path": "/oauth/authorize"' "$AS_LOG" | tail -n 1)
tap_contains "login: PKCE with S256" "$authorize" '"code_challenge_method": "S256"'
tap_contains "login: a state" "$authorize" '"has_state": true'
tap_contains "login: redirected to 127.0.0.1 /callback" "$authorize" '"redirect_uri": "http://127.0.0.1:'
exchange=$(grep '"grant_type": "authorization_code"' "$AS_LOG" | tail -n 1)
tap_contains "login: the code exchanged with its verifier" "$exchange" '"has_code_verifier": true'
tap_contains "login: accepted" "$exchange" '"status": 200'
tap_is "login: the refresh token is stored" "$(keyring_count web refresh_token)" 1
refresh_token=$(as_current_refresh_token)
no_secret_leaks "login" "$refresh_token"
tap_contains "login: the browser's argv has the challenge" "$(cat "$TEST_TMP/browser-argv")" \
	"code_challenge="
tap_lacks "login: not the verifier" "$(cat "$TEST_TMP/browser-argv")" "code_verifier"
run_credring token web --force-refresh
tap_status "refresh after login: exit 0" 0
tap_lacks "the browser's argv and environment: no refresh token" \
	"$(cat "$TEST_TMP/browser-argv")" "$(as_current_refresh_token)"
tap_lacks "the browser's argv and environment: not the first one either" \
	"$(cat "$TEST_TMP/browser-argv")" "$refresh_token"
run_credring token web
tap_status "token after login: exit 0" 0
tap_is "token after login: a live token" "$(as_hook GET /_emulator/check -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $RUN_OUT")" 200

# ---- the provider's refusals ----------------------------------------------

start_auth_server --deny
write_signin_provider denying none authorization_code
write_account denied provider=denying client_id=test-client ca_file="$CA_DIR/ca.pem"
run_credring login denied
tap_status "denied in the browser: exit 3" 3
tap_contains "denied in the browser: the provider's words" "$RUN_ERR" \
	"access_denied: The user denied the request"
tap_is "denied in the browser: nothing stored" "$(keyring_count denied)" 0

start_auth_server --wrong-iss
write_signin_provider wrongiss none authorization_code
write_account mixup provider=wrongiss client_id=test-client ca_file="$CA_DIR/ca.pem" \
	issuer="$AS_URL"
run_credring login mixup
tap_status "another issuer in the redirect (RFC 9207): exit 3" 3
tap_contains "another issuer in the redirect: says so" "$RUN_ERR" "RFC 9207"
tap_is "another issuer in the redirect: the code was not exchanged" \
	"$(grep -c '"grant_type": "authorization_code"' "$AS_LOG")" 0
tap_is "another issuer in the redirect: nothing stored" "$(keyring_count mixup)" 0

# An issuer whose metadata says its redirects carry iss (RFC 9207 §3): a
# redirect without it is not its own.
start_auth_server --iss-advertised-only
write_issuer_provider noiss "$AS_URL" client_auth=none grants=authorization_code
write_account noiss provider=noiss client_id=test-client ca_file="$CA_DIR/ca.pem"
run_credring login noiss
tap_status "no issuer in the redirect, though the metadata promises one: exit 3" 3
tap_contains "no issuer in the redirect: says so" "$RUN_ERR" \
	"the redirect names no issuer (iss), which $AS_URL always sends (RFC 9207): refused"
tap_is "no issuer in the redirect: the code was not exchanged" \
	"$(grep -c '"grant_type": "authorization_code"' "$AS_LOG")" 0
tap_is "no issuer in the redirect: nothing stored" "$(keyring_count noiss)" 0
start_auth_server --iss
write_issuer_provider noiss "$AS_URL" client_auth=none grants=authorization_code
run_credring login noiss
tap_status "the promised issuer in the redirect: exit 0" 0

# A redirect URI the client registered, port included.
port=$(free_port)
start_auth_server --exact-port --redirect-uri "http://127.0.0.1:$port/registered"
write_signin_provider exact none authorization_code
write_account fixed provider=exact client_id=test-client ca_file="$CA_DIR/ca.pem" \
	redirect_uri="http://127.0.0.1:$port/registered"
run_credring login fixed
tap_status "a registered redirect_uri: exit 0" 0
tap_contains "a registered redirect_uri: sent as registered" \
	"$(grep '"path": "/oauth/authorize"' "$AS_LOG")" "\"redirect_uri\": \"http://127.0.0.1:$port/registered\""

# ---- --no-browser: the redirect pasted --------------------------------------

# The browser is elsewhere (over SSH): the person copies the address it
# ended at.  Here curl plays that browser, without following the redirect.
start_auth_server
write_signin_provider paste none authorization_code
write_account pasted provider=paste client_id=test-client ca_file="$CA_DIR/ca.pem"
launches=$(browser_launches)
mkfifo "$TEST_TMP/paste"
timeout 60 "${CREDRING_WRAP[@]}" "$CREDRING" login pasted --no-browser <"$TEST_TMP/paste" \
	>"$TEST_TMP/out" 2>"$TEST_TMP/err" &
pid=$!
exec 3>"$TEST_TMP/paste"
for i in $(seq 300); do
	url=$(grep -o "$AS_URL/oauth/authorize?[^ ]*" "$TEST_TMP/err")
	[ -n "$url" ] && break
	sleep 0.1
done
location=$(curl -sS --cacert "$CA_DIR/ca.pem" -o /dev/null -w '%{redirect_url}' "$url")
# First the address it was sent to, by mistake: said, and the wait goes on.
printf '%s\n' "$url" >&3
sleep 1
printf '%s\n' "$location" >&3
exec 3>&-
status=0
wait "$pid" || status=$?
tap_is "--no-browser, pasted: exit 0" "$status" 0
tap_is "--no-browser: no browser started" "$(browser_launches)" "$launches"
tap_contains "--no-browser: the URL on stderr" "$(cat "$TEST_TMP/err")" "$AS_URL/oauth/authorize?"
tap_is "--no-browser, pasted: the refresh token is stored" "$(keyring_count pasted refresh_token)" 1
tap_contains "--no-browser: the wrong address pasted is said" "$(cat "$TEST_TMP/err")" \
	"that is not the address the browser ended at"

# ---- single flight --------------------------------------------------------

# 20 programs asking at once for an account nobody signed in to: one
# browser, one code exchanged, one token for all.
start_auth_server --delay 1
write_signin_provider crowd none authorization_code
write_account crowd provider=crowd client_id=test-client ca_file="$CA_DIR/ca.pem"
launches=$(browser_launches)
pids=()
for i in $(seq 20); do
	timeout 120 "${CREDRING_WRAP[@]}" "$CREDRING" token crowd >"$TEST_TMP/crowd.$i" 2>"$TEST_TMP/crowd-err.$i" &
	pids+=($!)
done
wait "${pids[@]}"
tap_is "20 at once, never signed in: one browser" "$(($(browser_launches) - launches))" 1
tap_is "20 at once, never signed in: one code exchanged" \
	"$(grep -c '"grant_type": "authorization_code"' "$AS_LOG")" 1
tap_is "20 at once, never signed in: 20 tokens" "$(cat "$TEST_TMP"/crowd.[0-9]* | grep -c .)" 20
tap_is "20 at once, never signed in: all the same" "$(sort -u "$TEST_TMP"/crowd.[0-9]* | grep -c .)" 1

# 20 at once when the access token has run out and the provider rotates
# refresh tokens: one refresh, one token, the newest refresh token kept.
start_auth_server --expires-in 4 --delay 1
write_signin_provider rotating none authorization_code
write_account busy provider=rotating client_id=test-client ca_file="$CA_DIR/ca.pem"
run_credring login busy
tap_status "rotating provider: signed in" 0
sleep 3 # past half the token's life: the cache no longer serves it
pids=()
for i in $(seq 20); do
	timeout 120 "${CREDRING_WRAP[@]}" "$CREDRING" token busy >"$TEST_TMP/busy.$i" 2>"$TEST_TMP/busy-err.$i" &
	pids+=($!)
done
wait "${pids[@]}"
tap_is "20 at once, token expired: one refresh" "$(as_stat 's["token"]["refresh_token"]')" 1
tap_is "20 at once, token expired: 20 tokens" "$(cat "$TEST_TMP"/busy.[0-9]* | grep -c .)" 20
tap_is "20 at once, token expired: all the same" "$(sort -u "$TEST_TMP"/busy.[0-9]* | grep -c .)" 1
tap_is "20 at once, token expired: the stored refresh token is the newest" \
	"$(stored_refresh_token busy)" "$(as_current_refresh_token)"

# ---- kill -9 in the middle of a refresh ------------------------------------

start_auth_server --delay 3
write_signin_provider slow none authorization_code
write_account killed provider=slow client_id=test-client ca_file="$CA_DIR/ca.pem"
run_credring login killed
tap_status "kill -9: signed in" 0
"$CREDRING" token killed --force-refresh >/dev/null 2>&1 &
pid=$!
sleep 1.5 # the refresh is on the wire, its answer not back
kill -9 "$pid"
wait "$pid" 2>/dev/null
sleep 3 # the provider has rotated meanwhile
start=$(date +%s)
run_credring token killed --force-refresh
tap_ok "after kill -9: no crash (exit $RUN_STATUS)" test "$RUN_STATUS" -lt 128
tap_timing_ok "after kill -9: no hang" test $(($(date +%s) - start)) -lt 20
if [ "$RUN_STATUS" -eq 0 ]; then
	tap_ok "after kill -9: a token" test -n "$RUN_OUT"
else
	tap_status "after kill -9: the superseded refresh token refused (exit 3)" 3
	tap_contains "after kill -9: says what to do" "$RUN_ERR" "credring login killed"
fi
run_credring login killed
tap_status "after kill -9: signing in again works" 0

tap_done
