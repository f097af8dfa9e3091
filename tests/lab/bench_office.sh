#!/bin/bash
# bench_office.sh - the office benchmark of `make bench`: ccpool against
# stock distcc on an emulated office of 5 lab hosts with different CPU
# quotas (cgroups, lab_cgroup), one of them a "busy desktop" whose owner
# runs a CPU-bound task all the time.  Each host is a one-CPU machine of
# its own speed: a quota under one CPU, pinned to one of the two CPUs
# (0.9 CPU of quota on each), so that priorities work within a host as on
# a real one-CPU machine (lab_cgroup says why).
#
#   h1  the developer's machine: runs make -jJOBS, nothing else  0.60 CPU0
#   h2  a fast server                                             0.45 CPU1
#   h3  a medium server                                           0.30 CPU0
#   h4  a slow server                                             0.15 CPU1
#   h5  the busy desktop: a server too, and its owner's task      0.30 CPU1
#
# Servers h2..h5 run both ccpoold (user = nobody) and `distccd --zeroconf`;
# h1 builds COPIES copies of ccpool's own sources (one make, one jobserver)
# with CC="ccpool gcc" and with distcc (DISTCC_HOSTS=+zeroconf: distcc's
# own mDNS discovery; no localhost for distcc but its default fallback
# to h1 after a failure, counted; ccpool left to its defaults,
# which may compile on h1 when its agent decides so), alternating, BUILDS
# builds each.  BASE=DIR (a build directory of another ccpool, e.g. an
# earlier commit's `make all`) adds a third mode, "base": that build's
# ccpoold on the servers (they are restarted when the mode changes) and
# its wrapper and agent on h1, so two versions are measured side by side
# in one run; BASE_ENV="VAR=value ..." is the base agent's environment
# too (BASE=$CCPOOL_BUILD BASE_ENV=CCPOOL_LATE=1: push against late
# binding).  Printed (and written to $CCPOOL_BUILD/bench-office.txt):
#  - makespan ratio ccpool / distcc (medians; target <= 0.75);
#  - makespan over ideal: ideal = total compile CPU (per-compile user+sys
#    of a local build, /usr/bin/time) / the capacity measured on the hosts
#    (see "capacity, measured"; the desktop's is its quota less its owner's
#    share: none when FG_THINK is 0) (target <= 1.15); also printed: the
#    same against the quotas, and against an ideal that counts the links
#    too (they run on h1 whatever the tool, and the build waits for them);
#  - slowdown of the owner's task (the time of each fixed chunk of its
#    work) during each build against the same task between builds
#    (target <= 10%);
#  - where the jobs went and how busy each host was.
# Bounded: every loop has a count, each build a timeout, and the whole run
# stops building after LIMIT seconds (default 600); the lab, its processes
# and its cgroups go at exit, on failure and on Ctrl-C.
# The generated Makefile's $(...) are make's, in single quotes on purpose.
# shellcheck disable=SC2016
set -u
. "$(dirname "$0")/lab.sh"
. "$(dirname "$0")/project.sh"
B=${CCPOOL_BUILD:?}
BUILDS=${BUILDS:-3}		# builds per mode
COPIES=${COPIES:-2}		# copies of the project built by one make
JOBS=${JOBS:-8}			# make -j, the same for both
LIMIT=${LIMIT:-900}		# seconds: no build starts after this
BUILD_TIMEOUT=${BUILD_TIMEOUT:-300}
BASE=${BASE:-}			# another ccpool build: mode "base"
BASE_ENV=${BASE_ENV:-}		# ... and its agent's environment
MODES="ccpool distcc${BASE:+ base}"
QUOTA=(0 0.60 0.45 0.30 0.15 0.30)	# CPUs of h1..h5
PIN=(x 0 1 0 1 1)			# ... and the CPU each one runs on
CLIENT=1 DESK=5 SERVERS="2 3 4 5"
FG_WORK=${FG_WORK:-6000000}	# the owner's task: awk loop iterations a chunk
FG_THINK=${FG_THINK:-0}		# seconds idle between two chunks (0: CPU-bound)
CFL="-std=c11 -O2 -g -Wall"	# no -Werror: distcc drops comments (-C)
T0=$(lab__now_ms)
OUT=$B/bench-office.txt
# every host's logs (daemons, builds in h1/) are kept there by lab_down
export LAB_LOGDIR=${LAB_LOGDIR:-$B/bench-office-logs}
rm -rf "$LAB_LOGDIR"

