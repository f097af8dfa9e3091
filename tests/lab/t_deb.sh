#!/bin/bash
# t_deb.sh - the Debian packages (issue 16), installed into a fresh root
# and purged again.
#  1. dpkg-buildpackage -b packages the programs of CCPOOL_BUILD (debian/
#     rules' CCPOOL_DEB_BUILD: no second compile; `make deb` builds its
#     own, with Debian's flags, and runs lintian);
#  2. the root: an overlay of this machine's / (its dpkg database, its
#     libraries) with an empty upper layer, mounted in h1's private mount
#     namespace, so whatever dpkg writes lands in that upper layer and the
#     machine itself is never touched;
#  3. dpkg -i: the user ccpoold exists (system, no shell), the unit
#     verifies (systemd-analyze verify) and its exposure is under 4.0,
#     /usr/lib/ccpool has a link for gcc and cc, and the trigger on
#     /usr/bin adds and removes one for a compiler package installed and
#     removed afterwards;
#  4. ccpoold starts from the unit's ExecStart with the packaged, empty
#     configuration.  systemd is not PID 1 here, so the unit's own walls
#     are not applied by systemd: the line runs in h1 under what a shell
#     can apply of them (the capability bounding set, no_new_privs, the
#     umask, as mounts ProtectSystem=strict, StateDirectory, PrivateTmp,
#     ProtectHome, PrivateDevices, ProtectProc=invisible,
#     ProtectKernelTunables, PrivateIPC, and the seccomp-based ones
#     through unitwall), and a compile through the
#     masquerade link /usr/lib/ccpool/gcc runs on it, object identical;
#  5. dpkg --purge: nothing of the packages is left in the upper layer
#     but dpkg's own records and the system user (left, as Debian does).
set -u
. "$(dirname "$0")/lab.sh"
B=${CCPOOL_BUILD:?}
TOP=$(cd "$(dirname "$0")/../.." && pwd)
fail() { echo "FAIL: $*"; exit 1; }
for t in dpkg-buildpackage dh systemd-analyze setpriv; do
	command -v "$t" >/dev/null || { echo "SKIP: no $t (make deps)"; exit 77; }
done
t0=$(date +%s)

lab_up 1 || exit $?
S=$(lab_state_dir)
lab_cgroup 1 1 ||
    echo "note: no CPU quota for h1: ccpoold measures the whole machine"

# 1. the packages, from the programs already built
mkdir -p "$S/pkg/src"
(cd "$TOP" && tar cf - --exclude='./build*' --exclude=./.git .) |
    tar xf - -C "$S/pkg/src"
(cd "$S/pkg/src" && CCPOOL_DEB_BUILD=$B DEB_BUILD_OPTIONS="nocheck noddebs" \
    dpkg-buildpackage -b -uc -us -d) >"$S/deb.log" 2>&1 ||
    fail "dpkg-buildpackage: $(tail -n 20 "$S/deb.log")"
