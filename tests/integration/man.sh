#!/bin/bash
# The manual pages: installed by `make install`, rendered by man and groff
# without a warning, and complete: every command and option the programs'
# --help lists, every exit status, every environment variable the sources
# read, every account key, provider file key and descriptor field the code
# knows is in its page.  The lists come from the programs and the sources,
# so a new option, key or variable fails this test until its page says it.
. "$(dirname "$0")/lib.sh"

MANDIR=$TEST_INSTALL_ROOT/share/man
PAGES="man1/credring.1 man1/git-credential-credring.1 man1/credring-service.1
	man5/credring-accounts.conf.5 man5/credring-provider.5 man7/credring-plugin.7"
SERVICE=$abs_top_builddir/helpers/credring-service
GIT_HELPER=$abs_top_builddir/helpers/git-credential-credring

# The page as text: wide, without hyphenation or justification, so that a
# name is never split; groff's hyphen and minus signs made plain "-".
render() {
	MANWIDTH=250 man --nh --nj -l "$1" 2>/dev/null | col -bx | sed 's/\xe2\x80\x90/-/g; s/\xe2\x88\x92/-/g'
}
# The lines of section NAME (a heading at column 0) of text on stdin.
section() { awk -v name="$1" '/^[^ ]/ { on = ($0 == name); next } on'; }
# The sections whose heading matches the regular expression.
sections_matching() { awk -v re="$1" '/^[^ ]/ { on = ($0 ~ re); next } on'; }
# Subsection NAME (indented 3) of the text on stdin.
subsection() { awk -v name="   $1" '/^[^ ]/ || /^   [^ ]/ { on = ($0 == name); next } on'; }
# The tags of the items: the lines indented 7 (one tag wraps onto more)
# right before a line indented 11.
tags() { awk '/^       [^ ]/ { tag = tag " " $0; next } /^           [^ ]/ && tag != "" { print tag } { tag = "" }'; }
# Each name of a tag line ("-f, --format FORMAT" gives -f and --format; "a, b" both).
tag_names() { tags | tr ',|[]*' '\n' | sed 's/^ *//; s/ .*//' | grep -v '^$' | sort -u; }
# The long and short options a GOption help section lists.
help_options() { awk -v title="$1" '$0 == title { on = 1; next } /^$/ { on = 0 } on' |
	grep -oE '^ +(-[A-Za-z], )?--[a-z][a-z-]*' | tr ',' '\n' | sed 's/^ *//' | grep -v '^$'; }

# -- installed, and rendered without a warning
for page in $PAGES; do
	tap_ok "installed: \$(mandir)/$page" test -s "$MANDIR/$page"
	warnings=$(MANWIDTH=80 man --warnings -l "$MANDIR/$page" 2>&1 >/dev/null)
	tap_is "man --warnings -l $page: no warning" "$warnings" ""
	warnings=$(groff -man -ww -z "$MANDIR/$page" 2>&1)
	tap_is "groff -man -ww $page: no warning" "$warnings" ""
done

CREDRING_1=$(render "$MANDIR/man1/credring.1")
GIT_1=$(render "$MANDIR/man1/git-credential-credring.1")
SERVICE_1=$(render "$MANDIR/man1/credring-service.1")
ACCOUNTS_5=$(render "$MANDIR/man5/credring-accounts.conf.5")
PROVIDER_5=$(render "$MANDIR/man5/credring-provider.5")
PLUGIN_7=$(render "$MANDIR/man7/credring-plugin.7")

