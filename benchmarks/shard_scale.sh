#!/usr/bin/env bash
# A sharded audit projected to 100 GB: one shard's throughput in each pass on this machine,
# beside Python parsing the same JSONL with orjson (the floor for any Python auditor), merge
# time against the number of partials, and the projected wall time of 100 GB on 100 nodes.
#
#   bash benchmarks/shard_scale.sh [responses-per-side] [largest-partial-count]
#
# Merging is simulated: one real shard's partials, cloned as shards 0..K-1 of K (each clone
# reads as a shard of the same inputs), so the merge does the work of K real partials. The
# projection assumes every node of 100 is this machine, runs one shard per core, and reads at
# the measured rate; it leaves out queueing and storage limits. Prints a markdown table.
set -euo pipefail
cd "$(dirname "$0")/.."
responses=${1:-1000000}
largest=${2:-10000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
bash scripts/setup.sh
swift build -c release --product subtext >/dev/null
subtext=$PWD/.build/release/subtext
"$subtext" example --out "$work/pair" --responses "$responses" --strength 0.01 --seed 3 >/dev/null
bytes=$(( $(stat -c %s "$work/pair/teacher.jsonl") + $(stat -c %s "$work/pair/control.jsonl") ))
cores=$(nproc)

seconds() { local start end; start=$(date +%s.%N); "$@" >/dev/null; end=$(date +%s.%N); echo "$end - $start" | bc -l; }
rate() { echo "$bytes / $1 / 1000000" | bc -l; }

declare -A pass_seconds merge_seconds
for pass in count fit score; do
    pass_seconds[$pass]=$(seconds "$subtext" audit "$work/pair/teacher.jsonl" --control "$work/pair/control.jsonl" \
        --shard 0/1 --pass "$pass" --out "$work/parts" --quiet)
done
python_seconds=$(seconds python3 -c '
import sys, orjson
for path in sys.argv[1:]:
    with open(path, "rb") as f:
        for line in f:
            orjson.loads(line)
' "$work/pair/teacher.jsonl" "$work/pair/control.jsonl")

echo "| step | seconds | MB/s a process |"
echo "|---|---:|---:|"
for pass in count fit score; do
    printf '| %s pass, one shard of %d MB | %.1f | %.0f |\n' "$pass" "$((bytes / 1000000))" "${pass_seconds[$pass]}" \
        "$(rate "${pass_seconds[$pass]}")"
done
printf '| Python: orjson parsing the same files, nothing else | %.1f | %.0f |\n' "$python_seconds" "$(rate "$python_seconds")"

echo
echo "| partials merged | seconds | peak MiB |"
echo "|---:|---:|---:|"
for count in 10 100 1000 10000; do
    ((count <= largest)) || break
    rm -rf "$work/clones"
    python3 - "$work/parts" "$work/clones" "$count" <<'PY'
import hashlib, json, os, sys
source, target, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
os.makedirs(target)
for name in ("count", "fit", "score"):
    # A partial is a JSON header line (the payload's length and SHA-256), then the payload.
    header, payload = open(os.path.join(source, f"{name}-0000-of-0001.partial"), "rb").read().split(b"\n", 1)
    header = json.loads(header)
    head, tail = payload.split(b'"shard":{', 1)
    rest = tail.split(b"}", 1)[1]
    for index in range(count):
        clone = head + b'"shard":{"count":%d,"index":%d}' % (count, index) + rest
        header.update(payload_bytes=len(clone), payload_sha256=hashlib.sha256(clone).hexdigest())
        with open(os.path.join(target, f"{name}-{index:04d}-of-{count:04d}.partial"), "wb") as f:
            f.write(json.dumps(header, separators=(",", ":"), sort_keys=True).encode() + b"\n" + clone)
PY
    /usr/bin/time -f "%e %M" -o "$work/time" "$subtext" merge "$work/clones" --out "$work/merged" --quiet >/dev/null
    read -r s k <"$work/time"
    printf '| %d | %.1f | %d |\n' "$count" "$s" "$((k / 1024))"
    merge_seconds[$count]=$s
done

# 100 GB on 100 nodes of this machine: each node reads 1 GB, one shard per core.
shards=$((100 * cores))
per_shard=$(echo "100000000000 / $shards" | bc -l)
total=0
echo
echo "| 100 GB on 100 nodes ($shards shards of $(printf '%.0f' "$(echo "$per_shard / 1000000" | bc -l)") MB) | seconds |"
echo "|---|---:|"
for pass in count fit score; do
    t=$(echo "$per_shard / ($bytes / ${pass_seconds[$pass]})" | bc -l)
    total=$(echo "$total + $t" | bc -l)
    printf '| %s pass | %.0f |\n' "$pass" "$t"
done
merge=${merge_seconds[1000]:-0}
printf '| merge of %d partials (measured with 1,000) | %.0f |\n' "$shards" "$merge"
printf '| **total, before queueing** | **%.0f** (%.1f min) |\n' "$(echo "$total + $merge" | bc -l)" \
    "$(echo "($total + $merge) / 60" | bc -l)"
