#!/bin/bash
# t_buildtools.sh - ccpool under the build tools of README (issue 16):
# ccpoold on h1, builds on h2.  One small C project (made here: no real
# one of each kind is on a Debian machine without the network), built by
#  1. CMake with CMAKE_C_COMPILER_LAUNCHER=ccpool,
#  2. Meson with CC="ccpool gcc",
#  3. autotools, ./configure CC="ccpool gcc",
#  4. ccache in front, CCACHE_PREFIX=ccpool,
#  5. plain make with a masquerade directory first in PATH;
# each once locally and once through ccpool: jobs ran on h1 (its status
# page's counter), and every object is identical to the local build's.
set -u
. "$(dirname "$0")/lab.sh"
B=${CCPOOL_BUILD:?}
fail() { echo "FAIL: $*"; exit 1; }
t0=$(date +%s)

lab_up 2 || exit $?
S=$(lab_state_dir)
RUN=$S/h2/run
mkdir -p -m 700 "$RUN"
h2() { lab_exec 2 env XDG_RUNTIME_DIR="$RUN" "$@"; }
printf 'workdir = %s/work\nuser = nobody\nload_tolerance = 102400\nmemory_pressure = 100\n' "$S" \
    >"$S/ccpoold.conf"
lab_spawn 1 ccpoold "$B/ccpoold" -d -f "$S/ccpoold.conf" >/dev/null
jobs_done() {
	h2 curl -sk --max-time 5 "https://$(lab_addr 1):3634/status" |
	    jq -r '.counters.jobs_done'
}
for n in $(seq 50); do
	case $(jobs_done) in [0-9]*) break ;; esac
	sleep 0.2
done
export CCPOOL_HOSTS=$(lab_addr 1) CCPOOL_PLACE_LOCAL=0

# the project: four sources, one header, the build files of each tool
P=$S/src
mkdir -p "$P"
for f in a b c d; do
	printf '#include "demo.h"\nint %s_val(int x) { return x * %d + DEMO_BIAS; }\n' \
	    "$f" "$(printf %d "'$f")" >"$P/$f.c"
done
printf '#define DEMO_BIAS 7\nint a_val(int), b_val(int), c_val(int), d_val(int);\n' \
    >"$P/demo.h"
printf '#include <stdio.h>\n#include "demo.h"\nint main(void) { printf("%%d\\n", a_val(1) + b_val(2) + c_val(3) + d_val(4)); return 0; }\n' \
    >"$P/main.c"
SRCS="a.c b.c c.c d.c main.c"
printf 'cmake_minimum_required(VERSION 3.13)\nproject(demo C)\nadd_executable(demo %s)\n' \
    "$SRCS" >"$P/CMakeLists.txt"
printf "project('demo', 'c')\nexecutable('demo', '%s')\n" \
    "$(echo $SRCS | sed "s/ /', '/g")" >"$P/meson.build"
printf 'AC_INIT([demo], [1])\nAM_INIT_AUTOMAKE([foreign])\nAC_PROG_CC\nAC_CONFIG_FILES([Makefile])\nAC_OUTPUT\n' \
    >"$P/configure.ac"
printf 'bin_PROGRAMS = demo\ndemo_SOURCES = %s demo.h\n' "$SRCS" >"$P/Makefile.am"
printf 'OBJS = %s\ndemo: $(OBJS)\n\t$(CC) -o $@ $(OBJS)\n%%.o: %s/%%.c\n\t$(CC) $(CFLAGS) -c -o $@ $<\n' \
    "$(echo $SRCS | sed 's/\.c/.o/g')" "$P" >"$P/plain.mk"

# compare OUT1 OUT2: the same objects (by name under each), identical
compare() {
	local n=0 o
	while IFS= read -r o; do
		n=$((n + 1))
		cmp -s "$1/$o" "$2/$o" || fail "$3: $o differs"
	done < <(cd "$1" && find . -name '*.o' | sort)
	[ "$n" -ge 5 ] || fail "$3: $n objects"
	[ "$(cd "$2" && find . -name '*.o' | wc -l)" -eq "$n" ] ||
	    fail "$3: not the same objects"
	echo "$n"
}
# remote TOOL OUT-LOCAL OUT-CCPOOL: the counter went up, objects identical
before=0
check() {
	local now n
	now=$(jobs_done)
	n=$(compare "$2" "$3" "$1") || { echo "$n"; exit 1; }
	[ "$now" -gt "$before" ] 2>/dev/null || fail "$1: no job ran on h1"
	echo "ok: $1: $((now - before)) jobs on h1, $n objects identical"
	before=$now
}
before=$(jobs_done)
W=$S/w
mkdir -p "$W"
export CFLAGS=-O2

