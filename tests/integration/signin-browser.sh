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
# A browser that is only curl, for what credring does rather than what a
# browser does (much faster than chromium): it follows the authorize URL,
# its last argument, to the redirect and loads that.  Its launches are
# logged, its argv and environment kept, as the real one's.
cat >"$TEST_TMP/curl-browser" <<EOF
#!/bin/bash
{ printf 'argv: %s\n' "\$*"; env; } >>"$TEST_TMP/browser-argv"
url=\${!#}
printf 'launch %s %s\n' "\$\$" "\${url%%\?*}" >>"$BROWSER_LOG"
location=\$(curl -sS --cacert "$CA_DIR/ca.pem" -o /dev/null -w '%{redirect_url}' "\$url") &&
	exec curl -sS --noproxy '*' -o /dev/null "\$location"
EOF
chmod +x "$TEST_TMP/curl-browser"
CURL_BROWSER=$TEST_TMP/curl-browser
# last_verifier: the code verifier the auth server at $AS_URL received last.
last_verifier() {
	as_hook GET /_emulator/last-verifier |
		"$PYTHON" -c 'import json, sys; print(json.load(sys.stdin)["code_verifier"] or "")'
}

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
verifier=$(last_verifier)
tap_isnt "login: the server received a code verifier" "$verifier" ""
no_secret_leaks "login, the code verifier" "$verifier"
tap_lacks "login: the code verifier is not in the browser's argv or environment" \
	"$(cat "$TEST_TMP/browser-argv")" "$verifier"
run_credring token web --force-refresh
tap_status "refresh after login: exit 0" 0
tap_lacks "the browser's argv and environment: no refresh token" \
	"$(cat "$TEST_TMP/browser-argv")" "$(as_current_refresh_token)"
tap_lacks "the browser's argv and environment: not the first one either" \
	"$(cat "$TEST_TMP/browser-argv")" "$refresh_token"
run_credring token web
tap_status "token after login: exit 0" 0
tap_is "token after login: a live token" "$(as_hook GET /_emulator/check -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $RUN_OUT")" 200

# --verbose traces the exchange: never the code verifier.
write_account loud provider=testas client_id=test-client ca_file="$CA_DIR/ca.pem" issuer="$AS_URL"
BROWSER=$CURL_BROWSER run_credring --verbose login loud
tap_status "login --verbose: exit 0" 0
tap_contains "login --verbose: it traced the exchange" "$RUN_ERR" "$AS_URL/oauth/token"
loud_verifier=$(last_verifier)
tap_isnt "login --verbose: a fresh code verifier" "$loud_verifier" "$verifier"
no_secret_leaks "login --verbose, the code verifier" "$loud_verifier" "$(as_current_refresh_token)"
tap_lacks "login --verbose: the code verifier is not in the browser's argv or environment" \
	"$(cat "$TEST_TMP/browser-argv")" "$loud_verifier"

# ---- ACAEngine / PlaceOS: its plugin's authorization code grant ---------------

# The plugin's own endpoints, https://{host}/auth/oauth/authorize and
# .../token, served by the strict server under that prefix; a confidential
# client (client_auth body, as the plugin says), its secret typed at login.
start_auth_server --prefix /auth/oauth --client-secret placeos-s3cret --client-auth body
write_account placeos provider=acaengine host="127.0.0.1:$AS_PORT" authority=sgrp-1 \
	client_id=test-client grant=authorization_code scope=openid ca_file="$CA_DIR/ca.pem"
RUN_STDIN=$'client_secret=placeos-s3cret\n'
BROWSER=$CURL_BROWSER run_credring login placeos --secret-stdin
tap_status "acaengine, authorization code: login exit 0" 0
tap_contains "acaengine, authorization code: PlaceOS's authorize endpoint" \
	"$(grep '"path": "/auth/oauth/authorize"' "$AS_LOG")" '"code_challenge_method": "S256"'
tap_is "acaengine, authorization code: the code exchanged at its token endpoint" \
	"$(grep '"path": "/auth/oauth/token"' "$AS_LOG" | grep -c '"grant_type": "authorization_code"')" 1
