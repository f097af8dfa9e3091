#!/bin/bash
# bench_krb.sh - the cost of kerberos mode, side by side with open mode in
# one run, on a 3-host lab: h1 runs ccpoold in kerberos mode (cluster
# "krb"), h2 the same ccpoold in open mode (cluster "open"), h3 the KDC
# and the client.
#  - per-job: the same trivial file compiled RUNS times through each
#    cluster's agent, alternating; the agents keep their connections, so
#    a job pays no exchange: median wall time per job, and the ratio;
#  - per new connection: srvprobe connects, says hello, (authenticates
#    with Kerberos,) and sends one job, CONNS times against each server:
#    medians and their difference, the price of the exchange.
# The machine is shared and noisy: only medians and ratios are reported.
set -u
. "$(dirname "$0")/lab.sh"
. "$(dirname "$0")/krb.sh"
B=${CCPOOL_BUILD:?}
RUNS=${RUNS:-41}
CONNS=${CONNS:-21}
fail() { echo "FAIL: $*"; exit 1; }

lab_up 3 || exit $?
krb_up 3 1
krb_server 1 "cluster = krb"
printf 'workdir = %s/work\nuser = nobody\nload_tolerance = 102400\nmemory_pressure = 100\ncluster = open\nidentity = %s/h2.key\n' \
    "$S" "$S" >"$S/h2.conf"
lab_spawn 2 ccpoold "$B/ccpoold" -d -f "$S/h2.conf" >/dev/null
lab_wait_ccpool 3 2 "$B/lsdistcc" || fail "servers not discovered"
krb_tkt 3 alice ccpkalice
src=$S/src
mkdir -p "$src" "$S/run-krb" "$S/run-open"
chmod 700 "$S/run-krb" "$S/run-open"
printf 'int f(int x) { return x * 3 + 1; }\n' >"$src/a.c"
gcc -E "$src/a.c" -o "$src/a.i"
job() {	# job CLUSTER: one compile through that cluster's agent, in ms
	local t0 t1
	t0=$(date +%s%N)
	lab_exec 3 env XDG_RUNTIME_DIR="$S/run-$1" CCPOOL_CLUSTER="$1" \
	    KRB5_CONFIG="$KRB5_CONFIG" KRB5CCNAME="FILE:$S/cc/alice" \
	    CCPOOL_PLACE_LOCAL=0 CCPOOL_VERBOSE=1 sh -c \
	    "cd '$src' && '$B/ccpool' gcc -c a.c -o a-$1.o" 2>"$S/job.err" ||
	    fail "compile ($1): $(cat "$S/job.err")"
	t1=$(date +%s%N)
	grep -q -- '-> h' "$S/job.err" || fail "not remote ($1): $(cat "$S/job.err")"
	echo $(( (t1 - t0) / 1000000 ))
}
probe() {	# probe krb|open: one new connection with one job, in ms
	local t0 t1 a
	t0=$(date +%s%N)
	if [ "$1" = krb ]; then
		a=(-H "$(lab_addr 1)" --no-cert -K ccpool/h1.lab.test@LAB.TEST)
	else
		a=(-H "$(lab_addr 2)" -i "$S/probe.pem")
	fi
	lab_exec 3 env KRB5_CONFIG="$KRB5_CONFIG" KRB5CCNAME="FILE:$S/cc/alice" \
	    "$B/srvprobe" -q "${a[@]}" "$src/a.i" >/dev/null 2>"$S/probe.err" ||
	    fail "srvprobe ($1): $(cat "$S/probe.err")"
	t1=$(date +%s%N)
	echo $(( (t1 - t0) / 1000000 ))
}
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

for i in 1 2 3; do job krb >/dev/null; job open >/dev/null; done	# warm
: >"$S/t-krb"; : >"$S/t-open"
for i in $(seq "$RUNS"); do
	job krb >>"$S/t-krb"
	job open >>"$S/t-open"
done
mk=$(median <"$S/t-krb") mo=$(median <"$S/t-open")
probe open >/dev/null
: >"$S/c-krb"; : >"$S/c-open"
for i in $(seq "$CONNS"); do
	probe krb >>"$S/c-krb"
	probe open >>"$S/c-open"
done
ck=$(median <"$S/c-krb") co=$(median <"$S/c-open")
echo "per job ($RUNS each, kept connections): kerberos ${mk} ms, open ${mo} ms, ratio $(awk "BEGIN { printf \"%.3f\", $mk / $mo }")"
echo "per new connection with one job ($CONNS each): kerberos ${ck} ms, open ${co} ms, exchange costs $((ck - co)) ms"
