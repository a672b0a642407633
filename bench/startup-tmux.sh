#!/usr/bin/env bash
# Time from launching `permscope` in a 200x60 tmux window to its first frame
# (the header's "N of M rows" appears in capture-pane), with the bundled data
# and optionally with a synthetic data folder. The same loop run on a command
# that prints "rows" at once gives the overhead of tmux and polling, which is
# subtracted.
#
#   bench/startup-tmux.sh                 # bundled data, 20 runs
#   ROWS=100000 bench/startup-tmux.sh     # also with 100,000 synthetic rows
#
# Needs tmux; skipped with a message when it is absent. Uses a private tmux
# server (-L) and kills only that server.
set -euo pipefail

RUNS=${RUNS:-20}
ROWS=${ROWS:-}
SEED=${SEED:-1}
cd "$(dirname "$0")/.."
TARGET=${CARGO_TARGET_DIR:-target}

if ! command -v tmux > /dev/null; then
    echo "SKIPPED: tmux is not installed (apt-get install -y tmux): cannot time startup to first frame" >&2
    exit 0
fi
cargo build --release --quiet --bin permscope --example synth
BIN=$(realpath "$TARGET/release/permscope")
SOCKET=permscope-bench-$$

# Milliseconds from new-session to "rows" on screen, one line per run.
time_runs() {
    local cmd=$1 i start end
    # This runs in a subshell (a pipeline): clean up its own server on any exit.
    trap 'tmux -L "$SOCKET" kill-server 2> /dev/null || true' EXIT
    for ((i = 0; i < RUNS; i++)); do
        # A fresh server per run: a new session never races the last one's exit.
        SOCKET=permscope-bench-$$-$RANDOM$i
        start=$(date +%s%N)
        tmux -L "$SOCKET" new-session -d -x 200 -y 60 -s bench "$cmd"
        until tmux -L "$SOCKET" capture-pane -p -t bench 2> /dev/null | grep -q "rows"; do
            if (($(date +%s%N) - start > 20000000000)); then
                echo "no first frame within 20 s: $cmd" >&2
                exit 1
            fi
        done
        end=$(date +%s%N)
        tmux -L "$SOCKET" kill-server 2> /dev/null || true
        echo $(((end - start) / 1000))
    done
}

# "median p95 max" in ms of microsecond samples on stdin.
summarise() {
    sort -n | awk '{ a[NR] = $1 } END {
        m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2
        p = a[int((NR - 1) * 0.95 + 0.5) + 1]
        printf "%.1f %.1f %.1f\n", m / 1000, p / 1000, a[NR] / 1000 }'
}

echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); load average $(cut -d' ' -f1-3 /proc/loadavg); tmux $(tmux -V | cut -d' ' -f2)"
read -r base_med base_p95 base_max < <(time_runs "printf 'rows\n'; sleep 30" | summarise)

report() {
    local label=$1 cmd=$2 med p95 max
    read -r med p95 max < <(time_runs "$cmd" | summarise)
    printf '| %s | %s ms | %s ms | %s ms | %s ms |\n' "$label" "$med" "$p95" "$max" \
        "$(awk -v a="$med" -v b="$base_med" 'BEGIN { printf "%.1f", a - b }')"
}

echo
echo "## Startup to first frame in tmux (200x60), $RUNS runs"
echo
echo "| what | median | p95 | max | median minus tmux overhead |"
echo "|---|---:|---:|---:|---:|"
echo "| tmux + polling overhead (a command that prints \"rows\" at once) | $base_med ms | $base_p95 ms | $base_max ms | - |"
report "permscope, bundled data" "$BIN"
if [ -n "$ROWS" ]; then
    DATA=$(realpath -m "$TARGET/permscope-synth/rows-$ROWS-seed-$SEED")
    "$TARGET/release/examples/synth" --rows "$ROWS" --seed "$SEED" --out "$DATA"
    report "permscope --data ($ROWS synthetic rows)" "$BIN --data $DATA"
fi
