#!/usr/bin/env bash
# What one name that never answers costs a scan on a NAS-like filesystem: the NFS-like fixture
# (testdata's nfs-like-nas.c) serves a tree of 20 small directories, 50 files, a directory "dead"
# and a directory "wide" of 10,000 files, every round trip LATENCY_US late; the lookup of one name
# hangs for good: "dead" in the root, "sub05/f3" in a small directory, "wide/f05000" in the wide
# one. Each is scanned with --op-timeout TIMEOUT, with lookups in parallel (an NFS client) and
# serialized (FUSE without parallel directory operations); the line gives the scan's time beside the
# same scan without the hang, the exit status and what was unreadable.
#
#   cc -O2 -Wall testdata/src/main/resources/dev/fsnap/testdata/fuse/nfs-like-nas.c -o /tmp/nfs-like-nas \
#       $(pkg-config --cflags --libs fuse3) -lpthread
#   jmh/dead-directory.sh /tmp/nfs-like-nas 1000 5
#
# Needs root (or user_allow_other) and /dev/fuse.
set -euo pipefail
nas=${1:?usage: dead-directory.sh NAS LATENCY_US TIMEOUT_S}
latency=${2:-1000} timeout=${3:-5}
here=$(cd "$(dirname "$0")/.." && pwd)
. "$here/jmh/jvm.sh"
jar="$here/scanner/target/fsnap.jar"
work=$(mktemp -d /tmp/fsnap-dead.XXXXXX)
mnt="$work/mnt"
daemon=
cleanup() {
  umount -l "$mnt" 2>/dev/null || true
  [ -n "$daemon" ] && kill "$daemon" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
python3 - "$work/src" <<'EOF'
import os, sys
root = sys.argv[1]
for d in range(1, 21):
    os.makedirs(f"{root}/sub{d:02d}")
    for f in range(1, 11):
        open(f"{root}/sub{d:02d}/f{f}", "w").write("x\n")
for f in range(1, 51):
    open(f"{root}/file{f}", "w").write("y\n")
os.makedirs(f"{root}/dead")
open(f"{root}/dead/inside", "w").write("z\n")
os.makedirs(f"{root}/wide")
for f in range(1, 10001):
    open(f"{root}/wide/f{f:05d}", "w").close()
EOF
mkdir "$mnt"

# scan PARALLEL [HANG]: prints "seconds exit unreadable"
scan() {
  local parallel=$1 hang=${2:-} args=()
  [ -n "$hang" ] && args=(--hang "$hang")
  "$nas" --latency-us "$latency" --parallel-dirops "$parallel" --readdirplus off --default-permissions off \
      "${args[@]}" "$work/src" "$mnt" 2>/dev/null &
  daemon=$!
  for _ in $(seq 100); do grep -q " $mnt " /proc/mounts && break; sleep 0.05; done
  local status=0
  fsnap_jvm "$jar" scan "$mnt" --op-timeout "$timeout" >/dev/null 2>"$work/said" || status=$?
  umount -l "$mnt"; kill "$daemon" 2>/dev/null || true; wait "$daemon" 2>/dev/null || true; daemon=
  local seconds errors
  seconds=$(sed -n 's/^fsnap: [0-9]* entries, [0-9]* directories, [0-9]* errors, \([0-9.]*\) s,.*/\1/p' "$work/said")
  errors=$(sed -n 's/^fsnap: [0-9]* entries, [0-9]* directories, \([0-9]*\) errors,.*/\1/p' "$work/said")
  echo "$seconds $status $errors"
}

printf '%-9s %-12s %9s %9s %9s %5s %11s\n' lookups hung scan_s plain_s extra_s exit unreadable
for parallel in on off; do
  read -r plain _ _ < <(scan "$parallel")
  for hang in dead sub05/f3 wide/f05000; do
    read -r s status errors < <(scan "$parallel" "$hang")
    awk -v p="$parallel" -v h="$hang" -v s="$s" -v b="$plain" -v x="$status" -v e="$errors" \
      'BEGIN{printf "%-9s %-12s %9.2f %9.2f %9.2f %5d %11d\n", p == "on" ? "parallel" : "serial", h, s, b, s - b, x, e}'
  done
done
echo "deadline: --op-timeout $timeout; the target: extra time at most the deadline + 3 s"
