#!/bin/bash
# shots.sh - `make shots`: the README's pictures of ccpool-tray, taken from
# a real build.  A lab of 3 hosts (tests/lab/lab.sh): ccpoold on h1 and h2
# (configured as tests/lab/demo.sh does); on h3 Xvfb, a session D-Bus and
# ccpool-tray (its window, as in tests/lab/t_tray.sh: no tray host), while
# h3 builds ccpool's own sources (tests/lab/project.sh) with
# `make -j8 CC="ccpool gcc"`.  SHOTS_AT seconds (default 15) into the
# build it captures the X screen cropped to the window
# (doc/tray-monitor.png), then opens the window's menu and captures that
# (doc/tray-menu.png), and prints `ccpool top --once` into doc/top.txt.
# The build is then stopped and the lab torn down.  Needs root and the
# tools of `make deps`; a developer tool, not part of `make check`.
# Usage: CCPOOL_BUILD=build tools/shots.sh [OUTDIR]   (default doc/)
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/tests/lab/lab.sh"
. "$top/tests/lab/project.sh"
B=$(cd "${CCPOOL_BUILD:?}" && pwd)
OUT=${1:-$top/doc}
AT=${SHOTS_AT:-15}
S=
fail() {
	echo "shots: $*" >&2
	[ -n "$S" ] && tail -n 10 "$S"/h3/tray.log "$S"/h3/build.log \
	    "$S"/h3/xvfb.log 2>/dev/null >&2
	exit 1
}
# wait_line LOG REGEX TENTHS: until a line of LOG matches; 0, or 1 after
wait_line() {
	local n
	for ((n = 0; n < $3; n++)); do
		grep -Eq -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}
# x CMD...: CMD on h3's X display
x() { lab_exec 3 env DISPLAY="$D" "$@"; }

[ -x "$B/ccpool-tray" ] || fail "no $B/ccpool-tray (GTK 3 and friends missing)"
for t in Xvfb dbus-run-session xwininfo xdotool import convert; do
	command -v "$t" >/dev/null || fail "no $t (make deps)"
done
mkdir -p "$OUT" || exit 1
OUT=$(cd "$OUT" && pwd)
lab_up 3 || exit $?
S=$(lab_state_dir)

# the hosts share this machine's CPUs: ignore foreign load (demo.sh)
printf 'user = nobody\nload_tolerance = 102400\n' >"$S/ccpoold.conf"
for i in 1 2; do
	lab_spawn $i ccpoold "$B/ccpoold" -d -f "$S/ccpoold.conf" >/dev/null
done
lab_wait_ccpool 3 2 "$B/lsdistcc" || fail "h3 never saw both ccpoolds"

# the tray's window on h3, on the agent the build will start (same HOME,
# which lab_spawn sets, and XDG_RUNTIME_DIR)
RUN=$S/h3/run
mkdir -m 700 "$RUN" || exit 1
lab_spawn 3 xvfb Xvfb -displayfd 1 -nolisten tcp -screen 0 900x700x24 \
    >/dev/null
wait_line "$S/h3/xvfb.log" '^[0-9]+$' 100 || fail "Xvfb did not start"
D=:$(grep -Em1 '^[0-9]+$' "$S/h3/xvfb.log")
lab_spawn 3 tray env DISPLAY="$D" NO_AT_BRIDGE=1 XDG_RUNTIME_DIR="$RUN" \
    dbus-run-session -- "$B/ccpool-tray" --no-notify >/dev/null
wait_line "$S/h3/tray.log" 'showing the window' 50 ||
    fail "the tray did not open its window"

W=$S/work
proj_copy "$W"
lab_spawn 3 build env XDG_RUNTIME_DIR="$RUN" \
    make -C "$W" -j8 B=build-cluster CC="$B/ccpool gcc" all >/dev/null
echo "shots: building on h3; pictures in $AT s"
sleep "$AT"
lab__running 3 build || fail "the build ended before the pictures"

# the window's geometry (no window manager: where the tray put it)
geo=$(x xwininfo -root -tree | grep '"ccpool monitor' | head -1 |
    grep -Eo '[0-9]+x[0-9]+\+[0-9]+\+[0-9]+' | head -1)
[ -n "$geo" ] || fail "no monitor window on $D"
ww=${geo%%x*} r=${geo#*x}
wh=${r%%+*} r=${r#*+}
wx=${r%%+*} wy=${r#*+}

x import -window root "$S/root.png" || fail "import of the X root failed"
lab_exec 3 env XDG_RUNTIME_DIR="$RUN" "$B/ccpool-top" --once -w 1 \
    >"$S/top.txt" || fail "ccpool top --once failed"
# the menu behind the Menu button, bottom right of the window; it may
# reach past the window's right edge, so keep the screen's width
x xdotool mousemove $((wx + ww - 44)) $((wy + wh - 26)) click 1
sleep 1
x import -window root "$S/menu.png" || fail "import of the menu failed"
x xdotool key Escape
lab_kill 3 build TERM

convert "$S/root.png" -crop "$geo" +repage -strip "$OUT/tray-monitor.png" ||
    fail "convert failed"
convert "$S/menu.png" -crop "$((900 - wx))x${wh}+${wx}+${wy}" +repage \
    -strip "$OUT/tray-menu.png" || fail "convert failed"
cp "$S/top.txt" "$OUT/top.txt"
for f in tray-monitor.png tray-menu.png; do
	echo "shots: $OUT/$f $(identify -format '%wx%h, %b' "$OUT/$f")"
done
echo "shots: $OUT/top.txt"
