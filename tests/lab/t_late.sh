#!/bin/bash
# t_late.sh - late binding (protocol version 2) with real processes:
# ccpoold on h1..h5 (one slot each, so offers must wait for a pull),
# clients on h6..h8 building through `ccpool gcc` at -j6, each with its
# own agent (whose log, CCPOOL_VERBOSE, says where each job went), with
# late binding on (CCPOOL_LATE=1: opt-in).
#  a. the three clients build a 12-source project at once: every job is
#     compiled once (none twice, none lost), jobs go out by pulls, the
#     objects equal a local build's; prints offers per job and the jobs
#     sent again (a server that misses its keep-alives on a loaded
#     machine is failed over from, by design: counted, not a failure);
#  b. h5's ccpoold frozen (SIGSTOP: its advert stays, its connections
#     stay open, it never pulls nor ends a withdrawn offer) while h6
#     builds: no job is compiled on h5 or twice, none waits out the
#     AGENT_SLOT_WAIT_MS stand of its offers (the agent counts its own
#     unanswered offers as h5's queue and gives h5 up when it does not
#     end a withdrawn offer), same objects; prints the jobs sent to h5
#     and failed over from it;
#  c. h4's ccpoold killed while the three clients build at once (its
#     offers and jobs die with it): every build succeeds with the same
#     objects, and no job is compiled twice on the live servers (a job
#     placed again may be refused busy and go on to another);
#  d. CCPOOL_LATE=0: no offers, jobs are sent as before, same objects.
set -u
. "$(dirname "$0")/lab.sh"
. "$(dirname "$0")/project.sh"
B=${CCPOOL_BUILD:?}
S=
fail() {	# the logs' last lines, then the reason (last: the runner shows the tail)
	[ -n "$S" ] && tail -n 15 "$S"/h[678]/run/ccpool/agent*.log \
	    "$S"/h[1-5]/ccpoold*.log 2>/dev/null
	echo "FAIL: $*"
	exit 1
}

lab_up 8 || exit $?
S=$(lab_state_dir)
for c in 6 7 8; do mkdir -p -m 700 "$S/h$c/run"; done
alog() { cat "$S/h$1"/run/ccpool/agent*.log 2>/dev/null; }

printf 'workdir = %s/work\nuser = nobody\nload_tolerance = 102400\nmemory_pressure = 100\nslots = 1\nqueue = 1\n' \
    "$S" >"$S/ccpoold.conf"
for i in 1 2 3 4 5; do
	lab_spawn $i ccpoold "$B/ccpoold" -d -f "$S/ccpoold.conf" >/dev/null
done
for c in 6 7 8; do
	lab_wait_ccpool $c 5 "$B/lsdistcc" || fail "h$c: servers not discovered"
done

