#!/bin/bash
# t_load.sh - a server on a desktop whose owner is working, on a 2-host
# lab: ccpoold on h1 (2 slots), the client on h2.
#   1. idle: the advert offers both slots; the log names how our own CPU
#      time is measured;
#   2. the owner starts two CPU hogs on h1 (all the machine's CPUs): within
#      a few seconds the advert (lsdistcc --json on h2) shows the foreign
#      load and no slot on offer; a job sent straight to h1 is refused
#      "busy" at once (admission follows the offer), and `ccpool gcc` on
#      h2 still compiles (locally), never fails;
#   3. the hogs stop: the slots come back within a few seconds;
#   4. a job runs with SCHED_IDLE, nice 19 (ps: class IDL) below h1's
#      runner, and with autogroup scheduling on, its autogroup at nice 19.
# Note: the lab's hosts share the machine's CPUs, so the hog loads every
# host's view; only h1 runs a server here.
set -u
. "$(dirname "$0")/lab.sh"
. "$(dirname "$0")/project.sh"
B=${CCPOOL_BUILD:?}
fail() {
	echo "FAIL: $*"
	tail -n 12 "${S:-/nonexistent}"/h1/ccpoold.log 2>/dev/null
	exit 1
}

lab_up 2 || exit $?
S=$(lab_state_dir)
A1=$(lab_addr 1)
RUN=$S/h2/run
mkdir -p -m 700 "$RUN" "$S/src"
h2() { lab_exec 2 env XDG_RUNTIME_DIR="$RUN" "$@"; }
printf 'int f(int x) { return x + 1; }\n' >"$S/src/a.c"
gcc -E "$S/src/a.c" -o "$S/src/a.i"
# a source that takes a few seconds to compile, to see a job running
proj_slow_source "$S/src" 1500

# load_tolerance 60: the lab's own daemons (and a little of other work
# on the machine) cost no slot; two hogs are 2 CPUs, 1.4 beyond it
printf 'workdir = %s/work\nuser = nobody\nslots = 2\nqueue = 2\n%s\n' "$S" \
    'load_tolerance = 60' >"$S/load.conf"
lab_spawn 1 ccpoold "$B/ccpoold" -d -v -f "$S/load.conf" >/dev/null ||
    fail "ccpoold did not start"

advert() {	# advert: h1's advert as seen from h2, as "slots free load"
	h2 "$B/lsdistcc" -t 1 --json 2>/dev/null |
	    jq -r '.[] | select(.kind == "ccpool") | "\(.slots) \(.free) \(.load)"' |
	    head -1
}
wait_advert() {	# wait_advert TRIES AWK-CONDITION on "slots free load"
	local n a=
	for n in $(seq "$1"); do
		a=$(advert)
		if [ -n "$a" ] && echo "$a" | awk "{ exit !($2) }"; then
			echo "$a"
			return 0
		fi
	done
	echo "${a:-no advert}"
	return 1
}
probe() { lab_exec 2 "$B/srvprobe" -H "$A1" "$@" 2>&1; }
busy_pct() {	# busy_pct: the machine's CPU use over 1 s, in percent
	local a b
	a=$(head -1 /proc/stat)
	sleep 1
	b=$(head -1 /proc/stat)
	echo "$a $b" | awk '{ t1 = 0; for (i = 2; i <= 9; i++) t1 += $i
	    t2 = 0; for (i = 13; i <= 20; i++) t2 += $i
	    i1 = $5 + $6; i2 = $16 + $17
	    print (t2 > t1) ? int(100 - 100 * (i2 - i1) / (t2 - t1)) : 0 }'
}
quiet() {	# quiet WHY: wait (20 s at most) for a machine others leave idle
	local n p
	for n in $(seq 20); do
		p=$(busy_pct)
		[ "$p" -lt 25 ] && return 0
	done
	echo "lab: SKIP: the machine is $p% busy with other work ($1);" \
	    "this test needs its CPUs idle"
	exit 77
}

# 1. idle
quiet "before the test"
a=$(wait_advert 15 '$1 == 2') || { quiet "at the start";
    fail "idle server does not offer 2 slots: $a"; }
echo "idle advert (slots free load): $a"
grep -q 'load: measured against .*; our CPU time from the ' "$S/h1/ccpoold.log" ||
    fail "the log does not say how our CPU time is measured"
