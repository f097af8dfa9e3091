#!/bin/sh
# record.sh - record the job durations of a real C build for the simulator.
#
# Builds every committed .c of a project (by default ccpool's own tree as
# committed at HEAD, exported with git archive so work in progress does
# not count) one file at a time as its Makefile does, timing the preprocessing
# (cc -E) and the compile of the preprocessed text (cc -c on the .i, what
# a compile server runs) separately, and writes
# tools/sim/trace-NAME.tsv: file, preprocess ms, compile ms, input bytes
# (preprocessed), output bytes (object), code bytes (the preprocessed
# bytes outside system headers, as client/code.c counts them).  Each figure is the minimum of
# REPEAT runs, so a busy machine adds less noise.
#
# usage: tools/sim/record.sh [NAME [SRCDIR]]      (REPEAT=2, CC=cc)
set -eu

name=${1:-ccpool}
top=$(cd "$(dirname "$0")/../.." && pwd)
out=$top/tools/sim/trace-$name.tsv
repeat=${REPEAT:-2}
cc=${CC:-cc}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
if [ $# -ge 2 ]; then
	src=$2
else
	mkdir "$tmp/src"
	git -C "$top" archive HEAD | tar -x -C "$tmp/src"
	git -C "$top" rev-parse HEAD >"$tmp/rev"
	src=$tmp/src
fi

# the flags the project's Makefile uses
cppflags=$(make -s -C "$src" --no-print-directory \
	--eval 'rec-cppflags: ; @echo $(CPPFLAGS)' rec-cppflags)
cflags=$(make -s -C "$src" --no-print-directory \
	--eval 'rec-cflags: ; @echo $(CFLAGS)' rec-cflags)

code() {	# the bytes of a .i outside system headers (client/code.c):
	# cpp's line markers say where the lines after them come from,
	# flag 3 a system header, <built-in> and the like no file
	LC_ALL=C awk '/^# [0-9]+ "/ || /^#line [0-9]+ "/ {
		sys = ($3 ~ /^"</)
		for (i = 4; i <= NF; i++) if ($i == 3) sys = 1
		next
	}
	!sys { n += length($0) + 1 }
	END { printf "%d\n", n }' "$1"
}

ms() {	# run "$@" and print its wall time in ms (3 decimals)
	t0=$(date +%s%N)
	"$@" >/dev/null 2>&1 || return 1
	t1=$(date +%s%N)
	echo $(( (t1 - t0) / 1000 ))
}

{
	echo "# ccpool simulator trace: $name${2:+ ($2)}$( [ -f "$tmp/rev" ] && echo " at $(cat "$tmp/rev")"), $(date -u +%Y-%m-%d)"
	echo "# cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), $(nproc) cores"
	echo "# cc: $($cc --version | head -1); CFLAGS: $cflags"
	echo "# min of $repeat runs; times in ms, sizes in bytes"
	printf 'file\tpre_ms\tcompile_ms\tin_bytes\tout_bytes\tcode_bytes\n'
} >"$tmp/trace"

cd "$src"
if [ -f "$tmp/rev" ]; then
	files=$(git -C "$top" ls-tree -r --name-only HEAD | grep '\.c$')
else
	files=$(git ls-files '*.c')
fi
n=0
for f in $files; do
	best_e=; best_c=
	i=0
	while [ $i -lt "$repeat" ]; do
		# shellcheck disable=SC2086
		e=$(ms $cc $cppflags -E -o "$tmp/x.i" "$f") || { e=; break; }
		# a .i has lost its /* FALLTHROUGH */ comments: a warning
		# that -Werror makes fatal is not what we time
		# shellcheck disable=SC2086
		c=$(ms $cc $cflags -c -o "$tmp/x.o" "$tmp/x.i") ||
		    c=$(ms $cc $cflags -Wno-error -c -o "$tmp/x.o" "$tmp/x.i") ||
		    { e=; break; }
		[ -z "$best_e" ] || [ "$e" -lt "$best_e" ] && best_e=$e
		[ -z "$best_c" ] || [ "$c" -lt "$best_c" ] && best_c=$c
		i=$((i + 1))
	done
	if [ -z "$e" ]; then
		echo "record.sh: skipping $f (does not compile alone)" >&2
		continue
	fi
	printf '%s\t%d.%03d\t%d.%03d\t%d\t%d\t%d\n' "$f" \
	    $((best_e / 1000)) $((best_e % 1000)) \
	    $((best_c / 1000)) $((best_c % 1000)) \
	    "$(stat -c %s "$tmp/x.i")" "$(stat -c %s "$tmp/x.o")" \
	    "$(code "$tmp/x.i")" >>"$tmp/trace"
	n=$((n + 1))
done
mv "$tmp/trace" "$out"
echo "record.sh: $n files -> $out"
