#!/bin/bash
# lab.sh - the private test LAN ("lab") of every integration test, demo and
# benchmark: N hosts on this one machine, each a network namespace with its
# own hostname (UTS namespace), private /run/avahi-daemon and /run/dbus (mount
# namespace), its own D-Bus system bus and avahi-daemon, all on one private
# bridge.
# Nothing is created in the root network namespace and nothing ever runs on
# the machine's real interfaces.  doc/lab.md is the user's guide.
#
# Sourced by a test:   . tests/lab/lab.sh; lab_up 3 || exit $?; ...
# Run as a command:    tests/lab/lab.sh --cleanup-stale | --cleanup ID | --list
#
# Start reading at lab_up; lab__destroy is the one teardown path (used by
# lab_down, the EXIT/INT/TERM/HUP traps and --cleanup-stale).  Internal names
# carry a double underscore (lab__*, LAB__*); the rest is the interface.
#
# Names, for a lab id such as ccl4242 (always "ccl" + at most 9 [a-z0-9]):
#   namespaces   ccl4242-sw (the switch), ccl4242-h1 .. ccl4242-hN
#   interfaces   ccl4242br (bridge), ccl4242p1.. (switch ports, in -sw),
#                ccl4242h1.. (one per host, in that host's namespace)
#   state        ${LAB_TMPDIR:-/tmp}/ccpool-lab.ccl4242/  (lab_state_dir)
#                  owner            "pid starttime" of the shell that owns it
#                  hI/holder.pid    the process holding hI's namespaces
#                  hI/bus           hI's D-Bus system bus socket
#                  hI/NAME.pid      process group of lab_spawn'ed NAME
#                  hI/NAME.log      its stdout and stderr
#                  hI/dbus.log, hI/avahi.log, hI/*.conf
#                  hI/services/     hI's /etc/avahi/services (bind-mounted)

# Scripts for sh -c and ip netns exec are in single quotes on purpose.
# shellcheck disable=SC2016
LAB__PREFIX=ccl
LAB__ID=
LAB__DIR=
LAB__N=0
LAB__OWNER=
LAB__ONEXIT=()
LAB__CGHOME=	# the cgroup.procs this shell came from (lab__cg_first)
# sh snippet run first by every lab_exec/lab_spawn process, before it
# enters the host's namespaces (ip netns exec hides /sys/fs/cgroup there):
# join the cgroups whose cgroup.procs files are listed in $1
# (lab__cg_procs), then shift.
LAB__JOIN='for f in $1; do echo $$ >"$f" || exit 125; done; shift'

# --- small helpers ----------------------------------------------------------

lab__err() { echo "lab: $*" >&2; }

# lab__now_ms: wall clock in milliseconds (no process spawned).
lab__now_ms() {
	local us=${EPOCHREALTIME//[!0-9]/}
	echo $((us / 1000))
}

# lab__poll TRIES CMD...: run CMD every 0.1 s until it succeeds, at most
# TRIES times.  Returns 0 when it succeeded, 1 otherwise.
lab__poll() {
	local tries=$1 n
	shift
	for ((n = 0; n < tries; n++)); do
		"$@" && return 0
		sleep 0.1
	done
	return 1
}

# lab__stat PID: prints "state pgrp starttime" of PID from /proc, or fails.
lab__stat() {
	local line rest
	read -r line 2>/dev/null <"/proc/$1/stat" || return 1
	rest=${line##*) }
	# shellcheck disable=SC2086
	set -- $rest
	echo "$1 $3 ${20}"
}

# lab__alive PID: PID exists and is not a zombie.
lab__alive() {
	local s
	s=$(lab__stat "$1") || return 1
	[ "${s%% *}" != Z ]
}

# lab__ns_list ID: the namespaces of lab ID that exist.
lab__ns_list() {
	ip netns list 2>/dev/null | awk -v id="$1" '
	    { n = $1; if (index(n, id "-") != 1) next
	      r = substr(n, length(id) + 2)
	      if (r == "sw" || r ~ /^h[0-9]+$/) print n }'
}

# lab__ns_pids NS...: live processes in these network namespaces.
lab__ns_pids() {
	local ns p
	for ns in "$@"; do
		for p in $(ip netns pids "$ns" 2>/dev/null); do
			if lab__alive "$p"; then echo "$p"; fi
		done
	done
	return 0
}

# lab__group_pids NS PGID: live processes of process group PGID inside NS.
lab__group_pids() {
	local p s rest
	for p in $(ip netns pids "$1" 2>/dev/null); do
		s=$(lab__stat "$p") || continue
		rest=${s#* }
		if [ "${s%% *}" != Z ] && [ "${rest%% *}" = "$2" ]; then
			echo "$p"
		fi
	done
	return 0
}

lab__group_gone() { [ -z "$(lab__group_pids "$1" "$2")" ]; }
lab__ns_empty() { [ -z "$(lab__ns_pids "$@")" ]; }

# lab__closefds: close every descriptor above 2 (in a subshell about to
# start a daemon), so daemons never hold a test's pipes or fifos open.
lab__closefds() {
	local f fd
	for f in /proc/"$BASHPID"/fd/*; do
		fd=${f##*/}
		case $fd in [0-2] | 255 | *[!0-9]*) continue ;; esac
		eval "exec $fd>&-" 2>/dev/null
	done
	return 0
}

lab__host_ok() {
	if [ -z "$LAB__ID" ]; then
		lab__err "${FUNCNAME[1]}: no lab is up (call lab_up first)"
		return 1
	fi
	case ${1:-} in
	'' | *[!0-9]* | 0*) ;;
	*) [ "$1" -le "$LAB__N" ] && return 0 ;;
	esac
	lab__err "${FUNCNAME[1]}: no host '${1:-}' (hosts are 1..$LAB__N)"
	return 1
}

lab__holder() {
	local p
	p=$(cat "$LAB__DIR/h$1/holder.pid" 2>/dev/null)
	if [ -z "$p" ] || ! lab__alive "$p"; then
		lab__err "host h$1: its namespace holder is gone"
		return 1
	fi
	echo "$p"
}

# --- interface: names and addresses -------------------------------------------

