package dev.fsnap.jmh;

import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The tree a scan benchmark reads: by default the T100K shape generated in {@code @Setup} and
 * removed in {@code @TearDown}; {@code -p root=/mnt/nas/project} reads an existing tree instead,
 * never writing to it.
 */
@State(Scope.Benchmark)
public class Tree {
    /** A tree to read instead of the generated one; empty to generate. */
    @Param({""})
    public String root;

    Path path;
    /** Entries in the tree, the root included. */
    long entries;
    private boolean generated;

    /**
     * Generates the tree, or counts the entries of the one given.
     *
     * @throws IOException when it cannot be written or read
     * @throws InterruptedException when interrupted while generating
     */
    @Setup(Level.Trial)
    public void setUp() throws IOException, InterruptedException {
        if (root.isEmpty()) {
            path = Trees.generate();
            entries = Trees.GENERATED_ENTRIES;
            generated = true;
        } else {
            path = Path.of(root);
            entries = Trees.count(path);
        }
    }

    /**
     * Removes the tree when it was generated.
     *
     * @throws IOException when it cannot be removed
     */
    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        if (generated) {
            Trees.delete(path);
        }
    }
}
