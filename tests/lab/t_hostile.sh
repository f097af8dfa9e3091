#!/bin/bash
# t_hostile.sh - hostile compile jobs against a real ccpoold (sandbox
# linux, the default) in the lab.  A fake cross compiler (evilcc, as
# x86_64-evil-linux-gnu-gcc first on the server's PATH, so the server
# detects and offers it) reads /etc/shadow and the server user's home,
# writes outside its directory, connects to another lab host, fork-bombs,
# allocates 100 GiB, loops forever and writes a 10 GiB file.  Each job
# must fail with a reason for the client, leak nothing (no secret in the
# answer, no file outside, no connection, no process left), and after
# each a good gcc job still compiles.  Then the server's real gcc gets
# preprocessed text whose line markers name /proc/cmdline, /proc/version,
# /proc/self/mountinfo, ... before an error (gcc quotes the line from
# that file), and an asm .include of /proc/version: the answer must hold
# none of the machine's text, while a file the job can see is quoted.
# job_timeout is 3 s.
set -u
. "$(dirname "$0")/lab.sh"
B=${CCPOOL_BUILD:?}
fail() { echo "FAIL: $*"; exit 1; }

lab_up 2 || exit $?
S=$(lab_state_dir)
A1=$(lab_addr 1)
A2=$(lab_addr 2)
EVIL=x86_64-evil-linux-gnu-gcc
mkdir -m 755 "$S/evil" "$S/srvstate"
cp "$B/evilcc" "$S/evil/$EVIL"
# the server user's "home", with a secret in it
mkdir -m 700 "$S/home"
secret="secret-$RANDOM$RANDOM"
echo "$secret" >"$S/home/secret.txt"
cat >"$S/ccpoold.conf" <<EOF
job_timeout = 3
max_output_mb = 4
max_mem_mb = 1024
slots = 2
user = nobody
load_tolerance = 102400
memory_pressure = 100
EOF
lab_spawn 1 ccpoold env PATH="$S/evil:$PATH" HOME="$S/home" \
    STATE_DIRECTORY="$S/srvstate" "$B/ccpoold" -d -f "$S/ccpoold.conf" \
    >/dev/null
for n in $(seq 50); do
	lab_exec 2 "$B/srvprobe" -H "$A1" -q /dev/null --garbage \
	    >/dev/null 2>&1 && break
	sleep 0.1
done
st=$(lab_exec 2 curl -sk --max-time 5 "https://$A1:3634/status")
tc=$(jq -r '.toolchains[].id | select(contains("evil"))' <<<"$st" | head -1)
[ -n "$tc" ] || fail "the server did not offer evilcc: $st"
grep -q "sandbox linux" "$S/h1/ccpoold.log" ||
    fail "ccpoold does not say it uses sandbox linux: $(tail -5 "$S/h1/ccpoold.log")"
echo "ok: server offers $tc with sandbox linux"

echo 'int f(int x) { return x + 1; }' >"$S/ok.c"
gcc -E "$S/ok.c" -o "$S/ok.i"
(cd "$S" && gcc -O2 -x cpp-output -c ok.i -o ok.local.o)
# good WHAT: a good job compiles after WHAT.  A "busy" answer is a good
# server's too (after the fork bomb, with the machine loaded, it closed
# its slots for a while on the memory pressure it measured): asked again,
# once a second, for at most 90 s.
good() {
	local i
	for i in $(seq 90); do
		rm -f "$S/ok.o"
		lab_exec 2 "$B/srvprobe" -H "$A1" -o "$S/ok.o" "$S/ok.i" -- \
		    gcc -c -O2 >"$S/good.out" 2>&1 && break
		grep -q '^refused busy' "$S/good.out" ||
		    fail "good job after $1: $(cat "$S/good.out")"
		sleep 1
	done
	[ -e "$S/ok.o" ] || fail "good job after $1: $(cat "$S/good.out")"
	cmp -s "$S/ok.o" "$S/ok.local.o" || fail "object differs after $1"
}
good start

# a listener on h2 that notes any connection
lab_spawn 2 listener python3 -c '
import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], 4444)); s.listen(5); s.settimeout(120)
c, a = s.accept(); open(sys.argv[2], "w").write("CONNECTED\n")
' "$A2" "$S/connected" >/dev/null

shadow=$(head -1 /etc/shadow | cut -d: -f1-2)
# run ACT WANT_RE: send a job whose input names ACT; it must fail with a
# reason matching WANT_RE (the limit that stopped it: job_timeout, the
# memory or file size limit).  How long that took is printed, not judged:
# a SCHED_IDLE fork bomb on a busy machine takes long to die (33 s once,
# beside another lab); HANG_S only catches a job that is never stopped.
HANG_S=180
hostile() {
	local act=$1 want=$2 t0 t1 rc
	printf '%s\n' "$act" >"$S/act.i"
	rm -f "$S/x.o"
	t0=$(date +%s)
	lab_exec 2 "$B/srvprobe" -H "$A1" -t "$tc" -o "$S/x.o" "$S/act.i" -- \
	    "$EVIL" -c >"$S/probe.out" 2>&1
	rc=$?
	t1=$(date +%s)
	[ $rc -ne 0 ] || fail "$act: succeeded: $(cat "$S/probe.out")"
	[ $rc -ne 4 ] || fail "$act: connection failure: $(cat "$S/probe.out")"
	grep -q "STOLEN\|DONE\|CONNECTED" "$S/probe.out" &&
	    fail "$act: it worked: $(cat "$S/probe.out")"
	grep -qF "$secret" "$S/probe.out" && fail "$act: leaked the secret"
	[ -n "$shadow" ] && grep -qF "$shadow" "$S/probe.out" &&
	    fail "$act: leaked /etc/shadow"
	grep -Eq "$want" "$S/probe.out" ||
	    fail "$act: no reason matching '$want': $(cat "$S/probe.out")"
	[ $((t1 - t0)) -le "$HANG_S" ] ||
	    fail "$act: not stopped in $HANG_S s"
	[ -e "$S/x.o" ] && fail "$act: produced an object"
	echo "ok: $act: exit $rc in $((t1 - t0)) s: $(grep -E "$want" "$S/probe.out" | head -1)"
	# nothing of the job is left running
	for n in $(seq 30); do
		pgrep -f "$EVIL" >/dev/null || break
		sleep 0.1
	done
	pgrep -af "$EVIL" && fail "$act: processes left behind"
	good "$act"
}

