# git-lib.sh — sourced after lib.sh by the tests/integration/git-*.sh tests of
# git-credential-credring: the real `git` with a throwaway configuration, and
# ways to drive the helper directly and look at what it did.
#
# After sourcing:
#   GIT_HELPER            $abs_top_builddir/helpers/git-credential-credring
#   PATH                  starts with $abs_top_builddir/helpers, so that
#                         `git credential-credring` is the built helper
#   GIT_CONFIG_GLOBAL     $TEST_TMP/gitconfig, holding credential.helper=credring
#   GIT_CONFIG_NOSYSTEM=1, GIT_TERMINAL_PROMPT=0 (git never asks a person)

GIT_HELPER=$abs_top_builddir/helpers/git-credential-credring
[ -x "$GIT_HELPER" ] || tap_bail "git-credential-credring is not built: $GIT_HELPER"
command -v git >/dev/null || tap_bail "git is not installed"
command -v secret-tool >/dev/null || tap_bail "secret-tool is not installed"

export PATH=$abs_top_builddir/helpers:$PATH
if [ -n "${CREDRING_WRAPPER:-}" ]; then  # git runs the helper through the wrapper too
	mkdir -p "$TEST_TMP/wrapped-bin"
	printf '#!/bin/sh\nexec %s %q "$@"\n' "$CREDRING_WRAPPER" "$GIT_HELPER" \
		>"$TEST_TMP/wrapped-bin/git-credential-credring"
	chmod +x "$TEST_TMP/wrapped-bin/git-credential-credring"
	export PATH=$TEST_TMP/wrapped-bin:$PATH
fi
export GIT_CONFIG_GLOBAL=$TEST_TMP/gitconfig GIT_CONFIG_NOSYSTEM=1 GIT_TERMINAL_PROMPT=0
export GIT_AUTHOR_NAME=credring-test GIT_AUTHOR_EMAIL=test@credring.invalid
export GIT_COMMITTER_NAME=credring-test GIT_COMMITTER_EMAIL=test@credring.invalid
# Nothing of the caller's git may answer for credring: no askpass program and
# no configuration passed down in the environment.
unset GIT_ASKPASS SSH_ASKPASS GIT_CONFIG_PARAMETERS GIT_CONFIG_COUNT GIT_DIR GIT_WORK_TREE
# Everything here is on the loopback: no proxy may stand between.
export no_proxy=127.0.0.1,localhost NO_PROXY=127.0.0.1,localhost
: >"$GIT_CONFIG_GLOBAL"
git config --global credential.helper credring || tap_bail "cannot write $GIT_CONFIG_GLOBAL"
git config --global init.defaultBranch main
git config --global advice.detachedHead false

# _run_to_files COMMAND...: runs COMMAND bounded in time, stdin from
# $RUN_STDIN_FILE when set, else $RUN_STDIN; sets RUN_STATUS, RUN_OUT,
# RUN_ERR, RUN_ERR_LINES like run_credring (stdout is also in $TEST_TMP/out,
# byte for byte, for out_is). Both stdin variables are reset.
_run_to_files() {
	RUN_ARGS=("$@")
	RUN_STATUS=0
	if [ -n "${RUN_STDIN_FILE:-}" ]; then
		timeout 60 "$@" <"$RUN_STDIN_FILE" >"$TEST_TMP/out" 2>"$TEST_TMP/err" || RUN_STATUS=$?
	else
		printf '%s' "$RUN_STDIN" |
			timeout 60 "$@" >"$TEST_TMP/out" 2>"$TEST_TMP/err" || RUN_STATUS=$?
	fi
	RUN_OUT=$(cat "$TEST_TMP/out")
	RUN_ERR=$(cat "$TEST_TMP/err")
	RUN_ERR_LINES=$(grep -c '' "$TEST_TMP/err")
	RUN_STDIN=
	RUN_STDIN_FILE=
}

# run_helper ARGS...: git-credential-credring ARGS (e.g. `get`), directly.
run_helper() { _run_to_files "${CREDRING_WRAP[@]}" "$GIT_HELPER" "$@"; }

# run_git ARGS...: git ARGS.
run_git() { _run_to_files git "$@"; }

# git_cred ACTION INPUT [GIT-OPTIONS...]: `git GIT-OPTIONS credential ACTION`
# (fill, approve, reject) with INPUT: key=value lines, without the final
# newline, which is added (git reads them up to the end of its input).
git_cred() {
	local action=$1
	RUN_STDIN=$2$'\n'
	shift 2
	run_git "$@" credential "$action"
}

# field NAME [TEXT]: the value of the first NAME= line of TEXT (default
# $RUN_OUT), or "<none>" when there is no such line.
field() {
	local line
	while IFS= read -r line; do
		if [[ $line == "$1="* ]]; then
			printf '%s\n' "${line#*=}"
			return 0
		fi
	done <<<"${2-$RUN_OUT}"
	echo "<none>"
}

# count_lines NAME [TEXT]: how many NAME= lines TEXT (default $RUN_OUT) has.
count_lines() {
	local line n=0
	while IFS= read -r line; do
		[[ $line == "$1="* ]] && n=$((n + 1))
	done <<<"${2-$RUN_OUT}"
	echo "$n"
}

# last_run_diag: what the last run was, for diagnostics.
last_run_diag() {
	tap_diag "exit status $RUN_STATUS: ${RUN_ARGS[*]}" "stdout: $RUN_OUT" "stderr: $RUN_ERR"
}

# run_status_is DESC EXPECTED: like tap_status, for run_git / run_helper.
run_status_is() {
	local st=1
	[ "$RUN_STATUS" = "$2" ] && st=0
	_tap_result $st "$1" || last_run_diag
}

