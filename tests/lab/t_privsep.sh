#!/bin/bash
# t_privsep.sh - privilege separation of a running ccpoold started as root
# (doc/server.md, "Privilege separation"), on a 2-host lab:
#  1. the parent, net, runner and pub all run as the configured user
#     (nobody here), with NoNewPrivs 1; net, runner and pub have a
#     seccomp filter (Seccomp: 2), net and pub are not dumpable;
#  2. net sees no filesystem: its root is an empty directory and its
#     mount namespace holds one mount;
#  3. the work directory was made for the user, the server still
#     compiles a job (object equal to a local compile), and SIGHUP still
#     reloads the configuration;
#  4. SIGTERM stops every process cleanly inside its filters (under
#     SAN=address,undefined too: LeakSanitizer runs at each exit);
#  5. started as a normal user (no switch): the same layers, net's empty
#     root through a user namespace, and a job;
#  6. a child killed by SIGSYS (what a seccomp kill looks like) is
#     logged by the parent with its name and the signal.
set -u
. "$(dirname "$0")/lab.sh"
B=${CCPOOL_BUILD:?}
fail() { echo "FAIL: $*"; exit 1; }

lab_up 2 || exit $?
S=$(lab_state_dir)
A1=$(lab_addr 1)
U=nobody
uid=$(id -u "$U")
printf 'workdir = %s/work\nuser = %s\nload_tolerance = 102400\nmemory_pressure = 100\n' "$S" "$U" \
    >"$S/ccpoold.conf"
# the pids from the parent's log ("X process is pid N", -v)
pidof_proc() {
	sed -n "s/.*\[parent\]: $1 process is pid \([0-9]*\).*/\1/p" "$LOG" |
	    tail -1
}
start() {	# start NAME: a server on h1; sets LOG net runner pub parent
	lab_spawn 1 "$1" "$B/ccpoold" -d -v -f "$S/ccpoold.conf" >/dev/null
	LOG=$S/h1/$1.log
	for n in $(seq 300); do
		[ "$(grep -c 'process sandboxed' "$LOG")" -ge 3 ] &&
		    grep -q 'pub process is pid' "$LOG" && break
		sleep 0.1
	done
	net=$(pidof_proc net) runner=$(pidof_proc runner) pub=$(pidof_proc pub)
	[ -n "$net" ] && [ -n "$runner" ] && [ -n "$pub" ] ||
	    fail "no child pids in the log: $(tail "$LOG")"
	parent=$(awk '$1 == "PPid:" { print $2 }' "/proc/$net/status")
}
start ccpoold
field() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status"; }

