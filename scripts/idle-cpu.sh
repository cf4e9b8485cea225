#!/usr/bin/env bash
# How much an inbox left open costs while nothing happens: CPU time and bytes written to the terminal over
# a minute of idling, for leadbox running in a tmux pane on its embedded sandbox (its simulated colleagues
# stilled: nothing happens).
#
#   scripts/idle-cpu.sh [SECONDS] [external]   (default 60; needs tmux; builds the release binary)
#
# With `external`, the sandbox runs as its own process (`leadbox sandbox`) and the inbox reaches it with
# --api-url, as it reaches a real tenant: the figure is then the inbox's alone, without the embedded
# server answering its polls.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
mode="${2:-embedded}"
cargo build --release --quiet
bin="$PWD/target/release/leadbox"
work="$(mktemp -d)"
sandbox_pid=""
trap 'tmux kill-session -t leadbox-idle 2>/dev/null || true; [ -n "$sandbox_pid" ] && kill "$sandbox_pid"; rm -rf "$work"' EXIT
session=leadbox-idle
tmux kill-session -t "$session" 2>/dev/null || true
target=""
if [ "$mode" = external ]; then
  HOME="$work" "$bin" sandbox --port 0 --db "$work/sandbox.sqlite3" > "$work/sandbox.txt" 2>&1 &
  sandbox_pid=$!
  for _ in $(seq 1 200); do grep -q "sk_live_" "$work/sandbox.txt" && break; sleep 0.1; done
  url="$(grep -o 'http://127.0.0.1:[0-9]*/api/v1' "$work/sandbox.txt" | head -1)"
  key="$(grep -o 'sk_live_[a-z0-9]*' "$work/sandbox.txt" | head -1)"
  target="NOVALA_SECRET_KEY=$key $bin --api-url $url"
else
  target="$bin"
fi
tmux new-session -d -s "$session" -x 120 -y 40 \
  "exec env HOME=$work XDG_DATA_HOME=$work/data XDG_CONFIG_HOME=$work/config LEADBOX_DEMO_ACTIVITY=0 TERM=xterm-256color $target --log-file $work/leadbox.log"
tmux pipe-pane -t "$session" -o "cat >> $work/pane.bytes"
pid="$(tmux list-panes -t "$session" -F '#{pane_pid}')"
# Let the first page arrive and the screen settle.
for _ in $(seq 1 100); do
  grep -q "loaded" <(tmux capture-pane -p -t "$session") && break
  sleep 0.1
done
# Seeding a new sandbox and the pages fetched ahead take a few seconds after the first frame.
sleep 10
ticks="$(getconf CLK_TCK)"
cpu() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
# Nanoseconds on a CPU, summed over the threads alive: finer than the clock ticks above (10 ms, 0.017% of
# a minute), but blind to a thread that ends within the window.
cpu_ns() { cat /proc/"$pid"/task/*/schedstat 2>/dev/null | awk '{n += $1} END {print n}'; }
bytes() { stat -c %s "$work/pane.bytes" 2>/dev/null || echo 0; }
cpu0="$(cpu)"; ns0="$(cpu_ns)"; bytes0="$(bytes)"; t0="$(date +%s.%N)"
sleep "$seconds"
cpu1="$(cpu)"; ns1="$(cpu_ns)"; bytes1="$(bytes)"; t1="$(date +%s.%N)"
awk -v c0="$cpu0" -v c1="$cpu1" -v n0="$ns0" -v n1="$ns1" -v hz="$ticks" -v t0="$t0" -v t1="$t1" -v b0="$bytes0" -v b1="$bytes1" 'BEGIN {
  wall = t1 - t0; cpu = (c1 - c0) / hz; ns = (n1 - n0) / 1e9;
  printf "'"$mode"' sandbox, idle for %.1f s: %.3f s of CPU (%.3f%% of a core; by thread run time %.4f s, %.3f%%), %d bytes to the terminal (%.1f bytes/s)\n",
    wall, cpu, 100 * cpu / wall, ns, 100 * ns / wall, b1 - b0, (b1 - b0) / wall
}'
