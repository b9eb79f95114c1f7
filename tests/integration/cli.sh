#!/bin/bash
# The command line as a person new to it meets it: help for the program and
# for each command, and usage errors (exit 2) that name the command and say
# what it takes. Options may come before or after the command.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/git-lib.sh"

# What each command takes, from the README; every other command option must
# be absent from its help.
declare -A OPTIONS=(
	[providers]="--describe --format"
	[status]="--format"
	[login]="--secret-stdin --no-verify"
	[token]="--format --min-valid --force-refresh --dry-run"
	[logout]="--all"
)
declare -A USAGE=(
	[providers]="providers"
	[status]="status [ACCOUNT]"
	[login]="login ACCOUNT"
	[token]="token ACCOUNT"
	[logout]="logout ACCOUNT"
)
ALL_OPTIONS="--describe --format --secret-stdin --no-verify --min-valid --force-refresh --dry-run --all"
COMMANDS="providers status login token logout"

# -- help for the program
run_credring help
tap_status "help: exit 0" 0
HELP=$RUN_OUT
for command in $COMMANDS; do
	tap_like "help: lists $command with a description" "$HELP" $'\n'"  ${USAGE[$command]//[/\\[} +[a-z]"
done
tap_contains "help: the exit statuses" "$HELP" "5 keyring unavailable or locked"
tap_contains "help: says how to see a command's options" "$HELP" "help COMMAND"
run_credring --help
tap_status "--help: exit 0" 0
tap_is "--help: the same text as help" "$RUN_OUT" "$HELP"
run_credring -h
tap_is "-h: the same text as help" "$RUN_OUT" "$HELP"

# -- help for each command, both spellings: only that command's options
for command in $COMMANDS; do
	run_credring "$command" --help
	tap_status "$command --help: exit 0" 0
	HELP=$RUN_OUT
	tap_contains "$command --help: its usage line" "$HELP" "${USAGE[$command]}"
	for option in $ALL_OPTIONS; do
		if [[ " ${OPTIONS[$command]} " == *" $option "* ]]; then
			tap_contains "$command --help: shows $option" "$HELP" "$option"
		else
			tap_lacks "$command --help: no $option (not $command's)" "$HELP" "$option"
		fi
	done
	tap_contains "$command --help: the global --config" "$HELP" "--config"
	run_credring help "$command"
	tap_status "help $command: exit 0" 0
	tap_is "help $command: the same text as $command --help" "$RUN_OUT" "$HELP"
	run_credring --help "$command"
	tap_is "--help $command: the same text as $command --help" "$RUN_OUT" "$HELP"
done
run_credring help nosuch
tap_status "help nosuch: exit 2" 2
tap_contains "help nosuch: names what it did not find" "$RUN_ERR" "nosuch"
tap_is "help nosuch: one line" "$RUN_ERR_LINES" 1
run_credring help token status
tap_status "help with two commands: exit 2" 2

# -- unknown commands
run_credring frobnicate
tap_status "unknown command: exit 2" 2
tap_contains "unknown command: named" "$RUN_ERR" "frobnicate"
for command in $COMMANDS help; do
	tap_contains "unknown command: names the command $command" "$RUN_ERR" "$command"
done
tap_is "unknown command: one line" "$RUN_ERR_LINES" 1
tap_is "unknown command: nothing on stdout" "$RUN_OUT" ""
run_credring
tap_status "no command: exit 2" 2
tap_contains "no command: names the commands" "$RUN_ERR" "token"

# -- --format: the values each command takes
run_credring status --format yaml
tap_status "status --format yaml: exit 2" 2
tap_is "status --format yaml: one line" "$RUN_ERR_LINES" 1
tap_contains "status --format yaml: names the command" "$RUN_ERR" "status"
tap_contains "status --format yaml: names json" "$RUN_ERR" "json"
tap_contains "status --format yaml: names the value refused" "$RUN_ERR" "'yaml'"
tap_lacks "status --format yaml: not token's values" "$RUN_ERR" "token"
run_credring status --format text
tap_status "status --format text (the default, spelled out): exit 0" 0
tap_contains "status --format text: text" "$RUN_OUT" "no accounts in"
run_credring token acct --format yaml
tap_status "token --format yaml: exit 2" 2
for value in raw header json "'yaml'"; do
	tap_contains "token --format yaml: names $value" "$RUN_ERR" "$value"
done
tap_contains "token --format yaml: names the command" "$RUN_ERR" "token"
run_credring providers --format json
tap_status "providers --format json without --describe: exit 2" 2
tap_contains "providers --format json without --describe: says it needs --describe" \
	"$RUN_ERR" "providers: --format json goes with --describe"
run_credring providers --describe ants --format json
tap_status "providers --describe ants --format json: exit 0" 0
json_member() { "$PYTHON" -c 'import json, sys; print(json.dumps(json.load(sys.stdin)[sys.argv[1]]))' "$1"; }
tap_is "providers --describe ants --format json: no legacy grant" \
	"$(json_member legacy_grants <<<"$RUN_OUT")" "[]"
# acaengine's password grant is what RFC 9700 §2.4 says not to use: marked.
run_credring providers --describe acaengine
tap_status "providers --describe acaengine: exit 0" 0
tap_contains "providers --describe acaengine: the password grant marked legacy" "$RUN_OUT" \
	"grants: password (default; legacy: RFC 9700 §2.4), authorization_code"
