#!/usr/bin/env bash
# What an approval of some changes costs, on one warm tree, in one run:
#
#   jmh/approve-cost.sh TREE [CHANGES] [RUNS]
#
# TREE IS CHANGED: CHANGES files (default 1000), spread over it, get one byte appended. Use a
# scratch tree (the T1M shape: `java -cp testdata/target/... TreeGenerator`).
#
# A repository of TREE with a signed approved baseline; the files changed; tonight's check. Then,
# alternated RUNS times (default 5) on copies of that repository: `approve --changes-from` of the
# night's report (every change, each by its path: the baseline grafted), and `approve --all` (the
# run's snapshot copied whole), both signed; and the night's `check --repo` for scale. Medians of
# wall time, the JVM timed directly as versus-floor.sh does. Then ApproveBenchmark in JMH on the
# same two snapshots: the graft against a whole rewrite of the baseline, in one run.
set -euo pipefail
tree=${1:?usage: approve-cost.sh TREE [CHANGES] [RUNS]}
changes=${2:-1000}
runs=${3:-5}
here="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
command -v /usr/bin/time >/dev/null || { echo "needs /usr/bin/time (Debian package: time)" >&2; exit 2; }
jar="$here/scanner/target/fsnap.jar"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$here/fsnap" --version >/dev/null # prepares the class-data archive beside the jar
. "$here/jmh/jvm.sh"
jvm() { fsnap_jvm "$jar" "$@"; }
jvm key new --public "$work/k.pub" --secret "$work/k.key" --no-passphrase >/dev/null
jvm check "$tree" --repo "$work/repo" >/dev/null 2>&1 || true
jvm approve "$work/repo" "$tree" --all --sign-key "$work/k.key" >/dev/null
find "$tree" -type f | sort | awk -v n="$changes" -v total="$(find "$tree" -type f | wc -l)" \
    'BEGIN { every = int(total / n); if (every < 1) every = 1 } (NR - 1) % every == 0 && c < n { print; c++ }' |
    while IFS= read -r f; do printf + >>"$f"; done
jvm check "$tree" --repo "$work/repo" --trust-key "$work/k.pub" --format json >"$work/night.json" 2>/dev/null || true
listed=$(grep -c '"op"' "$work/night.json" || true)
export -f jvm
export jar tree work
for ((i = 0; i < runs; i++)); do
    for way in some all; do
        rm -rf "$work/copy" && cp -a "$work/repo" "$work/copy"
        if [ $way = some ]; then
            set -- --changes-from "$work/night.json"
        else
            set -- --all
        fi
        /usr/bin/time -f "%e" -a -o "$work/$way.t" bash -c 'jvm approve "$work/copy" "$tree" "$@" --sign-key "$work/k.key"' _ "$@" >/dev/null 2>&1
    done
    /usr/bin/time -f "%e" -a -o "$work/check.t" bash -c 'jvm check "$tree" --repo "$work/copy" --trust-key "$work/k.pub"' >/dev/null 2>&1 || true
done
median() { sort -n "$1" | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
for d in "$work"/repo/*/; do series=${d%/}; done
runs_kept=("$series"/2*.snap)
latest=${runs_kept[${#runs_kept[@]}-1]}
printf 'changes listed %s; approved baseline %s bytes\n' "$listed" "$(stat -c %s "$series/approved.snap")"
printf 'approve --changes-from  %ss (median of %s)\n' "$(median "$work/some.t")" "$runs"
printf 'approve --all           %ss\n' "$(median "$work/all.t")"
printf 'check --repo            %ss\n' "$(median "$work/check.t")"
java -jar "$here/jmh/target/benchmarks.jar" ApproveBenchmark -p base="$series/approved.snap" \
    -p later="$latest" -f 1 -wi 3 -i 5 2>&1 | grep -E '^(Benchmark|ApproveBenchmark)'
