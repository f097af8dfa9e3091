#!/bin/bash
# t_krb.sh - kerberos mode (auth = gssapi) on a 3-host lab: a real MIT
# KDC (krb5kdc) on h3 serving LAB.TEST and OTHER.TEST (cross-realm trust
# OTHER.TEST -> LAB.TEST), ccpoold on h1 and h2 with keytabs made here,
# allow_groups = ccpdev, builds on h3.  The servers see the users of a
# passwd/group of the test's own (bind-mounted in their mount namespace):
# ccpkalice is in ccpdev, ccpkbob is not.
#  1. with a ticket, part of the project builds through both servers,
#     objects identical; the servers log the Kerberos user; lsdistcc shows
#     sec krb5 and each server's principal;
#  2. refused, the job compiled here with the reason said: no ticket,
#     a user outside allow_groups, a principal of another realm, an
#     expired ticket (also on a connection kept from before it expired);
#  3. a server whose keytab no longer matches its principal (re-keyed in
#     the KDC) gets no job, the other one does.
set -u
. "$(dirname "$0")/lab.sh"
. "$(dirname "$0")/project.sh"
. "$(dirname "$0")/krb.sh"
B=${CCPOOL_BUILD:?}
S=
fail() {
	echo "FAIL: $*"
	[ -n "$S" ] && tail -n 12 "$S"/h[12]/ccpoold.log "$S"/kdc/kdc.log \
	    "$S"/run*/ccpool/agent*.log 2>/dev/null
	exit 1
}
for t in krb5kdc kdb5_util kadmin.local kinit; do
	command -v $t >/dev/null || { echo "SKIP: no $t (make deps)"; exit 77; }
done

lab_up 3 || exit $?
krb_up 3 1 2
krb_server 1 "allow_groups = ccpdev"
krb_server 2 "allow_groups = ccpdev"
lab_wait_ccpool 3 2 "$B/lsdistcc" || fail "servers not discovered"

tkt() { krb_tkt 3 "$@"; }	# tkt CACHE PRINCIPAL [kinit options]
as() {	# as CACHE CMD...: on h3 with that ticket cache and an agent of its own
	local run=$S/run-$1
	mkdir -p -m 700 "$run"
	lab_exec 3 env XDG_RUNTIME_DIR="$run" KRB5CCNAME="FILE:$S/cc/$1" \
	    KRB5_CONFIG="$KRB5_CONFIG" CCPOOL_PLACE_LOCAL=0 CCPOOL_VERBOSE=1 \
	    "${@:2}"
}
jobs_on() { grep -c "accepted Kerberos user" "$S/h$1/ccpoold.log"; }

# 1. a build with a ticket, through both servers
tkt alice ccpkalice
W=$S/proj
proj_copy "$W"
# shellcheck disable=SC2046
make -C "$W" -j2 B=build-local CFLAGS="$PROJ_NOG_CFLAGS" \
    $(proj_part "$W" build-local) >"$S/local.log" 2>&1 ||
    fail "local build: $(tail "$S/local.log")"
# shellcheck disable=SC2046
as alice make -C "$W" -j4 B=build-k CC="$B/ccpool gcc" \
    CFLAGS="$PROJ_NOG_CFLAGS" $(proj_part "$W" build-k) >"$S/build-k.log" 2>&1 ||
    fail "kerberos build: $(tail "$S/build-k.log")"
proj_compare "$W" build-local build-k || fail "objects differ"
r1=$(grep -c "^ccpool: .* -> h1" "$S/build-k.log")
r2=$(grep -c "^ccpool: .* -> h2" "$S/build-k.log")
echo "build: $r1 jobs on h1, $r2 on h2"
[ "$r1" -gt 0 ] && [ "$r2" -gt 0 ] || fail "a server got no job: $(grep -m5 'ccpool:' "$S/build-k.log")"
grep -q 'accepted Kerberos user ccpkalice' "$S/h1/ccpoold.log" ||
    fail "h1 does not log the Kerberos user"
ls=$(lab_exec 3 "$B/lsdistcc" -t 1 --json 2>/dev/null)
jq -e '[.[] | select(.kind == "ccpool" and .security == "krb5" and
    (.principal | test("^ccpool/h[12].lab.test@LAB.TEST$")))] | length == 2' \
    <<<"$ls" >/dev/null || fail "lsdistcc: $ls"
hosts=$(as alice "$B/ccpool" --hosts 2>&1)
grep -q 'kerberos ccpool/h1.lab.test@LAB.TEST' <<<"$hosts" ||
    fail "ccpool --hosts: $hosts"
echo "ok: built through two kerberos servers, objects identical; lsdistcc and ccpool --hosts show krb5 and the principals"