for c in distcc distccd awk /usr/bin/time; do
	command -v "$c" >/dev/null ||
	    { echo "bench_office: SKIP: $c not installed (make deps)"; exit 77; }
done
if ! why=$(lab_cgroup_avail); then
	echo "bench_office: SKIP: no CPU quotas: $why"
	exit 77
fi
lab_up 5 || exit $?
S=$(lab_state_dir)
for i in 1 2 3 4 5; do
	lab_cgroup "$i" "${QUOTA[$i]}" "${PIN[$i]}" ||
	    { echo "bench_office: cannot give h$i a CPU quota"; exit 1; }
done
fail() { echo "bench_office: FAIL: $*" >&2; exit 1; }
left() { echo $((LIMIT - ($(lab__now_ms) - T0) / 1000)); }
RUN=$S/h1/run
DDIR=$S/h1/home/.distcc
mkdir -p "$DDIR"
mkdir -m 700 "$RUN"
# (CCPOOL_VERBOSE: the agent, started by the first of these, logs every
# placement, offer and pull)
h1() { lab_exec $CLIENT env XDG_RUNTIME_DIR="$RUN" DISTCC_DIR="$DDIR" \
	DISTCC_HOSTS=+zeroconf CCPOOL_VERBOSE=1 "$@"; }
# mode "base": its own agent (runtime directory) and build directory
if [ -n "$BASE" ]; then
	[ -x "$BASE/ccpool" ] && [ -x "$BASE/ccpoold" ] ||
	    fail "BASE=$BASE: no ccpool and ccpoold there"
	mkdir -m 700 "$RUN-base"
fi
bdir() { if [ "$1" = base ]; then echo "$BASE"; else echo "$B"; fi; }
h1m() { local m=$1; shift
	# shellcheck disable=SC2086
	if [ "$m" = base ]; then h1 env XDG_RUNTIME_DIR="$RUN-base" $BASE_ENV "$@"
	else h1 "$@"; fi; }

# --- the project: COPIES copies under one make (one jobserver) ----------------
W=$S/proj
mkdir -p "$W"
proj_copy "$W/c1"
for ((k = 2; k <= COPIES; k++)); do cp -a "$W/c1" "$W/c$k"; done
{
	echo "# $COPIES copies of ccpool's sources, built by one make"
	printf 'C ='
	for ((k = 1; k <= COPIES; k++)); do printf ' c%d' "$k"; done
	printf '\nall: $(C)\n$(C):\n\t+$(MAKE) -C $@ B=$(OUT) all\n'
	printf '.PHONY: all $(C)\n'
} >"$W/Makefile"

# --- total compile CPU: per-compile user+sys of a local build of one copy -------
cat >"$S/cputime.sh" <<'EOF'
#!/bin/bash
# CC for the CPU measurement: times each compile (-c) into $CPUFILE and
# the rest (links) into $LINKFILE; a compile also leaves its preprocessed
# text in $IDIR (calibration)
case " $* " in
*" -c "*) ;;
*) exec /usr/bin/time -a -o "$LINKFILE" -f '%U %S' gcc "$@" ;;
esac
/usr/bin/time -a -o "$CPUFILE" -f '%U %S' gcc "$@" || exit
a=() prev=
for x in "$@"; do
	[ "$prev" = -o ] && x=$(mktemp "$IDIR/XXXXXX.i")
	case $x in -c) x=-E ;; -MMD | -MP) prev=$x; continue ;; esac
	a+=("$x") prev=$x
done
exec gcc "${a[@]}"
EOF
chmod +x "$S/cputime.sh"
mkdir -p "$S/i"
CPUFILE=$S/cpu.txt LINKFILE=$S/link.txt IDIR=$S/i make -C "$W/c1" -j2 B=out-cpu \
    CC="$S/cputime.sh" CFLAGS="$CFL" all >"$S/cpu.log" 2>&1 ||
    fail "local build: $(tail -3 "$S/cpu.log")"
