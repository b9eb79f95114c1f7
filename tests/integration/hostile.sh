#!/bin/bash
# Token endpoints that misbehave: answers that are not a valid token (HTML,
# an error object with 200, truncated, oversized, too deep, NUL bytes,
# duplicate keys, a bad token, token_type or expiry), redirects, a server that
# trickles bytes, certificates that are expired or for another host, and
# control characters in what a provider says.
#
# Each gets exit 4 (3 when it is the provider refusing), one line on stderr
# with no raw control character in it, nothing on stdout and nothing in the
# token cache.  The server is tests/emulator/hostile-server.py; each case is an
# account whose token_url picks the behaviour (/mode/NAME/...).
. "$(dirname "$0")/lib.sh"

CLIENT_ID=hostile-client
INPUT="client_secret=hostile-test-secret"$'\n'
TOKEN_PATH=/auth-broker/request-token

# hs_query PYTHON-EXPRESSION [LOG]: evaluates the expression with `log` the
# list of the server's log entries (dicts); prints the result.
hs_query() {
	"$PYTHON" -c '
import json, sys
log = [json.loads(l) for l in open(sys.argv[2]).read().splitlines()]
print(eval(sys.argv[1]))
' "$1" "${2:-$HS_LOG}"
}
# hs_mode_count MODE: requests the server answered with behaviour MODE.
hs_mode_count() { hs_query "sum(1 for e in log if e['mode'] == '$1')"; }

# stderr_problem: prints what is wrong with the last run's stderr as text
# for a terminal (raw control or format characters other than the final
# newline, invalid UTF-8), or nothing.
stderr_problem() {
	"$PYTHON" -c '
import sys, unicodedata
data = open(sys.argv[1], "rb").read()
try:
    text = data.decode("utf-8")
except UnicodeDecodeError as e:
    sys.exit(print("invalid UTF-8: %s" % e))
if text.endswith("\n"):
    text = text[:-1]
bad = sorted({"U+%04X" % ord(c) for c in text if unicodedata.category(c) in ("Cc", "Cf")})
if bad:
    print("raw control/format characters: " + " ".join(bad))
' "$TEST_TMP/err"
}

autograb_account() {  # NAME TOKEN_URL [KEY=VALUE...]
	local name=$1 url=$2
	shift 2
	write_account "$name" provider=autograb client_id="$CLIENT_ID" token_url="$url" \
		ca_file="$CA_DIR/ca.pem" "$@"
	login "$name" "$INPUT" --no-verify
	[ "$RUN_STATUS" = 0 ] || tap_bail "login --no-verify $name: exit $RUN_STATUS: $RUN_ERR"
}

ants_account() {  # NAME TOKEN_URL [KEY=VALUE...]
	local name=$1 url=$2
	shift 2
	write_account "$name" provider=ants client_id="$CLIENT_ID" scope=item token_url="$url" \
		ca_file="$CA_DIR/ca.pem" "$@"
	login "$name" "$INPUT" --no-verify
	[ "$RUN_STATUS" = 0 ] || tap_bail "login --no-verify $name: exit $RUN_STATUS: $RUN_ERR"
}

# keyring_total ACCOUNT: how many keyring items the account has (its
# client_secret, plus a token when one is cached). One search: cheaper than
# keyring_count's four, and the cases below are many.
keyring_total() { _keyring_search_count account "$1"; }

# assert_refused DESC ACCOUNT STATUS [CONFIG]: the last run failed as a
# hostile answer must: STATUS, one clean line on stderr, no stdout, no cached
# token (the account's only keyring item is still its client_secret).
assert_refused() {
	local desc=$1 account=$2 status=$3 config=${4:-$CREDRING_CONFIG}
	tap_status "$desc: exit $status" "$status"
	tap_is "$desc: exactly one line on stderr" "$RUN_ERR_LINES" 1
	tap_is "$desc: no raw control characters on stderr" "$(stderr_problem)" ""
	tap_ok "$desc: nothing on stdout" test ! -s "$TEST_TMP/out"
	local items
	items=$(keyring_total "$account")
	tap_is "$desc: no token cached" "$items" 1
	# keep the next case clean
	[ "$items" = 1 ] || CREDRING_CONFIG=$config run_credring logout "$account"
}