# 12 sources of ~0.2 s each, and their local objects
W=$S/proj
proj_gen "$W" 12 60 || fail "local build"
cbuild() {	# cbuild C OUT [env...]: the project through ccpool on hC, -j6
	local c=$1 out=$2
	shift 2
	lab_exec "$c" env XDG_RUNTIME_DIR="$S/h$c/run" CCPOOL_VERBOSE=1 \
	    CCPOOL_PLACE_LOCAL=0 CCPOOL_LATE=1 "$@" make -C "$W" -j6 O="$out" \
	    CC="$B/ccpool gcc" all >"$S/$out.log" 2>&1
}
together() {	# together PHASE: h6..h8 build at once, into PHASE6..PHASE8
	local c rc=0 pids=()
	for c in 6 7 8; do cbuild $c "$1$c" & pids+=($!); done
	[ $# -lt 2 ] || "$2"
	for c in "${!pids[@]}"; do wait "${pids[$c]}" || rc=1; done
	return $rc
}
mark() { for c in 6 7 8; do alog $c | wc -l >"$S/mark$c"; done; }
since() { alog "$1" | tail -n "+$(($(cat "$S/mark$1") + 1))"; }	# since mark
once() {	# once C [WHAT [HOSTS]]: no source WHAT ("->": sent) twice since mark
	local f n what=${2:-->} hosts=${3:-[1-5]}
	for f in $(seq 12); do
		n=$(since "$1" | grep -cE "(^|[ /])s$f\\.c $what h$hosts ")
		[ "$n" -le 1 ] || { echo "h$1: s$f.c $what h$hosts $n times"; return 1; }
	done
}

# a. three clients at once, each job placed once, by pulls
mark
together a || fail "build a: $(tail -3 "$S"/a[678].log)"
for c in 6 7 8; do
	proj_same "$W" a$c || fail "objects differ (a$c)"
	once $c "done on" || fail "a"
	remote=$(since $c | grep -cE 's[0-9]+\.c done on h[1-5] ')
	pulled=$(since $c | grep -c 'pulled its offer first')
	resent=$(since $c | grep -c '(resent)')
	here=$(grep -c ' here: ' "$S/a$c.log")
	offers=$(since $c | sed -n 's/.* offered to \([0-9]*\) servers.*/\1/p' |
	    awk '{ s += $1 } END { print s + 0 }')
	echo "a: h$c: 12 jobs: $remote compiled remotely ($pulled pulled," \
	    "$resent sent again after a server failed), $here here; $offers offers"
	[ "$pulled" -gt 0 ] || fail "h$c: no job was pulled"
	[ $((remote + here)) -eq 12 ] ||
	    fail "h$c: 12 jobs, $remote compiled remotely and $here here"
done
echo "ok: 36 jobs of 3 clients on 5 servers, each compiled once"

# b. a server frozen while it holds offers
PG5=$(cat "$S/h5/ccpoold.pid")
mark
kill -STOP -- "-$PG5"
cbuild 6 b6; rc=$?
kill -CONT -- "-$PG5"
[ "$rc" -eq 0 ] || fail "build b: $(tail "$S/b6.log")"
proj_same "$W" b6 || fail "objects differ (b)"
once 6 "done on" || fail "b"
n5=$(since 6 | grep -cE 's[0-9]+\.c done on h5 ')
[ "$n5" -eq 0 ] || fail "$n5 jobs compiled on the frozen h5"
stood=$(since 6 | grep -c 'no server pulled it in 30000 ms')
[ "$stood" -eq 0 ] || fail "$stood jobs waited 30 s for a pull"
echo "b: h5 frozen: $(grep -c ' here: ' "$S/b6.log") jobs here;" \
    "$(since 6 | grep -cE 's[0-9]+\.c -> h5 ') sent to h5 and failed over;" \
    "$(since 6 | grep -c 'no answer to a withdrawn offer') withdrawals unanswered"
echo "ok: a frozen server holds no job"

# c. a server dies while three clients build
kill4() {	# once any client's job has been pulled, or after 5 s
	local i
	for i in $(seq 50); do
		since 6 | grep -q 'pulled its offer first' && break
		sleep 0.1
	done
	lab_kill 4 ccpoold KILL
}
mark
together c kill4 || fail "build c: $(tail -3 "$S"/c[678].log)"
lost=0
for c in 6 7 8; do
	proj_same "$W" c$c || fail "objects differ (c$c)"
	once $c 'done on' '[1-3]' || fail "c"
	lost=$((lost + $(since $c | grep -c ' on h4 ')))
done
echo "c: h4 killed: $lost jobs or offers of h4 lost and placed again"
echo "ok: a server that dies mid-offer loses no job"

# d. no late binding
# (an agent of its own, with a log of its own: counts, not since)
n0=$(alog 6 | grep -c 'pulled its offer first')
cbuild 6 d6 CCPOOL_LATE=0 || fail "build d: $(tail "$S/d6.log")"
proj_same "$W" d6 || fail "objects differ (d)"
[ "$(alog 6 | grep -c 'pulled its offer first')" -eq "$n0" ] ||
    fail "CCPOOL_LATE=0 still offered"
echo "ok: CCPOOL_LATE=0 sends jobs as before"
if grep -l 'Sanitizer\|runtime error' "$S"/h[678]/run/ccpool/agent*.log \
    "$S"/h[1-5]/ccpoold*.log 2>/dev/null; then
	fail "sanitizer reports above"
fi
echo PASS
