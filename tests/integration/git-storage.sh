#!/bin/bash
# git-credential-credring as a storage helper: with no accounts.conf at all,
# every request is kept and served from the Secret Service the way git's own
# git-credential-libsecret does it (schema org.git.Password; attributes user,
# server, port, protocol, object; the value is the password, then
# password_expiry_utc= and oauth_refresh_token= lines). Driven through the
# real `git credential fill/approve/reject`, and directly where git 2.39 does
# not pass a field on.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/git-lib.sh"

# No accounts file anywhere: not $CREDRING_CONFIG, not the XDG default.
rm -f "$CREDRING_CONFIG"
unset CREDRING_CONFIG
tap_ok "no accounts.conf in the XDG config directory" \
	test ! -e "${XDG_CONFIG_HOME:-$HOME/.config}/credring/accounts.conf"

# -- approve, then fill
git_cred approve $'protocol=https\nhost=git.example.com\nusername=alice\npassword=pw-1'
run_status_is "approve: exit 0" 0
tap_is "approve: silent (no accounts.conf is no problem)" "$RUN_ERR" ""
tap_is "approve: one item for the host in the keyring" "$(git_items server git.example.com)" 1
tap_is "approve: the item's attributes are libsecret's" \
	"$(git_item_attributes server git.example.com | tr '\n' ' ')" \
	"attribute.protocol = https attribute.server = git.example.com attribute.user = alice "
tap_is "approve: the item is of git's schema" "$(git_items xdg:schema org.git.Password server git.example.com)" 1

git_cred fill $'protocol=https\nhost=git.example.com'
run_status_is "fill: exit 0" 0
tap_is "fill: the stored username" "$(field username)" alice
tap_is "fill: the stored password" "$(field password)" pw-1
tap_is "fill: silent" "$RUN_ERR" ""

git_cred fill $'protocol=https\nhost=other.example.com'
run_failed "fill for a host with nothing stored: git fails (no prompt allowed)"
tap_is "fill for a host with nothing stored: no password" "$(field password)" "<none>"

git_cred fill $'protocol=http\nhost=git.example.com'
run_failed "fill with another protocol: nothing found"
tap_is "fill with another protocol: no password" "$(field password)" "<none>"

# -- overwrite: a new password for the same user and host replaces the old
git_cred approve $'protocol=https\nhost=git.example.com\nusername=alice\npassword=pw-2'
run_status_is "approve a new password: exit 0" 0
tap_is "approve a new password: still one item for the host" "$(git_items server git.example.com)" 1
git_cred fill $'protocol=https\nhost=git.example.com'
tap_is "fill after the overwrite: the new password" "$(field password)" pw-2

# -- several users per host
git_cred approve $'protocol=https\nhost=git.example.com\nusername=bob\npassword=pw-bob'
run_status_is "approve a second user on the host: exit 0" 0
tap_is "two users: two items for the host" "$(git_items server git.example.com)" 2
git_cred fill $'protocol=https\nhost=git.example.com\nusername=bob'
run_status_is "fill username=bob: exit 0" 0
tap_is "fill username=bob: bob's password" "$(field password)" pw-bob
git_cred fill $'protocol=https\nhost=git.example.com\nusername=alice'
tap_is "fill username=alice: alice's password" "$(field password)" pw-2
tap_is "fill username=alice: the username stays alice" "$(field username)" alice
git_cred fill $'protocol=https\nhost=git.example.com\nusername=carol'
run_failed "fill username=carol (not stored): git fails"
tap_is "fill username=carol: no password" "$(field password)" "<none>"

# -- erase with a password that is not the stored one: the item stays
git_cred reject $'protocol=https\nhost=git.example.com\nusername=alice\npassword=not-pw-2'
run_status_is "reject with a wrong password: exit 0" 0
tap_is "reject with a wrong password: alice's item stays" \
	"$(git_items server git.example.com user alice)" 1
git_cred fill $'protocol=https\nhost=git.example.com\nusername=alice'
tap_is "reject with a wrong password: fill still gives it" "$(field password)" pw-2

# -- erase by user: only that user's item goes
git_cred reject $'protocol=https\nhost=git.example.com\nusername=bob'
run_status_is "reject username=bob: exit 0" 0
tap_is "reject username=bob: bob's item is gone" "$(git_items server git.example.com user bob)" 0
tap_is "reject username=bob: alice's item stays" "$(git_items server git.example.com user alice)" 1
git_cred fill $'protocol=https\nhost=git.example.com\nusername=bob'
run_failed "fill username=bob after the reject: git fails"