# The cases share two accounts, hostile (autograb) and hostile-ants, whose
# secrets are stored once; each case writes its own accounts file pointing
# the account at its behaviour (/mode/NAME/...).
CASE_CONF=$TEST_TMP/case.conf
case_config() {  # PROVIDER TOKEN_URL [KEY=VALUE...]
	local provider=$1 url=$2 kv
	shift 2
	if [ "$provider" = ants ]; then
		printf '[hostile-ants]\nprovider = ants\nscope = item\n'
	else
		printf '[hostile]\nprovider = autograb\n'
	fi >"$CASE_CONF"
	for kv in client_id="$CLIENT_ID" token_url="$url" ca_file="$CA_DIR/ca.pem" "$@"; do
		printf '%s = %s\n' "${kv%%=*}" "${kv#*=}" >>"$CASE_CONF"
	done
	chmod 600 "$CASE_CONF"  # else credring warns that others may read it
}

# hostile_case DESC MODE [STATUS [PROVIDER [KEY=VALUE...]]]: the account of
# PROVIDER (autograb) pointed at behaviour MODE; `credring token` must be
# refused with STATUS (4). Also checks that the server did answer it with
# MODE, so that the failure is the one the case is about.
hostile_case() {
	local desc=$1 mode=$2 status=${3:-4} provider=${4:-autograb} account=hostile
	shift $(($# < 4 ? $# : 4))
	if [ "$provider" = ants ]; then
		account=hostile-ants
		case_config ants "$HS_URL/mode/$mode/oauth/token" "$@"
	else
		case_config autograb "$HS_URL/mode/$mode$TOKEN_PATH" "$@"
	fi
	run_credring --config "$CASE_CONF" token "$account"
	tap_diag "$mode: $(head -c 300 "$TEST_TMP/err" | cat -v)"
	assert_refused "$desc" "$account" "$status" "$CASE_CONF"
	tap_ok "$desc: the server answered with '$mode'" test "$(hs_mode_count "$mode")" -ge 1
}

elapsed_ms() { echo $((($(date +%s%N) - $1) / 1000000)); }

start_hostile
for account in hostile:autograb hostile-ants:ants; do
	case_config "${account#*:}" "$HS_URL/unused"
	RUN_STDIN=$INPUT
	run_credring --config "$CASE_CONF" login "${account%:*}" --secret-stdin --no-verify
	[ "$RUN_STATUS" = 0 ] || tap_bail "login ${account%:*}: exit $RUN_STATUS: $RUN_ERR"
done

# ---- controls: the same set-up with a good answer works, and what the
# cases below check (a cached token, stdout) does show up when it happens.
autograb_account c-good "$HS_URL/mode/good$TOKEN_PATH"
run_credring token c-good
tap_status "control: a valid AutoGrab answer: exit 0" 0
tap_like "control: the token is printed" "$RUN_OUT" '^[A-Za-z0-9_-]{64}$'
tap_is "control: the token is cached" "$(keyring_count c-good token)" 1
tap_is "control: keyring_total sees it (secret + token)" "$(keyring_total c-good)" 2
tap_is "control: nothing on stderr" "$RUN_ERR" ""
run_credring token c-good
tap_is "control: the second run is served from the cache" "$(hs_mode_count good)" 1

autograb_account c-bearer-upper "$HS_URL/mode/bearer-upper$TOKEN_PATH"
run_credring token c-bearer-upper
tap_status "control: token_type BEARER (case-insensitive): exit 0" 0
autograb_account c-under-cap "$HS_URL/mode/under-cap$TOKEN_PATH"
run_credring token c-under-cap
tap_status "control: a valid answer just under 1 MiB: exit 0" 0
autograb_account c-nested-ok "$HS_URL/mode/nested-ok$TOKEN_PATH"
run_credring token c-nested-ok
tap_status "control: a member nested 3 deep: exit 0" 0
ants_account c-ants-good "$HS_URL/mode/good-ants/oauth/token"
run_credring token c-ants-good
tap_status "control: a valid ANTS answer: exit 0" 0
tap_is "control: the ANTS token is cached" "$(keyring_count c-ants-good token)" 1

# ---- not a token at all
hostile_case "HTML with status 200" html200
hostile_case "HTML with status 200 and ESC in its Content-Type" html200-ctype-escape
hostile_case "{\"error\":...} with status 200" error200
hostile_case "{\"error\":...} with status 200, control characters in it" error200-control
tap_contains "error with status 200: the provider's text is shown (escaped)" "$RUN_ERR" \
	"visible-part"
hostile_case "truncated JSON" truncated
hostile_case "a body shorter than its Content-Length" short
hostile_case "an empty body with status 200" empty200
hostile_case "a JSON array with status 200" array200
hostile_case "a 404 HTML page" notfound-html

# ---- size and shape
hostile_case "a valid token padded past 1 MiB (Content-Length)" huge
hostile_case "a valid token padded past 1 MiB (chunked, no Content-Length)" huge-chunked
hostile_case "arrays nested 64 deep" deep
hostile_case "objects nested 64 deep" deep-object
hostile_case "a raw NUL byte after the JSON" nul-raw
hostile_case "a raw NUL byte inside the token string" nul-inside
hostile_case "a \\u0000 escape inside the token" nul-escaped
hostile_case "access_token twice" dup-token
hostile_case "expires_in twice" dup-expires

# ---- the token
hostile_case "token missing" token-missing
hostile_case "token empty" token-empty
hostile_case "token a number" token-number
hostile_case "token null" token-null
hostile_case "token an object" token-object
hostile_case "token holding LF" token-newline
hostile_case "token holding ESC and BEL" token-control
hostile_case "token holding DEL" token-del
hostile_case "token holding non-ASCII" token-nonascii

# ---- token_type
hostile_case "token_type mac" type-mac
hostile_case "token_type empty" type-empty
hostile_case "token_type a number" type-number
hostile_case "token_type Bearerx" type-bearer-prefix

# ---- expires_in
hostile_case "expires_in a string" expires-string
hostile_case "expires_in negative" expires-negative
hostile_case "expires_in zero" expires-zero
hostile_case "expires_in fractional" expires-fraction
hostile_case "expires_in 1e309" expires-1e309
hostile_case "expires_in 2^63" expires-2p63
hostile_case "expires_in 2^64 + 3599 (wraps to 3599 in 64 bits)" expires-2p64

# ---- an absolute expiry (ANTS: accessToken + accessTokenExpiresAt)
hostile_case "ANTS expiry in the past" ants-past 4 ants
hostile_case "ANTS expiry unparseable" ants-garbage 4 ants
hostile_case "ANTS expiry a number" ants-number 4 ants
hostile_case "ANTS expiry empty" ants-empty 4 ants
hostile_case "ANTS expiry on February 30" ants-bad-date 4 ants

# ---- redirects are not followed
hostile_case "302 to a valid token endpoint" redirect302
tap_is "302: the redirect was not followed" "$(hs_query "sum(1 for e in log if e['path'].startswith('/good/'))")" 0
hostile_case "307 to a valid token endpoint" redirect307
tap_is "307: the redirect was not followed" "$(hs_query "sum(1 for e in log if e['path'].startswith('/good/'))")" 0

# ---- a server that trickles: bounded by the account's total timeout
start=$(date +%s%N)
hostile_case "a body trickled a byte every 0.3 s (timeout = 2)" trickle 4 autograb timeout=2
ms=$(elapsed_ms "$start")
tap_timing_ok "trickled body: over in under 5 s (took $ms ms)" test "$ms" -lt 5000
start=$(date +%s%N)
hostile_case "headers trickled a byte every 0.3 s (timeout = 2)" trickle-headers 4 autograb \
	timeout=2
ms=$(elapsed_ms "$start")
tap_timing_ok "trickled headers: over in under 5 s (took $ms ms)" test "$ms" -lt 5000

# ---- what the provider says is escaped before it is printed
hostile_case "400 invalid_client with control characters" reject-control 3
tap_contains "400 with control characters: the provider's text is shown" "$RUN_ERR" "visible-part"
hostile_case "400 in ANTS's shape with control characters" reject-ants-control 3 ants
tap_contains "ANTS-shaped 400: the provider's text is shown" "$RUN_ERR" "visible-part"
hostile_case "400 whose error code holds LF" reject-key-control 3
hostile_case "400 with a 100 kB description" reject-long 3
tap_ok "100 kB description: the line is cut (under 1 KiB)" \
	test "$(wc -c <"$TEST_TMP/err")" -lt 1024
hostile_case "500 with control characters" server-error-control
tap_contains "500 with control characters: the provider's text is shown" "$RUN_ERR" "visible-part"

# ---- certificates: the trusted CA, but expired, not yet valid, or for
# another host. No request may get through.
# cert_from_ca NAME STARTDATE ENDDATE [SUBJECT-CN]: a certificate signed by
# the test CA with these dates (openssl 3.0's x509 cannot backdate; `ca`
# can), for 127.0.0.1 and localhost; with SUBJECT-CN, for that CN only (no
# subjectAltName).
cert_from_ca() {
	local d=$CA_DIR/dated cn=${4:-credring $1 test server} ext=ext
	[ $# -ge 4 ] && ext=ext_cn_only
	mkdir -p "$d/newcerts"
	[ -e "$d/index.txt" ] || { : >"$d/index.txt"; echo 01 >"$d/serial"; }
	cat >"$d/ca.cnf" <<-EOF
	[ca]
	default_ca = test_ca
	[test_ca]
	database = $d/index.txt
	new_certs_dir = $d/newcerts
	serial = $d/serial
	default_md = sha256
	policy = any
	unique_subject = no
	[any]
	commonName = supplied
	[ext]
	basicConstraints = critical,CA:FALSE
	keyUsage = critical,digitalSignature
	extendedKeyUsage = serverAuth
	subjectAltName = IP:127.0.0.1,DNS:localhost
	[ext_cn_only]
	basicConstraints = critical,CA:FALSE
	keyUsage = critical,digitalSignature
	extendedKeyUsage = serverAuth
	EOF
	openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-keyout "$CA_DIR/$1-key.pem" -out "$d/$1.csr" -utf8 -subj "/CN=$cn" \
		>>"$d/log" 2>&1 &&
		openssl ca -batch -config "$d/ca.cnf" -cert "$CA_DIR/ca.pem" -keyfile "$CA_DIR/ca-key.pem" \
			-in "$d/$1.csr" -out "$CA_DIR/$1.pem" -startdate "$2" -enddate "$3" \
			-extensions "$ext" -notext -utf8 >>"$d/log" 2>&1 ||
		{ cat "$d/log" >&2; tap_bail "cannot make the $1 certificate"; }
}
cert_from_ca expired 20200101000000Z 20200102000000Z
cert_from_ca future 20990101000000Z 20990102000000Z
# libcurl quotes the certificate's CN in its "does not match" error: a CN
# with ESC and LF in it is the server's text too.
cert_from_ca evil-cn 20200101000000Z 20990101000000Z \
	$'evil\x1b[31m.example\ncredring: forged line'
tap_like "the expired certificate is signed by the test CA and expired" \
	"$(openssl verify -CAfile "$CA_DIR/ca.pem" "$CA_DIR/expired.pem" 2>&1)" "certificate has expired"

# cert_case DESC CERT-NAME
cert_case() {
	local desc=$1 account=h-cert-$2
	start_hostile --cert "$CA_DIR/$2.pem" --key "$CA_DIR/$2-key.pem"
	autograb_account "$account" "$HS_URL$TOKEN_PATH"
	run_credring token "$account"
	tap_diag "$2: $(head -c 300 "$TEST_TMP/err" | cat -v)"
	assert_refused "$desc" "$account" 4
	tap_is "$desc: no request got through" "$(hs_query 'len(log)')" 0
}
cert_case "an expired certificate" expired
cert_case "a certificate not valid yet" future
cert_case "a certificate for wrong.example" wronghost-server
cert_case "a certificate for another host, ESC and LF in its CN" evil-cn

tap_done
