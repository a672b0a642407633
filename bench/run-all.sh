#!/usr/bin/env bash
# Every performance measurement of the "Stay instant at 100,000 rows" issue,
# release builds only, outputs kept under target/bench-out/:
#
#   1. benches/explorer.rs (cargo bench): load, App::new, typing, other actions,
#      drawing 200x60, memory, at 1k, 10k and 100k rows (1M with BIG=1);
#   2. bench/compare-fzf.sh: `permscope list --query Q` against `fzf --filter Q`;
#   3. bench/startup-tmux.sh: launch to first frame in tmux, bundled and 100k rows.
#
#   bench/run-all.sh                # about 15 minutes on 2 cores
#   BIG=1 RUNS=20 bench/run-all.sh  # adds 1,000,000 rows (several minutes more, ~3 GB of RAM)
set -euo pipefail

cd "$(dirname "$0")/.."
TARGET=${CARGO_TARGET_DIR:-target}
OUT=${OUT:-$TARGET/bench-out}
RUNS=${RUNS:-20}
mkdir -p "$OUT"
export OUT

echo "== benches/explorer.rs"
bench_args=(--runs "$RUNS")
if [ "${BIG:-0}" = 1 ]; then bench_args+=(--big); fi
cargo bench --bench explorer -- "${bench_args[@]}" | tee "$OUT/explorer.md"

echo "== bench/compare-fzf.sh"
RUNS=$RUNS bash bench/compare-fzf.sh | tee "$OUT/compare-fzf.txt"

echo "== bench/startup-tmux.sh"
RUNS=$RUNS ROWS=100000 bash bench/startup-tmux.sh | tee "$OUT/startup-tmux.md"

echo
echo "outputs in $OUT/"
