#!/bin/bash
# t_dcc.sh - stock distcc -> ccpoold (issue 14, part 1) on a 3-host lab:
# ccpoold on h1 with distcc_compat = yes and distcc_allow naming h2 only;
# stock distcc 3.4 on h2 (allowed) and h3 (not allowed).
#  1. the compat listener starts with its loud warning, and advertises
#     _distcc._tcp with cc's machine and version (lsdistcc on h2 sees it;
#     the +zeroconf build below proves the subtype: distcc browses it);
#  2. a real project (ccpool's own library sources, common/ and
#     discovery/: proj_part) built by stock distcc with an
#     explicit host, protocol 1 (host/N) and protocol 2 (host/N,lzo): the
#     objects equal a local build's byte for byte, and the jobs ran on h1
#     (counted in its log);
#  3. the same with DISTCC_HOSTS=+zeroconf;
#  4. the attack battery: the CVE-2004-2687 pattern (the "compiler" is
#     sh -c) and its variants (-wrapper, -B, -fplugin=, -specs=, @file,
#     an absolute compiler path, pump mode) get a refusal (non-zero STAT,
#     the reason as SERR) from h2, and a closed connection with no answer
#     from h3; nothing ran (no job started for them, no marker file);
#     -o /outside is never passed on (the object comes back, nothing is
#     written there);
#  5. malformed input (garbage, a huge DOTI length, a truncated request,
#     a corrupt LZO body)
#     gets an error or a close, and the server still compiles.
set -u
. "$(dirname "$0")/lab.sh"
. "$(dirname "$0")/project.sh"
B=${CCPOOL_BUILD:?}
fail() { echo "FAIL: $*"; exit 1; }
command -v distcc >/dev/null || { echo "SKIP: no distcc"; exit 77; }

lab_up 3 || exit $?
S=$(lab_state_dir)
H1=$(lab_addr 1)
LOG=$S/h1/ccpoold.log
mkdir -p -m 1777 "$S/marker"
printf 'workdir = %s/work\nuser = nobody\nload_tolerance = 102400\nmemory_pressure = 100\n%s\n' \
    "$S" "distcc_compat = yes" >"$S/ccpoold.conf"
printf 'distcc_allow = %s/32\n' "$(lab_addr 2)" >>"$S/ccpoold.conf"
lab_spawn 1 ccpoold "$B/ccpoold" -d -v -f "$S/ccpoold.conf" >/dev/null
for n in $(seq 50); do
	grep -q 'advertising _distcc._tcp' "$LOG" 2>/dev/null && break
	sleep 0.2
done
grep -q 'distcc on .* port 3632' "$LOG" || fail "no distcc listener: $(tail "$LOG")"
grep -q 'WARNING: distcc_compat is on' "$LOG" || fail "no warning at start"
sub="_$(cc -dumpmachine | tr 'A-Z' 'a-z' | tr -c 'a-z0-9\n' -)--$(cc -dumpversion |
    tr 'A-Z' 'a-z' | tr -c 'a-z0-9\n' -)._sub._distcc._tcp"
# (stderr apart: a warning there is not JSON; sanitizer builds are slow)
for n in $(seq 30); do
	lab_exec 2 "$B/lsdistcc" -t 1 --json >"$S/browse.json" \
	    2>"$S/browse.err"
	d=$(jq -c '[.[] | select(.kind == "distcc" and .port == 3632)] | .[0]' \
	    "$S/browse.json" 2>/dev/null) || d=
	[ -n "$d" ] && [ "$d" != null ] && break
done
case $d in
*"$(cc -dumpmachine)-$(cc -dumpversion)"*) ;;
*) fail "no _distcc._tcp advert with cc's machine and version: $d" \
    "$(head -c 300 "$S/browse.json") $(tail -n 3 "$S/browse.err")" ;;
esac
echo "ok: compat listener up, warned, advertised as $sub"

done_jobs() { grep -c 'distcc:.* distcc job [0-9]* compiled, status 0,' "$LOG"; }
# distcc preprocesses on the client without comments, so the /* FALLTHROUGH
# */ that -Wextra's -Wimplicit-fallthrough reads are gone (with stock
# distccd too): no -Wextra -Werror here, the same flags for both builds
DCFLAGS="-std=c11 -O2 -Wall -fstack-protector-strong"
mkdir -p "$S/h2/distcc"
W=$S/proj
proj_copy "$W"
# shellcheck disable=SC2046
make -C "$W" -j2 B=build-local CFLAGS="$DCFLAGS" $(proj_part "$W" build-local) \
    >"$S/local.log" 2>&1 || fail "local build: $(tail "$S/local.log")"
