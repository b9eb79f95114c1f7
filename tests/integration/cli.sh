#!/bin/bash
# The command line as a person new to it meets it: help for the program and
# for each command, and usage errors (exit 2) that name the command and say
# what it takes. Options may come before or after the command.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/git-lib.sh"

# What the program has, read from its own help, so that nothing here goes
# stale: the commands and their usage from `credring help`, each
# command's options from `credring help COMMAND` (VALUE: they take one),
# the global options.  The README's "The command line" block must say
# the same, so a command or an option added to one and not the other
# fails here.
declare -A OPTIONS=() USAGE=() VALUE=() SHORT=()
section() { # TEXT TITLE: the lines under TITLE, up to the next empty line
	awk -v title="$2" '$0 == title { on = 1; next } on && $0 == "" { exit } on' <<<"$1"
}
long_names() { # TEXT: NAMES=the first --name of each line; VALUE[name]=1 for --name=ARG, SHORT[name]=-x
	local line name
	NAMES=
	while IFS= read -r line; do
		[[ $line =~ (--[a-z][a-z-]*)(=?) ]] || continue
		name=${BASH_REMATCH[1]}
		[ -n "${BASH_REMATCH[2]}" ] && VALUE[$name]=1
		[[ $line =~ ^\ +(-[a-zA-Z]),\ $name ]] && SHORT[$name]=${BASH_REMATCH[1]}
		NAMES+="${NAMES:+ }$name"
	done <<<"$1"
}
run_credring help
tap_status "help: exit 0" 0
PROGRAM_HELP=$RUN_OUT
COMMANDS=
while IFS= read -r line; do
	command=$(awk '{ print $1 }' <<<"$line")
	COMMANDS+=" $command"
	USAGE[$command]=$(sed -E 's/^  (.*[^ ])  +[^ ].*$/\1/' <<<"$line")
done < <(section "$PROGRAM_HELP" "Commands:")
COMMANDS=${COMMANDS# }
long_names "$(section "$PROGRAM_HELP" "Global options:")"
GLOBAL_OPTIONS=$NAMES
ALL_OPTIONS=
for command in $COMMANDS; do
	run_credring help "$command"
	long_names "$(section "$RUN_OUT" "Options of $command:")"
	OPTIONS[$command]=$NAMES
	for option in ${OPTIONS[$command]}; do
		[[ " $ALL_OPTIONS " == *" $option "* ]] || ALL_OPTIONS+=" $option"
	done
done
ALL_OPTIONS=${ALL_OPTIONS# }
tap_like "help: lists commands (read: $COMMANDS)" "$COMMANDS" "^providers .*token .*help$"
tap_like "help: token's options read from help token (${OPTIONS[token]})" "${OPTIONS[token]}" \
	"^--format --min-valid"

# The README's block: "credring COMMAND ..." lines and their continuation
# lines, and "global: ...".
README_BLOCK=$(awk '/^## The command line/ { on = 1 } on && /^```$/ { n++; if (n == 2) exit; next } on && n == 1' \
	"$abs_top_srcdir/README.md")
declare -A README_OPTIONS=()
README_COMMANDS=
command=
while IFS= read -r line; do
	case $line in
	"credring "*) command=$(awk '{ print $2 }' <<<"$line")
		[[ " $README_COMMANDS " == *" $command "* ]] || README_COMMANDS+=" $command" ;;
	"global:"*) command=global ;;
	" "*) ;;
	*) command= ;;
	esac
	[ -n "$command" ] || continue
	for option in $(grep -oE -- '--[a-z][a-z-]*' <<<"$line"); do
		[[ " ${README_OPTIONS[$command]:-} " == *" $option "* ]] || README_OPTIONS[$command]+=" $option"
	done
done <<<"$README_BLOCK"
sorted() { tr ' ' '\n' <<<"$1" | grep . | sort | tr '\n' ' '; }
tap_is "README's command line: the commands of credring help" "$(sorted "$README_COMMANDS")" \
	"$(sorted "$COMMANDS")"
for command in $COMMANDS; do
	tap_is "README's command line: $command's options are those of help $command" \
		"$(sorted "${README_OPTIONS[$command]:-}")" "$(sorted "${OPTIONS[$command]}")"
done
tap_is "README's command line: the global options of credring help" \
	"$(sorted "${README_OPTIONS[global]:-}")" "$(sorted "$GLOBAL_OPTIONS")"

# What to give each command besides options: its arguments, and a
# command line after "--" for those that run one.
declare -A ARGS=()
for command in $COMMANDS; do
	case ${USAGE[$command]} in
	*" -- "*) ARGS[$command]="acct -- true" ;;
	"$command ["*) ARGS[$command]= ;;
	"$command "[A-Z]*) ARGS[$command]=acct ;;
	*) ARGS[$command]= ;;
	esac