lab_state_dir() { echo "$LAB__DIR"; }
lab_n() { echo "$LAB__N"; }
lab_addr() {
	lab__host_ok "${1:-}" || return 1
	if [ -e "$LAB__DIR/h$1/subnet2" ]; then	# lab_subnet2 moved it
		echo "198.18.1.$((10 + $1))"
	else
		echo "198.18.0.$((10 + $1))"
	fi
}
lab_ifname() { lab__host_ok "${1:-}" && echo "${LAB__ID}h$1"; }
lab_ns() { lab__host_ok "${1:-}" && echo "$LAB__ID-h$1"; }
lab_hostname() { lab__host_ok "${1:-}" && echo "${LAB_PREFIX_HOST:-h}$1"; }

# --- interface: running things on a host ----------------------------------------

# lab_exec I CMD...: run CMD in the foreground on host I (its network, mount
# and UTS namespaces, DBUS_SYSTEM_BUS_ADDRESS set to its bus, HOME hI/home
# and STATE_DIRECTORY hI/state so keys and pins stay in the lab, same cwd,
# in host I's cgroups once lab_cgroup gave it a CPU quota); returns CMD's
# exit status.
lab_exec() {
	local i=${1:-} hold
	lab__host_ok "$i" || return 2
	shift
	hold=$(lab__holder "$i") || return 2
	sh -c "$LAB__JOIN"'; exec "$@"' lab "$(lab__cg_procs "$i")" \
	    nsenter -t "$hold" -n -m -u --wd="$PWD" -- \
	    env DBUS_SYSTEM_BUS_ADDRESS="unix:path=$LAB__DIR/h$i/bus" \
	    HOME="$LAB__DIR/h$i/home" XDG_CONFIG_HOME= \
	    STATE_DIRECTORY="$LAB__DIR/h$i/state" "$@"
}

# lab__launch I PIDFILE LOG CMD...: start CMD in the background on host I,
# in a session (and process group) of its own, detached from the caller
# (no job, no zombie), stdin /dev/null, output appended to LOG, signal
# dispositions reset to default, in host I's cgroups (lab_cgroup) if any.
# The process writes its own pid to PIDFILE; returns once it has (bounded:
# 5 s).
lab__launch() {
	local i=$1 pidf=$2 log=$3 hold
	shift 3
	hold=$(lab__holder "$i") || return 1
	rm -f "$pidf"
	(
		lab__closefds
		setsid sh -c "$LAB__JOIN"'; exec "$@"' lab \
		    "$(lab__cg_procs "$i")" \
		    nsenter -t "$hold" -n -m -u --wd="$PWD" -- \
		    env --default-signal \
		    DBUS_SYSTEM_BUS_ADDRESS="unix:path=$LAB__DIR/h$i/bus" \
		    HOME="$LAB__DIR/h$i/home" XDG_CONFIG_HOME= \
		    STATE_DIRECTORY="$LAB__DIR/h$i/state" \
		    sh -c 'echo $$ >"$0.new" && mv -f "$0.new" "$0" && exec "$@"' \
		    "$pidf" "$@" </dev/null >>"$log" 2>&1 &
	)
	if ! lab__poll 50 test -s "$pidf"; then
		lab__err "h$i: could not start $1 (see $log)"
		return 1
	fi
}

# lab__running I NAME: NAME (lab_spawn'ed, or dbus/avahi) runs on host I.
lab__running() {
	local p
	p=$(cat "$LAB__DIR/h$1/$2.pid" 2>/dev/null) || return 1
	[ -n "$p" ] && ! lab__group_gone "$LAB__ID-h$1" "$p"
}

# lab_spawn I NAME CMD...: start CMD in the background on host I as NAME;
# its output goes to STATE/hI/NAME.log (truncated first).  Prints the pid,
# which is also the process group lab_kill signals.  lab_down stops it.
lab_spawn() {
	local i=${1:-} name=${2:-} d
	lab__host_ok "$i" || return 2
	case $name in
	'' | *[!A-Za-z0-9_.-]* | holder | .*)
		lab__err "lab_spawn: bad name '$name'"
		return 2 ;;
	esac
	shift 2
	if [ $# -eq 0 ]; then
		lab__err "lab_spawn: no command"
		return 2
	fi
	if lab__running "$i" "$name"; then
		lab__err "lab_spawn: $name already runs on h$i"
		return 1
	fi
	d=$LAB__DIR/h$i
	: >"$d/$name.log"
	lab__launch "$i" "$d/$name.pid" "$d/$name.log" "$@" || return 1
	cat "$d/$name.pid"
}

# lab_kill I NAME [SIG]: send SIG (default TERM) to NAME's process group on
# host I, wait up to 5 s for all of it to end, then SIGKILL what is left
# (and wait up to 2 s more).  Returns 0 when it is gone.
lab_kill() {
	local i=${1:-} name=${2:-} sig=${3:-TERM} pidf pg ns pids
	lab__host_ok "$i" || return 2
	pidf=$LAB__DIR/h$i/$name.pid
	pg=$(cat "$pidf" 2>/dev/null)
	case $name/$pg in
	*/ | holder/* | */*[!0-9]*)
		lab__err "lab_kill: nothing called '$name' on h$i"
		return 1 ;;
	esac
	ns=$LAB__ID-h$i
	pids=$(lab__group_pids "$ns" "$pg")
	if [ -n "$pids" ]; then
		# shellcheck disable=SC2086
		kill -"${sig#-}" $pids 2>/dev/null || :
		if ! lab__poll 50 lab__group_gone "$ns" "$pg"; then
			lab__err "h$i: $name still running 5 s after SIG${sig#SIG}: KILL"
			pids=$(lab__group_pids "$ns" "$pg")
			# shellcheck disable=SC2086
			[ -z "$pids" ] || kill -KILL $pids 2>/dev/null || :
			lab__poll 20 lab__group_gone "$ns" "$pg" || {
				lab__err "h$i: $name survives SIGKILL"
				return 1
			}
		fi
	fi
	rm -f "$pidf"
	return 0
}

