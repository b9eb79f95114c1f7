#!/bin/bash
# A provider file of four lines: its issuer's metadata (RFC 8414, OpenID
# Connect Discovery) gives the endpoints, checked (RFC 8414 §3.3) and kept
# in $XDG_CACHE_HOME/credring/discovery/, which is read, not trusted: a file
# someone else may write, a damaged one or an expired one is fetched again.
. "$(dirname "$0")/lib.sh"

cache_dir=$XDG_CACHE_HOME/credring/discovery
# cache_file ISSUER: where its metadata is kept.
cache_file() { printf '%s/%s.json' "$cache_dir" "$(printf '%s' "$1" | sha256sum | cut -d' ' -f1)"; }
# cache_expiry ISSUER: the expiry stored in its cache file.
cache_expiry() {
	"$PYTHON" -c 'import json, sys; print(json.load(open(sys.argv[1]))["expires_at"])' \
		"$(cache_file "$1")"
}
# kept_for LIFETIME EXPIRY: whether EXPIRY is LIFETIME seconds after some
# moment between $asked (before the run that fetched the metadata) and now
# (after it): exact however slowly the run went (valgrind).
kept_for() {
	local now
	now=$(date +%s)
	[ "$2" -ge $((asked + $1 - 1)) ] && [ "$2" -le $((now + $1)) ]
}
# set_cache_expiry ISSUER UNIX-SECONDS: as if that much time had passed.
set_cache_expiry() {
	"$PYTHON" - "$(cache_file "$1")" "$2" <<'EOF'
import json, os, sys
path, expiry = sys.argv[1], int(sys.argv[2])
doc = json.load(open(path))
doc["expires_at"] = expiry
with open(path, "w") as f:   # the same file: owner and mode stay
    json.dump(doc, f)
EOF
}
metadata_requests() { as_stat 's["metadata"]'; }
token_requests() { as_stat 's["device_authorization"] + sum(s["token"].values())'; }

# ---- four lines: sign in with endpoints from the metadata -------------------

start_auth_server --device-interval 1
write_issuer_provider oidc "$AS_URL" client_auth=none
write_account dev provider=oidc client_id=test-client ca_file="$CA_DIR/ca.pem"
tap_is "the provider file is four lines" "$(grep -c '' "$XDG_CONFIG_HOME/credring/providers/oidc.conf")" 4

run_credring providers --describe oidc
tap_status "providers --describe, not yet discovered: exit 0" 0
tap_contains "providers --describe: says where the endpoints come from" "$RUN_OUT" \
	"issuer: $AS_URL (endpoints discovered at first use)"
tap_lacks "providers --describe: no token_url asked of accounts" \
	"$(grep 'required account keys' <<<"$RUN_OUT")" token_url
tap_is "providers --describe: the issuer is not asked yet" "$(metadata_requests)" 0

asked=$(date +%s)
sign_in_with_code dev approve
tap_status "login --device: exit 0" 0
tap_contains "login --device: signed in" "$RUN_OUT" "dev: signed in"
tap_is "login --device: the metadata asked for once" "$(metadata_requests)" 1
tap_is "login --device: at RFC 8414's place" \
	"$(grep -c '"path": "/.well-known/oauth-authorization-server"' "$AS_LOG")" 1
tap_is "login --device: the device endpoint of the metadata was used" \
	"$(as_stat 's["device_authorization"]')" 1
tap_is "login --device: and its token endpoint" \
	"$(grep '"path": "/oauth/token"' "$AS_LOG" | grep -c '"status": 200')" 1
tap_is "login --device: a public client, as the file says" \
	"$(grep '"path": "/oauth/token"' "$AS_LOG" | grep -vc '"client_auth": "none"')" 0
cache=$(cache_file "$AS_URL")
tap_ok "the metadata is cached" test -f "$cache"
tap_is "the cache file: mode 600" "$(stat -c %a "$cache")" 600
tap_is "the cache directory: mode 700" "$(stat -c %a "$cache_dir")" 700
expiry=$(cache_expiry "$AS_URL")
tap_ok "kept for a day without Cache-Control ($((expiry - $(date +%s))) s left)" \
	kept_for 86400 "$expiry"