# -- erase with the right password
git_cred reject $'protocol=https\nhost=git.example.com\nusername=alice\npassword=pw-2'
run_status_is "reject with the stored password: exit 0" 0
tap_is "reject with the stored password: the item is gone" "$(git_items server git.example.com)" 0

# -- erase by host: every user on that host, nothing elsewhere
for u in carol dave; do
	git_cred approve "protocol=https"$'\n'"host=hosted.example.org"$'\n'"username=$u"$'\n'"password=pw-$u"
done
git_cred approve $'protocol=https\nhost=kept.example.org\nusername=carol\npassword=pw-kept'
tap_is "erase by host: two users stored on the host" "$(git_items server hosted.example.org)" 2
git_cred reject $'protocol=https\nhost=hosted.example.org'
run_status_is "reject without username: exit 0" 0
tap_is "reject without username: every user on the host is gone" \
	"$(git_items server hosted.example.org)" 0
tap_is "reject without username: another host's item stays" \
	"$(git_items server kept.example.org)" 1
git_cred fill $'protocol=https\nhost=kept.example.org'
tap_is "the other host's password is still served" "$(field password)" pw-kept

# -- a port is kept apart from the server name, as libsecret does
git_cred approve $'protocol=https\nhost=port.example.net:8443\nusername=pat\npassword=pw-8443'
run_status_is "approve for host:port: exit 0" 0
tap_is "host:port: stored as server + integer port" \
	"$(git_item_attributes server port.example.net | tr '\n' ' ')" \
	"attribute.port = 8443 attribute.protocol = https attribute.server = port.example.net attribute.user = pat "
git_cred fill $'protocol=https\nhost=port.example.net:8443'
tap_is "fill for host:port: its password" "$(field password)" pw-8443
git_cred fill $'protocol=https\nhost=port.example.net:9443'
run_failed "fill for the same server on another port: nothing found"

# -- paths, with credential.useHttpPath
P=(-c credential.useHttpPath=true)
git_cred approve "url=https://paths.example.com/org/repo1.git"$'\n'"username=u1"$'\n'"password=pw-repo1" "${P[@]}"
run_status_is "approve with a path: exit 0" 0
git_cred approve "url=https://paths.example.com/org/repo2.git"$'\n'"username=u2"$'\n'"password=pw-repo2" "${P[@]}"
tap_is "the path is the item's object attribute" \
	"$(keyring_lookup server paths.example.com object org/repo1.git)" pw-repo1
git_cred fill "url=https://paths.example.com/org/repo1.git" "${P[@]}"
run_status_is "fill with a path: exit 0" 0
tap_is "fill repo1.git: repo1's credentials" "$(field username)/$(field password)" u1/pw-repo1
git_cred fill "url=https://paths.example.com/org/repo2.git" "${P[@]}"
tap_is "fill repo2.git: repo2's credentials" "$(field username)/$(field password)" u2/pw-repo2
git_cred fill "url=https://paths.example.com/org/repo3.git" "${P[@]}"
run_failed "fill repo3.git (nothing stored for that path): git fails"
# Without useHttpPath no path is stored (git drops it for http/https).
git_cred approve "url=https://nopath.example.com/org/repo1.git"$'\n'"username=np"$'\n'"password=pw-np"
tap_is "without useHttpPath: no object attribute" \
	"$(git_item_attributes server nopath.example.com | grep -c '^attribute\.object')" 0
git_cred fill "url=https://nopath.example.com/any/other.git"
tap_is "without useHttpPath: the host's password for any path" "$(field password)" pw-np

# -- empty username and password round-trip
git_cred approve $'protocol=https\nhost=empty.example.com\nusername=\npassword='
run_status_is "git approve with empty username and password: exit 0" 0
tap_is "empty username and password: stored" "$(git_items server empty.example.com)" 1
tap_is "empty username and password: an empty user attribute" \
	"$(git_item_attributes server empty.example.com | grep '^attribute\.user')" "attribute.user = "
git_cred fill $'protocol=https\nhost=empty.example.com'
run_status_is "git fill for it: exit 0 (served, not prompted for)" 0
tap_is "git fill: username= and password=, both empty" \
	"$(count_lines username):$(field username):$(count_lines password):$(field password)" "1::1:"
