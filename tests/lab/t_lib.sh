#!/bin/bash
# t_lib.sh - libccpool on a 3-host lab: the example program of
# man/libccpool.3, built against the shared library, runs on h3 while
# ccpoold runs on h1 and h2.  It must list both servers and their status
# pages (fetched over HTTPS, the key pinned to the advert's id) within
# 2 s of its start, a departure (ccpoold on h2 stopped) within 3 s, and
# refuse the page of an advert whose id is not the server's key (pubtest
# on h1 advertising h1's status port with another id).  The figures are
# printed; sanitizer builds (build-san) get five times the time.
set -u
. "$(dirname "$0")/lab.sh"
B=${CCPOOL_BUILD:?}
S=
fail() {
	echo "FAIL: $*"
	[ -n "$S" ] && tail -n 20 "$S"/h3/mon*.log "$S"/h[12]/ccpoold.log \
	    2>/dev/null
	exit 1
}
slow=1
case $B in *-san) slow=5 ;; esac
now_ms() { echo $(($(date +%s%N) / 1000000)); }
# wait_line LOG REGEX MS: until a line of LOG matches; 0, or 1 after MS
wait_line() {
	local end=$(($(now_ms) + $3))
	while [ "$(now_ms)" -le "$end" ]; do
		grep -Eq -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.05
	done
	return 1
}

[ -e "$B/libccpool.so" ] || { echo "SKIP: no $B/libccpool.so"; exit 77; }
lab_up 3 || exit $?
S=$(lab_state_dir)

# the example of man/libccpool.3 (as check_lib.sh builds it)
tests/lib_example.sh "$B" "$S/ex" || fail "the example does not compile"

printf 'workdir = %s/work\nuser = nobody\n' "$S" >"$S/ccpoold.conf"
lab_spawn 1 ccpoold "$B/ccpoold" -d -f "$S/ccpoold.conf" >/dev/null
lab_spawn 2 ccpoold "$B/ccpoold" -d -f "$S/ccpoold.conf" >/dev/null
lab_wait_ccpool 3 2 "$B/lsdistcc" || fail "h3 never saw both ccpoolds"
A1=$(lab_addr 1)
# an impostor: h1's status port under another key
lab_spawn 1 impostor "$B/pubtest" -n impostor -p 3633 -S 3634 \
    -I sha256:ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff \
    >/dev/null
for n in $(seq 50); do
	grep -q established "$S/h1/impostor.log" 2>/dev/null && break
	sleep 0.1
done

# 1. both servers and their pages within 2 s of the program's start
t0=$(now_ms)
lab_spawn 3 mon "$S/ex" 60 >/dev/null
L=$S/h3/mon.log
for h in h1 h2; do
	wait_line "$L" "^\+ ccpool $h " $((2000 * slow)) ||
	    fail "$h not listed within $((2 * slow)) s"
	wait_line "$L" "^= $h running [0-9]+ queued [0-9]+ offered [0-9]+" \
	    $((2000 * slow)) || fail "$h's status page not shown"
done
t1=$(now_ms)
echo "ok: both servers and their status pages in $((t1 - t0)) ms" \
    "(limit $((2000 * slow)))"
# IPv4 first, once both sightings merged (the IPv6 one may come first)
wait_line "$L" "^[+~] ccpool h1 $A1 port 3633 " $((2000 * slow)) ||
    fail "h1's advert without its IPv4 address"

# 2. the impostor's page is refused: the key is not the one pinned
wait_line "$L" "^! impostor .*(pinned|public key)" $((6000 * slow)) ||
    fail "the impostor's page was not refused"
grep -q "^= impostor" "$L" && fail "the impostor's page was read"
echo "ok: a key other than the advert's is refused:" \
    "$(grep '^! impostor' "$L" | head -1)"

# 3. lsdistcc --status: the pages beside the adverts, through the library
out=$(lab_exec 3 "$B/lsdistcc" -t 1 --status --json) ||
    fail "lsdistcc --status failed: $out"
for h in h1 h2; do
	jq -e --arg n "$h" '.[] | select(.name == $n) |
	    (.status.running >= 0) and (.status.slots >= 1) and
	    (.status.version | length > 0)' <<<"$out" >/dev/null ||
	    fail "lsdistcc --status: no status for $h: $out"
done
jq -e '.[] | select(.name == "impostor") | .status == null and
    (.status_error | test("pin|public key"))' <<<"$out" >/dev/null ||
    fail "lsdistcc --status: the impostor: $out"
tab=$(lab_exec 3 "$B/lsdistcc" -t 1 --status)
grep -q '^  status: running [0-9]*, queued' <<<"$tab" ||
    fail "lsdistcc --status table: $tab"
echo "ok: lsdistcc --status shows both pages and the impostor's error"

# 4. a departure within 3 s
t0=$(now_ms)
lab_kill 2 ccpoold TERM || fail "h2: ccpoold did not stop"
wait_line "$L" "^- h2$" $((3000 * slow)) ||
    fail "h2's departure not seen within $((3 * slow)) s"
echo "ok: departure seen in $(($(now_ms) - t0)) ms (limit $((3000 * slow)))"

# 5. h1's page keeps coming, at the bounded rate (2 s)
n1=$(grep -c '^= h1 ' "$L")
sleep 4.5
n2=$(grep -c '^= h1 ' "$L")
[ $((n2 - n1)) -ge 1 ] || fail "h1's status no longer fetched"
[ $((n2 - n1)) -le 3 ] || fail "h1 fetched $((n2 - n1)) times in 4.5 s"
echo "ok: h1 fetched $((n2 - n1)) times in 4.5 s (every 2 s)"
lab_kill 3 mon TERM
grep -Eq 'AddressSanitizer|runtime error|Segmentation' "$L" &&
    fail "the example crashed"
echo "PASS: t_lib"
