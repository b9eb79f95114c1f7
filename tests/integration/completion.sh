#!/bin/bash
# Shell completion: bash's completion function called as bash calls it
# (COMP_WORDS, COMP_CWORD), its candidates checked exactly; every option
# `credring help COMMAND` lists is completed for that command (bash and
# fish); the listing commands it relies on (`credring accounts`, `providers
# --names`) load no plugin, touch no keyring and print plain names only; the
# files are installed where each shell looks; zsh and fish parse them, and
# complete as they do for a person (zsh in a pseudo-terminal: zsh-complete.zsh).
. "$(dirname "$0")/lib.sh"

BASH_COMPLETION=$abs_top_srcdir/completion/bash/credring
ZSH_COMPLETION=$abs_top_srcdir/completion/zsh/_credring
FISH_COMPLETION=$abs_top_srcdir/completion/fish/credring.fish

cat >"$CREDRING_CONFIG" <<'CONF'
[ants-prod]
provider = ants
client_id = a
scope = item

[autograb]
provider = autograb
client_id = b

[me@placeos.example]
provider = nosuchprovider

[two words]
provider = ants

[$(touch PWNED)]
provider = ants
CONF
OTHER_CONFIG=$TEST_TMP/other.conf
printf '[other-1]\nprovider = ants\n[other-2]\nprovider = ants\n' >"$OTHER_CONFIG"
chmod 600 "$OTHER_CONFIG"
EMPTY_PLUGIN_DIR=$TEST_TMP/no-plugins
mkdir "$EMPTY_PLUGIN_DIR"

# -- the listing commands
run_credring accounts
tap_status "accounts: exit 0" 0
tap_is "accounts: the plain names, in the file's order; nothing else" "$RUN_OUT" \
	"$(printf 'ants-prod\nautograb\nme@placeos.example')"
run_credring --config "$OTHER_CONFIG" accounts
tap_is "accounts --config FILE: that file's names" "$RUN_OUT" "$(printf 'other-1\nother-2')"
CREDRING_PLUGIN_DIR=$EMPTY_PLUGIN_DIR run_credring accounts
tap_is "accounts: the same without any plugin (CREDRING_PLUGIN_DIR empty)" "$RUN_OUT" \
	"$(printf 'ants-prod\nautograb\nme@placeos.example')"
start=$(date +%s%N)
DBUS_SESSION_BUS_ADDRESS=unix:path=$TEST_TMP/no-bus CREDRING_KERNEL_KEYRING=no-such-keyring \
	run_credring accounts
elapsed_ms=$((($(date +%s%N) - start) / 1000000))
tap_status "accounts: exit 0 with the bus pointing nowhere and no kernel keyring to use" 0
tap_is "accounts: the names all the same" "$RUN_OUT" "$(printf 'ants-prod\nautograb\nme@placeos.example')"
tap_timing_ok "accounts: fast (${elapsed_ms} ms, under 1 s)" test "$elapsed_ms" -lt 1000
if command -v strace >/dev/null; then
	# Without the wrapper: strace follows the process, not valgrind's.
	strace -f -e trace=openat,connect,keyctl,add_key,request_key -o "$TEST_TMP/strace" \
		"$CREDRING" accounts >/dev/null 2>&1
	tap_unlike "accounts opens no plugin nor the fetch module" "$(grep -E 'openat\(' "$TEST_TMP/strace")" \
		'plugins/|fetch\.so|\.conf.*providers'
	tap_unlike "accounts connects to no bus (only, maybe, nscd)" \
		"$(grep -E 'connect\(' "$TEST_TMP/strace" | grep -v nscd)" 'connect'
	tap_unlike "accounts makes no kernel keyring call" "$(cat "$TEST_TMP/strace")" \
		'keyctl|add_key|request_key'
else
	tap_skip "accounts: no plugin opened, no bus, no keyring (strace)" "strace is not installed"
fi
run_credring providers --names
tap_is "providers --names: the provider names, one a line" "$RUN_OUT" \
	"$(printf 'acaengine\nants\nautograb\ndataloy')"
run_credring providers --names --describe ants
tap_status "providers --names --describe: a usage error" 2

# -- bash: the completion function, called as bash calls it
# shellcheck disable=SC1090
. "$BASH_COMPLETION"
tap_is "bash: the completion is registered for credring" "$(complete -p credring)" \
	"complete -F _credring credring"