# 2. refusals: each compile stays here, the reason said
src=$S/src
mkdir -p "$src"
printf 'int f(int x) { return x + 1; }\n' >"$src/a.c"
one() {	# one CACHE [PATTERN]: compile a.c on h3 with that cache, not
	# remotely; output in $S/one.log.  On a busy machine a connection
	# may time out before the exchange: up to 3 tries to see PATTERN.
	local i
	for i in 1 2 3; do
		as "$1" sh -c "cd '$src' && '$B/ccpool' gcc -c a.c -o a.o" \
		    >"$S/one.log" 2>&1 || fail "compile ($1): $(cat "$S/one.log")"
		! grep -q -- '-> h[12]' "$S/one.log" ||
		    fail "$1: compiled remotely: $(cat "$S/one.log")"
		[ -z "${2:-}" ] || grep -q "$2" "$S/one.log" && return 0
		sleep 1
	done
	fail "$1: not said: $2: $(cat "$S/one.log")"
}
one none 'no Kerberos ticket (run kinit)'
echo "ok: no ticket: refused, 'run kinit'"
tkt bob ccpkbob
one bob 'may not compile here'
grep -q 'refused user ccpkbob.*allow_users or allow_groups' "$S"/h[12]/ccpoold.log ||
    fail "bob: not refused: $(grep -m3 ccpkbob "$S"/h[12]/ccpoold.log)"
echo "ok: a user outside allow_groups: refused, and told why"
tkt carol ccpkcarol@OTHER.TEST
one carol 'has no local user name'
grep -q 'ccpkcarol@OTHER.TEST has no local user name' "$S"/h[12]/ccpoold.log ||
    fail "carol: $(grep -m3 -i 'refused' "$S"/h[12]/ccpoold.log)"
echo "ok: a principal of another realm (cross-realm ticket): refused"
tkt short ccpkalice -l 6s
as short sh -c "cd '$src' && '$B/ccpool' gcc -c a.c -o a.o" >"$S/one.log" 2>&1 ||
    fail "short ticket: $(cat "$S/one.log")"
grep -q -- '-> h[12]' "$S/one.log" || fail "short ticket, before expiry: $(cat "$S/one.log")"
sleep 8		# 6 s of ticket and 1 s of clockskew, then one more
one short 'ticket expired'
grep -q 'Kerberos ticket expired' "$S"/h[12]/ccpoold.log &&
    echo "ok: an expired ticket: refused on the kept connection and by the client" ||
    echo "ok: an expired ticket: refused by the client (the kept connection had closed)"

# 3. h2's keytab no longer matches its principal: no job for h2.  The
#    agent tries h2 (a warm-up connection, or a job) within a few
#    compiles; the servers' refusal lines are rate-limited, the agent's
#    log says which server refused it.
krb_kadm LAB.TEST "cpw -randkey ccpool/h2.lab.test"
tkt alice2 ccpkalice
before=$(jobs_on 2)
for i in $(seq 10); do
	cp "$src/a.c" "$src/k$i.c"
	as alice2 sh -c "cd '$src' && '$B/ccpool' gcc -c k$i.c -o k$i.o" \
	    >>"$S/stale.log" 2>&1 || fail "compile beside a stale keytab"
	grep -q 'h2.*\(refused us\|Kerberos\)' "$S"/run-alice2/ccpool/agent*.log &&
	    [ "$i" -ge 4 ] && break
done
[ "$(jobs_on 2)" = "$before" ] || fail "h2 accepted a ticket for its old key"
grep 'h2.*\(refused us\|Kerberos\)' "$S"/run-alice2/ccpool/agent*.log ||
    fail "h2 was never tried: $(grep -v "^ccpool-agent\[agent\]: k" "$S"/run-alice2/ccpool/agent*.log | tail -20)"
grep -q -- '-> h1' "$S/stale.log" || fail "no job on h1: $(cat "$S/stale.log")"
echo "ok: a server whose keytab does not match its principal gets no job"

# 4. a captured exchange replayed on another connection, and a token
#    bound to nothing: refused (srvprobe plays the client)
gcc -E "$src/a.c" -o "$src/a.i"
sp() {
	lab_exec 3 env KRB5_CONFIG="$KRB5_CONFIG" KRB5CCNAME="FILE:$S/cc/alice2" \
	    "$B/srvprobe" -H "$(lab_addr 1)" --no-cert -q \
	    -K ccpool/h1.lab.test@LAB.TEST "$@" "$src/a.i" 2>&1
}
out=$(sp -o "$src/sp.o") || fail "srvprobe with a ticket: $out"
out=$(sp --krb-replay) || fail "a replayed token was accepted: $out"
grep -q 'auth: the token is bound to another TLS connection' <<<"$out" ||
    fail "replay: $out"
out=$(sp --krb-no-cb) || fail "a token without binding was accepted: $out"
grep -q 'auth: the token is not bound to this TLS connection' <<<"$out" ||
    fail "no binding: $out"
echo "ok: an exchange replayed on another connection, and one without channel binding: refused"
