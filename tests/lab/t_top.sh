#!/bin/bash
# t_top.sh - ccpool top on a 3-host lab: ccpoold runs on h1 and h2,
# ccpool-top on h3.  Its JSON frames (--json -n 0, one a line, a frame
# every 0.25 s from its start) must show both servers with their status
# pages within 2 s of its start, and a departure (ccpoold on h2 stopped)
# within 3 s; `ccpool top --once` (through the wrapper) prints a text
# frame with both; four compiles through the agent show among the user's
# jobs and as busy seconds in the servers' slot strips (where the
# library has them: the agent's jobs, status pages of schema 2); the
# curses screen starts in a pseudo-terminal, lives through a resize to a
# tiny terminal and quits on q.  The figures are printed; sanitizer
# builds (build-san) get five times the time.
set -u
. "$(dirname "$0")/lab.sh"
B=${CCPOOL_BUILD:?}
S=
fail() {
	echo "FAIL: $*"
	[ -n "$S" ] && tail -n 5 "$S"/h3/top*.log "$S"/h[12]/ccpoold.log \
	    2>/dev/null | cut -c1-400
	exit 1
}
slow=1
case $B in *-san) slow=5 ;; esac
now_ms() { echo $(($(date +%s%N) / 1000000)); }
# wait_frame LOG JQ MS: until the last frame of LOG satisfies JQ; 0, or 1
# after MS (a frame being written fails jq: the next try reads it whole)
wait_frame() {
	local end=$(($(now_ms) + $3))
	while [ "$(now_ms)" -le "$end" ]; do
		tail -n 1 "$1" 2>/dev/null | jq -e "$2" >/dev/null 2>&1 &&
		    return 0
		sleep 0.05
	done
	return 1
}

[ -x "$B/ccpool-top" ] || { echo "SKIP: no $B/ccpool-top"; exit 77; }
lab_up 3 || exit $?
S=$(lab_state_dir)

# the lab's hosts share the machine's CPUs: each server would see the
# others' work as its owner's and offer nothing (README)
printf 'workdir = %s/work\nuser = nobody\nload_tolerance = 102400\nmemory_pressure = 100\n' "$S" \
    >"$S/ccpoold.conf"
lab_spawn 1 ccpoold "$B/ccpoold" -d -f "$S/ccpoold.conf" >/dev/null
lab_spawn 2 ccpoold "$B/ccpoold" -d -f "$S/ccpoold.conf" >/dev/null
lab_wait_ccpool 3 2 "$B/lsdistcc" || fail "h3 never saw both ccpoolds"

# 1. both servers and their pages within 2 s of the monitor's start
both='[.hosts[] | select(.kind == "ccpool" and
    (.name == "h1" or .name == "h2") and .status != null)] | length == 2'
t0=$(now_ms)
RUN=$S/run	# the agent's rendezvous, the monitor's and the compiles'
mkdir -p "$RUN" && chmod 700 "$RUN"
lab_spawn 3 top env XDG_RUNTIME_DIR="$RUN" \
    "$B/ccpool-top" --json -n 0 -w 0 -d 0.25 >/dev/null
L=$S/h3/top.log
wait_frame "$L" "$both" $((2000 * slow)) ||
    fail "both servers and their pages not shown within $((2 * slow)) s"
echo "ok: both servers and their status pages in $(($(now_ms) - t0)) ms" \
    "(limit $((2000 * slow)))"
# the fields of the first frame that showed both (a later one may be
# between two adverts on a loaded machine)
F=$(jq -c "select($both)" "$L" 2>/dev/null | head -n 1)
printf '%s\n' "$F" | jq -e '.avahi == true and .capacity.slots >= 2 and
    .capacity.jobs >= 1 and (.hosts[] | select(.name == "h1") |
    .trust != "" and .status.slots >= 1 and .status.offered >= 1)' \
    >/dev/null || fail "a frame without its fields: $F"
echo "ok: the frame has trust, slots and capacity"

# 2. one text frame through the wrapper: a row per server, the footer
out=$(lab_exec 3 "$B/ccpool" top --once -w 2) ||
    fail "ccpool top --once failed: $out"
for h in h1 h2; do
	grep -Eq "^$h +[^ ].* \[[#.-]+\] +[0-9]+/[0-9]+ " <<<"$out" ||
	    fail "ccpool top --once: no row for $h: $out"