grep -o 'load: our CPU time from the [^;]*' "$S/h1/ccpoold.log" | head -1
probe -q -o "$S/a.o" "$S/src/a.i" >/dev/null || fail "idle: a job failed"
echo "ok: idle, 2 slots offered, a job compiles"

# 2. the owner gets busy: two hogs, bounded
t0=$(date +%s%N)
lab_spawn 1 hog1 timeout 25 sh -c 'while :; do :; done' >/dev/null
lab_spawn 1 hog2 timeout 25 sh -c 'while :; do :; done' >/dev/null
a=$(wait_advert 10 '$1 == 0 && $3 >= 60') ||
    fail "busy owner: the advert still offers slots: $a"
t1=$(date +%s%N)
echo "busy advert (slots free load): $a, $(( (t1 - t0) / 1000000 )) ms after the hogs started"
grep -q 'load: 0 of 2 slots on offer (limited by: foreign CPU load' \
    "$S/h1/ccpoold.log" ||
    fail "the shrink is not logged"
out=$(probe "$S/src/a.i")
rc=$?
[ $rc = 3 ] && echo "$out" | grep -q 'refused busy' ||
    fail "a job while nothing is on offer was not refused busy ($rc): $out"
echo "direct job: $out"
h2 sh -c "cd '$S/src' && CCPOOL_VERBOSE=1 '$B/ccpool' gcc -c a.c -o a2.o" \
    >"$S/ccomp.log" 2>&1 || fail "ccpool gcc failed: $(cat "$S/ccomp.log")"
[ -s "$S/src/a2.o" ] || fail "no object"
echo "ok: busy owner, no slot offered, jobs refused busy at once, builds go on"

# 3. the owner stops: the slots come back
lab_kill 1 hog1 KILL
lab_kill 1 hog2 KILL
t0=$(date +%s%N)
a=$(wait_advert 20 '$1 == 2') || { quiet "after the hogs";
    fail "the slots did not come back: $a"; }
t1=$(date +%s%N)
echo "after the hogs (slots free load): $a, $(( (t1 - t0) / 1000000 )) ms"
echo "ok: slots back"

# 4. jobs run at the lowest priority
runner=$(sed -n 's/.*runner process is pid \([0-9]*\).*/\1/p' \
    "$S/h1/ccpoold.log" | head -1)
[ -n "$runner" ] || fail "no runner pid in the log"
probe -q -o "$S/slow.o" "$S/src/slow.i" >"$S/slow.log" 2>&1 &
probe_pid=$!
seen=
for _ in $(seq 100); do
	# every process below the runner: class, nice, command (ps shows
	# "-" as the nice of a SCHED_IDLE process: field 19 of
	# /proc/PID/stat holds it)
	seen=$(ps -eo pid=,ppid=,cls=,comm= | while read -r p pp c n; do
		ni=$(awk '{ print $19 }' "/proc/$p/stat" 2>/dev/null)
		echo "$p $pp $c ${ni:-?} $n"
	    done | awk -v r="$runner" '
	    { pp[$1] = $2; line[$1] = $3 " " $4 " " $5 }
	    END { for (p in pp) { q = pp[p]; n = 0
		while (q > 1 && q != r && n++ < 64) q = pp[q]
		if (q == r) print p " " line[p] } }')
	if cc1=$(echo "$seen" | awk '$4 == "cc1" { print $1; f = 1; exit }
	    END { exit !f }'); then
		# its autogroup (its own session's), while it still runs
		ag=$(cat "/proc/$cc1/autogroup" 2>/dev/null)
		break
	fi
	sleep 0.1
done
wait $probe_pid || fail "slow job failed: $(cat "$S/slow.log")"
echo "processes below the runner (pid class nice command):"
echo "$seen" | sed 's/^/  /'
echo "$seen" | grep -q cc1 || fail "no job process seen running"
echo "$seen" | awk '$2 != "IDL" || $3 != 19 { bad = 1 } END { exit bad }' ||
    fail "a job process is not SCHED_IDLE nice 19"
echo "ok: jobs run with SCHED_IDLE, nice 19"
if [ "$(cat /proc/sys/kernel/sched_autogroup_enabled 2>/dev/null)" = 1 ]; then
	echo "cc1's autogroup: ${ag:-?}"
	case $ag in *" nice 19") ;; *) fail "the job's autogroup is not at nice 19" ;; esac
	echo "ok: the job's autogroup runs at nice 19"
fi
echo "PASS"
