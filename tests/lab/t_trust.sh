#!/bin/bash
# t_trust.sh - identities, TLS and the two trust modes on a 3-host lab:
# ccpoold on h1 (and h2), clients on h2 and h3.
#  open mode
#   1. the server's key is the same in its log, its advert (lsdistcc) and
#      its TLS handshake; a client without a key is refused with a reason;
#   2. the agent pins the key on first use; when the server's key changes
#      it is refused (loudly), the compile still succeeds locally, and
#      `ccpool forget` lets the new key in;
#   3. an allow rule refuses other addresses, with a reason;
#   4. fair share: a client that queues one job behind another client's
#      four waits for one of them, not for all;
#  site mode (ccpool ca init/issue/revoke)
#   5. a user of an allowed group compiles; a revoked user, a user of no
#      allowed group, and a user over user_max_jobs are refused with the
#      right message; every decision is in the server's log;
#   6. a server whose certificate comes from another CA, and a
#      self-signed open server, get no job from a site user;
#  on the path
#   7. a relay in the middle sees no job text and cannot alter a job: a
#      flipped bit fails the connection, and the server keeps serving.
set -u
. "$(dirname "$0")/lab.sh"
. "$(dirname "$0")/project.sh"
B=${CCPOOL_BUILD:?}
fail() {
	echo "FAIL: $*"
	tail -n 8 "${S:-/nonexistent}"/h[12]/ccpoold.log 2>/dev/null
	exit 1
}

lab_up 3 || exit $?
S=$(lab_state_dir)
A1=$(lab_addr 1) A2=$(lab_addr 2)
RUN=$S/h3/run
mkdir -p -m 700 "$RUN"
h3() { lab_exec 3 env XDG_RUNTIME_DIR="$RUN" "$@"; }
CFG=$S/h3/home/.config/ccpool
mkdir -p "$S/src"
printf 'int f(int x) { return x + 1; }\n' >"$S/src/a.c"
gcc -E "$S/src/a.c" -o "$S/src/a.i"
# a source that takes a while to compile, for the quota test
proj_slow_source "$S/src" 400

# every lab host shares this machine's CPUs: the other hosts' work is not
# this server's owner at work (bench_office.sh emulates owners), so the
# foreign-load rule is off (load_tolerance)
conf() {	# conf NAME [lines...]: $S/NAME.conf
	local n=$1
	shift
	{ printf 'workdir = %s/work\nuser = nobody\nload_tolerance = 102400\n' \
	    "$S"; printf '%s\n' "$@"; } \
	    >"$S/$n.conf"
}
start() {	# start I CONF: (re)start ccpoold on hI, wait for its port
	lab_kill "$1" ccpoold TERM 2>/dev/null
	lab_spawn "$1" ccpoold "$B/ccpoold" -d -f "$S/$2.conf" >/dev/null ||
	    fail "h$1: ccpoold did not start"
	for _ in $(seq 50); do
		lab_exec "$1" bash -c ": </dev/tcp/$(lab_addr "$1")/3633" \
		    2>/dev/null && return 0
		sleep 0.1
	done
	fail "h$1: ccpoold not listening: $(tail -5 "$S/h$1/ccpoold.log")"
}
probe() {	# probe I [srvprobe args]: a.i from hI to h1
	local i=$1
	shift
	lab_exec "$i" "$B/srvprobe" -H "$A1" "$@" 2>&1
}
served() { lab_exec 3 curl -sk --max-time 5 "https://$1:3634/status" |
	    jq -r '.counters.jobs_done'; }
ls3() { h3 "$B/lsdistcc" -t 1.5 --json; }
key_in_log() { grep -o 'key sha256:[0-9a-f]*' "$S/h$1/ccpoold.log" |
	    tail -1 | cut -d' ' -f2; }
