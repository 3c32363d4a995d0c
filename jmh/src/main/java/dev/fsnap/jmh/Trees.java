package dev.fsnap.jmh;

import dev.fsnap.scan.ScanOptions;
import dev.fsnap.scan.ScanSummary;
import dev.fsnap.scan.Scanner;
import dev.fsnap.snapshot.SnapshotScan;
import dev.fsnap.testdata.TreeGenerator;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/** The trees benchmarks run on: generated in a temporary directory, or the operator's own. */
final class Trees {
    /** Files in the generated tree: the T100K shape. */
    static final int GENERATED_FILES = 100_000;
    /** Entries in the generated tree, the root included, as a scan counts them. */
    static final int GENERATED_ENTRIES = 116_001;

    private Trees() {
    }

    /** Generates the T100K shape in a new temporary directory. */
    static Path generate() throws IOException {
        Path tree = Files.createTempDirectory("fsnap-bench");
        TreeGenerator.Shape shape = TreeGenerator.generate(tree, GENERATED_FILES);
        if (shape.entries() != GENERATED_ENTRIES) {
            throw new IllegalStateException("generated " + shape.entries() + " entries, expected " + GENERATED_ENTRIES);
        }
        return tree;
    }

    /** An operator's tree: checked to be a directory, and counted once, so scores can be per entry. */
    static long count(Path root) throws IOException, InterruptedException {
        if (!Files.isDirectory(root)) {
            throw new IllegalArgumentException("-p root=" + root + ": not a directory");
        }
        return Scanner.of(ScanOptions.builder(root).build()).scan(null).entries();
    }

    /** Scans a tree into a snapshot, as {@code fsnap scan -o} does. */
    static ScanSummary snapshot(ScanOptions options, Path target) throws IOException, InterruptedException {
        try (SnapshotScan scan = Scanner.of(options).writingTo(target).start(null)) {
            ScanSummary s = scan.await();
            scan.commit();
            return s;
        }
    }

    /** Removes a generated tree (never an operator's: callers only pass what {@link #generate} made). */
    static void delete(Path tree) throws IOException {
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