# 1. CMake
if command -v cmake >/dev/null; then
	cmake -S "$P" -B "$W/cm-l" >"$S/cm.log" 2>&1 &&
	    cmake --build "$W/cm-l" >>"$S/cm.log" 2>&1 || fail "cmake: $(tail "$S/cm.log")"
	h2 cmake -S "$P" -B "$W/cm-r" -DCMAKE_C_COMPILER_LAUNCHER="$B/ccpool" \
	    >>"$S/cm.log" 2>&1 && h2 cmake --build "$W/cm-r" >>"$S/cm.log" 2>&1 ||
	    fail "cmake through ccpool: $(tail "$S/cm.log")"
	check cmake "$W/cm-l" "$W/cm-r"
else echo "SKIP: cmake: not installed (make deps)"; fi

# 2. Meson (with ninja)
if command -v meson >/dev/null && command -v ninja >/dev/null; then
	(cd "$P" && meson setup --buildtype=plain "$W/me-l" && ninja -C "$W/me-l") \
	    >"$S/me.log" 2>&1 || fail "meson: $(tail "$S/me.log")"
	(cd "$P" && h2 env CC="$B/ccpool gcc" meson setup --buildtype=plain \
	    "$W/me-r" && h2 ninja -C "$W/me-r") >>"$S/me.log" 2>&1 ||
	    fail "meson through ccpool: $(tail "$S/me.log")"
	check meson "$W/me-l" "$W/me-r"
else echo "SKIP: meson: not installed (make deps)"; fi

# 3. autotools
if command -v autoreconf >/dev/null; then
	(cd "$P" && autoreconf -i) >"$S/at.log" 2>&1 || fail "autoreconf: $(tail "$S/at.log")"
	mkdir -p "$W/at-l" "$W/at-r"
	(cd "$W/at-l" && "$P/configure" && make) >>"$S/at.log" 2>&1 ||
	    fail "autotools: $(tail "$S/at.log")"
	(cd "$W/at-r" && h2 "$P/configure" CC="$B/ccpool gcc" && h2 make) \
	    >>"$S/at.log" 2>&1 || fail "autotools through ccpool: $(tail "$S/at.log")"
	check autotools "$W/at-l" "$W/at-r"
else echo "SKIP: autotools: not installed (make deps)"; fi

# 4. ccache in front: misses go to ccpool
mkdir -p "$W/pl-l" "$W/cc-r" "$W/ma-r"
make -C "$W/pl-l" -f "$P/plain.mk" CC=gcc >"$S/pl.log" 2>&1 ||
    fail "plain make: $(tail "$S/pl.log")"
if command -v ccache >/dev/null; then
	h2 env CCACHE_DIR="$S/ccache" CCACHE_PREFIX="$B/ccpool" \
	    make -C "$W/cc-r" -f "$P/plain.mk" CC="ccache gcc" >>"$S/pl.log" 2>&1 ||
	    fail "ccache through ccpool: $(tail "$S/pl.log")"
	check ccache "$W/pl-l" "$W/cc-r"
else echo "SKIP: ccache: not installed (make deps)"; fi

# 5. plain make, the masquerade directory first in PATH
"$B/ccpool" --update-masquerade="$S/masq" >"$S/masq.log" || fail "masquerade"
[ -L "$S/masq/gcc" ] || fail "no gcc in the masquerade directory"
h2 env PATH="$S/masq:$PATH" make -C "$W/ma-r" -f "$P/plain.mk" CC=gcc \
    >>"$S/pl.log" 2>&1 || fail "make through the masquerade: $(tail "$S/pl.log")"
check masquerade "$W/pl-l" "$W/ma-r"
echo "t_buildtools: $(( $(date +%s) - t0 )) s"
