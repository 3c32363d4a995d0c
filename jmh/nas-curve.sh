#!/usr/bin/env bash
# Wall time and round trips on a NAS-like filesystem: TREE mounted through the NFS-like fixture
# (testdata's nfs-like-nas.c: every request an NFSv3 client sends an RPC for waits LATENCY_US),
# scanned by the C floor at each thread count, by fsnap at its defaults, by fsnap with
# --sync-attributes, by fsnap with its stats through io_uring (--stat uring), and by fsnap's NIO backend (a ForkJoin NIO walk) on 64 threads. Each command
# gets a fresh mount (nothing cached from the one before), and each line gives the round trips the
# fixture counted, per entry.
#
#   cc -O2 -Wall testdata/src/main/resources/dev/fsnap/testdata/fuse/nfs-like-nas.c -o /tmp/nfs-like-nas \
#       $(pkg-config --cflags --libs fuse3) -lpthread
#   cc -O2 -pthread floor.c -o /tmp/floor
#   jmh/nas-curve.sh /tmp/nfs-like-nas /tmp/floor /tmp/t100k 1000 fresh "16 64 128 256"
#
# MODE is what the client keeps:
#   plain    listings carry names only (READDIR), nothing cached: every stat is a LOOKUP
#   fresh    listings carry attributes (READDIRPLUS), names and attributes valid for the scan
#   expired  listings carry attributes, names valid, attributes expired at once (actimeo past):
#            a plain stat is a GETATTR, one that takes the client's attributes is not
# Directory operations run in parallel, as on a Linux NFS client (PARALLEL=off serializes them);
# the kernel's permission checks are off (default_permissions would ask a GETATTR of each directory
# for every name with attributes expired, which an NFS client's access cache does not).
#
# Needs root (or user_allow_other) and /dev/fuse. Ratios are to the floor's best wall time in the
# same run of this script; the fsnap lines time the JVM as the launcher starts it (jmh/jvm.sh).
set -euo pipefail
nas=${1:?usage: nas-curve.sh NAS FLOOR TREE LATENCY_US MODE [COUNTS]}
floor=${2:?} tree=${3:?} latency=${4:?} mode=${5:?} counts=${6:-"16 64 128 256"}
here=$(cd "$(dirname "$0")/.." && pwd)
. "$here/jmh/jvm.sh"
jar="$here/scanner/target/fsnap.jar"
[ -f "$jar" ] || { echo "no $jar: mvn -DskipTests install" >&2; exit 2; }
case $mode in
  plain) cache=(--readdirplus off) ;;
  fresh) cache=(--readdirplus on --entry-timeout 600 --attr-timeout 600) ;;
  expired) cache=(--readdirplus on --entry-timeout 600 --attr-timeout 0) ;;
  *) echo "MODE must be plain, fresh or expired, not '$mode'" >&2; exit 2 ;;
esac
opts=(--latency-us "$latency" --parallel-dirops "${PARALLEL:-on}" --default-permissions off "${cache[@]}")
mnt=$(mktemp -d /tmp/fsnap-nas.XXXXXX)
counters=$(mktemp)
said=$(mktemp)
daemon=
cleanup() {
  umount -l "$mnt" 2>/dev/null || true
  [ -n "$daemon" ] && kill "$daemon" 2>/dev/null || true
  rmdir "$mnt" 2>/dev/null || true
  rm -f "$counters" "$said"
}
trap cleanup EXIT

# The round trips counted so far: every request an NFS client sends an RPC for (NfsLikeNas.Counts).
round_trips() {
  python3 - "$counters" <<'EOF'
import struct, sys
b = open(sys.argv[1], 'rb').read()
w = struct.unpack('<%dQ' % (len(b) // 8), b)
lookup, getattr_, _, readdir, readdirplus, dir_eof, _, _, open_, read, _, readlink, getxattr, listxattr, statfs = w[4:19]
print(lookup + getattr_ + readdir + readdirplus - dir_eof + open_ + read + readlink + getxattr + listxattr + statfs)
EOF
}

# Mounts TREE afresh, runs "$@" on it, unmounts; prints "wall_seconds round_trips".
measure() {
  "$nas" "${opts[@]}" --counters "$counters" "$tree" "$mnt" 2>/dev/null &
  daemon=$!
  for _ in $(seq 100); do grep -q " $mnt " /proc/mounts && break; sleep 0.05; done
  grep -q " $mnt " /proc/mounts || { echo "nfs-like-nas did not mount $mnt" >&2; exit 1; }
  local t0 t1 before after
  before=$(round_trips)
  t0=$(date +%s.%N); "$@" >/dev/null 2>"$said" || true; t1=$(date +%s.%N)
  after=$(round_trips)
  umount "$mnt"; wait "$daemon" 2>/dev/null || true; daemon=
  echo "$t0 $t1 $before $after" | awk '{printf "%.2f %d\n", $2 - $1, $4 - $3}'
}

declare -A wall trips
best=""
for n in $counts; do
  read -r w r < <(measure "$floor" "$mnt" "$n"); wall["floor $n"]=$w; trips["floor $n"]=$r
  if [ -z "$best" ] || awk "BEGIN{exit !($w < $best)}"; then best=$w; fi
done
read -r w r < <(measure fsnap_jvm "$jar" scan "$mnt"); wall["fsnap default"]=$w; trips["fsnap default"]=$r
entries=$(sed -n 's/^fsnap: \([0-9]*\) entries.*/\1/p' "$said")
chose=$(sed -n 's/.*backend \(.*\)$/\1/p' "$said")
read -r w r < <(measure fsnap_jvm "$jar" scan "$mnt" --sync-attributes); wall["fsnap sync"]=$w; trips["fsnap sync"]=$r
read -r w r < <(measure fsnap_jvm "$jar" scan "$mnt" --stat uring); wall["fsnap uring"]=$w; trips["fsnap uring"]=$r
read -r w r < <(measure fsnap_jvm "$jar" scan "$mnt" --backend nio --threads 64); wall["nio 64"]=$w; trips["nio 64"]=$r

echo "tree: $tree through nfs-like-nas ($mode, parallel lookups ${PARALLEL:-on}), +${latency} us per round trip, $entries entries"
printf '%-16s %8s %12s %8s %12s %12s\n' command wall_s entries/s x_floor round_trips trips/entry
for key in $(for n in $counts; do echo "floor_$n"; done) fsnap_default fsnap_sync fsnap_uring nio_64; do
  k=${key/_/ }
  awk -v k="$k" -v w="${wall[$k]}" -v r="${trips[$k]}" -v e="$entries" -v b="$best" \
    'BEGIN{printf "%-16s %8.2f %12.0f %8.2f %12d %12.3f\n", k, w, e / w, w / b, r, r / e}'
done
echo "fsnap default: backend $chose"
awk -v d="${wall[fsnap default]}" -v n="${wall[nio 64]}" 'BEGIN{printf "fsnap default / nio 64: %.2f\n", d / n}'
