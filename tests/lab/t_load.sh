#!/bin/bash
# t_load.sh - a server on a desktop whose owner is working, on a 2-host
# lab: ccpoold on h1 (2 slots), the client on h2.  h1 is a desktop of
# 1.5 CPUs of its own: a CPU quota (lab_cgroup), which ccpoold takes for
# the machine, so its owner's load is what runs in h1's cgroup and
# nothing else on this machine (other hosts, other work) counts.
#   1. idle: the advert offers both slots; the log says the machine is
#      h1's cgroup and how our own CPU time is measured;
#   2. the owner starts two CPU hogs on h1 (all of its quota): the advert
#      (lsdistcc --json on h2) shows the foreign load and no slot on
#      offer; a job sent straight to h1 is refused "busy" at once
#      (admission follows the offer), and `ccpool gcc` on h2 still
#      compiles (locally), never fails;
#   3. the hogs stop: the slots come back;
#   4. a job runs with SCHED_IDLE, nice 19 below h1's runner (every
#      process below it, from one read of /proc/PID/stat), and with
#      autogroup scheduling on, its autogroup at nice 19;
#   the status page (schema 2, doc/status.md) shows h1's slots closed
#   while the owner is busy, one busy while a job runs, that job among
#   the recent ones afterwards (and not its file name), and the minute.
# lab: alone (its owner fills a 1.5-CPU quota: no other lab beside it)
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
ID=${S##*/ccpool-lab.}
if [ "$(nproc)" -lt 2 ]; then
	echo "lab: SKIP: one CPU here; h1 emulates a desktop of 1.5 CPUs"
	exit 77
fi
lab_cgroup 1 1.5
case $? in
0) ;;
77) echo "lab: SKIP: $(lab_cgroup_avail) (h1 is a CPU quota)"; exit 77 ;;
*) fail "no CPU quota for h1" ;;
esac
A1=$(lab_addr 1)
RUN=$S/h2/run
mkdir -p -m 700 "$RUN" "$S/src"
h2() { lab_exec 2 env XDG_RUNTIME_DIR="$RUN" "$@"; }
printf 'int f(int x) { return x + 1; }\n' >"$S/src/a.c"
gcc -E "$S/src/a.c" -o "$S/src/a.i"
# a source that takes a few seconds to compile, to see a job running
proj_slow_source "$S/src" 1500

# load_tolerance 60 (percent of a CPU): h1's own daemons cost no slot;
# two hogs take h1's 1.5 CPUs, which ccpoold counts as its 2 (a quota is
# scaled to the CPUs it spans), 1.4 beyond the tolerance
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
page() { lab_exec 2 curl -sk --max-time 3 "https://$A1:3634/status"; }
# below PID: every process below PID now, one a line, "pid class nice
# command", from one read of every /proc/PID/stat (a process that ends
# meanwhile is only missing).  Class from the policy (field 41), nice
# from field 19 (ps prints "-" as the nice of a SCHED_IDLE process);
# the command is between the first "(" and the last ")".
below() {
	cat /proc/[0-9]*/stat 2>/dev/null | awk -v r="$1" '
	BEGIN { split("TS FF RR B ? IDL", name, " ") }
	{ o = index($0, "("); c = 0
	  while ((k = index(substr($0, c + 1), ") ")) > 0) c += k
	  if (o == 0 || c == 0) next
	  n = split(substr($0, c + 2), f, " ")
	  if (n < 39) next
	  p = $1 + 0; pp[p] = f[2]
	  cls = (f[39] + 1) in name ? name[f[39] + 1] : "?" f[39]
	  line[p] = p " " cls " " f[17] " " substr($0, o + 1, c - o - 1) }
	END { for (p in pp) { q = pp[p]; n = 0
		while (q > 1 && q != r && n++ < 64) q = pp[q]
		if (q == r) print line[p] } }'
}

# 1. idle
a=$(wait_advert 15 '$1 == 2') ||
    fail "idle server does not offer 2 slots: $a"
echo "idle advert (slots free load): $a"
grep -q "load: measured against the cgroup [^ ]*/$ID/h1 (a CPU quota of 1.50 CPUs); our CPU time from the " \
    "$S/h1/ccpoold.log" ||
    fail "the log does not say the machine is h1's cgroup and how our CPU time is measured"
grep -o 'load: measured against [^;]*; our CPU time from the [^;]*' \
    "$S/h1/ccpoold.log" | head -1
probe -q -o "$S/a.o" "$S/src/a.i" >/dev/null || fail "idle: a job failed"
echo "ok: idle, 2 slots offered, a job compiles"

