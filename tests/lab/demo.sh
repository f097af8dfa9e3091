#!/bin/bash
# demo.sh - `make demo`: a private LAN of 3 hosts; ccpoold on h1 and h2;
# on h3 a real multi-file C project (ccpool's own sources) is built with
# `make -j8 CC="ccpool gcc"`.  Prints the lsdistcc table before, the jobs
# each host ran after, and checks every object byte for byte against a
# local build.  Tears everything down at the end, also on failure.
set -u
. "$(dirname "$0")/lab.sh"
. "$(dirname "$0")/project.sh"
B=${CCPOOL_BUILD:?}
say() { printf '\n== %s\n' "$*"; }

lab_up 3 || exit $?
S=$(lab_state_dir)
# the lab's hosts share this machine's CPUs: one host's compiles are not
# another's owner at work, so the foreign-load rule is off here
printf 'user = nobody\nload_tolerance = 102400\n' >"$S/ccpoold.conf"
for i in 1 2; do
	lab_spawn $i ccpoold "$B/ccpoold" -d -f "$S/ccpoold.conf" >/dev/null
done

say "the LAN as h3 sees it (lsdistcc)"
for n in $(seq 20); do
	c=$(lab_exec 3 "$B/lsdistcc" -t 1 --json | jq '[.[] | select(.kind == "ccpool")] | length')
	[ "${c:-0}" -ge 2 ] && break
done
lab_exec 3 "$B/lsdistcc" -t 1 -p

say "building ccpool's own sources on h3 through the cluster (make -j8)"
W=$S/work
proj_copy "$W"
export XDG_RUNTIME_DIR=$S/h3/run
mkdir -p -m 700 "$XDG_RUNTIME_DIR"
start=$(date +%s.%N)
lab_exec 3 env XDG_RUNTIME_DIR="$XDG_RUNTIME_DIR" CCPOOL_VERBOSE=1 \
    make -C "$W" -j8 B=build-cluster CC="$B/ccpool gcc" all \
    >"$S/cluster.log" 2>&1 || { tail -30 "$S/cluster.log"; exit 1; }
end=$(date +%s.%N)
grep -c '^ccpool: .* -> ' "$S/cluster.log" | sed 's/^/remote jobs: /'
grep '^ccpool: ' "$S/cluster.log" | head -5

say "jobs per host"
for i in 1 2; do
	n=$(lab_exec 3 curl -sk "https://$(lab_addr $i):3634/status" |
	    jq '.counters.jobs_done // .jobs_done // 0')
	echo "h$i ($(lab_addr $i)): $n jobs"
done
echo "h3 (local): $(grep -c '^ccpool: .* local' "$S/cluster.log") jobs"

say "checking objects against a local build (-g: all but column numbers)"
make -C "$W" -j2 B=build-local all >"$S/local.log" 2>&1 ||
    { tail -30 "$S/local.log"; exit 1; }
proj_compare_g "$W" build-local build-cluster; ok=$?
awk -v a="$start" -v b="$end" 'BEGIN { printf "cluster build: %.1f s\n", b - a }'
[ $ok -eq 0 ] || exit 1
say "demo OK"