# -- credring(1): every command, with every option its help lists
run_credring --help
COMMANDS=$(awk '/^Commands:/ { on = 1; next } /^$/ && on { exit } on { print $1 }' <<<"$RUN_OUT")
tap_isnt "credring --help lists commands" "$COMMANDS" ""
missing=
for command in $COMMANDS; do
	chunk=$(section COMMANDS <<<"$CREDRING_1" | subsection "$command")
	if [ -z "$chunk" ]; then
		missing+=" $command"
		continue
	fi
	run_credring help "$command"
	documented=$(tag_names <<<"$chunk")
	for option in $(help_options "Options of $command:" <<<"$RUN_OUT"); do
		grep -qxF -- "$option" <<<"$documented" || missing+=" $command$option"
	done
	grep -qE "^ +credring $command( |$)" <<<"$chunk" || missing+=" $command(usage)"
	synopsis=$(section SYNOPSIS <<<"$CREDRING_1")
	grep -qE "^ +credring $command( |$)" <<<"$synopsis" || missing+=" $command(synopsis)"
done
tap_is "credring(1): a subsection, usage and SYNOPSIS line for every command, and every option of each (from credring help COMMAND)" "$missing" ""

missing=
documented=$(section "GLOBAL OPTIONS" <<<"$CREDRING_1" | tag_names)
run_credring --help
for option in $(help_options "Global options:" <<<"$RUN_OUT"); do
	grep -qxF -- "$option" <<<"$documented" || missing+=" $option"
done
tap_is "credring(1): every global option" "$missing" ""

# -- exit statuses: 0 and each CR_ERROR_* code
codes="0 $(sed -n 's/^ *CR_ERROR_[A-Z_]* = \([0-9]*\),.*/\1/p' "$abs_top_srcdir/core/credring/credring.h" | tr '\n' ' ')"
missing=
for page in CREDRING_1 GIT_1; do
	documented=$(section "EXIT STATUS" <<<"${!page}" | tag_names)
	for code in $codes; do
		grep -qxF "$code" <<<"$documented" || missing+=" $page:$code"
	done
done
tap_is "credring(1), git-credential-credring(1): every exit status ($codes)" "$missing" ""

