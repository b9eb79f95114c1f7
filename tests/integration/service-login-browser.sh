#!/bin/bash
# credring-service's Login in the browser: the service, started by D-Bus
# activation, opens the session's browser ($BROWSER: Debian's chromium,
# headless, which follows the strict authorization server's redirect to
# the service's loopback listener), tells the URL in a SigninPrompt, and
# returns once the refresh token and the token are stored.  Apart from
# service-login.sh (the device flow) because it drives chromium: run once,
# not under the wrapped runs (build-aux/*-check.sh say why).
TEST_SERVICE_DIR=installed
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/service-lib.sh"

command -v /usr/lib/chromium/chromium >/dev/null ||
	tap_bail "chromium is not installed (build-aux/deps installs it)"
make_ca
BROWSER_LOG=$TEST_TMP/browser.log
: >"$BROWSER_LOG"
start_auth_server --iss
write_signin_provider testas none "authorization_code;device_code" default_scope="openid api"
write_account web provider=testas client_id=test-client ca_file="$CA_DIR/ca.pem" issuer="$AS_URL"
# The service's session: a display (the browser is headless all the same),
# and the browser the session would open.
service_env BROWSER="$abs_top_srcdir/tests/integration/headless-browser.sh" \
	BROWSER_LOG="$BROWSER_LOG" CREDRING_TEST_CA_DIR="$CA_DIR" TEST_TMP="$TEST_TMP" DISPLAY=:99
monitor_start

svc_call Login "('web', @a{sv} {'method': <'browser'>})"
svc_ok "Login web in the browser: a reply"
now=$(date +%s)
tap_ok "Login: expires_at is in the future ($SVC_OUT)" \
	eval "[[ '$SVC_OUT' =~ ^[0-9]+$ ]] && ((SVC_OUT > now))"
tap_is "Login: one browser launched, by the service" "$(grep -c '^launch' "$BROWSER_LOG")" 1
tap_contains "Login: a SigninPrompt gives the sign-in URL" \
	"$(grep -A3 'member=SigninPrompt$' "$MONITOR_LOG")" "$AS_URL/oauth/authorize?"
authorize=$(grep '"path": "/oauth/authorize"' "$AS_LOG" | tail -n 1)
tap_contains "Login: PKCE with S256" "$authorize" '"code_challenge_method": "S256"'
tap_is "Login: the refresh token and the token are stored" \
	"$(keyring_items web | tr '\n' ' ')" "refresh_token token "
tap_ok "Login: AccountChanged(web, login)" wait_account_change "web login"
LOGIN_EXPIRES=$SVC_OUT
svc_get_token web
svc_ok "GetAccessToken after Login: a token"
tap_is "GetAccessToken after Login: the token Login stored" "$SVC_EXPIRES" "$LOGIN_EXPIRES"
run_credring token web
tap_status "credring token after the service's Login: exit 0" 0
tap_ok "credring token: the same token (no second sign-in)" out_is "$SVC_TOKEN"$'\n'
tap_is "no second browser" "$(grep -c '^launch' "$BROWSER_LOG")" 1
tap_lacks "no signal carries the token" "$(cat "$MONITOR_LOG")" "$SVC_TOKEN"

tap_done
