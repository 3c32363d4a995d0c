#!/usr/bin/env bash
# What digests add to a nightly check that finds nothing changed, in one run, alternated:
#
#   jmh/digest-check-cost.sh TREE [RUNS]
#
# Makes two baselines of TREE (plain and with --digest), then runs, RUNS times each, alternated:
#   plain    fsnap check TREE --against plain.snap
#   digests  fsnap check TREE --digest --against digest.snap   (reads no content: all unchanged)
# and prints the wall times, their medians and the median of the rounds' ratios digests / plain.
set -euo pipefail
tree=${1:?usage: digest-check-cost.sh TREE [RUNS]}
runs=${2:-7}
here="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
fsnap="$here/fsnap"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$fsnap" scan "$tree" -o "$work/plain.snap" 2>/dev/null
"$fsnap" scan "$tree" --digest -o "$work/digest.snap" 2>/dev/null
for ((i = 0; i < runs; i++)); do
    /usr/bin/time -o "$work/a" -f "%e" "$fsnap" check "$tree" --against "$work/plain.snap" -o "$work/p.snap" >/dev/null 2>&1
    /usr/bin/time -o "$work/b" -f "%e" "$fsnap" check "$tree" --digest --against "$work/digest.snap" -o "$work/d.snap" \
        >/dev/null 2>&1
    echo "$(tail -1 "$work/a") $(tail -1 "$work/b")"
done | python3 "$here/jmh/paired-medians.py" plain digests