tap_is "acaengine, authorization code: the client authenticated in the body" \
	"$(grep '"path": "/auth/oauth/token"' "$AS_LOG" | grep -c '"client_auth": "body"')" 1
tap_is "acaengine, authorization code: the refresh token is stored" \
	"$(keyring_count placeos refresh_token)" 1
run_credring token placeos
tap_status "acaengine, authorization code: token exit 0" 0
tap_is "acaengine, authorization code: a live token" "$(as_hook GET /_emulator/check -o /dev/null \
	-w '%{http_code}' -H "Authorization: Bearer $RUN_OUT")" 200

# Without $BROWSER, the desktop's xdg-open opens the address (here one on
# PATH that is the curl browser).
mkdir -p "$TEST_TMP/fakebin"
ln -sf "$CURL_BROWSER" "$TEST_TMP/fakebin/xdg-open"
write_account xdg provider=acaengine host="127.0.0.1:$AS_PORT" authority=sgrp-1 \
	client_id=test-client grant=authorization_code scope=openid ca_file="$CA_DIR/ca.pem" \
	signin_timeout=20
launches=$(browser_launches)
RUN_STDIN=$'client_secret=placeos-s3cret\n'
saved_browser=$BROWSER saved_path=$PATH
unset BROWSER
PATH=$TEST_TMP/fakebin:$PATH
run_credring login xdg --secret-stdin
export BROWSER=$saved_browser PATH=$saved_path
tap_status "no \$BROWSER: xdg-open opens the address, login exit 0" 0
tap_is "no \$BROWSER: xdg-open started once" "$(($(browser_launches) - launches))" 1

# ---- git with GIT_TERMINAL_PROMPT=0: no sign-in, even where one could start --

# Here (a desktop) a browser would start; the variable alone stops it.
GIT_HELPER=$abs_top_builddir/helpers/git-credential-credring
write_account gitweb provider=testas client_id=test-client ca_file="$CA_DIR/ca.pem" \
	url=https://api.example.com/v1
launches=$(browser_launches)
start=$(date +%s)
status=0
printf 'protocol=https\nhost=api.example.com\npath=v1/x\n\n' |
	GIT_TERMINAL_PROMPT=0 BROWSER=$CURL_BROWSER timeout 60 "${CREDRING_WRAP[@]}" "$GIT_HELPER" get \
		>"$TEST_TMP/git.out" 2>"$TEST_TMP/git.err" || status=$?
tap_isnt "git get, GIT_TERMINAL_PROMPT=0, a desktop: fails" "$status" 0
tap_is "git get, GIT_TERMINAL_PROMPT=0: nothing on stdout" "$(cat "$TEST_TMP/git.out")" ""
tap_contains "git get, GIT_TERMINAL_PROMPT=0: names credring login" "$(cat "$TEST_TMP/git.err")" \
	"credring login gitweb"
tap_is "git get, GIT_TERMINAL_PROMPT=0: no browser started" "$(($(browser_launches) - launches))" 0
tap_timing_ok "git get, GIT_TERMINAL_PROMPT=0: at once" test $(($(date +%s) - start)) -lt 10
status=0
printf 'protocol=https\nhost=api.example.com\npath=v1/x\n\n' |
	env -u GIT_TERMINAL_PROMPT BROWSER="$CURL_BROWSER" timeout 60 "${CREDRING_WRAP[@]}" "$GIT_HELPER" get \
		>"$TEST_TMP/git.out" 2>"$TEST_TMP/git.err" || status=$?
tap_is "git get, GIT_TERMINAL_PROMPT unset, a desktop: exit 0" "$status" 0
tap_is "git get, GIT_TERMINAL_PROMPT unset: one browser" "$(($(browser_launches) - launches))" 1
tap_contains "git get, GIT_TERMINAL_PROMPT unset: the token for git" "$(cat "$TEST_TMP/git.out")" \
	"password="

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