# complete WORD...: the candidates for the last word, one a line, sorted.
complete_bash() {
	COMP_WORDS=("$@")
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	COMP_LINE="$*"
	COMP_POINT=${#COMP_LINE}
	COMPREPLY=()
	_credring "$CREDRING" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
	printf '%s\n' "${COMPREPLY[@]}" | sort
}
lines() { printf '%s\n' "$@" | sort; }
tap_is "bash: credring <TAB>: the commands" "$(complete_bash credring '')" \
	"$(lines accounts curl doctor exec help login logout providers status token)"
tap_is "bash: credring lo<TAB>" "$(complete_bash credring lo)" "$(lines login logout)"
tap_is "bash: credring token <TAB>: the account names" "$(complete_bash credring token '')" \
	"$(lines ants-prod autograb me@placeos.example)"
tap_is "bash: credring token a<TAB>" "$(complete_bash credring token a)" "$(lines ants-prod autograb)"
tap_is "bash: credring token acct --<TAB>: token's options only" \
	"$(complete_bash credring token acct --)" \
	"$(lines --dry-run --force-refresh --format --min-valid --refused-token-stdin)"
tap_is "bash: credring token acct --format <TAB>" "$(complete_bash credring token acct --format '')" \
	"$(lines header json kubectl raw)"
tap_is "bash: credring token acct --format=<TAB> (COMP_WORDBREAKS splits at =)" \
	"$(complete_bash credring token acct --format = '')" "$(lines header json kubectl raw)"
tap_is "bash: credring status --format <TAB>" "$(complete_bash credring status --format '')" \
	"$(lines json text)"
tap_is "bash: credring providers --describe <TAB>: the provider names" \
	"$(complete_bash credring providers --describe '')" "$(lines acaengine ants autograb dataloy)"
tap_is "bash: credring providers --describe au<TAB>" \
	"$(complete_bash credring providers --describe au)" "autograb"
tap_is "bash: credring login acct --store <TAB>" "$(complete_bash credring login acct --store '')" \
	"kernel"
tap_is "bash: credring login acct --only <TAB>" "$(complete_bash credring login acct --only '')" \
	"$(lines client_secret password)"
tap_is "bash: credring logout <TAB>: the account names" "$(complete_bash credring logout '')" \
	"$(lines ants-prod autograb me@placeos.example)"
tap_is "bash: credring logout acct <TAB>: nothing after the account" \
	"$(complete_bash credring logout acct '')" ""
tap_is "bash: credring --config FILE logout <TAB>: that file's accounts" \
	"$(complete_bash credring --config "$OTHER_CONFIG" logout '')" "$(lines other-1 other-2)"
tap_is "bash: credring logout -c FILE <TAB> ... -c after the command too" \
	"$(complete_bash credring -c "$OTHER_CONFIG" logout '')" "$(lines other-1 other-2)"
tap_is "bash: credring help <TAB>: the commands" "$(complete_bash credring help '')" \
	"$(lines accounts curl doctor exec help login logout providers status token)"
tap_is "bash: credring providers <TAB>: no argument" "$(complete_bash credring providers '')" ""
tap_is "bash: credring --<TAB>: the global options" "$(complete_bash credring --)" \
	"$(lines --config --help --verbose --version)"
tap_is "bash: a name made of a shell command is not listed" "$(complete_bash credring token '$')" ""
tap_is "bash: nor run" "$(ls "$TEST_TMP" "$PWD" | grep -c PWNED)" "0"
# After exec's "--": commands; with bash-completion's library loaded (as in
# an interactive shell), then the command as bash completes it alone.
tap_contains "bash: credring exec acct -- gi<TAB>: commands" \
	"$(complete_bash credring exec acct -- gi)" git
BASH_COMPLETION_LIBRARY=/usr/share/bash-completion/bash_completion
if [ -f "$BASH_COMPLETION_LIBRARY" ]; then
	tap_is "bash, bash-completion loaded: credring exec acct -- git cherry-<TAB>: git's own" \
		"$( (. "$BASH_COMPLETION_LIBRARY" && . "$BASH_COMPLETION" &&
			complete_bash credring exec acct -- git cherry-) 2>/dev/null | tr -d ' ')" cherry-pick
else
	tap_skip "bash, bash-completion loaded: git's own completion after exec" "no bash-completion"
fi
CREDRING_PLUGIN_DIR=$EMPTY_PLUGIN_DIR DBUS_SESSION_BUS_ADDRESS=unix:path=$TEST_TMP/no-bus \
	tap_is "bash: credring token <TAB> without plugins or bus: the names all the same" \
	"$(CREDRING_PLUGIN_DIR=$EMPTY_PLUGIN_DIR DBUS_SESSION_BUS_ADDRESS=unix:path=$TEST_TMP/no-bus complete_bash credring token '')" \
	"$(lines ants-prod autograb me@placeos.example)"

