#!/bin/bash
# run.sh BUILD_DIR - runs every tests/lab/t_*.sh (started in name order,
# LAB_JOBS at once, default 2), each in its own bash with
# CCPOOL_BUILD=BUILD_DIR and a unique LAB_ID, bounded by timeout(1)
# (LAB_TIMEOUT, default 300 s).  Prints PASS/FAIL/SKIP per test
# and a last line "lab: N passed, M failed, K skipped"; exits 1 if any
# failed, 130 when interrupted.  A test's output goes to
# BUILD_DIR/lab-logs/t_x.log (the end of it is shown when it fails; with
# LAB_VERBOSE=1 it is shown as it runs), the lab's daemon and spawned
# process logs to BUILD_DIR/lab-logs/t_x.d/hI/.  After each test whatever its lab
# left behind is removed, and a test that left something fails.
# LAB_ONLY="t_load t_trust" runs only the tests named.
# Not root: every test is skipped (exit 0), loudly.
set -u
here=$(cd "$(dirname "$0")" && pwd)
if [ $# -ne 1 ] || [ ! -d "$1" ]; then
	echo "usage: tests/lab/run.sh BUILD_DIR" >&2
	exit 2
fi
CCPOOL_BUILD=$(cd "$1" && pwd)
export CCPOOL_BUILD
timeout_s=${LAB_TIMEOUT:-300}
tests=()
while IFS= read -r t; do tests+=("$t"); done < <(
	LC_ALL=C find "$here" -maxdepth 1 -name 't_*.sh' -type f | LC_ALL=C sort |
	    while IFS= read -r f; do
		n=$(basename "$f" .sh)
		[ -z "${LAB_ONLY:-}" ] || [[ " $LAB_ONLY " == *" $n "* ]] ||
		    continue
		echo "$f"
	    done)
pass=0 fail=0 skip=0

finish() {
	echo "lab: $pass passed, $fail failed, $skip skipped"
	[ "$fail" -eq 0 ]
}

if [ "$(id -u)" != 0 ]; then
	echo "lab: ==================================================" >&2
	echo "lab: NOT ROOT: every lab test is SKIPPED (the lab needs" >&2
	echo "lab: network namespaces: run make check as root)" >&2
	echo "lab: ==================================================" >&2
	for t in "${tests[@]}"; do
		echo "SKIP $(basename "$t" .sh)"
		skip=$((skip + 1))
	done
	finish
	exit 0
fi

logs=$CCPOOL_BUILD/lab-logs
mkdir -p "$logs" || exit 1
interrupted=
declare -A running=()	# pid -> test name
# shellcheck disable=SC2317  # called from the traps
on_signal() {
	interrupted=$1
	# timeout(1) passes TERM on to the test and its process group; the
	# test's trap tears its lab down.
	[ ${#running[@]} -eq 0 ] || kill -TERM "${!running[@]}" 2>/dev/null
}
trap 'on_signal INT' INT
trap 'on_signal TERM' TERM
trap 'on_signal HUP' HUP

# run_one T IDX: test T with lab id IDX, bounded by timeout(1); writes
# "RESULT SECONDS NOTE" to $logs/NAME.res.  Runs in the background.
run_one() {
	local t=$1 name rc start secs sd h left note res log
	name=$(basename "$t" .sh)
	LAB_ID=$(printf 'ccl%xr%02x' $$ $(($2 % 256)))
	export LAB_ID
	log=$logs/$name.log
	LAB_LOGDIR=$logs/$name.d
	rm -rf "$LAB_LOGDIR"
	export LAB_LOGDIR
	start=$(date +%s)
	if [ -n "${LAB_VERBOSE:-}" ]; then
		timeout -k 30 "$timeout_s" bash "$t" > >(tee "$log") 2>&1
	else
		timeout -k 30 "$timeout_s" bash "$t" >"$log" 2>&1
	fi
	rc=$?
	secs=$(($(date +%s) - start))
	sd=${LAB_TMPDIR:-/tmp}/ccpool-lab.$LAB_ID
	for h in "$sd"/h*; do	# a lab left behind: keep its logs too
		[ -d "$h" ] || continue
		mkdir -p "$LAB_LOGDIR/${h##*/}" &&
		    cp -p "$h"/*.log "$LAB_LOGDIR/${h##*/}/" 2>/dev/null
	done
	left=$("$here/lab.sh" --cleanup "$LAB_ID")
	note=
	case $rc in
	0) res=PASS ;;
	77) res=SKIP; note=" ($(grep -m1 '^lab: SKIP' "$log" | cut -c12-))" ;;
	124) res=FAIL; note=" (timeout after ${timeout_s} s)" ;;
	*)
		res=FAIL
		note=" (exit $rc)"
		if [ "$rc" -gt 128 ]; then
			note=" (killed by signal $((rc - 128)))"
			[ "$secs" -lt "$timeout_s" ] ||
			    note=" (timeout after ${timeout_s} s, then KILL)"
		fi ;;
	esac
	if [ -n "$left" ]; then
		echo "lab: $name left its lab behind (${left#lab: })" >&2
		if [ "$res" = PASS ]; then
			res=FAIL
			note=" (left its lab behind)"
		fi
	fi
	echo "$res $secs$note" >"$logs/$name.res"
}