debs=$(ls "$S"/pkg/*.deb)
echo "ok: packages built in $(( $(date +%s) - t0 )) s:" $(cd "$S/pkg" && ls *.deb)

# a stand-in compiler package for the trigger: /usr/bin/gcc-99, the
# machine's gcc under another version's name
mkdir -p "$S/fake/DEBIAN" "$S/fake/usr/bin"
cp "$(readlink -f /usr/bin/gcc)" "$S/fake/usr/bin/gcc-99"
printf 'Package: ccpool-test-gcc\nVersion: 1\nArchitecture: all\nMaintainer: t_deb <t@example.invalid>\nDescription: t_deb test\n compiler for the trigger\n' \
    >"$S/fake/DEBIAN/control"
dpkg-deb -b "$S/fake" "$S/fake.deb" >/dev/null || fail "fake package"

# 2. the root: overlay of / in h1's mount namespace
R=$S/root
mkdir -p "$R/t" "$R/m"
h1() { lab_exec 1 "$@"; }
h1 sh -ec '
	mount -t tmpfs -o size=512m t-deb "$1/t"
	mkdir "$1/t/up" "$1/t/work"
	mount -t overlay -o "lowerdir=/,upperdir=$1/t/up,workdir=$1/t/work" \
	    t-deb "$1/m"
	for d in proc sys dev; do mount --rbind "/$d" "$1/m/$d"; done
	mount --make-rslave "$1/m/sys"
	mount --make-rslave "$1/m/dev"' sh "$R" || fail "overlay root"
UP=$R/t/up
M=$R/m
# inroot CMD...: CMD on h1 with the overlay as its root: pivot_root in a
# mount namespace of its own (a chroot would do for dpkg, but the kernel
# gives no user namespace, as the job sandbox and the agent's walls make,
# to a chrooted process)
PIVOT='cd "$1" && pivot_root . mnt && umount -l /mnt && cd / && shift &&
    exec env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin "$@"'
inroot() {
	h1 unshare -m --propagation private sh -ec "$PIVOT" sh "$M" "$@"
}

# 3. install
# shellcheck disable=SC2086
h1 cp $debs "$S/fake.deb" "$M/tmp/" || fail "copy debs"
inroot sh -c 'dpkg -i /tmp/*_0*.deb' >"$S/install.log" 2>&1 ||
    fail "dpkg -i: $(cat "$S/install.log")"
for p in ccpool ccpoold ccpool-tray libccpool0 libccpool-dev; do
	inroot dpkg-query -W -f='${Status}\n' "$p" | grep -q 'ok installed' ||
	    fail "$p not installed"
done
pw=$(inroot getent passwd ccpoold) || fail "no user ccpoold"
case $pw in
ccpoold:x:[0-9]*:[0-9]*::/nonexistent:/usr/sbin/nologin) ;;
*) fail "user ccpoold: $pw" ;;
esac
uid=$(echo "$pw" | cut -d: -f3)
[ "$uid" -lt 1000 ] || fail "ccpoold is no system user (uid $uid)"
echo "ok: installed; user $pw"
inroot test -L /etc/systemd/system/multi-user.target.wants/ccpoold.service ||
    fail "ccpoold.service not enabled"
inroot systemd-analyze verify /lib/systemd/system/ccpoold.service \
    /lib/systemd/system/ccpool.slice >"$S/verify.log" 2>&1 ||
    fail "systemd-analyze verify: $(cat "$S/verify.log")"
ex=$(inroot systemd-analyze security --offline=true \
    /lib/systemd/system/ccpoold.service 2>&1 |
    sed -n 's/.*Overall exposure level for ccpoold.service: \([0-9.]*\).*/\1/p')
[ -n "$ex" ] || fail "no exposure from systemd-analyze security"
awk -v e="$ex" 'BEGIN { exit !(e < 4.0) }' || fail "exposure $ex, not < 4.0"
echo "ok: the unit is enabled and verifies; exposure $ex"
for c in gcc cc; do
	[ "$(inroot readlink "/usr/lib/ccpool/$c")" = /usr/bin/ccpool ] ||
	    fail "no masquerade link for $c"
done
inroot dpkg -i /tmp/fake.deb >>"$S/install.log" 2>&1 || fail "fake compiler"
inroot test -L /usr/lib/ccpool/gcc-99 || fail "the trigger made no gcc-99 link"
inroot dpkg --purge ccpool-test-gcc >>"$S/install.log" 2>&1 || fail "purge fake"
! inroot test -e /usr/lib/ccpool/gcc-99 -o -L /usr/lib/ccpool/gcc-99 ||
    fail "gcc-99's link outlived its compiler"
echo "ok: /usr/lib/ccpool:" $(inroot ls /usr/lib/ccpool) "(gcc-99 came and went with its package)"

# 4. ccpoold from the unit's ExecStart, under what can be applied of it
h1 cat "$M/lib/systemd/system/ccpoold.service" >"$S/unit" || fail "no unit"
exe=$(sed -n 's/^ExecStart=//p' "$S/unit")
caps=$(sed -n 's/^CapabilityBoundingSet=//p' "$S/unit" | tr 'A-Z ' 'a-z\n' |
    sed -n 's/^cap_\(.*\)/+\1/p' | paste -sd,)
[ -n "$exe" ] && [ -n "$caps" ] || fail "no ExecStart or bounding set"
grep -q '^NoNewPrivileges=yes' "$S/unit" || fail "NoNewPrivileges"
# the unit's seccomp walls as unitwall's options: its deny list (groups
# expanded by systemd-analyze), ProtectKernelLogs' syslog, the allowed
# families and namespaces, and the yes/no ones
uopt() { sed -n "s/^$1=//p" "$S/unit"; }
walls=
for c in $(systemd-analyze syscall-filter $(uopt SystemCallFilter | tr -d '~') |
    sed -n 's/^    \([a-z0-9_]*\)$/\1/p') syslog; do walls="$walls -d $c"; done
for f in $(uopt RestrictAddressFamilies); do
	walls="$walls -f $(echo "${f#AF_}" | tr 'A-Z' 'a-z')"
done
for n in $(uopt RestrictNamespaces); do walls="$walls -n $n"; done
for o in MemoryDenyWriteExecute:m LockPersonality:p RestrictRealtime:r \
    RestrictSUIDSGID:s; do
	[ "$(uopt "${o%:*}")" = yes ] && walls="$walls -${o#*:}"
done
case $walls in *' -d '*' -f '*' -n '*' -m -p -r -s') ;;
*) fail "unit walls: $walls" ;; esac

