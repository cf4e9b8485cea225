#!/usr/bin/env bash
# Time from launch to the first frame showing leads, without and with the first page kept from last time,
# against a sandbox (its own process) that answers every request 300 ms late. Each start runs in a tmux
# pane; the screen is read every 10 ms.
#
#   scripts/start-time.sh [RUNS]      (default 5 of each; needs tmux; builds the release binary)
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-5}"
cargo build --release --quiet
bin="$PWD/target/release/leadbox"
work="$(mktemp -d)"
sandbox_pid=""
trap 'tmux kill-session -t leadbox-start 2>/dev/null || true; [ -n "$sandbox_pid" ] && kill "$sandbox_pid"; rm -rf "$work"' EXIT
HOME="$work" "$bin" sandbox --port 0 --latency-ms 300 --db "$work/sandbox.sqlite3" > "$work/sandbox.txt" 2>&1 &
sandbox_pid=$!
for _ in $(seq 1 300); do grep -q "sk_live_" "$work/sandbox.txt" && break; sleep 0.1; done
url="$(grep -o 'http://127.0.0.1:[0-9]*/api/v1' "$work/sandbox.txt" | head -1)"
key="$(grep -o 'sk_live_[a-z0-9]*' "$work/sandbox.txt" | head -1)"

# Milliseconds from launch until the screen shows leads (live: "loaded", kept: "cached").
start_once() {
  local data="$1"
  local t0 t1
  t0="$(date +%s%N)"
  tmux new-session -d -s leadbox-start -x 120 -y 40 \
    "exec env HOME=$work XDG_DATA_HOME=$data NOVALA_SECRET_KEY=$key TERM=xterm-256color $bin --api-url $url --log-file $work/leadbox.log"
  for _ in $(seq 1 1000); do
    if tmux capture-pane -p -t leadbox-start 2>/dev/null | grep -qE "[0-9]+ loaded|cached ·"; then break; fi
    sleep 0.01
  done
  t1="$(date +%s%N)"
  # Let the live page arrive and be kept before quitting.
  sleep 1
  tmux send-keys -t leadbox-start q
  sleep 0.3
  tmux kill-session -t leadbox-start 2>/dev/null || true
  echo $(( (t1 - t0) / 1000000 ))
}

cold=(); warm=()
for i in $(seq 1 "$runs"); do
  cold+=("$(start_once "$work/cold-$i")")     # a new data directory: nothing kept
  start_once "$work/warm" > /dev/null          # keeps the first page
  warm+=("$(start_once "$work/warm")")         # draws the kept page at once
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
c="$(median "${cold[@]}")"; w="$(median "${warm[@]}")"
echo "launch to first frame with leads (median of $runs, sandbox answering 300 ms late): without the kept page ${c} ms, with it ${w} ms (ratio $(awk -v w="$w" -v c="$c" 'BEGIN {printf "%.2f", w / c}'))"
echo "  without: ${cold[*]}"
echo "  with:    ${warm[*]}"
