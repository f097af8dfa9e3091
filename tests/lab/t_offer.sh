#!/bin/bash
# t_offer.sh - offers (protocol version 2, late binding) against a real
# ccpoold with one slot and no queue, driven by srvprobe on a second lab
# host (tests/tools/srvprobe.c --offer...):
#  1. with the slot free an offer is pulled at once (PULL FREE) and the
#     job then compiles;
#  2. with the slot busy (a job of evilcc's "pause", which ends only when
#     its client goes away) an offer waits: the runner counts it on the
#     status page and it is not pulled; a second offer beside it is
#     withdrawn (DROP) before any pull; once the busy job's client goes,
#     both remaining offers are pulled in turn and compile;
#  3. an offer withdrawn after its pull gives its slot back: the next
#     offer on the same connection is pulled and compiles;
#  4. a malformed offer is refused "proto"; a pulled offer whose job is
#     declined (no -c) gives its slot back; a job still compiles;
#  5. an offer of an unknown toolchain is declined "toolchain".
# No timing: every wait is on a condition, bounded.
set -u
. "$(dirname "$0")/lab.sh"
B=${CCPOOL_BUILD:?}
fail() {
	echo "FAIL: $*"
	tail -n 15 "$(lab_state_dir)"/h1/ccpoold.log 2>/dev/null
	exit 1
}
for x in srvprobe evilcc; do
	[ -x "$B/$x" ] || { echo "SKIP: no $B/$x"; exit 77; }
done

lab_up 2 || exit $?
S=$(lab_state_dir)
A1=$(lab_addr 1)
EVIL=x86_64-evil-linux-gnu-gcc
mkdir -m 755 "$S/evil"
cp "$B/evilcc" "$S/evil/$EVIL"
cat >"$S/ccpoold.conf" <<EOF
workdir = $S/work
slots = 1
queue = 0
job_timeout = 60
user = nobody
load_tolerance = 102400
memory_pressure = 100
EOF
lab_spawn 1 ccpoold env PATH="$S/evil:$PATH" "$B/ccpoold" -d \
    -f "$S/ccpoold.conf" >/dev/null
for n in $(seq 50); do
	lab_exec 2 "$B/srvprobe" -H "$A1" -q /dev/null --garbage \
	    >/dev/null 2>&1 && break
	sleep 0.1
done
status() { lab_exec 2 curl -sk --max-time 5 "https://$A1:3634/status"; }
st=$(status)
tc=$(jq -r '.toolchains[].id | select(contains("evil"))' <<<"$st" | head -1)
[ -n "$tc" ] || fail "the server did not offer evilcc: $st"
jq -e '.protocol == 2 and .offers == 0' <<<"$st" >/dev/null ||
    fail "status: protocol or offers: $st"

echo 'int f(int x) { return x + 1; }' >"$S/ok.c"
gcc -E "$S/ok.c" -o "$S/ok.i"
probe() { lab_exec 2 "$B/srvprobe" -H "$A1" "$@"; }
# wait_for TRIES CMD...: until CMD succeeds, 0.2 s apart
wait_for() {
	local n=$1
	shift
	for n in $(seq "$n"); do
		"$@" && return 0
		sleep 0.2
	done
	return 1
}

# 1. a free slot: pulled at once, compiled
probe -o "$S/one.o" --offer "$S/ok.i" -- gcc -c -O2 >"$S/one.out" 2>&1 ||
    fail "offer: exit $?: $(cat "$S/one.out")"
grep -q '^offered job 1$' "$S/one.out" &&
    grep -q '^pulled job 1: free 0 waiting 0$' "$S/one.out" &&
    grep -q '^status 0 exit 0' "$S/one.out" && [ -s "$S/one.o" ] ||
    fail "offer: $(cat "$S/one.out")"
echo "ok: an offer on a free slot is pulled at once and compiles"

# 2. a busy slot: the offers wait; one is dropped; then pulled in turn
echo pause >"$S/pause.i"
lab_spawn 2 busy "$B/srvprobe" -H "$A1" -t "$tc" "$S/pause.i" -- \
    "$EVIL" -c >/dev/null
running() { [ "$(status | jq .running)" = 1 ]; }
wait_for 100 running || fail "the busy job does not run: $(status)"
lab_spawn 2 waiter "$B/srvprobe" -H "$A1" -o "$S/w.o" --offer "$S/ok.i" \
    -- gcc -c -O2 >/dev/null
