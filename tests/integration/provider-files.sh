#!/bin/bash
# Provider files (examples/providers/*.conf) instead of compiled plugins:
# each of the four seed providers, described in a key file, against the
# same strict emulator as its plugin — one of each body/auth combination:
# form+Basic (autograb), form+body (ants), JSON+body (dataloy) and the
# password grant (acaengine).  The requests must be the compiled plugins'
# byte for byte: the emulator logs a digest of each request (all but Host
# and Content-Length, which the port and body decide) and the two digests
# are compared; so are the two --dry-run outputs.
. "$(dirname "$0")/lib.sh"

COMPILED=$CREDRING_PLUGIN_DIR
NO_PLUGINS=$TEST_TMP/no-plugins
mkdir -m 755 "$NO_PLUGINS"
PROVIDERS_DIR=$XDG_CONFIG_HOME/credring/providers
mkdir -p "$PROVIDERS_DIR"
chmod 755 "$XDG_CONFIG_HOME/credring" "$PROVIDERS_DIR"
for f in "$abs_top_srcdir"/examples/providers/*.conf; do
	install -m 644 "$f" "$PROVIDERS_DIR/"
done

# with_plugins DIR CMD...: CMD with CREDRING_PLUGIN_DIR=DIR.
with_plugins() {
	local dir=$1 saved=$CREDRING_PLUGIN_DIR
	shift
	CREDRING_PLUGIN_DIR=$dir
	"$@"
	CREDRING_PLUGIN_DIR=$saved
}

# -- every provider comes from its file when no plugin is there
with_plugins "$NO_PLUGINS" run_credring providers
tap_status "providers (files only): exit 0" 0
for p in acaengine ants autograb dataloy; do
	tap_contains "providers lists $p from its file" "$RUN_OUT" \
		"from: $PROVIDERS_DIR/$p.conf (provider file)"
done
tap_is "providers (files only): no warning" "$RUN_ERR" ""

# -- with the plugins there too, they win, and say so
run_credring providers
tap_status "providers (both): exit 0" 0
tap_contains "providers (both): ants is the plugin" "$RUN_OUT" "from: $COMPILED/ants.so (compiled plugin)"
tap_contains "providers (both): the file is named as overridden" "$RUN_ERR" \
	"warning: $PROVIDERS_DIR/ants.conf: ignored: the compiled plugin $COMPILED/ants.so has the same name"

# provider_case NAME LIFETIME EMULATOR-ARGS -- ACCOUNT-KEYS -- GOOD-INPUT BAD-INPUT MESSAGE
provider_case() {
	local name=$1 lifetime=$2 emu=() keys=() good bad message acct digest_file digest_plugin first
	shift 2
	while [ "$1" != -- ]; do emu+=("$1"); shift; done
	shift
	while [ "$1" != -- ]; do keys+=("$1"); shift; done
	shift
	good=$1 bad=$2 message=$3
	acct=$name-file

	start_emulator "$name" "${emu[@]}"
	write_account "$acct" provider="$name" token_url="$EMU_TOKEN_URL" ca_file="$CA_DIR/ca.pem" \
		"${keys[@]}"

	with_plugins "$NO_PLUGINS" login "$acct" "$good"
	tap_status "$name file: login: exit 0" 0
	tap_is "$name file: the strict emulator accepted the request" "$(emulator_last ok)" true
	first=$(emulator_last token)
	digest_file=$(emulator_last request_digest)
	with_plugins "$NO_PLUGINS" run_credring token "$acct"
	tap_ok "$name file: token from the cache" out_is "$first"$'\n'
	tap_is "$name file: no second request" "$(emulator_request_count)" 1
	with_plugins "$NO_PLUGINS" run_credring token "$acct" --format json
	tap_is "$name file: the expiry read as the file says" \
		"$(check_token_json "$TEST_TMP/out" "$first" "$acct" "$name" "$lifetime")" ok

	# The same account through the compiled plugin: the same request.
	run_credring token "$acct" --force-refresh
	tap_status "$name plugin: token --force-refresh: exit 0" 0
	digest_plugin=$(emulator_last request_digest)
	tap_like "$name: the emulator logged a request digest" "$digest_file" '^[0-9a-f]{64}$'
	tap_is "$name: the file's request is the plugin's, byte for byte" "$digest_file" "$digest_plugin"
	run_credring token "$acct" --dry-run
	local dry_plugin=$RUN_OUT
	with_plugins "$NO_PLUGINS" run_credring token "$acct" --dry-run
	tap_is "$name: the same --dry-run output" "$RUN_OUT" "$dry_plugin"

	# A wrong secret: the provider's words, nothing kept.
	write_account "$acct-bad" provider="$name" token_url="$EMU_TOKEN_URL" \
		ca_file="$CA_DIR/ca.pem" "${keys[@]}"
	with_plugins "$NO_PLUGINS" login "$acct-bad" "$bad"
	tap_status "$name file: wrong secret: exit 3" 3
	tap_contains "$name file: wrong secret: the provider's message" "$RUN_ERR" "$message"
	tap_is "$name file: wrong secret: nothing stored" "$(keyring_count "$acct-bad")" 0
}

provider_case autograb 3599 --client-id ag+1 --client-secret='s3:cr/t+ %2F' -- \
	client_id=ag+1 -- "client_secret=s3:cr/t+ %2F"$'\n' "client_secret=nope"$'\n' \
	"Invalid client credentials"
provider_case ants 3600 --client-id ants-1 --client-secret='a&b=c+d %e' --scope item,event -- \
	client_id=ants-1 scope=item,event -- "client_secret=a&b=c+d %e"$'\n' \
	"client_secret=nope"$'\n' "Invalid client: client is invalid"
provider_case dataloy 86400 --client-id dl-1 --client-secret='q"uo\te/é' \
	--audience https://dataloy.dev -- client_id=dl-1 audience=https://dataloy.dev -- \
	"client_secret=q\"uo\\te/é"$'\n' "client_secret=nope"$'\n' "Invalid client credentials."
provider_case acaengine 7200 --client-id aca-1 --client-secret='c&s=1' \
	--username 'bob+x@example.com' --password='p w&d=é' --authority sgrp-1 -- \
	client_id=aca-1 'username=bob+x@example.com' authority=sgrp-1 -- \
	"client_secret=c&s=1"$'\n'"password=p w&d=é"$'\n' \
	"client_secret=c&s=1"$'\n'"password=wrong"$'\n' "The provided authorization grant is invalid"

# -- basic-raw: the Basic pair as bytes, for servers that do not form-decode it
SECRET='raw:s3c/r+t %2F'
start_emulator autograb --basic-raw --client-id raw+id --client-secret="$SECRET"
cat >"$PROVIDERS_DIR/rawbasic.conf" <<'CONF'
[provider]
description = AutoGrab-like API that takes the Basic pair as it is
grant = client_credentials
client_auth = basic-raw
body = form
CONF
write_account raw provider=rawbasic token_url="$EMU_TOKEN_URL" ca_file="$CA_DIR/ca.pem" client_id=raw+id
login raw "client_secret=$SECRET"$'\n'
tap_status "basic-raw: login against a raw-Basic server: exit 0" 0
tap_is "basic-raw: accepted" "$(emulator_last ok)" true
# The RFC 6749 encoding is not what that server reads: the difference is real.
write_account raw-rfc provider=autograb token_url="$EMU_TOKEN_URL" ca_file="$CA_DIR/ca.pem" client_id=raw+id
login raw-rfc "client_secret=$SECRET"$'\n'
tap_status "basic (form-encoded pair) against a raw-Basic server: exit 3" 3

# An edited provider file changes what a cached token was issued for: its
# tokens are not served any more.
n=$(emulator_request_count)
run_credring token raw
tap_is "cached token of a provider file: served (no request)" "$(emulator_request_count)" "$n"
sed -i 's/^description = .*/description = The same provider, described in other words/' \
	"$PROVIDERS_DIR/rawbasic.conf"
