package dev.fsnap.jmh;

import dev.fsnap.scan.Backend;
import dev.fsnap.scan.ScanOptions;
import dev.fsnap.scan.ScanSummary;
import dev.fsnap.scan.Scanner;
import dev.fsnap.testdata.TreeGenerator;
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
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * A full scan of a tree, in entries per second. By default the tree is generated in {@code @Setup}
 * (the T100K shape: 116,000 entries) and removed in {@code @TearDown}; {@code -p root=/some/dir}
 * scans an existing tree instead, read-only.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@Warmup(iterations = 2)
@Measurement(iterations = 5)
@Fork(1)
public class ScanBenchmark {
    /** Entries in the generated tree: one operation is one entry, so scores read as entries/s. */
    static final int GENERATED_ENTRIES = 116_001; // the root included, as the scan counts it

    @Param({"NATIVE", "NIO"})
    public Backend backend;

    @Param({"2"})
    public int threads;

    /** A tree to scan instead of the generated one; empty to generate. */
    @Param({""})
    public String root;

    private Path tree;
    private boolean generated;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        if (root.isEmpty()) {
            tree = Files.createTempDirectory("fsnap-bench");
            TreeGenerator.Shape shape = TreeGenerator.generate(tree, 100_000);
            if (shape.entries() != GENERATED_ENTRIES) {
                throw new IllegalStateException("generated " + shape.entries() + " entries, expected "
                        + GENERATED_ENTRIES);
            }
            generated = true;
        } else {
            tree = Path.of(root);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        if (generated) {
            Files.walkFileTree(tree, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                    Files.delete(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        }
    }

    /** A full scan, counting only. For a tree given with {@code -p root}, divide by its entry count. */
    @Benchmark
    @OperationsPerInvocation(GENERATED_ENTRIES)
    public ScanSummary scan() throws Exception {
        return Scanner.of(ScanOptions.builder(tree).backend(backend).threads(threads).build()).scan(null);
    }
}