hostile "read /etc/shadow /root /root/.bash_history $S/home/secret.txt $S/home /etc/passwd /var/lib /home /proc/cmdline /proc/version /proc/self/mountinfo" \
    "read /etc/shadow: No such file|exit 1"
hostile "write $S/pwned /tmp/pwned-${LAB_ID:-x} /usr/pwned /pwned ../pwned /dev/pwned" \
    "write .*(Read-only|Permission denied|No such file)"
for f in "$S/pwned" "/tmp/pwned-${LAB_ID:-x}" /usr/pwned /pwned /dev/pwned; do
	[ -e "$f" ] && fail "write: $f exists"
done
hostile "connect $A2 4444" "socket: Operation not permitted"
[ -e "$S/connected" ] && fail "connect: the listener on h2 was reached"
hostile "forkbomb" "job_timeout|limit"
hostile "alloc" "out of memory|memory limit|max_mem_mb"
hostile "loop" "job_timeout"
hostile "bigfile" "file size limit \([0-9]+ bytes\)"

# The server's gcc quotes the source line of an error from the file the
# line marker names.  The machine's own text, to look for in the answer:
cmdline=$(head -c 60 /proc/cmdline)
version=$(head -1 /proc/version)
release=$(uname -r)
control=$(head -1 /usr/include/stdio.h)
[ ${#cmdline} -ge 8 ] && [ ${#version} -ge 8 ] && [ ${#control} -ge 8 ] ||
    fail "quote: no host text to compare ('$cmdline' '$version' '$control')"
# leaked FILE WHAT: FILE (an answer) holds none of the machine's text
leaked() {
	local t
	for t in "$cmdline" "$version" "$release" "ccpool-job"; do
		grep -qF -- "$t" "$1" && fail "$2: the answer holds '$t': $(cat "$1")"
	done
	grep -Eq '^ *[0-9]+ \| ([0-9]+ [0-9]+ [0-9]+:[0-9]+ |processor|MemTotal)' \
	    "$1" && fail "$2: the answer quotes a /proc line: $(cat "$1")"
	return 0
}
{
	printf '# 1 "/usr/include/stdio.h"\nint c0 = ;\n'
	n=0
	for f in /proc/cmdline /proc/version /proc/self/mountinfo /proc/mounts \
	    /proc/cpuinfo /proc/meminfo /proc/1/mountinfo; do
		n=$((n + 1))
		printf '# 1 "quote.c"\nint b%d;\n# 1 "%s"\nint a%d = ;\n' \
		    $n "$f" $n
	done
} >"$S/quote.i"
lab_exec 2 "$B/srvprobe" -H "$A1" -o "$S/quote.o" "$S/quote.i" -- gcc -c \
    >"$S/quote.out" 2>&1
rc=$?
[ $rc -eq 1 ] || fail "quote: exit $rc, not gcc's 1: $(cat "$S/quote.out")"
grep -qF "/proc/cmdline:1:" "$S/quote.out" && grep -qF "/proc/1/mountinfo:1:" \
    "$S/quote.out" || fail "quote: gcc did not take the markers: $(cat "$S/quote.out")"
grep -qF -- "$control" "$S/quote.out" ||
    fail "quote: gcc did not quote the control line: $(cat "$S/quote.out")"
[ "$(grep -c '^ *1 | ' "$S/quote.out")" -eq 1 ] ||
    fail "quote: more than the control line quoted: $(cat "$S/quote.out")"
leaked "$S/quote.out" quote
echo "ok: quote: gcc quoted $(grep -c '^ *1 | ' "$S/quote.out") line (the control), none of /proc"
printf '__asm__(".include \\"/proc/version\\"");\n' >"$S/asinc.i"
lab_exec 2 "$B/srvprobe" -H "$A1" -o "$S/asinc.o" "$S/asinc.i" -- gcc -c \
    >"$S/asinc.out" 2>&1
rc=$?
[ $rc -eq 1 ] || fail "as .include: exit $rc: $(cat "$S/asinc.out")"
grep -q "/proc/version" "$S/asinc.out" ||
    fail "as .include: no message: $(cat "$S/asinc.out")"
grep -qi "no such instruction" "$S/asinc.out" &&
    fail "as .include: as read /proc/version: $(cat "$S/asinc.out")"
leaked "$S/asinc.out" "as .include"
echo "ok: as .include: $(grep -F /proc/version "$S/asinc.out" | head -1)"
good quote
ls "$S"/srvstate >/dev/null
st=$(lab_exec 2 curl -sk --max-time 5 "https://$A1:3634/status")
jq -e '.counters.jobs_done >= 8' <<<"$st" >/dev/null || fail "status: $st"
echo PASS
