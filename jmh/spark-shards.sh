#!/usr/bin/env bash
# A plan's shards through Spark, submitted as spark-submit submits (Spark's own launcher builds the
# java command), on a standalone cluster in local-cluster mode (a master and two workers in the
# driver's JVM, each worker starting an executor JVM of its own):
#
#   jmh/spark-shards.sh TREE [SHARDS] [MASTER]
#
# Needs the module built (mvn -pl scanner-spark -am package): SPARK_HOME defaults to the one the
# build makes from the Maven artifacts (scanner-spark/target/spark-home). Plans TREE from a first
# whole scan's counts, submits the job with the module's jar, and checks that the merged snapshot
# has the whole scan's tree hash, that fsnap diff reports nothing and that fsnap ls prints the same.
# Prints the whole scan's time and the job's (the submission, the cluster's start, the shards, the merge).
set -euo pipefail
tree=${1:?usage: spark-shards.sh TREE [SHARDS] [MASTER]}
shards=${2:-8}
master=${3:-local-cluster[2,1,1024]}
here="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
fsnap="$here/fsnap"
export SPARK_HOME="${SPARK_HOME:-$here/scanner-spark/target/spark-home}"
export SPARK_SCALA_VERSION=2.13 SPARK_LOCAL_IP=127.0.0.1
jar=$(ls "$here"/scanner-spark/target/fsnap-scanner-spark-*-all.jar)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$fsnap" scan "$tree" -o "$work/whole.snap" 2>/dev/null # the tree into the page cache
/usr/bin/time -o "$work/whole" -f "%e" "$fsnap" scan "$tree" -o "$work/whole.snap" 2>/dev/null
"$fsnap" plan "$tree" --shards "$shards" --from "$work/whole.snap" -o "$work/plan.json"
# What bin/spark-submit does: Spark's launcher prints the java command, NUL-separated, after a mark
# (a NUL and a newline), and its own exit status is added last.
submit() {
    local cmd=()
    while IFS= read -d '' -r arg; do
        [ ${#cmd[@]} = 0 ] && { arg=${arg#$'\n'}; [ -z "$arg" ] && continue; }
        cmd+=("$arg")
    done < <(java -cp "$SPARK_HOME/jars/*" org.apache.spark.launcher.Main org.apache.spark.deploy.SparkSubmit "$@"
             printf '%d\0' $?)
    [ "${cmd[-1]}" = 0 ] || exit "${cmd[-1]}"
    "${cmd[@]:0:${#cmd[@]}-1}"
}
t0=$(date +%s.%N)
submit --master "$master" --conf spark.executor.memory=768m \
    --conf spark.ui.enabled=false --conf spark.driver.host=127.0.0.1 \
    --class dev.fsnap.spark.ShardScanJob "$jar" "$work/plan.json" "$work/parts" "$work/merged.snap" \
    2> >(grep '^fsnap:' >&2)
python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.2f}')" "$t0" "$(date +%s.%N)" >"$work/spark"
hash() { "$fsnap" verify "$1" | sed 's/.*tree hash \([0-9a-f]*\).*/\1/'; }
[ "$(hash "$work/whole.snap")" = "$(hash "$work/merged.snap")" ] || { echo "tree hashes differ" >&2; exit 1; }
"$fsnap" diff -q "$work/whole.snap" "$work/merged.snap" || { echo "diff reports changes" >&2; exit 1; }
cmp -s <("$fsnap" ls "$work/whole.snap" 2>/dev/null) <("$fsnap" ls "$work/merged.snap" 2>/dev/null) \
    || { echo "ls differs" >&2; exit 1; }
echo "whole scan $(cat "$work/whole") s; through Spark ($master, $shards shards, the merge included) $(cat "$work/spark") s;" \
    "the same tree hash, diff empty, ls identical"