# status reads the endpoints from the cache (it never asks the issuer).
run_credring status dev
tap_status "status: exit 0" 0
tap_lacks "status: no problem with the account" "$RUN_OUT" "problem:"
tap_contains "status: a public client, as the file says" "$RUN_OUT" \
	"client secret: none needed (a public client)"
tap_contains "status: the token is valid" "$RUN_OUT" "token: valid until"
tap_is "status: the issuer not asked" "$(metadata_requests)" 1

run_credring token dev
tap_status "token: exit 0" 0
tap_is "token: a live token" \
	"$(as_hook GET /_emulator/check -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $RUN_OUT")" 200
tap_is "token: the endpoints from the discovery cache, not asked again" "$(metadata_requests)" 1

# The hot path: a fresh cache is one file read; the fetch module stays unloaded.
LD_DEBUG=files timeout 60 "${CREDRING_WRAP[@]}" "$CREDRING" token dev >/dev/null 2>"$TEST_TMP/ld.log"
tap_is "cached token, fresh cache: fetch.so not loaded" "$(grep -c 'file=[^ ]*fetch\.so' "$TEST_TMP/ld.log")" 0
tap_is "cached token, fresh cache: libcurl not loaded" "$(grep -c 'file=[^ ]*libcurl' "$TEST_TMP/ld.log")" 0

run_credring token dev --force-refresh
tap_status "force refresh: exit 0" 0
tap_is "force refresh: through the discovered token endpoint" "$(as_stat 's["token"]["refresh_token"]')" 1

# git's helper finds the account by the origin of its discovered token URL.
printf 'protocol=https\nhost=127.0.0.1:%s\npath=api\n\n' "$AS_PORT" |
	timeout 60 "${CREDRING_WRAP[@]}" "$abs_top_builddir/helpers/git-credential-credring" get \
		>"$TEST_TMP/git.out" 2>"$TEST_TMP/git.err"
tap_contains "git get: the account of the discovered token URL answers" \
	"$(cat "$TEST_TMP/git.out")" "password="

# ---- the cache is not trusted ---------------------------------------------

n=$(metadata_requests)
printf '{"expires_at": %s, "metadata": {"issuer": "%s", "token_endpoint": "https://attacker.example/token"' \
	$(($(date +%s) + 3600)) "$AS_URL" >"$cache"   # cut short
run_credring token dev --force-refresh
tap_status "damaged cache: exit 0" 0
tap_is "damaged cache: the metadata fetched again" "$(metadata_requests)" $((n + 1))
tap_ok "damaged cache: replaced" "$PYTHON" -c 'import json, sys; json.load(open(sys.argv[1]))' "$cache"

# Valid JSON whose endpoint is not the server's: only a writer other than
# credring could have put it there, so a group-writable file is not read.
"$PYTHON" - "$cache" <<'EOF'
import json, sys
doc = json.load(open(sys.argv[1]))
doc["metadata"]["token_endpoint"] = "https://attacker.example/token"
json.dump(doc, open(sys.argv[1], "w"))
EOF
chmod 620 "$cache"
n=$(metadata_requests)
run_credring token dev --force-refresh
tap_status "group-writable cache: exit 0" 0
tap_is "group-writable cache: not read, the metadata fetched again" "$(metadata_requests)" $((n + 1))
tap_is "group-writable cache: replaced, mode 600" "$(stat -c %a "$cache")" 600
tap_lacks "group-writable cache: its endpoint gone" "$(cat "$cache")" attacker.example

set_cache_expiry "$AS_URL" $(($(date +%s) - 1))
n=$(metadata_requests)
run_credring token dev
tap_status "expired cache: exit 0" 0
tap_is "expired cache: the metadata fetched again" "$(metadata_requests)" $((n + 1))
tap_ok "expired cache: a new expiry" test "$(cache_expiry "$AS_URL")" -gt "$(date +%s)"
run_credring token dev
tap_is "after that: from the cache again" "$(metadata_requests)" $((n + 1))

