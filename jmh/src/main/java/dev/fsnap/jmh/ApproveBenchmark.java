package dev.fsnap.jmh;

import dev.fsnap.scan.ScanOptions;
import dev.fsnap.snapshot.Change;
import dev.fsnap.snapshot.Differ;
import dev.fsnap.snapshot.Snapshot;
import dev.fsnap.snapshot.SnapshotGraft;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * What an approval of some changes costs against a whole rewrite of the baseline, in milliseconds
 * per operation, both in one run: {@code graft} writes the baseline with the changed entries taken
 * from the later snapshot ({@link SnapshotGraft#graft}, what {@code fsnap approve PATH...} writes),
 * {@code rewrite} writes the same baseline afresh, every block copied ({@link SnapshotGraft#rewrite}).
 * Both snapshots stay open; each operation ends with the written file opened and verified whole.
 *
 * <p>By default on the generated tree, {@code changes} files spread over it given a byte more
 * between its two snapshots. {@code -p base=A.snap -p later=B.snap} takes two snapshots of one
 * tree instead (as {@code jmh/approve-cost.sh} makes of T1M), every difference between them taken.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3)
@Measurement(iterations = 5)
@Fork(1)
public class ApproveBenchmark {
    /** Files changed in the generated tree. */
    @Param({"1000"})
    public int changes;
    /** A baseline to use instead of the generated tree's; empty to generate. */
    @Param({""})
    public String base;
    /** A later snapshot of the same tree, with {@code base}. */
    @Param({""})
    public String later;

    private Path tree;
    private Path scratch;
    private Snapshot was;
    private Snapshot now;
    private final List<byte[]> paths = new ArrayList<>();
    /** The directories moved: taken with what they hold, as an approval takes them. */
    private final List<byte[]> trees = new ArrayList<>();

    /**
     * Makes (or opens) the two snapshots and lists the paths their comparison names.
     *
     * @throws IOException when the tree or a snapshot cannot be written or read
     * @throws InterruptedException when interrupted while scanning
     */
    @Setup(Level.Trial)
    public void setUp() throws IOException, InterruptedException {
        scratch = Files.createTempDirectory("fsnap-bench-approve");
        Path before = base.isEmpty() ? scratch.resolve("before.snap") : Path.of(base);
        Path after = later.isEmpty() ? scratch.resolve("after.snap") : Path.of(later);
        if (base.isEmpty()) {
            tree = Trees.generate();
            Trees.snapshot(ScanOptions.builder(tree).build(), before);
            List<Path> files;
            try (Stream<Path> walk = Files.walk(tree)) {
                files = walk.filter(Files::isRegularFile).sorted().collect(Collectors.toList());
            }
            int every = Math.max(1, files.size() / changes);
            for (int i = 0, n = 0; i < files.size() && n < changes; i += every, n++) {
                try (OutputStream out = Files.newOutputStream(files.get(i), StandardOpenOption.APPEND)) {
                    out.write('+');
                }
            }
            Trees.snapshot(ScanOptions.builder(tree).build(), after);
        }
        was = Snapshot.open(before);
        now = Snapshot.open(after);
        Differ.compare(was, now, c -> {
            paths.add(c.path());
            if (c instanceof Change.Moved m) {
                paths.add(m.from());
                if (m.after().type() == dev.fsnap.scan.EntryType.DIRECTORY) {
                    trees.add(m.path());
                }
            }
        });
    }

    /**
     * Closes the snapshots; removes what the setup made.
     *
     * @throws IOException when they cannot be removed
     */
    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        was.close();
        now.close();
        Trees.delete(scratch);
        if (tree != null) {
            Trees.delete(tree);
        }
    }

    /**
     * @return what the graft wrote, for the blackhole
     * @throws IOException when it cannot be written
     */
    @Benchmark
    public SnapshotGraft.Result graft() throws IOException {
        return SnapshotGraft.graft(was, now, paths, trees, scratch.resolve("grafted.snap"));
    }

    /**
     * @return what the rewrite wrote, for the blackhole
     * @throws IOException when it cannot be written
     */
    @Benchmark
    public SnapshotGraft.Result rewrite() throws IOException {
        return SnapshotGraft.rewrite(was, scratch.resolve("rewritten.snap"));
    }
}
