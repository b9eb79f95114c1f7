#!/bin/bash
# git-credential-credring answering for accounts: a request whose protocol and
# host (and path, when the account URL has one) match an account's `url` (by
# default the origin of its token URL), or any request with --account NAME,
# gets a valid token from the same cache as `credring token`; `erase` of
# that token drops it. Real git 2.39 (credential fill/approve/reject) against
# the strict emulators of two providers: AutoGrab (HTTP Basic) and Dataloy
# (JSON body).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/git-lib.sh"

AG_SECRET='ag-s3cret:/+ x'
DL_SECRET='dl-"s3cret\/'

start_emulator autograb --client-id ag-client --client-secret="$AG_SECRET"
AG_PORT=$EMU_PORT AG_URL=$EMU_URL AG_LOG=$EMU_LOG AG_HOST=127.0.0.1:$EMU_PORT
# No url: the default is the origin of the token URL, https://127.0.0.1:PORT.
write_account ag provider=autograb token_url="$EMU_TOKEN_URL" ca_file="$CA_DIR/ca.pem" \
	client_id=ag-client
login ag "client_secret=$AG_SECRET"$'\n' --no-verify
tap_status "setup: login ag --no-verify" 0

start_emulator dataloy --client-id dl-client --client-secret="$DL_SECRET" --audience https://dataloy.dev
DL_PORT=$EMU_PORT DL_LOG=$EMU_LOG DL_HOST=127.0.0.1:$EMU_PORT
# Two URLs: one with a path on the emulator's origin, one elsewhere. The
# token URL's origin is NOT among them.
write_account dl provider=dataloy token_url="$EMU_TOKEN_URL" ca_file="$CA_DIR/ca.pem" \
	client_id=dl-client audience=https://dataloy.dev username=dl-user \
	url="https://127.0.0.1:$DL_PORT/ws/rest;https://api.dataloy.test"
login dl "client_secret=$DL_SECRET"$'\n' --no-verify
tap_status "setup: login dl --no-verify" 0
tap_is "setup: no token requested yet" "$(emulator_request_count "$AG_LOG")/$(emulator_request_count "$DL_LOG")" 0/0

# no_secret_in DESC TEXT: neither client secret nor any issued token in TEXT.
no_secret_in() {
	local t leak=
	for t in "$AG_SECRET" "$DL_SECRET" $(emulator_tokens "$AG_LOG") $(emulator_tokens "$DL_LOG"); do
		[[ $2 == *"$t"* ]] && leak=1
	done
	_tap_result $((leak == 1)) "$1" || tap_diag "a secret or token is in: $2"
}

# ======================================================= autograb (Basic) ==

# -- the first fill fetches a token
ag_asked=$(date +%s)
git_cred fill "protocol=https"$'\n'"host=$AG_HOST"
run_status_is "ag fill: exit 0" 0
tap_is "ag fill: one token request to the provider" "$(emulator_request_count "$AG_LOG")" 1
tap_is "ag fill: the provider accepted it" "$(emulator_last ok "$AG_LOG")" true
AG_T1=$(emulator_last token "$AG_LOG")
tap_isnt "ag fill: the emulator issued a token" "$AG_T1" ""
tap_is "ag fill: password = the issued token" "$(field password)" "$AG_T1"
tap_is "ag fill: username = the client_id (no username in the account)" "$(field username)" ag-client
no_secret_in "ag fill: no secret or token on stderr" "$RUN_ERR"
tap_is "ag fill: the token is cached in the keyring" "$(keyring_count ag token)" 1
tap_is "ag fill: the emulator takes the token" "$(emulator_call GET /_emulator/check "$AG_T1" "$AG_URL")" 200

# -- the second fill is served from the cache
git_cred fill "protocol=https"$'\n'"host=$AG_HOST"
run_status_is "ag fill again: exit 0" 0
tap_is "ag fill again: the same token" "$(field password)" "$AG_T1"
tap_is "ag fill again: no new request (cache)" "$(emulator_request_count "$AG_LOG")" 1

# -- the same cache as `credring token`
run_credring token ag
tap_ok "credring token ag: the token git got" out_is "$AG_T1"$'\n'

