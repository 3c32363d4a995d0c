package dev.fsnap.jmh;

import dev.fsnap.scan.ScanOptions;
import dev.fsnap.scan.ScanSummary;
import dev.fsnap.snapshot.Snapshot;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writing and reading snapshots, in entries per second. {@code write} is a scan that writes a
 * snapshot as it goes (compare with {@link ScanBenchmark} for what writing adds); {@code read}
 * opens a snapshot and walks every entry. Snapshots go to a temporary directory, never into the tree.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@Warmup(iterations = 2)
@Measurement(iterations = 5)
@Fork(1)
public class SnapshotBenchmark {
    /** Worker threads of the scans that write. */
    @Param({"2"})
    public int threads;

    private Path scratch;
    private Path written;
    private Path existing;

    /**
     * Writes the snapshot the reading benchmark opens.
     *
     * @param tree the tree to snapshot
     * @throws IOException when it cannot be written
     * @throws InterruptedException when interrupted while scanning
     */
    @Setup(Level.Trial)
    public void setUp(Tree tree) throws IOException, InterruptedException {
        scratch = Files.createTempDirectory("fsnap-bench-snap");
        written = scratch.resolve("written.snap");
        existing = scratch.resolve("existing.snap");
        write(tree, existing);
    }

    /**
     * Removes the snapshots.
     *
     * @throws IOException when they cannot be removed
     */
    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        Trees.delete(scratch);
    }

    private ScanSummary write(Tree tree, Path target) throws IOException, InterruptedException {
        return Trees.snapshot(ScanOptions.builder(tree.path).threads(threads).build(), target);
    }

    /**
     * A scan writing a snapshot: temporary file, every block checksummed, fsync, rename.
     *
     * @param tree the tree to snapshot
     * @param counted the entries written, the secondary score
     * @return the scan's summary, for the blackhole
     * @throws IOException when the snapshot cannot be written
     * @throws InterruptedException when interrupted while scanning
     */
    @Benchmark
    @OperationsPerInvocation(Trees.GENERATED_ENTRIES)
    public ScanSummary write(Tree tree, Entries counted) throws IOException, InterruptedException {
        ScanSummary s = write(tree, written);
        counted.entries += s.entries();
        return s;
    }

    /**
     * Opens a snapshot and walks every entry in order.
     *
     * @param counted the entries read, the secondary score
     * @return the entries walked, for the blackhole
     * @throws IOException when the snapshot cannot be read
     */
    @Benchmark
    @OperationsPerInvocation(Trees.GENERATED_ENTRIES)
    public long read(Entries counted) throws IOException {
        long[] n = new long[1];
        try (Snapshot s = Snapshot.open(existing)) {
            s.walk(e -> n[0]++);
        }
        counted.entries += n[0];
        return n[0];
    }
}
