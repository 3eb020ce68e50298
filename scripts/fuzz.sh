#!/usr/bin/env bash
# Fuzzes every parser of outside bytes (SubtextFuzzing's targets) with libFuzzer under
# AddressSanitizer, for SECONDS each.
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]     default: 60 seconds, every target
#
# The corpus each target grows is kept in reports/fuzz/corpus/TARGET, so a later run starts
# where this one stopped; each finished run is journaled to reports/fuzz/runs.jsonl (target,
# seconds, inputs run, crashes); an input that crashes is saved in reports/fuzz/crashes/TARGET/.
# Replay one without the sanitizers: swift run subtext-fuzz TARGET FILE. Exits 1 when any
# target crashed.
#
# SUBTEXT_FUZZ_RUNS=N makes a run repeatable, as the test command needs: at most N inputs a
# target, from libFuzzer seed 1 and a fresh corpus in .build-fuzz/repeatable (reports/fuzz keeps
# only the journal and crashes then).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
shift || true
# SwiftPM keeps one --sanitize, and swiftc the last -sanitize: --sanitize fuzzer leaves main to
# libFuzzer, and -sanitize=fuzzer,address gives Swift code both coverage and AddressSanitizer.
swift build -c debug --scratch-path .build-fuzz --product subtext-fuzz --sanitize fuzzer \
    -Xswiftc -sanitize=fuzzer,address -Xcc -fsanitize=address -Xswiftc -DFUZZING >/tmp/subtext-fuzz-build.log 2>&1 \
    || { tail -30 /tmp/subtext-fuzz-build.log; exit 2; }
fuzz=.build-fuzz/debug/subtext-fuzz
targets=("$@")
if ((${#targets[@]} == 0)); then
    targets=($( (SUBTEXT_FUZZ_TARGET=none "$fuzz" 2>&1 || true) | sed -n "s/.*one of: //p" | tr -d ,))
fi
work=reports/fuzz
corpus=$work/corpus
limits=()
if [[ -n "${SUBTEXT_FUZZ_RUNS:-}" ]]; then
    corpus=.build-fuzz/repeatable
    rm -rf "$corpus"
    limits=(-runs="$SUBTEXT_FUZZ_RUNS" -seed=1)
fi
mkdir -p "$work"
export TMPDIR="$work/tmp"
mkdir -p "$TMPDIR"
failed=0
for target in "${targets[@]}"; do
    mkdir -p "$corpus/$target" "$work/crashes/$target" "$work/seeds/$target"
    ASAN_OPTIONS=detect_leaks=0 SUBTEXT_FUZZ_TARGET=$target SUBTEXT_FUZZ_SEEDS="$work/seeds/$target" "$fuzz" >/dev/null
    log="$work/$target.log"
    status=0
    # Leak checks are off: Foundation's Data(contentsOf:) keeps a 4 KiB buffer that LeakSanitizer
    # reports at exit whatever the input.
    ASAN_OPTIONS=detect_leaks=0 SUBTEXT_FUZZ_TARGET=$target "$fuzz" -max_total_time="$seconds" "${limits[@]}" -timeout=20 -rss_limit_mb=4096 -max_len=65536 \
        -print_final_stats=1 -artifact_prefix="$work/crashes/$target/" \
        "$corpus/$target" "$work/seeds/$target" >"$log" 2>&1 || status=$?
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    seconds_run=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$log" | tail -1)
    crashes=$((status == 0 ? 0 : 1))
    printf '{"target":"%s","seconds":%d,"runs":%d,"crashes":%d,"commit":"%s"}\n' \
        "$target" "${seconds_run:-0}" "${runs:-0}" "$crashes" "$(git rev-parse --short HEAD)" >>"$work/runs.jsonl"
    echo "$target: ${runs:-0} inputs in ${seconds_run:-?} s, $( ((crashes)) && echo "CRASHED (see $log)" || echo "no crash")"
    if ((crashes)); then
        failed=1
        grep -m3 -E "ERROR|Fatal error|SUMMARY" "$log" || true
    fi
done
rm -rf "$TMPDIR"
exit "$failed"