RUN_STDIN=$'protocol=https\nhost=empty2.example.com\nusername=\npassword=\n\n'
run_helper store
run_status_is "helper store, empty username and password: exit 0" 0
RUN_STDIN=$'protocol=https\nhost=empty2.example.com\n\n'
run_helper get
run_status_is "helper get: exit 0" 0
tap_ok "helper get: exactly username= and password=, empty" out_is $'username=\npassword=\n'

# -- a store without a password stores nothing (git never sends one, a tool might)
RUN_STDIN=$'protocol=https\nhost=nopw.example.com\nusername=u\n\n'
run_helper store
run_status_is "helper store without a password: exit 0" 0
tap_is "helper store without a password: nothing stored" "$(git_items server nopw.example.com)" 0

# -- password_expiry_utc and oauth_refresh_token (git 2.39 does not pass
#    them on, so the helper is driven directly)
expiry=$(($(date +%s) + 3600))
RUN_STDIN="protocol=https"$'\n'"host=oauth.example.com"$'\n'"username=olga"$'\n'"password=pw-oauth"$'\n'"password_expiry_utc=$expiry"$'\n'"oauth_refresh_token=rt-Zq9x7"$'\n\n'
run_helper store
run_status_is "store with expiry and refresh token: exit 0" 0
tap_is "store: nothing on stdout" "$RUN_OUT" ""
RUN_STDIN=$'protocol=https\nhost=oauth.example.com\n\n'
run_helper get
run_status_is "get: exit 0" 0
tap_is "get: the password" "$(field password)" pw-oauth
tap_is "get: the username" "$(field username)" olga
tap_is "get: password_expiry_utc round-trips" "$(field password_expiry_utc)" "$expiry"
tap_is "get: oauth_refresh_token round-trips" "$(field oauth_refresh_token)" rt-Zq9x7
keyring_lookup server oauth.example.com user olga >/dev/null
tap_ok "the secret value: the password line first, then the expiry and the refresh token" \
	cmp -s "$TEST_TMP/lookup" <(printf 'pw-oauth\npassword_expiry_utc=%s\noauth_refresh_token=rt-Zq9x7' "$expiry")
tap_lacks "the refresh token is not a (public) attribute" \
	"$(git_item_attributes server oauth.example.com)" rt-Zq9x7
tap_lacks "the expiry is not a (public) attribute" \
	"$(git_item_attributes server oauth.example.com)" "$expiry"
git_cred fill $'protocol=https\nhost=oauth.example.com'
tap_is "git 2.39 fill gets the plain password out of it" "$(field password)" pw-oauth

# An expired password is not served (gitstore.h).
RUN_STDIN=$'protocol=https\nhost=expired.example.com\nusername=ed\npassword=pw-old\npassword_expiry_utc=1000000000\n\n'
run_helper store
run_status_is "store an already expired password: exit 0" 0
RUN_STDIN=$'protocol=https\nhost=expired.example.com\n\n'
run_helper get
run_status_is "get for an expired password: exit 0" 0
tap_is "get for an expired password: nothing" "$RUN_OUT" ""

# -- interoperability with anything else using git's schema
printf '%s' pw-from-secret-tool |
	secret-tool store --label=x xdg:schema org.git.Password server interop.example.com \
		protocol https user ursula 2>/dev/null
tap_is "secret-tool stored an item" "$(git_items server interop.example.com)" 1
git_cred fill $'protocol=https\nhost=interop.example.com'
run_status_is "fill finds secret-tool's item: exit 0" 0
tap_is "fill finds secret-tool's item: its user" "$(field username)" ursula
tap_is "fill finds secret-tool's item: its password" "$(field password)" pw-from-secret-tool

# A password longer than a protocol line may be (another helper kept it, or
# git hands one over): a limit of credring's, said, exit 1 — never the usage
# error's 2, since git itself reads and writes lines of any length.
# (secret-tool stores at most 8 KiB: libsecret itself, as git's helper does.)
"$PYTHON" - <<'PY'
import gi
gi.require_version("Secret", "1")
from gi.repository import Secret
schema = Secret.Schema.new("org.git.Password", Secret.SchemaFlags.NONE,
                           {"server": Secret.SchemaAttributeType.STRING,
                            "protocol": Secret.SchemaAttributeType.STRING,
                            "user": Secret.SchemaAttributeType.STRING})
