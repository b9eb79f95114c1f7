#!/bin/bash
# git-credential-credring and bad input on stdin: a line over CR_PROTO_MAX_LINE bytes, a
# NUL or CR in a value, a line without '=', a scalar key given twice. Each is
# an error: one line on stderr (control characters escaped, never a secret),
# a non-zero exit, nothing on stdout and nothing written to or removed from
# the keyring. Unknown keys and unknown actions are ignored (exit 0).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/git-lib.sh"

# The password in every bad request: it must show up nowhere.
SECRET=Zq9-hunter2-SECRET

# A stored item that a bad get must not print and a bad erase must not remove.
RUN_STDIN="protocol=https"$'\n'"host=good.example"$'\n'"username=gus"$'\n'"password=$SECRET"$'\n\n'
run_helper store
run_status_is "setup: store an item for good.example" 0
[ "$(git_items server good.example)" = 1 ] || tap_bail "setup: the item is not in the keyring"

# mkreq FILE HOST LINE...: a request file: protocol, host, username, password
# and then the given lines (printf %b escapes: \0, \r), then the empty line.
mkreq() {
	local file=$1 host=$2 line
	shift 2
	{
		printf 'protocol=https\nhost=%s\nusername=gus\npassword=%s\n' "$host" "$SECRET"
		for line in "$@"; do printf '%b\n' "$line"; done
		printf '\n'
	} >"$file"
}

# For get and erase the request names good.example, for store bad.example:
# the files differ only in the host.
run_bad() {
	local name=$1
	shift
	mkreq "$TEST_TMP/bad-get" good.example "$@"
	mkreq "$TEST_TMP/bad-store" bad.example "$@"
	# get and erase read bad-get, store reads bad-store.
	local action
	for action in get store erase; do
		local file=$TEST_TMP/bad-get
		[ "$action" = store ] && file=$TEST_TMP/bad-store
		RUN_STDIN_FILE=$file
		run_helper "$action"
		run_failed "$name, $action: a non-zero exit (no crash, no timeout)"
		tap_ok "$name, $action: nothing on stdout" test ! -s "$TEST_TMP/out"
		tap_is "$name, $action: exactly one line on stderr" "$RUN_ERR_LINES" 1
		tap_ok "$name, $action: no raw control character on stderr" \
			eval '! has_control_chars "$RUN_ERR"'
		tap_lacks "$name, $action: the password is not on stderr" "$RUN_ERR" "$SECRET"
	done
	tap_is "$name: store wrote nothing to the keyring" "$(git_items server bad.example)" 0
	tap_is "$name: erase removed nothing" "$(git_items server good.example)" 1
	tap_is "$name: nothing else in the keyring either" "$(all_git_items)" 1
}

# The limit on a line, its newline included (core/credring/proto.h).
MAX_LINE=$(c_constant CR_PROTO_MAX_LINE)
[[ $MAX_LINE =~ ^[0-9]+$ ]] || tap_bail "no CR_PROTO_MAX_LINE in core/credring/proto.h"
LONG=$(head -c $((MAX_LINE + 5000)) /dev/zero | tr '\0' a)
run_bad "a $((MAX_LINE + 5000))-byte line" "path=$LONG"
# Counted with or without the newline, a line of MAX_LINE bytes before its
# newline is over it.
run_bad "a line of $MAX_LINE bytes ($((MAX_LINE + 1)) with its newline)" "path=${LONG:0:MAX_LINE-5}"
run_bad "a NUL in a value" 'path=some\0thing'
run_bad "a NUL in the password" "oauth_refresh_token=rt-\\0-$SECRET"
run_bad "a CR at the end of a value" 'path=repo.git\r'
run_bad "a CR inside a value" 'path=re\rpo.git'
run_bad "a line without '='" "$SECRET-continued"
run_bad "a line of plain text" 'garbage'
run_bad "host= given twice" 'host=other.example'
run_bad "password= given twice" "password=$SECRET-2"
run_bad "protocol= given twice" 'protocol=http'
# Where the parser quotes what it got, control characters come out escaped.
run_bad "a control character in a number" 'password_expiry_utc=12\033[31m\t34'
# Each bad line before the good ones too: nothing may be acted on either way.
mkreq "$TEST_TMP/first" good.example
{ printf 'path=x\r\n'; cat "$TEST_TMP/first"; } >"$TEST_TMP/cr-first"
RUN_STDIN_FILE=$TEST_TMP/cr-first
run_helper get
run_failed "a CR on the first line, get: a non-zero exit"
tap_ok "a CR on the first line, get: nothing on stdout" test ! -s "$TEST_TMP/out"
{ printf 'path=x\r\n'; sed 's/good.example/bad.example/' "$TEST_TMP/first"; } >"$TEST_TMP/cr-first"
RUN_STDIN_FILE=$TEST_TMP/cr-first
run_helper store
run_failed "a CR on the first line, store: a non-zero exit"
tap_is "a CR on the first line, store: nothing stored" "$(git_items server bad.example)" 0

# -- a line of exactly MAX_LINE bytes, its newline included, is fine
ok_path=${LONG:0:MAX_LINE-6}  # "path=" + value + "\n" = MAX_LINE bytes
RUN_STDIN="protocol=https"$'\n'"host=long.example"$'\n'"path=$ok_path"$'\n'"username=lu"$'\n'"password=pw-long"$'\n\n'
run_helper store
run_status_is "a $MAX_LINE-byte line (newline included): store, exit 0" 0
tap_is "a $MAX_LINE-byte line: stored" "$(git_items server long.example object "$ok_path")" 1
RUN_STDIN="protocol=https"$'\n'"host=long.example"$'\n'"path=$ok_path"$'\n\n'
run_helper get
run_status_is "a $MAX_LINE-byte line: get, exit 0" 0
tap_is "a $MAX_LINE-byte line: get finds it" "$(field password)" pw-long

# -- unknown keys are ignored
RUN_STDIN=$'protocol=https\nhost=good.example\nfrobnicate=yes\nx-future[]=1\n\n'
run_helper get
run_status_is "an unknown key, get: exit 0" 0
tap_is "an unknown key, get: the stored password all the same" "$(field password)" "$SECRET"
tap_is "an unknown key, get: nothing on stderr" "$RUN_ERR" ""
RUN_STDIN=$'protocol=https\nhost=unknown-key.example\nusername=uk\npassword=pw-uk\nfrobnicate=yes\n\n'
run_helper store
run_status_is "an unknown key, store: exit 0" 0
tap_is "an unknown key, store: stored" "$(keyring_lookup server unknown-key.example user uk)" pw-uk

# -- unknown actions are ignored: exit 0, no output, nothing done
RUN_STDIN=$'protocol=https\nhost=foo.example\nusername=fu\npassword=pw-foo\n\n'
run_helper foo
run_status_is "unknown action foo: exit 0" 0
tap_ok "unknown action foo: nothing on stdout" test ! -s "$TEST_TMP/out"
tap_is "unknown action foo: nothing on stderr" "$RUN_ERR" ""
tap_is "unknown action foo: nothing stored" "$(git_items server foo.example)" 0
RUN_STDIN=$'protocol=https\nhost=good.example\n\n'
run_helper foo
tap_ok "unknown action foo for a stored host: no password printed" test ! -s "$TEST_TMP/out"
RUN_STDIN_FILE=$TEST_TMP/bad-get  # even bad input: the action is looked at first
run_helper foo
run_status_is "unknown action foo with bad input: exit 0" 0
tap_ok "unknown action foo with bad input: nothing on stdout" test ! -s "$TEST_TMP/out"

tap_done
