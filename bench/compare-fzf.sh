#!/usr/bin/env bash
# permscope `list --query Q --format plain` against `fzf --filter Q` over the
# same rows as text lines (the lines `list --format plain` prints), side by side
# in one hyperfine run per query. Loading the data counts for permscope: it
# reads and validates the product files on every run, fzf reads a text file.
#
#   bench/compare-fzf.sh                          # 100,000 rows; mai, readwrit, mrw
#   ROWS=10000 RUNS=10 QUERIES="mai mail" bench/compare-fzf.sh
#
# Needs fzf and hyperfine (apt-get install -y fzf hyperfine); without fzf the
# comparison is skipped, without hyperfine a plain timing loop is used.
set -euo pipefail

ROWS=${ROWS:-100000}
SEED=${SEED:-1}
RUNS=${RUNS:-20}
WARMUP=${WARMUP:-3}
QUERIES=${QUERIES:-"mai readwrit mrw"}

cd "$(dirname "$0")/.."
TARGET=${CARGO_TARGET_DIR:-target}
OUT=${OUT:-$TARGET/bench-out}
DATA=${DATA:-$TARGET/permscope-synth/rows-$ROWS-seed-$SEED}
mkdir -p "$OUT"

cargo build --release --quiet --bin permscope --example synth
BIN=$TARGET/release/permscope
"$TARGET/release/examples/synth" --rows "$ROWS" --seed "$SEED" --out "$DATA"

LINES=$OUT/lines-$ROWS.txt
"$BIN" --data "$DATA" list --format plain > "$LINES"
echo "rows as text lines: $(wc -l < "$LINES") in $LINES ($(du -h "$LINES" | cut -f1))"
echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(free -g | awk '/Mem:/ {print $2}') GB; load average $(cut -d' ' -f1-3 /proc/loadavg)"

HAVE_FZF=1
if ! command -v fzf > /dev/null; then
    HAVE_FZF=0
    echo "SKIPPED: fzf is not installed (apt-get install -y fzf): timing permscope alone" >&2
else
    echo "fzf $(fzf --version | cut -d' ' -f1)"
fi
HAVE_HYPERFINE=1
if ! command -v hyperfine > /dev/null; then
    HAVE_HYPERFINE=0
    echo "SKIPPED: hyperfine is not installed (apt-get install -y hyperfine): using a plain timing loop" >&2
fi

# Median wall time in ms of a shell command over $RUNS runs, without hyperfine.
median_ms() {
    local cmd=$1 i start end
    for ((i = 0; i < WARMUP; i++)); do bash -c "$cmd" > /dev/null; done
    for ((i = 0; i < RUNS; i++)); do
        start=$(date +%s%N)
        bash -c "$cmd" > /dev/null
        end=$(date +%s%N)
        echo $(((end - start) / 1000))
    done | sort -n | awk '{ a[NR] = $1 } END { m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2; printf "%.1f\n", m / 1000 }'
}

# "permscope_ms fzf_ms" (ms, "-" when absent) from a hyperfine JSON export.
medians() {
    if command -v jq > /dev/null; then
        jq -r '[.results[].median * 1000 | . * 10 | round / 10 | tostring] + ["-"] | .[0:2] | join(" ")' "$1"
    else
        python3 -c "import json,sys; r=['%.1f' % (x['median']*1000) for x in json.load(open(sys.argv[1]))['results']]+['-']; print(*r[:2])" "$1"
    fi
}

SUMMARY=$OUT/compare-fzf-$ROWS.md
{
    echo "| query | permscope matches | fzf matches | permscope median | fzf median | permscope / fzf |"
    echo "|---|---:|---:|---:|---:|---:|"
} > "$SUMMARY"

for q in $QUERIES; do
    ps_cmd="$BIN --data $DATA list --query $q --format plain"
    fzf_cmd="fzf --filter $q < $LINES"
    ps_n=$($ps_cmd | wc -l)
    fzf_n=-
    if [ $HAVE_FZF = 1 ]; then fzf_n=$(bash -c "$fzf_cmd" | wc -l); fi
    echo
    echo "== query '$q': permscope matches $ps_n rows, fzf matches $fzf_n lines"
    if [ $HAVE_HYPERFINE = 1 ]; then
        args=(--warmup "$WARMUP" --runs "$RUNS" --export-json "$OUT/fzf-$ROWS-$q.json" -n "permscope $q" "$ps_cmd")
        if [ $HAVE_FZF = 1 ]; then args+=(-n "fzf $q" "$fzf_cmd"); fi
        hyperfine "${args[@]}"
        read -r ps_ms fzf_ms < <(medians "$OUT/fzf-$ROWS-$q.json")
    else
        ps_ms=$(median_ms "$ps_cmd")
        fzf_ms=-
        if [ $HAVE_FZF = 1 ]; then fzf_ms=$(median_ms "$fzf_cmd"); fi
        echo "permscope median ${ps_ms} ms, fzf median ${fzf_ms} ms"
    fi
    ratio=-
    if [ "$fzf_ms" != - ] && [ -n "$fzf_ms" ]; then ratio=$(awk -v a="$ps_ms" -v b="$fzf_ms" 'BEGIN { printf "%.2fx", a / b }'); fi
    echo "| \`$q\` | $ps_n | $fzf_n | $ps_ms ms | $fzf_ms ms | $ratio |" >> "$SUMMARY"
done

echo
echo "## permscope list vs fzf --filter, $ROWS synthetic rows (+ bundled), median of $RUNS runs"
echo
cat "$SUMMARY"
