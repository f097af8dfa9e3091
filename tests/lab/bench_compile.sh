#!/bin/bash
# bench_compile.sh - ccpool against stock distcc, side by side in one run,
# on a 2-host lab: h1 runs both ccpoold and a stock distccd, h2 builds.
#  - per-job overhead: the same trivial file compiled RUNS times locally,
#    through ccpool and through distcc; overhead = median(remote) -
#    median(local);
#  - a real project (ccpool's own sources, make -j4): wall time locally,
#    through ccpool and through distcc, median of BUILDS builds each,
#    reported as ratios.
# The machine is shared and noisy: only medians and ratios are reported.
set -u
. "$(dirname "$0")/lab.sh"
. "$(dirname "$0")/project.sh"
B=${CCPOOL_BUILD:?}
RUNS=${RUNS:-21}
BUILDS=${BUILDS:-3}

lab_up 2 || exit $?
S=$(lab_state_dir)
A1=$(lab_addr 1)
RUN=$S/h2/run
mkdir -p -m 700 "$RUN" "$S/home"
# every lab host shares this machine's CPUs: the other hosts' work is not
# this server's owner at work (bench_office.sh emulates owners), so the
# foreign-load rule is off (load_tolerance)
printf 'user = nobody\nload_tolerance = 102400\nmemory_pressure = 100\n' >"$S/ccpoold.conf"
lab_spawn 1 ccpoold "$B/ccpoold" -d -f "$S/ccpoold.conf" >/dev/null
lab_spawn 1 distccd distccd --no-detach --daemon --user nobody \
    --allow 198.18.0.0/15 --listen "$A1" --log-stderr >/dev/null
h2() { lab_exec 2 env XDG_RUNTIME_DIR="$RUN" HOME="$S/home" \
	DISTCC_HOSTS="$A1/2" DISTCC_FALLBACK=0 "$@"; }
now() { date +%s%N; }
median() { sort -n | awk '{ a[NR] = $1 } END {
	print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

# wait until the agent on h2 sees the server
for n in $(seq 20); do
	h2 "$B/ccpool" --hosts 2>/dev/null | grep -q "$A1" && break
	sleep 0.5
done

T=$S/trivial
mkdir -p "$T"
echo 'int trivial(int x) { return x * 2 + 1; }' >"$T/t.c"
one() {	# one MODE: ms for one compile of t.c
	local t0 t1
	t0=$(now)
	case $1 in
	local)	h2 sh -c "cd '$T' && gcc -O2 -c t.c -o t.o" ;;
	ccpool)	h2 sh -c "cd '$T' && '$B/ccpool' gcc -O2 -c t.c -o t.o" ;;
	distcc)	h2 sh -c "cd '$T' && distcc gcc -O2 -c t.c -o t.o" ;;
	esac || { echo "$1 compile failed" >&2; exit 1; }
	t1=$(now)
	echo $(((t1 - t0) / 1000))	# microseconds
}
declare -A med
for mode in local ccpool distcc; do one $mode >/dev/null; done	# warm up
for mode in local ccpool distcc; do
	med[$mode]=$(for r in $(seq "$RUNS"); do one $mode; done | median)
done
# ccpool: the job must really have gone remote
h2 sh -c "cd '$T' && CCPOOL_VERBOSE=1 '$B/ccpool' gcc -O2 -c t.c -o t.o" \
    2>&1 | grep -q ' -> ' || { echo "ccpool did not compile remotely"; exit 1; }
oc=$(awk -v r="${med[ccpool]}" -v l="${med[local]}" 'BEGIN { printf "%.2f", (r - l) / 1000 }')
od=$(awk -v r="${med[distcc]}" -v l="${med[local]}" 'BEGIN { printf "%.2f", (r - l) / 1000 }')
echo "trivial file, median of $RUNS: local $(awk -v x="${med[local]}" 'BEGIN{printf "%.2f", x/1000}') ms," \
    "ccpool $(awk -v x="${med[ccpool]}" 'BEGIN{printf "%.2f", x/1000}') ms," \
    "distcc $(awk -v x="${med[distcc]}" 'BEGIN{printf "%.2f", x/1000}') ms"
echo "per-job overhead (remote - local): ccpool $oc ms, distcc $od ms," \
    "ratio ccpool/distcc $(awk -v a="$oc" -v b="$od" 'BEGIN { printf "%.2f", (b > 0) ? a / b : 0 }')"

W=$S/proj
proj_copy "$W"
build() {	# build MODE N: seconds for one clean build
	local cc t0 t1
	case $1 in
	local) cc=gcc ;; ccpool) cc="$B/ccpool gcc" ;; distcc) cc="distcc gcc" ;;
	esac
	rm -rf "$W/build-$1"
	t0=$(now)
	# no -Werror: distcc preprocesses without -C and would fail on
	# fallthrough comments (with DISTCC_FALLBACK=0 it may not retry)
	h2 make -C "$W" -j4 B="build-$1" CC="$cc" \
	    CFLAGS="-std=c11 -O2 -g -Wall" all >"$S/build-$1.log" 2>&1 ||
	    { echo "$1 build failed: $(tail -3 "$S/build-$1.log")" >&2; exit 1; }
	t1=$(now)
	echo $(((t1 - t0) / 1000000))	# ms
}
declare -A wall
for mode in local ccpool distcc; do
	wall[$mode]=$(for r in $(seq "$BUILDS"); do build $mode; done | median)
done
echo "project build (make -j4), median of $BUILDS: local ${wall[local]} ms," \
    "ccpool ${wall[ccpool]} ms, distcc ${wall[distcc]} ms"
awk -v c="${wall[ccpool]}" -v d="${wall[distcc]}" -v l="${wall[local]}" 'BEGIN {
	printf "wall ratios: ccpool/local %.2f, distcc/local %.2f, ccpool/distcc %.2f\n",
	    c / l, d / l, c / d }'