# report NAME: print a finished test's result and count it
report() {
	local name=$1 res secs note log=$logs/$1.log
	read -r res secs note <"$logs/$name.res" 2>/dev/null ||
	    { res=FAIL; secs=0; note="(no result)"; }
	[ -z "$interrupted" ] || { res=FAIL; note="(interrupted: SIG$interrupted)"; }
	echo "$res $name"
	echo "    $name: ${secs} s${note:+ $note}"
	case $res in
	PASS) pass=$((pass + 1)) ;;
	SKIP) skip=$((skip + 1)) ;;
	*)
		fail=$((fail + 1))
		if [ -z "${LAB_VERBOSE:-}" ]; then
			echo "---- last lines of $log (daemon logs: $logs/$name.d/):"
			tail -n 30 "$log" | sed 's/^/    /'
			echo "---- the test's own words (ok:, FAIL:) in $log:"
			grep -E '^(ok|FAIL|[a-z]: )' "$log" | tail -n 20 |
			    sed 's/^/    /'
			echo "----"
		fi ;;
	esac
}

# wait_one: wait for any running test, report it
wait_one() {
	local pid name
	# wait returns early when a trapped signal arrives: wait again.
	while :; do
		wait -n -p pid "${!running[@]}" 2>/dev/null
		[ -n "${pid:-}" ] && break
		[ -n "$interrupted" ] || continue
		for pid in "${!running[@]}"; do	# after a signal: any gone
			kill -0 "$pid" 2>/dev/null || break
			pid=
		done
		[ -n "${pid:-}" ] && break
		sleep 0.2
	done
	name=${running[$pid]}
	unset "running[$pid]"
	report "$name"
}

# LAB_JOBS tests at once (default 2): each has a lab of its own, and most
# of a test's time is spent waiting on its hosts, not computing.  A test
# that needs the machine's CPUs for what it emulates (CPU quotas that its
# owners fill) or that acts on every lab (--cleanup-stale) says
# "# lab: alone" and runs by itself.
jobs=${LAB_JOBS:-2}
idx=0
for t in "${tests[@]}"; do
	name=$(basename "$t" .sh)
	if [ -n "$interrupted" ]; then
		echo "SKIP $name"
		echo "    $name: not run (interrupted)"
		skip=$((skip + 1))
		continue
	fi
	# a test marked "# lab: alone" runs with no other beside it
	alone=
	grep -q '^# lab: alone' "$t" && alone=1
	while [ ${#running[@]} -ge "${alone:-$jobs}" ]; do wait_one; done
	idx=$((idx + 1))
	rm -f "$logs/$name.res"
	run_one "$t" "$idx" &
	running[$!]=$name
	[ -z "$alone" ] || wait_one
done
while [ ${#running[@]} -gt 0 ]; do wait_one; done
finish
