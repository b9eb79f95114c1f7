#!/bin/bash
# A real `git clone` and `git fetch` over HTTP with credential.helper=credring:
# tests/integration/git-front.py serves a bare repository through
# git-http-backend on 127.0.0.1 and takes as password only a token that the
# AutoGrab emulator issued and has not revoked. The token comes from the
# emulator through credring; when the provider revokes it, git's next fetch
# fails once (git erases the refused token), and the one after that gets a
# fresh token and the new commit.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/git-lib.sh"

[ -x /usr/lib/git-core/git-http-backend ] || tap_bail "no /usr/lib/git-core/git-http-backend"

SECRET='git-cl1ent-s3cret'
start_emulator autograb --client-id git-client --client-secret="$SECRET"

# -- the server side: a bare repository with one commit
SRV=$TEST_TMP/srv
WORK=$TEST_TMP/work
CLONE=$TEST_TMP/clone
git init -q --bare "$SRV/repo.git" || tap_bail "git init --bare failed"
git init -q "$WORK" || tap_bail "git init failed"
echo one >"$WORK/file"
git -C "$WORK" add file && git -C "$WORK" commit -q -m one || tap_bail "commit failed"
git -C "$WORK" push -q "$SRV/repo.git" main || tap_bail "push to the bare repository failed"
C1=$(git -C "$SRV/repo.git" rev-parse main)

start_git_front "$SRV" "$EMU_URL/_emulator/check"
write_account gitsrv provider=autograb token_url="$EMU_TOKEN_URL" ca_file="$CA_DIR/ca.pem" \
	client_id=git-client url="$FRONT_URL"
login gitsrv "client_secret=$SECRET"$'\n' --no-verify
tap_status "setup: login --no-verify" 0

# -- controls: the front refuses no credentials and a token it does not know
run_git -c credential.helper= ls-remote "$FRONT_URL/repo.git"
run_failed "control: without credring, git gets nowhere"
tap_is "control: the front said 401 to a request without credentials" \
	"$(front_requests auth='"none"' status=401)" 1
run_git -c credential.helper= ls-remote "http://git-client:not-a-token@127.0.0.1:$FRONT_PORT/repo.git"
run_failed "control: an unknown token is refused"
tap_is "control: the front checked it and said 401" \
	"$(front_requests auth='"basic"' token_ok=false status=401)" 1
tap_is "control: no token issued so far" "$(emulator_issued_count)" 0

# -- clone
run_git clone -q "$FRONT_URL/repo.git" "$CLONE"
run_status_is "clone: exit 0" 0
tap_is "clone: the repository's commit" "$(git -C "$CLONE" rev-parse HEAD 2>/dev/null)" "$C1"
tap_is "clone: the file" "$(cat "$CLONE/file" 2>/dev/null)" one
tap_is "clone: the emulator issued exactly one token" "$(emulator_issued_count)" 1
T1=$(emulator_last token)
tap_isnt "clone: the front served requests with a live token" \
	"$(front_requests auth='"basic"' token_ok=true status=200)" 0
tap_is "clone: as user git-client (the account's client_id)" \
	"$(front_requests user='"git-client"' token_ok=true)" \
	"$(front_requests token_ok=true)"
no_leak=0
[[ $RUN_OUT$RUN_ERR == *"$T1"* || $RUN_OUT$RUN_ERR == *"$SECRET"* ]] && no_leak=1
_tap_result $no_leak "clone: no token or secret in git's output"
tap_is "clone: nothing stored as a git item (store is nothing to do)" "$(all_git_items)" 0
run_credring token gitsrv
tap_ok "clone: the token is credring's cached token" out_is "$T1"$'\n'

# -- the provider revokes every token; the server gets a new commit
tap_is "revoke-all: 204" "$(emulator_call POST /_emulator/revoke-all)" 204
tap_is "revoke-all: the clone's token is dead now" "$(emulator_call GET /_emulator/check "$T1")" 401
echo two >"$WORK/file"
git -C "$WORK" commit -q -a -m two && git -C "$WORK" push -q "$SRV/repo.git" main ||
	tap_bail "pushing the second commit failed"
C2=$(git -C "$SRV/repo.git" rev-parse main)

# -- the first fetch fails: the cached token is refused, git erases it
refused=$(front_requests auth='"basic"' token_ok=false status=401)
run_git -C "$CLONE" fetch -q origin
run_failed "fetch with the revoked token: fails"
tap_contains "fetch with the revoked token: git says the authentication failed" \
	"$RUN_ERR" "Authentication failed"
tap_is "fetch with the revoked token: the front checked it once and refused it" \
	"$(front_requests auth='"basic"' token_ok=false status=401)" $((refused + 1))
tap_is "fetch with the revoked token: no new token fetched" "$(emulator_issued_count)" 1
tap_is "fetch with the revoked token: credring dropped it (erase)" "$(keyring_count gitsrv token)" 0
tap_is "fetch with the revoked token: the client secret stays" \
	"$(keyring_count gitsrv client_secret)" 1
tap_is "fetch with the revoked token: origin/main has not moved" \
	"$(git -C "$CLONE" rev-parse origin/main 2>/dev/null)" "$C1"

# -- the next fetch gets a fresh token and the new commit
run_git -C "$CLONE" fetch -q origin
run_status_is "fetch again: exit 0" 0
tap_is "fetch again: the emulator issued a second token" "$(emulator_issued_count)" 2
T2=$(emulator_last token)
tap_isnt "fetch again: a new token" "$T2" "$T1"
tap_is "fetch again: the new token is live" "$(emulator_call GET /_emulator/check "$T2")" 200
tap_is "fetch again: origin/main is the new commit" \
	"$(git -C "$CLONE" rev-parse origin/main 2>/dev/null)" "$C2"
tap_is "fetch again: its content" "$(git -C "$CLONE" show origin/main:file 2>/dev/null)" two
run_credring token gitsrv
tap_ok "fetch again: credring's cached token is the new one" out_is "$T2"$'\n'

# -- and one more fetch is served from the cache
run_git -C "$CLONE" fetch -q origin
run_status_is "a third fetch: exit 0" 0
tap_is "a third fetch: no new token" "$(emulator_issued_count)" 2

tap_done
