#!/usr/bin/env bash
# Reading benchmark: Subtext's streaming reader against orjson + Counter, on the same file, in
# one run. Both count the numbers in every response; their outputs must be identical.
#
#   bash benchmarks/read_numbers.sh [responses-per-side] [runs]
#
# Prints each run's wall time, then medians in MB/s and the ratio. Runs alternate between the
# two programs so machine noise falls on both.
set -euo pipefail
cd "$(dirname "$0")/.."
source benchmarks/common.sh
responses=${1:-1000000}
runs=${2:-5}
example_file "$responses"
echo "file: $responses records, $((bytes / 1000000)) MB ($(nproc) cores; both programs use one)"

.build/release/subtext numbers "$file" --top 50 >"$work/swift.tsv"
python3 benchmarks/read_numbers_baseline.py "$file" 50 >"$work/python.tsv"
cmp -s "$work/swift.tsv" "$work/python.tsv" || { echo "outputs differ"; diff "$work/swift.tsv" "$work/python.tsv" | head; exit 1; }
echo "outputs identical (top 50 numbers and counts)"

subtext_run() { .build/release/subtext numbers "$file" --top 50; }
python_run() { python3 benchmarks/read_numbers_baseline.py "$file" 50; }
alternate "$runs" subtext subtext_run python python_run
ms=$MEDIAN_A; mp=$MEDIAN_B
awk -v b="$bytes" -v s="$ms" -v p="$mp" 'BEGIN {
    printf "median: subtext %.3fs = %.0f MB/s; orjson+Counter %.3fs = %.0f MB/s; subtext is %.1fx faster\n",
        s, b / s / 1e6, p, b / p / 1e6, p / s }'
