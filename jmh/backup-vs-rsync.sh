#!/usr/bin/env bash
# The example backup tool (examples/backup) against rsync, in one run, on one tree:
#   1. `rsync -a TREE MIRROR` makes the mirror and the example's first run fills its store (untimed);
#   2. PERCENT % of the files get a byte appended;
#   3. timed, alternated RUNS times on the same state: `rsync -a TREE MIRROR` (it stats both trees
#      and copies the changed files; then `rsync -a --dry-run` on the unchanged tree) against the
#      example's incremental run (and again on the unchanged tree).
# Between the pair of timings the tree is changed again (another PERCENT %), so both tools see the
# same amount of change each round.
#
#   mvn -DskipTests install
#   jmh/backup-vs-rsync.sh /tmp/t1m 1 3
#
# The example runs with the launcher's JVM options (jmh/jvm.sh), the jar and the example's classes.
set -euo pipefail
tree=${1:?usage: backup-vs-rsync.sh TREE [PERCENT] [RUNS]}
percent=${2:-1} runs=${3:-3}
here=$(cd "$(dirname "$0")/.." && pwd)
jar="$here/scanner/target/fsnap.jar"
classes="$here/examples/backup/target/classes"
[ -f "$jar" ] && [ -d "$classes" ] || { echo "build first: mvn -DskipTests install" >&2; exit 2; }
work=$(mktemp -d /tmp/fsnap-backup.XXXXXX)
trap 'rm -rf "$work"' EXIT
t=$(dirname "$jar")
example() {
  java -XX:+UseSerialGC -Xmn24m -XX:TieredStopAtLevel=1 -Xss512k -XX:-UsePerfData \
      -Djffi.boot.library.path="$(ls -d "$t"/jffi/jni/*-Linux | head -1)" \
      -cp "$jar:$classes" dev.fsnap.example.backup.Backup "$@"
}
seconds() { local t0 t1; t0=$(date +%s.%N); "$@" >/dev/null; t1=$(date +%s.%N); echo "$t1 - $t0" | bc; }
touch_some() { # appends a byte to PERCENT % of the files, chosen anew each time
  find "$tree" -type f | awk -v p="$percent" -v s="$RANDOM" 'BEGIN{srand(s)} rand() * 100 < p' | while read -r f; do
    printf x >> "$f"; done
}
mirror="$work/mirror" store="$work/store"
rsync -a "$tree/" "$mirror/"
example backup "$tree" "$store" >/dev/null
sleep 2.1 # outside the racy window
printf '%-28s %8s\n' command wall_s
for r in $(seq "$runs"); do
  touch_some; sleep 2.1
  # both tools see the same change: rsync first on its copy of this state, then the example
  rs=$(seconds rsync -a "$tree/" "$mirror/")
  ex=$(seconds example backup "$tree" "$store")
  sleep 2.1
  rd=$(seconds rsync -a --dry-run "$tree/" "$mirror/")
  eu=$(seconds example backup "$tree" "$store")
  printf '%-28s %8.2f\n' "rsync -a ($percent % changed)" "$rs" "example backup" "$ex" \
      "rsync -a --dry-run (none)" "$rd" "example backup (none)" "$eu"
  awk -v a="$ex" -v b="$rs" -v c="$eu" -v d="$rd" 'BEGIN{printf "round: changed %.2fx rsync, unchanged %.2fx rsync --dry-run\n", a / b, c / d}'
done