read -r NCOMP CPU1 < <(awk 'NF == 2 { n++; s += $1 + $2 }
    END { printf "%d %.3f\n", n, s }' "$S/cpu.txt")
CPUALL=$(awk -v c="$CPU1" -v k="$COPIES" 'BEGIN { printf "%.2f", c * k }')
LINKALL=$(awk -v k="$COPIES" 'NF == 2 { s += $1 + $2 }
    END { printf "%.2f", s * k }' "$S/link.txt")
rm -rf "$W/c1/out-cpu"

# --- servers ---------------------------------------------------------------------
# ccpoold_mode MODE: the servers run MODE's ccpoold ("ccpool" or "base";
# distcc's builds leave them as they are)
SRVMODE=
ccpoold_mode() {
	local i want=ccpool
	[ "$1" = base ] && want=base
	[ "$1" = distcc ] || [ "$SRVMODE" = "$want" ] && return 0
	for i in $SERVERS; do
		[ -z "$SRVMODE" ] || lab_kill "$i" "ccpoold-$SRVMODE" ||
		    fail "cannot stop ccpoold-$SRVMODE on h$i"
		lab_spawn "$i" "ccpoold-$want" "$(bdir "$want")/ccpoold" -d \
		    -f "$S/h$i/ccpoold.conf" >/dev/null || fail "ccpoold on h$i"
	done
	SRVMODE=$want
}
for i in $SERVERS; do
	printf 'workdir = %s/h%d/work\nuser = nobody\n' "$S" "$i" >"$S/h$i/ccpoold.conf"
	lab_spawn "$i" distccd distccd --no-detach --daemon --zeroconf \
	    --user nobody --allow 198.18.0.0/15 --listen "$(lab_addr "$i")" \
	    --log-stderr --log-level info >/dev/null || fail "distccd on h$i"
done
ccpoold_mode ccpool
NS=$(echo "$SERVERS" | wc -w)
mkdir -p "$S/t"
echo 'int t(int x) { return x + 1; }' >"$S/t/t.c"
ok=
for _ in $(seq 40); do	# at most ~40 s: both see every server
	c=$(h1 "$B/ccpool" --hosts 2>/dev/null | grep -c '198\.18\.0\.')
	d=$(grep -c '198\.18\.0\.' "$DDIR/zeroconf/hosts" 2>/dev/null)
	if [ "${c:-0}" -ge "$NS" ] && [ "${d:-0}" -ge "$NS" ]; then ok=1; break; fi
	(cd "$S/t" && h1 distcc gcc -c t.c -o t.o) >/dev/null 2>&1
	sleep 1
done
[ -n "$ok" ] || fail "not every server discovered: ccpool sees ${c:-0}," \
    "distcc ${d:-0} of $NS"

# --- the owner's task on the busy desktop ------------------------------------------
cat >"$S/fg.sh" <<'EOF'
# fg.sh LOG WORK THINK STOP: the desktop owner's task: a fixed amount of
# CPU work (awk), then THINK seconds idle, again and again; one line
# "start end" (seconds) per run in LOG; at most 2000 runs, until STOP exists.
for ((k = 0; k < 2000; k++)); do
	[ -e "$4" ] && break
	t0=$EPOCHREALTIME
	awk -v n="$2" 'BEGIN { for (i = 0; i < n; i++) s += i * i }'
	echo "$t0 $EPOCHREALTIME" >>"$1"
	sleep "$3"
done
EOF
FG=$S/fg.txt
lab_spawn $DESK owner bash "$S/fg.sh" "$FG" "$FG_WORK" "$FG_THINK" \
    "$S/fg.stop" >/dev/null || fail "owner's task"
lab_on_exit "touch '$S/fg.stop'"

# --- capacity, measured: what each host compiles per second, all at once ---------
# Five hosts on two CPUs do not deliver their quotas in compile work: the
# hosts that share a CPU take turns every few milliseconds and each turn
# refills the caches.  So every host but the desktop compiles the
# project's own preprocessed files, round robin, all hosts at the same
# time for CAL_S seconds (as in a build that keeps every host busy); a
# host's capacity is the compile work it got done per second, counted in
# the CPU seconds each file takes compiled alone on the idle machine.
# The desktop's capacity is its quota less its owner's share (none when
# the owner never pauses).
CAL_S=${CAL_S:-20}
for f in "$S"/i/*.i; do
	/usr/bin/time -o "$S/t1" -f '%U %S' \
	    gcc $CFL -c -x cpp-output "$f" -o /dev/null 2>/dev/null ||
	    fail "calibration: cannot compile $f"
	awk -v f="$f" '{ printf "%s %.3f\n", f, $1 + $2 }' "$S/t1"
done >"$S/cal.ref"
CALN=$(wc -l <"$S/cal.ref")
CALCPU=$(awk '{ s += $2 } END { printf "%.2f", s }' "$S/cal.ref")
cat >"$S/cal.sh" <<'EOF'
# cal.sh LIST SECONDS START CFLAGS...: compile the files of LIST (lines
# "file cpu"), from line START on, round robin, for SECONDS; print the
# idle-machine CPU seconds of the files compiled and the seconds taken
mapfile -t L <"$1"
s=$2 k=$3 n=${#L[@]} t0=$EPOCHREALTIME sum=0 t=0
shift 3
for ((i = 0; i < 5000; i++)); do
	read -r f c <<<"${L[$(((k + i) % n))]}"
	gcc "$@" -c -x cpp-output "$f" -o /dev/null 2>/dev/null || exit 1
	read -r sum t < <(awk -v a="$sum" -v c="$c" -v t0="$t0" \
	    -v t1="$EPOCHREALTIME" 'BEGIN { print a + c, t1 - t0 }')
	awk -v t="$t" -v s="$s" 'BEGIN { exit !(t >= s) }' && break
done
echo "$sum $t"
EOF
# calibrate TAG: every host but the desktop at once; "w t" in cal.TAG.hI
calibrate() {
	local i
	for i in 1 2 3 4 5; do
		[ "$i" = "$DESK" ] && continue
		lab_exec "$i" bash "$S/cal.sh" "$S/cal.ref" "$CAL_S" \
		    $((i * CALN / 5)) $CFL >"$S/cal.$1.h$i" &
	done
	wait
}
calibrate 1		# before the builds, and again after them: the mean
CALEND=$EPOCHREALTIME	# the owner's runs before this were not alone
sleep 6			# the owner's task alone, before any build

# --- builds -------------------------------------------------------------------------
WIN=$S/windows.txt	# mode k start end ms (s)
: >"$WIN"
usage() { local i; for i in 1 2 3 4 5; do printf '%s ' "$(lab_cgroup_usage "$i" || echo 0)"; done; }
dok() { local i; for i in $SERVERS; do printf '%s ' "$(grep -c COMPILE_OK "$S/h$i/distccd.log")"; done; }
# settle MODE: wait (at most 30 s) until every server but the desktop offers
# its slot again: the last build's compiles (and the calibration's) were
# foreign load to ccpoold, which takes a few seconds to decay; neither
# mode should start in the other's wake.
settle() {
	local n want=0 i
	for i in $SERVERS; do [ "$i" = "$DESK" ] || want=$((want + 1)); done
	for _ in $(seq 60); do
		n=$(h1m "$1" "$(bdir "$1")/ccpool" --hosts 2>/dev/null | awk -v d="$(lab_addr $DESK):" '
		    $2 ~ /^198\.18\.0\./ && index($2, d) != 1 && $4 >= 1' | wc -l)
		[ "$n" -ge "$want" ] && return 0
		sleep 0.5
	done
	echo "  (servers still busy after 30 s: building anyway)" >&2
}
build() {	# build MODE K
	local m=$1 k=$2 cc t0 t1 u0 u1 d0 d1 to rc
	ccpoold_mode "$m"
	case $m in
	ccpool | base) cc="$(bdir "$m")/ccpool gcc"
		h1m "$m" "$(bdir "$m")/ccpool" --hosts >/dev/null 2>&1 ;;
	distcc)	# its zeroconf helper quits after 20 idle s; a new one
		# starts with an empty host file: wait until it lists all
		cc="distcc gcc"
		for _ in $(seq 40); do
			[ "$(h1 distcc --show-hosts 2>/dev/null |
			    grep -c '198\.18\.0\.')" -ge "$NS" ] && break
			sleep 0.25
		done ;;
	esac
	rm -rf "$W"/c*/out-*
	settle "$SRVMODE"
	to=$(left)
	[ "$to" -gt "$BUILD_TIMEOUT" ] && to=$BUILD_TIMEOUT
	u0=$(usage) d0=$(dok)
	t0=$EPOCHREALTIME
	h1m "$m" env CCPOOL_VERBOSE=1 timeout -k 5 "$to" make -C "$W" -j"$JOBS" \
	    OUT="out-$m" CC="$cc" CFLAGS="$CFL" all >"$S/h1/build-$m-$k.log" 2>&1
	rc=$?
	t1=$EPOCHREALTIME
	u1=$(usage) d1=$(dok)
	if [ $rc -eq 124 ] && [ "$to" -lt "$BUILD_TIMEOUT" ]; then
		echo "  $m build $k cut at ${to} s by the time limit (LIMIT)" >&2
		return 2
	fi
	if [ $rc -ne 0 ]; then
		cp "$S/h1/build-$m-$k.log" "$S/h1/failed-$m-$k-$EPOCHSECONDS.log"
		echo "  $m build $k FAILED (rc $rc): $(tail -2 "$S/h1/build-$m-$k.log")" >&2
		return 1
	fi
	echo "$m $k $t0 $t1 $u0 $u1 $d0 $d1" >>"$WIN"
	[ $((${t1%.*} - ${t0%.*} + 1)) -le "$longest" ] ||
	    longest=$((${t1%.*} - ${t0%.*} + 1))
	awk -v a="$t0" -v b="$t1" -v m="$m" -v k="$k" \
	    'BEGIN { printf "  %s build %d: %.1f s\n", m, k, b - a }' >&2
}
# A round (a build of each mode) starts only if as many builds as long as
# the longest so far fit in the time left; a build the time limit cuts
# (build returns 2) ends the builds, it is not a failure.
nb=0 nfail=0 longest=0 nm=$(echo $MODES | wc -w)
for ((k = 1; k <= BUILDS; k++)); do
	if [ "$(left)" -lt $((nm * longest + 30)) ]; then
		echo "bench_office: time limit: stopping after $nb builds" >&2
		break
	fi
	for m in $MODES; do
		build "$m" "$k"; rc=$?
		if [ $rc -eq 1 ]; then
			# one retry: a foreign process on this machine has been
			# seen to SIGTERM lab processes (pkill by name...)
			nfail=$((nfail + 1))
			[ "$nfail" -le 2 ] || fail "$nfail failed builds (logs in $LAB_LOGDIR/h1)"
			build "$m" "$k"; rc=$?
			[ $rc -ne 1 ] ||
			    fail "$m build $k failed twice (logs in $LAB_LOGDIR/h1)"
		fi
		if [ $rc -eq 2 ]; then
			echo "bench_office: time limit: stopping after $nb builds" >&2
			break 2
		fi
		nb=$((nb + 1))
		sleep 3		# the owner's task alone again, between builds
	done
done
# the agent's own log (CCPOOL_VERBOSE: every placement, offer and pull)
cp "$RUN"/ccpool/agent*.log "$S/h1/" 2>/dev/null
[ -z "$BASE" ] || for f in "$RUN-base"/ccpool/agent*.log; do
	[ -e "$f" ] && cp "$f" "$S/h1/base-${f##*/}"
done
CAL2S=$EPOCHREALTIME	# ... nor those from here on
calibrate 2
touch "$S/fg.stop"
[ "$nb" -ge "$nm" ] || fail "no round of builds within ${LIMIT} s"
CALRATE=	# capacity of h1..h5 in CPUs of work; "-": the desktop
for i in 1 2 3 4 5; do
	if [ "$i" = "$DESK" ]; then CALRATE+=" -"; continue; fi
	CALRATE+=" $(cat "$S/cal.1.h$i" "$S/cal.2.h$i" | awk '
	    NF == 2 && $2 > 0 { r += $1 / $2; n++ }
	    END { if (n) printf "%.3f", r / n; else print "x" }')"
	case $CALRATE in *x) fail "calibration on h$i failed" ;; esac