lab_spawn 2 dropper "$B/srvprobe" -H "$A1" -o "$S/d.o" \
    --offer-drop-before "$S/ok.i" -- gcc -c -O2 >/dev/null
offers() { [ "$(status | jq .offers)" = "$1" ]; }
logged() { grep -q "$2" "$S/h2/$1.log"; }
wait_for 100 logged waiter '^offered job 1$' &&
    wait_for 100 logged dropper '^offered job 1$' &&
    wait_for 100 offers 2 || fail "two offers do not wait: $(status)," \
    "$(cat "$S/h2/waiter.log" "$S/h2/dropper.log")"
wait_for 50 logged dropper '^offer 1001 ended: busy: offer 1001 withdrawn$' ||
    fail "no drop, or not ended: $(cat "$S/h2/dropper.log")"
grep -q pulled "$S/h2/waiter.log" "$S/h2/dropper.log" &&
    fail "pulled while the slot is busy: $(cat "$S/h2/waiter.log" \
    "$S/h2/dropper.log")"
running || fail "the busy job ended by itself: $(status)"
echo "ok: with the slot busy two offers wait (one dropped first), none pulled"
lab_kill 2 busy || fail "busy probe does not end"
for p in waiter dropper; do
	wait_for 150 logged $p '^status ' ||
	    fail "$p: no result: $(cat "$S/h2/$p.log")"
	logged $p '^pulled job 1: free 0 ' && logged $p '^status 0 exit 0' ||
	    fail "$p: $(cat "$S/h2/$p.log")"
	logged $p 'pulled job 1001' && fail "$p: the dropped offer was pulled"
done
[ -s "$S/w.o" ] && [ -s "$S/d.o" ] || fail "objects missing"
wait_for 50 offers 0 || fail "offers left: $(status)"
echo "ok: once the busy job's client went, both offers were pulled and compiled"

# 3. dropped after its pull: the slot is free again for the next offer
probe -o "$S/a.o" --offer-drop-after "$S/ok.i" -- gcc -c -O2 \
    >"$S/after.out" 2>&1 || fail "drop after pull: $(cat "$S/after.out")"
grep -q '^pulled job 1001: ' "$S/after.out" &&
    grep -q '^dropped job 1001 after its pull$' "$S/after.out" &&
    grep -q '^offer 1001 ended: busy: ' "$S/after.out" &&
    grep -q '^pulled job 1: free 0 ' "$S/after.out" &&
    grep -q '^status 0 exit 0' "$S/after.out" ||
    fail "drop after pull: $(cat "$S/after.out")"
echo "ok: an offer dropped after its pull frees its slot: the next one is pulled"

# 4. a malformed offer: refused proto; the server still compiles
probe -q --offer-bad "$S/ok.i" -- gcc -c >"$S/bad.out" 2>&1 ||
    fail "malformed offer: $(cat "$S/bad.out")"
grep -q '^refused proto: bad offer: ' "$S/bad.out" ||
    fail "malformed offer: $(cat "$S/bad.out")"
# ... and a pulled offer whose job the server declines gives its slot back
probe -q --offer --not-compile "$S/ok.i" >"$S/nc.out" 2>&1 ||
    fail "offer, not a compile: $(cat "$S/nc.out")"
grep -q '^pulled job 1: ' "$S/nc.out" &&
    grep -q '^refused notcompile: ' "$S/nc.out" ||
    fail "offer, not a compile: $(cat "$S/nc.out")"
probe -o "$S/b.o" "$S/ok.i" -- gcc -c >"$S/after-bad.out" 2>&1 ||
    fail "job after a malformed offer: $(cat "$S/after-bad.out")"
echo "ok: a malformed offer: $(grep "^refused" "$S/bad.out"); a declined pulled job freed its slot; a job still compiles"

# 5. an unknown toolchain: declined
probe -q --offer --unknown-toolchain "$S/ok.i" -- gcc -c >"$S/tc.out" 2>&1 ||
    fail "unknown toolchain: $(cat "$S/tc.out")"
grep -q '^refused toolchain: ' "$S/tc.out" || fail "$(cat "$S/tc.out")"
echo "ok: an unknown toolchain: $(grep "^refused" "$S/tc.out" | cut -c1-80)"
st=$(status)
jq -e '.offers == 0 and .running == 0 and .counters.jobs_done >= 5' \
    <<<"$st" >/dev/null || fail "status at the end: $st"
echo PASS