run_credring token raw
tap_is "a new description changes no request: still served" "$(emulator_request_count)" "$n"
printf 'token_url = %s\n' "$EMU_TOKEN_URL" >>"$PROVIDERS_DIR/rawbasic.conf"
run_credring token raw
tap_status "an edited provider file: exit 0" 0
tap_is "an edited provider file: its old token is not served, a new one is fetched" \
	"$(emulator_request_count)" $((n + 1))

# basic-raw cannot carry a client id with ':' (the server splits there).
write_account raw-colon provider=rawbasic token_url="$EMU_TOKEN_URL" ca_file="$CA_DIR/ca.pem" \
	client_id=raw:id
run_credring token raw-colon --dry-run
tap_status "basic-raw with ':' in the client id: exit 2" 2
tap_contains "basic-raw with ':' in the client id: says why" "$RUN_ERR" "cannot travel in HTTP Basic"

# -- a broken provider file: one clear line naming file, line and key
cat >"$PROVIDERS_DIR/broken.conf" <<'CONF'
[provider]
description = A provider file with a typo
grant = client-credentials
client_auth = body
body = form
CONF
write_account uses-broken provider=broken client_id=x token_url=https://auth.example/token
run_credring token uses-broken
tap_status "token with a broken provider file: exit 2" 2
tap_is "broken provider file: one line" "$RUN_ERR_LINES" 1
tap_contains "broken provider file: file, line and key" "$RUN_ERR" \
	"$PROVIDERS_DIR/broken.conf:3: key 'grant': 'client-credentials' is not one of client_credentials, password"
