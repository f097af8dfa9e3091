#!/bin/bash
# t_discovery.sh - discovery on a 3-host lab: adverts from two hosts (the
# pubtest publisher) appear in `lsdistcc --json` on the third; an update of
# free slots is seen; a graceful stop removes the host; after restarting
# avahi-daemon on a publishing host its advert is back; a stock
# `distccd --zeroconf` shows as kind distcc; hostile input does not crash.
set -u
. "$(dirname "$0")/lab.sh"
B=${CCPOOL_BUILD:?}
fail() { echo "FAIL: $*"; exit 1; }

lab_up 3 || exit $?
S=$(lab_state_dir)

# json_of HOST NAME FIELD: FIELD of NAME in lsdistcc --json run on HOST
lsjson() { lab_exec "$1" "$B/lsdistcc" -t "${2:-2}" --json 2>/dev/null; }
# has JSON NAME [KIND]: NAME of KIND is listed (JSON must be an array)
has() { jq -e 'type == "array"' <<<"$1" >/dev/null ||
	fail "lsdistcc printed no JSON array: '$1'"
	jq -e --arg n "$2" --arg k "${3:-ccpool}" \
	'[.[] | select(.name == $n and .kind == $k)] | length == 1' \
	<<<"$1" >/dev/null; }

# Publishers on h1 and h2, each commanded through a fifo.
for i in 1 2; do
	mkfifo "$S/pub$i.in"
	lab_spawn $i pub$i sh -c "exec '$B/pubtest' -n pub$i -p 3633 -C 4 \
	    -s 4 -f 4 -T gcc-12-x86_64-linux-gnu-abc < '$S/pub$i.in'" \
	    >/dev/null
done
exec 5>"$S/pub1.in" 6>"$S/pub2.in"
for i in 1 2; do
	for n in $(seq 50); do
		grep -q established "$S/h$i/pub$i.log" 2>/dev/null && break
		sleep 0.1
	done
	grep -q established "$S/h$i/pub$i.log" ||
	    fail "pub$i never established: $(cat "$S/h$i/pub$i.log")"
done

# 1. both visible on h3 within one 2 s listen
out=$(lsjson 3 2)
has "$out" pub1 && has "$out" pub2 || fail "adverts not seen on h3: $out"
jq -e '.[] | select(.name=="pub1") | .free == 4 and .cpus == 4 and
    (.toolchains | index("gcc-12-x86_64-linux-gnu-abc")) != null' \
    <<<"$out" >/dev/null || fail "pub1 fields wrong: $out"
addr1=$(jq -r '.[] | select(.name=="pub1") | .address' <<<"$out")
[ "$addr1" = "$(lab_addr 1)" ] || fail "pub1 address $addr1"
echo "ok: two adverts seen on h3"

# 2. an update of free slots is seen
echo "free 1" >&5
ok=
for n in 1 2 3 4 5; do
	out=$(lsjson 3 1)
	if jq -e '.[] | select(.name=="pub1") | .free == 1' <<<"$out" \
	    >/dev/null; then ok=1; break; fi
done
[ -n "$ok" ] || fail "free-slot update not seen: $out"
echo "ok: update seen"

# 3. graceful stop removes the host
lab_kill 2 pub2 TERM
exec 6>&-
ok=
for n in 1 2 3 4 5; do
	out=$(lsjson 3 1)
	if ! has "$out" pub2; then ok=1; break; fi
done
[ -n "$ok" ] || fail "pub2 still listed after stop: $out"
echo "ok: stopped host gone"

# 4. restart avahi-daemon on h1: the advert comes back
lab_avahi_restart 1
ok=
for n in $(seq 10); do
	out=$(lsjson 3 1)
	if has "$out" pub1; then ok=1; break; fi
done
[ -n "$ok" ] || fail "pub1 not back after avahi restart: $(tail -5 "$S/h1/pub1.log")"
echo "ok: advert back after avahi-daemon restart"

# 5. stock distccd --zeroconf shows as kind distcc
lab_spawn 2 distccd distccd --no-detach --daemon --zeroconf --user nobody \
    --allow 198.18.0.0/15 --listen "$(lab_addr 2)" --log-stderr >/dev/null
ok=
for n in $(seq 10); do
	out=$(lsjson 3 1)
	if jq -e '[.[] | select(.kind == "distcc")] | length >= 1' \
	    <<<"$out" >/dev/null; then ok=1; break; fi
done
[ -n "$ok" ] || fail "distccd not listed: $out"
jq -e --arg a "$(lab_addr 2)" '.[] | select(.kind=="distcc") |
    .address == $a and .port == 3632' <<<"$out" >/dev/null ||
    fail "distccd address/port wrong: $out"
hosts=$(lab_exec 3 "$B/lsdistcc" -t 1 --hosts)
case "$hosts" in *"$(lab_addr 2):3632"*) ;; *) fail "--hosts: $hosts";; esac
probe=$(lab_exec 3 "$B/lsdistcc" -t 1 -p --json)
jq -e '.[] | select(.kind=="distcc") | .up == true and .rtt_ms >= 0' \
    <<<"$probe" >/dev/null || fail "-p probe: $probe"
echo "ok: distccd listed as distcc, --hosts and -p work"

# 6. a cluster filter hides other clusters
lab_spawn 2 pubx sh -c "tail -f /dev/null | '$B/pubtest' -n other -c elsewhere" \
    >/dev/null
sleep 1
out=$(lab_exec 3 "$B/lsdistcc" -t 2 -c default --json)
has "$out" other && fail "cluster filter let 'other' through"
out=$(lab_exec 3 "$B/lsdistcc" -t 2 -c elsewhere --json)
has "$out" other || fail "cluster elsewhere not listed: $out"
echo "ok: cluster filter"

# 7. a service name collision is renamed, both stay visible
lab_spawn 2 dup sh -c "tail -f /dev/null | '$B/pubtest' -n pub1" >/dev/null
ok=
for n in $(seq 30); do
	grep -q 'established pub1 #2' "$S/h2/dup.log" && { ok=1; break; }
	sleep 0.2
done
[ -n "$ok" ] || fail "collision not renamed: $(cat "$S/h2/dup.log")"
out=$(lsjson 3 1)
has "$out" pub1 && has "$out" "pub1 #2" || fail "after collision: $out"
echo "ok: name collision renamed"

# 8. a watching browser survives its avahi-daemon restarting
lab_spawn 3 watch "$B/lsdistcc" --watch -t 60 >/dev/null
sleep 1
lab_avahi_restart 3
lab_spawn 1 late sh -c "tail -f /dev/null | '$B/pubtest' -n late" >/dev/null
ok=
for n in $(seq 60); do
	grep -q ' + ccpool late ' "$S/h3/watch.log" && { ok=1; break; }
	sleep 0.25
done
[ -n "$ok" ] || fail "watch did not recover: $(tail -5 "$S/h3/watch.log")"
lab_kill 3 watch TERM
echo "ok: browser survives avahi-daemon restart"

# 9. no avahi-daemon: exit 2 with a message that says how to start it
lab_avahi_stop 3
msg=$(lab_exec 3 "$B/lsdistcc" -t 1 2>&1); rc=$?
[ $rc -eq 2 ] || fail "exit $rc without avahi-daemon"
case "$msg" in *avahi-daemon*start*) ;; *) fail "message: $msg";; esac
echo "ok: exit 2 without avahi-daemon"

# usage error
lab_exec 3 "$B/lsdistcc" --bogus >/dev/null 2>&1
[ $? -eq 2 ] || fail "usage error not exit 2"
echo "PASS"