ccomp() {	# ccomp FILE: compile src/FILE.c on h3 through the agent
	h3 sh -c "cd '$S/src' && CCPOOL_VERBOSE=1 '$B/ccpool' gcc -c $1.c \
	    -o $1.o" >"$S/ccomp.log" 2>&1
}
wait_ls() {	# wait_ls JQ: until lsdistcc on h3 satisfies the jq filter
	for _ in $(seq 10); do
		[ "$(ls3 | jq "$1")" = true ] && return 0
	done
	return 1
}

# --- open mode -----------------------------------------------------------
conf open
start 1 open
fp1=$(key_in_log 1)
echo "$fp1" | grep -Eq '^sha256:[0-9a-f]{64}$' || fail "no key in the log"
wait_ls "any(.[]; .id == \"$fp1\" and .trust == \"new\")" ||
    fail "advert does not carry the key: $(ls3)"
out=$(probe 2 -o "$S/a.o" "$S/src/a.i") || fail "job with a key: $out"
echo "$out" | grep -q "server key $fp1" || fail "handshake key differs"
out=$(probe 2 --no-cert "$S/src/a.i")
[ $? = 3 ] && echo "$out" | grep -q 'refused auth: no client certificate' ||
    fail "a client without a key was not refused: $out"
grep -q 'refused key (none): no client certificate' "$S/h1/ccpoold.log" ||
    fail "refusal not logged"
echo "ok: one key in log, advert and handshake; no key, no service"

ccomp a || fail "compile through the agent: $(cat "$S/ccomp.log")"
grep -q -- '-> ' "$S/ccomp.log" || fail "not compiled remotely: $(cat "$S/ccomp.log")"
grep -q "$fp1" "$CFG/known_servers" || fail "key not pinned"
wait_ls "any(.[]; .id == \"$fp1\" and .trust == \"pinned\")" ||
    fail "lsdistcc does not show the pin: $(ls3)"
# the server gets a new key: refused, loudly; the build goes on locally
lab_kill 1 ccpoold TERM
rm -f "$S/h1/state/identity.pem"
start 1 open
fp1b=$(key_in_log 1)
[ "$fp1b" != "$fp1" ] || fail "the key did not change"
wait_ls "any(.[]; .id == \"$fp1b\" and .trust == \"UNTRUSTED (key changed)\")" ||
    fail "lsdistcc does not flag the changed key: $(ls3)"
ccomp a || fail "compile with an untrusted server: $(cat "$S/ccomp.log")"
grep -q -- '-> ' "$S/ccomp.log" && fail "job sent to a changed key"
grep -q 'untrusted: .*key' "$S/ccomp.log" ||
    fail "CCPOOL_VERBOSE does not name the untrusted server: $(cat "$S/ccomp.log")"
[ "$(served "$A1")" = 0 ] || fail "the changed server got a job"
h3 "$B/ccpool" --hosts | grep -q UNTRUSTED || fail "--hosts hides it"
name=$(ls3 | jq -r ".[] | select(.id == \"$fp1b\") | .name")
h3 "$B/ccpool" forget "$name" | grep -q '1 pinned key' || fail "forget"
h3 pkill -x ccpool-agent
sleep 0.3
ccomp a || fail "compile after forget"
grep -q -- '-> ' "$S/ccomp.log" || fail "forgotten key not re-pinned"
echo "ok: pinned on first use; changed key refused; forget re-pins"

conf allow "allow = $A2/32"
start 1 allow
probe 2 -q -o "$S/a.o" "$S/src/a.i" >/dev/null || fail "allowed address refused"
out=$(probe 3 "$S/src/a.i")
[ $? = 3 ] && echo "$out" | grep -q 'refused auth: this address may not use the server (allow list)' ||
    fail "allow list: $out"
echo "ok: allow list"

conf fair "slots = 1" "queue = 8"
start 1 fair
for i in 1 2 3 4; do
	probe 2 -i "$S/ka.pem" "$S/src/slow.i" -- gcc -O2 -c >"$S/fa$i.log" &