nobj=$(proj_objects "$W" build-local | wc -l)
dbuild() {	# dbuild OUT HOSTS: the project through stock distcc on h2
	local out=$1 hosts=$2 before after
	before=$(done_jobs)
	lab_exec 2 env DISTCC_HOSTS="$hosts" DISTCC_DIR="$S/h2/distcc" \
	    make -C "$W" -j4 B="$out" CC="distcc gcc" \
	    CFLAGS="$DCFLAGS" $(proj_part "$W" "$out") >"$S/$out.log" 2>&1 ||
	    fail "distcc build $out: $(tail "$S/$out.log")"
	proj_compare "$W" build-local "$out" || fail "$out: objects differ"
	after=$(done_jobs)
	echo "$out ($hosts): $((after - before)) compiles ran on h1 (the" \
	    "project: $nobj objects);" \
	    "$(grep -c 'running locally\|retrying locally' "$S/$out.log")" \
	    "fell back"
	[ $((after - before)) -ge "$nobj" ] ||
	    fail "$out: jobs not remote: $(grep -m3 'distcc\[' "$S/$out.log")"
}
dbuild build-d1 "$H1/4"
dbuild build-d2 "$H1/4,lzo"
grep -q 'distcc:.* distcc job' "$LOG" || fail "no job logged as distcc:<address>"
echo "ok: explicit host, protocols 1 and 2: objects identical, jobs remote"

# 3. +zeroconf: distcc's browser (a daemon it forks) needs a moment
mkdir -p "$S/zc" && printf 'int z(void) { return 3; }\n' >"$S/zc/z.c"
for n in $(seq 20); do
	b=$(done_jobs)
	(cd "$S/zc" && lab_exec 2 env DISTCC_HOSTS=+zeroconf \
	    DISTCC_DIR="$S/h2/distcc" distcc gcc -c z.c -o z.o >/dev/null 2>&1)
	[ "$(done_jobs)" -gt "$b" ] && break
	sleep 1
done
dbuild build-d3 +zeroconf
echo "ok: +zeroconf: objects identical, jobs remote"
for p in $(ip netns pids "$(lab_ns 2)"); do	# distcc's zeroconf daemon
	[ "$(cat /proc/"$p"/comm 2>/dev/null)" = distcc ] && kill "$p"
done

# 4. the attack battery, by hand over TCP (bash's /dev/tcp)
req() {	# req VERSION ARG...: a request with a small source
	local a src='int f(void) { return 0; }'
	printf 'DIST%08xARGC%08x' "$1" $(($# - 1))
	shift
	for a in "$@"; do printf 'ARGV%08x%s' "${#a}" "$a"; done
	printf 'DOTI%08x%s' "${#src}" "$src"
}
send() {	# send HOST REQUEST: print what the server answers
	lab_exec "$1" timeout 20 bash -c 'exec 3<>/dev/tcp/'"$H1"'/3632 &&
	    printf "%s" "$1" >&3 && cat <&3' send "$2" 2>/dev/null | tr -d '\0'
}
started() { grep -c 'started pid' "$LOG"; }
M=$S/marker
attacks=(
	"1|sh|-c|touch $M/cve|#|-c|a.c"
	"1|/bin/sh|-c|touch $M/abs|-c|a.c"
	"1|gcc|-wrapper|/bin/sh,-c,touch $M/wrapper|-c|a.c"
	"1|gcc|-B$M/evil|-c|a.c"
	"1|gcc|-B|$M/evil|-c|a.c"
	"1|gcc|-fplugin=$M/evil.so|-c|a.c"
	"1|gcc|-specs=$M/evil.specs|-c|a.c"
	"1|gcc|@$M/opts|-c|a.c"
	"2|sh|-c|touch $M/lzo|-c|a.c"
	"3|gcc|-c|a.c"
)
s0=$(started)
for a in "${attacks[@]}"; do
	IFS='|' read -r -a v <<<"$a"
	r=$(req "${v[@]}")
	out=$(send 2 "$r")
	case $out in
	DONE0000000[123]STAT00000000*) fail "attack ${v[*]} compiled" ;;
	DONE0000000[123]STAT*ccpoold:*) ;;
	*) fail "allowed host, attack ${v[*]}: no refusal: '$out'" ;;
	esac
	ans=$out
	out=$(send 3 "$r")
	[ -z "$out" ] || fail "h3 (not allowed) got an answer: '$out'"