# lab_wait_ccpool I N LSDISTCC: until LSDISTCC on host I sees at least N
# ccpool hosts; bounded (20 listens of 0.5 s).  Returns 0, or 1 if not.
lab_wait_ccpool() {
	local i=${1:-} want=${2:-} ls=${3:-} n c
	for n in $(seq 20); do
		c=$(lab_exec "$i" "$ls" -t 0.5 --json 2>/dev/null |
		    jq '[.[] | select(.kind == "ccpool")] | length')
		[ "${c:-0}" -ge "$want" ] && return 0
	done
	return 1
}

# --- interface: a second subnet behind a router ---------------------------------

# lab_subnet2 R MS I...: hosts I... leave the lab's subnet (198.18.0.0/24)
# for a second one, 198.18.1.0/24, on a bridge of its own (so no mDNS in
# common), reached through host R, which routes between the two (its
# second interface ${ID}r$R is 198.18.1.1) and delays every packet it
# sends into the second subnet by MS milliseconds (netem; the round trip
# grows by MS; LAB_DELAY_MS says what was added: 0 where the kernel has
# no netem).  Every other host gets a route to the second subnet through
# R, each moved host a default route through 198.18.1.1; lab_addr then
# prints the moved hosts' new addresses.  Returns 0, or 1.
lab_subnet2() {
	local r=${1:-} ms=${2:-} i sw=$LAB__ID-sw b2=${LAB__ID}b2 moved=" "
	lab__host_ok "$r" || return 2
	case $ms in '' | *[!0-9]*) lab__err "lab_subnet2: bad delay '$ms'"; return 2 ;; esac
	shift 2
	ip -n "$sw" link add "$b2" type bridge mcast_snooping 0 stp_state 0 \
	    forward_delay 0 && ip -n "$sw" link set "$b2" up &&
	    ip -n "$sw" link add "${LAB__ID}q$r" type veth peer name \
	    "${LAB__ID}r$r" netns "$LAB__ID-h$r" &&
	    ip -n "$sw" link set "${LAB__ID}q$r" master "$b2" up &&
	    ip -n "$LAB__ID-h$r" address add 198.18.1.1/24 dev "${LAB__ID}r$r" &&
	    ip -n "$LAB__ID-h$r" link set "${LAB__ID}r$r" up &&
	    lab__nsexec "$LAB__ID-h$r" 'echo 1 >/proc/sys/net/ipv4/ip_forward' ||
	    return 1
	LAB_DELAY_MS=0
	if [ "$ms" -gt 0 ]; then
		if tc -n "$LAB__ID-h$r" qdisc add dev "${LAB__ID}r$r" root \
		    netem delay "${ms}ms" 2>/dev/null; then
			LAB_DELAY_MS=$ms
		else	# some kernels are built without sch_netem
			lab__err "no netem in this kernel: the router adds no delay"
		fi
	fi
	for i in "$@"; do
		lab__host_ok "$i" && [ "$i" != "$r" ] || return 2
		ip -n "$sw" link set "${LAB__ID}p$i" nomaster &&
		    ip -n "$sw" link set "${LAB__ID}p$i" master "$b2" up &&
		    ip -n "$LAB__ID-h$i" address flush dev "${LAB__ID}h$i" \
		    scope global &&
		    ip -n "$LAB__ID-h$i" address add "198.18.1.$((10 + i))/24" \
		    dev "${LAB__ID}h$i" &&
		    ip -n "$LAB__ID-h$i" route add default via 198.18.1.1 ||
		    return 1
		: >"$LAB__DIR/h$i/subnet2"
		moved+="$i "
	done
	for ((i = 1; i <= LAB__N; i++)); do
		[ "$i" = "$r" ] && continue
		case $moved in *" $i "*) continue ;; esac
		ip -n "$LAB__ID-h$i" route add 198.18.1.0/24 via \
		    "198.18.0.$((10 + r))" || return 1
	done
}

# lab_resolv I FILE: host I's /etc/resolv.conf is FILE from now on (a bind
# mount in its own mount namespace; the machine's file is untouched).
lab_resolv() {
	lab__host_ok "${1:-}" || return 2
	[ -f "${2:-}" ] || { lab__err "lab_resolv: no file '${2:-}'"; return 2; }
	lab_exec "$1" mount --bind "$2" /etc/resolv.conf
}

# --- interface: CPU quotas (cgroups) ---------------------------------------------

# A host given a quota by lab_cgroup lives in cgroup ID/hI of the cpu
# controller's hierarchy: cgroup v2 (cpu.max) where its cpu controller is
# available, else cgroup v1 (cpu.cfs_quota_us, plus cpuacct for usage).
# STATE/hI/cgroups lists the host's cgroup directories, one a line;
# lab__destroy removes them all.

# lab__cg_mounts: "v2 DIR" or "v1 DIR" for every mounted cgroup hierarchy
# that may hold a lab's cgroups: cgroup2, and v1 ones with cpu, cpuacct or
# cpuset.
lab__cg_mounts() {
	awk '$3 == "cgroup2" { print "v2", $2 }
	    $3 == "cgroup" && $4 ~ /(^|,)(cpu|cpuacct|cpuset)(,|$)/ { print "v1", $2 }' \
	    /proc/self/mounts 2>/dev/null
	return 0
}

# lab__cg_v2: the mount point of the cgroup2 hierarchy that has the cpu
# controller, or fail.
lab__cg_v2() {
	local t m
	while read -r t m; do
		[ "$t" = v2 ] || continue
		grep -qw cpu "$m/cgroup.controllers" 2>/dev/null || continue
		echo "$m"
		return 0
	done < <(lab__cg_mounts)
	return 1
}

# lab__cg_v1 FILE: the mount point of the v1 hierarchy whose root has FILE
# (cpu.cfs_quota_us, cpuacct.usage), or fail.
lab__cg_v1() {
	local t m
	while read -r t m; do
		[ "$t" = v1 ] && [ -e "$m/$1" ] && { echo "$m"; return 0; }
	done < <(lab__cg_mounts)
	return 1
}