# 1. ids, no_new_privs, seccomp, dumpable
for p in parent:"$parent" net:"$net" runner:"$runner" pub:"$pub"; do
	name=${p%%:*} pid=${p#*:}
	[ -r "/proc/$pid/status" ] || fail "$name ($pid) is not running"
	[ "$(field "$pid" Uid)" = "$uid" ] ||
	    fail "$name runs as uid $(field "$pid" Uid), not $uid"
	grep -q "^Uid:[[:space:]]*$uid[[:space:]]*$uid[[:space:]]*$uid[[:space:]]*$uid$" \
	    "/proc/$pid/status" || fail "$name: $(grep ^Uid: "/proc/$pid/status")"
	grep -q "^Gid:[[:space:]]*[1-9]" "/proc/$pid/status" ||
	    fail "$name: $(grep ^Gid: "/proc/$pid/status")"
	[ "$(awk '$1 == "Groups:" { print NF }' "/proc/$pid/status")" -le 2 ] ||
	    fail "$name: $(grep ^Groups: "/proc/$pid/status")"
	[ "$(field "$pid" CapEff)" = 0000000000000000 ] ||
	    fail "$name has capabilities $(field "$pid" CapEff)"
	[ "$(field "$pid" NoNewPrivs)" = 1 ] || fail "$name: NoNewPrivs not set"
	if [ "$name" != parent ]; then
		[ "$(field "$pid" Seccomp)" = 2 ] ||
		    fail "$name: Seccomp $(field "$pid" Seccomp), want 2"
	fi
	echo "ok: $name (pid $pid): uid $uid, NoNewPrivs 1, Seccomp $(field "$pid" Seccomp)"
done

# 2. net has no filesystem
[ -z "$(ls -A "/proc/$net/root/" 2>&1)" ] ||
    fail "net's root is not empty: $(ls -A "/proc/$net/root/" | head)"
[ "$(wc -l <"/proc/$net/mountinfo")" -eq 1 ] ||
    fail "net sees mounts: $(cat "/proc/$net/mountinfo")"
grep -q ' / / ro,' "/proc/$net/mountinfo" ||
    fail "net's root is not read-only: $(cat "/proc/$net/mountinfo")"
[ "$(readlink "/proc/$net/ns/mnt")" != "$(readlink /proc/self/ns/mnt)" ] ||
    fail "net shares our mount namespace"
echo "ok: net's root is empty and read-only, one mount"
# runner and pub keep the filesystem (compilers; the D-Bus socket)
[ -e "/proc/$runner/root/usr/bin" ] || fail "runner lost the filesystem"
[ -e "/proc/$pub/root/usr" ] || fail "pub lost the filesystem"

# 3. the work directory, and a real job
[ "$(stat -c %U "$S/work")" = "$U" ] || fail "work directory owner: $(stat -c %U "$S/work")"
echo 'int f(int x) { return x * 3; }' >"$S/ok.c"
gcc -E "$S/ok.c" -o "$S/ok.i"
(cd "$S" && gcc -O2 -x cpp-output -c ok.i -o ok.local.o)
lab_exec 2 "$B/srvprobe" -H "$A1" -o "$S/ok.o" "$S/ok.i" -- gcc -c -O2 \
    >"$S/probe.out" 2>&1 || fail "job: $(cat "$S/probe.out")"
cmp -s "$S/ok.o" "$S/ok.local.o" || fail "object differs"
echo "ok: the sandboxed server compiled a job"
for n in $(seq 50); do
	grep -q 'advertising _ccpool._tcp' "$LOG" && break
	sleep 0.1
done
grep -q 'advertising _ccpool._tcp' "$LOG" || fail "pub did not advertise"
echo "ok: pub advertises from its sandbox"
# SIGHUP: the parent, no longer root, re-reads the file (not the key)
kill -HUP "$parent"
for n in $(seq 50); do
	grep -q 'reload' "$LOG" && break
	sleep 0.1
done
grep -q '\[parent\]: configuration reloaded' "$LOG" ||
    fail "SIGHUP: $(grep reload "$LOG")"
echo "ok: SIGHUP reloads as $U"

# 4. a clean stop, every process inside its filter
kill -TERM "$parent"
for n in $(seq 100); do
	kill -0 "$parent" 2>/dev/null || break
	sleep 0.1
done
kill -0 "$parent" 2>/dev/null && fail "still running 10 s after SIGTERM"
grep -q '\[parent\]: stopped$' "$LOG" || fail "no clean stop: $(tail "$LOG")"
if grep -Eq 'killed by signal|exited [1-9]|Sanitizer|runtime error' "$LOG"; then
	fail "unclean stop: $(grep -E 'killed by|exited|Sanitizer|runtime error' "$LOG")"
fi
echo "ok: SIGTERM: every process exited 0"

# 5. started as a normal user: no switch, every other layer still there
# (net's empty root through a user namespace)
mkdir -p "$S/nb" && chown "$U" "$S/nb"
printf 'workdir = %s/nb/work\nidentity = %s/nb/key\nload_tolerance = 102400\nmemory_pressure = 100\n' \
    "$S" "$S" >"$S/nb.conf"
chmod 644 "$S/nb.conf"
lab_spawn 1 ccpoold-nr setpriv --reuid="$U" --regid="$(id -g "$U")" \
    --clear-groups env HOME=/nonexistent "$B/ccpoold" -d -v -f "$S/nb.conf" \
    >/dev/null
LOG=$S/h1/ccpoold-nr.log
for n in $(seq 300); do
	[ "$(grep -c 'process sandboxed' "$LOG")" -ge 3 ] && break
	sleep 0.1
done
net=$(pidof_proc net)
[ -n "$net" ] || fail "non-root: no net pid: $(tail "$LOG")"
[ "$(field "$net" Uid)" = "$uid" ] && [ "$(field "$net" Seccomp)" = 2 ] &&
    [ "$(field "$net" NoNewPrivs)" = 1 ] || fail "non-root net: $(grep -E '^(Uid|Seccomp|NoNewPrivs):' "/proc/$net/status")"
[ "$(wc -l <"/proc/$net/mountinfo")" -eq 1 ] ||
    fail "non-root net sees mounts: $(cat "/proc/$net/mountinfo")"
rm -f "$S/ok.o"
lab_exec 2 "$B/srvprobe" -H "$A1" -o "$S/ok.o" "$S/ok.i" -- gcc -c -O2 \
    >"$S/probe.out" 2>&1 || fail "non-root job: $(cat "$S/probe.out")"
cmp -s "$S/ok.o" "$S/ok.local.o" || fail "non-root: object differs"
lab_kill 1 ccpoold-nr TERM || fail "non-root server did not stop"
grep -q '\[parent\]: stopped$' "$LOG" || fail "non-root: no clean stop: $(tail "$LOG")"
echo "ok: started as $U: empty root through a user namespace, filters, a job"

# 6. a seccomp kill is logged by name and signal (fail closed: all stop)
start ccpoold2
kill -SYS "$net"
for n in $(seq 50); do
	grep -q 'net process (pid [0-9]*) killed by signal 31 (SIGSYS)' \
	    "$LOG" && break
	sleep 0.1
done
grep -q 'net process (pid [0-9]*) killed by signal 31 (SIGSYS): its seccomp' \
    "$LOG" || fail "no SIGSYS message: $(tail "$LOG")"
echo "ok: $(grep -m1 'killed by signal 31' "$LOG" | cut -c1-120)..."
for n in $(seq 50); do
	kill -0 "$parent" 2>/dev/null || break
	sleep 0.1
done
kill -0 "$parent" 2>/dev/null && fail "parent still runs after net died"
echo "ok: the server stopped (fail closed)"
echo PASS
