package dev.fsnap.jmh;

import dev.fsnap.scan.ScanOptions;
import dev.fsnap.snapshot.DiffSummary;
import dev.fsnap.snapshot.Differ;
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
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The diff of two snapshots of the generated tree, in entries of the old snapshot per second: the
 * second one identical, or taken after changing a share of the files (every n-th file in name order
 * gets a new mtime, every other one of those a byte more). Always on a generated tree: it changes files.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@Warmup(iterations = 2)
@Measurement(iterations = 5)
@Fork(1)
public class DiffBenchmark {
    /** Percent of the files changed between the two snapshots. */
    @Param({"0", "0.1", "10"})
    public double changedPercent;

    private Path tree;
    private Path scratch;
    private Path before;
    private Path after;
    /** Changes the setup made, which every diff must find. */
    private long expected;

    /**
     * Generates the tree, snapshots it, changes the files the parameter asks for, snapshots it again.
     *
     * @throws IOException when the tree or a snapshot cannot be written
     * @throws InterruptedException when interrupted while scanning
     */
    @Setup(Level.Trial)
    public void setUp() throws IOException, InterruptedException {
        tree = Trees.generate();
        scratch = Files.createTempDirectory("fsnap-bench-diff");
        before = scratch.resolve("before.snap");
        after = scratch.resolve("after.snap");
        snapshot(before);
        if (changedPercent > 0) {
            List<Path> files;
            try (Stream<Path> walk = Files.walk(tree)) {
                files = walk.filter(Files::isRegularFile).sorted().collect(Collectors.toList());
            }
            int every = (int) Math.round(100 / changedPercent);
            FileTime later = FileTime.fromMillis(System.currentTimeMillis() - 3_600_000);
            for (int i = 0; i < files.size(); i += every) {
                Path f = files.get(i);
                if ((i / every) % 2 == 1) {
                    try (OutputStream out = Files.newOutputStream(f, StandardOpenOption.APPEND)) {
                        out.write('+');
                    }
                }
                Files.setLastModifiedTime(f, later);
                expected++;
            }
        }
        snapshot(after);
    }

    private void snapshot(Path target) throws IOException, InterruptedException {
        Trees.snapshot(ScanOptions.builder(tree).build(), target);
    }

    /**
     * Removes the tree and the snapshots.
     *
     * @throws IOException when they cannot be removed
     */
    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        Trees.delete(scratch);
        Trees.delete(tree);
    }

    /**
     * Opens both snapshots and compares them, counting the changes.
     *
     * @param counted the entries compared, the secondary score
     * @return the comparison's summary, for the blackhole
     * @throws IOException when a snapshot cannot be read
     */
    @Benchmark
    @OperationsPerInvocation(Trees.GENERATED_ENTRIES)
    public DiffSummary diff(Entries counted) throws IOException {
        long[] changes = new long[1];
        DiffSummary s;
        try (Snapshot a = Snapshot.open(before); Snapshot b = Snapshot.open(after)) {
            s = Differ.compare(a, b, c -> changes[0]++);
            counted.entries += a.entries();
        }
        if (s.modified() != expected) {
            throw new IllegalStateException("the diff found " + s.modified() + " modified files, the setup changed "
                    + expected);
        }
        return s;
    }
}
