#!/bin/bash
# t_dns.sh - unicast DNS-SD beyond one LAN (issue 18) on a 5-host lab with
# two subnets: h1 and h2 on the first, h4 and h5 on the second, h3 the
# router between them (20 ms netem delay into the second subnet) and the
# DNS: knotd, authoritative for lab.example, updates allowed with one TSIG
# key.  No avahi-daemon hears across the router.
#  1. ccpoold on h1 and h4 register themselves (dns_update); ccpoold on h2
#     has a forged key: its update is refused, and it says so clearly;
#  2. the client h5 (resolv.conf: search lab.example, whose
#     b._dns-sd._udp PTR names lab.example) finds h1 through DNS and h4
#     through both mDNS and DNS, as one host; h2 not at all; a TXT over
#     the limits, written by hand (knsupdate), is refused;
#  3. a part of a real project builds from h5 with jobs on both subnets;
#  4. h1's ccpoold stops: its records go, and the client's agent drops it
#     within the records' TTL (5 s, plus the refresh: bounded wait 30 s).
set -u
. "$(dirname "$0")/lab.sh"
. "$(dirname "$0")/project.sh"
B=${CCPOOL_BUILD:?}
S=
fail() {
	echo "FAIL: $*"
	[ -n "$S" ] && tail -n 12 "$S"/h3/knot.log "$S"/h*/ccpoold.log \
	    "$S"/h5/run/ccpool/agent*.log 2>/dev/null
	exit 1
}
for c in knotd kdig knsupdate tc openssl; do
	command -v "$c" >/dev/null ||
	    { echo "SKIP: $c not installed (make deps)"; exit 77; }
done

lab_up 5 || exit $?
S=$(lab_state_dir)
lab_subnet2 3 20 4 5 || fail "second subnet"
echo "router delay: ${LAB_DELAY_MS} ms"
NS=$(lab_addr 3)
RUN=$S/h5/run
mkdir -p -m 700 "$RUN"
h5() { lab_exec 5 env XDG_RUNTIME_DIR="$RUN" "$@"; }

# the DNS: knotd on the router, listening there only
K=$S/knot
mkdir -p "$K/db"
SECRET=$(openssl rand -base64 32)
cat >"$K/lab.example.zone" <<ZONE
\$ORIGIN lab.example.
\$TTL 5
@	SOA	ns.lab.example. admin.lab.example. 1 60 60 600 5
@	NS	ns
ns	A	$NS
b._dns-sd._udp	PTR	@
ZONE
cat >"$K/knot.conf" <<CONF
server:
    rundir: "$K"
    listen: $NS@53
log:
  - target: stderr
    any: info
database:
    storage: "$K/db"
key:
  - id: ccpool-lab
    algorithm: hmac-sha256
    secret: $SECRET
acl:
  - id: update
    key: ccpool-lab
    action: update
template:
  - id: default
    storage: "$K"
    zonefile-sync: -1
    journal-content: changes
zone:
  - domain: lab.example
    file: lab.example.zone
    acl: update
CONF
lab_spawn 3 knot knotd -c "$K/knot.conf" >/dev/null
for n in $(seq 50); do
	lab_exec 1 kdig +short +time=1 @"$NS" lab.example SOA 2>/dev/null |
	    grep -q ns.lab.example && break
	sleep 0.1
done
[ "$n" -lt 50 ] || fail "knotd does not answer"

