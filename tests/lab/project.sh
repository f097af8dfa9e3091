# project.sh - sourced by lab tests, the demo and benchmarks: a real
# multi-file C project to build through the cluster.  proj_copy DIR puts
# ccpool's own sources  in DIR; they
# build with `make B=OUT all` and need only the Debian packages of
# `make deps`.  proj_objects DIR OUT lists the objects of a build.
# The project is built with its own defaults, never with the flags of the
# make that runs the tests (`make check SAN=...` exports them in MAKEFLAGS:
# sanitizer data holds column numbers, which differ by design).
unset MAKEFLAGS MFLAGS MAKELEVEL

proj_copy() {
	local top
	top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
	mkdir -p "$1"
	# every top-level folder with C sources (one per program, the library)
	(cd "$top" && tar cf - $(find . -maxdepth 2 -name '*.c' \
	    ! -path './build*' | cut -d/ -f2 | sort -u) Makefile config.mk) |
	    tar xf - -C "$1"
	# without the tray: its ten files preprocess to 2-3 MB each of GTK
	# headers, a third of a build's bytes for a twentieth of its files
	echo 'HAVE_TRAY =' >>"$1/config.mk"
}

# proj_part DIR OUT: make targets for the objects of the library's
# folders (common/, discovery/: some 45 compiles, a fifth of the whole),
# for tests whose subject is a protocol or a path, not a whole build
proj_part() {
	(cd "$1" && for f in common/*.c discovery/*.c; do
		echo "$2/obj/${f%.c}.o"
	done)
}

proj_objects() {
	(cd "$1/$2" && find obj -name '*.o' | sort)
}

# proj_compare DIR OUT1 OUT2: prints "N objects compared, M differ" and
# returns non-zero when any differs or none were built.
proj_compare() {
	local n=0 bad=0 o
	while IFS= read -r o; do
		n=$((n + 1))
		cmp -s "$1/$2/$o" "$1/$3/$o" ||
		    { echo "DIFFERS: $o"; bad=$((bad + 1)); }
	done < <(proj_objects "$1" "$2")
	echo "$n objects compared, $bad differ"
	[ "$bad" -eq 0 ] && [ "$n" -gt 0 ]
}

# CFLAGS without -g: such objects must be byte-identical to a local build.
PROJ_NOG_CFLAGS="-std=c11 -O2 -Wall -Wextra -Werror -fstack-protector-strong"

# proj_compare_g DIR OUT1 OUT2: for -g builds.  Compiling preprocessed
# text cannot reproduce the column numbers of lines where a macro
# expanded (the .i holds the expanded text; distcc has the same limit), so
# each object must have identical code and data (objcopy --strip-debug)
# and identical debug info but for DW_AT_*_column values (which includes
# DW_AT_comp_dir, DW_AT_name, DW_AT_producer, line numbers).
# The debug info of an object without column values, without the DIE
# offsets that the columns' encoded sizes shift, and without abbreviation
# numbers (a column that fits another form, or that several DIEs share as
# an implicit constant, renumbers the abbreviation table; the tags and
# every other attribute are still compared).
proj_dwarf() {
	readelf --debug-dump=info "$1" | grep -v '_column' |
	    sed -E 's/<[0-9a-fx]+>//g; s/\(indirect[^)]*\)//; s/byte block: [0-9a-f ]*//; s/Abbrev Number: [0-9]+/Abbrev Number:/; /Length:|Abbrev Offset/d'
}

proj_compare_g() {
	local n=0 bad=0 o t
	t=$(mktemp -d)
	while IFS= read -r o; do
		n=$((n + 1))
		objcopy --strip-debug "$1/$2/$o" "$t/a.o"
		objcopy --strip-debug "$1/$3/$o" "$t/b.o"
		proj_dwarf "$1/$2/$o" >"$t/a.i"
		proj_dwarf "$1/$3/$o" >"$t/b.i"
		if ! cmp -s "$t/a.o" "$t/b.o" || ! cmp -s "$t/a.i" "$t/b.i"; then
			echo "DIFFERS: $o"
			bad=$((bad + 1))
		fi
	done < <(proj_objects "$1" "$2")
	rm -rf "$t"
	echo "$n -g objects compared (code, data, debug info but columns), $bad differ"
	[ "$bad" -eq 0 ] && [ "$n" -gt 0 ]
}

# proj_slow_source DIR N: DIR/slow.c, N functions that take a while to
# compile at -O2 (to see a job running, queued or over a quota), and its
# preprocessed DIR/slow.i.
proj_slow_source() {
	local i
	for i in $(seq "$2"); do
		printf 'int g%d(int *p, int n) { int s = 0; ' "$i"
		printf 'for (int i = 0; i < n; i++) s += p[i] * %d ^ (s >> 3); ' "$i"
		printf 'return s; }\n'
	done >"$1/slow.c"
	gcc -E "$1/slow.c" -o "$1/slow.i"
}

# proj_gen DIR FILES FUNCS: a made-up project in DIR of FILES sources
# (s1.c ...) of FUNCS functions each (~0.2 s at 60, ~0.5 s at 160 on
# this machine's core), its Makefile (make O=OUT CC=...) and its local
# objects in DIR/local; 0, or 1 with the build's words.
proj_gen() {
	local f i
	mkdir -p "$1" || return 1
	for f in $(seq "$2"); do
		for i in $(seq "$3"); do
			printf 'int g%d_%d(int *p, int n) { int s = 0; ' "$f" "$i"
			printf 'for (int i = 0; i < n; i++) s += p[i] * %d ^ (s >> 3); ' "$i"
			printf 'return s; }\n'
		done >"$1/s$f.c"
	done
	# shellcheck disable=SC2016
	printf 'SRC = $(wildcard s*.c)\nall: $(SRC:%%.c=$(O)/%%.o)\n$(O)/%%.o: %%.c\n\t@mkdir -p $(O)\n\t$(CC) -O2 -c $< -o $@\n' \
	    >"$1/Makefile"
	make -C "$1" -j2 O=local CC=gcc >"$1/local.log" 2>&1 ||
	    { tail "$1/local.log"; return 1; }
}

# proj_same DIR OUT: every object of proj_gen's DIR/local equals OUT's.
proj_same() {
	local f
	for f in "$1"/local/*.o; do
		cmp -s "$f" "$1/$2/${f##*/}" || { echo "${f##*/} differs"; return 1; }
	done
}
