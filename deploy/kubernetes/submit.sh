#!/usr/bin/env bash
# Runs a sharded audit on Kubernetes: the count, fit and score passes as Indexed Jobs of N
# pods, each applied once the one before has completed, then the merge. Kubernetes has no job
# dependencies, so this script waits between passes (kubectl wait); run it where it can stay
# up, or from a CI job.
#
#   deploy/kubernetes/submit.sh --run audit-1 --shards 64 --image registry/subtext:0.2.0 \
#       --teacher /data/teacher --control /data/control \
#       [--data-claim subtext-data] [--parts-claim subtext-parts] [--parallelism 16] \
#       [--audit-options '--seed 3'] [--timeout 24h]
#
# The image holds the subtext binary on its PATH. The data claim holds the inputs (mounted
# read-only at /data); the parts claim, ReadWriteMany, holds the partials and, at the end,
# the audit under /parts/RUN/audit.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
export RUN="" SHARDS="" IMAGE="" TEACHER="" CONTROL="" DATA_CLAIM=subtext-data PARTS_CLAIM=subtext-parts
export PARALLELISM="" AUDIT_OPTIONS=""
timeout=24h
while (($#)); do
    case "$1" in
        --run) RUN=$2; shift 2 ;;
        --shards) SHARDS=$2; shift 2 ;;
        --image) IMAGE=$2; shift 2 ;;
        --teacher) TEACHER=$2; shift 2 ;;
        --control) CONTROL=$2; shift 2 ;;
        --data-claim) DATA_CLAIM=$2; shift 2 ;;
        --parts-claim) PARTS_CLAIM=$2; shift 2 ;;
        --parallelism) PARALLELISM=$2; shift 2 ;;
        --audit-options) AUDIT_OPTIONS=$2; shift 2 ;;
        --timeout) timeout=$2; shift 2 ;;
        -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
        *) echo "submit.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
    esac
done
for name in RUN SHARDS IMAGE TEACHER CONTROL; do
    [ -n "${!name}" ] || { echo "submit.sh: --$(echo "$name" | tr 'A-Z' 'a-z') is required (see --help)" >&2; exit 2; }
done
PARALLELISM=${PARALLELISM:-$SHARDS}
# Only these are filled in: $JOB_COMPLETION_INDEX must reach the pod as written.
fields='${RUN} ${PASS} ${SHARDS} ${PARALLELISM} ${IMAGE} ${TEACHER} ${CONTROL} ${AUDIT_OPTIONS} ${DATA_CLAIM} ${PARTS_CLAIM}'
for pass in count fit score; do
    export PASS=$pass
    envsubst "$fields" <"$here/pass-job.yaml" | kubectl apply -f -
    echo "waiting for the $pass pass (job subtext-$RUN-$pass)" >&2
    kubectl wait --for=condition=complete --timeout="$timeout" "job/subtext-$RUN-$pass"
done
envsubst "$fields" <"$here/merge-job.yaml" | kubectl apply -f -
kubectl wait --for=condition=complete --timeout="$timeout" "job/subtext-$RUN-merge"
echo "the audit is in /parts/$RUN/audit on the claim $PARTS_CLAIM" >&2
