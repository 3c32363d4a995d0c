#!/usr/bin/env bash
# Entries/s against threads on a NAS-like filesystem: TREE mounted through slow-nas (every operation
# LATENCY_US late, no attribute or entry caching), scanned by the C floor and by fsnap at each thread
# count, by fsnap with its default settings, and by fsnap's NIO backend (a ForkJoin NIO walk) on 64.
#
#   cc -O2 -Wall jmh/slow-nas.c -o /tmp/slow-nas $(pkg-config --cflags --libs fuse)
#   cc -O2 -pthread floor.c -o /tmp/floor
#   jmh/nas-curve.sh /tmp/slow-nas /tmp/floor /tmp/t100k 200 "16 64 128 256"
#
# Needs root (or user_allow_other) and /dev/fuse. Each line is one run, in the order run; ratios are
# to the floor's best wall time in the same run of this script.
set -euo pipefail
slow=$1 floor=$2 tree=$3 latency=$4 counts=${5:-"16 64 128 256"}
here=$(cd "$(dirname "$0")/.." && pwd)
mnt=$(mktemp -d /tmp/fsnap-nas.XXXXXX)
said=$(mktemp)
"$slow" "$tree" "$mnt" "$latency" 2>/dev/null &
daemon=$!
cleanup() { umount -l "$mnt" 2>/dev/null || true; kill "$daemon" 2>/dev/null || true; rmdir "$mnt" 2>/dev/null || true; rm -f "$said"; }
trap cleanup EXIT
for _ in $(seq 100); do grep -q " $mnt " /proc/mounts && break; sleep 0.1; done
grep -q " $mnt " /proc/mounts || { echo "slow-nas did not mount $mnt" >&2; exit 1; }

seconds() { # runs "$@", prints its wall seconds; what it wrote to stderr is left in $said
  local t0 t1
  t0=$(date +%s.%N); "$@" >/dev/null 2>"$said"; t1=$(date +%s.%N)
  echo "$t0 $t1" | awk '{printf "%.2f", $2 - $1}'
}

declare -A wall
best=""
for n in $counts; do
  w=$(seconds "$floor" "$mnt" "$n"); wall["floor $n"]=$w
  if [ -z "$best" ] || awk "BEGIN{exit !($w < $best)}"; then best=$w; fi
  wall["fsnap $n"]=$(seconds "$here/fsnap" scan "$mnt" --threads "$n")
done
wall["fsnap default"]=$(seconds "$here/fsnap" scan "$mnt")
# The default run's summary line gives the entry count and the thread count it chose.
entries=$(sed -n 's/^fsnap: \([0-9]*\) entries.*/\1/p' "$said")
default_threads=$(sed -n 's/.* \([0-9]*\) threads (\(.*\))$/\1 (\2)/p' "$said")
wall["nio 64"]=$(seconds "$here/fsnap" scan "$mnt" --backend nio --threads 64)

echo "tree: $tree through slow-nas, +${latency} us per operation, $entries entries"

printf '%-16s %8s %12s %10s\n' command wall_s entries/s x_floor
for key in $(for n in $counts; do echo "floor_$n fsnap_$n"; done) fsnap_default nio_64; do
  k=${key/_/ }
  w=${wall[$k]}
  awk -v k="$k" -v w="$w" -v e="$entries" -v b="$best" \
    'BEGIN{printf "%-16s %8.2f %12.0f %10.2f\n", k, w, e / w, w / b}'
done
echo "fsnap default chose: $default_threads"
awk -v d="${wall[fsnap default]}" -v n="${wall[nio 64]}" 'BEGIN{printf "fsnap default / nio 64: %.2f\n", d / n}'
