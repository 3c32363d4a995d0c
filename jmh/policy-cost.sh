#!/usr/bin/env bash
# What a policy costs the nightly check, in one run on one warm tree:
#
#   jmh/policy-cost.sh TREE [CHANGES] [RUNS]
#
# TREE IS CHANGED: CHANGES files (default 1000), spread over it, get one byte appended after a
# first snapshot. Then, alternated RUNS times (default 7), `check TREE --against FIRST -o NEW`
# plain and with a policy of 20 rules (`/ all`, then the first 19 directories of TREE's top two
# levels, half of them `all -btime`, half `perms growing`, none excluding anything): both scan the same tree and compare the same CHANGES
# changes, the second asking the policy at each entry it compares. Medians of wall and CPU time and
# their ratio round by round, the JVM timed directly as versus-floor.sh does.
set -euo pipefail
tree=${1:?usage: policy-cost.sh TREE [CHANGES] [RUNS]}
changes=${2:-1000}
runs=${3:-7}
here="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
command -v /usr/bin/time >/dev/null || { echo "needs /usr/bin/time (Debian package: time)" >&2; exit 2; }
jar="$here/scanner/target/fsnap.jar"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$here/fsnap" --version >/dev/null # prepares the class-data archive beside the jar
. "$here/jmh/jvm.sh"
jvm() { fsnap_jvm "$jar" "$@"; }
jvm scan "$tree" -o "$work/first.snap" >/dev/null 2>&1 || true
find "$tree" -type f | sort | awk -v n="$changes" -v total="$(find "$tree" -type f | wc -l)" \
    'BEGIN { every = int(total / n); if (every < 1) every = 1 } (NR - 1) % every == 0 && c < n { print; c++ }' |
    while IFS= read -r f; do printf + >>"$f"; done
{
    echo "/ all"
    k=0
    while IFS= read -r d; do
        name=${d#"$tree"/}
        if ((k % 2)); then echo "/$name/ perms growing"; else echo "/$name/ all -btime"; fi
        k=$((k + 1))
    done < <(find "$tree" -mindepth 1 -maxdepth 2 -type d | sort | head -19)
} >"$work/policy"
export -f jvm
export jar tree work
for ((i = 0; i < runs; i++)); do
    /usr/bin/time -f "%e %U %S" -a -o "$work/plain.t" bash -c 'jvm check "$tree" --against "$work/first.snap" -o "$work/new.snap"' >/dev/null 2>&1 || true
    /usr/bin/time -f "%e %U %S" -a -o "$work/policy.t" bash -c 'jvm check "$tree" --against "$work/first.snap" -o "$work/new.snap" --policy "$work/policy"' >/dev/null 2>&1 || true
done
echo "policy: $(grep -vc '^#' "$work/policy") rules"
python3 - "$work" <<'PY'
import statistics, sys
d = sys.argv[1]
def rows(n):
    return [list(map(float, l.split())) for l in open(f"{d}/{n}.t") if l.strip() and l[0].isdigit()]
for n in ("plain", "policy"):
    r = rows(n)
    print(f"{n:7} wall {statistics.median(x[0] for x in r):6.2f} s  cpu {statistics.median(x[1] + x[2] for x in r):6.2f} s  ({len(r)} runs)")
pairs = list(zip(rows("policy"), rows("plain")))
print(f"policy / plain, round by round: wall {statistics.median(a[0] / b[0] for a, b in pairs):.3f}, "
      f"cpu {statistics.median((a[1] + a[2]) / (b[1] + b[2]) for a, b in pairs):.3f}")
PY
