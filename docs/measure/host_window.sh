#!/bin/bash
# The hosting window's CPU while nothing happens: the demo session on a screen, four bots joined
# over loopback that never vote, 40 s under Xvfb on lavapipe. Prints the window's timing lines
# (frames drawn and rested, the process's CPU, the host's phase and countdown) every 5 s.
# With THINK_MS (facilitator only), the bot whose role decides votes after that long, and the
# script prints how long after the vote left the bot the facilitator's window began drawing it.
# usage: docs/measure/host_window.sh BINARY host|facilitator [THINK_MS]
set -u
bin=${1:?binary}; screen=${2:?host or facilitator}; think=${3:-600000}
export XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-/tmp/xdg}; mkdir -p -m700 "$XDG_RUNTIME_DIR"
log=$(mktemp)
KANTELSPEL_TIMING=1 timeout 40 xvfb-run -a -s "-screen 0 1366x768x24" "$bin" --demo --screen "$screen" > "$log" 2>&1 &
for _ in $(seq 1 100); do grep -q "hosting at" "$log" && break; sleep 0.2; done
line=$(grep "hosting at" "$log")
addr=$(echo "$line" | awk '{print $3}'); code=$(echo "$line" | awk '{print $6}')
i=0
for role in raadslid wethouder ambtenaar wijkteamprofessional; do
  i=$((i+1))
  KANTELSPEL_TIMING=1 timeout 36 "$bin" bot --connect "$addr" --code "$code" --role $role --name bot$i --think-ms "$think" 2>> "$log.votes" > /dev/null &
done
wait
grep -E "hosting|frames" "$log"
# Each vote, and the first frame after it that drew news from the host.
for v in $(grep -o "voted at [0-9]*" "$log.votes" 2>/dev/null | awk '{print $3}'); do
  shown=$(grep -o "news drawn at [0-9]*" "$log" | awk -v v="$v" '$4 >= v {print $4; exit}')
  [ -n "$shown" ] && echo "a vote at $v was being drawn $((shown - v)) ms later"
done
rm -f "$log" "$log.votes"
