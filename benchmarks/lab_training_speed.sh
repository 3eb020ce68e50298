#!/usr/bin/env bash
# Lab training speed: Subtext's TinyGPT (Swift on OpenBLAS) beside the same model in PyTorch
# on the CPU, in one run. Both take full training steps (zero grads, forward, backward, clip,
# AdamW) on the same batch shape with 2 threads; they alternate ROUNDS times, never together,
# and the table reports the median tokens/s of each and the ratio.
#
#   bash benchmarks/lab_training_speed.sh [ROUNDS]
#
# PyTorch installs offline from the machine's wheel cache into ~/.cache/subtext/torch-venv.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
venv="$HOME/.cache/subtext/torch-venv"
if ! "$venv/bin/python" -c "import torch" 2>/dev/null; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q --find-links /opt/wheels torch numpy
fi
bash scripts/setup.sh
swift build -c release --product subtext >/dev/null

# name, layers, width, heads, context, batch: the recipe's default model and batch, then two larger
sizes=("recipe 2 64 4 64 64" "medium 4 128 4 64 32" "large 6 256 8 64 32")
echo "| size | layers × width, heads, context | batch | parameters | Subtext tokens/s | PyTorch $("$venv/bin/python" -c 'import torch; print(torch.__version__)') tokens/s | ratio |"
echo "|---|---|---|---|---|---|---|"
for size in "${sizes[@]}"; do
    read -r name layers width heads context batch <<<"$size"
    args=(--layers "$layers" --width "$width" --heads "$heads" --context "$context" --batch "$batch" --steps 10)
    swift_runs=() torch_runs=()
    for _ in $(seq "$rounds"); do
        swift_runs+=("$(.build/release/subtext lab speed "${args[@]}" --threads 2)")
        torch_runs+=("$("$venv/bin/python" benchmarks/lab_training_torch.py "${args[@]}" --threads 2)")
    done
    python3 - "$name" "$layers" "$width" "$heads" "$context" "$batch" "${#swift_runs[@]}" "${swift_runs[@]}" "${torch_runs[@]}" <<'PY'
import json, statistics, sys
name, layers, width, heads, context, batch, n = sys.argv[1:8]
runs = [json.loads(r) for r in sys.argv[8:]]
n = int(n)
swift = statistics.median(r["tokensPerSecond"] for r in runs[:n])
torch = statistics.median(r["tokensPerSecond"] for r in runs[n:])
print(f"| {name} | {layers} × {width}, {heads} heads, {context} | {batch} | {runs[0]['parameters']:,} | "
      f"{swift:,.0f} | {torch:,.0f} | {swift / torch:.2f} |")
PY
done