# [::1] where the client registered it (RFC 8252 §7.3): chromium comes back there.
if "$PYTHON" -c 'import socket; socket.socket(socket.AF_INET6).bind(("::1", 0))' 2>/dev/null; then
	start_auth_server --redirect-uri 'http://[::1]/callback'
	write_signin_provider six none authorization_code
	write_account six provider=six client_id=test-client ca_file="$CA_DIR/ca.pem" \
		redirect_uri='http://[::1]/callback'
	run_credring login six
	tap_status "redirect_uri on [::1]: exit 0" 0
	tap_contains "redirect_uri on [::1]: sent with the port of the moment" \
		"$(grep '"path": "/oauth/authorize"' "$AS_LOG")" '"redirect_uri": "http://[::1]:'
	tap_is "redirect_uri on [::1]: the code exchanged" \
		"$(grep '"grant_type": "authorization_code"' "$AS_LOG" | grep -c '"status": 200')" 1
else
	for what in "exit 0" "sent with the port of the moment" "the code exchanged"; do
		tap_skip "redirect_uri on [::1]: $what" "this machine has no IPv6 loopback (::1)"
	done
fi

# ---- which browser --------------------------------------------------------

# $BROWSER: a ':' list, the first command that starts is used; "%s" is
# where the URL goes.
start_auth_server
write_signin_provider plain none authorization_code
write_account listed provider=plain client_id=test-client ca_file="$CA_DIR/ca.pem"
cat >"$TEST_TMP/argv-recorder" <<EOF
#!/bin/bash
printf '%s\n' "\$@" >"$TEST_TMP/recorder-argv"
exec "$CURL_BROWSER" "\${!#}"
EOF
chmod +x "$TEST_TMP/argv-recorder"
launches=$(browser_launches)
BROWSER="$TEST_TMP/no-such-browser:$TEST_TMP/argv-recorder --x %s" run_credring login listed
tap_status "\$BROWSER a list: exit 0" 0
tap_is "\$BROWSER a list: one browser, the first that starts" "$(($(browser_launches) - launches))" 1
url=$(grep -o "$AS_URL/oauth/authorize?[^ ]*" <<<"$RUN_ERR")
tap_is "\$BROWSER a list: %s is the URL, in its place" "$(cat "$TEST_TMP/recorder-argv")" \
	"$(printf '%s\n%s' --x "${url:-(no URL on stderr)}")"

# None starts: the URL on stderr is the way; nobody signs in: after
# signin_timeout (10 s, the least it takes), what to do.
write_account nobody provider=plain client_id=test-client ca_file="$CA_DIR/ca.pem" signin_timeout=10
start=$(date +%s)
BROWSER="$TEST_TMP/no-such-browser:$TEST_TMP/nor-this-one %s" run_credring login nobody
end=$(date +%s)
tap_status "no browser starts, nobody signs in: exit 3" 3
tap_contains "no browser starts: says so" "$RUN_ERR" \
	"credring: account [nobody]: no browser would start; open:"
tap_contains "no browser starts: the URL on stderr" "$RUN_ERR" "$AS_URL/oauth/authorize?"
tap_contains "signin_timeout: says nobody signed in in time, and what to do" "$RUN_ERR" \
	"nobody signed in within 10 s (signin_timeout): run 'credring login nobody' again"
tap_ok "signin_timeout: not before 10 s ($((end - start)) s)" test $((end - start)) -ge 10
tap_timing_ok "signin_timeout: not much after ($((end - start)) s)" test $((end - start)) -lt 40
tap_is "signin_timeout: nothing stored" "$(keyring_count nobody)" 0

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

# The address the browser ended at, but with another state: not the answer
# to this sign-in, and its code is not exchanged.
write_account restated provider=paste client_id=test-client ca_file="$CA_DIR/ca.pem"
exchanges=$(grep -c '"grant_type": "authorization_code"' "$AS_LOG")
: >"$TEST_TMP/err"
timeout 60 "${CREDRING_WRAP[@]}" "$CREDRING" login restated --no-browser <"$TEST_TMP/paste" \
	>"$TEST_TMP/out" 2>"$TEST_TMP/err" &
