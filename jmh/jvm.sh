# Sourced by the timing scripts: the JVM as the launcher starts it (its options, its class-data
# archive beside the jar), run directly so that what is timed is the JVM and not the launcher.
#
#   fsnap_jvm JAR ARGS...
fsnap_jvm() {
    local jar=$1 t
    shift
    t=$(dirname "$jar")
    "${JAVA_HOME:+$JAVA_HOME/bin/}java" -XX:+UseSerialGC -Xmn24m -XX:TieredStopAtLevel=1 -Xss512k -XX:-UsePerfData \
        -Djffi.boot.library.path="$(ls -d "$t"/jffi/jni/*-Linux | head -1)" \
        -XX:SharedArchiveFile="$t/fsnap.jsa" -Xshare:auto -Xlog:cds=off -Xlog:cds+dynamic=off -jar "$jar" "$@"
}
export -f fsnap_jvm
