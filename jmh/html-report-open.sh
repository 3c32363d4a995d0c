#!/usr/bin/env bash
# How long a large HTML report takes to open in a headless Chromium:
#
#   jmh/html-report-open.sh TREE [RUNS]
#
# Compares a snapshot of an empty directory with one of TREE (every entry of TREE added), writes the
# comparison with --report, then opens the page RUNS times in `chromium --headless --dump-dom` and
# prints, each time, the page's own time from navigation to its tree drawn (data-ready-ms, measured
# by the page with performance.now()) and the wall time of the whole browser process (start-up included).
set -euo pipefail
tree=${1:?usage: html-report-open.sh TREE [RUNS]}
runs=${2:-5}
here="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/empty"
"$here/fsnap" scan "$work/empty" -o "$work/empty.snap" 2>/dev/null
"$here/fsnap" scan "$tree" -o "$work/tree.snap" 2>/dev/null
"$here/fsnap" diff "$work/empty.snap" "$work/tree.snap" --format lines --report "$work/report.html" >/dev/null 2>&1 || true
changes=$(grep -o '\],\["' "$work/report.html" | wc -l)
echo "report: $((changes + 1)) changes, $(du -h "$work/report.html" | cut -f1)"
for ((i = 0; i < runs; i++)); do
    t0=$(date +%s.%N)
    ready=$(chromium --headless --no-sandbox --disable-gpu --user-data-dir="$work/profile" --dump-dom \
        "file://$work/report.html" 2>/dev/null | grep -o 'data-ready-ms="[0-9]*"' | grep -o '[0-9]*')
    t1=$(date +%s.%N)
    echo "$ready $t0 $t1" | awk '{printf "page ready after %d ms; browser process %.2f s\n", $1, $3 - $2}'
done
