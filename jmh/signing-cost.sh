#!/usr/bin/env bash
# What signatures cost the nightly job, in one run on one warm tree:
#
#   jmh/signing-cost.sh TREE [RUNS]
#
# Two repositories of TREE, each with an approved baseline: one unsigned, one signed. The nightly
# check of each is alternated RUNS times (default 5): `check --repo` against the unsigned approval,
# and `check --repo --trust-key --sign-key` against the signed one (the approval verified, tonight's
# run signed). Medians of wall and CPU time, and their ratio taken round by round. Then the time of
# `approve --all --sign-key` of the signed repository's latest run, against a plain scan of TREE.
# The JVM is timed directly, with the launcher's options, as versus-floor.sh does.
set -euo pipefail
tree=${1:?usage: signing-cost.sh TREE [RUNS]}
runs=${2:-5}
here="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
command -v /usr/bin/time >/dev/null || { echo "needs /usr/bin/time (Debian package: time)" >&2; exit 2; }
jar="$here/scanner/target/fsnap.jar"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$here/fsnap" --version >/dev/null # prepares the class-data archive beside the jar
. "$here/jmh/jvm.sh"
jvm() { fsnap_jvm "$jar" "$@"; }
jvm key new --public "$work/k.pub" --secret "$work/k.key" --no-passphrase >/dev/null
for r in plain signed; do
    jvm check "$tree" --repo "$work/$r" >/dev/null 2>&1 || true
done
jvm approve "$work/plain" "$tree" --all >/dev/null
jvm approve "$work/signed" "$tree" --all --sign-key "$work/k.key" >/dev/null
export -f jvm
export jar tree work
for ((i = 0; i < runs; i++)); do
    /usr/bin/time -f "%e %U %S" -a -o "$work/plain.t" bash -c 'jvm check "$tree" --repo "$work/plain"' >/dev/null 2>&1 || true
    /usr/bin/time -f "%e %U %S" -a -o "$work/signed.t" bash -c 'jvm check "$tree" --repo "$work/signed" --trust-key "$work/k.pub" --sign-key "$work/k.key"' >/dev/null 2>&1 || true
done
for ((i = 0; i < 3; i++)); do
    /usr/bin/time -f "%e %U %S" -a -o "$work/approve.t" bash -c 'jvm approve "$work/signed" "$tree" --all --sign-key "$work/k.key"' >/dev/null 2>&1
    /usr/bin/time -f "%e %U %S" -a -o "$work/scan.t" bash -c 'jvm scan "$tree"' >/dev/null 2>&1 || true
done
size=$(stat -c %s "$(ls "$work"/signed/*/approved.snap)")
python3 - "$work" "$size" <<'PY'
import statistics, sys
d, size = sys.argv[1], int(sys.argv[2])
def rows(n):
    return [list(map(float, l.split())) for l in open(f"{d}/{n}.t") if l.strip() and l[0].isdigit()]
def med(n):
    r = rows(n)
    return statistics.median(x[0] for x in r), statistics.median(x[1] + x[2] for x in r), len(r)
for n in ("plain", "signed", "approve", "scan"):
    w, c, k = med(n)
    print(f"{n:8} wall {w:6.2f} s  cpu {c:6.2f} s  ({k} runs)")
pairs = list(zip(rows("signed"), rows("plain")))
print(f"signed / plain, round by round: wall {statistics.median(a[0] / b[0] for a, b in pairs):.3f}, "
      f"cpu {statistics.median((a[1] + a[2]) / (b[1] + b[2]) for a, b in pairs):.3f}")
print(f"approve / scan: wall {med('approve')[0] / med('scan')[0]:.3f}; approved snapshot {size / 2**20:.1f} MiB")
PY