done
# "its options: --a, --b" or "it has none", as a usage error says it.
takes() {
	local list=${OPTIONS[$1]}
	if [ -z "$list" ]; then echo "it has none"; else echo "its options: ${list// /, }"; fi
}

# -- help for the program
HELP=$PROGRAM_HELP
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

# -- every option a command does not take, in each spelling, and one no
#    command has: a usage error (exit 2), one line naming the command, the
#    option and the options the command does take, nothing on stdout.  Its
#    own options given wrong likewise: a value missing, or a value given to
#    an option that takes none (GOption would take "--all=no" as --all).
refused() { # DESC EXPECTED-MESSAGE ARGS...
	local desc=$1 expected=$2
	shift 2
	run_credring "$@"
	tap_is "$desc: exit 2, one line" "$RUN_STATUS|$RUN_ERR|$RUN_OUT" "2|credring: $expected|"
}
for command in $COMMANDS; do
	# The options go before "--", after which is the command line run.
	read -ra head <<<"${ARGS[$command]%%--*}"
	tail=()
	[[ ${ARGS[$command]} == *" -- "* ]] && read -ra tail <<<"-- ${ARGS[$command]#*-- }"
	not_taken="$(takes "$command")"
	for option in $ALL_OPTIONS --no-such-option; do
		[[ " ${OPTIONS[$command]} " == *" $option "* ]] && continue
		expected="$command: $option is not an option of $command ($not_taken)"
		if [ -n "${VALUE[$option]:-}" ]; then
			refused "$command $option VALUE" "$expected" "$command" "${head[@]}" "$option" x "${tail[@]}"
			refused "$command $option=VALUE" "$expected" "$command" "${head[@]}" "$option=x" "${tail[@]}"
			refused "$command $option (its value missing)" "$expected" \
				"$command" "${head[@]}" "$option" "${tail[@]}"
		else
			refused "$command $option" "$expected" "$command" "${head[@]}" "$option" "${tail[@]}"
			refused "$command $option=VALUE" "$expected" "$command" "${head[@]}" "$option=x" "${tail[@]}"
		fi
		if [ -n "${SHORT[$option]:-}" ]; then
			refused "$command ${SHORT[$option]} (short for $option)" "$expected" \
				"$command" "${head[@]}" "${SHORT[$option]}" x "${tail[@]}"
		fi
	done
	for option in ${OPTIONS[$command]} $GLOBAL_OPTIONS; do
		if [ -n "${VALUE[$option]:-}" ]; then
			run_credring "$command" "${head[@]}" "$option"
			tap_like "$command $option without its value: exit 2, one line naming both" \
				"$RUN_STATUS|$RUN_ERR_LINES|$RUN_ERR" "^2\|1\|credring: $command: $option needs a value \(.+\)$"
		else
			refused "$command $option=no" "$command: $option takes no value (not 'no')" \
				"$command" "${head[@]}" "$option=no" "${tail[@]}"
		fi
	done
done
run_credring --no-such-option
tap_status "--no-such-option without a command: exit 2" 2
tap_contains "--no-such-option without a command: named" "$RUN_ERR" "--no-such-option"
run_credring --verbose=no
tap_is "--verbose=no without a command: exit 2, one line" "$RUN_STATUS|$RUN_ERR" \
	"2|credring: --verbose takes no value (not 'no')"

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
for command in $COMMANDS; do
	[ "$command" = help ] && continue # help [COMMAND]: below
	read -ra tail <<<"${ARGS[$command]#acct}"
	case ${USAGE[$command]} in
	"$command "[A-Z]*)
		run_credring "$command" "${tail[@]}"
		tap_status "$command without an account: exit 2" 2
		tap_contains "$command without an account: its usage line" "$RUN_ERR" "credring $command ACCOUNT"
		run_credring "$command" a b "${tail[@]}"
		tap_status "$command with two accounts: exit 2" 2
		tap_contains "$command with two accounts: its usage line" "$RUN_ERR" "credring $command ACCOUNT" ;;
	"$command [ACCOUNT]")
		run_credring "$command" a b
		tap_status "$command with two accounts: exit 2" 2
		tap_contains "$command with two accounts: its usage line" "$RUN_ERR" "credring $command [ACCOUNT]" ;;
	"$command")
		run_credring "$command" ants
		tap_status "$command with an argument: exit 2" 2
		tap_contains "$command with an argument: its usage line" "$RUN_ERR" "credring $command" ;;
	*) tap_ok "$command: a usage this test knows (${USAGE[$command]})" false ;;
	esac
done
run_credring providers ants
tap_contains "providers with an argument: its usage line with its options" "$RUN_ERR" "credring providers ["

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
run_helper --version=no
run_status_is "git helper --version=no: exit 2" 2
tap_is "git helper --version=no: says it takes no value" "$RUN_ERR" \
	"git-credential-credring: --version takes no value (not 'no')"
tap_is "git helper --version=no: nothing on stdout" "$RUN_OUT" ""
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
