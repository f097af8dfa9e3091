#!/bin/sh
# check_units.sh - `make check`'s check of the systemd units: runs
# systemd-analyze verify over server/ccpool.slice and
# server/ccpoold.service as `make install` writes them, with @BINDIR@ set
# to the build directory (verify wants ExecStart to be executable).
# verify reads unit files only: no running systemd is needed, nothing is
# enabled or started.  SKIP when systemd-analyze is missing.
# First it runs tests/check_cli.sh (the programs' --help, --version and
# usage errors), which needs no systemd.
#
# Usage: tests/check_units.sh BUILD_DIR     (from the source tree's top)
set -u
b=${1:?usage: check_units.sh BUILD_DIR}
"$(dirname "$0")/check_cli.sh" "$b" || exit 1
if ! command -v systemd-analyze >/dev/null 2>&1; then
	echo "SKIP: systemd units (no systemd-analyze)"
	exit 0
fi
if [ ! -x "$b/ccpoold" ]; then
	echo "FAIL: systemd units: no $b/ccpoold (make all first)"
	exit 1
fi
d=$(mktemp -d /tmp/ccpool-units.XXXXXX) || exit 1
trap 'rm -rf "$d"' EXIT
trap 'exit 1' INT TERM
for u in server/ccpool.slice server/ccpoold.service; do
	sed "s|@BINDIR@|$b|g" "$u" >"$d/${u##*/}" || exit 1
done
if grep -n '@[A-Z_]*@' "$d"/*; then
	echo "FAIL: systemd units: a placeholder is left"
	exit 1
fi
# verify exits 0 on many mistakes (unknown keys, bad values) and only
# prints them: any line about our units is a failure.  Lines about other
# units of this machine are shown, not held against us.
out=$(systemd-analyze verify --man=no "$d/ccpool.slice" \
    "$d/ccpoold.service" 2>&1)
rc=$?
[ -z "$out" ] || printf '%s\n' "$out"
if [ $rc -ne 0 ] || printf '%s\n' "$out" | grep -q -e "$d" \
    -e 'ccpoold\.service' -e 'ccpool\.slice'; then
	echo "FAIL: systemd units (systemd-analyze verify)"
	exit 1
fi
echo "systemd units: ccpool.slice, ccpoold.service verified"