# -- password_expiry_utc (git 2.39 does not pass it on: ask the helper)
RUN_STDIN="protocol=https"$'\n'"host=$AG_HOST"$'\n\n'
run_helper get
run_status_is "ag helper get: exit 0" 0
tap_is "ag helper get: password = the cached token" "$(field password)" "$AG_T1"
tap_is "ag helper get: username" "$(field username)" ag-client
now=$(date +%s)
exp=$(field password_expiry_utc)
# Issued between the first fill's start and now, however slowly (valgrind).
tap_like "ag helper get: password_expiry_utc = when it was issued + the token's 3599 s" \
	"$([[ $exp =~ ^[0-9]+$ ]] && ((exp >= ag_asked + 3599 - 1 && exp <= now + 3599)) && echo in-range || echo "$exp")" \
	'^in-range$'
tap_is "ag helper get: no capability/authtype lines without the capability" \
	"$(count_lines authtype)$(count_lines credential)$(count_lines 'capability[]')" 000
tap_is "ag helper get: still no new request" "$(emulator_request_count "$AG_LOG")" 1

# -- any path on the account's origin matches (its URL has no path)
git_cred fill "url=https://$AG_HOST/some/repo.git" -c credential.useHttpPath=true
tap_is "ag fill with a path, useHttpPath: the token" "$(field password)" "$AG_T1"
git_cred fill "url=https://$AG_HOST/some/repo.git"
tap_is "ag fill with a path, no useHttpPath: the token" "$(field password)" "$AG_T1"

# -- what does not match the account's origin
git_cred fill "protocol=http"$'\n'"host=$AG_HOST"
run_failed "ag origin over http (another protocol): no match, git fails"
tap_is "ag origin over http: no password" "$(field password)" "<none>"
git_cred fill "protocol=https"$'\n'"host=127.0.0.1"
run_failed "ag host without its port: no match"
git_cred fill "protocol=https"$'\n'"host=localhost:$AG_PORT"
run_failed "ag port on another host name: no match"
tap_is "none of these asked the provider" "$(emulator_request_count "$AG_LOG")" 1

# -- a request with a missing or empty protocol or host matches nothing
for req in "host=$AG_HOST" "protocol="$'\n'"host=$AG_HOST" "protocol=https" \
	"protocol=https"$'\n'"host=" "protocol=https"$'\n'"path=auth-broker"; do
	RUN_STDIN=$req$'\n\n'
	run_helper get
	run_status_is "get '${req//$'\n'/ }': exit 0" 0
	tap_is "get '${req//$'\n'/ }': no answer" "$RUN_OUT" ""
done
tap_is "still no new request" "$(emulator_request_count "$AG_LOG")" 1

# -- store for an account: nothing to do, nothing stored
git_cred approve "protocol=https"$'\n'"host=$AG_HOST"$'\n'"username=ag-client"$'\n'"password=$AG_T1"
run_status_is "ag approve: exit 0" 0
tap_is "ag approve: no git item in the keyring" "$(all_git_items)" 0
tap_is "ag approve: the cached token stays" "$(keyring_count ag token)" 1

# -- reject with another password: the token stays
git_cred reject "protocol=https"$'\n'"host=$AG_HOST"$'\n'"username=ag-client"$'\n'"password=not-the-token"
run_status_is "ag reject another password: exit 0" 0
tap_is "ag reject another password: the token stays cached" "$(keyring_count ag token)" 1
git_cred reject "protocol=https"$'\n'"host=$AG_HOST"$'\n'"username=ag-client"
run_status_is "ag reject without password: exit 0" 0
tap_is "ag reject without password: the token stays cached" "$(keyring_count ag token)" 1
git_cred fill "protocol=https"$'\n'"host=$AG_HOST"
tap_is "ag fill after those rejects: the same token" "$(field password)" "$AG_T1"
tap_is "ag fill after those rejects: no new request" "$(emulator_request_count "$AG_LOG")" 1

