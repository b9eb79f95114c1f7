#!/bin/bash
# What credring prints from accounts.conf, a provider file, the environment,
# argv or a server is shown, never obeyed (issue #9): on stdout as on stderr,
# control and format characters come out escaped, so no colour change, window
# title, carriage return, line separator or bidi override reaches the
# terminal, and JSON output is valid JSON that carries the values as they are.
. "$(dirname "$0")/lib.sh"

ESC=$'\e' BEL=$'\a' CR=$'\r' DEL=$'\x7f'
LS=$'\xe2\x80\xa8'   # U+2028 LINE SEPARATOR
RLO=$'\xe2\x80\xae'  # U+202E RIGHT-TO-LEFT OVERRIDE
NEL=$'\xc2\x85'      # U+0085, a C1 control
CSI=$'\xc2\x9b'      # U+009B, the C1 control sequence introducer
RAW_CSI=$'\x9b'      # the same as one byte: not UTF-8
# A colour change, a window title, and the rest.
NASTY="$ESC[31m$ESC]0;TITLE$BEL$CR$LS$RLO$NEL$CSI$DEL"

# raw_controls FILE: "clean", or the control and format characters in FILE
# (tabs and newlines are the output's own), or why FILE is not UTF-8.
raw_controls() {
	"$PYTHON" - "$1" <<'PY'
import sys, unicodedata
try:
    text = open(sys.argv[1], "rb").read().decode("utf-8")
except UnicodeDecodeError as e:
    sys.exit(print("not UTF-8: %s" % e))
bad = sorted({"U+%04X" % ord(c) for c in text
              if c not in "\n\t" and unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp")})
print(" ".join(bad) or "clean")
PY
}

# shown_clean WHAT: the last run's stdout and stderr hold no raw control or
# format character.
shown_clean() {
	tap_is "$1: stdout shows, does not obey" "$(raw_controls "$TEST_TMP/out")" clean
	tap_is "$1: stderr shows, does not obey" "$(raw_controls "$TEST_TMP/err")" clean
}

# ---- accounts.conf. GLib refuses ASCII control characters in group names,
# not the others, nor invalid UTF-8; values may hold anything but a newline.
{
	printf '[rlo%sname]\nprovider = ants\nclient_id = x\n\n' "$RLO"
	printf '[ls%sname]\nprovider = ants\nclient_id = x\n\n' "$LS"
	printf '[c1%sname]\nprovider = ants\nclient_id = x\n\n' "$CSI"
	printf '[raw%sname]\nprovider = ants\nclient_id = x\n\n' "$RAW_CSI"
	printf '[ctl]\nprovider = x%s\nclient_id = y%s\n\n' "$NASTY" "$NASTY"
	printf '[dry]\nprovider = dataloy\ntoken_url = https://auth.example.test/oauth/token\n'
	printf 'client_id = id%s\naudience = aud%s\nunknown%s = z\n\n' "$NASTY" "$NASTY" "$RLO"
	printf '[dryform]\nprovider = ants\ntoken_url = https://auth.example.test/oauth/token\n'
	printf 'client_id = id%s\nscope = item%s\n' "$NASTY" "$NASTY"
} >"$CREDRING_CONFIG"

run_credring status
tap_status "status: exit 0" 0
shown_clean "status"
tap_contains "status: the provider's escape sequence shown" "$RUN_OUT" 'ctl (x\x1B[31m\x1B]0;TITLE\x07\x0D\u2028\u202E\x85\x9B\x7F)'
tap_contains "status: an account name's bidi override shown" "$RUN_OUT" 'rlo\u202Ename ('
tap_contains "status: an account name's line separator shown" "$RUN_OUT" 'ls\u2028name ('
tap_contains "status: an account name's C1 control shown" "$RUN_OUT" 'c1\x9Bname ('

run_credring status ctl
tap_status "status ACCOUNT: exit 0" 0
shown_clean "status ACCOUNT"

run_credring status --format json
tap_status "status --format json: exit 0" 0
shown_clean "status --format json"
printf '%s' "$RUN_OUT" >"$TEST_TMP/status.json"
got=$(NASTY=$NASTY "$PYTHON" - "$TEST_TMP/status.json" <<'PY'
import json, os, sys
nasty = os.environ["NASTY"].encode("utf-8", "surrogateescape").decode("utf-8")
text = open(sys.argv[1], encoding="utf-8").read()
doc = json.loads(text)  # strict: no raw control character in a string
by = {a["account"]: a for a in doc["accounts"]}
print(" ".join(str(x) for x in [
    sorted(by) == sorted(["rlo\u202ename", "ls\u2028name", "c1\u009bname", "raw\ufffdname",
                          "ctl", "dry", "dryform"]),
    by["ctl"]["provider"] == "x" + nasty,
    "\\u001b[31m" in text.lower() and "\\u202e" in text.lower(),
]))
PY
)
tap_is "status --format json: valid, the values as they are, escaped as \\uXXXX" "$got" "True True True"

# An accounts file whose name holds an escape sequence (from argv).
EMPTY_CONFIG=$TEST_TMP/empty$ESC[31m.conf
: >"$EMPTY_CONFIG"
chmod 600 "$EMPTY_CONFIG"
run_credring status --config "$EMPTY_CONFIG"
tap_status "status, a config path with ESC: exit 0" 0
shown_clean "status, a config path with ESC"
tap_contains "status, a config path with ESC: shown" "$RUN_OUT" 'empty\x1B[31m.conf'
run_credring status --config "$EMPTY_CONFIG" --format json
shown_clean "status --format json, a config path with ESC"

# ---- --dry-run: the request, built from those values.
for account in dry dryform; do
	run_credring token "$account" --dry-run
	tap_status "$account --dry-run: exit 0" 0
	shown_clean "$account --dry-run"
done
run_credring token dry --dry-run
tap_contains "dry --dry-run: the body's bidi override shown" "$RUN_OUT" 'aud\u001B[31m\u001B]0;TITLE\u0007\r\u2028\u202E\x85\x9B\x7F"'

run_credring token "x$NASTY"
tap_status "token, an account name with ESC (argv): exit 2" 2
shown_clean "token, an account name with ESC (argv)"

# ---- a provider file, in a directory whose name holds ESC.
PROVIDER_DIR=$TEST_TMP/providers$ESC[7m
mkdir -p "$PROVIDER_DIR"
printf '[provider]\ndescription = Evil%s%s API\ntoken_url = https://auth.example.test/t%s\ngrant = client_credentials\nclient_auth = body\nbody = form\nparams = scope\n' \
	"$RLO" "$LS" "$RLO" >"$PROVIDER_DIR/evil.conf"
printf '[provider]\ndescription = Bad%s\ntoken_url = https://auth.example.test/t\ngrant = client_credentials\nclient_auth = body\nbody = form\n' \
	"$NASTY" >"$PROVIDER_DIR/bad.conf"
export CREDRING_PROVIDER_DIR=$PROVIDER_DIR

run_credring providers
tap_status "providers: exit 0" 0
shown_clean "providers"
tap_contains "providers: the description's controls shown" "$RUN_OUT" 'evil	Evil\u202E\u2028 API'
tap_contains "providers: the path's ESC shown" "$RUN_OUT" 'providers\x1B[7m/evil.conf'

run_credring providers --describe evil
tap_status "providers --describe: exit 0" 0
shown_clean "providers --describe"

run_credring providers --describe evil --format json
tap_status "providers --describe --format json: exit 0" 0
shown_clean "providers --describe --format json"
printf '%s' "$RUN_OUT" >"$TEST_TMP/describe.json"
got=$(PROVIDER_DIR=$PROVIDER_DIR "$PYTHON" - "$TEST_TMP/describe.json" <<'PY'
import json, os, sys
doc = json.load(open(sys.argv[1], encoding="utf-8"))
print(doc["description"] == "Evil\u202e\u2028 API",
      doc["token_url"] == "https://auth.example.test/t\u202e",
      doc["path"] == os.environ["PROVIDER_DIR"] + "/evil.conf")
PY
)
tap_is "providers --describe --format json: the values as they are" "$got" "True True True"

run_credring providers --describe bad
tap_status "providers --describe of a refused file: exit 2" 2
shown_clean "providers --describe of a refused file"
export CREDRING_PROVIDER_DIR=$abs_top_builddir/tests/no-provider-files

# ---- --verbose: what the server sends, traced.
start_hostile --mode html200-ctype-escape
write_account verbose provider=autograb client_id=v token_url="$HS_URL/auth-broker/request-token" \
	ca_file="$CA_DIR/ca.pem"
login verbose $'client_secret=v\n' --no-verify
run_credring --verbose token verbose
tap_status "--verbose, a Content-Type with a control character: exit 4" 4
shown_clean "--verbose, a Content-Type with a control character"

# ---- git-credential-credring: its messages too (its protocol output is
# validated, not escaped, and not tested here).
GIT_HELPER=$abs_top_builddir/helpers/git-credential-credring
RUN_STATUS=0
"${CREDRING_WRAP[@]}" "$GIT_HELPER" "--x$NASTY" get </dev/null >"$TEST_TMP/out" 2>"$TEST_TMP/err" ||
	RUN_STATUS=$?
tap_is "git-credential-credring, an unknown option with ESC: exit 2" "$RUN_STATUS" 2
shown_clean "git-credential-credring, an unknown option with ESC"

# ---- GLib's own debug output (G_MESSAGES_DEBUG, for whoever debugs the
# libraries) goes to stderr: stdout is the token, the JSON or git's protocol.
start_emulator autograb --client-id gd-client --client-secret gd-secret
write_account gdebug provider=autograb client_id=gd-client token_url="$EMU_TOKEN_URL" \
	ca_file="$CA_DIR/ca.pem" url=https://api.gdebug.test
login gdebug $'client_secret=gd-secret\n' --no-verify
G_MESSAGES_DEBUG=all run_credring token gdebug
tap_status "G_MESSAGES_DEBUG=all, token: exit 0" 0
tap_is "G_MESSAGES_DEBUG=all, token: stdout is the token alone" "$RUN_OUT" "$(emulator_last token)"
G_MESSAGES_DEBUG=all run_credring status gdebug --format json
tap_status "G_MESSAGES_DEBUG=all, status --format json: exit 0" 0
tap_is "G_MESSAGES_DEBUG=all, status --format json: stdout is the JSON alone" \
	"$(printf '%s' "$RUN_OUT" | "$PYTHON" -c 'import json, sys; json.load(sys.stdin); print("JSON")' 2>&1 | tail -1)" JSON
RUN_STATUS=0
printf 'protocol=https\nhost=api.gdebug.test\n\n' |
	G_MESSAGES_DEBUG=all "${CREDRING_WRAP[@]}" "$GIT_HELPER" get >"$TEST_TMP/out" 2>"$TEST_TMP/err" ||
	RUN_STATUS=$?
tap_is "G_MESSAGES_DEBUG=all, git-credential-credring get: exit 0" "$RUN_STATUS" 0
tap_is "G_MESSAGES_DEBUG=all, git-credential-credring get: stdout is the answer alone" \
	"$(cat "$TEST_TMP/out")" \
	"$(printf 'username=gd-client\npassword=%s\npassword_expiry_utc=' "$(emulator_last token)")$(
		sed -n 's/^password_expiry_utc=//p' "$TEST_TMP/out")"

# ---- exec: the program's name is argv, shown escaped when it cannot run.
run_credring exec gdebug -- "/nonexistent$NASTY"
tap_status "exec, a program name with ESC that does not exist: exit 127" 127
tap_contains "exec, a program name with ESC: says it cannot run it" "$RUN_ERR" "cannot run /nonexistent"
shown_clean "exec, a program name with ESC (argv)"

tap_done