# lab_cgroup_avail: 0 when lab_cgroup can give hosts CPU quotas here,
# else prints why on stdout and returns 77.
lab_cgroup_avail() {
	[ "$(id -u)" = 0 ] || { echo "CPU quotas need root"; return 77; }
	lab__cg_v2 >/dev/null && return 0
	lab__cg_v1 cpu.cfs_quota_us >/dev/null && return 0
	echo "no cgroup v2 with the cpu controller (nor a v1 cpu hierarchy)"
	return 77
}

# lab__cg_procs I: the cgroup.procs files of host I's cgroups, space
# separated (nothing when it has none).
lab__cg_procs() {
	local d l=
	[ -s "$LAB__DIR/h$1/cgroups" ] || return 0
	while IFS= read -r d; do l+="${l:+ }$d/cgroup.procs"; done \
	    <"$LAB__DIR/h$1/cgroups"
	echo "$l"
}

# lab_cgroup I QUOTA [CPUS]: give host I at most QUOTA CPUs (a decimal such
# as 0.35) per 100 ms period (the kernel's and container runtimes'
# default), and, with CPUS (a cpuset list: "1", "0-1"), only those CPUs.
# Pin a host whose QUOTA is under one CPU to one CPU: that is the machine
# it emulates, and only then do its processes compete on one run queue,
# where job priorities (SCHED_IDLE) work as on a real one-CPU machine; a
# quota spread over two CPUs lets an idle-class job on one take the quota
# from a foreground task on the other.  Moves the host's processes
# (holder, D-Bus, avahi-daemon, spawned ones) into its cgroups; every later
# lab_exec and lab_spawn on it joins them too.  Call again to change the
# quota.  Returns 0, 77 when quotas are unavailable (lab_cgroup_avail says
# why), 1 on error.
lab_cgroup() {
	local i=${1:-} q=${2:-} cpus=${3:-} per=100000 m d us dirs p f
	lab__host_ok "$i" || return 2
	case $q in
	'' | *[!0-9.]* | *.*.* | .) lab__err "lab_cgroup: bad quota '$q'"; return 1 ;;
	esac
	case $cpus in
	*[!0-9,-]*) lab__err "lab_cgroup: bad cpu list '$cpus'"; return 1 ;;
	esac
	us=$(awk -v q="$q" -v p="$per" 'BEGIN { printf "%d", q * p }')
	if [ "$us" -lt 1000 ]; then
		lab__err "lab_cgroup: quota $q of $per us is under 1000 us"
		return 1
	fi
	lab_cgroup_avail >/dev/null || return 77
	if m=$(lab__cg_v2); then
		d=$m/$LAB__ID
		lab__cg_v2_enable "$m" cpu ${cpus:+cpuset} || return 1
		[ -d "$d" ] || mkdir "$d" || return 1
		lab__cg_v2_enable "$d" cpu ${cpus:+cpuset} || return 1
		[ -d "$d/h$i" ] || mkdir "$d/h$i" || return 1
		echo "$us $per" >"$d/h$i/cpu.max" || return 1
		if [ -n "$cpus" ]; then
			echo "$cpus" >"$d/h$i/cpuset.cpus" || return 1
		fi
		dirs=$d/h$i
	else
		m=$(lab__cg_v1 cpu.cfs_quota_us) || return 77
		d=$m/$LAB__ID
		mkdir -p "$d/h$i" || return 1
		# unlimited first: a quota may not exceed what the period allows
		echo -1 >"$d/h$i/cpu.cfs_quota_us" &&
		    echo "$per" >"$d/h$i/cpu.cfs_period_us" &&
		    echo "$us" >"$d/h$i/cpu.cfs_quota_us" || return 1
		dirs=$d/h$i
		if [ ! -e "$d/h$i/cpuacct.usage" ] &&
		    m=$(lab__cg_v1 cpuacct.usage); then
			mkdir -p "$m/$LAB__ID/h$i" || return 1
			dirs+=$'\n'$m/$LAB__ID/h$i
		fi
		if [ -n "$cpus" ]; then
			m=$(lab__cg_v1 cpuset.cpus) || {
				lab__err "lab_cgroup: no cpuset hierarchy"
				return 1
			}
			d=$m/$LAB__ID
			# v1: a cpuset needs its CPUs and memory nodes set
			# before a process may join, its parent's too
			mkdir -p "$d/h$i" || return 1
			[ -n "$(cat "$d/cpuset.mems")" ] ||
			    cat "$m/cpuset.mems" >"$d/cpuset.mems" || return 1
			[ -n "$(cat "$d/cpuset.cpus")" ] ||
			    cat "$m/cpuset.cpus" >"$d/cpuset.cpus" || return 1
			cat "$m/cpuset.mems" >"$d/h$i/cpuset.mems" &&
			    echo "$cpus" >"$d/h$i/cpuset.cpus" || return 1
			dirs+=$'\n'$d/h$i
		fi
	fi
	printf '%s\n' "$dirs" >"$LAB__DIR/h$i/cgroups"
	for p in $(ip netns pids "$LAB__ID-h$i" 2>/dev/null); do
		for f in $(lab__cg_procs "$i"); do
			echo "$p" >"$f" 2>/dev/null || :	# it may have exited
		done
	done
	return 0
}

# lab__cg_v2_enable DIR CONTROLLER...: enable them for DIR's children.
lab__cg_v2_enable() {
	local d=$1 c
	shift
	for c in "$@"; do
		grep -qw "$c" "$d/cgroup.subtree_control" ||
		    echo "+$c" >"$d/cgroup.subtree_control" || return 1
	done
}