# -- reject with the cached token: dropped; the next fill fetches a new one
git_cred reject "protocol=https"$'\n'"host=$AG_HOST"$'\n'"username=ag-client"$'\n'"password=$AG_T1"
run_status_is "ag reject the token: exit 0" 0
tap_is "ag reject the token: no token cached any more" "$(keyring_count ag token)" 0
tap_is "ag reject the token: the client secret stays" "$(keyring_count ag client_secret)" 1
git_cred fill "protocol=https"$'\n'"host=$AG_HOST"
run_status_is "ag fill after the reject: exit 0" 0
tap_is "ag fill after the reject: a new request" "$(emulator_request_count "$AG_LOG")" 2
AG_T2=$(emulator_last token "$AG_LOG")
tap_isnt "ag fill after the reject: a new token" "$AG_T2" "$AG_T1"
tap_is "ag fill after the reject: password = the new token" "$(field password)" "$AG_T2"

# -- capability[]=authtype (git >= 2.46; git 2.39 never sends it)
RUN_STDIN="capability[]=authtype"$'\n'"protocol=https"$'\n'"host=$AG_HOST"$'\n\n'
run_helper get
run_status_is "ag get with capability[]=authtype: exit 0" 0
tap_is "authtype: capability[]=authtype" "$(field 'capability[]')" authtype
tap_is "authtype: authtype=Bearer" "$(field authtype)" Bearer
tap_is "authtype: credential = the token" "$(field credential)" "$AG_T2"
tap_is "authtype: ephemeral=true" "$(field ephemeral)" true
tap_is "authtype: no password line" "$(count_lines password)" 0
tap_is "authtype: no new request" "$(emulator_request_count "$AG_LOG")" 2
tap_is "authtype: the capability line comes first" "$(head -n1 "$TEST_TMP/out")" "capability[]=authtype"

# erase with credential= (what git >= 2.46 sends back) drops the token too
RUN_STDIN="capability[]=authtype"$'\n'"protocol=https"$'\n'"host=$AG_HOST"$'\n'"authtype=Bearer"$'\n'"credential=not-it"$'\n\n'
run_helper erase
run_status_is "ag erase credential=another: exit 0" 0
tap_is "ag erase credential=another: the token stays" "$(keyring_count ag token)" 1
RUN_STDIN="capability[]=authtype"$'\n'"protocol=https"$'\n'"host=$AG_HOST"$'\n'"authtype=Bearer"$'\n'"credential=$AG_T2"$'\n\n'
run_helper erase
run_status_is "ag erase credential=the token: exit 0" 0
tap_is "ag erase credential=the token: dropped" "$(keyring_count ag token)" 0
tap_is "ag erase: nothing on stdout" "$RUN_OUT" ""
RUN_STDIN="protocol=https"$'\n'"host=$AG_HOST"$'\n\n'
run_helper get
tap_is "ag get after that: a new request" "$(emulator_request_count "$AG_LOG")" 3
AG_T3=$(emulator_last token "$AG_LOG")
tap_is "ag get after that: the new token" "$(field password)" "$AG_T3"

# ======================================================== dataloy (JSON) ==

P=(-c credential.useHttpPath=true)
git_cred fill "url=https://$DL_HOST/ws/rest/vessels" "${P[@]}"
run_status_is "dl fill under its URL's path: exit 0" 0
tap_is "dl fill: one token request" "$(emulator_request_count "$DL_LOG")" 1
tap_is "dl fill: the provider accepted it (JSON body)" "$(emulator_last ok "$DL_LOG")" true
DL_T1=$(emulator_last token "$DL_LOG")
tap_is "dl fill: password = the issued token" "$(field password)" "$DL_T1"
tap_is "dl fill: username = the account's username" "$(field username)" dl-user
no_secret_in "dl fill: no secret or token on stderr" "$RUN_ERR"
git_cred fill "url=https://$DL_HOST/ws/rest" "${P[@]}"
tap_is "dl fill for the URL's path itself: the cached token" "$(field password)" "$DL_T1"
git_cred fill "url=https://api.dataloy.test/anything" "${P[@]}"
run_status_is "dl fill for its second URL: exit 0" 0
tap_is "dl fill for its second URL: the cached token" "$(field password)" "$DL_T1"
git_cred fill "protocol=https"$'\n'"host=api.dataloy.test"
tap_is "dl fill for its second URL without a path: the cached token" "$(field password)" "$DL_T1"
tap_is "dl: still one token request" "$(emulator_request_count "$DL_LOG")" 1