# run_failed DESC: the last run failed the orderly way: an exit status from
# 1 to 123, or 128 (git's die()); not a timeout (124), a command that could
# not run (126, 127) or a signal such as SIGSEGV or SIGABRT (128+N).
run_failed() {
	local st=1
	if [ "$RUN_STATUS" -ge 1 ] && [ "$RUN_STATUS" -le 123 ] || [ "$RUN_STATUS" = 128 ]; then
		st=0
	fi
	_tap_result $st "$1" || last_run_diag
}

# ------------------------------------------------------ keyring: git items --

# git_items ATTR VALUE...: how many Secret Service items (any collection)
# carry all these attributes; git's items are found by server, user, ...
git_items() { secret-tool search --all "$@" 2>/dev/null | grep -c '^\['; }

# git_item_attributes ATTR VALUE...: the attribute lines ("attribute.NAME =
# VALUE", sorted) of the items carrying these attributes. secret-tool prints
# them on stderr, the secrets on stdout.
git_item_attributes() { secret-tool search --all "$@" 2>&1 >/dev/null | grep '^attribute\.' | sort; }

# all_git_items: every item of git's schema (what a helper stored).
all_git_items() { git_items xdg:schema org.git.Password; }

# keyring_lookup ATTR VALUE...: the secret value of the item found, byte for
# byte in $TEST_TMP/lookup; prints it too (trailing newlines lost).
keyring_lookup() {
	secret-tool lookup "$@" >"$TEST_TMP/lookup" 2>/dev/null
	cat "$TEST_TMP/lookup"
}

# ------------------------------------------------------------ emulators --

# emulator_call METHOD PATH [TOKEN] [URL]: an HTTPS request to an emulator
# (default the last started, $EMU_URL), trusting the test CA; prints the
# HTTP status.
emulator_call() {
	"$PYTHON" - "$1" "$2" "${3:-}" "${4:-$EMU_URL}" "$CA_DIR/ca.pem" <<'EOF'
import ssl, sys, urllib.error, urllib.request
method, path, token, base, ca = sys.argv[1:6]
req = urllib.request.Request(base + path, method=method, data=b"" if method == "POST" else None)
if token:
    req.add_header("Authorization", "Bearer " + token)
ctx = ssl.create_default_context(cafile=ca)
try:
    with urllib.request.urlopen(req, context=ctx, timeout=10) as r:
        print(r.status)
except urllib.error.HTTPError as e:
    print(e.code)
EOF
}

# emulator_tokens [LOG]: the tokens the emulator issued, one a line, in order.
emulator_tokens() {
	"$PYTHON" -c '
import json, sys
for line in open(sys.argv[1]):
    t = json.loads(line).get("token")
    if t:
        print(t)
' "${1:-$EMU_LOG}"
}

# emulator_issued_count [LOG]: how many tokens the emulator issued.
emulator_issued_count() { emulator_tokens "$@" | grep -c ''; }

# ------------------------------------------------------------------ TAP --

# tap_skip DESC REASON: a test that could not run here.
tap_skip() { _tap_result 0 "$1 # SKIP $2"; }

# has_control_chars TEXT: TEXT holds a control character (TAB, ESC, CR, ...)
# other than a newline.
has_control_chars() { LC_ALL=C grep -q '[[:cntrl:]]' <<<"$(printf '%s' "$1" | tr -d '\n')"; }

# ------------------------------------------------ the git smart-HTTP front --

# start_git_front PROJECT_ROOT CHECK_URL: tests/integration/git-front.py on
# 127.0.0.1 (plain HTTP), serving the repositories under PROJECT_ROOT to
# requests whose token CHECK_URL (an emulator's /_emulator/check) takes.
# Sets FRONT_PORT, FRONT_URL (http://127.0.0.1:PORT), FRONT_LOG, FRONT_PID.
# The process is ended with the emulators when the test exits.
start_git_front() {
	make_ca
	FRONT_LOG=$TEST_TMP/front.log
	local port_file=$TEST_TMP/front.port i
	: >"$FRONT_LOG"
	rm -f "$port_file"
	"$PYTHON" "$abs_top_srcdir/tests/integration/git-front.py" --project-root "$1" \
		--check-url "$2" --ca-file "$CA_DIR/ca.pem" --port-file "$port_file" \
		--log "$FRONT_LOG" 2>>"$TEST_TMP/front.stderr" &
	FRONT_PID=$!
	_emu_pids+=("$FRONT_PID")  # lib.sh's exit trap ends them
	for i in $(seq 100); do  # at most 10 s
		[ -s "$port_file" ] && break
		kill -0 "$FRONT_PID" 2>/dev/null || break
		sleep 0.1
	done
	[ -s "$port_file" ] || {
		cat "$TEST_TMP/front.stderr" >&2
		tap_bail "git-front.py did not start"
	}
	FRONT_PORT=$(cat "$port_file")
	FRONT_URL=http://127.0.0.1:$FRONT_PORT
}

# front_requests [FIELD=VALUE...]: how many logged front requests have all
# these fields (values compared as JSON text: true, false, null, 401, "basic").
front_requests() {
	"$PYTHON" - "$FRONT_LOG" "$@" <<'PY'
import json, sys
want = [a.split("=", 1) for a in sys.argv[2:]]
n = 0
for line in open(sys.argv[1]):
    e = json.loads(line)
    if all(json.dumps(e.get(k)) == v or e.get(k) == v for k, v in want):
        n += 1
print(n)
PY
}