# -- environment variables: every one the sources read, in the page of the
# program that reads it (the core's: every program's).
env_read() {
	grep -ohE '(cr_getenv_secure|g_getenv|secure_getenv|getenv) \("[A-Z_]+"\)' "$@" |
		sed 's/.*("\(.*\)")/\1/'
	grep -qE 'g_get_user_config_dir' "$@" && echo XDG_CONFIG_HOME
	grep -qE 'g_get_user_cache_dir' "$@" && echo XDG_CACHE_HOME
}
core_sources=$(find "$abs_top_srcdir/core" -name '*.c')
cli_sources=$(ls "$abs_top_srcdir"/helpers/*.c | grep -v git-credential-credring)
missing=
check_env() { # PAGE-VARIABLE SOURCES...
	local page=$1 documented var
	shift
	documented=$(section ENVIRONMENT <<<"${!page}" | tag_names)
	for var in $(env_read "$@" | sort -u); do
		grep -qxF "$var" <<<"$documented" || missing+=" $page:$var"
	done
}
# shellcheck disable=SC2086
check_env CREDRING_1 $core_sources $cli_sources
# shellcheck disable=SC2086
check_env GIT_1 $core_sources "$abs_top_srcdir/helpers/git-credential-credring.c"
# shellcheck disable=SC2086
check_env SERVICE_1 $core_sources "$abs_top_srcdir"/helpers/service/*.c
tap_is "every environment variable the sources read is in ENVIRONMENT of its program's page" "$missing" ""
tap_contains "the sources' list is not empty (CREDRING_CONFIG found)" "$(env_read $core_sources)" CREDRING_CONFIG

# -- git-credential-credring(1): its options and actions
"$GIT_HELPER" --help >"$TEST_TMP/git-help" 2>&1
missing=
documented=$(section OPTIONS <<<"$GIT_1" | tag_names)
for option in $(help_options "Application Options:" <"$TEST_TMP/git-help") -h --help; do
	grep -qxF -- "$option" <<<"$documented" || missing+=" $option"
done
documented=$(section ACTIONS <<<"$GIT_1" | tag_names)
actions=$(sed -n 's/^ *git-credential-credring \[OPTION.*\] \(.*\)$/\1/p' "$TEST_TMP/git-help" | tr '|' ' ')
tap_isnt "git-credential-credring --help names its actions" "$actions" ""
for action in $actions; do
	grep -qxF -- "$action" <<<"$documented" || missing+=" $action"
done
tap_is "git-credential-credring(1): every option and action its --help lists" "$missing" ""

# -- credring-service(1): its options
"$SERVICE" --help >"$TEST_TMP/service-help" 2>&1
missing=
documented=$(section OPTIONS <<<"$SERVICE_1" | tag_names)
for option in $(help_options "Application Options:" <"$TEST_TMP/service-help") -h --help; do
	grep -qxF -- "$option" <<<"$documented" || missing+=" $option"
done
tap_is "credring-service(1): every option its --help lists" "$missing" ""

# -- credring-accounts.conf(5): every key the code accepts: those every
# account takes (cr_account_common_keys), scope, and each provider's.
common_keys=$(awk '/cr_account_common_keys\[\] = \{/ { on = 1; next } on && /};/ { exit } on' \
	"$abs_top_srcdir/core/account/config.c" | grep -oE '"[a-z_]+"' | tr -d '"')
tap_like "cr_account_common_keys read from core/account/config.c" "$common_keys" 'provider'
provider_keys=
run_credring providers --names
for provider in $RUN_OUT; do
	run_credring providers --describe "$provider"
	provider_keys+=" $(sed -n 's/^\t\(required\|optional\) account keys: //p' <<<"$RUN_OUT" | tr ',' ' ')"
done
tap_like "the providers' keys (credring providers --describe)" "$provider_keys" 'audience'
documented=$(sections_matching '^(KEYS|PROVIDER PARAMETERS)' <<<"$ACCOUNTS_5" | tag_names)
missing=
for key in $(printf '%s\n' $common_keys scope $provider_keys | sort -u); do
	grep -qxF "$key" <<<"$documented" || missing+=" $key"
done
tap_is "credring-accounts.conf(5): every account key" "$missing" ""

# -- credring-provider(5): every key a provider file takes (known_keys)
file_keys=$(awk '/known_keys\[\] = \{/ { on = 1; next } on && /};/ { exit } on' \
	"$abs_top_srcdir/core/provider/provider-file.c" | grep -oE '"[a-z_]+"' | tr -d '"')
tap_like "known_keys read from core/provider/provider-file.c" "$file_keys" 'token_url'
documented=$(section KEYS <<<"$PROVIDER_5" | tag_names)
missing=
for key in $file_keys; do
	grep -qxF "$key" <<<"$documented" || missing+=" $key"
done
tap_is "credring-provider(5): every provider file key" "$missing" ""

# -- credring-plugin(7): every field of the descriptor
fields=$(awk '/^typedef struct \{/ { on = 1; body = ""; next } /^\} CrPluginDescriptor;/ { print body; exit }
	on { body = body "\n" $0 }' "$abs_top_srcdir/core/credring/plugin.h" |
	sed 's|/\*.*\*/||; s|/\*.*||; s|^ *\*.*||' | grep -oE '[a-z_]+;' | tr -d ';')
tap_like "the descriptor's fields read from plugin.h" "$fields" 'token_url'
documented=$(section "THE DESCRIPTOR" <<<"$PLUGIN_7" | tag_names)
missing=
for field in $fields; do
	grep -qxF "$field" <<<"$documented" || missing+=" $field"
done
tap_is "credring-plugin(7): every descriptor field" "$missing" ""
tap_contains "credring-plugin(7) points at the header" "$PLUGIN_7" "<credring/plugin.h>"

# -- every page names the others it refers to, as NAME(SECTION)
for ref in "credring-accounts.conf(5)" "credring-provider(5)" "credring-plugin(7)" \
	"git-credential-credring(1)" "credring-service(1)"; do
	tap_contains "credring(1) refers to $ref" "$(section "SEE ALSO" <<<"$CREDRING_1")" "$ref"
done

tap_done