git_cred fill "url=https://$DL_HOST/other/place" "${P[@]}"
run_failed "dl fill outside the URL's path: no match, git fails"
tap_is "dl fill outside the URL's path: no password" "$(field password)" "<none>"
git_cred fill "url=https://$DL_HOST/ws/rest/vessels"
run_failed "dl fill without useHttpPath (no path sent): no match"
git_cred fill "url=https://$DL_HOST/oauth/token" "${P[@]}"
run_failed "dl: the token URL's origin is not a URL of this account"
tap_is "dl: none of these asked the provider" "$(emulator_request_count "$DL_LOG")" 1

# A request that matches no account is the storage helper's, even on the
# account's host.
git_cred approve "url=https://$DL_HOST/other/place"$'\n'"username=someone"$'\n'"password=pw-other" "${P[@]}"
run_status_is "approve outside the account's path: exit 0" 0
tap_is "approve outside the account's path: stored as a git item" "$(all_git_items)" 1
git_cred fill "url=https://$DL_HOST/other/place" "${P[@]}"
tap_is "fill outside the account's path: the stored password" "$(field password)" pw-other
git_cred fill "url=https://$DL_HOST/ws/rest/vessels" "${P[@]}"
tap_is "fill inside the account's path: still the token" "$(field password)" "$DL_T1"

RUN_STDIN="capability[]=authtype"$'\n'"protocol=https"$'\n'"host=api.dataloy.test"$'\n\n'
run_helper get
run_status_is "dl get with capability[]=authtype: exit 0" 0
tap_is "dl authtype: Bearer and the token" "$(field authtype) $(field credential)" "Bearer $DL_T1"
tap_is "dl authtype: no password line" "$(count_lines password)" 0

git_cred reject "protocol=https"$'\n'"host=api.dataloy.test"$'\n'"username=dl-user"$'\n'"password=$DL_T1"
run_status_is "dl reject the token: exit 0" 0
tap_is "dl reject the token: dropped" "$(keyring_count dl token)" 0
tap_is "dl reject the token: the other account's token stays" "$(keyring_count ag token)" 1
git_cred fill "url=https://$DL_HOST/ws/rest/vessels" "${P[@]}"
tap_is "dl fill after the reject: a new request" "$(emulator_request_count "$DL_LOG")" 2
DL_T2=$(emulator_last token "$DL_LOG")
tap_isnt "dl fill after the reject: a new token" "$DL_T2" "$DL_T1"
tap_is "dl fill after the reject: password = the new token" "$(field password)" "$DL_T2"

# ========================================================= --account NAME ==

# git runs `git credential-credring --account NAME ACTION`; the account
# answers whatever the URL.
A_AG=(-c credential.helper= -c "credential.helper=credring --account ag")
A_DL=(-c credential.helper= -c "credential.helper=credring --account dl")
git_cred fill $'protocol=https\nhost=unrelated.example.com' "${A_AG[@]}"
run_status_is "--account ag for an unrelated host: exit 0" 0
tap_is "--account ag for an unrelated host: ag's cached token" "$(field password)" "$AG_T3"
tap_is "--account ag for an unrelated host: ag's username" "$(field username)" ag-client
git_cred fill "protocol=https"$'\n'"host=$AG_HOST" "${A_DL[@]}"
run_status_is "--account dl for ag's host: exit 0" 0
tap_is "--account dl for ag's host: dl's token, not ag's" "$(field password)" "$DL_T2"
tap_is "--account dl for ag's host: dl's username" "$(field username)" dl-user
tap_is "--account: no new requests" \
	"$(emulator_request_count "$AG_LOG")/$(emulator_request_count "$DL_LOG")" 3/2
git_cred reject $'protocol=https\nhost=unrelated.example.com\nusername=ag-client\npassword='"$AG_T3" "${A_AG[@]}"
run_status_is "--account ag reject the token: exit 0" 0
tap_is "--account ag reject the token: dropped" "$(keyring_count ag token)" 0
git_cred fill $'protocol=https\nhost=unrelated.example.com' "${A_AG[@]}"
tap_is "--account ag fill after it: a new request" "$(emulator_request_count "$AG_LOG")" 4
tap_is "--account ag fill after it: the new token" "$(field password)" "$(emulator_last token "$AG_LOG")"
git_cred approve $'protocol=https\nhost=unrelated.example.com\nusername=x\npassword=y' "${A_AG[@]}"
tap_is "--account ag approve: nothing stored" "$(all_git_items)" 1

