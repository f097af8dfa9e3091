#!/bin/bash
# t_dccagent.sh - ccpool -> stock distccd (issue 14, part 2) on a 3-host
# lab: distccd 3.4 on h1, ccpoold on h2, builds on h3.
#  1. with CCPOOL_DISTCC=1 and CCPOOL_HOSTS=distcc://h1 the project
#     (ccpool's library sources, proj_part) builds with objects identical to a local build, and jobs
#     really ran on the distccd (its log), after a toolchain probe;
#  2. without CCPOOL_DISTCC the distccd gets no job (the entry is unused);
#  3. a mixed cluster, ccpoold on h2 and the distccd on h1: jobs on both.
set -u
. "$(dirname "$0")/lab.sh"
. "$(dirname "$0")/project.sh"
B=${CCPOOL_BUILD:?}
fail() { echo "FAIL: $*"; exit 1; }
command -v distccd >/dev/null || { echo "SKIP: no distccd"; exit 77; }
[ -e /usr/lib/distcc/gcc ] || { echo "SKIP: no masquerade link for gcc \
(update-distcc-symlinks)"; exit 77; }

lab_up 3 || exit $?
S=$(lab_state_dir)
RUN=$S/h3/run
mkdir -p -m 700 "$RUN"
h3() { lab_exec 3 env XDG_RUNTIME_DIR="$RUN" HOME="$S/h3" "$@"; }
DLOG=$S/distccd.log
: >"$DLOG"
chmod 666 "$DLOG"
lab_spawn 1 distccd distccd --no-detach --daemon --user nobody \
    --allow 198.18.0.0/24 --listen "$(lab_addr 1)" --log-file "$DLOG" \
    >/dev/null
dcc_jobs() { grep 'COMPILE_OK' "$DLOG" | grep -vc 'ccpool-probe'; }
for n in $(seq 50); do
	h3 bash -c "exec 3<>/dev/tcp/$(lab_addr 1)/3632" 2>/dev/null && break
	sleep 0.1
done

W=$S/proj
proj_copy "$W"
# shellcheck disable=SC2046
make -C "$W" -j2 B=build-local CFLAGS="$PROJ_NOG_CFLAGS" \
    $(proj_part "$W" build-local) >"$S/local.log" 2>&1 || fail "local build: $(tail "$S/local.log")"
cbuild() {	# cbuild OUT HOSTS [env]: the project through ccpool on h3
	local out=$1 hosts=$2
	shift 2
	h3 env CCPOOL_VERBOSE=1 CCPOOL_HOSTS="$hosts" CCPOOL_PLACE_LOCAL=0 \
	    "$@" make -C "$W" -j4 B="$out" CC="$B/ccpool gcc" \
	    CFLAGS="$PROJ_NOG_CFLAGS" $(proj_part "$W" "$out") >"$S/$out.log" 2>&1
}

# 1. the distccd alone, opted in
cbuild build-d1 "distcc://$(lab_addr 1)/2" CCPOOL_DISTCC=1 ||
    fail "distcc build: $(tail "$S/build-d1.log")"
proj_compare "$W" build-local build-d1 || fail "objects differ"
d1=$(dcc_jobs)
grep -q 'ccpool-probe' "$DLOG" || fail "no probe reached the distccd"
echo "build 1: distccd ran $d1 jobs"
[ "$d1" -gt 0 ] || fail "the distccd got no job"
echo "ok: project built on a stock distccd, objects identical"

# 2. without the opt-in: nothing for the distccd
cbuild build-d2 "distcc://$(lab_addr 1)/2" ||
    fail "build without opt-in: $(tail "$S/build-d2.log")"
proj_compare "$W" build-local build-d2 || fail "objects differ (2)"
[ "$(dcc_jobs)" -eq "$d1" ] || fail "the distccd got jobs without opt-in"
echo "ok: without CCPOOL_DISTCC the distccd gets no job"

# 3. a mixed cluster: ccpoold on h2 beside the distccd on h1
printf 'workdir = %s/work\nuser = nobody\nload_tolerance = 102400\nmemory_pressure = 100\n' "$S" \
    >"$S/ccpoold.conf"
lab_spawn 2 ccpoold "$B/ccpoold" -d -f "$S/ccpoold.conf" >/dev/null
sleep 1
cbuild build-d3 "$(lab_addr 2) distcc://$(lab_addr 1)/2" CCPOOL_DISTCC=1 ||
    fail "mixed build: $(tail "$S/build-d3.log")"
proj_compare "$W" build-local build-d3 || fail "objects differ (3)"
d3=$(( $(dcc_jobs) - d1 ))
c3=$(grep -c "^ccpool: .* -> $(lab_addr 2)" "$S/build-d3.log")
echo "build 3: distccd ran $d3 jobs, ccpoold $c3"
[ "$d3" -gt 0 ] && [ "$c3" -gt 0 ] || fail "a host of the mixed cluster got no job"
echo "ok: mixed cluster, jobs on both"
