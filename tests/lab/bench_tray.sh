#!/bin/bash
# bench_tray.sh - ccpool-tray's CPU with 100 hosts: ccpoold on h1 and h2
# (their status pages fetched every 2 s) and 98 fake adverts (pubtest, 49
# on each), the tray on h3 under Xvfb with its window open (no
# StatusNotifierWatcher: the worst case, the window redrawn every
# second).  Once the tray's --dump sees all 100, its CPU time is read
# from /proc over SECONDS (default 60) s.  Target: under 1 % of a CPU.
# Lab of 3 hosts; needs root (make bench).
set -u
. "$(dirname "$0")/lab.sh"
B=${CCPOOL_BUILD:?}
SECS=${SECONDS_RUN:-60}
FAKE=49
[ -x "$B/ccpool-tray" ] || { echo "bench_tray: no $B/ccpool-tray"; exit 0; }
command -v Xvfb >/dev/null || { echo "bench_tray: no Xvfb"; exit 0; }
lab_up 3 || exit $?
S=$(lab_state_dir)
printf 'workdir = %s/work\nuser = nobody\n' "$S" >"$S/ccpoold.conf"
for i in 1 2; do
	lab_spawn $i ccpoold "$B/ccpoold" -d -f "$S/ccpoold.conf" >/dev/null
	# pubtest withdraws its advert at the end of its input: none comes
	lab_spawn $i fakes sh -c 'for n in $(seq "$1"); do
	    tail -f /dev/null | "$2" -n "fake$3-$n" -s 8 -f 4 & done; wait' \
	    fakes "$FAKE" "$B/pubtest" "$i" >/dev/null
done
want=$((2 + 2 * FAKE))
seen=0
for n in $(seq 30); do
	seen=$(lab_exec 3 "$B/ccpool-tray" --dump --json -t 2 2>/dev/null |
	    jq '.hosts | length')
	[ "${seen:-0}" -ge "$want" ] && break
done
[ "${seen:-0}" -ge "$want" ] ||
    { echo "bench_tray: the tray sees $seen hosts of $want"; exit 1; }

lab_spawn 3 xvfb Xvfb -displayfd 1 -nolisten tcp -screen 0 900x700x24 \
    >/dev/null
for n in $(seq 100); do
	grep -Eq '^[0-9]+$' "$S/h3/xvfb.log" && break
	sleep 0.1
done
D=:$(grep -Em1 '^[0-9]+$' "$S/h3/xvfb.log")
pg=$(lab_spawn 3 tray env DISPLAY="$D" NO_AT_BRIDGE=1 dbus-run-session -- \
    "$B/ccpool-tray" --no-notify)
sleep 8				# the first snapshot, the window drawn
pid=$(ps -o pid=,comm= -g "$pg" | awk '$2 == "ccpool-tray" { print $1 }')
[ -n "$pid" ] || { echo "bench_tray: the tray is not running"; exit 1; }
ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
t0=$(ticks "$pid")
sleep "$SECS"
t1=$(ticks "$pid")
hz=$(getconf CLK_TCK)
pct=$(awk -v d=$((t1 - t0)) -v hz="$hz" -v s="$SECS" \
    'BEGIN { printf "%.2f", d / hz / s * 100 }')
echo "tray: $want hosts ($((want - 2)) fake adverts, 2 ccpoolds with" \
    "status pages), window open: $((t1 - t0)) ticks of 1/$hz s in $SECS s" \
    "= ${pct} % of a CPU (target < 1 %)"
awk -v p="$pct" 'BEGIN { exit !(p < 1) }'
