#!/bin/bash
# demo.sh - `make demo`: a private LAN of 3 hosts; ccpoold on h1 and h2;
# on h3 a real multi-file C project (ccpool's own sources) is built twice
# with `make -j$JOBS` (default 8): locally with gcc, then with
# CC="ccpool gcc".  Prints the lsdistcc table, where each job went and
# why (a sample; every line is kept in $CCPOOL_BUILD/demo-jobs.txt), the
# compiles and links each host ran, both build times, and checks every
# object of the cluster build against the local one.  Tears everything
# down at the end, also on failure.
set -u
. "$(dirname "$0")/lab.sh"
. "$(dirname "$0")/project.sh"
B=${CCPOOL_BUILD:?}
JOBS=${JOBS:-8}
say() { printf '\n== %s\n' "$*"; }
now() { echo "$EPOCHREALTIME"; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

lab_up 3 || exit $?
S=$(lab_state_dir)
NCPU=$(nproc)

say "the lab: 3 hosts sharing this machine's $NCPU CPUs"
cat <<EOF
h1 and h2 run ccpoold, h3 builds.  All three are network namespaces of
this one machine, so every compile, on any of them, runs on the same
$NCPU CPUs.  A ccpoold gives a job slot up for each CPU of foreign load
(anything but its own jobs) beyond load_tolerance (default 25 %): here
each server would take the other's compiles and h3's preprocessing for
its owner at work and refuse jobs, and the build would stay on h3.  So
the servers run with load_tolerance = 102400 (ignore foreign load) and
memory_pressure = 100 (ignore the machine's memory pressure), as
servers in VMs or containers sharing one machine's CPUs should; on
machines of their own keep the default.
EOF
printf 'user = nobody\nload_tolerance = 102400\nmemory_pressure = 100\n' >"$S/ccpoold.conf"
for i in 1 2; do
	lab_spawn $i ccpoold "$B/ccpoold" -d -f "$S/ccpoold.conf" >/dev/null
done

say "the LAN as h3 sees it (lsdistcc -p)"
for n in $(seq 20); do
	c=$(lab_exec 3 "$B/lsdistcc" -t 1 --json |
	    jq '[.[] | select(.kind == "ccpool")] | length')
	[ "${c:-0}" -ge 2 ] && break
done
lab_exec 3 "$B/lsdistcc" -t 1 -p

W=$S/work
proj_copy "$W"
say "building ccpool's own sources on h3 without the cluster (gcc, make -j$JOBS)"
t0=$(now)
lab_exec 3 make -C "$W" -j"$JOBS" B=build-local all >"$S/local.log" 2>&1 ||
    { tail -30 "$S/local.log"; exit 1; }
t1=$(now)
echo "local build: $(secs "$t0" "$t1") s"

say "the same through the cluster (CC=\"ccpool gcc\", make -j$JOBS)"
export XDG_RUNTIME_DIR=$S/h3/run
mkdir -p -m 700 "$XDG_RUNTIME_DIR"
t2=$(now)
lab_exec 3 env XDG_RUNTIME_DIR="$XDG_RUNTIME_DIR" CCPOOL_VERBOSE=1 \
    make -C "$W" -j"$JOBS" B=build-cluster CC="$B/ccpool gcc" all \
    >"$S/cluster.log" 2>&1 || { tail -30 "$S/cluster.log"; exit 1; }
t3=$(now)
echo "cluster build: $(secs "$t2" "$t3") s"

# one CCPOOL_VERBOSE line per compiler run: "JOB -> NAME (ADDR): why" or
# "JOB here: why" (doc/client.md, "Verbose lines")
J=$S/jobs.txt
grep -E '^ccpool: .+ (-> .+|here): ' "$S/cluster.log" >"$J"
cp "$J" "$B/demo-jobs.txt"
remote=$(grep -c ' -> ' "$J")
links=$(grep -c ' here: linking' "$J")
herec=$(grep ' here: ' "$J" | grep -vc ' here: linking')
objs=$(proj_objects "$W" build-cluster | wc -l)

say "where each job went and why (a sample; all $(wc -l <"$J") in $B/demo-jobs.txt)"
# the first 3 of each place: each server, compiles here, links here
awk '{ k = "here"
	if ($0 ~ / -> /) { k = $0; sub(/.* -> /, "", k); sub(/ .*/, "", k) }
	else if ($0 ~ / here: linking/) k = "link"
	if (n[k]++ < 3) print }' "$J"

say "compiles and links per host"
for i in 1 2; do
	n=$(grep -c " -> h$i " "$J")
	st=$(lab_exec 3 curl -sk "https://$(lab_addr $i):3634/status" |
	    jq '.counters.jobs_done // .jobs_done // 0')
	echo "h$i ($(lab_addr $i)): $n compiles (its status page: $st jobs done)"
done
echo "h3 (here): $herec compiles, $links links"
if [ "$herec" -gt 0 ]; then
	echo "why compiles ran here:"
	grep ' here: ' "$J" | grep -v ' here: linking' |
	    sed -E 's/^ccpool: [^ ]+ here: //; s/;.*//; s/, [0-9]+ ms waiting for a preprocessing slot//; s/(after [^:]+: ).*/\1.../' |
	    sort | uniq -c | sort -rn | sed 's/^/  /'
fi
echo "in all: $((remote + herec)) compiles ($remote on servers), $links links" \
    "(a link runs where make runs), $objs objects"
[ $((remote + herec)) -eq "$objs" ] ||
    echo "NOTE: $objs objects but $((remote + herec)) compile lines"

say "checking objects against the local build (-g: all but column numbers)"
proj_compare_g "$W" build-local build-cluster; ok=$?

say "build times, make -j$JOBS on h3"
echo "local build (gcc):           $(secs "$t0" "$t1") s"
echo "cluster build (ccpool gcc):  $(secs "$t2" "$t3") s"
echo "(h1, h2 and h3 share this machine's $NCPU CPUs: the servers add no CPU" \
    "here, so these times show what distributing costs, not what it gains)"
[ $ok -eq 0 ] || exit 1
say "demo OK"