# lab__cg_first: unless LAB_CPU_FIRST=0, give the lab's cgroup ID (in the
# cpu controller's hierarchy) the highest CPU weight (v2 cpu.weight
# 10000, v1 cpu.shares 262144) and move this shell into its leaf ID/t,
# so that the test, its hosts and all they start take the machine's CPUs
# before its other work: a test's waits and timeouts then hold on a busy
# machine as on an idle one.  The other work still runs (it gets what the
# lab leaves).  Hosts given a quota (lab_cgroup) live in ID/hI beside
# ID/t.  Without cgroups (or when they refuse), the lab runs as before:
# returns 0 either way.
lab__cg_first() {
	local m d f w self
	[ "${LAB_CPU_FIRST:-1}" != 0 ] || return 0
	lab_cgroup_avail >/dev/null || return 0
	if m=$(lab__cg_v2); then
		f=cpu.weight w=10000
		self=$(sed -n 's/^0::\(\/.*\)$/\1/p' "/proc/$BASHPID/cgroup")
		lab__cg_v2_enable "$m" cpu 2>/dev/null || return 0
	else
		m=$(lab__cg_v1 cpu.cfs_quota_us) || return 0
		f=cpu.shares w=262144
		self=$(awk -F: '$2 ~ /(^|,)cpu(,|$)/ { print $3; exit }' \
		    "/proc/$BASHPID/cgroup")
	fi
	d=$m/$LAB__ID
	[ -n "$self" ] && [ -e "$m${self%/}/cgroup.procs" ] || return 0
	{ [ -d "$d" ] || mkdir "$d"; } && echo "$w" >"$d/$f" &&
	    { [ -d "$d/t" ] || mkdir "$d/t"; } || {
		lab__err "no CPU priority for the lab (cgroup $d refused)"
		return 0
	}
	LAB__CGHOME=$m${self%/}/cgroup.procs
	echo "$BASHPID" >"$d/t/cgroup.procs" 2>/dev/null || {
		lab__err "no CPU priority for the lab (cannot join $d/t)"
		LAB__CGHOME=
	}
	return 0
}

# lab__cg_leave: this shell goes back to the cgroup it came from (before
# the lab's cgroups are removed).
lab__cg_leave() {
	[ -n "$LAB__CGHOME" ] || return 0
	echo "$BASHPID" >"$LAB__CGHOME" 2>/dev/null ||
	    lab__err "cannot move back to ${LAB__CGHOME%/cgroup.procs}"
	LAB__CGHOME=
}

# lab_cgroup_usage I: the CPU time host I's cgroup used so far, in
# microseconds (fails when it has no cgroup or no accounting).
lab_cgroup_usage() {
	local d v
	lab__host_ok "${1:-}" || return 2
	[ -s "$LAB__DIR/h$1/cgroups" ] || return 1
	while IFS= read -r d; do
		if [ -e "$d/cpu.stat" ] && v=$(awk '$1 == "usage_usec" {
		    print $2; f = 1 } END { exit !f }' "$d/cpu.stat"); then
			echo "$v"
			return 0
		fi
		if [ -e "$d/cpuacct.usage" ]; then
			echo $(($(cat "$d/cpuacct.usage") / 1000))
			return 0
		fi
	done <"$LAB__DIR/h$1/cgroups"
	return 1
}

# lab__cg_destroy ID: remove lab ID's cgroups from every hierarchy (its
# processes must be gone; waits at most 2 s for the kernel to let go).
lab__cg_destroy() {
	local id=$1 t m d n
	while read -r t m; do
		d=$m/$id
		[ -d "$d" ] || continue
		for ((n = 0; n < 20; n++)); do
			# hI, t, and what daemons made below them, deepest first
			find "$d" -mindepth 1 -depth -type d \
			    -exec rmdir {} + 2>/dev/null
			rmdir "$d" 2>/dev/null && break
			sleep 0.1
		done
		[ ! -d "$d" ] || lab__err "cannot remove cgroup $d"
	done < <(lab__cg_mounts)
	return 0
}

# --- D-Bus and avahi-daemon -------------------------------------------------------

lab__dbus_ready() {
	lab_exec "$1" dbus-send --system --print-reply --reply-timeout=1000 \
	    --dest=org.freedesktop.DBus / org.freedesktop.DBus.GetId \
	    >/dev/null 2>&1
}

lab__dbus_start() {
	local i=$1 d=$LAB__DIR/h$1
	cat >"$d/dbus.conf" <<EOF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<!-- the system bus of lab host h$i: private, permissive -->
<busconfig>
  <type>system</type>
  <listen>unix:path=$d/bus</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <allow own="*"/>
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
  </policy>
</busconfig>
EOF
	lab__launch "$i" "$d/dbus.pid" "$d/dbus.log" dbus-daemon --nofork \
	    --nopidfile --nosyslog --config-file="$d/dbus.conf"
}

lab__avahi_conf() {
	local i=$1
	cat <<EOF
# avahi-daemon of lab host h$i: only its lab interface
[server]
host-name=$(lab_hostname "$i")
domain-name=local
use-ipv4=yes
use-ipv6=yes
allow-interfaces=$(lab_ifname "$i")
enable-dbus=yes
disallow-other-stacks=no
ratelimit-interval-usec=1000000
ratelimit-burst=1000

[wide-area]
enable-wide-area=no

[publish]
publish-addresses=yes
publish-hinfo=no
publish-workstation=no
publish-domain=no

[reflector]
enable-reflector=no
EOF
}

# lab_avahi_start I: start host I's avahi-daemon and wait until it runs.
lab_avahi_start() {
	local i=${1:-} d
	lab__host_ok "$i" || return 2
	d=$LAB__DIR/h$i
	if lab__running "$i" avahi; then
		lab__err "lab_avahi_start: avahi-daemon already runs on h$i"
		return 1
	fi
	lab__avahi_start_bg "$i" && lab_wait_avahi "$i"
}

lab__avahi_start_bg() {
	local i=$1 d=$LAB__DIR/h$1 dbg=
	[ -z "${LAB_AVAHI_DEBUG:-}" ] || dbg=--debug
	lab__avahi_conf "$i" >"$d/avahi.conf"
	echo "--- lab: starting avahi-daemon ($(date +%T.%N))" >>"$d/avahi.log"
	lab__launch "$i" "$d/avahi.pid" "$d/avahi.log" avahi-daemon \
	    --no-drop-root --no-chroot --no-rlimits --no-proc-title $dbg \
	    -f "$d/avahi.conf"
}

# lab_avahi_stop I: stop host I's avahi-daemon (TERM, then KILL after 5 s).
lab_avahi_stop() {
	lab__host_ok "${1:-}" || return 2
	lab__running "$1" avahi || return 0
	lab_kill "$1" avahi TERM
}

