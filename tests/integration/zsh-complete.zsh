#!/bin/zsh -f
# zsh-complete.zsh FPATH-DIR HITS-FILE LINE: what zsh's completion system
# offers for LINE<TAB>, one match a line, sorted: an interactive zsh in a
# pseudo-terminal (zsh/zpty), compinit with FPATH-DIR first, and compadd
# wrapped to write each match it is given to HITS-FILE, as it is added.
# The caller bounds it (timeout(1)).
zmodload zsh/zpty || exit 2
local fdir=$1 hits=$2 line=$3
: >$hits
zpty shell zsh -f -i
zpty -w shell "PS1= RPROMPT=; fpath=(${(q)fdir} \$fpath); autoload -Uz compinit; compinit -u -D"
# The matches, NUL-separated, on fd 9; compadd's own queries (-O, -A, -D)
# are passed through untouched.
zpty -w shell "exec 9>>${(q)hits}"
zpty -w shell 'compadd() {
  if [[ ${@[1,(i)(-|--)]} == *-(O|A|D)\ * ]]; then builtin compadd "$@"; return; fi
  local -a __hits; builtin compadd -A __hits "$@"; local r=$?
  (( $#__hits )) && print -rn -u 9 -- "${(pj:\0:)__hits}"$'"'\0'"'
  builtin compadd "$@"; return r
}'
# Ctrl-X after the Tab: a widget that says the completion is over.
zpty -w shell "completion-done() { print -n '<<DO''NE>>'; }; zle -N completion-done; bindkey '^X' completion-done; bindkey '^I' complete-word"
zpty -w -n shell "$line"$'\t\x18'
zpty -r shell out '*<<DONE>>*'
zpty -d shell
tr '\0' '\n' <$hits | sed 's/ *$//' | grep . | sort -u
