package dev.fsnap.scan;

import dev.fsnap.snapshot.Snapshot;
import dev.fsnap.snapshot.SnapshotScan;
import dev.fsnap.testdata.TreeBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The descriptors a snapshot is written and read through are close-on-exec, like the scan's. */
class SnapshotDescriptorsTest {
    @TempDir
    Path dir;

    @Test
    void writingAndReadingASnapshotOpensNothingAChildWouldInherit() throws Exception {
        Path root = TreeBuilder.at(dir.resolve("t")).file("a", 1).root();
        Path out = dir.resolve("out");
        java.nio.file.Files.createDirectory(out);
        Path target = out.resolve("s.snap");
        ScanOptions options = ScanOptions.builder(root).threads(1).build();
        try (SnapshotScan scan = Scanner.of(options).writingTo(target)) {
            List<String> open = Descriptors.openBelow(out);
            assertEquals(2, open.size(), "the directory and the unnamed file: " + open);
            assertTrue(open.stream().allMatch(d -> d.endsWith(" cloexec")), open.toString());
            scan.start(null).await();
            scan.commit();
        }
        assertEquals(List.of(), Descriptors.openBelow(out), "all closed after the commit");
        try (Snapshot s = Snapshot.open(target)) {
            List<String> open = Descriptors.openBelow(out);
            assertEquals(1, open.size(), open.toString());
            assertTrue(open.get(0).endsWith(target + " cloexec"), open.toString());
        }
        assertEquals(List.of(), Descriptors.openBelow(out));
    }
}
