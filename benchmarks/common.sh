# What the side-by-side benchmarks share (source it from the repository root).

# example_file RESPONSES: builds subtext (release), writes RESPONSES example records into a
# temporary folder removed on exit, and sets work, file (the teacher side) and bytes.
example_file() {
    work=$(mktemp -d)
    trap 'rm -rf "$work"' EXIT
    bash scripts/setup.sh
    swift build -c release --product subtext >/dev/null
    .build/release/subtext example --out "$work" --responses "$1" --seed 1 >/dev/null
    file="$work/teacher.jsonl"
    bytes=$(stat -c %s "$file")
}

# Wall seconds of one run of a command, its output discarded.
time_it() { local start end; start=$(date +%s.%N); "$@" >/dev/null; end=$(date +%s.%N); echo "$end - $start" | bc; }

# The median of its arguments.
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

# alternate RUNS NAME_A COMMAND_A NAME_B COMMAND_B: runs the two commands (each one word: a
# program or a function) in turn RUNS times, so machine noise falls on both, printing each
# run's times; leaves the medians in MEDIAN_A and MEDIAN_B.
alternate() {
    local runs=$1 name_a=$2 command_a=$3 name_b=$4 command_b=$5 run a b
    local times_a=() times_b=()
    for ((run = 1; run <= runs; run++)); do
        a=$(time_it "$command_a")
        b=$(time_it "$command_b")
        times_a+=("$a"); times_b+=("$b")
        echo "run $run: $name_a ${a}s, $name_b ${b}s"
    done
    MEDIAN_A=$(median "${times_a[@]}")
    MEDIAN_B=$(median "${times_b[@]}")
}
