package dev.fsnap.snapshot;

import dev.fsnap.scan.Entry;
import dev.fsnap.scan.Field;
import dev.fsnap.scan.ScanError;
import dev.fsnap.scan.ScanOptions;
import dev.fsnap.scan.ScanSummary;
import dev.fsnap.testdata.TreeBuilder;
import dev.fsnap.testdata.TreeGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A snapshot holds exactly what the scan saw, and answers lookups without reading the whole file. */
class SnapshotTest {
    @TempDir
    Path dir;

    static Path oddTree(Path root) throws Exception {
        TreeBuilder.at(root).file("a/one", 1).file("a/zero", 0).sparseFile("a/big", 5L << 30)
                .dir("empty").symlink("a/link", "one").symlink("dangling", "nowhere/at/all")
                .hardLink("a/one-again", "a/one").fifo("pipe").file("name with\nnewline", 2)
                .file("-leading-dash", 3).file("back\\slash", 4).file("x".repeat(255), 5);
        Process p = new ProcessBuilder("bash", "-c", "cd \"$1\" && mkdir $'d\\xff' && touch $'d\\xff/n\\xfe'", "_",
                root.toString()).start();
        assertEquals(0, p.waitFor());
        return root;
    }

    @Test
    void everyFieldOfEveryEntryRoundTripsByteExact() throws Exception {
        Path root = oddTree(dir.resolve("t"));
        ScanOptions options = Snapshots.options(root);
        Map<String, Entry> live = Snapshots.scan(options);
        Path file = dir.resolve("snap");
        ScanSummary summary = Snapshots.take(options, file, Duration.ZERO);
        List<ScanError> unreadable = new ArrayList<>();
        Map<String, Entry> stored = Snapshots.read(file, unreadable);
        assertEquals(live, stored);
        assertTrue(unreadable.isEmpty(), unreadable.toString());
        assertEquals(summary.entries(), stored.size());
        try (Snapshot s = Snapshot.open(file)) {
            assertEquals(root.toAbsolutePath().toString(), s.root());
            assertEquals(summary.entries(), s.entries());
            assertEquals(summary.directories(), s.directories());
            assertEquals(summary.bytes(), s.bytes());
            assertEquals(0, s.errors());
            assertTrue(s.backend().startsWith(summary.backend().name()), s.backend());
            assertTrue(s.options().contains("threads=2"), s.options());
            assertFalse(s.finished().isBefore(s.started()));
            assertEquals(live.get(""), s.rootEntry());
        }
    }

    @Test
    void theFileIsPrivateAndNoTemporaryIsLeft() throws Exception {
        Path root = TreeBuilder.at(dir.resolve("t")).file("f", 1).root();
        Path file = dir.resolve("out/snap");
        Files.createDirectories(file.getParent());
        Snapshots.take(root, file, Duration.ZERO);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        try (var s = Files.list(file.getParent())) {
            assertEquals(List.of(file), s.toList());
        }
    }

    @Test
    void lookupFindsOnePathAndSaysWhatItDoesNotKnow() throws Exception {
        Path root = oddTree(dir.resolve("t"));
        ScanOptions options = Snapshots.options(root);
        Map<String, Entry> live = Snapshots.scan(options);
        Path file = dir.resolve("snap");
        Snapshots.take(options, file, Duration.ZERO);
        try (Snapshot s = Snapshot.open(file)) {
            for (Entry e : live.values()) {
                Snapshot.Lookup l = s.lookup(e.path());
                assertEquals(Snapshot.Status.FOUND, l.status(), e.displayPath());
                assertEquals(e, l.entry());
            }
            assertEquals(Snapshot.Status.ABSENT, s.lookup(bytes("a/missing")).status());
            assertEquals(Snapshot.Status.ABSENT, s.lookup(bytes("a/one/below-a-file")).status());
            assertEquals(Snapshot.Status.ABSENT, s.lookup(bytes("nothing/here")).status());
            assertThrows(IllegalArgumentException.class, () -> s.lookup(bytes("a//one")));
            assertThrows(IllegalArgumentException.class, () -> s.lookup(bytes("/a")));
        }
    }

    @Test
    void anUnreadableSubtreeIsRecordedAsUnreadableNeverAsEmpty() throws Exception {
        // A link loop under --follow is a directory the scan cannot enter, as root or not.
        Path root = TreeBuilder.at(dir.resolve("t")).file("real/f", 1).symlink("real/up", "..").root();
        ScanOptions options = ScanOptions.builder(root).threads(2).followSymlinks(true).build();
        Path file = dir.resolve("snap");
        ScanSummary summary = Snapshots.take(options, file, Duration.ZERO);
        assertEquals(1, summary.errors());
        List<ScanError> unreadable = new ArrayList<>();
        Snapshots.read(file, unreadable);
        assertEquals(1, unreadable.size(), unreadable.toString());
        assertEquals("real/up", unreadable.get(0).displayPath());
        assertEquals("ELOOP", unreadable.get(0).code());
        try (Snapshot s = Snapshot.open(file)) {
            assertEquals(1, s.errors());
            assertEquals(List.of(unreadable.get(0).displayPath()),
                    s.unreadable().stream().map(ScanError::displayPath).toList());
            Snapshot.Lookup below = s.lookup(bytes("real/up/f"));
            assertEquals(Snapshot.Status.UNREADABLE, below.status());
            assertEquals("ELOOP", below.error().code());
            assertNull(below.entry());
        }
    }

