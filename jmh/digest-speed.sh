#!/usr/bin/env bash
# Content digests against the tools that set the limit, in one run, alternated, whole processes:
#
#   jmh/digest-speed.sh TREE [RUNS] [THREADS]
#
# TREE is a directory of files (large files for the CPU's hashing speed; T100K for many small ones).
# Each round runs, one after the other:
#   openssl-1   openssl dgst -sha256 on every file, one process (SHA-NI through libcrypto)
#   fsnap-sha-1 fsnap scan --digest --threads 1
#   xxh-1       xxh128sum on every file, one process
#   fsnap-xxh-1 fsnap scan --digest --algorithm xxh3-128 --threads 1
#   openssl-N   the files split over THREADS openssl processes (xargs -P)
#   fsnap-sha-N fsnap scan --digest --threads THREADS
#   xxh-N, fsnap-xxh-N  likewise
# With SMALL=1 (a tree of many small files, T100K), the reference tools are those such trees are
# hashed with today instead: `find -type f -exec sha256sum {} +` and `mtree -c -K sha256digest`,
# against fsnap scan --digest with its default threads.
# The medians of wall time are printed, and fsnap's ratios to each tool taken round by round
# (the two ran one after the other) and then their median. The files stay in the page cache:
# fsnap leaves cached files cached. JVM start-up is included: this is what a user waits for.
set -euo pipefail
tree=${1:?usage: digest-speed.sh TREE [RUNS] [THREADS]}
runs=${2:-5}
threads=${3:-2}
here="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
out=$(mktemp -d)
list=$(mktemp)
trap 'rm -rf "$out" "$list"' EXIT
find "$tree" -type f -print0 > "$list"
fsnap="$here/fsnap"
"$fsnap" --version >/dev/null
run_one() {
    case $1 in
        openssl-1) xargs -0 -n 1000 openssl dgst -sha256 < "$list" ;;
        fsnap-sha-1) "$fsnap" scan "$tree" --digest --threads 1 ;;
        xxh-1) xargs -0 -n 1000 xxh128sum < "$list" ;;
        fsnap-xxh-1) "$fsnap" scan "$tree" --digest --algorithm xxh3-128 --threads 1 ;;
        openssl-N) xargs -0 -P "$threads" -n "$(( ($(tr -cd '\0' < "$list" | wc -c) + threads - 1) / threads ))" openssl dgst -sha256 < "$list" ;;
        fsnap-sha-N) "$fsnap" scan "$tree" --digest --threads "$threads" ;;
        xxh-N) xargs -0 -P "$threads" -n "$(( ($(tr -cd '\0' < "$list" | wc -c) + threads - 1) / threads ))" xxh128sum < "$list" ;;
        fsnap-xxh-N) "$fsnap" scan "$tree" --digest --algorithm xxh3-128 --threads "$threads" ;;
        find-sha256sum) find "$tree" -type f -exec sha256sum {} + ;;
        mtree) mtree -c -K sha256digest -p "$tree" ;;
        fsnap-sha) "$fsnap" scan "$tree" --digest ;;
    esac
}
if [ -n "${SMALL:-}" ]; then
    names=(find-sha256sum mtree fsnap-sha)
else
    names=(openssl-1 fsnap-sha-1 xxh-1 fsnap-xxh-1 openssl-N fsnap-sha-N xxh-N fsnap-xxh-N)
fi
for n in "${names[@]}"; do run_one "$n" >/dev/null 2>&1; done # warm the page cache and the launcher
for ((i = 0; i < runs; i++)); do
    for n in "${names[@]}"; do
        t0=$(date +%s.%N)
        run_one "$n" >/dev/null 2>&1
        t1=$(date +%s.%N)
        echo "$t0 $t1" | awk '{printf "%.3f\n", $2 - $1}' >> "$out/$n"
    done
done
bytes=$(du -sb "$tree" | cut -f1)
python3 - "$out" "$bytes" "${names[@]}" <<'PY'
import statistics, sys
d, total, names = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
t = {n: [float(l) for l in open(f"{d}/{n}")] for n in names}
print(f"{'command':12} {'wall s':>7} {'MB/s':>8}")
for n in names:
    m = statistics.median(t[n])
    print(f"{n:12} {m:7.2f} {total / m / 1e6:8.0f}")
for a, b in (("fsnap-sha-1", "openssl-1"), ("fsnap-xxh-1", "xxh-1"), ("fsnap-sha-N", "openssl-N"), ("fsnap-xxh-N", "xxh-N"),
             ("fsnap-sha", "find-sha256sum"), ("fsnap-sha", "mtree")):
    if a not in t or b not in t:
        continue
    r = statistics.median(x / y for x, y in zip(t[a], t[b]))
    print(f"round by round, {a} / {b}: {r:.3f} (median of {len(t[a])})")
PY