h1 mount -t tmpfs -o mode=1777,size=64m t-deb-tmp "$M/tmp" ||
    fail "private /tmp"
h1 cp "$B/unitwall" "$M/tmp/unitwall" || fail "unitwall"
inroot mkdir -m 700 -p /var/lib/ccpoold
# the unit's file system walls, as mounts in ccpoold's namespace:
# ProtectSystem=strict (/ read-only, StateDirectory writable),
# PrivateTmp (the tmpfs above), ProtectHome=yes, PrivateDevices (a /dev
# of null, zero, full, random, urandom, tty), ProtectProc=invisible (a
# /proc with hidepid), ProtectKernelTunables (/proc/sys and /sys
# read-only, the cgroup file systems under /sys not)
WALLS='cd "$1" && pivot_root . mnt && umount -l /mnt && cd /
	mount --bind /var/lib/ccpoold /var/lib/ccpoold
	mount -o remount,bind,ro /
	for d in /home /root; do mount -t tmpfs -o ro,mode=0 t-deb "$d"; done
	mkdir /tmp/.dev && mount -t tmpfs -o mode=0755,nosuid t-deb /tmp/.dev
	for d in null zero full random urandom tty; do
		touch "/tmp/.dev/$d" && mount --bind "/dev/$d" "/tmp/.dev/$d"
	done
	mount --move /tmp/.dev /dev && rmdir /tmp/.dev
	mount -t proc -o hidepid=invisible,nosuid,nodev,noexec t-deb /proc
	mount --bind /proc/sys /proc/sys && mount -o remount,bind,ro /proc/sys
	mount -o remount,bind,ro /sys
	shift && exec env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin "$@"'
# (a sanitizer build's ccpoold without LeakSanitizer: it stops the world
# with ptrace, which the unit's @debug deny list refuses)
# shellcheck disable=SC2086
lab_spawn 1 ccpoold unshare -m -i --propagation private sh -ec "$WALLS" sh "$M" \
    STATE_DIRECTORY=/var/lib/ccpoold ASAN_OPTIONS=detect_leaks=0 \
    setpriv --no-new-privs \
    --bounding-set "-all,$caps" --inh-caps=-all sh -c 'umask 077; exec "$@"' \
    sh /tmp/unitwall $walls -- $exe >/dev/null || fail "ccpoold did not start"
