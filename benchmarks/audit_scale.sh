#!/usr/bin/env bash
# Audit at scale: `subtext audit` at default settings on pairs from
# `subtext example --strength 0.01`, this build beside the last in-memory audit (subtext 0.2.0
# at commit e4fe1bc, built here from git), in one run.
#
#   bash benchmarks/audit_scale.sh [runs] [largest]
#
# At 10,000 and 40,000 responses a side both audits run, alternating, `runs` times at 10,000
# (default 3) and once at 40,000; at `largest` a side (default 1,000,000) only this build runs,
# since the in-memory audit would need about 15 KB a response. Prints wall time and peak
# memory of each run, medians, and the ratios. The baseline is built once, in a git worktree
# at .build-baseline (ignored by git; about 15 minutes on 2 cores), and reused.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
largest=${2:-1000000}
baseline_commit=e4fe1bc
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

bash scripts/setup.sh
swift build -c release --product subtext >/dev/null
current=.build/release/subtext
baseline=.build-baseline/.build/release/subtext
if [ ! -x "$baseline" ]; then
    echo "building the in-memory baseline ($baseline_commit) in .build-baseline ..." >&2
    git worktree add --force --detach .build-baseline "$baseline_commit" >/dev/null 2>&1
    (cd .build-baseline && swift build -c release --product subtext >/dev/null 2>&1)
fi

# Runs one audit and prints "seconds kilobytes".
measure() {
    local binary=$1 pair=$2
    /usr/bin/time -f "%e %M" -o "$work/time" "$binary" audit "$pair/teacher.jsonl" --control "$pair/control.jsonl" \
        --out "$work/report" --quiet >/dev/null
    cat "$work/time"
}
median() { sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

for responses in 10000 40000; do
    pair="$work/pair-$responses"
    "$current" example --out "$pair" --responses "$responses" --strength 0.01 --seed 3 >/dev/null
    count=$([ "$responses" -eq 10000 ] && echo "$runs" || echo 1)
    : >"$work/times-current"; : >"$work/times-baseline"
    for ((run = 1; run <= count; run++)); do
        read -r s k < <(measure "$current" "$pair"); echo "$s $k" >>"$work/times-current"
        echo "$responses a side, run $run: this build ${s}s, peak $((k / 1024)) MiB" >&2
        read -r s k < <(measure "$baseline" "$pair"); echo "$s $k" >>"$work/times-baseline"
        echo "$responses a side, run $run: in-memory ${s}s, peak $((k / 1024)) MiB" >&2
    done
    c=$(cut -d' ' -f1 "$work/times-current" | median); b=$(cut -d' ' -f1 "$work/times-baseline" | median)
    cm=$(cut -d' ' -f2 "$work/times-current" | median); bm=$(cut -d' ' -f2 "$work/times-baseline" | median)
    printf '%d a side: this build %.1fs, %d MiB; in-memory %.1fs, %d MiB; %.2fx the speed, %.2fx less memory\n' \
        "$responses" "$c" "$((${cm%.*} / 1024))" "$b" "$((${bm%.*} / 1024))" "$(echo "$b / $c" | bc -l)" \
        "$(echo "$bm / $cm" | bc -l)"
    rm -rf "$pair"
done

pair="$work/pair-$largest"
"$current" example --out "$pair" --responses "$largest" --strength 0.01 --seed 3 >/dev/null
bytes=$(( $(stat -c %s "$pair/teacher.jsonl") + $(stat -c %s "$pair/control.jsonl") ))
read -r s k < <(measure "$current" "$pair")
printf '%d a side (%d MB): this build %.1fs, peak %d MiB (%d cores)\n' "$largest" "$((bytes / 1000000))" "$s" \
    "$((k / 1024))" "$(nproc)"