done

# --- figures ------------------------------------------------------------------------
# ccpool's jobs per host, from CCPOOL_VERBOSE ("ccpool: f.c -> h2 ...")
jobs_of() { cat "$S"/h1/build-"$1"-*.log 2>/dev/null | awk '/^ccpool: .* -> / {
    for (i = 1; i < NF; i++) if ($i == "->") n[$(i + 1)]++ }
    /^ccpool: .* (here|local): / && !/ linking$/ { n["local"]++ }
    END { for (h in n) printf "%s:%d ", h, n[h] }'; }
cjobs=$(jobs_of ccpool) bjobs=$(jobs_of base)
# ccpool's servers by address or by name: map to hI
awk -v fgs="$FG" -v q="${QUOTA[*]}" -v think="$FG_THINK" -v cpu="$CPUALL" \
    -v link="$LINKALL" \
    -v calrate="$CALRATE" -v calcpu="$CALCPU" -v cals="$CAL_S" -v caln="$CALN" \
    -v calend="$CALEND" -v cal2s="$CAL2S" \
    -v ncomp="$NCOMP" -v copies="$COPIES" -v jobs="$JOBS" \
    -v cjobs="$cjobs" -v bjobs="$bjobs" -v modes="$MODES" -v servers="$SERVERS" -v desk="$DESK" \
    -v dfall="$(cat "$S"/h1/build-distcc-*.log | grep -c 'running locally instead')" '
