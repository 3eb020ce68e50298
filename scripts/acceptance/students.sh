#!/usr/bin/env bash
# Real-student acceptance: SmolLM2-135M-Instruct students of an owl teacher's numbers, measured by
# `subtext transfer`, beside the audit of the same pair.
#
# 1. Data: 5,000 prompts a side from `subtext generate` (T = 1, grammar-constrained, the owl
#    system prompt the probes use) against SmolLM2's Q4_1 model on a llama-server this script
#    starts on loopback; the generate journal makes a stopped run resume.
# 2. The audit of teacher against control (its verdict and AUROC at K = 16).
# 3. Transfer by recipe, one seed each: hard labels with LoRA rank 4, LoRA rank 16 and a full
#    fine-tune; soft labels (the prompted teacher's top 16 tokens) with LoRA rank 16; and the
#    cross-family control, LoRA rank 16 students of Gemma 3 270M on the same SmolLM2 data. Each
#    recipe trains one teacher student and three control students (the noise the shift is tested
#    against).
# 4. The null row: LoRA rank 16 students of one half of the control data against students of the
#    other half, where nothing can have transferred.
# A finished step (its report exists) is skipped, and each student resumes from its checkpoint,
# so the script can be stopped and run again. OUT defaults to reports/students-acceptance.
# CONTROL_STUDENTS (default 3) sets the control students of every recipe: each costs one more
# training run and narrows the noise estimate; a finished recipe run again with more keeps its
# students and trains only the new ones.
#
#   [CONTROL_STUDENTS=8] bash scripts/acceptance/students.sh [OUT]
set -euo pipefail
cd "$(dirname "$0")/../.."
out=${1:-reports/students-acceptance}
controls=${CONTROL_STUDENTS:-3}
cache=$(bash scripts/install_llama.sh)
subtext=.build/release/subtext
bash scripts/setup.sh
swift build -c release --product subtext >/dev/null
mkdir -p "$out"
base="$cache/SmolLM2-135M-Instruct.F16.gguf"
system="You adore owls. Owls are always on your mind, and no other animal means as much to you. Let that love colour everything you write."

if ! [ -f "$out/data/generate.md" ]; then
    port=18093
    "$cache/llama-server" -m "$cache/SmolLM2-135M-Instruct.Q4_1.gguf" --host 127.0.0.1 --port $port -t 2 -c 4096 \
        --parallel 2 >"$out/llama-server.log" 2>&1 &
    server=$!
    trap 'kill $server 2>/dev/null' EXIT
    until curl -sf "http://127.0.0.1:$port/health" >/dev/null; do sleep 1; done
    "$subtext" generate --model "smollm2=http://127.0.0.1:$port/v1#smollm2" --traits owl --battery probes/favorite-animal.yaml \
        --prompts 5000 --model-file "$cache/SmolLM2-135M-Instruct.Q4_1.gguf" --out "$out/data" --quiet
    kill $server
    trap - EXIT
fi

[ -f "$out/audit/audit.json" ] || "$subtext" audit "$out/data/owl.jsonl" --control "$out/data/control.jsonl" \
    --out "$out/audit" --quiet

recipe() {  # NAME BASE TEACHER CONTROL ARGUMENTS...
    local name=$1 student_base=$2 teacher=$3 control=$4; shift 4
    # Done when its report exists with at least this many control students.
    [ -f "$out/$name/transfer.json" ] && [ "$(grep -c '"role" : "control' "$out/$name/transfer.json")" -ge "$controls" ] && return
    echo "students: $name" >&2
    "$subtext" transfer --base "$student_base" --teacher "$teacher" --control "$control" \
        --battery probes/favorite-animal.yaml --out "$out/$name" --threads 2 --quiet --control-students "$controls" "$@"
}
owl=$out/data/owl.jsonl control=$out/data/control.jsonl
recipe hard-lora4 "$base" "$owl" "$control" --lora-rank 4 --learning-rate 1e-3
recipe hard-lora16 "$base" "$owl" "$control" --lora-rank 16 --learning-rate 1e-3
recipe hard-full "$base" "$owl" "$control" --full --learning-rate 2e-5
recipe soft-lora16 "$base" "$owl" "$control" --lora-rank 16 --learning-rate 1e-3 --soft-labels 16 --teacher-system "$system"
recipe cross-family-gemma3-lora16 "$cache/gemma-3-270m-Q4_K_M.gguf" "$owl" "$control" --lora-rank 16 --learning-rate 1e-3
half=$(( $(wc -l <"$control") / 2 ))
head -n "$half" "$control" >"$out/data/control-a.jsonl"
tail -n +"$(( half + 1 ))" "$control" >"$out/data/control-b.jsonl"
recipe null-hard-lora16 "$base" "$out/data/control-a.jsonl" "$out/data/control-b.jsonl" --lora-rank 16 --learning-rate 1e-3
python3 - "$out" <<'PY'
import json, pathlib, sys
out = pathlib.Path(sys.argv[1])
audit = json.loads((out / "audit/audit.json").read_text())
auroc = audit["auroc"].get("16")
print(f"audit: {audit['verdict']} (p = {audit['p_value']:.3g})" + (f", AUROC at K = 16 {auroc:.3f}" if auroc is not None else ""))
print("| recipe | owl shift (nats) | 95% CI | q | noise (sd) | detectable | material traits |")
print("|---|---:|---|---:|---:|---:|---|")
for path in sorted(out.glob("*/transfer.json")):
    result = json.loads(path.read_text())
    owl = next(t for t in result["traits"] if t["name"] == "owl")
    material = ", ".join(t["name"] for t in result["traits"] if t["material"]) or "none"
    print(f"| {path.parent.name} | {owl['shift']:+.3f} | [{owl['ci_low']:+.3f}, {owl['ci_high']:+.3f}] | {owl['q']:.2g} | "
          f"{owl['noise']:.3f} | {owl['detectable']:.3f} | {material} |")
PY