done
echo "attacks: ${#attacks[@]} refused from h2, ${#attacks[@]} closed unanswered from h3; last refusal: ${ans:0:110}"
[ "$(started)" -eq "$s0" ] || fail "an attack started a job"
[ -z "$(ls -A "$M")" ] || fail "a payload ran: $(ls "$M")"
grep -q 'distcc connection refused: not in distcc_allow' "$LOG" ||
    fail "h3's connections not refused at accept"
out=$(send 2 "$(req 1 gcc -c a.c -o "$M/outside.o")")
case $out in
DONE00000001STAT00000000*DOTO*) ;;
*) fail "-o outside: '$out'" ;;
esac
[ ! -e "$M/outside.o" ] || fail "-o /outside wrote there"
echo "ok: attacks refused from h2, closed at accept from h3, nothing ran"

# 5. malformed input; the server still compiles afterwards
out=$(send 2 'GET / HTTP/1.0
')
case $out in DONE*STAT*ccpoold:*) ;; *) fail "garbage: '$out'" ;; esac
out=$(send 2 "DIST00000001ARGC00000001ARGV00000003gccDOTIffffffff")
case $out in DONE*ccpoold:*) ;; *) fail "huge DOTI: '$out'" ;; esac
lab_exec 2 timeout 10 bash -c 'exec 3<>/dev/tcp/'"$H1"'/3632 &&
    printf DIST00000001ARGC00000009ARGV00000003gcc >&3 && exec 3>&-' ||
    fail "truncated request not sent"
out=$(send 2 "$(req 2 gcc -c a.c)")	# a plain body as LZO
case $out in
DONE00000002STAT*ccpoold:*LZO*) ;;
*) fail "corrupt LZO body: '$out'" ;;
esac
out=$(send 2 "$(req 1 gcc -c a.c)")
case $out in
DONE00000001STAT00000000*) ;;
*) fail "no compile after the malformed input: '$out'" ;;
esac
lab__running 1 ccpoold || fail "ccpoold died"
echo "ok: malformed input refused, server still serving"

# 6. an agent that may use distccds (CCPOOL_DISTCC=1, on h2, which
#    distcc_allow lets in) does not send this machine plaintext jobs: it
#    runs a ccpoold, so its jobs go over ccpool's protocol
RUN=$S/h2/run
mkdir -p -m 700 "$RUN" "$S/src6"
before=$(done_jobs)
for i in 1 2 3; do
	printf 'int g%d(int x) { return x - %d; }\n' "$i" "$i" >"$S/src6/g$i.c"
	lab_exec 2 env XDG_RUNTIME_DIR="$RUN" CCPOOL_DISTCC=1 \
	    CCPOOL_PLACE_LOCAL=0 CCPOOL_VERBOSE=1 sh -c "cd '$S/src6' &&
	    '$B/ccpool' gcc -O2 -c g$i.c -o g$i.o" 2>>"$S/h2/ccpool6.log" ||
	    fail "ccpool compile g$i.c: $(cat "$S/h2/ccpool6.log")"
done
grep -q 'g1.c -> h1 ' "$S/h2/ccpool6.log" ||
    fail "g1.c not compiled by h1's ccpoold: $(cat "$S/h2/ccpool6.log")"
[ "$(done_jobs)" = "$before" ] ||
    fail "the agent sent distcc jobs to a ccpoold's compat port"
hosts=$(lab_exec 2 env XDG_RUNTIME_DIR="$RUN" CCPOOL_DISTCC=1 \
    "$B/ccpool" --hosts 2>&1)
grep -q 'not used: that machine runs a ccpoold' "$RUN"/ccpool/agent*.log ||
    fail "the agent did not say why h1's distcc advert is not used:" \
    "$hosts"
echo "ok: CCPOOL_DISTCC=1 agent: 3 jobs to h1 over ccpool's protocol, none to its compat port"
