#!/bin/bash
# t_badinput.sh - hostile and broken input against a real ccpoold in the
# lab: garbage, a truncated stream, a frame claiming a huge length, an
# unknown toolchain id, argv that is not a compile, and forbidden options
# (the CVE-2004-2687 pattern: asking the server to run something).  Each
# gets a clear refusal (srvprobe checks the answer and exits 0 when it is
# the right one), and after every one the server still compiles a good job.
set -u
. "$(dirname "$0")/lab.sh"
B=${CCPOOL_BUILD:?}
fail() { echo "FAIL: $*"; exit 1; }

lab_up 2 || exit $?
S=$(lab_state_dir)
A1=$(lab_addr 1)
# every lab host shares this machine's CPUs: the other hosts' work is not
# this server's owner at work (bench_office.sh emulates owners), so the
# foreign-load rule is off (load_tolerance)
printf 'user = nobody\nload_tolerance = 102400\nmemory_pressure = 100\n' >"$S/ccpoold.conf"
lab_spawn 1 ccpoold "$B/ccpoold" -d -f "$S/ccpoold.conf" >/dev/null
for n in $(seq 50); do
	lab_exec 2 "$B/srvprobe" -H "$A1" -q /dev/null --garbage \
	    >/dev/null 2>&1 && break
	sleep 0.1
done
echo 'int f(int x) { return x + 1; }' >"$S/ok.c"
gcc -E "$S/ok.c" -o "$S/ok.i"
good() {
	rm -f "$S/ok.o"
	lab_exec 2 "$B/srvprobe" -H "$A1" -o "$S/ok.o" "$S/ok.i" -- gcc -c -O2 \
	    >"$S/good.out" 2>&1 || fail "good job after $1: $(cat "$S/good.out")"
	(cd "$S" && gcc -O2 -x cpp-output -c ok.i -o ok.local.o)
	cmp -s "$S/ok.o" "$S/ok.local.o" || fail "object differs after $1"
}
good start
for mode in --garbage --truncate --huge-length --unknown-toolchain \
    --not-compile; do
	lab_exec 2 "$B/srvprobe" -H "$A1" "$mode" "$S/ok.i" -- gcc -c -O2 \
	    >"$S/probe.out" 2>&1 ||
	    fail "$mode: wrong answer: $(cat "$S/probe.out")"
	echo "ok: $mode: $(tail -1 "$S/probe.out")"
	good "$mode"
done
# options that would load code or write outside the job are refused with
# a reason, and nothing is run
for opt in -fplugin=/tmp/evil.so -specs=/tmp/evil -B/tmp @/etc/shadow \
    -wrapper=/bin/sh -o/tmp/pwned; do
	lab_exec 2 "$B/srvprobe" -H "$A1" -o "$S/x.o" "$S/ok.i" -- gcc -c "$opt" \
	    >"$S/probe.out" 2>&1
	rc=$?
	[ $rc -eq 3 ] || fail "$opt: exit $rc (want 3, a refusal): $(cat "$S/probe.out")"
	grep -qi 'policy\|refus' "$S/probe.out" || fail "$opt: no reason given"
	echo "ok: $opt refused: $(grep -i 'policy\|refus' "$S/probe.out" | head -1)"
	good "$opt"
done
# not a compiler at all (distcc's CVE-2004-2687 pattern): a valid
# toolchain id with argv[0] /bin/sh.  The server runs only its detected
# compilers by absolute path, so argv[0] names nothing it would run, and
# "-c id" is no compile of one input.
tc=$(lab_exec 2 curl -sk --max-time 5 "https://$A1:3634/status" |
    jq -r '.toolchains[0].id')
for argv in "/bin/sh -c id" "/bin/sh -c -c x.c"; do
	# shellcheck disable=SC2086
	lab_exec 2 "$B/srvprobe" -H "$A1" -t "$tc" -o "$S/x.o" "$S/ok.i" -- \
	    $argv >"$S/probe.out" 2>&1
	rc=$?
	[ -e "$S/x.o" ] && fail "$argv: produced an object"
	[ $rc -eq 3 ] || [ $rc -ne 0 ] ||
	    fail "$argv: accepted: $(cat "$S/probe.out")"
	echo "ok: $argv: exit $rc: $(tail -1 "$S/probe.out")"
	good "$argv"
done
# argv[0] is only a name: with a valid compile, /usr/bin/id as argv[0]
# still runs the server's own gcc (the object proves it), never id
rm -f "$S/x.o"
lab_exec 2 "$B/srvprobe" -H "$A1" -t "$tc" -o "$S/x.o" "$S/ok.i" -- \
    /usr/bin/id -c -O2 >"$S/probe.out" 2>&1 || fail "id -c: $(cat "$S/probe.out")"
cmp -s "$S/x.o" "$S/ok.local.o" || fail "argv[0] /usr/bin/id: not gcc's object"
echo "ok: argv[0] /usr/bin/id ran the server's gcc, not id"
st=$(lab_exec 2 curl -sk --max-time 5 "https://$A1:3634/status")
jq -e '.counters.jobs_done >= 1' <<<"$st" >/dev/null || fail "status: $st"
echo PASS
