#!/usr/bin/env bash
# How long a scan takes to stop after Ctrl-C on a NAS-like filesystem: TREE mounted through slow-nas
# (every operation LATENCY_US late, no caching), a scan writing a snapshot, SIGINT after DELAY
# seconds. Two figures a round: the release launcher's exit (what a shell, cron or systemd waits
# for) and a bare JVM's exit and reaping (java -jar; reaping waits for the FUSE calls in flight).
# The tests assert only that the scan stops with 130 and keeps the previous snapshot; this is the
# promptness figure.
#
#   cc -O2 -Wall jmh/slow-nas.c -o /tmp/slow-nas $(pkg-config --cflags --libs fuse3)
#   python3 mktree.py /tmp/t3k 3000 30 4
#   jmh/stop-promptness.sh /tmp/slow-nas /tmp/t3k 20000 5
#
# Needs root (or user_allow_other) and /dev/fuse. Prints each round, then the medians.
set -euo pipefail
slow=$1 tree=$2 latency=$3 rounds=${4:-5} delay=${DELAY:-1.5}
here=$(cd "$(dirname "$0")/.." && pwd)
jar="${FSNAP_JAR:-$here/scanner/target/fsnap.jar}"
mnt=$(mktemp -d /tmp/fsnap-stop.XXXXXX)
out=$(mktemp -d /tmp/fsnap-stop-out.XXXXXX)
"$slow" "$tree" "$mnt" "$latency" 2>/dev/null &
daemon=$!
cleanup() { umount -l "$mnt" 2>/dev/null || true; kill "$daemon" 2>/dev/null || true; rmdir "$mnt" 2>/dev/null || true; rm -rf "$out"; }
trap cleanup EXIT
for _ in $(seq 100); do grep -q " $mnt " /proc/mounts && break; sleep 0.1; done
grep -q " $mnt " /proc/mounts || { echo "slow-nas did not mount $mnt" >&2; exit 1; }
FSNAP_JAR="$jar" "$here/scanner/src/dist/bin/fsnap" --version >/dev/null # the launcher's one-time preparation

set -m # background jobs keep SIGINT (a non-interactive shell would start them ignoring it)
stopped="" # set by stop: "status seconds"
stop() { # runs "$@" in the background, interrupts it after $delay s (in this shell, not a subshell: job control)
    "$@" >/dev/null 2>&1 &
    local pid=$! t0 t1 rc=0
    sleep "$delay"
    t0=$(date +%s.%N)
    kill -INT "$pid"
    wait "$pid" || rc=$?
    t1=$(date +%s.%N)
    stopped="$rc $(echo "$t0 $t1" | awk '{printf "%.3f", $2 - $1}')"
}
launcher=() bare=()
for r in $(seq "$rounds"); do
    stop env FSNAP_JAR="$jar" "$here/scanner/src/dist/bin/fsnap" scan "$mnt" -o "$out/l.snap"
    read -r lrc ls <<<"$stopped"
    stop java -jar "$jar" scan "$mnt" -o "$out/b.snap"
    read -r brc bs <<<"$stopped"
    echo "round $r: launcher exit $lrc after ${ls} s, bare JVM exit $brc reaped after ${bs} s"
    launcher+=("$ls") bare+=("$bs")
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
echo "median seconds from SIGINT to exit: launcher $(median "${launcher[@]}"), bare JVM reaped $(median "${bare[@]}") (latency ${latency} us, $rounds rounds)"
