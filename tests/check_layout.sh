#!/bin/sh
# check_layout.sh - `make lint-layout`: the tree's shape rules (issue 12,
# README "Layout").  Prints every breach and exits 1 if there is one.
#   1. no shipped .c or .h over MAX_LINES lines;
#   2. no function over MAX_FN lines (from its name's line to its closing
#      brace; functions are written as style(9) has them: the name at
#      column 0, braces alone at column 0), tools/sim excepted;
#   3. folders of different programs do not include each other's headers:
#      server/ includes nothing of client/ or agent/, and the reverse;
#      lsdistcc/ nothing of client/, agent/ or server/; tray/ and top/
#      nothing but their own and the public <ccpool.h> (users of the
#      library);
#   4. no circle between two files: a.o calls b.o while b.o calls a.o
#      (read from the build's objects, BUILD_DIR/obj; skipped without).
# With -s it prints the figures only (files over the limit, functions
# over it) and exits 0: the closing note's before/after.
#
# Usage: tests/check_layout.sh [-s] [BUILD_DIR]   (from the tree's top)
set -u
MAX_LINES=800
MAX_FN=80
summary=0
[ "${1:-}" = -s ] && { summary=1; shift; }
obj=${1:-build}/obj
dirs="common discovery client agent server lsdistcc tray top"
files=$(for d in $dirs; do
	[ -d "$d" ] && find "$d" -name '*.[ch]'
done | sort)
bad=0

# 1. file sizes
big=$(for f in $files; do
	n=$(wc -l <"$f")
	[ "$n" -gt $MAX_LINES ] && echo "$f: $n lines"
done)
nbig=$(printf '%s' "$big" | grep -c . || true)

# 2. function sizes: name line (identifier + '(' at column 0) to '^}'
long=$(for f in $files; do
	awk -v f="$f" -v max=$MAX_FN '
		/^[A-Za-z_][A-Za-z0-9_]*\(/ { name = $0; sub(/\(.*/, "", name);
			start = NR; next }
		/^\{/ { if (start) infn = 1; next }
		/^\}/ { if (infn && NR - start + 1 > max)
				printf "%s: %s %d lines\n", f, name, NR - start + 1;
			infn = 0; start = 0 }
	' "$f"
done)
nlong=$(printf '%s' "$long" | grep -c . || true)

# 3. includes across programs
cross=$(for f in $files; do
	case $f in
	server/*) deny='client/|agent/' ;;
	client/*|agent/*) deny='server/' ;;
	lsdistcc/*) deny='client/|agent/|server/' ;;
	tray/*|top/*) deny='common/|discovery/|libccpool/|client/|agent/|server/|lsdistcc/' ;;
	common/*|discovery/*) deny='client/|agent/|server/|lsdistcc/' ;;
	*) continue ;;
	esac
	grep -nE "^#include \"($deny)" "$f" | sed "s|^|$f:|"
done)
ncross=$(printf '%s' "$cross" | grep -c . || true)

# 4. circles: two object files that each call the other (nm of the
# build's objects; the shipped folders only)
circ=
if [ -d "$obj" ]; then
	tmp=$(mktemp -d /tmp/ccpool-layout.XXXXXX) || exit 1
	trap 'rm -rf "$tmp"' EXIT
	# the tray's objects are built apart (BUILD_DIR/tobj: public header)
	for d in $dirs; do
		[ -d "$obj/$d" ] && find "$obj/$d" -name '*.o'
		[ -d "${obj%/obj}/tobj/$d" ] &&
		    find "${obj%/obj}/tobj/$d" -name '*.o' ! -name 'tmp_*'
	done | while read -r o; do
		m=${o#"$obj"/}
		m=${m#"${obj%/obj}/tobj/"}
		nm --defined-only -g "$o" | awk -v m="$m" '{ print $3, m }'
		nm -u "$o" | awk -v m="$m" '{ print $2, m }' >>"$tmp/uses"
	done | sort >"$tmp/defs"
	sort -o "$tmp/uses" "$tmp/uses" 2>/dev/null
	# user -> definer, once per pair
	join "$tmp/uses" "$tmp/defs" | awk '$2 != $3 { print $2, $3 }' |
	    sort -u >"$tmp/edges"
	circ=$(awk '{ e[$1 " " $2] = 1 } END { for (k in e) {
		split(k, a, " "); if (a[1] < a[2] && ((a[2] " " a[1]) in e))
			print a[1] " <-> " a[2] } }' "$tmp/edges" | sort)
fi
ncirc=$(printf '%s' "$circ" | grep -c . || true)

echo "layout: $nbig files over $MAX_LINES lines, $nlong functions over" \
    "$MAX_FN lines, $ncross includes across programs, $ncirc include circles"
[ "$summary" = 1 ] && { printf '%s\n' "$big" "$long" | grep . ; exit 0; }
for part in "$big" "$long" "$cross" "$circ"; do
	[ -n "$part" ] && { printf '%s\n' "$part"; bad=1; }
done
exit $bad