RUN_STDIN=$'protocol=https\nhost=unrelated.example.com\n\n'
run_helper --account no-such-account get
run_failed "--account no-such-account: a non-zero exit"
tap_is "--account no-such-account: nothing on stdout" "$RUN_OUT" ""
tap_is "--account no-such-account: one line on stderr" "$RUN_ERR_LINES" 1

# ============================================ one origin, other spellings ==

# RFC 3986: scheme and host in any case, the scheme's default port and a
# host name's trailing dot name the same server, and a query or fragment no
# other place for credentials. git splits url= itself and sends the parts as
# written, so each of these reaches the helper as such.
AG_T4=$(emulator_last token "$AG_LOG")
git_cred fill "protocol=HTTPS"$'\n'"host=$AG_HOST"
run_status_is "protocol=HTTPS: exit 0" 0
tap_is "protocol=HTTPS: the account's token" "$(field password)" "$AG_T4"
tap_lacks "protocol=HTTPS: not refused as plain http" "$RUN_ERR" "not sending"
RUN_STDIN="capability[]=authtype"$'\n'"protocol=Https"$'\n'"host=$AG_HOST"$'\n\n'
run_helper get
run_status_is "protocol=Https with authtype: exit 0" 0
tap_is "protocol=Https with authtype: the account's token" "$(field credential)" "$AG_T4"

for url in "https://api.dataloy.test:443/" "https://API.Dataloy.TEST/" "https://api.dataloy.test./" \
	"https://api.dataloy.test.:443/repo.git" "HTTPS://api.dataloy.test/repo.git?x=1#top" \
	"https://someone@api.dataloy.test/repo.git" "https://someone@api.dataloy.test:443" \
	"https://$DL_HOST/ws/rest?page=2" "https://$DL_HOST/ws/rest/vessels#top" \
	"https://$DL_HOST/ws/rest/?x=/other/place"; do
	git_cred fill "url=$url" "${P[@]}"
	run_status_is "dl fill $url: exit 0" 0
	tap_is "dl fill $url: the cached token" "$(field password)" "$DL_T2"
done
for url in "https://api.dataloy.test:8443/" "https://api.dataloy.test:80/" \
	"http://api.dataloy.test:443/" "https://api.dataloy.test../" "https://xapi.dataloy.test/" \
	"https://$DL_HOST/ws/restx?/ws/rest" "https://$DL_HOST/other?ws/rest"; do
	git_cred fill "url=$url" "${P[@]}"
	run_failed "dl fill $url: no match, git fails"
	tap_is "dl fill $url: no password" "$(field password)" "<none>"
done
tap_is "dl: none of these asked the provider" "$(emulator_request_count "$DL_LOG")" 2

# IPv6 literals: one address, several spellings.
write_account v6 provider=dataloy token_url="https://127.0.0.1:$DL_PORT/oauth/token" \
	ca_file="$CA_DIR/ca.pem" client_id=dl-client audience=https://dataloy.dev \
	url="https://[::1]:443/api"
login v6 "client_secret=$DL_SECRET"$'\n' --no-verify
tap_status "v6: setup: login --no-verify" 0
git_cred fill "url=https://[::1]/api/repo.git" "${P[@]}"
run_status_is "v6 fill https://[::1]/api/...: exit 0" 0
V6_T=$(emulator_last token "$DL_LOG")
tap_is "v6 fill https://[::1]/api/...: the issued token" "$(field password)" "$V6_T"
for url in "https://[::1]:443/api" "https://[0:0::1]/api/x" "https://[0000::0001]:443/api/x?y"; do
	git_cred fill "url=$url" "${P[@]}"
	tap_is "v6 fill $url: the cached token" "$(field password)" "$V6_T"
done
for url in "https://[::1]:8443/api/x" "https://[::2]/api/x" "https://[::1]/other"; do
	git_cred fill "url=$url" "${P[@]}"
	run_failed "v6 fill $url: no match, git fails"
done
tap_is "v6: one token request for all of these" "$(emulator_request_count "$DL_LOG")" 3

