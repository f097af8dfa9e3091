#!/bin/bash
# bench_discovery.sh - how long from publishing an advert to seeing it:
# `lsdistcc --watch` runs on h2; 10 times a publisher starts on h1 and we
# take the time from its start to the watch line announcing it.  Prints
# each figure and the median.  Lab of 2 hosts; bounded: 10 tries of at
# most 10 s each.
set -u
. "$(dirname "$0")/lab.sh"
B=${CCPOOL_BUILD:?}
TRIES=${TRIES:-10}

lab_up 2 || exit $?
S=$(lab_state_dir)
lab_spawn 2 watch "$B/lsdistcc" --watch -t $((TRIES * 12 + 10)) >/dev/null
sleep 1
times=()
for t in $(seq "$TRIES"); do
	t0=$(date +%s.%N)
	lab_spawn 1 pub$t sh -c "tail -f /dev/null | '$B/pubtest' -n bench$t" \
	    >/dev/null
	seen=
	for n in $(seq 200); do
		line=$(grep " + ccpool bench$t " "$S/h2/watch.log" | head -1)
		[ -n "$line" ] && { seen=1; break; }
		sleep 0.05
	done
	[ -n "$seen" ] || { echo "try $t: not seen within 10 s"; exit 1; }
	ts=${line%% *}		# HH:MM:SS.mmm of the watch line
	t1=$(date -d "$(date +%F) $ts" +%s.%N)
	ms=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%d", (b - a) * 1000 }')
	times+=("$ms")
	echo "try $t: ${ms} ms"
	lab_kill 1 pub$t TERM
	sleep 0.5
done
med=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {
	print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }')
echo "discovery: publish -> visible in lsdistcc --watch: median ${med} ms over $TRIES tries"
