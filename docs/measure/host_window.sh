#!/bin/bash
# The hosting window's CPU while nothing happens: the demo session on a screen, four bots joined
# over loopback that never vote, 40 s under Xvfb on lavapipe. Prints the window's timing lines
# (frames drawn and rested, the process's CPU, the host's phase and countdown) every 5 s.
# usage: docs/measure/host_window.sh BINARY host|facilitator
set -u
bin=${1:?binary}; screen=${2:?host or facilitator}
export XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-/tmp/xdg}; mkdir -p -m700 "$XDG_RUNTIME_DIR"
log=$(mktemp)
KANTELSPEL_TIMING=1 timeout 40 xvfb-run -a -s "-screen 0 1366x768x24" "$bin" --demo --screen "$screen" > "$log" 2>&1 &
for _ in $(seq 1 100); do grep -q "hosting at" "$log" && break; sleep 0.2; done
line=$(grep "hosting at" "$log")
addr=$(echo "$line" | awk '{print $3}'); code=$(echo "$line" | awk '{print $6}')
i=0
for role in raadslid wethouder ambtenaar wijkteamprofessional; do
  i=$((i+1))
  timeout 36 "$bin" bot --connect "$addr" --code "$code" --role $role --name bot$i --think-ms 600000 > /dev/null 2>&1 &
done
wait
grep -E "hosting|frames" "$log"
rm -f "$log"