# Plain http only to this machine, however the scheme is spelled; the
# refusal names what was asked for.
write_account plain provider=dataloy token_url="https://127.0.0.1:$DL_PORT/oauth/token" \
	ca_file="$CA_DIR/ca.pem" client_id=dl-client audience=https://dataloy.dev \
	url="http://plain.example.test;http://localhost:$DL_PORT;smtp://mail.example.test"
login plain "client_secret=$DL_SECRET"$'\n' --no-verify
for proto in http HTTP; do
	RUN_STDIN="protocol=$proto"$'\n'"host=plain.example.test"$'\n\n'
	run_helper get
	run_status_is "plain: protocol=$proto to another host: exit 0" 0
	tap_is "plain: protocol=$proto to another host: no answer" "$RUN_OUT" ""
	tap_contains "plain: protocol=$proto to another host: why" "$RUN_ERR" \
		"not sending account [plain]'s token over $proto"
	tap_is "plain: protocol=$proto to another host: one line on stderr" "$RUN_ERR_LINES" 1
done
RUN_STDIN="protocol=smtp"$'\n'"host=mail.example.test"$'\n\n'
run_helper get
run_status_is "plain: protocol=smtp: exit 0" 0
tap_is "plain: protocol=smtp: no answer" "$RUN_OUT" ""
tap_contains "plain: protocol=smtp: named as such" "$RUN_ERR" "not sending account [plain]'s token over smtp"
tap_is "plain: none of these asked the provider" "$(emulator_request_count "$DL_LOG")" 3
for req in "protocol=http"$'\n'"host=localhost:$DL_PORT" "protocol=HTTP"$'\n'"host=LOCALHOST:$DL_PORT"; do
	RUN_STDIN=$req$'\n\n'
	run_helper get
	run_status_is "plain: ${req//$'\n'/ } (this machine): exit 0" 0
	tap_is "plain: ${req//$'\n'/ } (this machine): the token" "$(field password)" \
		"$(emulator_last token "$DL_LOG")"
done
tap_is "plain: one token request for both" "$(emulator_request_count "$DL_LOG")" 4

# ======================================================== errors =========

# An account whose provider refuses: git gets no password, stderr says why,
# and nothing secret is printed.
start_emulator autograb --client-id ag-client --client-secret=other-secret
write_account ag-bad provider=autograb token_url="$EMU_TOKEN_URL" ca_file="$CA_DIR/ca.pem" \
	client_id=ag-client
login ag-bad "client_secret=$AG_SECRET"$'\n' --no-verify
git_cred fill "protocol=https"$'\n'"host=127.0.0.1:$EMU_PORT"
run_failed "refused by the provider: git fails"
tap_is "refused by the provider: no password" "$(field password)" "<none>"
tap_contains "refused by the provider: its message reaches stderr" "$RUN_ERR" "Invalid client credentials"
no_secret_in "refused by the provider: no secret on stderr" "$RUN_ERR"
tap_is "refused by the provider: one request" "$(emulator_request_count)" 1

# ========================================== providers that do not load ==

# Matching loads a provider only for an account that has neither url nor
# token_url (its URL is the provider's token URL), each provider once; one
# that does not load is named on stderr and the others still answer. The
# account that matches answers or fails: never another in its place.
start_emulator autograb --client-id late-client --client-secret="$AG_SECRET"
LATE_HOST=127.0.0.1:$EMU_PORT LATE_LOG=$EMU_LOG
: >"$CREDRING_CONFIG"
# A password git stored for a host before an account claimed it.
git_cred approve $'protocol=https\nhost=gone.example.test\nusername=u\npassword=stored-pw'
run_status_is "broken providers: setup: a password stored for gone.example.test" 0
write_account gone provider=nosuch client_id=x
write_account gone-too provider=nosuch client_id=y
write_account gone-url provider=nosuch-either client_id=x url=https://gone.example.test
write_account late provider=autograb token_url="$EMU_TOKEN_URL" ca_file="$CA_DIR/ca.pem" \
	client_id=late-client
login late "client_secret=$AG_SECRET"$'\n' --no-verify
tap_status "broken providers: setup: login late --no-verify" 0

