#!/bin/bash
# bench_status.sh - does a status page polled hard slow the builds?  A
# 3-host lab: ccpoold on h1; h3 builds the held-out project (project.sh,
# make -j4) through ccpool against h1, BUILDS times quiet and BUILDS times
# while CLIENTS status clients on h2 poll h1's status page every second
# (stpoll: one process, libcurl multi, the key pinned, a new TLS
# handshake every poll: the worst case), quiet and polled in turn.
# Reports the median build times and their ratio, the status answers
# served and the failures, and the CPU time of ccpoold's net process (the
# one that serves the page and the jobs) during the polled builds against
# the quiet ones.  A benchmark, never a timed test: the machine is shared.
set -u
. "$(dirname "$0")/lab.sh"
. "$(dirname "$0")/project.sh"
B=${CCPOOL_BUILD:?}
BUILDS=${BUILDS:-2}
CLIENTS=${CLIENTS:-50}
fail() { echo "bench_status: $*"; exit 1; }

lab_up 3 || exit $?
S=$(lab_state_dir)
A1=$(lab_addr 1)
RUN=$S/h3/run
mkdir -p -m 700 "$RUN"
# every lab host shares this machine's CPUs: the foreign-load rule is off
printf 'workdir = %s/work\nuser = nobody\nload_tolerance = 102400\nmemory_pressure = 100\n' "$S" \
    >"$S/ccpoold.conf"
lab_spawn 1 ccpoold "$B/ccpoold" -d -v -f "$S/ccpoold.conf" >/dev/null
LOG=$S/h1/ccpoold.log
for _ in $(seq 100); do
	grep -q 'advertising _ccpool._tcp .*[1-9][0-9]* toolchain' "$LOG" &&
	    grep -q 'net process is pid' "$LOG" && break
	sleep 0.1
done
net=$(sed -n 's/.*\[parent\]: net process is pid \([0-9]*\).*/\1/p' "$LOG" |
    tail -1)
[ -n "$net" ] && [ -r "/proc/$net/stat" ] || fail "no net pid: $(tail "$LOG")"
fp=$(grep -o 'key sha256:[0-9a-f]*' "$LOG" | tail -1 | cut -d' ' -f2)
pin="sha256//$(printf '%s' "${fp#sha256:}" | xxd -r -p | base64)"
URL="https://$A1:3634/status"
h3() { lab_exec 3 env XDG_RUNTIME_DIR="$RUN" "$@"; }
for _ in $(seq 20); do
	h3 "$B/ccpool" --hosts 2>/dev/null | grep -q "$A1" && break
	sleep 0.5
done
lab_exec 2 curl -sf --max-time 5 -k --pinnedpubkey "$pin" "$URL" \
    >/dev/null || fail "h1's status page not served to h2 (pin $pin)"

now() { date +%s%N; }
median() { sort -n | awk '{ a[NR] = $1 } END {
	print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
ticks() { awk '{ print $14 + $15 }' "/proc/$net/stat"; }
jobs_done() { lab_exec 2 curl -s --max-time 5 -k --pinnedpubkey "$pin" \
    "$URL" | jq '.counters.jobs_done'; }

W=$S/proj
proj_copy "$W"
: >"$S/times"
build() {	# build KIND: one clean build; "KIND ms net-ticks" to times
	local t0 t1 k0 k1
	rm -rf "$W/build-b"
	k0=$(ticks)
	t0=$(now)
	h3 make -C "$W" -j4 B=build-b CC="$B/ccpool gcc" \
	    CFLAGS="-std=c11 -O2 -g -Wall" all >"$S/build.log" 2>&1 ||
	    fail "$1 build failed: $(tail -3 "$S/build.log")"
	t1=$(now)
	k1=$(ticks)
	echo "$1 $(((t1 - t0) / 1000000)) $((k1 - k0))" | tee -a "$S/times"
}
d0=$(jobs_done)
for r in $(seq "$BUILDS"); do
	build quiet
	# bounded: 600 polls per client, 20 minutes at most
	lab_spawn 2 "stpoll$r" "$B/stpoll" -u "$URL" -k "$pin" -n "$CLIENTS" \
	    -i 1000 -t 1200 -c 600 >/dev/null || fail "stpoll did not start"
	sleep 2		# every client under way
	build polled
	lab_kill 2 "stpoll$r" TERM || fail "stpoll did not stop"
	grep '^stpoll:' "$S/h2/stpoll$r.log" || fail "stpoll said nothing"
done
d1=$(jobs_done)
[ "$((d1 - d0))" -gt 0 ] || fail "no job ran on h1"
hz=$(getconf CLK_TCK)
q=$(awk '$1 == "quiet" { print $2 }' "$S/times" | median)
p=$(awk '$1 == "polled" { print $2 }' "$S/times" | median)
answers=$(cat "$S"/h2/stpoll*.log | sed -n 's/.* \([0-9]*\) answers.*/\1/p' |
    awk '{ s += $1 } END { print s + 0 }')
failures=$(cat "$S"/h2/stpoll*.log | sed -n 's/.* \([0-9]*\) failures.*/\1/p' |
    awk '{ s += $1 } END { print s + 0 }')
cpu() { awk -v k="$1" '$1 == k { t += $3; ms += $2 } END {
	printf "%.2f s in %.0f s of builds (%.1f %% of a CPU)",
	    t / hz, ms / 1000, ms ? t / hz / (ms / 1000) * 100 : 0 }' \
	    hz="$hz" "$S/times"; }
echo "bench_status: $((d1 - d0)) jobs on h1 in $((2 * BUILDS)) builds"
echo "bench_status: project build (make -j4), median of $BUILDS: quiet $q ms," \
    "polled by $CLIENTS clients/s $p ms, ratio polled/quiet" \
    "$(awk -v p="$p" -v q="$q" 'BEGIN { printf "%.3f", p / q }')"
echo "bench_status: status answers served $answers, failures $failures"
echo "bench_status: net process CPU: polled $(cpu polled); quiet $(cpu quiet)"