# The issuer out of reach: what it said last (expired, but sound) still
# serves the token in the keyring; an unsafe cache file never does.
set_cache_expiry "$AS_URL" $(($(date +%s) - 1))
stop_emulator "$AS_PID"
run_credring token dev
tap_status "issuer down, expired cache: the cached token still served" 0
tap_is "issuer down, expired cache: one line of output, the token" "$(grep -c '' "$TEST_TMP/out")" 1
chmod 620 "$cache"
run_credring token dev
tap_status "issuer down, expired group-writable cache: not used, exit 4" 4
tap_contains "issuer down: says it cannot reach the issuer" "$RUN_ERR" \
	"oidc.conf: issuer $AS_URL: cannot reach $AS_URL/.well-known/oauth-authorization-server"

# logout --all with the issuer out of reach and nothing cached: the refresh
# token cannot be revoked, and that is said, with the status of why.
rm -f "$cache"
tap_is "issuer down, no cache: a refresh token is stored" "$(keyring_count dev refresh_token)" 1
run_credring status dev
tap_status "status, nothing cached: exit 0" 0
tap_contains "status, nothing cached: the endpoints wait for the issuer" "$RUN_OUT" \
	"problem: its endpoints are not known until its issuer $AS_URL is asked (the next token request does)"
run_credring logout dev --all
tap_status "logout --all, issuer down, no cache: exit 4" 4
tap_contains "logout --all, issuer down, no cache: says it was not revoked, and why" "$RUN_ERR" \
	"credring: dev: the refresh token was not revoked at the provider: $XDG_CONFIG_HOME/credring/providers/oidc.conf: issuer $AS_URL: cannot reach $AS_URL/.well-known/oauth-authorization-server"
tap_contains "logout --all, issuer down, no cache: dropped here all the same" "$RUN_ERR" \
	"(it is dropped here)"
tap_is "logout --all, issuer down, no cache: one line" "$RUN_ERR_LINES" 1
tap_contains "logout --all, issuer down, no cache: says what it dropped" "$RUN_OUT" \
	"dev: cached token and stored secrets dropped"
tap_is "logout --all, issuer down, no cache: nothing of the account left" "$(keyring_count dev)" 0

# ---- an issuer with a path; Cache-Control -------------------------------------

start_auth_server --device-interval 1 --issuer-path /tenant1 --metadata-cache-control 'public, max-age=120'
write_issuer_provider tenant "$AS_URL/tenant1" client_auth=none
write_account t1 provider=tenant client_id=test-client ca_file="$CA_DIR/ca.pem"
asked=$(date +%s)
sign_in_with_code t1 approve
tap_status "issuer with a path: login --device: exit 0" 0
tap_is "issuer with a path: RFC 8414 §3.1's place, the path after the well-known segment" \
	"$(grep -c '"path": "/.well-known/oauth-authorization-server/tenant1"' "$AS_LOG")" 1
expiry=$(cache_expiry "$AS_URL/tenant1")
tap_ok "max-age=120: kept two minutes ($((expiry - $(date +%s))) s left)" kept_for 120 "$expiry"

# logout --all finds the revocation endpoint where token does: in the metadata.
n=$(as_stat 's["revoke"]')
run_credring logout t1 --all
tap_status "logout --all, endpoints discovered: exit 0" 0
tap_contains "logout --all, endpoints discovered: says it revoked" "$RUN_OUT" \
	"t1: cached token and stored secrets dropped; refresh token revoked"
tap_is "logout --all, endpoints discovered: at the discovered revocation endpoint" \
	"$(as_stat 's["revoke"]')" $((n + 1))
tap_is "logout --all, endpoints discovered: no live refresh token left there" \
	"$(as_current_refresh_token)" ""

# OpenID Connect Discovery's place when RFC 8414's has nothing.
start_auth_server --device-interval 1 --issuer-path /tenant2 --metadata-at openid \
	--metadata-cache-control no-store
write_issuer_provider oidc2 "$AS_URL/tenant2" client_auth=none
write_account t2 provider=oidc2 client_id=test-client ca_file="$CA_DIR/ca.pem"
asked=$(date +%s)
sign_in_with_code t2 approve
tap_status "OpenID Connect Discovery: login --device: exit 0" 0
tap_is "OpenID Connect Discovery: asked at /tenant2/.well-known/openid-configuration" \
	"$(grep -c '"path": "/tenant2/.well-known/openid-configuration"' "$AS_LOG")" 1
expiry=$(cache_expiry "$AS_URL/tenant2")
tap_ok "no-store: kept the least, a minute ($((expiry - $(date +%s))) s left)" kept_for 60 "$expiry"