Secret.password_store_sync(schema, {"server": "long.example.com", "protocol": "https",
                                    "user": "lena"},
                           Secret.COLLECTION_DEFAULT, "x", "p" * 70000, None)
PY
tap_is "a password of 70,000 bytes is stored" "$(keyring_lookup server long.example.com | wc -c)" 70000
RUN_STDIN=$'protocol=https\nhost=long.example.com\n\n'
run_helper get
run_status_is "get of a stored password over the line limit: exit 1" 1
tap_contains "get of a stored password over the line limit: says so" "$RUN_ERR" \
	"cannot write 'password': the line would be longer than"
tap_is "get of a stored password over the line limit: nothing on stdout" "$RUN_OUT" ""
RUN_STDIN="protocol=https"$'\n'"host=long2.example.com"$'\n'"username=lena"$'\n'"password=$(head -c 70000 /dev/zero | tr '\0' p)"$'\n\n'
run_helper store
run_status_is "store of a password over the line limit: exit 1" 1
tap_contains "store of a password over the line limit: says so" "$RUN_ERR" "longer than"
tap_is "store of a password over the line limit: nothing stored" \
	"$(git_items server long2.example.com)" 0

git_cred approve $'protocol=https\nhost=interop2.example.com\nusername=victor\npassword=pw-for-secret-tool'
tap_is "secret-tool lookup server H user U finds what git approved" \
	"$(keyring_lookup server interop2.example.com user victor)" pw-for-secret-tool
tap_is "secret-tool lookup with the schema and protocol too" \
	"$(keyring_lookup xdg:schema org.git.Password protocol https server interop2.example.com user victor)" \
	pw-for-secret-tool

# git's own git-credential-libsecret, built from the contrib source git ships,
# when that source and a compiler are there.
LIBSECRET_SRC=/usr/share/doc/git/contrib/credential/libsecret/git-credential-libsecret.c
LIBSECRET_BIN=$TEST_TMP/git-credential-libsecret
if [ -r "$LIBSECRET_SRC" ] && command -v cc >/dev/null && pkg-config --exists libsecret-1 glib-2.0 &&
	timeout 120 cc -o "$LIBSECRET_BIN" "$LIBSECRET_SRC" \
		$(pkg-config --cflags --libs libsecret-1 glib-2.0) >"$TEST_TMP/cc.log" 2>&1; then
	# Before git 2.45 the helper kept items under libsecret's compat schema
	# (org.gnome.keyring.NetworkPassword) and searched only that one; since,
	# it is org.git.Password, matched by attributes alone, as credring does.
	if grep -q '"org.git.Password"' "$LIBSECRET_SRC"; then
		RUN_STDIN=$'protocol=https\nhost=interop2.example.com\n\n'
		_run_to_files "$LIBSECRET_BIN" get
		tap_is "git-credential-libsecret reads what credring stored" \
			"$(field username)/$(field password)" victor/pw-for-secret-tool
	else
		tap_skip "git-credential-libsecret reads what credring stored" \
			"this git's helper searches only the old compat schema"
	fi
	RUN_STDIN=$'protocol=https\nhost=interop3.example.com:8080\nusername=wendy\npassword=pw-libsecret\n\n'
	_run_to_files "$LIBSECRET_BIN" store
	git_cred fill $'protocol=https\nhost=interop3.example.com:8080'
	tap_is "credring reads what git-credential-libsecret stored (with a port)" \
		"$(field username)/$(field password)" wendy/pw-libsecret
	git_cred reject $'protocol=https\nhost=interop3.example.com:8080'
	RUN_STDIN=$'protocol=https\nhost=interop3.example.com:8080\n\n'
	_run_to_files "$LIBSECRET_BIN" get
	tap_is "what credring erased is gone for git-credential-libsecret too" "$RUN_OUT" ""
else
	tap_skip "git-credential-libsecret reads what credring stored" "cannot build git's contrib helper"
	tap_skip "credring reads what git-credential-libsecret stored (with a port)" "idem"
	tap_skip "what credring erased is gone for git-credential-libsecret too" "idem"
fi

# -- the helper never says anything on stderr when all is well, and no
#    secret ever
RUN_STDIN=$'protocol=https\nhost=oauth.example.com\n\n'
run_helper get
tap_is "a successful get: nothing on stderr" "$RUN_ERR" ""

tap_done