# Every option of every command, as its help lists them: a new option that
# the completion lacks fails here.
help_long_options() {
	"$CREDRING" help "$1" | awk -v title="Options of $1:" '$0 == title { on = 1; next } /^$/ { on = 0 } on' |
		grep -oE -- '^ +(-[A-Za-z], )?--[a-z][a-z-]*' | grep -oE -- '--[a-z-]+' | sort
}
COMMANDS=$("$CREDRING" --help | awk '/^Commands:/ { on = 1; next } /^$/ && on { exit } on { print $1 }')
missing=
for command in $COMMANDS; do
	[ "$(complete_bash credring "$command" acct --)" = "$(help_long_options "$command")" ] ||
		missing+=" $command"
done
tap_is "bash: each command's options are exactly those its help lists" "$missing" ""
tap_is "bash: the commands are those credring --help lists" \
	"$(complete_bash credring '')" "$(lines $COMMANDS)"

# -- installed where each shell looks
tap_ok "installed: bash-completion/completions/credring" \
	cmp "$BASH_COMPLETION" "$TEST_INSTALL_ROOT/share/bash-completion/completions/credring"
tap_ok "installed: zsh/vendor-completions/_credring" \
	cmp "$ZSH_COMPLETION" "$TEST_INSTALL_ROOT/share/zsh/vendor-completions/_credring"
tap_ok "installed: fish/vendor_completions.d/credring.fish" \
	cmp "$FISH_COMPLETION" "$TEST_INSTALL_ROOT/share/fish/vendor_completions.d/credring.fish"
expected_dir=$(pkg-config --define-variable=prefix='${prefix}' --define-variable=datadir='${datadir}' \
	--variable=completionsdir bash-completion 2>/dev/null)
if [ -n "$expected_dir" ]; then
	tap_is "configure took bash-completion.pc's completionsdir, under our datadir" \
		"$(sed -n 's/^bashcompletiondir = //p' "$abs_top_builddir/Makefile")" "$expected_dir"
else
	tap_skip "configure took bash-completion.pc's completionsdir" "no bash-completion.pc here"
fi

# -- zsh and fish
if command -v zsh >/dev/null; then
	tap_ok "zsh -n _credring" zsh -n "$ZSH_COMPLETION"
	missing=
	for command in $COMMANDS; do
		grep -qE "^ +'$command:" "$ZSH_COMPLETION" || missing+=" $command"
		for option in $(help_long_options "$command"); do
			grep -qF -- "$option" "$ZSH_COMPLETION" || missing+=" $command$option"
		done
	done
	tap_is "zsh: every command and option is in _credring" "$missing" ""
fi
if command -v zsh >/dev/null && zsh -fc 'zmodload zsh/zpty' 2>/dev/null; then
	# What zsh's completion system offers, from an interactive zsh in a
	# pseudo-terminal (zsh-complete.zsh): one match a line, sorted.
	complete_zsh() {
		PATH=$abs_top_builddir/helpers:$PATH timeout 30 zsh -f "$ZSH_COMPLETE" \
			"$(dirname "$ZSH_COMPLETION")" "$TEST_TMP/zsh-hits" "$1" 2>&1
	}
	ZSH_COMPLETE=$abs_top_srcdir/tests/integration/zsh-complete.zsh
	tap_is "zsh: credring <TAB>: the commands" "$(complete_zsh 'credring ')" "$(sort <<<"$COMMANDS")"
	tap_is "zsh: credring token <TAB>: the account names" "$(complete_zsh 'credring token ')" \
		"$(lines ants-prod autograb me@placeos.example)"
	tap_is "zsh: credring --config OTHER status <TAB>: that file's accounts" \
		"$(complete_zsh "credring --config $OTHER_CONFIG status ")" "$(lines other-1 other-2)"
	tap_is "zsh: credring providers --describe <TAB>" \
		"$(complete_zsh 'credring providers --describe ')" "$(lines acaengine ants autograb dataloy)"
	# --config as zsh's own file completion writes a name with blanks and
	# brackets, quoted or not; and a name made of shell code is not run.
	odd_dir="$TEST_TMP/odd dir"
	mkdir -m 700 "$odd_dir"
	cp "$OTHER_CONFIG" "$odd_dir/acc [1].conf"
	tap_is "zsh: --config with blanks and brackets, escaped: that file's accounts" \
		"$(complete_zsh "credring --config $(printf %q "$odd_dir/acc [1].conf") status ")" \
		"$(lines other-1 other-2)"
	tap_is "zsh: --config=... quoted: that file's accounts" \
		"$(complete_zsh "credring --config='$odd_dir/acc [1].conf' token ")" "$(lines other-1 other-2)"
	complete_zsh "credring --config \"\$(touch $TEST_TMP/PWNED-zsh)\"x token " >/dev/null
	tap_ok "zsh: a --config made of a command substitution is not run" test ! -e "$TEST_TMP/PWNED-zsh"
	tap_is "zsh: credring login acct --store <TAB>" "$(complete_zsh 'credring login acct --store ')" \
		kernel
	tap_is "zsh: credring token acct --format <TAB>" \
		"$(complete_zsh 'credring token acct --format ')" "$(lines header json kubectl raw)"
	tap_is "zsh: credring exec acct <TAB>: the -- before the command" \
		"$(complete_zsh 'credring exec acct ')" -- 
	tap_contains "zsh: credring exec acct -- gi<TAB>: commands" \
		"$(complete_zsh 'credring exec acct -- gi')" git
	tap_is "zsh: credring exec acct -- git cherry-<TAB>: git's own completion" \
		"$(complete_zsh 'credring exec acct -- git cherry-')" cherry-pick
	tap_is "zsh: credring exec acct --env X <TAB>: the -- after exec's option" \
		"$(complete_zsh 'credring exec acct --env X ')" --
	tap_contains "zsh: credring exec acct --env X -- gi<TAB>: commands" \
		"$(complete_zsh 'credring exec acct --env X -- gi')" git
	tap_is "zsh: credring curl acct -- $TEST_TMP/compl<TAB>: files" \
		"$(mkdir -p "$TEST_TMP/completion-dir" && complete_zsh "credring curl acct -- $TEST_TMP/compl")" \
		completion-dir
	missing=
	for command in $COMMANDS; do
		# providers takes no account (zsh, unlike fish, says so by offering nothing).
		line="credring $command acct --"
		[ "$command" = providers ] && line="credring providers --"
		got=$(complete_zsh "$line" | grep -- '^--[a-z]')
		[ "$got" = "$(help_long_options "$command")" ] ||
			{ missing+=" $command"; tap_diag "zsh, $command: offered" "$got"; }
	done
	tap_is "zsh: each command's options are exactly those its help lists" "$missing" ""