printf 'nameserver %s\nsearch lab.example\n' "$NS" >"$S/resolv.conf"
for i in 1 2 4 5; do lab_resolv "$i" "$S/resolv.conf" || fail "resolv.conf"; done
echo "hmac-sha256:ccpool-lab:$SECRET" >"$S/good.key"
echo "hmac-sha256:ccpool-lab:$(openssl rand -base64 32)" >"$S/forged.key"
chmod 600 "$S"/*.key
chown nobody "$S"/*.key	# read by ccpoold's pub process, as user nobody
conf() {	# conf KEYFILE: a ccpoold.conf registering with that key
	printf 'workdir = %s/work\nuser = nobody\nload_tolerance = 102400\nmemory_pressure = 100\n' "$S"
	printf 'dns_update = lab.example %s\ndns_ttl = 5\n' "$1"
	# an open server serves its own subnets only, unless told more
	printf 'allow = 198.18.0.0/16\n'
}
conf "$S/good.key" >"$S/good.conf"
conf "$S/forged.key" >"$S/forged.conf"
"$B/ccpoold" -n -f "$S/good.conf" >/dev/null 2>&1 ||
    fail "ccpoold -n refuses the dns_update configuration"

# 1. registration, and the forged key refused
t0=$(date +%s%N)
lab_spawn 1 ccpoold "$B/ccpoold" -d -f "$S/good.conf" >/dev/null
lab_spawn 2 ccpoold "$B/ccpoold" -d -f "$S/forged.conf" >/dev/null
lab_spawn 4 ccpoold "$B/ccpoold" -d -f "$S/good.conf" >/dev/null
ptrs() { lab_exec 1 kdig +short +time=1 @"$NS" _ccpool._tcp.lab.example PTR; }
for n in $(seq 100); do
	[ "$(ptrs | grep -c .)" -ge 2 ] && break
	sleep 0.1
done
ptrs | grep -q '^h1\._ccpool' && ptrs | grep -q '^h4\._ccpool' ||
    fail "h1 and h4 not registered: $(ptrs | tr '\n' ' ')"
echo "registered in $(( ($(date +%s%N) - t0) / 1000000 )) ms"
for n in $(seq 100); do
	grep -q 'refused' "$S/h2/ccpoold.log" && break
	sleep 0.1
done
grep 'dns' "$S/h2/ccpoold.log" | grep -q 'refused by.*TSIG key' ||
    fail "no clear refusal of the forged key: $(grep dns "$S/h2/ccpoold.log")"
ptrs | grep -q '^h2\.' && fail "the forged update was applied"
echo "ok: h1 and h4 registered; the forged TSIG refused:" \
    "$(grep -o 'refused by.*' "$S/h2/ccpoold.log" | head -1)"

# a TXT over the limits, by hand (the administrator's path)
big=$(head -c 1400 /dev/zero | tr '\0' x)
lab_exec 1 knsupdate -y "hmac-sha256:ccpool-lab:$SECRET" <<UPD || fail "knsupdate"
server $NS
zone lab.example.
update add _ccpool._tcp.lab.example. 5 PTR big._ccpool._tcp.lab.example.
update add big._ccpool._tcp.lab.example. 5 SRV 0 0 3633 ns.lab.example.
update add big._ccpool._tcp.lab.example. 5 TXT "txtvers=1" "pad=${big:0:250}" "pad2=${big:0:250}" "pad3=${big:0:250}" "pad4=${big:0:250}" "pad5=${big:0:250}" "pad6=${big:0:150}"
send
UPD

# 2. the client on the other subnet
for n in $(seq 30); do
	h5 "$B/lsdistcc" -t 1 --json >"$S/ls.json" 2>"$S/ls.err"
	[ "$(jq '[.[] | select(.kind == "ccpool")] | length' "$S/ls.json")" -ge 2 ] && break
done
jq -c '.[] | [.name, .address, .kind]' "$S/ls.json"
[ "$(jq '[.[] | select(.kind == "ccpool")] | length' "$S/ls.json")" -eq 2 ] ||
    fail "want 2 ccpool hosts: $(cat "$S/ls.json" "$S/ls.err")"
jq -e --arg a "$(lab_addr 1)" 'any(.[]; .address == $a)' "$S/ls.json" \
    >/dev/null || fail "h1 ($(lab_addr 1)) not found through DNS"
jq -e 'any(.[]; .name == "h4")' "$S/ls.json" >/dev/null || fail "no h4"
grep -q 'big: TXT record over' "$S/ls.err" ||
    fail "the oversized TXT not refused: $(cat "$S/ls.err")"
echo "ok: h1 through DNS, h4 through mDNS and DNS as one host, h2 absent," \
    "the oversized TXT refused"

# 3. a build with jobs on both subnets
W=$S/proj
proj_copy "$W"
# shellcheck disable=SC2046
h5 env CCPOOL_VERBOSE=1 CCPOOL_PLACE_LOCAL=0 make -C "$W" -j4 B=out \
    CC="$B/ccpool gcc" $(proj_part "$W" out) >"$S/build.log" 2>&1 ||
    fail "build: $(tail "$S/build.log")"
alog() { cat "$RUN"/ccpool/agent*.log 2>/dev/null; }
j1=$(alog | grep -c -- "-> h1 ($(lab_addr 1):")
j4=$(alog | grep -c -- "-> h4 ($(lab_addr 4):")
echo "build: $j1 jobs on h1 (first subnet), $j4 on h4 (second)"
[ "$j1" -gt 0 ] && [ "$j4" -gt 0 ] || fail "jobs not on both subnets"
echo "ok: built with jobs on both subnets"

# 4. h1 leaves: records withdrawn, the agent drops it
t0=$(date +%s%N)
lab_kill 1 ccpoold TERM || fail "h1 did not stop"
ptrs | grep -q '^h1\.' && fail "h1's records not withdrawn"
grep -q 'records withdrawn' "$S/h1/ccpoold.log" || fail "no withdrawal logged"
for n in $(seq 300); do
	alog | grep -q 'host h1 left' && break
	sleep 0.1
done
alog | grep -q 'host h1 left' || fail "the agent kept h1"
echo "ok: h1's records withdrawn, the agent dropped it" \
    "$(( ($(date +%s%N) - t0) / 1000000 )) ms after its SIGTERM (TTL 5 s)"
echo "PASS"
