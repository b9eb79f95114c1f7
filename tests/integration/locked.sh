#!/bin/bash
# A locked keyring (the login collection locked, no prompt anyone can
# answer): whatever would read, remove or replace what is in it exits 5
# saying it is locked, and leaves it as it was — never a success that did
# nothing. Unlocked again, the same commands work.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/git-lib.sh"

SECRET='locked-test-secret'
INPUT="client_secret=$SECRET"$'\n'
start_emulator ants --client-id 26156a86-b739-4c6b-9de2-314228c3e6e5 --client-secret="$SECRET"
write_account acct provider=ants client_id=26156a86-b739-4c6b-9de2-314228c3e6e5 scope=item \
	token_url="$EMU_TOKEN_URL" ca_file="$CA_DIR/ca.pem"

# locked_as_said DESC: the last run exited 5 with one line on stderr that
# says the keyring is locked, and printed nothing.
locked_as_said() {
	tap_status "$1: exit 5" 5
	tap_contains "$1: says the keyring is locked" "$RUN_ERR" "locked"
	tap_is "$1: one line on stderr" "$RUN_ERR_LINES" 1
	tap_is "$1: nothing on stdout" "$RUN_OUT" ""
}

stored_secret() { secret-tool lookup account acct kind client_secret 2>/dev/null; }

login acct "$INPUT"
tap_status "setup: login" 0
run_credring token acct
tap_status "setup: a token is cached" 0
tap_is "setup: a client secret and a token in the keyring" "$(keyring_items acct | tr '\n' ' ')" \
	"client_secret token "

# -- logout --all: nothing dropped, and not said to be
keyring_lock
tap_ok "the login collection is locked" keyring_locked
run_credring logout acct --all
locked_as_said "logout --all, locked"
tap_lacks "logout --all, locked: claims nothing dropped" "$RUN_OUT$RUN_ERR" "dropped"
tap_ok "keyring_unlock: answers ok" keyring_unlock
tap_ok "keyring_unlock: the login collection is unlocked" eval '! keyring_locked'
tap_is "logout --all, locked: the client secret is still stored" "$(stored_secret)" "$SECRET"
tap_is "logout --all, locked: the token is still cached (nothing half done)" \
	"$(keyring_count acct token)" 1

# -- logout alone touches only the session collection, which stays unlocked
keyring_lock
run_credring logout acct
tap_status "logout (token only), locked login collection: exit 0" 0
tap_is "logout (token only): the token is gone" "$(keyring_count acct token)" 0
keyring_unlock

# -- login on a locked keyring replaces nothing
keyring_lock
login acct "client_secret=another-secret"$'\n' --no-verify
locked_as_said "login, locked"
keyring_unlock
tap_is "login, locked: the old client secret is still stored" "$(stored_secret)" "$SECRET"

# -- unlocked, logout --all works and says so
run_credring logout acct --all
tap_status "logout --all, unlocked: exit 0" 0
tap_contains "logout --all, unlocked: says what it dropped" "$RUN_OUT" \
	"cached token and stored secrets dropped"
tap_is "logout --all, unlocked: nothing of the account left" "$(keyring_count acct)" 0

# -- git's storage: erase, get and store on a locked keyring
GIT_PW=git-locked-pw
RUN_STDIN=$'protocol=https\nhost=git.example.com\nusername=alice\npassword='"$GIT_PW"$'\n'
run_helper store
run_status_is "git store, unlocked: exit 0" 0
tap_is "git store, unlocked: stored" "$(git_items server git.example.com)" 1

keyring_lock
RUN_STDIN=$'protocol=https\nhost=git.example.com\nusername=alice\npassword='"$GIT_PW"$'\n'
run_helper erase
locked_as_said "git erase with password=, locked"
RUN_STDIN=$'protocol=https\nhost=git.example.com\n'
run_helper erase
locked_as_said "git erase without password=, locked"
RUN_STDIN=$'protocol=https\nhost=git.example.com\n'
run_helper get
locked_as_said "git get, locked"
RUN_STDIN=$'protocol=https\nhost=git2.example.com\nusername=bob\npassword=other\n'
run_helper store
locked_as_said "git store, locked"
keyring_unlock
tap_is "git, locked: the stored password is still there" \
	"$(keyring_lookup server git.example.com user alice)" "$GIT_PW"
tap_is "git store, locked: nothing was stored" "$(git_items server git2.example.com)" 0

RUN_STDIN=$'protocol=https\nhost=git.example.com\nusername=alice\npassword='"$GIT_PW"$'\n'
run_helper erase
run_status_is "git erase with password=, unlocked: exit 0" 0
tap_is "git erase with password=, unlocked: erased" "$(git_items server git.example.com)" 0

tap_done
