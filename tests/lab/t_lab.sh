#!/bin/bash
# t_lab.sh - the lab's own smoke test (3 hosts): hostnames, addresses,
# reachability, nothing added to the root namespace, lab_exec/lab_spawn/
# lab_kill semantics, an avahi-daemon restart, a second lab coexisting
# without collision, stock distcc finding distccd by mDNS and compiling on
# it; then that lab_down, a SIGTERM/SIGINT'ed test and --cleanup-stale all
# leave nothing behind.  Prints timings (lab_up, mDNS discovery).
# shellcheck disable=SC2009,SC2016,SC2046,SC2086 # sh -c scripts, pid lists
# lab: alone (--cleanup-stale acts on every lab of the machine)
set -u
LAB=$(cd "$(dirname "$0")" && pwd)/lab.sh
# shellcheck source=tests/lab/lab.sh
. "$LAB"
fail() { echo "FAIL: $*"; exit 1; }
links() { ip -o link | awk -F': ' '{ print $2 }' | sort; }
addrs() { ip -o addr | awk '{ print $2, $3, $4 }' | sort; }
# live processes of session SID
insid() { ps -o stat= --sid "$1" | grep -vc '^Z'; }

root_links=$(links)
root_addrs=$(addrs)
root_host=$(cat /proc/sys/kernel/hostname)

lab_up 3 || exit $?
echo "time: lab_up 3 took $LAB_UP_MS ms"
S=$(lab_state_dir)
ID=$(basename "$S")
ID=${ID#ccpool-lab.}

# 1. hostnames, interfaces, addresses
for i in 1 2 3; do
	hn=$(lab_exec $i cat /proc/sys/kernel/hostname)
	[ "$hn" = "h$i" ] || fail "h$i has hostname '$hn'"
	ifs=$(lab_exec $i ip -o link | awk -F': ' '{ print $2 }' | sed 's/@.*//' |
	    sort | tr '\n' ' ')
	[ "$ifs" = "$(lab_ifname $i) lo " ] || fail "h$i interfaces: $ifs"
	a=$(lab_exec $i ip -o -4 addr show dev "$(lab_ifname $i)" |
	    awk '{ print $4 }')
	[ "$a" = "$(lab_addr $i)/24" ] || fail "h$i address '$a'"
	ll=$(lab_exec $i ip -o -6 addr show dev "$(lab_ifname $i)" scope link)
	case $ll in *fe80::*) ;; *) fail "h$i has no IPv6 link-local: $ll" ;; esac
	case $ll in *tentative*) fail "h$i link-local still tentative" ;; esac
done
[ "$(cat /proc/sys/kernel/hostname)" = "$root_host" ] ||
    fail "root hostname changed"
echo "ok: hostnames, one interface each, 198.18 and link-local addresses"

# 2. the root namespace gained nothing
[ "$(links)" = "$root_links" ] || fail "root links changed: $(links)"
[ "$(addrs)" = "$root_addrs" ] || fail "root addresses changed"
echo "ok: root namespace unchanged"

# 3. reachability: ping when installed, else a TCP connect to a closed
# port must be refused at once (h2's kernel answered with a RST).
if lab_exec 1 sh -c 'command -v ping' >/dev/null; then
	lab_exec 1 ping -c 1 -W 2 "$(lab_addr 2)" >/dev/null ||
	    fail "h1 cannot ping h2"
	echo "ok: h1 pings h2"
