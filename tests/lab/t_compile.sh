#!/bin/bash
# t_compile.sh - remote compilation end to end on a 3-host lab: ccpoold on
# h1 and h2, builds on h3 through `ccpool gcc`.
#  1. a real multi-file project (ccpool's own sources) builds through the
#     cluster; without -g every object equals the local build's byte for
#     byte; with -g too but for column numbers (see proj_compare_g); both
#     servers ran jobs;
#  2. compile errors look exactly as locally (stderr, exit status, no
#     object left behind);
#  3. kill -9 of a server mid-build: the build still succeeds, objects
#     still identical;
#  4. a server started mid-build receives jobs;
#  5. a server without the client's toolchain receives none;
#  6. with one remote slot, jobs are placed on the idle client (after
#     their preprocessing, or at their hello with none) and give the same
#     objects;
#  7. against the running agent, CCPOOL_PLACE_LOCAL=0 is honoured (an
#     agent of its own) and CCPOOL_AGENT_IDLE, which it keeps, is said once;
#  8. one agent per network namespace: a wrapper on h2 given h3's
#     directory starts its own; one without a network (unshare -n) starts
#     none, and h3's next wrapper still finds the server.
set -u
. "$(dirname "$0")/lab.sh"
. "$(dirname "$0")/project.sh"
B=${CCPOOL_BUILD:?}
fail() { echo "FAIL: $*"; exit 1; }

lab_up 3 || exit $?
S=$(lab_state_dir)
# h3 is a client of two CPUs of its own (a CPU quota): its agent counts
# its idle cores there, in h3's cgroup, not on this whole machine, which
# other work may keep busy (no quota here: the machine's, as before)
lab_cgroup 3 2 ||
    echo "note: no CPU quota for h3: its agent measures the whole machine"
RUN=$S/h3/run
mkdir -p -m 700 "$RUN"
# on h3, with the agent's private directory inside the lab
h3() { lab_exec 3 env XDG_RUNTIME_DIR="$RUN" "$@"; }
jobs_on() {	# jobs_on I: jobs ccpoold on hI finished
	h3 curl -sk --max-time 5 "https://$(lab_addr "$1"):3634/status" |
	    jq -r '.counters.jobs_done'
}
wait_hosts() { lab_wait_ccpool 3 "$1" "$B/lsdistcc"; }

# job directories inside the lab: a kill -9 below leaves its own behind;
# started as root, ccpoold runs as nobody (and makes $S/work for it);
# the lab's hosts share the machine's CPUs, so each server would count
# the other's jobs and the client's work as its owner's: no shrinking
printf 'workdir = %s/work\nuser = nobody\nload_tolerance = 102400\nmemory_pressure = 100\n' "$S" \
    >"$S/ccpoold.conf"
lab_spawn 1 ccpoold "$B/ccpoold" -d -f "$S/ccpoold.conf" >/dev/null
lab_spawn 2 ccpoold "$B/ccpoold" -d -f "$S/ccpoold.conf" >/dev/null
wait_hosts 2 || fail "servers not discovered"

W=$S/proj
proj_copy "$W"
make -C "$W" -j2 B=build-local CFLAGS="$PROJ_NOG_CFLAGS" all \
    >"$S/local.log" 2>&1 || fail "local build: $(tail "$S/local.log")"
# -g: the library's folders (proj_part) are enough to compare debug info
# shellcheck disable=SC2046
make -C "$W" -j2 B=build-local-g $(proj_part "$W" build-local-g) \
    >"$S/localg.log" 2>&1 || fail "local -g build: $(tail "$S/localg.log")"
cbuild() {	# cbuild OUT JOBS [make args]: the project through ccpool on h3
	local out=$1 j=$2
	shift 2
	# shellcheck disable=SC2086  # CTARGETS: several targets, or all
	h3 env CCPOOL_VERBOSE=1 make -C "$W" -j"$j" B="$out" \
	    CC="$B/ccpool gcc" "$@" ${CTARGETS:-all} >"$S/$out.log" 2>&1
}

# 1. the whole project through the cluster, without and with -g
cbuild build-c1 6 CFLAGS="$PROJ_NOG_CFLAGS" ||
    fail "cluster build: $(tail "$S/build-c1.log")"
proj_compare "$W" build-local build-c1 || fail "objects differ"
CTARGETS=$(proj_part "$W" build-c1g) cbuild build-c1g 6 ||
    fail "cluster -g build: $(tail "$S/build-c1g.log")"
proj_compare_g "$W" build-local-g build-c1g || fail "-g objects differ"
remote=$(cat "$S/build-c1.log" "$S/build-c1g.log" | grep -c '^ccpool: .* -> ')
j1=$(jobs_on 1) j2=$(jobs_on 2)
echo "builds 1: $remote remote jobs; h1 ran $j1, h2 ran $j2"
[ "${j1:-0}" -gt 0 ] && [ "${j2:-0}" -gt 0 ] || fail "a server got no job"
echo "ok: project built through the cluster, objects identical"

