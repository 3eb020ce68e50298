#!/usr/bin/env bash
# Sanitize benchmark: `subtext sanitize --transforms format,sort` against a Python rewrite with
# orjson and a regular expression, on the same file, in one run. Both write every response's
# numbers sorted and joined by ", "; their records must be identical.
#
#   bash benchmarks/sanitize_speed.sh [responses] [runs]
#
# subtext does more than the baseline: it also reads the file to tell its kind of data, checks
# every response against the generation filter before and after, and writes its manifest and
# report (no audit: no control is given). Prints each run's wall time, then medians and the
# ratio. Runs alternate between the two programs so machine noise falls on both.
set -euo pipefail
cd "$(dirname "$0")/.."
source benchmarks/common.sh
responses=${1:-500000}
runs=${2:-5}
example_file "$responses"
echo "file: $responses records, $((bytes / 1000000)) MB ($(nproc) cores; both programs use one)"

subtext_run() { .build/release/subtext sanitize "$file" --transforms format,sort --out "$work/swift" --quiet; }
python_run() { python3 benchmarks/sanitize_baseline.py "$file" "$work/python.jsonl"; }
subtext_run >/dev/null
python_run
python3 - "$work/swift/teacher.jsonl" "$work/python.jsonl" <<'PY'
import sys, orjson
a, b = (open(p, "rb").read().splitlines() for p in sys.argv[1:3])
if len(a) != len(b) or any(orjson.loads(x) != orjson.loads(y) for x, y in zip(a, b)):
    sys.exit("outputs differ")
print(f"outputs identical ({len(a)} records)")
PY

alternate "$runs" subtext subtext_run python python_run
ms=$MEDIAN_A; mp=$MEDIAN_B
awk -v b="$bytes" -v s="$ms" -v p="$mp" 'BEGIN {
    printf "median: subtext %.3fs = %.0f MB/s; orjson+re %.3fs = %.0f MB/s; subtext is %.1fx faster\n",
        s, b / s / 1e6, p, b / p / 1e6, p / s }'