# ---- servers that answer wrongly: exit 4, nothing sent -----------------------

start_auth_server --wrong-issuer-in-metadata
write_issuer_provider wrong "$AS_URL" client_auth=none
write_account w provider=wrong client_id=test-client ca_file="$CA_DIR/ca.pem"
run_credring login w --device
tap_status "metadata of another issuer: exit 4" 4
tap_contains "metadata of another issuer: says so" "$RUN_ERR" \
	"names the issuer '$AS_URL/not-this-issuer', not $AS_URL (RFC 8414 §3.3)"
tap_contains "metadata of another issuer: names the provider file" "$RUN_ERR" \
	"$XDG_CONFIG_HOME/credring/providers/wrong.conf: issuer $AS_URL:"
tap_is "metadata of another issuer: one line" "$RUN_ERR_LINES" 1
tap_is "metadata of another issuer: nothing sent to its endpoints" "$(token_requests)" 0
tap_ok "metadata of another issuer: nothing cached" test ! -e "$(cache_file "$AS_URL")"
run_credring token w
tap_status "metadata of another issuer, token: exit 4" 4

start_auth_server --no-metadata
write_issuer_provider none "$AS_URL" client_auth=none
write_account nm provider=none client_id=test-client ca_file="$CA_DIR/ca.pem"
run_credring login nm --device
tap_status "no metadata: exit 4" 4
tap_contains "no metadata: says where it looked" "$RUN_ERR" \
	"no metadata at $AS_URL/.well-known/oauth-authorization-server nor at $AS_URL/.well-known/openid-configuration"
tap_is "no metadata: one line" "$RUN_ERR_LINES" 1
tap_is "no metadata: nothing sent" "$(token_requests)" 0

# The test CA is trusted only through ca_file: without it, TLS fails.
start_auth_server
write_issuer_provider untrusted "$AS_URL" client_auth=none
write_account noca provider=untrusted client_id=test-client
run_credring token noca
tap_status "metadata over TLS the account does not trust: exit 4" 4
tap_contains "metadata over TLS the account does not trust: names the place" "$RUN_ERR" \
	"cannot reach $AS_URL/.well-known/oauth-authorization-server"
tap_is "metadata over TLS the account does not trust: one line" "$RUN_ERR_LINES" 1

# ---- what the file names wins; a file that names everything never asks -----

start_auth_server --device-interval 1
write_signin_provider named none "device_code;authorization_code" issuer="$AS_URL"
write_account named provider=named client_id=test-client ca_file="$CA_DIR/ca.pem"
sign_in_with_code named approve
tap_status "endpoints named in the file: login --device: exit 0" 0
tap_is "endpoints named in the file: the metadata never asked for" "$(metadata_requests)" 0

# The file's token URL (one the server does not have) wins over the metadata's.
write_issuer_provider half "$AS_URL" client_auth=none token_url="$AS_URL/oauth/nowhere"
write_account half provider=half client_id=test-client ca_file="$CA_DIR/ca.pem"
n=$(as_stat 's["device_authorization"]')
sign_in_with_code half approve
tap_status "token_url named, the rest discovered: exit 4 (the server has no such path)" 4
tap_contains "token_url named: the file's was asked" "$RUN_ERR" "no such path: /oauth/nowhere"
tap_is "token_url named: the device endpoint came from the metadata" \
	"$(as_stat 's["device_authorization"]')" $((n + 1))
tap_is "token_url named: the metadata asked for" "$(metadata_requests)" 1

# ---- a bad issuer in the file: exit 2 -------------------------------------------

write_issuer_provider plain "http://127.0.0.1:$AS_PORT" client_auth=none
write_account plain provider=plain client_id=test-client ca_file="$CA_DIR/ca.pem"
n=$(metadata_requests)
run_credring token plain
tap_status "an http issuer: exit 2" 2
tap_contains "an http issuer: names the key and the rule" "$RUN_ERR" \
	"plain.conf:3: key 'issuer': 'http://127.0.0.1:$AS_PORT' is not an https URL"
tap_is "an http issuer: one line" "$RUN_ERR_LINES" 1
tap_is "an http issuer: nothing asked" "$(metadata_requests)" "$n"

tap_done