# 2. compile errors look exactly as locally
mkdir -p "$S/err"
printf 'int f(void) { return x; }\nint g(void) { return 1 }\n' >"$S/err/bad.c"
(cd "$S/err" && gcc -g -c bad.c -o bad.o 2>local.err; echo $? >local.rc)
h3 sh -c "cd '$S/err' && CCPOOL_VERBOSE=0 '$B/ccpool' gcc -g -c bad.c \
    -o bad2.o 2>remote.err; echo \$? >remote.rc"
cmp "$S/err/local.err" "$S/err/remote.err" ||
    fail "stderr differs: $(diff "$S/err/local.err" "$S/err/remote.err")"
cmp "$S/err/local.rc" "$S/err/remote.rc" || fail "exit status differs"
[ ! -e "$S/err/bad2.o" ] || fail "object left behind by a failed compile"
echo "ok: compile errors as locally"

# 3. kill -9 of a server mid-build
cbuild build-c2 6 CFLAGS="$PROJ_NOG_CFLAGS" &
mk=$!
for n in $(seq 100); do
	grep -q ' -> ' "$S/build-c2.log" 2>/dev/null && break
	sleep 0.1
done
lab_kill 1 ccpoold KILL
wait $mk || fail "build failed after a server died: $(tail "$S/build-c2.log")"
proj_compare "$W" build-local build-c2 || fail "objects differ after kill"
echo "ok: build survives kill -9 of a server"

# 4. a server started mid-build receives jobs
lab_kill 2 ccpoold TERM
# -j3: more jobs at once than the client's two cores, which the agent
# may fill first (its local places); the build is long enough (7 s and
# more here) for the joiner to matter
cbuild build-c3 3 CFLAGS="$PROJ_NOG_CFLAGS" &
mk=$!
sleep 1
lab_spawn 1 ccpoold2 "$B/ccpoold" -d -f "$S/ccpoold.conf" >/dev/null
wait $mk || fail "build 3: $(tail "$S/build-c3.log")"
proj_compare "$W" build-local build-c3 || fail "objects differ (build 3)"
j=$(jobs_on 1)
echo "build 3: the late server ran ${j:-0} jobs"
[ "${j:-0}" -gt 0 ] || fail "server started mid-build got no job"
echo "ok: a server joining mid-build gets work"

# 5. a server without the client's toolchain receives none
lab_kill 1 ccpoold2 TERM
mkdir -p "$S/clangonly"
ln -sf "$(command -v clang)" "$S/clangonly/clang"
lab_spawn 2 ccpoold3 env PATH="$S/clangonly" "$B/ccpoold" -d -f "$S/ccpoold.conf" >/dev/null
wait_hosts 1 || fail "clang-only server not discovered"
# (the library's folders, proj_part: what is asked here needs no more)
CTARGETS=$(proj_part "$W" build-c4) cbuild build-c4 4 CFLAGS="$PROJ_NOG_CFLAGS" ||
    fail "build 4: $(tail "$S/build-c4.log")"
j=$(jobs_on 2)
[ "${j:-0}" -eq 0 ] || fail "server without gcc ran $j gcc jobs"
proj_compare "$W" build-c4 build-local || fail "objects differ (build 4)"
echo "ok: no job for a server without the toolchain"

# 6. one server with one slot and no queue, four jobs at a time: the agent
# places jobs on h3 while it has idle cores; they compile the text
# already preprocessed, as the server would, and their objects are the
# same
lab_kill 2 ccpoold3 TERM
printf 'workdir = %s/work\nuser = nobody\nload_tolerance = 102400\nmemory_pressure = 100\nslots = 1\nqueue = 0\n' \
    "$S" >"$S/one.conf"
lab_spawn 1 ccpoold4 "$B/ccpoold" -d -f "$S/one.conf" >/dev/null
wait_hosts 1 || fail "one-slot server not discovered"
CTARGETS=$(proj_part "$W" build-c5) cbuild build-c5 4 CFLAGS="$PROJ_NOG_CFLAGS" ||
    fail "build 5: $(tail "$S/build-c5.log")"
hello=$(grep -c ' here: would finish first (decided at its hello)' "$S/build-c5.log")
here=$(grep ' here: would finish first' "$S/build-c5.log" | grep -vc 'decided at its hello')
remote=$(grep -c ' -> ' "$S/build-c5.log")
echo "build 5: $here jobs placed here after preprocessing, $hello at their" \
    "hello (not preprocessed), $remote remote"
[ $((here + hello)) -gt 0 ] || fail "no job placed on the idle client"
# the first jobs say hello before any job is known: those are placed
# after preprocessing; once one is known, hellos are placed too
[ "$hello" -gt 0 ] || fail "no job placed here at its hello"
[ "$remote" -gt 0 ] || fail "no job for the one-slot server"
proj_compare "$W" build-c5 build-local || fail "objects differ (build 5)"
echo "ok: jobs placed here compile the preprocessed text, same objects"

