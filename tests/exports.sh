#!/bin/bash
# libcredring's export list, checked (TAP): what the built libcredring.so
# exports, the CR_EXPORT prototypes of the installed headers
# (core/credring/*.h) and the reviewed list in debian/libcredring0.symbols
# are the same names, and each export is documented in its header.  A
# function made public by accident, or one taken away, fails here, not
# first in a package build or in a program linked against the library.
set -u

src=${abs_top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
build=${abs_top_builddir:-$src}
NM=${NM:-nm}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/credring-exports.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT

la=$build/core/libcredring.la
dlname=$(sed -n "s/^dlname='\(.*\)'$/\1/p" "$la" 2>/dev/null)
if [ -z "$dlname" ]; then
	if [ -f "$la" ]; then
		echo "1..0 # SKIP libcredring was built without a shared library (configure --disable-shared)"
		exit 0
	fi
	echo "Bail out! $la is not built"
	exit 1
fi
so=$build/core/.libs/$dlname

n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() {
	n=$((n + 1)); echo "not ok $n - $1"; shift
	[ $# -gt 0 ] && printf '# %s\n' "$@"
}
# The names in file $1 and not in $2, and the other way round, as lines
# "LABEL1 only: NAME" for the diagnostics.
differences() {
	comm -23 "$1" "$2" | awk -v label="$3" '{ print label " only: " $0 }'
	comm -13 "$1" "$2" | awk -v label="$4" '{ print label " only: " $0 }'
}
same() {
	local what=$1 a=$2 b=$3 label_a=$4 label_b=$5
	if cmp -s "$a" "$b"; then
		ok "$what ($(wc -l <"$a") names)"
	else
		local lines
		mapfile -t lines < <(differences "$a" "$b" "$label_a" "$label_b")
		not_ok "$what" "${lines[@]}"
	fi
}

echo 1..4

# Every symbol the library defines for others, whatever its type (a
# variable would be ABI too), but the version nodes (A) a version script
# would add.
if "$NM" -D --defined-only "$so" >"$tmp/nm.out" 2>"$tmp/nm.err"; then
	awk 'NF >= 3 && $2 != "A" { print $3 }' "$tmp/nm.out" | LC_ALL=C sort -u >"$tmp/library"
else
	not_ok "$NM -D --defined-only $so" "$(cat "$tmp/nm.err")"
	: >"$tmp/library"
fi

# CR_EXPORT prototypes: the name is the word before the first '(' on the
# CR_EXPORT line (the headers start every prototype so).
sed -n 's/^CR_EXPORT[^(]*[ *]\([A-Za-z_][A-Za-z0-9_]*\) *(.*/\1/p' "$src"/core/credring/*.h |
	LC_ALL=C sort -u >"$tmp/headers"
grep -h '^CR_EXPORT' "$src"/core/credring/*.h | grep -v '^CR_EXPORT[^(]*[ *][A-Za-z_][A-Za-z0-9_]* *(' \
	>"$tmp/unparsed"

# " NAME@Base VERSION" lines; the header lines (soname, "* field") are not names.
sed -n 's/^ \([A-Za-z_][A-Za-z0-9_]*\)@Base .*/\1/p' "$src/debian/libcredring0.symbols" |
	LC_ALL=C sort -u >"$tmp/symbols"

if [ -s "$tmp/unparsed" ]; then
	mapfile -t lines <"$tmp/unparsed"
	not_ok "every CR_EXPORT line of core/credring/*.h names a function" "${lines[@]}"
else
	ok "every CR_EXPORT line of core/credring/*.h names a function"
fi
same "libcredring.so exports exactly the CR_EXPORT prototypes of core/credring/*.h" \
	"$tmp/library" "$tmp/headers" "exported by $dlname" "CR_EXPORT in core/credring/*.h"
same "debian/libcredring0.symbols lists exactly what libcredring.so exports" \
	"$tmp/library" "$tmp/symbols" "exported by $dlname" "debian/libcredring0.symbols"

# Documented: a comment ends on the line before the prototype, or before
# the group it belongs to: one-line prototypes in a row, read as one
# ("Free @config or @account", the enums' names).  A prototype that runs
# on over several lines ends a group: one after it needs its own comment.
awk '
	FNR == 1 { documented = 0; in_proto = 0 }
	/^CR_EXPORT/ {
		if (!documented) print FILENAME ":" FNR ": " $0
		in_proto = ($0 !~ /;[ \t]*$/)
		if (in_proto) documented = 0
		next
	}
	in_proto { in_proto = ($0 !~ /;[ \t]*$/); next }
	/\*\/[ \t]*$/ { documented = 1; next }
	{ documented = 0 }
' "$src"/core/credring/*.h | awk -v top="$src/" 'index($0, top) == 1 { $0 = substr($0, length(top) + 1) } { print }' >"$tmp/undocumented"
if [ -s "$tmp/undocumented" ]; then
	mapfile -t lines <"$tmp/undocumented"
	not_ok "every CR_EXPORT prototype has a comment in its header" "${lines[@]}"
else
	ok "every CR_EXPORT prototype has a comment in its header"
fi
