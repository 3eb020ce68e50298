#!/usr/bin/env bash
# Audit speed: `subtext audit` at default settings on a generated pair of N versus N responses.
#
#   bash benchmarks/audit_speed.sh [responses-per-side] [runs]
#
# Prints each run's wall time and peak memory, then the median.
set -euo pipefail
cd "$(dirname "$0")/.."
responses=${1:-10000}
runs=${2:-3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
swift build -c release --product subtext >/dev/null
.build/release/subtext example --out "$work/pair" --responses "$responses" --seed 3 >/dev/null
times=()
for ((run = 1; run <= runs; run++)); do
    /usr/bin/time -f "%e %M" -o "$work/time" .build/release/subtext audit "$work/pair/teacher.jsonl" \
        --control "$work/pair/control.jsonl" --out "$work/report" --quiet >/dev/null
    read -r seconds kilobytes <"$work/time"
    times+=("$seconds")
    echo "run $run: ${seconds}s, peak memory $((kilobytes / 1024)) MiB"
done
printf '%s\n' "${times[@]}" | sort -g | awk -v n="$responses" '{a[NR]=$1} END {
    printf "median: %.1fs for %d versus %d responses (%d cores)\n", (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2, n, n, '"$(nproc)"' }'
