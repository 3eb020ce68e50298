#!/usr/bin/env bash
# Student training speed: Subtext's Llama trainer (Swift on OpenBLAS) beside the same model in
# PyTorch on the CPU, in one run. Both take full training steps (zero grads, forward, backward,
# clip, AdamW) of SmolLM2-135M's shape on the same batch (8 sequences of 64 random tokens, the
# loss on the second half of each) with 2 threads: LoRA rank 16 on every projection, then a full
# fine-tune. They alternate ROUNDS times, never together; the table gives the median tokens/s of
# each and the ratio.
#
#   bash benchmarks/student_training_speed.sh [ROUNDS]
#
# PyTorch installs into ~/.cache/subtext/torch-venv (from the machine's wheel cache or PyPI).
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
subtext=.build/release/subtext

echo "Subtext's kernels: $("$subtext" student speed --layers 1 --vocabulary 64 --steps 1 >/dev/null; python3 - <<'PY'
import ctypes
blas = ctypes.CDLL("libopenblas.so.0"); blas.openblas_get_corename.restype = ctypes.c_char_p
print("OpenBLAS default core " + blas.openblas_get_corename().decode() + " (subtext asks for a faster one where the CPU has it: BLAS.fasterCoreType)")
PY
)"
echo
echo "| step | trained values | Subtext tokens/s | PyTorch $("$venv/bin/python" -c 'import torch; print(torch.__version__)') tokens/s | ratio |"
echo "|---|---|---|---|---|"
for rank in 16 0; do
    args=(--batch 8 --time 64 --lora-rank "$rank" --steps 3 --threads 2)
    swift_runs=() torch_runs=()
    for _ in $(seq "$rounds"); do
        swift_runs+=("$("$subtext" student speed "${args[@]}")")
        torch_runs+=("$("$venv/bin/python" benchmarks/student_training_torch.py "${args[@]}")")
    done
    python3 - "$rank" "${#swift_runs[@]}" "${swift_runs[@]}" "${torch_runs[@]}" <<'PY'
import json, statistics, sys
rank, n = int(sys.argv[1]), int(sys.argv[2])
runs = [json.loads(r) for r in sys.argv[3:]]
swift = statistics.median(r["tokens_per_second"] for r in runs[:n])
torch = statistics.median(r["tokens_per_second"] for r in runs[n:])
name = f"LoRA rank {rank}" if rank else "full fine-tune"
print(f"| {name} | {runs[0]['trained_values']:,} | {swift:,.0f} | {torch:,.0f} | {swift / torch:.2f} |")
PY
done