    @Test
    void aLargeTreeTakesFewBytesPerEntry() throws Exception {
        TreeGenerator.Shape shape = TreeGenerator.generate(dir.resolve("t"), 3_000);
        Path file = dir.resolve("snap");
        ScanSummary s = Snapshots.take(dir.resolve("t"), file, Duration.ZERO);
        assertEquals(shape.files() + shape.directories(), s.entries());
        double perEntry = (double) Files.size(file) / s.entries();
        assertTrue(perEntry <= 24, perEntry + " bytes per entry");
        List<ScanError> unreadable = new ArrayList<>();
        assertEquals(s.entries(), Snapshots.read(file, unreadable).size());
    }

    @Test
    void aCancelledScanIsNotCommittedAndTheOldSnapshotStays() throws Exception {
        Path root = TreeBuilder.at(dir.resolve("t")).file("f", 1).root();
        Path file = dir.resolve("snap");
        Snapshots.take(root, file, Duration.ZERO);
        byte[] before = Files.readAllBytes(file);
        ScanOptions options = Snapshots.options(root);
        try (SnapshotWriter w = SnapshotWriter.create(file, options)) {
            dev.fsnap.scan.Scan[] scan = new dev.fsnap.scan.Scan[1];
            java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(1);
            scan[0] = dev.fsnap.scan.Scanner.of(options).start(new dev.fsnap.walk.DirectoryVisitor() {
                @Override
                public void root(Entry e) {
                    awaitQuietly(started);
                    scan[0].cancel(); // as Ctrl-C would, before any directory is written
                    w.root(e);
                }

                @Override
                public Object directory(dev.fsnap.walk.DirectoryListing l) {
                    return w.directory(l);
                }
            });
            started.countDown();
            ScanSummary s = scan[0].await();
            assertTrue(s.cancelled());
            assertThrows(IllegalStateException.class, () -> w.commit(s));
        }
        assertNotNull(before);
        assertEquals(List.of(file), Files.list(dir).filter(p -> !p.equals(root)).toList());
        assertTrue(java.util.Arrays.equals(before, Files.readAllBytes(file)));
    }

    private static void awaitQuietly(java.util.concurrent.CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** A snapshot written by the release before rules were recorded (format version 1) still reads. */
    @Test
    void aVersionOneSnapshotIsStillRead() throws Exception {
        Path v1 = dir.resolve("version-1.snap");
        try (var in = SnapshotTest.class.getResourceAsStream("version-1.snap")) {
            Files.copy(in, v1);
        }
        try (Snapshot s = Snapshot.open(v1)) {
            assertTrue(s.rules().isEmpty());
            assertEquals(4, s.entries());
            List<String> walked = new ArrayList<>();
            s.walk(e -> walked.add(e.displayPath() + " " + e.type().label() + " " + e.size()));
            assertEquals(List.of(". dir 4096", "empty file 0", "sub dir 4096", "sub/hello.txt file 5"), walked);
            assertEquals(java.time.Instant.parse("2025-01-01T00:00:00Z"),
                    s.lookup("sub/hello.txt".getBytes(StandardCharsets.UTF_8)).entry().mtime());
            try (Snapshot same = Snapshot.open(v1)) {
                assertEquals(0, Differ.compare(s, same, c -> { }).differences());
            }
        }
    }

    /** A snapshot written by the release before absent fields were recorded (format version 2) still reads, every field present. */
    @Test
    void aVersionTwoSnapshotIsStillReadWithEveryFieldPresent() throws Exception {
        Path v2 = dir.resolve("version-2.snap");
        try (var in = SnapshotTest.class.getResourceAsStream("version-2.snap")) {
            Files.copy(in, v2);
        }
        try (Snapshot s = Snapshot.open(v2)) {
            assertEquals(java.util.Set.of(Field.ACL, Field.CAPS, Field.SELINUX, Field.XATTRS, Field.CONTENT),
                    s.absentFields(), "every field of its time present; attributes and content, read since version 5, absent");
            assertEquals(5, s.entries());
            List<String> walked = new ArrayList<>();
            s.walk(e -> walked.add(e.displayPath() + " " + e.type().label() + " " + e.size()
                    + (e.target() == null ? "" : " -> " + new String(e.target(), StandardCharsets.UTF_8))));
            assertEquals(List.of(". dir 4096", "empty file 0", "link symlink 13 -> sub/hello.txt", "sub dir 4096",
                    "sub/hello.txt file 5"), walked);
            try (Snapshot same = Snapshot.open(v2)) {
                assertEquals(0, Differ.compare(s, same, c -> { }).differences());
            }
        }
    }

    /**
     * A snapshot written by the release before extended attributes (format version 4, with statx)
     * still reads: its flags and birth times, a link's target; its attribute fields are absent (not
     * "none"), so a comparison with a snapshot that read them says nothing of them.
     */
    @Test
    void aVersionFourSnapshotIsStillReadItsAttributesAbsent() throws Exception {
        Path v4 = dir.resolve("version-4.snap");
        try (var in = SnapshotTest.class.getResourceAsStream("version-4.snap")) {
            Files.copy(in, v4);
        }
        try (Snapshot s = Snapshot.open(v4)) {
            assertEquals(java.util.Set.of(Field.ACL, Field.CAPS, Field.SELINUX, Field.XATTRS, Field.CONTENT),
                    s.absentFields());
            List<String> walked = new ArrayList<>();
            s.walk(e -> walked.add(e.displayPath() + " " + e.flags() + " " + e.has(Field.BTIME) + " "
                    + e.xattrs(Field.ACL) + (e.target() == null ? "" : " -> " + new String(e.target(),
                    StandardCharsets.UTF_8))));
            assertEquals(List.of(". ------- true null", "flagged --d---- true null",
                    "link ------- true null -> sub/hello.txt", "sub ------- true null",
                    "sub/hello.txt ------- true null"), walked);
            try (Snapshot same = Snapshot.open(v4)) {
                assertEquals(0, Differ.compare(s, same, c -> { }).differences());
            }
        }
    }
}