# lab_avahi_restart I: stop and start host I's avahi-daemon; returns when
# the new one runs (its adverts are then re-announced by its clients).
lab_avahi_restart() {
	lab_avahi_stop "${1:-}" && lab_avahi_start "$1"
}

# lab_wait_avahi I [TIMEOUT]: wait (at most TIMEOUT seconds, default 10)
# until host I's avahi-daemon answers on its bus with state RUNNING (its
# host name is registered).  Fails at once if the daemon died.
lab_wait_avahi() {
	local i=${1:-} t=${2:-10} end out d
	lab__host_ok "$i" || return 2
	d=$LAB__DIR/h$i
	end=$(($(lab__now_ms) + t * 1000))
	while :; do
		if ! lab__running "$i" avahi; then
			lab__err "h$i: avahi-daemon is not running; its log ends:"
			tail -n 15 "$d/avahi.log" | sed 's/^/    /' >&2
			return 1
		fi
		out=$(lab_exec "$i" dbus-send --system --print-reply \
		    --reply-timeout=1000 --dest=org.freedesktop.Avahi / \
		    org.freedesktop.Avahi.Server.GetState 2>/dev/null)
		case $out in *"int32 2"*) return 0 ;; esac
		if [ "$(lab__now_ms)" -ge "$end" ]; then
			lab__err "h$i: avahi-daemon not running within ${t} s; its log ends:"
			tail -n 15 "$d/avahi.log" | sed 's/^/    /' >&2
			return 1
		fi
		sleep 0.1
	done
}

# --- lab_up ---------------------------------------------------------------------

lab__skip() {
	echo "lab: SKIP: $*"
	return 77
}

# lab__prereq: 0 when a lab can be built here, else prints the SKIP line
# and returns 77.
lab__prereq() {
	local c
	[ "$(id -u)" = 0 ] ||
	    { lab__skip "not root (network namespaces need root)"; return; }
	for c in ip unshare nsenter setsid avahi-daemon dbus-daemon dbus-send \
	    ps; do
		command -v "$c" >/dev/null ||
		    { lab__skip "$c not installed (make deps)"; return; }
	done
	unshare --net --mount --uts true 2>/dev/null ||
	    { lab__skip "cannot create namespaces here (unshare failed)"; return; }
}

# lab__mkid: the lab id from $LAB_ID or the shell's pid: "ccl" plus at most
# 9 of [a-z0-9], so that every interface name fits in 15 bytes.
lab__mkid() {
	local raw=${LAB_ID:-$LAB__PREFIX$$}
	raw=$(printf '%s' "$raw" | tr '[:upper:]' '[:lower:]' | tr -cd 'a-z0-9')
	case $raw in "$LAB__PREFIX"*) ;; *) raw=$LAB__PREFIX$raw ;; esac
	if [ ${#raw} -gt 12 ]; then
		raw=$LAB__PREFIX$(printf '%s' "$raw" | cksum | cut -c1-9)
	fi
	echo "$raw"
}

lab__dir_of() { echo "${LAB_TMPDIR:-/tmp}/ccpool-lab.$1"; }

# lab__nsexec NS SCRIPT: run an sh script inside network namespace NS.
lab__nsexec() { ip netns exec "$1" sh -ec "$2"; }

lab__build_net() {
	local n=$1 i ns sw=$LAB__ID-sw br=${LAB__ID}br sw_cmds=
	ip netns add "$sw" || return 1
	# The switch never speaks: no IPv6 (so no MLD, no router solicits).
	lab__nsexec "$sw" '
	    [ -d /proc/sys/net/ipv6 ] || exit 0
	    echo 1 >/proc/sys/net/ipv6/conf/default/disable_ipv6
	    echo 1 >/proc/sys/net/ipv6/conf/all/disable_ipv6' || return 1
	for ((i = 1; i <= n; i++)); do
		ns=$LAB__ID-h$i
		ip netns add "$ns" || return 1
		# No duplicate address detection: link-local usable at once.
		lab__nsexec "$ns" '
		    [ -d /proc/sys/net/ipv6 ] || exit 0
		    for c in all default; do
			echo 0 >/proc/sys/net/ipv6/conf/$c/accept_dad
			echo 0 >/proc/sys/net/ipv6/conf/$c/dad_transmits
			echo 0 >/proc/sys/net/ipv6/conf/$c/accept_ra
			echo 0 >/proc/sys/net/ipv6/conf/$c/router_solicitations
		    done' || return 1
		sw_cmds+="link add ${LAB__ID}p$i type veth peer name ${LAB__ID}h$i netns $ns
link set ${LAB__ID}p$i master $br up
"
	done
	# Multicast snooping off: mDNS floods to every port.  No STP.
	ip -n "$sw" -batch - <<EOF || return 1
link set lo up
link add $br type bridge mcast_snooping 0 stp_state 0 forward_delay 0
link set $br up
$sw_cmds
EOF
	for ((i = 1; i <= n; i++)); do
		ip -n "$LAB__ID-h$i" -batch - <<EOF || return 1
link set lo up
address add $(lab_addr "$i")/24 dev ${LAB__ID}h$i
link set ${LAB__ID}h$i up
EOF
	done
}

# The holder of host I: enters a new mount and UTS namespace inside host
# I's network namespace, mounts private tmpfs on /run/avahi-daemon and
# /run/dbus (with system_bus_socket pointing at hI/bus), bind-mounts hI/services
# over /etc/avahi/services, mounts the machine's cgroup hierarchies again
# under /sys/fs/cgroup (ip netns exec hides them), sets the hostname,
# writes its pid and sleeps.
# All of it lives exactly as long as the holder's namespaces.
lab__holder_start() {
	local i=$1 d=$LAB__DIR/h$1
	mkdir -p "$d/services" "$d/home" "$d/state"
	chmod 700 "$d/home" "$d/state"
	(
		lab__closefds
		setsid ip netns exec "$LAB__ID-h$i" \
		    unshare --mount --uts --propagation private -- sh -ec '
			mount -t tmpfs -o mode=0755,size=4m lab-avahi /run/avahi-daemon
			mount -t tmpfs -o mode=0755,size=1m lab-dbus /run/dbus
			ln -s "$2/bus" /run/dbus/system_bus_socket
			if [ -d /etc/avahi/services ]; then
				mount --bind "$2/services" /etc/avahi/services
			fi
			echo "$3" >/proc/sys/kernel/hostname
			# ip netns exec gave us a /sys without cgroups: mount
			# the machine'"'"'s hierarchies again, so that a daemon
			# here can see its host'"'"'s CPU quota (lab_cgroup)
			if [ -n "$4" ] && [ -d /sys/fs/cgroup ]; then
				mount -t tmpfs -o mode=0755,size=64k lab-cg \
				    /sys/fs/cgroup
				printf "%s\n" "$4" | while IFS="|" read -r t o m; do
					mkdir -p "$m" &&
					    mount -t "$t" -o "$o" lab-cg "$m" ||
					    true
				done
			fi
			echo $$ >"$2/holder.pid.new"
			mv -f "$2/holder.pid.new" "$2/holder.pid"
			exec sleep infinity' sh "$i" "$d" "$(lab_hostname "$i")" \
		    "$(awk '($3 == "cgroup" || $3 == "cgroup2") &&
			$2 ~ /^\/sys\/fs\/cgroup\// { print $3 "|" $4 "|" $2 }' \
			/proc/self/mounts 2>/dev/null)" \
		    </dev/null >>"$d/holder.log" 2>&1 &
	)
}