pid=$!
exec 3>"$TEST_TMP/paste"
url=
for i in $(seq 300); do
	url=$(grep -o "$AS_URL/oauth/authorize?[^ ]*" "$TEST_TMP/err")
	[ -n "$url" ] && break
	sleep 0.1
done
location=$(curl -sS --cacert "$CA_DIR/ca.pem" -o /dev/null -w '%{redirect_url}' "$url")
printf '%s\n' "$location" | sed 's/\([?&]state=\)[^&]*/\1not-this-sign-in/' >&3
exec 3>&-
status=0
wait "$pid" || status=$?
tap_is "pasted, another state: exit 3" "$status" 3
tap_contains "pasted, another state: says so" "$(cat "$TEST_TMP/err")" \
	"the redirect is not the answer to this sign-in (its state differs)"
tap_is "pasted, another state: its code not exchanged" \
	"$(grep -c '"grant_type": "authorization_code"' "$AS_LOG")" "$exchanges"
tap_is "pasted, another state: nothing stored" "$(keyring_count restated)" 0

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

start_auth_server --delay 5
write_signin_provider slow none authorization_code
write_account killed provider=slow client_id=test-client ca_file="$CA_DIR/ca.pem"
run_credring login killed
tap_status "kill -9: signed in" 0
# kill_mid_refresh: a token --force-refresh killed once the provider has
# rotated the refresh token (its log line is written then, and its answer
# is five seconds away), before credring could store the new one.
kill_mid_refresh() {
	local i pid rotations
	rotations=$(grep '"grant_type": "refresh_token"' "$AS_LOG" | grep -c '"status": 200')
	"$CREDRING" token killed --force-refresh >/dev/null 2>&1 &
	pid=$!
	for i in $(seq 300); do
		[ "$(grep '"grant_type": "refresh_token"' "$AS_LOG" | grep -c '"status": 200')" -gt \
			"$rotations" ] && break
		sleep 0.1
	done
	kill -9 "$pid"
	wait "$pid" 2>/dev/null
}
kill_mid_refresh
tap_isnt "kill -9 mid-refresh: the keyring kept the superseded refresh token" \
	"$(stored_refresh_token killed)" "$(as_current_refresh_token)"
# Without a desktop nobody could answer a sign-in: the next call says what to do.
launches=$(browser_launches)
start=$(date +%s)
DISPLAY= run_credring token killed --force-refresh
tap_status "after kill -9, no desktop: the superseded refresh token refused (exit 3)" 3
tap_timing_ok "after kill -9, no desktop: no hang" test $(($(date +%s) - start)) -lt 30
tap_is "after kill -9, no desktop: says exactly what to do" "$RUN_ERR" \
	"credring: account [killed]: the provider refused: invalid_grant: refresh token was already used (rotated); its whole family is revoked (HTTP 400): sign in again with 'credring login killed'"
tap_is "after kill -9, no desktop: no browser" "$(($(browser_launches) - launches))" 0
tap_is "after kill -9, no desktop: the dead refresh token dropped" "$(keyring_count killed refresh_token)" 0
run_credring login killed
tap_status "after kill -9: signing in again works" 0
# On a desktop the next call signs in again instead: one browser.
kill_mid_refresh
tap_isnt "kill -9 mid-refresh, again: the keyring kept the superseded refresh token" \
	"$(stored_refresh_token killed)" "$(as_current_refresh_token)"
launches=$(browser_launches)
start=$(date +%s)
BROWSER=$CURL_BROWSER run_credring token killed --force-refresh
tap_status "after kill -9, a desktop: exit 0" 0
tap_timing_ok "after kill -9, a desktop: no hang" test $(($(date +%s) - start)) -lt 40
tap_is "after kill -9, a desktop: exactly one browser, to sign in again" \
	"$(($(browser_launches) - launches))" 1
tap_is "after kill -9, a desktop: a live token" \
	"$(as_hook GET /_emulator/check -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $RUN_OUT")" 200
tap_is "after kill -9, a desktop: the new refresh token stored" \
	"$(stored_refresh_token killed)" "$(as_current_refresh_token)"

tap_done
