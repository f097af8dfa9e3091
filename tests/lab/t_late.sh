#!/bin/bash
# t_late.sh - late binding (protocol version 2): ccpoold on h1..h3 (one
# slot each, so offers must wait for a pull), builds on h4 through
# `ccpool gcc`; the agent's log (CCPOOL_VERBOSE) says where each job went.
#  a. every job of a 12-source build is placed once (no job compiled
#     twice, none lost), jobs go out by pulls, and the objects equal a
#     local build's; prints offers per job;
#  b. h3's ccpoold frozen (SIGSTOP: its advert stays, its connections
#     stay open, it never pulls nor ends a withdrawn offer): the build
#     succeeds, every job placed once and none on h3, no job waits out
#     the AGENT_SLOT_WAIT_MS stand of its offers (the agent counts its
#     own unanswered offers as h3's queue and gives h3 up when it does
#     not end a withdrawn offer), same objects;
#  c. CCPOOL_LATE=0: no offers, jobs are sent as before, same objects.
set -u
. "$(dirname "$0")/lab.sh"
B=${CCPOOL_BUILD:?}
S=
fail() {
	echo "FAIL: $*"
	[ -n "$S" ] && tail -n 15 "$S"/h4/run/ccpool/agent*.log \
	    "$S"/h[123]/ccpoold*.log 2>/dev/null
	exit 1
}

lab_up 4 || exit $?
S=$(lab_state_dir)
RUN=$S/h4/run
mkdir -p -m 700 "$RUN"
h4() { lab_exec 4 env XDG_RUNTIME_DIR="$RUN" "$@"; }
alog() { cat "$RUN"/ccpool/agent*.log 2>/dev/null; }

printf 'workdir = %s/work\nuser = nobody\nload_tolerance = 102400\nmemory_pressure = 100\nslots = 1\nqueue = 1\n' \
    "$S" >"$S/ccpoold.conf"
for i in 1 2 3; do
	lab_spawn $i ccpoold "$B/ccpoold" -d -f "$S/ccpoold.conf" >/dev/null
done
lab_wait_ccpool 4 3 "$B/lsdistcc" || fail "servers not discovered"

# 12 sources of ~0.2 s each, and their local objects
W=$S/proj
mkdir -p "$W"
for f in $(seq 12); do
	for i in $(seq 60); do
		printf 'int g%d_%d(int *p, int n) { int s = 0; ' "$f" "$i"
		printf 'for (int i = 0; i < n; i++) s += p[i] * %d ^ (s >> 3); ' "$i"
		printf 'return s; }\n'
	done >"$W/s$f.c"
done
# shellcheck disable=SC2016
printf 'SRC = $(wildcard s*.c)\nall: $(SRC:%%.c=$(O)/%%.o)\n$(O)/%%.o: %%.c\n\t@mkdir -p $(O)\n\t$(CC) -O2 -c $< -o $@\n' \
    >"$W/Makefile"
make -C "$W" -j2 O=local CC=gcc >"$S/local.log" 2>&1 ||
    fail "local build: $(tail "$S/local.log")"
same() {	# same DIR: every object of DIR equals the local one
	local f
	for f in "$W"/local/*.o; do
		cmp -s "$f" "$W/$1/${f##*/}" || { echo "${f##*/} differs"; return 1; }
	done
}
cbuild() {	# cbuild OUT [env...]: the project through ccpool on h4, -j6
	local out=$1
	shift
	h4 env CCPOOL_VERBOSE=1 CCPOOL_PLACE_LOCAL=0 "$@" make -C "$W" -j6 \
	    O="$out" CC="$B/ccpool gcc" all >"$S/$out.log" 2>&1
}

# a. each job placed once, by pulls
cbuild a || fail "build a: $(tail "$S/a.log")"
same a || fail "objects differ (a)"
sent=$(alog | grep -cE 's[0-9]+\.c -> h[123] ')
pulled=$(alog | grep -c 'pulled its offer first')
resent=$(alog | grep -c '(resent)')
here=$(grep -c ' here: ' "$S/a.log")
offers=$(alog | sed -n 's/.* offered to \([0-9]*\) servers.*/\1/p' |
    awk '{ s += $1 } END { print s + 0 }')
echo "a: 12 jobs: $sent sent ($pulled pulled, $resent re-sent), $here here; $offers offers"
[ "$pulled" -gt 0 ] || fail "no job was pulled"
[ "$resent" -eq 0 ] || fail "jobs were re-sent with every server up"
[ $((sent + here)) -eq 12 ] || fail "12 jobs, $sent sent and $here here"
for f in $(seq 12); do
	n=$(alog | grep -cE "(^|[ /])s$f\.c -> h")
	[ "$n" -le 1 ] || fail "s$f.c placed $n times"
done
echo "ok: every job placed once, $((offers * 100 / 12)) offers per 100 jobs"

# b. a server frozen while it holds offers
PG3=$(cat "$S/h3/ccpoold.pid")
l0=$(alog | wc -l)
blog() { alog | tail -n "+$((l0 + 1))"; }	# the agent's log of b
kill -STOP -- "-$PG3"
cbuild b; rc=$?
kill -CONT -- "-$PG3"
[ "$rc" -eq 0 ] || fail "build b: $(tail "$S/b.log")"
same b || fail "objects differ (b)"
for f in $(seq 12); do
	n=$(blog | grep -cE "(^|[ /])s$f\.c -> h")
	[ "$n" -le 1 ] || fail "s$f.c placed $n times in b"
done
n3=$(blog | grep -cE 's[0-9]+\.c -> h3 ')
[ "$n3" -eq 0 ] || fail "$n3 jobs went to the frozen h3"
stood=$(blog | grep -c 'no server pulled it in 30000 ms')
[ "$stood" -eq 0 ] || fail "$stood jobs waited 30 s for a pull"
echo "b: h3 frozen: $(grep -c ' here: ' "$S/b.log") jobs here;" \
    "$(blog | grep -c 'no answer to a withdrawn offer') withdrawals unanswered"
echo "ok: a frozen server holds no job"

# c. no late binding
n0=$(alog | grep -c 'pulled its offer first')
cbuild c CCPOOL_LATE=0 || fail "build c: $(tail "$S/c.log")"
same c || fail "objects differ (c)"
n1=$(alog | grep -c 'pulled its offer first')
[ "$n0" -eq "$n1" ] || fail "CCPOOL_LATE=0 still offered"
echo "ok: CCPOOL_LATE=0 sends jobs as before"
if grep -l 'Sanitizer\|runtime error' "$RUN"/ccpool/agent*.log \
    "$S"/h[123]/ccpoold*.log 2>/dev/null; then
	fail "sanitizer reports above"
fi
echo PASS
