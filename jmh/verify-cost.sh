#!/usr/bin/env bash
# What verifying snapshots whole as they are opened costs `fsnap diff` and `fsnap check`, on one
# warm tree, in one run:
#
#   jmh/verify-cost.sh TREE [CHANGES] [RUNS]
#
# TREE IS CHANGED: CHANGES files (default 1000), spread over it, get one byte appended. Use a
# scratch tree (the T1M shape: `java -cp testdata/target/... TreeGenerator`).
#
# Two scans of TREE as it is (two files of one tree: equal tree hashes, nothing for the differ to
# read beyond the roots), then the files changed and a third scan. Then, alternated RUNS times
# (default 5): `diff` of the two identical snapshots, and `diff` of the first with the third
# (CHANGES modified files); with FLOOR=BINARY in the environment (the C reference scan, run as
# FLOOR TREE 2, see versus-floor.sh), also the floor and `check TREE --threads 2 --against` the
# third scan (an identical baseline: nothing changed since). The JVM is started with the
# launcher's options and timed directly, as versus-floor.sh does. Medians of wall time, CPU (user
# + system) and peak RSS; check's ratio to the floor. With OLD_JAR=PATH/fsnap.jar in the
# environment, that jar's commands are alternated with these, and this jar's ratios to it taken
# round by round.
set -euo pipefail
tree=${1:?usage: verify-cost.sh TREE [CHANGES] [RUNS]}
changes=${2:-1000}
runs=${3:-5}
here="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
command -v /usr/bin/time >/dev/null || { echo "needs /usr/bin/time (Debian package: time)" >&2; exit 2; }
jar="$here/scanner/target/fsnap.jar"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$here/fsnap" --version >/dev/null # prepares the class-data archive beside the jar
if [ -n "${OLD_JAR:-}" ]; then FSNAP_JAR="$OLD_JAR" "$here/fsnap" --version >/dev/null; fi
. "$here/jmh/jvm.sh"
fsnap_jvm "$jar" scan "$tree" -o "$work/a.snap" 2>/dev/null
fsnap_jvm "$jar" scan "$tree" -o "$work/same.snap" 2>/dev/null
find "$tree" -type f | sort | awk -v n="$changes" -v total="$(find "$tree" -type f | wc -l)" \
    'BEGIN { every = int(total / n); if (every < 1) every = 1 } (NR - 1) % every == 0 && c < n { print; c++ }' |
    while IFS= read -r f; do printf + >>"$f"; done
sleep 3 # past the racy window (2 s): the third scan is an identical baseline for check, with no racy entry to read
fsnap_jvm "$jar" scan "$tree" -o "$work/changed.snap" 2>/dev/null
jars=(new)
if [ -n "${OLD_JAR:-}" ]; then jars+=(old); fi
jar_of() { if [ "$1" = old ]; then echo "$OLD_JAR"; else echo "$jar"; fi; }
export work tree
timed() { # NAME COMMAND...: appends wall, user, system and peak RSS to $work/NAME
    local name=$1
    shift
    /usr/bin/time -f "%e %U %S %M" -a -o "$work/$name" "$@" >/dev/null 2>&1 || true
}
for n in "${jars[@]}"; do # warm the cache, the jar, the archive
    fsnap_jvm "$(jar_of "$n")" diff "$work/a.snap" "$work/same.snap" >/dev/null 2>&1 || true
    if [ -n "${FLOOR:-}" ]; then
        fsnap_jvm "$(jar_of "$n")" check "$tree" --threads 2 --against "$work/changed.snap" -o "$work/check.snap" \
            >/dev/null 2>&1 || true
    fi
done
if [ -n "${FLOOR:-}" ]; then "$FLOOR" "$tree" 2 >/dev/null; fi
for ((i = 0; i < runs; i++)); do
    for n in "${jars[@]}"; do
        j=$(jar_of "$n")
        timed "$n.same" bash -c 'fsnap_jvm "$1" diff "$work/a.snap" "$work/same.snap"' _ "$j"
        timed "$n.changed" bash -c 'fsnap_jvm "$1" diff "$work/a.snap" "$work/changed.snap"' _ "$j"
    done
    if [ -n "${FLOOR:-}" ]; then
        timed floor "$FLOOR" "$tree" 2
        for n in "${jars[@]}"; do
            timed "$n.check" bash -c \
                'fsnap_jvm "$1" check "$tree" --threads 2 --against "$work/changed.snap" -o "$work/check.snap"' _ "$(jar_of "$n")"
        done
    fi
done
{ fsnap_jvm "$jar" diff "$work/a.snap" "$work/changed.snap" 2>&1 >/dev/null || true; } | tail -1
printf 'snapshots: %s bytes; %s changes listed\n' "$(stat -c %s "$work/a.snap")" \
    "$({ fsnap_jvm "$jar" diff --format lines "$work/a.snap" "$work/changed.snap" 2>/dev/null || true; } | wc -l)"
python3 - "$work" "${FLOOR:+floor}" "${jars[@]}" <<'PY'
import os, statistics, sys
d = sys.argv[1]; floor = sys.argv[2] == "floor"; jars = sys.argv[3:]
def rows(f):
    return [list(map(float, l.split())) for l in open(f"{d}/{f}") if l.strip() and l[0].isdigit()]
def med(r, k):
    return statistics.median(x[k] if k != 1 else x[1] + x[2] for x in r)
labels = {"same": "diff, identical", "changed": "diff, changed", "check": "check, identical"}
print(f"{'command':28} {'wall s':>7} {'cpu s':>7} {'RSS MiB':>8}  walls")
if floor:
    r = rows("floor")
    print(f"{'floor':28} {med(r, 0):7.2f} {med(r, 1):7.2f} {med(r, 3) / 1024:8.0f}  {' '.join(f'{x[0]:.2f}' for x in r)}")
for what in ("same", "changed", "check"):
    if not os.path.exists(f"{d}/new.{what}"):
        continue
    for n in jars:
        r = rows(f"{n}.{what}")
        label = labels[what] + (" (OLD_JAR)" if n == "old" else "")
        print(f"{label:28} {med(r, 0):7.2f} {med(r, 1):7.2f} {med(r, 3) / 1024:8.0f}  {' '.join(f'{x[0]:.2f}' for x in r)}")
        if what == "check":
            f = rows("floor")
            rr = statistics.median(x[0] / y[0] for x, y in zip(r, f))
            print(f"{'':28} x floor: {med(r, 0) / med(f, 0):.3f} (medians), {rr:.3f} (round by round)")
    if "old" in jars:
        pairs = list(zip(rows(f"new.{what}"), rows(f"old.{what}")))
        wall = statistics.median(x[0] / y[0] for x, y in pairs)
        cpu = statistics.median((x[1] + x[2]) / (y[1] + y[2]) for x, y in pairs)
        print(f"{'':28} this jar / OLD_JAR, round by round: wall {wall:.3f}, cpu {cpu:.3f} (median of {len(pairs)})")
PY