elif command -v zsh >/dev/null; then
	tap_skip "zsh: completion as a person meets it" "zsh has no zsh/zpty module here"
else
	tap_skip "zsh -n _credring" "zsh is not installed"
fi
if command -v fish >/dev/null; then
	tap_ok "fish -n credring.fish" fish -n "$FISH_COMPLETION"
	# fish -c "complete -C LINE": what fish offers, one a line.
	complete_fish() {
		PATH=$abs_top_builddir/helpers:$PATH fish --no-config -c \
			"source $FISH_COMPLETION; complete -C '$1'" 2>&1 | cut -f1 | sort
	}
	tap_is "fish: credring token <TAB>: the account names" "$(complete_fish 'credring token ')" \
		"$(lines ants-prod autograb me@placeos.example)"
	tap_is "fish: credring providers --describe <TAB>" "$(complete_fish 'credring providers --describe ')" \
		"$(lines acaengine ants autograb dataloy)"
	tap_is "fish: credring login acct --store <TAB>" "$(complete_fish 'credring login acct --store ')" \
		"kernel"
	# After exec's "--", the command is completed as fish completes it on its
	# own (its completions autoloaded: no --no-config); after curl's, files.
	complete_fish_loaded() {
		PATH=$abs_top_builddir/helpers:$PATH fish -c \
			"source $FISH_COMPLETION; complete -C '$1'" 2>&1 | cut -f1 | sort
	}
	tap_contains "fish: credring exec acct -- gi<TAB>: commands" \
		"$(complete_fish_loaded 'credring exec acct -- gi')" git
	tap_is "fish: credring exec acct -- git cherry-<TAB>: git's own completion" \
		"$(complete_fish_loaded 'credring exec acct -- git cherry-')" cherry-pick
	tap_is "fish: credring exec acct -- ls $TEST_TMP/compl<TAB>: that command's files" \
		"$(mkdir -p "$TEST_TMP/completion-dir" && complete_fish_loaded "credring exec acct -- ls $TEST_TMP/compl")" \
		"$TEST_TMP/completion-dir/"
	tap_is "fish: credring curl acct -- $TEST_TMP/compl<TAB>: files" \
		"$(complete_fish_loaded "credring curl acct -- $TEST_TMP/compl")" "$TEST_TMP/completion-dir/"
	missing=
	for command in $COMMANDS; do
		[ "$(complete_fish "credring $command acct --" | grep -- '^--')" = \
			"$(help_long_options "$command")" ] || missing+=" $command"
	done
	tap_is "fish: each command's options are exactly those its help lists" "$missing" ""
else
	tap_skip "fish -n credring.fish" "fish is not installed"
fi

tap_done
