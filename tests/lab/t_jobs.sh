#!/bin/bash
# t_jobs.sh - the user's jobs from their agent (the JOBS query), read by
# libccpool, on a 2-host lab: ccpoold on h1, builds on h2.
#  1. three files compiled through `ccpool gcc` on h2; the library's
#     monitor (tests/lab/jobstest.c) then shows all three, each on h1,
#     phase done, status 0, bytes both ways; the host h1 trusted and
#     usable, the capacity counting its slots;
#  2. a failing compile shows as failed, status 1;
#  3. a second user on the same machine reads none of it: the socket's
#     directory is the owner's (connect: permission denied), and their
#     own monitor finds no agent of theirs.
set -u
. "$(dirname "$0")/lab.sh"
B=${CCPOOL_BUILD:?}
S=
fail() {
	echo "FAIL: $*"
	[ -n "$S" ] && tail -n 20 "$S"/h2/run/ccpool/agent*.log 2>/dev/null
	exit 1
}
[ -x "$B/jobstest" ] || { echo "SKIP: no $B/jobstest"; exit 77; }

lab_up 2 || exit $?
S=$(lab_state_dir)
RUN=$S/h2/run
mkdir -p -m 700 "$RUN"
h2() { lab_exec 2 env XDG_RUNTIME_DIR="$RUN" "$@"; }

printf 'workdir = %s/work\nuser = nobody\nload_tolerance = 102400\nmemory_pressure = 100\n' "$S" \
    >"$S/ccpoold.conf"
lab_spawn 1 ccpoold "$B/ccpoold" -d -f "$S/ccpoold.conf" >/dev/null
lab_wait_ccpool 2 1 "$B/lsdistcc" || fail "h1 not discovered"

# 1. three jobs through the cluster (local placement off: all go to h1)
W=$S/src
mkdir -p "$W"
for i in 1 2 3; do
	printf 'int f%d(int x) { return x * %d; }\n' "$i" "$i" >"$W/f$i.c"
	h2 sh -c "cd '$W' && CCPOOL_PLACE_LOCAL=0 CCPOOL_VERBOSE=1 \
	    '$B/ccpool' gcc -O2 -c f$i.c -o f$i.o" 2>>"$S/build.log" ||
	    fail "compile f$i.c: $(cat "$S/build.log")"
done
grep -q 'f1.c -> h1' "$S/build.log" || fail "f1.c not compiled on h1:" \
    "$(cat "$S/build.log")"
out=$(h2 env CCPOOL_PLACE_LOCAL=0 "$B/jobstest" -t 2) ||
    fail "jobstest: $out"
echo "$out" | sed 's/^/  /'
for i in 1 2 3; do
	echo "$out" | grep -Eq "^job [0-9]+ done h1 f$i.c status 0 out [1-9][0-9]* in [1-9]" ||
	    fail "f$i.c not shown done on h1"
done
echo "$out" | grep -Eq '^host h1 (pinned|new) usable 1$' ||
    fail "h1 not trusted and usable"
echo "$out" | grep -Eq '^capacity [1-9][0-9]* [0-9]+ [1-9]' ||
    fail "capacity without h1's slots"
echo "ok: the three jobs shown done on h1, h1 usable, capacity counted"

# 2. a compile error: failed, status 1 (then compiled here, as locally)
echo 'int broken(void) { return nope; }' >"$W/bad.c"
h2 sh -c "cd '$W' && CCPOOL_PLACE_LOCAL=0 '$B/ccpool' gcc -c bad.c" \
    >/dev/null 2>&1 && fail "bad.c compiled"
out=$(h2 env CCPOOL_PLACE_LOCAL=0 "$B/jobstest" -t 1) ||
    fail "jobstest: $out"
echo "$out" | grep -Eq '^job [0-9]+ failed h1 bad.c status 1 ' ||
    fail "bad.c not shown failed: $out"
echo "ok: a compile error shows failed, status 1"

# 3. another user: no way in
sock=$(ls "$RUN"/ccpool/agent-*.sock | head -1)
[ -S "$sock" ] || fail "no agent socket in $RUN/ccpool"
other() {
	lab_exec 2 setpriv --reuid=65534 --regid=65534 --clear-groups \
	    env XDG_RUNTIME_DIR="$RUN" HOME=/nonexistent "$@"
}
out=$(other "$B/jobstest" -s "$sock")
[ $? -eq 3 ] && echo "$out" | grep -q 'Permission denied' ||
    fail "another user reached the agent: $out"
echo "$out" | grep -q '^job ' && fail "another user read the jobs"
out=$(other "$B/jobstest" -t 1)
echo "$out" | grep -q '^job ' && fail "another user's monitor read jobs"
echo "$out" | grep -q '^jobs-error: ' || fail "no error for the other user"
echo "ok: another user is refused ($(echo "$out" | grep jobs-error))"