# 2. the owner gets busy: two hogs in h1's cgroup, bounded
t0=$(date +%s%N)
lab_spawn 1 hog1 timeout 90 sh -c 'while :; do :; done' >/dev/null
lab_spawn 1 hog2 timeout 90 sh -c 'while :; do :; done' >/dev/null
a=$(wait_advert 15 '$1 == 0 && $3 >= 60') ||
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
pg=$(page)
jq -e '.schema == 2 and (.slot_states | length == 2) and
    all(.slot_states[]; .state == "closed" and .since_ms >= 0)' \
    <<<"$pg" >/dev/null || fail "status page while busy: $pg"
echo "status page while busy: $(jq -c '.slot_states' <<<"$pg")"
h2 sh -c "cd '$S/src' && CCPOOL_VERBOSE=1 '$B/ccpool' gcc -c a.c -o a2.o" \
    >"$S/ccomp.log" 2>&1 || fail "ccpool gcc failed: $(cat "$S/ccomp.log")"
[ -s "$S/src/a2.o" ] || fail "no object"
echo "ok: busy owner, no slot offered, jobs refused busy at once, builds go on"

# 3. the owner stops: the slots come back
lab_kill 1 hog1 KILL
lab_kill 1 hog2 KILL
t0=$(date +%s%N)
a=$(wait_advert 30 '$1 == 2') || fail "the slots did not come back: $a"
t1=$(date +%s%N)
echo "after the hogs (slots free load): $a, $(( (t1 - t0) / 1000000 )) ms"
echo "ok: slots back"

# 4. jobs run at the lowest priority
runner=$(sed -n 's/.*runner process is pid \([0-9]*\).*/\1/p' \
    "$S/h1/ccpoold.log" | head -1)
[ -n "$runner" ] || fail "no runner pid in the log"
ag_on=$(cat /proc/sys/kernel/sched_autogroup_enabled 2>/dev/null)
# until cc1 is seen below the runner (with its autogroup, while it
# still runs): polled while a probe job runs (about 1 s of compile
# here), at most 3 jobs and 300 looks each
seen= cc1= ag= tries=0
while [ -z "$cc1" ] && [ "$tries" -lt 3 ]; do
	tries=$((tries + 1))
	probe -q -o "$S/slow.o" "$S/src/slow.i" >"$S/slow.log" 2>&1 &
	probe_pid=$!
	for _ in $(seq 300); do
		seen=$(below "$runner")
		cc1=$(echo "$seen" | awk '$4 == "cc1" { print $1; exit }')
		if [ -n "$cc1" ] && { [ "$ag_on" != 1 ] ||
		    ag=$(cat "/proc/$cc1/autogroup" 2>/dev/null); }; then
			pg=$(page)
			break
		fi
		cc1=
		kill -0 "$probe_pid" 2>/dev/null || break	# over, unseen
		sleep 0.05
	done
	wait "$probe_pid" || fail "slow job failed: $(cat "$S/slow.log")"
done
echo "processes below the runner (pid class nice command), job $tries:"
echo "$seen" | sed 's/^/  /'
[ -n "$cc1" ] || fail "no job process seen running in $tries jobs"
echo "$seen" | awk '$2 != "IDL" || $3 != 19 { bad = 1 } END { exit bad }' ||
    fail "a job process is not SCHED_IDLE nice 19"
echo "ok: jobs run with SCHED_IDLE, nice 19"
jq -e '.schema == 2 and (.slot_states | length == 2) and
    any(.slot_states[]; .state == "busy")' <<<"$pg" >/dev/null ||
    fail "status page while a job runs: no busy slot: $pg"
echo "status page while a job runs: $(jq -c '.slot_states' <<<"$pg")"
pg=$(page)
jq -e '(.recent | length >= 1) and (.recent[0] | (.ok and .ms > 0 and
    .slot < 2 and (keys == ["end_ms", "ms", "ok", "slot", "toolchain"]))) and
    (.history.interval_ms == 1000) and (.history.load | length >= 5) and
    (.history.mem | length) == (.history.running | length)' \
    <<<"$pg" >/dev/null || fail "status page after the job: $pg"
! grep -q 'slow\|a\.i\|198\.18' <<<"$pg" ||
    fail "the status page names a file or an address: $pg"
echo "status page after the job: $pg"
echo "ok: status page schema 2: slots closed, busy, recent jobs, the minute"
if [ "$ag_on" = 1 ]; then
	echo "cc1's autogroup: ${ag:-?}"
	case $ag in *" nice 19") ;; *) fail "the job's autogroup is not at nice 19" ;; esac
	echo "ok: the job's autogroup runs at nice 19"
fi
echo "PASS"