git_cred fill "protocol=https"$'\n'"host=$LATE_HOST"
run_status_is "broken providers: fill for late: exit 0" 0
LATE_T=$(emulator_last token "$LATE_LOG")
tap_is "broken providers: fill for late: late's token" "$(field password)" "$LATE_T"
RUN_STDIN="protocol=https"$'\n'"host=$LATE_HOST"$'\n\n'
run_helper get
run_status_is "broken providers: get for late: exit 0" 0
tap_is "broken providers: get for late: late's token" "$(field password)" "$LATE_T"
tap_is "broken providers: get for late: one line on stderr per account without url" \
	"$RUN_ERR_LINES" 2
tap_contains "broken providers: names [gone] and why" "$RUN_ERR" \
	"account [gone]: no plugin or provider file for provider 'nosuch'"
tap_contains "broken providers: names [gone-too] and why" "$RUN_ERR" \
	"account [gone-too]: no plugin or provider file for provider 'nosuch'"
tap_contains "broken providers: a warning" "$RUN_ERR" "git-credential-credring: warning: "
tap_lacks "broken providers: the account with a url is not loaded to match" "$RUN_ERR" "gone-url"
no_secret_in "broken providers: no secret or token on stderr" "$RUN_ERR"

# The account whose url matches but whose provider does not load fails,
# saying so; git's stored passwords do not answer in its place.
RUN_STDIN=$'protocol=https\nhost=gone.example.test\n\n'
run_helper get
run_status_is "matched, provider does not load: exit 2" 2
tap_is "matched, provider does not load: nothing on stdout (not the stored password)" "$RUN_OUT" ""
tap_contains "matched, provider does not load: names the account and why" "$RUN_ERR" \
	"account [gone-url]: no plugin or provider file for provider 'nosuch-either'"

# An account that matches but does not resolve is an error too.
write_account bad-url provider=autograb client_id=x url=https://bad.example.test \
	token_url=http://bad.example.test/token
RUN_STDIN=$'protocol=https\nhost=bad.example.test\n\n'
run_helper get
run_status_is "matched, does not resolve: exit 2" 2
tap_contains "matched, does not resolve: names the account" "$RUN_ERR" "account [bad-url]"
tap_is "matched, does not resolve: nothing on stdout" "$RUN_OUT" ""

# An account that does not read cannot tell its URLs: named, and skipped.
write_account no-client-id provider=autograb
RUN_STDIN=$'protocol=https\nhost=nothing.example.test\n\n'
run_helper get
run_status_is "an account that does not read: exit 0" 0
tap_contains "an account that does not read: named on stderr" "$RUN_ERR" \
	"account [no-client-id]: has no 'client_id' key"

# ================================================ erase under the lock ==

# git's erase drops the token through the cache, under the account's lock:
# while another process holds it (a fetch under way), erase waits.
LOCK_FILE=$XDG_RUNTIME_DIR/credring/late.lock
tap_is "erase under the lock: setup: late's token is cached" "$(keyring_count late token)" 1
flock "$LOCK_FILE" bash -c 'touch "$1"; while [ ! -e "$2" ]; do sleep 0.05; done' \
	locker "$TEST_TMP/lock-held" "$TEST_TMP/lock-release" &
LOCKER=$!
for _ in $(seq 100); do [ -e "$TEST_TMP/lock-held" ] && break; sleep 0.1; done
tap_ok "erase under the lock: another process holds late's lock" test -e "$TEST_TMP/lock-held"
printf 'protocol=https\nhost=%s\nusername=late-client\npassword=%s\n\n' "$LATE_HOST" "$LATE_T" |
	timeout 60 "${CREDRING_WRAP[@]}" "$GIT_HELPER" erase >"$TEST_TMP/erase.out" 2>"$TEST_TMP/erase.err" &
ERASER=$!
sleep $((TIME_SCALE * 2))
tap_ok "erase under the lock: erase waits for the lock" kill -0 "$ERASER"
tap_is "erase under the lock: the token is still cached while it waits" "$(keyring_count late token)" 1
touch "$TEST_TMP/lock-release"
wait "$LOCKER"
st=0
wait "$ERASER" || st=$?
tap_is "erase under the lock: exit 0 once the lock is free" "$st" 0
tap_is "erase under the lock: the token is dropped" "$(keyring_count late token)" 0
tap_is "erase under the lock: the client secret stays" "$(keyring_count late client_secret)" 1

tap_done