else
	msg=$(lab_exec 1 timeout 3 bash -c \
	    "exec 3<>/dev/tcp/$(lab_addr 2)/9" 2>&1); rc=$?
	case $rc/$msg in
	1/*"Connection refused"*) echo "ok: h1 reaches h2 (no ping: TCP RST)" ;;
	*) fail "h1 -> h2: exit $rc: $msg" ;;
	esac
fi
lab_exec 1 timeout 3 bash -c "exec 3<>/dev/tcp/198.18.1.1/9" 2>/dev/null &&
    fail "h1 reached an address outside the lab"

# 4. lab_exec: status, cwd, bus; lab_spawn / lab_kill on a process group
lab_exec 2 sh -c 'exit 7'; [ $? -eq 7 ] || fail "lab_exec lost the status"
[ "$(cd /usr/share && lab_exec 1 pwd)" = /usr/share ] || fail "cwd lost"
[ "$(lab_exec 3 printenv DBUS_SYSTEM_BUS_ADDRESS)" = "unix:path=$S/h3/bus" ] ||
    fail "DBUS_SYSTEM_BUS_ADDRESS not set"
pid=$(lab_spawn 1 sleeper sh -c 'sleep 600 | cat') || fail "lab_spawn"
sleep 0.3
n=$(insid "$pid")
[ "$n" -eq 3 ] || fail "sleeper group has $n processes, want 3"
lab_kill 1 sleeper || fail "lab_kill"
[ "$(insid "$pid")" -eq 0 ] || fail "sleeper group survived lab_kill"
pid=$(lab_spawn 1 stubborn sh -c 'trap "" TERM; while :; do sleep 1; done')
t0=$(lab__now_ms)
msg=$(lab_kill 1 stubborn TERM 2>&1) || fail "lab_kill did not KILL: $msg"
t=$(($(lab__now_ms) - t0))
# TERM had its 5 s first (no upper bound: a busy machine stretches them)
[ "$t" -ge 4500 ] || fail "KILL after $t ms, before TERM had its 5 s"
case $msg in
*"stubborn still running 5 s after SIGTERM: KILL"*) ;;
*) fail "lab_kill did not say it sent KILL: $msg" ;;
esac
[ "$(insid "$pid")" -eq 0 ] || fail "stubborn group survived lab_kill"
echo "ok: lab_exec status/cwd/bus, lab_spawn, lab_kill (group; KILL after ${t} ms)"

# 5. avahi-daemon restart
old=$(cat "$S/h2/avahi.pid")
lab_avahi_restart 2 || fail "avahi restart on h2"
new=$(cat "$S/h2/avahi.pid")
[ "$old" != "$new" ] || fail "avahi-daemon not restarted"
lab_wait_avahi 2 1 || fail "restarted avahi-daemon not running"
echo "ok: avahi-daemon restart"

# 6. a second lab coexists: its h1 has our h1's name and address, yet both
# avahi-daemons keep the plain name h1 (they would rename on a collision).
other=ccl$$x
(LAB_ID=$other LAB_LOGDIR='' exec bash -c '. "$1"; lab_up 1 >/dev/null || exit 1
    lab_exec 1 dbus-send --system --print-reply --dest=org.freedesktop.Avahi \
	/ org.freedesktop.Avahi.Server.GetHostName' sh "$LAB" \
    >"$S/other.out" 2>&1) || fail "second lab: $(cat "$S/other.out")"
grep -q '"h1"' "$S/other.out" || fail "second lab h1 renamed: $(cat "$S/other.out")"
out=$(lab_exec 1 dbus-send --system --print-reply \
    --dest=org.freedesktop.Avahi / org.freedesktop.Avahi.Server.GetHostName)
case $out in *'"h1"'*) ;; *) fail "our h1 renamed: $out" ;; esac
[ -z "$(lab__ns_list "$other")" ] || fail "second lab left namespaces"
echo "ok: a second lab coexisted without a collision and left nothing"

# 7. stock distcc: distccd --zeroconf on h2, distcc +zeroconf on h3
W=$S/work
mkdir -p "$W" "$S/h3/home/.distcc"
printf 'int twice(int x) { return 2 * x; }\n' >"$W/x.c"
t0=$(lab__now_ms)
lab_spawn 2 distccd distccd --daemon --no-detach --zeroconf --user nobody \
    --allow 198.18.0.0/15 --listen "$(lab_addr 2)" --log-stderr \
    --log-level info >/dev/null || fail "distccd did not start"
ok=
for n in $(seq 20); do
	if (cd "$W" && lab_exec 3 env HOME="$S/h3/home" \
	    DISTCC_DIR="$S/h3/home/.distcc" DISTCC_HOSTS=+zeroconf \
	    DISTCC_FALLBACK=0 distcc gcc -c x.c -o x.o) >"$S/distcc.out" 2>&1
	then
		ok=1
		break
	fi
	sleep 0.5
done
t=$(($(lab__now_ms) - t0))
[ -n "$ok" ] || fail "distcc on h3 never compiled on h2: $(tail -5 "$S/distcc.out")"
grep -q "client: $(lab_addr 3):[0-9]* COMPILE_OK .* x.c" "$S/h2/distccd.log" ||
    fail "distccd log shows no job from h3: $(tail -5 "$S/h2/distccd.log")"
[ "$(head -c 4 "$W/x.o" | od -An -c | tr -d ' ')" = 177ELF ] ||
    fail "x.o is not an object file"
echo "time: distccd start -> distcc on h3 found it by mDNS and compiled: $t ms ($n tries)"
echo "ok: distcc +zeroconf compiled on distccd"

# 8. lab_down removes everything: namespaces, state, every process
pids=$(lab__ns_pids $(lab__ns_list "$ID"))
[ "$(echo "$pids" | wc -w)" -ge 10 ] || fail "few lab processes: $pids"
lab_down
lab_down || fail "second lab_down"
[ -z "$(lab__ns_list "$ID")" ] || fail "namespaces left: $(ip netns list)"
[ ! -e "$S" ] || fail "state dir left: $S"
# nothing at all: no cgroup either (lab__cg_first, lab_cgroup)
! lab__ids | grep -qx "$ID" || fail "lab $ID left: $(lab__cg_mounts |
    while read -r _ m; do ls -d "$m/$ID" 2>/dev/null; done)"
for p in $pids; do
	lab__alive "$p" && fail "process $p ($(ps -o comm= -p "$p")) survived"
done
[ "$(links)" = "$root_links" ] || fail "root links changed after down"
echo "ok: lab_down left nothing ($(echo "$pids" | wc -w) processes stopped)"

# 9. a test killed by SIGTERM or SIGINT tears its lab down; a SIGKILL'ed
# one is cleaned by --cleanup-stale.
T=$(mktemp -d /tmp/t_lab.XXXXXX) || fail mktemp
lab_on_exit 'rm -rf "$T"'
cpid=
# if this test is stopped meanwhile, stop the child too (it cleans up)
lab_on_exit '[ -z "$cpid" ] || { kill -TERM -- -$cpid 2>/dev/null
    lab__poll 100 eval "! lab__alive $cpid"; }'
for sig in TERM INT KILL; do
	cid=ccl$$$(echo $sig | cut -c1 | tr '[:upper:]' '[:lower:]')
	rm -f "$T/$cid"
	setsid env --default-signal -u LAB_LOGDIR LAB_ID=$cid bash -c '. "$1"; lab_up 2 || exit
	    lab_spawn 1 s sleep 600 >/dev/null; touch "$2"
	    lab_exec 2 sleep 600' sh "$LAB" "$T/$cid" \
	    >"$T/$cid.log" 2>&1 &
	cpid=$!
	lab__poll 100 test -e "$T/$cid" ||
	    fail "child lab never came up: $(cat "$T/$cid.log")"
	cpids=$(lab__ns_pids $(lab__ns_list "$cid"))
	sleep 0.2
	# as a terminal or timeout(1) would: the whole process group
	kill -$sig -- -$cpid
	lab__poll 100 eval '! lab__alive $cpid' || fail "SIG$sig: child hangs"
	wait $cpid 2>/dev/null
	if [ $sig = KILL ]; then
		[ -n "$(lab__ns_list "$cid")" ] || fail "SIGKILL: nothing left?"
		"$LAB" --cleanup-stale | grep -q "stale $cid:" ||
		    fail "--cleanup-stale did not clean $cid"
	fi
	[ -z "$(lab__ns_list "$cid")" ] || fail "SIG$sig: namespaces left"
	[ ! -e "$(lab__dir_of "$cid")" ] || fail "SIG$sig: state dir left"
	! lab__ids | grep -qx "$cid" || fail "SIG$sig: its cgroups left"
	for p in $cpids; do
		lab__alive "$p" && fail "SIG$sig: process $p survived"
	done
	cpid=
	rm -f "$T/$cid" "$T/$cid.log"
	echo "ok: SIG$sig'ed lab test left nothing ($(echo $cpids | wc -w) processes)"
done
[ "$(links)" = "$root_links" ] || fail "root links changed at the end"
echo PASS
