#!/bin/bash
# t_tray.sh - ccpool-tray on a 3-host lab: ccpoold on h1 and h2, the tray
# on h3 under Xvfb with a session D-Bus of its own (dbus-run-session), all
# inside h3's namespaces.
#   1. --dump --json (no display) lists both servers with their pages;
#   2. with no StatusNotifierWatcher on the bus the tray says so on
#      stderr and opens its window instead, whose title says so too;
#   3. the window is on the X screen: a real screenshot of the Xvfb root
#      (ImageMagick import) is not blank (many colours);
#   4. --screenshot draws the monitor window into a PNG, not blank;
#   5. a departure (ccpoold on h2 stopped) makes a desktop notification,
#      received by the lab's notification server (build/notifyd) on the
#      tray's session bus.
# Without the tray (no GTK at build time) or the X tools: SKIP (77).
# The PNGs are kept in LAB_LOGDIR (build/lab-logs/t_tray.d/).
set -u
. "$(dirname "$0")/lab.sh"
B=${CCPOOL_BUILD:?}
S=
fail() {
	echo "FAIL: $*"
	[ -n "$S" ] && tail -n 20 "$S"/h3/tray*.log "$S"/h3/xvfb.log \
	    "$S"/h[12]/ccpoold.log 2>/dev/null
	exit 1
}
skip() { echo "lab: SKIP: $*"; exit 77; }
now_ms() { echo $(($(date +%s%N) / 1000000)); }
# wait_line LOG REGEX MS: until a line of LOG matches; 0, or 1 after MS
wait_line() {
	local end=$(($(now_ms) + $3))
	while [ "$(now_ms)" -le "$end" ]; do
		grep -Eq -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}
# colours PNG: how many distinct colours the image has
colours() { identify -format '%k' "$1" 2>/dev/null || echo 0; }

[ -x "$B/ccpool-tray" ] ||
    skip "no $B/ccpool-tray (GTK 3, ayatana-appindicator3 or libnotify missing)"
for t in Xvfb dbus-run-session dbus-monitor import identify xwininfo; do
	command -v "$t" >/dev/null || skip "no $t (make deps)"
done
# sanitizer builds: the desktop libraries' lifelong allocations are not
# ours to report (tests/lab/lsan-gui.supp)
export LSAN_OPTIONS="suppressions=$(cd "$(dirname "$0")" && pwd)/lsan-gui.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
lab_up 3 || exit $?
S=$(lab_state_dir)
keep=${LAB_LOGDIR:-$S}
mkdir -p "$keep"

printf 'workdir = %s/work\nuser = nobody\n' "$S" >"$S/ccpoold.conf"
lab_spawn 1 ccpoold "$B/ccpoold" -d -f "$S/ccpoold.conf" >/dev/null
lab_spawn 2 ccpoold "$B/ccpoold" -d -f "$S/ccpoold.conf" >/dev/null
lab_wait_ccpool 3 2 "$B/lsdistcc" || fail "h3 never saw both ccpoolds"

# 1. the model, without any display
out=$(lab_exec 3 env -u DISPLAY "$B/ccpool-tray" --dump --json -t 4) ||
    fail "--dump failed: $out"
for h in h1 h2; do
	jq -e --arg n "$h" '.hosts[] | select(.name == $n) |
	    .kind == "ccpool" and .status.slots >= 1' <<<"$out" >/dev/null ||
	    fail "--dump: no $h with its status page: $out"
done
jq -e '(.state | test("^(idle|working|warning)$")) and
    (.label | test("^2 hosts"))' <<<"$out" >/dev/null ||
    fail "--dump: state or label: $out"
echo "ok: --dump shows both hosts: $(jq -r .label <<<"$out")," \
    "state $(jq -r .state <<<"$out")"
lab_exec 3 env -u DISPLAY "$B/ccpool-tray" --dump -t 3 |
    grep -q '^host h1 kind ccpool' || fail "--dump (text): no h1"

# 2. the tray under Xvfb and a session bus, with no StatusNotifierWatcher
lab_spawn 3 xvfb Xvfb -displayfd 1 -nolisten tcp -screen 0 900x700x24 \
    >/dev/null
wait_line "$S/h3/xvfb.log" '^[0-9]+$' 10000 || fail "Xvfb did not start"
D=:$(grep -Em1 '^[0-9]+$' "$S/h3/xvfb.log")
nd=$B/notifyd
[ -x "$nd" ] || nd=true
lab_spawn 3 tray env DISPLAY="$D" NO_AT_BRIDGE=1 dbus-run-session -- sh -c \
    '"$1" >"$0" 2>&1 & exec "$2"' "$S/h3/notes.log" "$nd" \
    "$B/ccpool-tray" >/dev/null
wait_line "$S/h3/tray.log" 'no StatusNotifier host.*showing the window' \
    5000 || fail "the tray did not say it fell back to the window"
title=
for n in $(seq 50); do
	title=$(lab_exec 3 env DISPLAY="$D" xwininfo -root -tree 2>/dev/null |
	    grep -o '"ccpool monitor[^"]*"' | head -1)
	[ -n "$title" ] && break
	sleep 0.1
done
[ -n "$title" ] || fail "no monitor window on $D"
grep -q 'no StatusNotifier host' <<<"$title" ||
    fail "the window's title does not say why: $title"
echo "ok: no StatusNotifierWatcher: said on stderr, window $title"

# 3. a real screenshot of the X screen, once both hosts are drawn
sleep 4
lab_exec 3 env DISPLAY="$D" import -window root "$keep/root.png" ||
    fail "import of the X root failed"
k=$(colours "$keep/root.png")
[ "$k" -ge 16 ] || fail "the X screenshot is blank ($k colours)"
echo "ok: X screenshot $keep/root.png, $k colours"

# 3b. the menu behind the window's Menu button (bottom right; no window
# manager, so the window is at 0,0), on screen: a picture for the README
if command -v xdotool >/dev/null; then
	lab_exec 3 env DISPLAY="$D" xdotool mousemove 676 534 click 1
	sleep 1
	lab_exec 3 env DISPLAY="$D" import -window root "$keep/menu.png" &&
	    echo "ok: the menu on screen: $keep/menu.png"
	lab_exec 3 env DISPLAY="$D" xdotool key Escape
fi

# 4. --screenshot: the window drawn into a PNG by the tray itself
lab_exec 3 env DISPLAY="$D" NO_AT_BRIDGE=1 dbus-run-session -- \
    "$B/ccpool-tray" --no-notify --screenshot "$keep/monitor.png" -t 4 \
    >"$S/h3/tray-shot.log" 2>&1 || fail "--screenshot failed"
k=$(colours "$keep/monitor.png")
[ "$k" -ge 16 ] || fail "the window's PNG is blank ($k colours)"
echo "ok: --screenshot $keep/monitor.png" \
    "$(identify -format '%wx%h' "$keep/monitor.png"), $k colours"

# 5. a departure is a notification
lab_kill 2 ccpoold TERM || fail "h2: ccpoold did not stop"
if [ "$nd" = true ]; then
	echo "note: no $B/notifyd (make $B/notifyd): notifications not tested"
else
	wait_line "$S/h3/notes.log" '^notify h2 left' 8000 ||
	    fail "no notification of h2's departure"
	echo "ok: h2's departure notified: $(grep -m1 '^notify h2' \
	    "$S/h3/notes.log")"
fi
lab_kill 3 tray TERM
grep -Eq 'AddressSanitizer|runtime error|Segmentation|CRITICAL' \
    "$S"/h3/tray*.log && fail "the tray crashed or complained"
echo "PASS: t_tray"