# lab_up N: build hosts h1..hN (1 <= N <= 99) and return when every
# avahi-daemon runs.  Installs the EXIT/INT/TERM/HUP traps that tear the
# lab down (tests must not replace them; use lab_on_exit).  Returns 0, 77
# (with "lab: SKIP: reason") when a lab cannot exist here, or 1 after
# tearing down what was built, with the reason on stderr.
lab_up() {
	local n=${1:-} i t0 d hp
	case $n in
	'' | *[!0-9]* | 0*) lab__err "lab_up: want a host count 1..99, not '$n'"; return 1 ;;
	esac
	if [ "$n" -gt 99 ]; then
		lab__err "lab_up: at most 99 hosts"
		return 1
	fi
	lab__prereq || return $?
	if [ -n "$LAB__ID" ]; then
		lab__err "lab_up: lab $LAB__ID is already up in this shell"
		return 1
	fi
	case ${LAB_PREFIX_HOST:-h} in
	[a-z]*[!a-z0-9-]* | [!a-z]*)
		lab__err "lab_up: LAB_PREFIX_HOST must be [a-z][a-z0-9-]*"
		return 1 ;;
	esac
	t0=$(lab__now_ms)
	LAB__ID=$(lab__mkid)
	d=$(lab__dir_of "$LAB__ID")
	case $d in *[!A-Za-z0-9/._-]*)
		lab__err "lab_up: state dir '$d' has odd characters"
		LAB__ID=
		return 1 ;;
	esac
	if [ -n "$(lab__ns_list "$LAB__ID")" ] || [ -e "$d" ]; then
		lab__err "lab_up: lab $LAB__ID exists already (another lab with" \
		    "this LAB_ID, or a crashed one: tests/lab/lab.sh --cleanup-stale)"
		LAB__ID=
		return 1
	fi
	if ! mkdir -m 755 "$d"; then
		LAB__ID=
		return 1
	fi
	LAB__DIR=$d
	LAB__N=$n
	LAB__OWNER=$BASHPID
	echo "$BASHPID $(lab__stat $BASHPID | cut -d' ' -f3)" >"$d/owner"
	echo "$n" >"$d/n"
	trap lab__on_exit EXIT
	trap 'lab__on_signal INT 130' INT
	trap 'lab__on_signal TERM 143' TERM
	trap 'lab__on_signal HUP 129' HUP
	lab__cg_first
	for i in $(seq "$n"); do mkdir -m 755 "$d/h$i"; done
	for hp in /run/avahi-daemon /run/dbus; do
		[ -d "$hp" ] || mkdir -m 755 "$hp" ||
		    { lab__up_fail "cannot create mount point $hp"; return 1; }
	done

	lab__build_net "$n" || { lab__up_fail "network setup failed"; return 1; }
	for i in $(seq "$n"); do lab__holder_start "$i"; done
	for i in $(seq "$n"); do
		lab__poll 50 test -s "$d/h$i/holder.pid" || {
			lab__up_fail "h$i: namespace holder did not start:" \
			    "$(tail -n 5 "$d/h$i/holder.log")"
			return 1
		}
	done
	for i in $(seq "$n"); do
		lab__dbus_start "$i" || { lab__up_fail "h$i: dbus-daemon"; return 1; }
	done
	for i in $(seq "$n"); do
		lab__poll 50 lab__dbus_ready "$i" || {
			lab__up_fail "h$i: D-Bus not answering within 5 s:" \
			    "$(tail -n 5 "$d/h$i/dbus.log")"
			return 1
		}
	done
	for i in $(seq "$n"); do
		lab__avahi_start_bg "$i" || { lab__up_fail "h$i: avahi-daemon"; return 1; }
	done
	for i in $(seq "$n"); do
		lab_wait_avahi "$i" 15 || { lab__up_fail "h$i: avahi-daemon"; return 1; }
	done
	LAB_UP_MS=$(($(lab__now_ms) - t0))
	lab__err "up: $n hosts in $LAB_UP_MS ms (lab $LAB__ID, state $d)"
	return 0
}

lab__up_fail() {
	lab__err "lab_up failed: $*"
	lab_down
	return 1
}

# lab_on_exit CMD: run CMD (a shell string, eval'ed) when the test exits
# (also after a lab_down, and on INT/TERM/HUP), before the lab is torn
# down; later ones run first.
lab_on_exit() {
	LAB__ONEXIT=("$*" "${LAB__ONEXIT[@]}")
}

lab__on_exit() {
	local rc=$? c
	# Only the shell that built the lab tears it down (traps are not
	# inherited by subshells, but be sure).
	[ "$BASHPID" = "$LAB__OWNER" ] || return $rc
	for c in "${LAB__ONEXIT[@]}"; do eval "$c"; done
	LAB__ONEXIT=()
	lab_down
	return $rc
}

