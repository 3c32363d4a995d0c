#!/usr/bin/env bash
# Whole-process comparison of `fsnap scan` with a C reference scan, in one run, on one warm tree.
#
#   jmh/versus-floor.sh FLOOR_BINARY TREE [RUNS] [THREADS]
#
# FLOOR_BINARY is the reference scan (getdents64 + fstatat on N threads; run as FLOOR TREE THREADS).
# The commands are alternated RUNS times (default 5) after one warm-up each; the medians of wall
# time, CPU time (user + system) and peak RSS are printed with fsnap's ratios to the reference, and
# fsnap's ratios to java-bare and to the old jar taken round by round (their median).
# JVM start-up is included: this is what a user waits for.
#
# Where jmh/target/benchmarks.jar is built, `java-bare` is timed too: the same algorithm as the
# reference, in Java over fsnap's own native reader (dev.fsnap.jmh.BareScan), with the launcher's JVM
# options. Its ratio is what the JVM and the calls through jffi cost; fsnap's ratio to it, what fsnap adds.
#
# With OLD_JAR=PATH/fsnap.jar in the environment, `fsnap-old` is timed too: the same scan by that
# jar (a previous build, prepared as the launcher prepares it), alternated with the current one.
#
# With URING=1 in the environment, `fsnap-uring` is timed too: the same scan with its stats through
# io_uring (--stat uring), alternated with the plain one. With FLOOR_URING=PATH (jmh/floor-uring.c,
# built), `floor-uring` is timed too: the reference with its stats through io_uring.
#
# With XATTRS=1 in the environment, `fsnap-xattrs` is timed too: the same scan reading every
# entry's extended attributes (--xattrs), alternated with the plain one.
#
# With AGAINST=SNAPSHOT in the environment, a fourth command is timed: `fsnap check TREE --against
# SNAPSHOT -o NEW` (scan, snapshot written, comparison reported), the nightly job; with OLD_JAR too,
# the old jar's check (`fsnap-old-check`) is alternated with it.
set -euo pipefail
floor=${1:?usage: versus-floor.sh FLOOR_BINARY TREE [RUNS] [THREADS]}
tree=${2:?usage: versus-floor.sh FLOOR_BINARY TREE [RUNS] [THREADS]}
runs=${3:-5}
threads=${4:-2}
here="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
command -v /usr/bin/time >/dev/null || { echo "needs /usr/bin/time (Debian package: time)" >&2; exit 2; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

names=(floor)
if [ -n "${FLOOR_URING:-}" ]; then names+=(floor-uring); fi
bench="$here/jmh/target/benchmarks.jar"
if [ -f "$bench" ]; then names+=(java-bare); else echo "no $bench: java-bare not timed (mvn -DskipTests install)" >&2; fi
names+=(fsnap-native)
if [ -n "${OLD_JAR:-}" ]; then names+=(fsnap-old); fi
if [ -n "${URING:-}" ]; then names+=(fsnap-uring); fi
if [ -n "${XATTRS:-}" ]; then names+=(fsnap-xattrs); fi
names+=(fsnap-nio)
# the launcher's JVM options (see ./fsnap), without its class-data archive of fsnap's own classes
jffi_lib=$(ls -d "$here"/scanner/target/jffi/jni/*-Linux 2>/dev/null | head -1 || true)
bare_opts="-XX:+UseSerialGC -Xmn24m -XX:TieredStopAtLevel=1 -Xss512k -XX:-UsePerfData${jffi_lib:+ -Djffi.boot.library.path=$jffi_lib}"
if [ -n "${AGAINST:-}" ]; then names+=(fsnap-check); fi
if [ -n "${AGAINST:-}" ] && [ -n "${OLD_JAR:-}" ]; then names+=(fsnap-old-check); fi
# fsnap's own JVM, with the options, the jffi library and the class-data archive the launcher uses
# (prepared by a first run through the launcher, below): timed directly, because the launcher does
# not wait for the JVM to be reaped, so time(1) of the launcher would miss the JVM's CPU and memory.
. "$here/jmh/jvm.sh"
jvm() { fsnap_jvm "$@"; }
"$here/fsnap" --version >/dev/null
if [ -n "${OLD_JAR:-}" ]; then FSNAP_JAR="$OLD_JAR" "$here/fsnap" --version >/dev/null; fi
run_one() {
    case $1 in
        floor) "$floor" "$tree" "$threads" ;;
        floor-uring) "$FLOOR_URING" "$tree" "$threads" 64 0x3000 ;;
        java-bare) "${JAVA_HOME:+$JAVA_HOME/bin/}java" $bare_opts -cp "$bench" dev.fsnap.jmh.BareScan "$tree" "$threads" ;;
        fsnap-native) jvm "$here/scanner/target/fsnap.jar" scan "$tree" --threads "$threads" --backend native ;;
        fsnap-old) jvm "$OLD_JAR" scan "$tree" --threads "$threads" --backend native ;;
        fsnap-uring) jvm "$here/scanner/target/fsnap.jar" scan "$tree" --threads "$threads" --backend native --stat uring ;;
        fsnap-xattrs) jvm "$here/scanner/target/fsnap.jar" scan "$tree" --threads "$threads" --backend native --xattrs ;;
        fsnap-nio) jvm "$here/scanner/target/fsnap.jar" scan "$tree" --threads "$threads" --backend nio ;;
        fsnap-check) jvm "$here/scanner/target/fsnap.jar" check "$tree" --threads "$threads" --against "$AGAINST" -o "$out/new.snap" ;;
        fsnap-old-check) jvm "$OLD_JAR" check "$tree" --threads "$threads" --against "$AGAINST" -o "$out/old.snap" ;;
    esac
}
for n in "${names[@]}"; do run_one "$n" >/dev/null 2>&1 || true; done # warm the cache, the jar, the archive
for ((i = 0; i < runs; i++)); do
    for n in "${names[@]}"; do
        /usr/bin/time -f "%e %U %S %M" -a -o "$out/$n" bash -c "$(declare -f run_one jvm); floor='$floor' tree='$tree' threads=$threads here='$here' out='$out' AGAINST='${AGAINST:-}' OLD_JAR='${OLD_JAR:-}' FLOOR_URING='${FLOOR_URING:-}' bench='$bench' bare_opts='$bare_opts'; run_one $n" >/dev/null 2>&1 || true
    done
done
python3 - "$out" "${names[@]}" <<'PY'
import statistics, sys
d = sys.argv[1]; names = sys.argv[2:]
med = {}
for n in names:
    rows = [list(map(float, l.split())) for l in open(f"{d}/{n}") if l.strip() and l[0].isdigit()]
    med[n] = (statistics.median(r[0] for r in rows), statistics.median(r[1] + r[2] for r in rows),
              statistics.median(r[3] for r in rows) / 1024, len(rows))
f = med[names[0]]
b = med.get("java-bare")
print(f"{'command':14} {'wall s':>7} {'cpu s':>7} {'RSS MiB':>8} {'wall x':>7} {'cpu x':>7} {'x bare':>7} runs")
for n in names:
    w, c, r, k = med[n]
    xb = f"{w / b[0]:7.2f}" if b else f"{'-':>7}"
    print(f"{n:14} {w:7.2f} {c:7.2f} {r:8.0f} {w / f[0]:7.2f} {c / f[1]:7.2f} {xb} {k}")
o, m = med.get("fsnap-old"), med.get("fsnap-native")
if o and m:
    print(f"fsnap-native / fsnap-old: wall {m[0] / o[0]:.3f}, cpu {m[1] / o[1]:.3f}")
# The same ratios taken round by round (the two commands ran one after the other) and then the
# median: a shared machine's load drifts over minutes, and this cancels what both runs of a round saw.
def rounds(n):
    return [list(map(float, l.split())) for l in open(f"{d}/{n}") if l.strip() and l[0].isdigit()]
for a, b in (("fsnap-native", "java-bare"), ("fsnap-native", "fsnap-old"), ("fsnap-uring", "fsnap-native"),
             ("fsnap-uring", "floor"), ("floor-uring", "floor"), ("fsnap-xattrs", "fsnap-native"),
             ("fsnap-check", "fsnap-old-check")):
    if a in med and b in med:
        pairs = list(zip(rounds(a), rounds(b)))
        wall = statistics.median(x[0] / y[0] for x, y in pairs)
        cpu = statistics.median((x[1] + x[2]) / (y[1] + y[2]) for x, y in pairs)
        print(f"round by round, {a} / {b}: wall {wall:.3f}, cpu {cpu:.3f} (median of {len(pairs)})")
PY