run_credring providers
tap_status "providers with a broken file: exit 0 (the others still listed)" 0
tap_contains "providers with a broken file: warns about it" "$RUN_ERR" "broken.conf:3: key 'grant'"
tap_contains "providers with a broken file: lists the others" "$RUN_OUT" "rawbasic"

# -- a provider file others may write decides where secrets go: refused
chmod 664 "$PROVIDERS_DIR/rawbasic.conf"
run_credring token raw
tap_status "group-writable provider file: exit 2" 2
tap_contains "group-writable provider file: says why" "$RUN_ERR" "group- or world-writable"
chmod 644 "$PROVIDERS_DIR/rawbasic.conf"

# -- every directory on the way is checked, up to /: whoever may write one
# could swap what is below it between the check and the load.  A plugin, a
# provider file and the fetch module below a world-writable directory.
SHARED=$TEST_TMP/shared
mkdir -m 755 "$SHARED" "$SHARED/plugins" "$SHARED/providers" "$SHARED/lib"
install -m 755 "$COMPILED/ants.so" "$SHARED/plugins/"
install -m 644 "$PROVIDERS_DIR/rawbasic.conf" "$SHARED/providers/shared.conf"
install -m 755 "$CREDRING_FETCH_MODULE" "$SHARED/lib/"
chmod 777 "$SHARED"
with_plugins "$SHARED/plugins" run_credring providers --describe ants
tap_status "plugin below a world-writable directory: exit 2" 2
tap_contains "plugin below a world-writable directory: names both" "$RUN_ERR" \
	"$SHARED: refused: group- or world-writable (on the path to $SHARED/plugins/ants.so)"
saved_provider_dir=$CREDRING_PROVIDER_DIR
CREDRING_PROVIDER_DIR=$SHARED/providers
with_plugins "$NO_PLUGINS" run_credring providers --describe shared
CREDRING_PROVIDER_DIR=$saved_provider_dir
tap_status "provider file below a world-writable directory: exit 2" 2
tap_contains "provider file below a world-writable directory: names both" "$RUN_ERR" \
	"$SHARED: refused: group- or world-writable (on the path to $SHARED/providers/shared.conf)"
CREDRING_FETCH_MODULE=$SHARED/lib/fetch.so run_credring token raw --force-refresh
tap_status "fetch module below a world-writable directory: exit 1" 1
tap_contains "fetch module below a world-writable directory: names both" "$RUN_ERR" \
	"credring is not installed right: $SHARED: refused: group- or world-writable (on the path to $SHARED/lib/fetch.so)"
chmod 755 "$SHARED"
with_plugins "$SHARED/plugins" run_credring providers --describe ants
tap_status "the same plugin, the directory fixed: exit 0" 0

tap_done