echo "ok: ccpoold started: $exe; bounding set $caps, file system walls," \
    "seccomp: $(echo "$walls" | grep -o -- '-d' | wc -l) calls denied," \
    "$(echo "$walls" | sed 's/ -d [a-z0-9_]*//g')"
inroot sh -c 'printf "int twice(int x) { return 2 * x; }\n" >/tmp/t.c
    cd /tmp && gcc -O2 -c t.c -o local.o' || fail "local compile"
jobs=0
for n in $(seq 30); do
	jobs=$(inroot curl -sk --max-time 5 \
	    "https://$(lab_addr 1):3634/status" | jq -r '.counters.jobs_done')
	case $jobs in [0-9]*) [ "$jobs" -gt 0 ] && break ;; esac
	inroot env HOME=/tmp/home XDG_RUNTIME_DIR=/tmp/run CCPOOL_VERBOSE=1 \
	    CCPOOL_HOSTS="$(lab_addr 1)" CCPOOL_PLACE_LOCAL=0 \
	    PATH=/usr/lib/ccpool:/usr/bin:/bin sh -c 'mkdir -p -m 700 /tmp/run
	    cd /tmp && gcc -O2 -c t.c -o remote.o' >>"$S/compile.log" 2>&1 ||
	    fail "compile through ccpool: $(tail "$S/compile.log")"
	sleep 0.5
done
case $jobs in [1-9]*) ;; *) fail "ccpoold ran no job: $(tail "$S/compile.log"; tail "$S/h1/ccpoold.log")" ;; esac
inroot cmp -s /tmp/local.o /tmp/remote.o || fail "objects differ"
echo "ok: gcc through /usr/lib/ccpool ran on the packaged ccpoold ($jobs jobs), object identical"
lab_kill 1 ccpoold || fail "ccpoold did not stop"
h1 umount "$M/tmp"

# 5. purge
inroot dpkg --purge ccpool-tray libccpool-dev ccpool ccpoold libccpool0 \
    >"$S/purge.log" 2>&1 || fail "dpkg --purge: $(tail "$S/purge.log")"
for p in ccpool ccpoold ccpool-tray libccpool0 libccpool-dev; do
	! inroot dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
	    grep -q installed || fail "$p still installed"
done
# left in the upper layer: files and links that differ from the lower
# layer's (a whiteout is something removed, such as a /var/lib/ccpoold of
# this machine's), and directories the lower layer has not; but for
# dpkg's records, caches its triggers rebuild, the user's entries and
# run-time files (/run is a tmpfs at boot)
left=$(h1 sh -c 'cd "$1" && find . ! -type d | while IFS= read -r f; do
	[ -c "$f" ] && [ "$(stat -c %t:%T "$f")" = 0:0 ] && continue
	[ -f "$f" ] && cmp -s "$f" "/$f" && continue
	[ -L "$f" ] && [ "$(readlink "$f")" = "$(readlink "/$f")" ] && continue
	echo "$f"; done
	find . -type d | while IFS= read -r d; do [ -d "/$d" ] || echo "$d"; done' sh "$UP" |
    grep -Ev '^\./(var/lib/dpkg/|var/log/(dpkg|alternatives)\.log|var/cache/(debconf|ldconfig|man)/|etc/ld\.so\.cache|etc/(passwd|group|shadow|gshadow|subuid|subgid)-?$|etc/\.pwd\.lock|run/|tmp(/|$))' )
[ -z "$left" ] || fail "purge left: $left"
inroot getent passwd ccpoold >/dev/null && echo "note: user ccpoold kept (Debian's practice)"
echo "ok: purged, nothing left but dpkg's records"
echo "t_deb: $(( $(date +%s) - t0 )) s"
