#!/usr/bin/env bash
# Submits a sharded audit to Slurm as a chain: the count, fit and score passes as array jobs
# of N tasks, each starting when every task of the one before has succeeded
# (--dependency=afterok), then the merge. Prints the merge job's id.
#
#   deploy/slurm/submit.sh --shards 64 --teacher 'teacher/' --control 'control/' \
#       --parts /shared/parts --out /shared/audit [--audit-options '--seed 3'] [-- sbatch options]
#
# Options after -- go to every sbatch (a partition, an account, a time limit). The same
# options must be given to every pass, which is why they are set once here.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
shards="" teacher="" control="" parts="" out="" audit_options="" merge_options=""
while (($#)); do
    case "$1" in
        --shards) shards=$2; shift 2 ;;
        --teacher) teacher=$2; shift 2 ;;
        --control) control=$2; shift 2 ;;
        --parts) parts=$2; shift 2 ;;
        --out) out=$2; shift 2 ;;
        --audit-options) audit_options=$2; shift 2 ;;
        --merge-options) merge_options=$2; shift 2 ;;
        --) shift; break ;;
        -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
        *) echo "submit.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
    esac
done
for name in shards teacher control parts out; do
    [ -n "${!name}" ] || { echo "submit.sh: --$name is required (see --help)" >&2; exit 2; }
done
mkdir -p "$parts"
export SHARDS="$shards" TEACHER="$teacher" CONTROL="$control" PARTS="$parts" OUT="$out"
export AUDIT_OPTIONS="$audit_options" MERGE_OPTIONS="$merge_options" SUBTEXT="${SUBTEXT:-subtext}"
dependency=()
for pass in count fit score; do
    job=$(PASS=$pass sbatch --parsable --array="0-$((shards - 1))" --export=ALL "${dependency[@]}" "$@" \
        --job-name="subtext-$pass" "$here/pass.sbatch")
    job=${job%%;*}
    echo "submitted the $pass pass as job $job" >&2
    dependency=(--dependency="afterok:$job")
done
job=$(sbatch --parsable --export=ALL "${dependency[@]}" "$@" "$here/merge.sbatch")
echo "submitted the merge as job ${job%%;*}; the audit will be in $out" >&2
echo "${job%%;*}"
