#!/usr/bin/env bash
# The window's figures for docs/performance.md: time to first frame, CPU with the round screen
# open and nothing happening, peak memory, and whether a hidden window is still connected after
# a long wait. Needs Xvfb, xdotool and bc (apt: xvfb xdotool bc mesa-vulkan-drivers libvulkan1).
#
#   cargo build --release && bash docs/measure/window.sh target/release/kantelspel 330
set -u
BIN=$(realpath "$1")
WAIT=${2:-330}
T=$(mktemp -d)
export XDG_RUNTIME_DIR=$T/xdg
mkdir -p -m700 "$XDG_RUNTIME_DIR"
cd "$(dirname "$0")/../.."
HZ=$(getconf CLK_TCK)
cpu() { awk '{print $14+$15}' "/proc/$1/stat"; }
share() { echo "($2-$1)/$HZ/$3*100" | bc -l | cut -c1-5; }

echo "== first frame (3 runs)"
for _ in 1 2 3; do
    KANTELSPEL_TIMING=1 xvfb-run -a -s "-screen 0 1366x768x24" "$BIN" --screenshot "$T/ff.png" --screen start 2>&1 |
        grep "first frame"
done

echo "== a player's window on the round screen, nothing happening"
mkfifo "$T/cmd"
(tail -f "$T/cmd" | "$BIN" serve --bind 127.0.0.1 --port 47480 --code KCM-4TX --no-announce \
    --bots raadslid,ambtenaar,wijkteamprofessional --journal "$T/j" >"$T/serve.log" 2>&1) &
sleep 2
Xvfb :77 -screen 0 1366x768x24 >/dev/null 2>&1 &
XPID=$!
sleep 1
DISPLAY=:77 "$BIN" --connect 127.0.0.1:47480 --code KCM-4TX --name Gert-Jan --role wethouder >"$T/window.log" 2>&1 &
WPID=$!
sleep 8
echo start >"$T/cmd"
sleep 6
c0=$(cpu $WPID)
sleep 60
c1=$(cpu $WPID)
echo "window CPU: $(share "$c0" "$c1" 60) % of one core over 60 s"
grep -E "VmHWM" "/proc/$WPID/status"

echo "== hidden for $WAIT s"
WID=$(DISPLAY=:77 xdotool search --name Kantelspel | head -1)
DISPLAY=:77 xdotool windowminimize "$WID" 2>/dev/null || DISPLAY=:77 xdotool windowunmap "$WID"
c0=$(cpu $WPID)
sleep "$WAIT"
c1=$(cpu $WPID)
echo "window CPU while hidden: $(share "$c0" "$c1" "$WAIT") %"
echo status >"$T/cmd"
sleep 2
grep "Gert-Jan" "$T/serve.log" | tail -1
kill "$WPID"
sleep 1
echo quit >"$T/cmd"
sleep 1
kill "$XPID"
pkill -f "tail -f $T/cmd"
rm -rf "$T"
