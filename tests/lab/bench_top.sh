#!/bin/bash
# bench_top.sh - what ccpool top costs with HOSTS (default 100) hosts:
# h1 and h2 advertise HOSTS fake ccpool hosts (pubtest, half each), h3
# runs ccpool-top twice, its curses screen in a pseudo-terminal (100x40,
# a frame a second) and --json -n 0 (a frame a second to a file); once
# the JSON shows every host, both are measured over BENCH_SECONDS
# (default 60) by /proc/PID/stat (utime + stime).  Prints each as a
# percentage of one CPU; the target is under 1 % for the screen (exit 1
# above it).  The fake hosts have no status page (the library fetches
# those of real ccpoolds only, every 2 s each): this is the cost of
# discovery, the snapshot and the drawing.  Lab of 3 hosts; needs root.
set -u
. "$(dirname "$0")/lab.sh"
B=${CCPOOL_BUILD:?}
HOSTS=${HOSTS:-100}
SECONDS_RUN=${BENCH_SECONDS:-60}
TARGET=1	# percent of a CPU

lab_up 3 || exit $?
S=$(lab_state_dir)
half=$((HOSTS / 2))
for i in 1 2; do
	n=$half
	[ "$i" = 2 ] && n=$((HOSTS - half))
	lab_spawn "$i" fakes sh -c "for k in \$(seq $n); do
		tail -f /dev/null | '$B/pubtest' -n fake-$i-\$k -s 4 -f 2 &
	done; wait" >/dev/null || exit 1
done

lab_spawn 3 topjson "$B/ccpool-top" --json -n 0 -w 0 -d 1 >/dev/null
cat >"$S/screen.sh" <<EOF
stty rows 40 cols 100
"$B/ccpool-top" </dev/tty & echo \$! >"$S/screen.pid"
wait
EOF
# script(1) would end at the end of its input: an input that never ends
lab_spawn 3 topscreen sh -c "tail -f /dev/null | TERM=xterm script -qfec \
    'sh $S/screen.sh' /dev/null" >/dev/null

# every host seen (bounded: 60 s)
t0=$(date +%s)
for _ in $(seq 120); do
	c=$(tail -n 1 "$S/h3/topjson.log" 2>/dev/null |
	    jq '[.hosts[] | select(.name | startswith("fake-"))] | length' \
	    2>/dev/null)
	[ "${c:-0}" -ge "$HOSTS" ] && break
	sleep 0.5
done
[ "${c:-0}" -ge "$HOSTS" ] ||
    { echo "bench_top: only ${c:-0} of $HOSTS hosts seen in 60 s"; exit 1; }
echo "bench_top: $HOSTS hosts seen in $(($(date +%s) - t0)) s"

# ticks (utime + stime) of a pid; the name in field 2 has no blank
ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
pj=$(cat "$S/h3/topjson.pid")
ps_=$(cat "$S/screen.pid" 2>/dev/null)
[ -n "$ps_" ] && [ -r "/proc/$ps_/stat" ] ||
    { echo "bench_top: the screen did not start"; exit 1; }
hz=$(getconf CLK_TCK)
j0=$(ticks "$pj") s0=$(ticks "$ps_")
sleep "$SECONDS_RUN"
j1=$(ticks "$pj") s1=$(ticks "$ps_")
c=$(tail -n 1 "$S/h3/topjson.log" | jq '.hosts | length')
pct() { awk -v t="$1" -v hz="$hz" -v s="$SECONDS_RUN" \
    'BEGIN { printf "%.2f", t / hz / s * 100 }'; }
sp=$(pct $((s1 - s0))) jp=$(pct $((j1 - j0)))
echo "bench_top: $c hosts, ${SECONDS_RUN} s: screen (100x40, 1 frame/s)" \
    "$((s1 - s0)) ticks = ${sp} % of a CPU;" \
    "--json -n 0 (1 frame/s) $((j1 - j0)) ticks = ${jp} % (target: screen" \
    "under ${TARGET} %)"
lab_kill 3 topscreen TERM
lab_kill 3 topjson TERM
awk -v p="$sp" -v t="$TARGET" 'BEGIN { exit !(p < t) }' ||
    { echo "bench_top: over the target"; exit 1; }