done
sleep 0.4
probe 2 -i "$S/kb.pem" "$S/src/slow.i" -- gcc -O2 -c >"$S/fb.log"
wait
qb=$(grep -o 'queue [0-9]* ms' "$S/fb.log" | awk '{print $2}')
qa=$(cat "$S"/fa?.log | grep -o 'queue [0-9]* ms' | awk '{print $2}' |
    sort -n | tail -1)
echo "fair share: the second client waited $qb ms, the first's last job $qa ms"
[ -n "$qb" ] && [ -n "$qa" ] && [ "$qb" -lt "$qa" ] ||
    fail "no fair share: $(cat "$S/fb.log" "$S"/fa?.log)"
echo "ok: fair share between clients"

# --- site mode -----------------------------------------------------------
h3 "$B/ccpool" ca init --name labsite >/dev/null || fail "ca init"
for w in "--host h1" "--user alice --groups dev,ci" "--user bob --groups dev" \
    "--user carol --groups other"; do
	n=$(echo "$w" | awk '{print $2}')
	# shellcheck disable=SC2086
	h3 "$B/ccpool" ca issue $w -o "$S/$n.pem" >/dev/null || fail "issue $w"
done
h3 "$B/ccpool" ca revoke bob | grep -q '1 certificate revoked' || fail "revoke"
chmod 755 "$S"
# a rogue: a CA of its own, on h2
lab_exec 2 "$B/ccpool" ca init --name rogue >/dev/null || fail "rogue ca"
lab_exec 2 "$B/ccpool" ca issue --host h2 -o "$S/rogue.pem" >/dev/null ||
    fail "rogue issue"
# the list is public; the server (running as nobody) re-reads it on SIGHUP
cp "$CFG/ca/crl.pem" "$S/crl.pem"
conf site "identity = $S/h1.pem" "crl = $S/crl.pem" \
    "allow_groups = dev" "user_max_jobs = 1"
conf rogue "identity = $S/rogue.pem"
start 1 site
start 2 rogue
grep -q 'trust site' "$S/h1/ccpoold.log" || fail "h1 not in site mode"
h3 "$B/ccpool" id --install "$S/alice.pem" >/dev/null || fail "install"
h3 "$B/ccpool" id | grep -q '^mode site' || fail "alice not a site member"
h3 pkill -x ccpool-agent
fph1=$(key_in_log 1)
out=$(probe 3 -i "$S/alice.pem" -k "$fph1" -o "$S/a.o" "$S/src/a.i") ||
    fail "alice refused: $out"
grep -q 'accepted user alice' "$S/h1/ccpoold.log" || fail "accept not logged"
out=$(probe 3 -i "$S/bob.pem" "$S/src/a.i")
echo "$out" | grep -q 'refused auth: .*certificate revoked' ||
    fail "revoked bob: $out"
grep -q 'refused user .*revoked' "$S/h1/ccpoold.log" || fail "bob not logged"
out=$(probe 3 -i "$S/carol.pem" "$S/src/a.i")
echo "$out" | grep -q 'refused auth: user carol may not compile here' ||
    fail "carol: $out"
out=$(probe 3 -i "$S/h3/home/.config/ccpool/identity.pem.old" "$S/src/a.i")
echo "$out" | grep -q 'refused auth: client certificate not accepted' ||
    fail "a self-made key in site mode: $out"
# alice twice at once: the second is over user_max_jobs
probe 3 -q -i "$S/alice.pem" "$S/src/slow.i" -- gcc -O2 -c >"$S/q1.log" &
qp=$!
sleep 0.3
out=$(probe 3 -i "$S/alice.pem" "$S/src/a.i")
wait $qp
echo "$out" | grep -q 'refused busy: alice already has 1 jobs' ||
    fail "quota: $out"
grep -q 'declined: over user_max_jobs' "$S/h1/ccpoold.log" ||
    fail "quota not logged"