agents() {	# agents DIR: "PID NETNS" of each agent running for DIR
	local f pid
	for f in "$1"/ccpool/agent*.pid; do
		read -r pid 2>/dev/null <"$f" || continue
		[ "$(cat "/proc/$pid/comm" 2>/dev/null)" = ccpool-agent ] &&
		    echo "$pid $(readlink "/proc/$pid/ns/net")"
	done
}

# 7. CCPOOL_PLACE_LOCAL=0 against h3's running agent, which places jobs
# here: an agent of its own, so no job placed here, while the server's
# one slot is busy and the client idle.  CCPOOL_AGENT_IDLE, which an
# agent keeps for its life, is said once.
mkdir -p "$S/pl"
for i in 1 2 3 4 5 6 7 8; do
	printf 'int f%d(int x) { return x * %d; }\n' "$i" "$i" >"$S/pl/f$i.c"
done
before=$(agents "$RUN" | wc -l)
[ "$before" -ge 1 ] || fail "h3's agent is not running"
h3 sh -c "cd '$S/pl' && for i in 1 2 3 4 5 6 7 8; do
    CCPOOL_VERBOSE=1 CCPOOL_PLACE_LOCAL=0 '$B/ccpool' gcc -O2 -c f\$i.c \
    -o f\$i.o 2>f\$i.err & done; wait"
for i in 1 2 3 4 5 6 7 8; do
	[ -s "$S/pl/f$i.o" ] || fail "f$i.o not made: $(cat "$S/pl/f$i.err")"
done
# placed here by the agent, after preprocessing or at the hello ("x.c
# here: would finish first..."; other jobs here are the cluster's misses)
n=$(cat "$S"/pl/f?.err | grep -c ' here: would finish first')
remote=$(cat "$S"/pl/f?.err | grep -c ' -> ')
echo "build 7: CCPOOL_PLACE_LOCAL=0: $n of 8 jobs placed here, $remote remote"
[ "$n" -eq 0 ] || fail "CCPOOL_PLACE_LOCAL=0 ignored: $(cat "$S"/pl/f?.err)"
[ "$remote" -gt 0 ] || fail "no job for the server: $(cat "$S"/pl/f?.err)"
[ "$(agents "$RUN" | wc -l)" -gt "$before" ] ||
    fail "no agent of its own for CCPOOL_PLACE_LOCAL=0: $(agents "$RUN")"
for i in 1 2; do
	h3 sh -c "cd '$S/pl' && CCPOOL_AGENT_IDLE=77 '$B/ccpool' gcc -c f1.c \
	    -o idle$i.o" 2>"$S/idle$i.err" || fail "idle $i: $(cat "$S/idle$i.err")"
done
grep -q 'keeps the settings it started with.*(yours: 77)' "$S/idle1.err" ||
    fail "the agent's own CCPOOL_AGENT_IDLE not said: $(cat "$S/idle1.err")"
! grep -q 'keeps the settings' "$S/idle2.err" ||
    fail "said twice: $(cat "$S/idle2.err")"
echo "ok: CCPOOL_PLACE_LOCAL=0 honoured by an agent of its own," \
    "CCPOOL_AGENT_IDLE said once"

# 8. one agent per network namespace, in one directory.  Before, the
# first agent started answered for every namespace: one started without
# a network left h3's wrappers without servers.
ns2=$(lab_exec 2 readlink /proc/self/ns/net)
ns3=$(lab_exec 3 readlink /proc/self/ns/net)
lab_exec 2 env XDG_RUNTIME_DIR="$RUN" "$B/ccpool" --hosts >/dev/null 2>&1
a=$(agents "$RUN")
grep -qF " $ns2" <<<"$a" || fail "no agent in h2's namespace: $a"
grep -qF " $ns3" <<<"$a" || fail "no agent in h3's namespace: $a"
RUN2=$S/h3/run2
mkdir -m 700 "$RUN2"
iso() {	# on h3 with a fresh directory; idle exit bounds a stray agent
	lab_exec 3 env XDG_RUNTIME_DIR="$RUN2" CCPOOL_PLACE_LOCAL=0 \
	    CCPOOL_AGENT_IDLE=20 CCPOOL_VERBOSE=1 "$@"
}
iso unshare -n sh -c "cd '$S/pl' && '$B/ccpool' gcc -c f1.c -o iso.o" \
    2>"$S/iso.err" || fail "compile without a network: $(cat "$S/iso.err")"
[ -s "$S/pl/iso.o" ] || fail "iso.o not made"
grep -q 'no interface' "$S/iso.err" ||
    fail "without a network: $(cat "$S/iso.err")"
a=$(agents "$RUN2")
[ -z "$a" ] || fail "an agent started without a network: $a"
iso sh -c "cd '$S/pl' && '$B/ccpool' gcc -c f2.c -o lan.o" \
    2>"$S/lan.err" || fail "compile on h3: $(cat "$S/lan.err")"
grep -q ' -> ' "$S/lan.err" ||
    fail "h3's wrapper after one without a network: $(cat "$S/lan.err")"
echo "ok: one agent per network namespace; none started without a network"
echo PASS
