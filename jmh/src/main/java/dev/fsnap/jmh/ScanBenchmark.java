package dev.fsnap.jmh;

import dev.fsnap.scan.Backend;
import dev.fsnap.scan.ScanOptions;
import dev.fsnap.scan.ScanSummary;
import dev.fsnap.scan.Scanner;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A full scan, counting only, in entries per second. The listing buffer and the stat call are the
 * native backend's: with {@code backend=NIO} they change nothing.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@Warmup(iterations = 2)
@Measurement(iterations = 5)
@Fork(1)
public class ScanBenchmark {
    /** The backend that lists and stats. */
    @Param({"NATIVE", "NIO"})
    public Backend backend;

    /** Worker threads. */
    @Param({"2"})
    public int threads;

    /** Bytes asked of each {@code getdents64}. */
    @Param({"65536"})
    public int bufferSize;

    /** The native backend's stat call: FSTATAT or STATX (a choice the NIO backend does not have). */
    @Param({"FSTATAT"})
    public String statCall;

    /**
     * Scores read as entries/s on the generated tree; for {@code -p root}, read {@code ·entries}.
     *
     * @param tree the tree to scan
     * @param counted the entries scanned, the secondary score
     * @return the scan's summary, for the blackhole
     * @throws Exception when the scan fails
     */
    @Benchmark
    @OperationsPerInvocation(Trees.GENERATED_ENTRIES)
    public ScanSummary scan(Tree tree, Entries counted) throws Exception {
        ScanOptions.Builder options = ScanOptions.builder(tree.path).backend(backend).threads(threads);
        if (backend != Backend.NIO) {
            options.bufferSize(bufferSize).statx("STATX".equalsIgnoreCase(statCall));
        }
        ScanSummary s = Scanner.of(options.build()).scan(null);
        counted.entries += s.entries();
        return s;
    }
}