# revoked while connected: a reloaded list (SIGHUP) refuses at once
h3 "$B/ccpool" ca issue --user dave --groups dev -o "$S/dave.pem" >/dev/null
probe 3 -q -i "$S/dave.pem" "$S/src/a.i" >/dev/null || fail "dave refused"
h3 "$B/ccpool" ca revoke dave >/dev/null || fail "revoke dave"
cp "$CFG/ca/crl.pem" "$S/crl.pem"
kill -HUP "$(cat "$S/h1/ccpoold.pid")"
for _ in $(seq 20); do
	grep -q 'revocation list reloaded' "$S/h1/ccpoold.log" && break
	sleep 0.1
done
out=$(probe 3 -i "$S/dave.pem" "$S/src/a.i")
echo "$out" | grep -q 'certificate revoked' || fail "dave after reload: $out"
echo "ok: site users: accepted, revoked (also after a reload), not allowed, over quota"

# the agent of a site user: jobs go to h1 only, never to the rogue
for i in 1 2 3 4 5 6; do
	cp "$S/src/a.c" "$S/src/s$i.c"
	ccomp "s$i" || fail "site compile: $(cat "$S/ccomp.log")"
done
[ "$(served "$A2")" = 0 ] || fail "the rogue server got a job"
[ "$(served "$A1")" -ge 1 ] || fail "h1 got no job from the agent"
h3 "$B/ccpool" --hosts | grep -E 'UNTRUSTED.*not accepted by the cluster CA' \
    >/dev/null || echo "note: the agent never tried the rogue"
# a self-signed open server next to the site: untrusted from its advert
lab_kill 2 ccpoold TERM
conf plain
start 2 plain
wait_ls "any(.[]; .trust == \"UNTRUSTED (not site)\")" ||
    fail "self-signed server not flagged: $(ls3)"
for i in 7 8 9; do
	cp "$S/src/a.c" "$S/src/s$i.c"
	ccomp "s$i" || fail "site compile"
done
[ "$(served "$A2")" = 0 ] || fail "the self-signed server got a job"
echo "ok: other CA and self-signed servers get no job"

# --- a relay in the middle -------------------------------------------------
lab_spawn 2 relay "$B/relay" -l 4633 -t "$A1:3633" -w "$S/capture" -T 60 \
    >/dev/null
sleep 0.3
# the file name travels in the job (SRCN) as it is: a marker to look for
cp "$S/src/a.i" "$S/src/SECRET_MARKER_4711.i"
out=$(lab_exec 3 "$B/srvprobe" -H "$A2" -p 4633 -i "$S/alice.pem" -k "$fph1" \
    -o "$S/r.o" "$S/src/SECRET_MARKER_4711.i" 2>&1) ||
    fail "through the relay: $out"
cmp -s "$S/r.o" "$S/a.o" || fail "object through the relay differs"
[ -s "$S/capture" ] || fail "the relay saw nothing"
grep -aq SECRET_MARKER_4711 "$S/capture" && fail "the relay read the job"
grep -aq 'int f' "$S/capture" && fail "the relay read the source"
lab_kill 2 relay TERM
lab_spawn 2 relay2 "$B/relay" -l 4634 -t "$A1:3633" -f 1500 -T 60 >/dev/null
sleep 0.3
out=$(lab_exec 3 "$B/srvprobe" -H "$A2" -p 4634 -i "$S/alice.pem" \
    "$S/src/slow.i" 2>&1) && fail "a tampered job went through: $out"
lab_kill 2 relay2 TERM
grep -q 'TLS: ' "$S/h1/ccpoold.log" || fail "tampering not detected by TLS"
probe 3 -q -i "$S/alice.pem" -o "$S/a2.o" "$S/src/a.i" >/dev/null ||
    fail "the server stopped serving after tampering"
echo "ok: a relay reads no job and cannot alter one"
h3 pkill -x ccpool-agent
exit 0
