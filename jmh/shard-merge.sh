#!/usr/bin/env bash
# What splitting a scan into shards costs on one machine, and that the merge is exact:
#
#   jmh/shard-merge.sh TREE [SHARDS] [PARALLEL] [RUNS]
#
# Plans TREE into SHARDS shards (8) from a first whole scan's counts, then, RUNS times (3),
# alternated:
#   whole    fsnap scan TREE -o whole.snap
#   sharded  the SHARDS scans, PARALLEL (2) at a time (xargs -P), then fsnap merge
# Each round checks that the merged snapshot is the whole scan's: the same tree hash, fsnap diff
# reports nothing, fsnap ls prints the same. Prints the wall times, their medians and the median
# of the rounds' ratios sharded / whole.
set -euo pipefail
tree=${1:?usage: shard-merge.sh TREE [SHARDS] [PARALLEL] [RUNS]}
shards=${2:-8}
parallel=${3:-2}
runs=${4:-3}
here="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
fsnap="$here/fsnap"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$fsnap" scan "$tree" -o "$work/last.snap" 2>/dev/null
"$fsnap" plan "$tree" --shards "$shards" --from "$work/last.snap" -o "$work/plan.json"
hash() { "$fsnap" verify "$1" | sed 's/.*tree hash \([0-9a-f]*\).*/\1/'; }
export fsnap tree work
for ((i = 0; i < runs; i++)); do
    /usr/bin/time -o "$work/a" -f "%e" "$fsnap" scan "$tree" -o "$work/whole.snap" 2>/dev/null
    rm -f "$work"/part-*.snap
    /usr/bin/time -o "$work/b" -f "%e" bash -c '
        seq 0 $(('"$shards"' - 1)) | xargs -P '"$parallel"' -I K "$fsnap" scan "$tree" --shard "$work/plan.json:K" \
            -o "$work/part-K.snap" 2>/dev/null
        "$fsnap" merge "$work/plan.json" "$work"/part-*.snap -o "$work/merged.snap" 2>/dev/null'
    [ "$(hash "$work/whole.snap")" = "$(hash "$work/merged.snap")" ] || { echo "tree hashes differ" >&2; exit 1; }
    "$fsnap" diff -q "$work/whole.snap" "$work/merged.snap" || { echo "diff reports changes" >&2; exit 1; }
    cmp -s <("$fsnap" ls "$work/whole.snap" 2>/dev/null) <("$fsnap" ls "$work/merged.snap" 2>/dev/null) \
        || { echo "ls differs" >&2; exit 1; }
    echo "$(tail -1 "$work/a") $(tail -1 "$work/b")"
done | python3 "$here/jmh/paired-medians.py" whole sharded "every round: the same tree hash, diff empty, ls identical"