done
grep -q '^capacity: [0-9]* slots, [0-9]* free; suggested make -j[0-9]' \
    <<<"$out" || fail "ccpool top --once: no footer: $out"
echo "ok: ccpool top --once:"
sed 's/^/    /' <<<"$out"

# 3. compiles through the agent: the user's jobs and the servers' slots
# show them, where the library has them (the agent's jobs; status pages
# of schema 2)
mkdir -p "$S/src"
for i in 1 2 3 4; do
	printf 'int f%d(int x) { return x * %d; }\n' "$i" "$i" >"$S/src/f$i.c"
done
# (the agent's settings as the monitor's: CCPOOL_PLACE_LOCAL=0 would be
# an agent of its own, common/spawn.c)
lab_exec 3 env XDG_RUNTIME_DIR="$RUN" sh -c "cd '$S/src'
    for i in 1 2 3 4; do '$B/ccpool' gcc -O2 -c f\$i.c -o f\$i.o & done
    wait" || fail "the compiles failed"
# has LIBRARY FUNCTION: the library in $B implements it
has() { nm -D --defined-only "$B/libccpool.so" | grep -Eq " T $1(@|\$)"; }
if has ccpool_mon_jobs; then
	wait_frame "$L" '[.jobs // [] | .[] | select(.file |
	    test("^f[1-4].c$"))] | length == 4' $((3000 * slow)) ||
	    fail "the 4 jobs not among the user's: $(tail -n 1 "$L")"
	echo "ok: the user's 4 jobs shown:" "$(tail -n 1 "$L" |
	    jq -c '[.jobs[] | .file + " " + .phase + " " + .host]')"
else
	echo "note: this libccpool has no ccpool_mon_jobs yet: jobs unchecked"
fi
if has ccpool_status_slot_state; then
	wait_frame "$L" '[.hosts[] | select(.name == "h1" or .name == "h2") |
	    .status.activity[] | select(length == 60 and test("#"))] |
	    length > 0' $((5000 * slow)) ||
	    fail "no busy second in the strips: $(tail -n 1 "$L")"
	echo "ok: the jobs in the strips:" "$(tail -n 1 "$L" | jq -c \
	    '[.hosts[] | {(.name): .status.activity}] | add')"
else
	echo "note: this libccpool has no slot states yet: strips unchecked"
fi
lab_exec 3 env XDG_RUNTIME_DIR="$RUN" "$B/ccpool" top --once -w 1 |
    sed 's/^/    /'

# 4. the screen: in a pseudo-terminal, resized to 6x30, then q
cat >"$S/screen.sh" <<EOF
stty rows 24 cols 100
"$B/ccpool-top" -d 0.2 </dev/tty & p=\$!
sleep 1.5
stty rows 6 cols 30
kill -WINCH \$p
sleep 1
stty rows 24 cols 100
kill -WINCH \$p
sleep 1
wait \$p
echo "top exited \$?"
EOF
t1=$(now_ms)
( sleep 4; printf q ) | lab_exec 3 env TERM=xterm timeout $((20 * slow)) \
    script -qfec "sh $S/screen.sh" /dev/null >"$S/h3/topscreen.log" 2>&1
grep -q 'top exited 0' "$S/h3/topscreen.log" ||
    fail "the screen did not quit on q: $(tail -c 300 "$S/h3/topscreen.log")"
grep -q 'ccpool top: ' "$S/h3/topscreen.log" ||
    fail "the screen shows no title"
grep -q 'q quit' "$S/h3/topscreen.log" || fail "no keys shown"
echo "ok: the screen draws, survives 6x30 and quits on q" \
    "($(($(now_ms) - t1)) ms)"

# 5. a departure within 3 s
gone='[.hosts[] | select(.name == "h2")] | length == 0'
t0=$(now_ms)
lab_kill 2 ccpoold TERM || fail "h2: ccpoold did not stop"
wait_frame "$L" "$gone" $((3000 * slow)) ||
    fail "h2's departure not seen within $((3 * slow)) s"
echo "ok: departure seen in $(($(now_ms) - t0)) ms (limit $((3000 * slow)))"
wait_frame "$L" '[.hosts[] | select(.name == "h1")] | length == 1' 1000 ||
    fail "h1 gone too"
lab_kill 3 top TERM
grep -Eq 'AddressSanitizer|runtime error|Segmentation' "$L" &&
    fail "ccpool-top crashed"
echo "PASS: t_top"