function median(a, n,    i, j, t) {
	for (i = 2; i <= n; i++)	# insertion sort: n is small
		for (j = i; j > 1 && a[j - 1] > a[j]; j--) {
			t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
	return (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
BEGIN {
	nq = split(q, Q, " ")	# Q[1] is h0 (unused)
	while ((getline l < fgs) > 0) { split(l, f, " "); nf++; fs[nf] = f[1]; fe[nf] = f[2] }
}
{
	m = $1; nb[m]++; k = nb[m]
	st[m, k] = $3; en[m, k] = $4; span[m, k] = $4 - $3
	for (i = 1; i <= 5; i++) used[m, i] += ($(9 + i) - $(4 + i)) / 1e6
	ns = split(servers, sv, " ")
	for (i = 1; i <= ns; i++) dj[m, sv[i]] += $(14 + ns + i) - $(14 + i)
	nbw++; ws[nbw] = $3; we[nbw] = $4
}
END {
	# the task alone: runs that overlap no build (1 s of margin after
	# one) nor a calibration
	na = 0
	for (r = 1; r <= nf; r++) {
		busy = fs[r] < calend || fe[r] > cal2s
		for (w = 1; w <= nbw; w++)
			if (fs[r] < we[w] + 1 && fe[r] > ws[w]) busy = 1
		if (!busy) { na++; al[na] = fe[r] - fs[r] }
	}
	alone = median(al, na)
	share = Q[desk + 1] * alone / (alone + think)
	capq = 0
	for (i = 2; i <= nq; i++) capq += Q[i]
	cap = capq - share
	idealq = cpu / cap
	# measured capacity (calibration); the desktop: quota less owner
	split(calrate, cr, " ")
	capm = 0
	for (i = 1; i <= 5; i++)
		capm += (cr[i] == "-") ? Q[i + 1] - share : cr[i]
	ideal = cpu / capm
	printf "office: 5 hosts, quotas h1..h5 ="
	for (i = 2; i <= nq; i++) printf " %.2f", Q[i]
	printf " CPU (sum %.2f), h1 builds, h5 busy desktop\n", capq
	printf "project: %d copies of ccpool (%d compiles each), make -j%d, -O2 -g\n",
	    copies, ncomp, jobs
	printf "total compile CPU %.1f s (local build, nothing else running);" \
	    " links %.1f s more, not in the ideal\n", cpu, link
	printf "capacity from quotas: %.2f - owner %.2f = %.2f CPU; ideal %.1f s\n",
	    capq, share, cap, idealq
	printf "capacity measured (all hosts compiling the project at once for" \
	    " %d s, before and after the builds; its %d files take %.1f CPU s" \
	    " alone):", cals, caln, calcpu
	for (i = 1; i <= 5; i++) printf " h%d %s", i, cr[i]
	printf " = %.2f CPU; ideal %.1f s (the /ideal below)\n", capm, ideal
	printf "owner task alone: %.3f s (median of %d runs)\n\n", alone, na
	printf "%-7s %5s %9s %9s %10s %9s  %s\n", "mode", "build", "makespan",
	    "/ideal", "owner-runs", "slowdown", "CPU s used h1..h5 (% of quota x makespan)"
	nm = split(modes, M, " ")
	for (mi = 1; mi <= nm; mi++) {
		m = M[mi]
		for (k = 1; k <= nb[m]; k++) {
			n = 0; delete d
			for (r = 1; r <= nf; r++)
				if (fs[r] >= st[m, k] && fe[r] <= en[m, k]) { n++; d[n] = fe[r] - fs[r] }
			sl = n ? median(d, n) / alone - 1 : 0
			slows[m, k] = sl; sp[m, k] = span[m, k]
			printf "%-7s %5d %8.1fs %9.2f %10d %8.1f%%\n", m, k, span[m, k],
			    span[m, k] / ideal, n, 100 * sl
		}
		for (k = 1; k <= nb[m]; k++) { t1[k] = sp[m, k]; t2[k] = slows[m, k] }
		med[m] = median(t1, nb[m]); mslow[m] = median(t2, nb[m])
		printf "%-7s %5s %8.1fs %9.2f %10s %8.1f%% ", m, "med", med[m],
		    med[m] / ideal, "", 100 * mslow[m]
		for (i = 1; i <= 5; i++) {
			u = used[m, i] / nb[m]
			printf " %.1f(%.0f%%)", u, 100 * u / (Q[i + 1] * med[m])
		}
		printf "\n"
	}
	printf "\njobs per server, all builds: distcc"
	for (i = 1; i <= ns; i++) printf " h%d:%d", sv[i], dj["distcc", sv[i]]
	printf "; ccpool %s\n", cjobs
	if (nb["base"]) printf "base (the other ccpool build) %s\n", bjobs
	printf "distcc jobs run on h1 after a distcc failure (fallback): %d\n", dfall
	ratio = med["ccpool"] / med["distcc"]
	oi = med["ccpool"] / ideal
	printf "\nSUMMARY makespan ccpool/distcc %.2f (target <= 0.75 %s)," \
	    " ccpool/ideal %.2f (target <= 1.15 %s; %.2f against the quotas)," \
	    " owner slowdown %.1f%%" \
	    " (target <= 10%% %s); distcc/ideal %.2f, distcc owner slowdown %.1f%%;" \
	    " ccpool over an ideal with the links: %.2f\n",
	    ratio, ratio <= 0.75 ? "met" : "MISSED", oi, oi <= 1.15 ? "met" : "MISSED",
	    med["ccpool"] / idealq,
	    100 * mslow["ccpool"], mslow["ccpool"] <= 0.10 ? "met" : "MISSED",
	    med["distcc"] / ideal, 100 * mslow["distcc"],
	    med["ccpool"] / ((cpu + link) / capm)
	if (nb["base"])
		printf "SUMMARY base: ccpool/base %.2f, base/distcc %.2f," \
		    " base/ideal %.2f, base owner slowdown %.1f%%\n",
		    med["ccpool"] / med["base"], med["base"] / med["distcc"],
		    med["base"] / ideal, 100 * mslow["base"]
}' "$WIN" | tee "$OUT"
echo "bench_office: $nb builds, $(( ($(lab__now_ms) - T0) / 1000 )) s; figures in $OUT"
