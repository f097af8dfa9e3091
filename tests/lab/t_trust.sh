#!/bin/bash
# t_trust.sh - identities, TLS and the two trust modes on a 3-host lab:
# ccpoold on h1 (and h2), clients on h2 and h3.
#  open mode
#   1. the server's key is the same in its log, its advert (lsdistcc) and
#      its TLS handshake; a client without a key is refused with a reason;
#   2. the agent pins the key on first use; when the server's key changes
#      it is refused (loudly), the compile still succeeds locally, and
#      `ccpool forget` lets the new key in;
#   2b. TOFU made visible, with an agent that pinned h1 already: a rogue
#      on h2 advertising h1's name (Avahi makes it "h1 #2") gets no job
#      and the wrapper says why once; a new name is pinned with a warning
#      on the wrapper's stderr, once; under CCPOOL_TRUST=explicit a new
#      server gets no job until `ccpool trust NAME`, then it does;
#   3. an allow rule refuses other addresses, with a reason;
#   4. fair share: a client that queues one job behind another client's
#      four waits for one of them, not for all;
#  site mode (ccpool ca init/issue/revoke)
#   5. a user of an allowed group compiles; a revoked user, a user of no
#      allowed group, and a user over user_max_jobs are refused with the
#      right message; every decision is in the server's log;
#   6. a server whose certificate comes from another CA, and a
#      self-signed open server, get no job from a site user;
#   6b. libccpool (lsdistcc --status): a site member reads h1's status
#      page, its chain verified to the site CA and its key pinned (the
#      status port shows the job port's certificate); the page of the
#      server of another CA is refused; a user with no site identity
#      reads neither, and the error says why;
#  on the path
#   7. a relay in the middle sees no job text and cannot alter a job: a
#      flipped bit fails the connection, and the server keeps serving.
set -u
. "$(dirname "$0")/lab.sh"
. "$(dirname "$0")/project.sh"
B=${CCPOOL_BUILD:?}
fail() {
	echo "FAIL: $*"
	tail -n 8 "${S:-/nonexistent}"/h[12]/ccpoold.log \
	    "${RUN:-/nonexistent}"/ccpool/agent*.log 2>/dev/null
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
	{ printf 'workdir = %s/work\nuser = nobody\nload_tolerance = 102400\nmemory_pressure = 100\n' \
	    "$S"; printf '%s\n' "$@"; } \
	    >"$S/$n.conf"
}
start() {	# start I CONF: (re)start ccpoold on hI, wait for its toolchains
	lab_kill "$1" ccpoold TERM 2>/dev/null
	lab_spawn "$1" ccpoold "$B/ccpoold" -d -f "$S/$2.conf" >/dev/null ||
	    fail "h$1: ccpoold did not start"
	# the port opens before the runner has detected the compilers (a job
	# sent at once is refused for its toolchain); they are advertised
	for _ in $(seq 100); do
		lab_exec "$1" bash -c ": </dev/tcp/$(lab_addr "$1")/3633" \
		    2>/dev/null && grep -q 'advertising _ccpool._tcp .*[1-9][0-9]* toolchain' \
		    "$S/h$1/ccpoold.log" && return 0
		sleep 0.1
	done
	fail "h$1: ccpoold not serving: $(tail -5 "$S/h$1/ccpoold.log")"
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
ccomp() {	# ccomp FILE: compile src/FILE.c on h3 through the agent; the
		# subject is trust, so an idle h3 never keeps the job (a
		# sanitizer build once estimated it would finish first here)
	h3 sh -c "cd '$S/src' && CCPOOL_VERBOSE=1 CCPOOL_PLACE_LOCAL=0 \
	    '$B/ccpool' gcc -c $1.c -o $1.o" >"$S/ccomp.log" 2>&1
}
agent_stop() {	# stop h3's agents, by the pid they hold locked (not by name:
		# other labs may run agents on this machine)
	local f p
	for f in "$RUN"/ccpool/agent*.pid; do
		[ -e "$f" ] && ! flock -n "$f" true || continue
		p=$(cat "$f") && [ -n "$p" ] && kill "$p" 2>/dev/null
	done
	for _ in $(seq 50); do
		ls "$RUN"/ccpool/agent*.sock >/dev/null 2>&1 || return 0
		sleep 0.1
	done
	fail "h3: the agent did not exit"
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
agent_stop
ccomp a || fail "compile after forget"
grep -q -- '-> ' "$S/ccomp.log" || fail "forgotten key not re-pinned"
echo "ok: pinned on first use; changed key refused; forget re-pins"

# --- TOFU made visible ------------------------------------------------------
# h3's agent has pinned h1 ($name): its next agent starts with a pin, so
# it has no first set and any new key is news.  Local placement is off so
# that a trusted server always gets the job.
tofu() {	# tofu [ENV...]: compile a.c on h3; stdout+stderr appended to tofu.log
	h3 env CCPOOL_PLACE_LOCAL=0 "$@" sh -c "cd '$S/src' && \
	    CCPOOL_VERBOSE=1 '$B/ccpool' gcc -c a.c -o a.o" >"$S/ccomp.log" 2>&1
	local rc=$?
	cat "$S/ccomp.log" >>"$S/tofu.log"
	return $rc
}
alog() { cat "$RUN"/ccpool/agent*.log 2>/dev/null; }
agent_stop
: >"$S/tofu.log"
tofu || fail "compile before the rogue: $(cat "$S/ccomp.log")"
grep -q -- "-> $name " "$S/ccomp.log" || fail "not on h1: $(cat "$S/ccomp.log")"
# a rogue on h2 takes h1's name: Avahi renames it "h1 #2"
conf rogue1 "name = $name"
start 2 rogue1
alt="$name #2"
wait_ls "any(.[]; .name == \"$alt\" and
    (.trust | startswith(\"UNTRUSTED (alternative name of '$name'\")))" ||
    fail "lsdistcc does not flag the collision name: $(ls3)"
lab_kill 1 ccpoold TERM		# the rogue is the only server left
n=0
while [ $n -lt 20 ] && ! grep -q "untrusted server '$alt'" "$S/tofu.log"; do
	tofu || fail "compile beside the rogue: $(cat "$S/ccomp.log")"
	n=$((n + 1))
done
tofu && tofu || fail "compile beside the rogue: $(cat "$S/ccomp.log")"
grep -q -- '-> ' "$S/ccomp.log" && fail "a job went to the rogue"
[ "$(served "$A2")" = 0 ] || fail "the collision name got a job"
c=$(grep -c "^ccpool: WARNING: untrusted server '$alt': '$alt' is Avahi's alternative name of '$name'" \
    "$S/tofu.log")
[ "$c" = 1 ] || fail "the collision warning came $c times: $(cat "$S/tofu.log")"
alog | grep -q "UNTRUSTED server $alt: '$alt' is Avahi's alternative name of '$name'.* an impostor" ||
    fail "the agent's log does not say why: $(alog | tail -5)"
grep -q "^$alt " "$CFG/known_servers" && fail "the collision name was pinned"
echo "ok: a rogue named \"$alt\" gets no job; lsdistcc, the log and the wrapper (once) say why"

# the same rogue under a new name: pinned on first use, loudly, once
: >"$S/tofu.log"
conf rogue2 "name = newbox"
start 2 rogue2
fp2=$(key_in_log 2)
n=0
while [ $n -lt 30 ] && ! grep -q -- '-> newbox ' "$S/tofu.log"; do
	tofu || fail "compile beside newbox: $(cat "$S/ccomp.log")"
	n=$((n + 1))
	sleep 0.2
done
grep -q -- '-> newbox ' "$S/tofu.log" || fail "newbox got no job: $(tail "$S/tofu.log")"
tofu || fail "compile on newbox"
c=$(grep -c "^ccpool: WARNING: new server 'newbox' (.*:3633) pinned on first use, key $fp2; if you do not know it: ccpool trust --refuse 'newbox'\$" \
    "$S/tofu.log")
[ "$c" = 1 ] || fail "the new-server warning came $c times: $(cat "$S/tofu.log")"
grep -q "^newbox $fp2\$" "$CFG/known_servers" || fail "newbox not pinned"
alog | grep -q "WARNING: new server 'newbox'" || fail "the agent's log is silent"
echo "ok: a server pinned after the first set is reported once on the wrapper's stderr: $(grep WARNING "$S/tofu.log")"

# CCPOOL_TRUST=explicit: a new key gets no job until ccpool trust NAME
agent_stop
lab_kill 2 ccpoold TERM
rm -f "$S/h2/state/identity.pem"	# a new key, under a new name
conf rogue3 "name = newbox2"
start 2 rogue3
fp3=$(key_in_log 2)
[ "$fp3" != "$fp2" ] || fail "h2's key did not change"
ls3x() { h3 env CCPOOL_TRUST=explicit "$B/lsdistcc" -t 1.5 --json; }
for _ in $(seq 10); do
	[ "$(ls3x | jq 'any(.[]; .name == "newbox2" and
	    .trust == "new (run: ccpool trust '"'newbox2'"')")')" = true ] && break
done
[ "$(ls3x | jq 'any(.[]; .name == "newbox2" and
    .trust == "new (run: ccpool trust '"'newbox2'"')")')" = true ] ||
    fail "lsdistcc does not ask for ccpool trust: $(ls3x)"
: >"$S/tofu.log"
for _ in 1 2 3 4; do
	tofu CCPOOL_TRUST=explicit || fail "explicit compile: $(cat "$S/ccomp.log")"
	sleep 0.3
done
grep -q -- '-> ' "$S/tofu.log" && fail "explicit: a job went to a new server"
[ "$(served "$A2")" = 0 ] || fail "explicit: the new server got a job"
grep -q "newbox2" "$CFG/known_servers" && fail "explicit: newbox2 was pinned"
grep -q "^ccpool: new server 'newbox2' (.*:3633), key $fp3: no job until you trust it (CCPOOL_TRUST=explicit): ccpool trust 'newbox2'\$" \
    "$S/tofu.log" || fail "explicit: the wrapper does not say so: $(cat "$S/tofu.log")"
hx=$(h3 env CCPOOL_PLACE_LOCAL=0 CCPOOL_TRUST=explicit "$B/ccpool" --hosts)
echo "$hx" | grep -q '^newbox2 .* new ' || fail "--hosts: $hx"
out=$(h3 "$B/ccpool" trust newbox2) || fail "ccpool trust: $out"
echo "$out" | grep -q "^'newbox2' advertises key $fp3 from .*:3633\$" ||
    fail "ccpool trust does not show the key: $out"
grep -q "^newbox2 $fp3\$" "$CFG/known_servers" || fail "ccpool trust pinned nothing"
h3 "$B/ccpool" trust --list | grep -q "^'newbox2' .* $fp3 pinned\$" ||
    fail "trust --list: $(h3 "$B/ccpool" trust --list)"
# the running agent reads the pin at the next hello
n=0
while [ $n -lt 10 ] && ! grep -q -- '-> newbox2 ' "$S/tofu.log"; do
	tofu CCPOOL_TRUST=explicit || fail "explicit compile after trust"
	n=$((n + 1))
	sleep 0.2
done
grep -q -- '-> newbox2 ' "$S/tofu.log" ||
    fail "explicit: no job after ccpool trust: $(tail "$S/tofu.log")"
[ "$(served "$A2")" -ge 1 ] || fail "explicit: newbox2 served nothing"
echo "ok: CCPOOL_TRUST=explicit: no job for a new server until ccpool trust, then jobs"
agent_stop
lab_kill 2 ccpoold TERM		# h1 is started again below

conf allow "allow = $A2/32"
start 1 allow
probe 2 -q -o "$S/a.o" "$S/src/a.i" >/dev/null || fail "allowed address refused"
# refused as it is accepted, before TLS: the handshake finds it closed,
# and the server says why at once (later ones in a summary)
out=$(probe 3 "$S/src/a.i") && fail "allow list: a job was served: $out"
echo "$out" | grep -q 'TLS handshake failed' || fail "allow list: $out"
n=0
until grep -q ": refused: this address may not use the server (allow list)" \
    "$S/h1/ccpoold.log"; do
	n=$((n + 1))
	[ $n -lt 50 ] || fail "allow list: not in the log: $(tail -3 "$S/h1/ccpoold.log")"
	sleep 0.1
done
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
# 6b: the status pages through libccpool, as alice (a site member) and as
# a user with no identity; h1 on the site CA, h2 on a rogue CA
site_status() {
	local out st i
	for i in $(seq 20); do
		out=$(h3 "$B/lsdistcc" -t 1 --status --json 2>&1)
		jq -e '[.[] | select(.name == "h1" or .name == "h2")] |
		    length == 2' <<<"$out" >/dev/null && break
		sleep 0.5
	done
	jq -e '.[] | select(.name == "h1") | .status.slots >= 1' \
	    <<<"$out" >/dev/null || fail "site: h1's page not read: $out"
	jq -e '.[] | select(.name == "h2") | .status == null and
	    (.status_error | test("certificate|issuer"))' <<<"$out" \
	    >/dev/null || fail "site: the rogue CA's page not refused: $out"
	# the status port presents the job port's certificate and chain
	for p in 3633 3634; do
		lab_exec 3 openssl s_client -connect "$A1:$p" -showcerts \
		    </dev/null 2>/dev/null | openssl x509 -noout -pubkey |
		    openssl pkey -pubin -outform DER | sha256sum |
		    awk '{ print "sha256:" $1 }'
	done | grep -cx "$fph1" | grep -qx 2 ||
	    fail "site: the status port shows another key than the job port"
	[ "$(lab_exec 3 openssl s_client -connect "$A1:3634" -showcerts \
	    </dev/null 2>/dev/null | grep -c 'BEGIN CERTIFICATE')" = 2 ] ||
	    fail "site: the status port sends no chain"
	mkdir -p "$S/nobody"
	st=$(lab_exec 3 env HOME="$S/nobody" "$B/lsdistcc" -t 1 --status \
	    --json 2>&1)
	jq -e '.[] | select(.name == "h1") | .status == null and
	    (.status_error | test("site"))' <<<"$st" >/dev/null ||
	    fail "site: a user with no site identity: $st"
	[ -e "$S/nobody/.config/ccpool/identity.pem" ] &&
	    fail "site: lsdistcc --status made an identity"
	echo "ok: libccpool: h1's site page read (CA and pin), the rogue" \
	    "CA's refused ($(jq -r '.[] | select(.name == "h2") |
	    .status_error' <<<"$out")), none without a site identity"
}
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
agent_stop
fph1=$(key_in_log 1)
site_status
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
agent_stop
exit 0