run_credring providers --describe acaengine --format json
tap_status "providers --describe acaengine --format json: exit 0" 0
tap_is "providers --describe acaengine --format json: both grants" \
	"$(json_member grants <<<"$RUN_OUT")" '["password", "authorization_code"]'
tap_is "providers --describe acaengine --format json: the password grant marked legacy" \
	"$(json_member legacy_grants <<<"$RUN_OUT")" '["password"]'
run_credring providers --describe ants --format yaml
tap_status "providers --describe ants --format yaml: exit 2" 2
tap_contains "providers --format yaml: names the value refused" "$RUN_ERR" "'yaml'"

# -- an option the command does not take: says which it takes
run_credring login acct --format json
tap_status "login --format json: exit 2" 2
tap_is "login --format json: one line" "$RUN_ERR_LINES" 1
tap_contains "login --format json: names login" "$RUN_ERR" "login"
tap_contains "login --format json: names --format" "$RUN_ERR" "--format"
tap_contains "login --format json: lists login's options" "$RUN_ERR" "--secret-stdin"
tap_contains "login --format json: lists login's options (2)" "$RUN_ERR" "--no-verify"
run_credring logout acct --min-valid 3
tap_status "logout --min-valid 3: exit 2" 2
tap_contains "logout --min-valid 3: names --min-valid" "$RUN_ERR" "--min-valid"
tap_contains "logout --min-valid 3: names logout's --all" "$RUN_ERR" "--all"
run_credring -f json logout acct
tap_status "-f json before logout: exit 2" 2
tap_contains "-f json before logout: named by its long name" "$RUN_ERR" "--format"
run_credring help token --dry-run
tap_status "help --dry-run: exit 2" 2

# -- positional arguments: the command's usage line
for command in login token logout; do
	run_credring "$command"
	tap_status "$command without an account: exit 2" 2
	tap_contains "$command without an account: its usage line" "$RUN_ERR" "credring $command ACCOUNT"
	run_credring "$command" a b
	tap_status "$command with two accounts: exit 2" 2
	tap_contains "$command with two accounts: its usage line" "$RUN_ERR" "credring $command ACCOUNT"
done
run_credring status a b
tap_status "status with two accounts: exit 2" 2
tap_contains "status with two accounts: its usage line" "$RUN_ERR" "credring status [ACCOUNT]"
run_credring providers ants
tap_status "providers with an argument: exit 2" 2
tap_contains "providers with an argument: its usage line" "$RUN_ERR" "credring providers ["

# -- --config FILE names a file: it must be there; the default need not be
MISSING=$TEST_TMP/no-such-dir/accounts.conf
run_credring --config "$MISSING" status
tap_status "--config missing-file status: exit 2" 2
tap_contains "--config missing-file status: names the file" "$RUN_ERR" "$MISSING"
tap_contains "--config missing-file status: says it is not there" "$RUN_ERR" "No such file"
tap_is "--config missing-file status: one line" "$RUN_ERR_LINES" 1
run_credring status --config "$MISSING"
tap_status "status --config missing-file (after the command): exit 2" 2
run_credring token acct --config "$MISSING"
tap_status "token --config missing-file: exit 2" 2
tap_contains "token --config missing-file: says the file is not there" "$RUN_ERR" "No such file"
run_credring logout acct -c "$MISSING"
tap_status "logout -c missing-file: exit 2" 2
tap_contains "logout -c missing-file: says the file is not there" "$RUN_ERR" "No such file"
CREDRING_CONFIG=$MISSING run_credring status
tap_status "CREDRING_CONFIG naming a missing file: no accounts, exit 0" 0
tap_contains "CREDRING_CONFIG naming a missing file: says so" "$RUN_OUT" "no accounts in $MISSING"

RUN_STDIN=$'protocol=https\nhost=example.com\n\n'
run_helper --config "$MISSING" get
run_status_is "git helper --config missing-file get: exit 2" 2
tap_contains "git helper --config missing-file: says the file is not there" "$RUN_ERR" "No such file"
tap_is "git helper --config missing-file: nothing on stdout" "$RUN_OUT" ""

# -- a word too many in credential.helper ("credring placeos" for "credring
#    --account placeos") would be ignored, and another account answer
RUN_STDIN=$'protocol=https\nhost=example.com\n\n'
run_helper placeos get
run_status_is "git helper placeos get: exit 2" 2
tap_contains "git helper placeos get: names the extra argument" "$RUN_ERR" "'placeos'"
tap_contains "git helper placeos get: its usage" "$RUN_ERR" "get|store|erase"
tap_is "git helper placeos get: nothing on stdout" "$RUN_OUT" ""

# -- the git helper's own --version and --help
run_helper --version
run_status_is "git helper --version: exit 0" 0
tap_like "git helper --version: its name and version" "$RUN_OUT" "^git-credential-credring [0-9]+\.[0-9]+"
run_helper --help
run_status_is "git helper --help: exit 0" 0
tap_contains "git helper --help: the actions" "$RUN_OUT" "get|store|erase"

# -- options anywhere, as before
write_account acct provider=ants client_id=x scope=item token_url=https://127.0.0.1:1/oauth/token
run_credring --config "$CREDRING_CONFIG" status --format json acct
tap_status "options before, between and after: exit 0" 0
tap_contains "options before, between and after: json for acct" "$RUN_OUT" '"account":"acct"'
run_credring -f json status
tap_status "-f json before status: exit 0" 0
run_credring status acct -v
tap_status "status acct -v: exit 0" 0

tap_done