lab__on_signal() {
	trap - "$1"
	[ -z "$LAB__ID" ] || [ "$BASHPID" != "$LAB__OWNER" ] ||
	    lab__err "caught SIG$1: tearing the lab down"
	exit "$2"
}

# --- teardown -------------------------------------------------------------------

# lab__destroy ID DIR: stop every process inside lab ID's namespaces (TERM,
# up to 5 s, KILL, up to 2 s), delete the namespaces (with them the
# bridge, veths and mounts) and DIR.  Safe on a half-built or gone lab.
# Prints what it removed on stdout ("ID: N namespaces, M processes").
lab__destroy() {
	local id=$1 dir=$2 nss pids ns np=0
	nss=$(lab__ns_list "$id")
	# shellcheck disable=SC2086
	pids=$(lab__ns_pids $nss)
	if [ -n "$pids" ]; then
		np=$(echo "$pids" | wc -l)
		# shellcheck disable=SC2086
		kill -TERM $pids 2>/dev/null || :
		# shellcheck disable=SC2086
		if ! lab__poll 50 lab__ns_empty $nss; then
			pids=$(lab__ns_pids $nss)
			lab__err "$id: still running 5 s after TERM, KILL:" \
			    "$(ps -o pid=,comm= -p "$(echo $pids | tr ' ' ,)" |
			    tr '\n' ' ')"
			kill -KILL $pids 2>/dev/null || :
			lab__poll 20 lab__ns_empty $nss ||
			    lab__err "$id: processes survive SIGKILL: $(lab__ns_pids $nss)"
		fi
	fi
	for ns in $nss; do
		ip netns del "$ns" 2>/dev/null || lab__err "cannot delete netns $ns"
	done
	lab__cg_destroy "$id"
	case $dir in
	*/ccpool-lab."$id") rm -rf --one-file-system "$dir" ;;
	esac
	echo "$id: $(echo "$nss" | grep -c .) namespaces, $np processes"
}

# lab_down: tear the lab down (idempotent; also run by the EXIT trap).
# With LAB_LOGDIR set, every host's logs are first copied to
# LAB_LOGDIR/hI/ (run.sh sets it, so daemon logs outlive the lab).
lab_down() {
	local h
	[ -n "$LAB__ID" ] || return 0
	lab__cg_leave
	if [ -n "${LAB_LOGDIR:-}" ]; then
		for h in "$LAB__DIR"/h*; do
			[ -d "$h" ] || continue
			mkdir -p "$LAB_LOGDIR/${h##*/}" &&
			    cp -p "$h"/*.log "$LAB_LOGDIR/${h##*/}/" 2>/dev/null
		done
	fi
	lab__destroy "$LAB__ID" "$LAB__DIR" >/dev/null
	LAB__ID=
	LAB__DIR=
	LAB__N=0
	return 0
}

# --- command mode: tests/lab/lab.sh --cleanup-stale ------------------------------

# lab__ids: ids of every lab that has a namespace or a state dir here.
lab__ids() {
	{
		ip netns list 2>/dev/null | awk '{ print $1 }' |
		    sed -n "s/^\(${LAB__PREFIX}[a-z0-9]\{0,9\}\)-\(sw\|h[0-9]\{1,\}\)\$/\1/p"
		for d in "${LAB_TMPDIR:-/tmp}"/ccpool-lab."$LAB__PREFIX"*; do
			[ -d "$d" ] && echo "${d##*/ccpool-lab.}"
		done
		lab__cg_mounts | while read -r _ m; do
			for d in "$m/$LAB__PREFIX"*; do
				[ -d "$d" ] && echo "${d##*/}"
			done
		done | grep -x "${LAB__PREFIX}[a-z0-9]\{0,9\}"
	} | sort -u
}

# lab__owner_alive DIR: the shell that built this lab still runs (or the
# lab is being born: DIR exists, its owner file not yet, for < 10 s).
lab__owner_alive() {
	local pid st now
	if [ -d "$1" ] && [ ! -e "$1/owner" ]; then
		[ -n "$(find "$1" -maxdepth 0 -newermt '-10 seconds')" ]
		return
	fi
	read -r pid st 2>/dev/null <"$1/owner" || return 1
	now=$(lab__stat "$pid") || return 1
	[ "${now%% *}" != Z ] && [ "${now##* }" = "$st" ]
}

lab__main() {
	local id d any=
	case ${1:-} in
	--cleanup-stale | --cleanup | --list)
		if [ "$(id -u)" != 0 ]; then
			lab__err "$1 needs root"
			return 1
		fi ;;
	esac
	case ${1:-} in
	--cleanup-stale)
		for id in $(lab__ids); do
			d=$(lab__dir_of "$id")
			lab__owner_alive "$d" && continue
			echo "lab: removed stale $(lab__destroy "$id" "$d")"
			any=1
		done
		[ -n "$any" ] || echo "lab: no stale labs"
		;;
	--cleanup)
		shift
		[ $# -gt 0 ] || { lab__err "--cleanup: which lab id?"; return 2; }
		for id in "$@"; do
			case $id in "$LAB__PREFIX"*[!a-z0-9]* | [!c]* | '')
				lab__err "--cleanup: bad id '$id'"; return 2 ;;
			esac
			lab__ids | grep -qx "$id" || continue
			echo "lab: removed $(lab__destroy "$id" "$(lab__dir_of "$id")")"
		done
		;;
	--list)
		for id in $(lab__ids); do
			d=$(lab__dir_of "$id")
			if lab__owner_alive "$d"; then
				echo "$id live (owner pid $(cut -d' ' -f1 "$d/owner"))"
			else
				echo "$id stale"
			fi
		done
		;;
	*)
		cat >&2 <<EOF
usage: tests/lab/lab.sh --cleanup-stale   remove labs whose owner is gone
       tests/lab/lab.sh --cleanup ID...   remove these labs, owner or not
       tests/lab/lab.sh --list            list the labs on this machine
(tests source this file: . tests/lab/lab.sh; see doc/lab.md)
EOF
		[ "${1:-}" = -h ] || [ "${1:-}" = --help ]
		return ;;
	esac
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	lab__main "$@"
	exit
fi
