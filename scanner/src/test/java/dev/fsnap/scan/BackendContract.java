package dev.fsnap.scan;

import dev.fsnap.testdata.TreeBuilder;
import dev.fsnap.testdata.TreeGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What every backend must do, run against each by subclassing: the same entries, every field equal
 * to what {@code lstat} (through NIO's {@code unix:*} view) reports, on real trees.
 */
abstract class BackendContract {
    @TempDir
    Path dir;

    abstract Backend backend();

    ScanOptions.Builder options(Path root) {
        return ScanOptions.builder(root).backend(backend()).threads(3);
    }

    /** Scans and collects entries and errors by display path. */
    record Result(Map<String, Entry> entries, List<ScanError> errors, ScanSummary summary) {
    }

    Result scan(ScanOptions options) throws Exception {
        Map<String, Entry> entries = new HashMap<>();
        List<ScanError> errors = new ArrayList<>();
        ScanSummary summary = Scanner.of(options).scan(new EntryVisitor() {
            @Override
            public void visit(Entry entry) {
                Entry previous = entries.put(entry.displayPath(), entry);
                if (previous != null) {
                    throw new AssertionError("delivered twice: " + entry.displayPath());
                }
            }

            @Override
            public void error(ScanError error) {
                errors.add(error);
            }
        });
        return new Result(entries, errors, summary);
    }

    Path everyKind() {
        return TreeBuilder.at(dir.resolve("tree"))
                .file("empty", 0)
                .file("one", 1)
                .file("a/b/c/deep.txt", 4097)
                .sparseFile("big.sparse", 5L << 30)
                .dir("empty-dir")
                .symlink("link-to-file", "one")
                .symlink("link-to-dir", "a")
                .symlink("dangling", "does/not/exist")
                .hardLink("a/hard", "one")
                .fifo("pipe")
                .socket("sock")
                .file("name with spaces and \\ backslash\nnewline", 3)
                .root();
    }

    @Test
    void everyFieldOfEveryEntryEqualsLstat() throws Exception {
        Path root = everyKind();
        Files.setLastModifiedTime(root.resolve("one"), FileTime.from(1_500_000_000_123_456_789L, TimeUnit.NANOSECONDS));
        Result r = scan(options(root).build());

        List<String> expected;
        try (Stream<Path> walk = Files.walk(root)) {
            expected = walk.map(p -> root.equals(p) ? "." : root.relativize(p).toString()).sorted()
                    .collect(Collectors.toList());
        }
        assertEquals(expected, r.entries().keySet().stream().sorted().collect(Collectors.toList()));
        assertTrue(r.errors().isEmpty(), () -> "errors: " + r.errors());

        for (Entry e : r.entries().values()) {
            Path p = e.path().length == 0 ? root : root.resolve(e.displayPath());
            Map<String, Object> a = Files.readAttributes(p, "unix:*", LinkOption.NOFOLLOW_LINKS);
            String what = e.displayPath();
            assertEquals(((Number) a.get("mode")).intValue(), e.mode(), what + " mode");
            assertEquals(EntryType.ofMode(e.mode()), e.type(), what + " type");
            assertEquals(((Number) a.get("size")).longValue(), e.size(), what + " size");
            assertEquals(((Number) a.get("ino")).longValue(), e.inode(), what + " ino");
            assertEquals(((Number) a.get("dev")).longValue(), e.device(), what + " dev");
            assertEquals(((Number) a.get("uid")).longValue(), e.uid(), what + " uid");
            assertEquals(((Number) a.get("gid")).longValue(), e.gid(), what + " gid");
            assertEquals(((Number) a.get("nlink")).longValue(), e.linkCount(), what + " nlink");
            assertEquals(((FileTime) a.get("lastModifiedTime")).to(TimeUnit.NANOSECONDS),
                    e.mtimeSec() * 1_000_000_000L + e.mtimeNsec(), what + " mtime");
            assertEquals(((FileTime) a.get("ctime")).to(TimeUnit.NANOSECONDS),
                    e.ctimeSec() * 1_000_000_000L + e.ctimeNsec(), what + " ctime");
            if (e.type() == EntryType.SYMLINK) {
                assertArrayEquals(Files.readSymbolicLink(p).toString().getBytes(StandardCharsets.UTF_8), e.target(),
                        what + " target");
            } else {
                assertNull(e.target(), what + " has no target");
            }
        }
        Map<String, EntryType> types = r.entries().values().stream()
                .collect(Collectors.toMap(Entry::displayPath, Entry::type));
        assertEquals(EntryType.DIRECTORY, types.get("."));
        assertEquals(EntryType.FIFO, types.get("pipe"));
        assertEquals(EntryType.SOCKET, types.get("sock"));
        assertEquals(EntryType.SYMLINK, types.get("link-to-dir"), "links are not followed by default");
        assertEquals(EntryType.DIRECTORY, types.get("empty-dir"));
        assertEquals(5L << 30, r.entries().get("big.sparse").size());
        assertEquals(1_500_000_000L, r.entries().get("one").mtimeSec());
        assertEquals(123_456_789, r.entries().get("one").mtimeNsec());
        assertEquals(r.entries().get("one").inode(), r.entries().get("a/hard").inode(), "hard links share an inode");
        assertEquals(2, r.entries().get("one").linkCount());
        assertEquals(backend(), r.summary().backend());
    }

    @Test
    void summaryCountsAGeneratedTree() throws Exception {
        TreeGenerator.Shape shape = TreeGenerator.generate(dir.resolve("gen"), 2_000);
        Result r = scan(options(dir.resolve("gen")).build());
        assertEquals(shape.entries(), r.summary().entries());
        assertEquals(shape.entries(), r.entries().size());
        assertEquals(shape.directories(), r.summary().directories());
        assertEquals(0, r.summary().errors());
        long bytes = r.entries().values().stream().filter(e -> e.type() == EntryType.FILE).mapToLong(Entry::size).sum();
        assertEquals(bytes, r.summary().bytes());
        assertTrue(r.summary().complete());
    }

    /** Ten thousand entries in one directory: more than one listing chunk, every entry exactly once. */
    @Test
    void aWideDirectoryIsSplitIntoChunksAndLosesNothing() throws Exception {
        Path wide = Files.createDirectories(dir.resolve("wide"));
        for (int i = 0; i < 10_000; i++) {
            Files.createFile(wide.resolve(String.format("file-number-%05d.dat", i)));
        }
        Files.createDirectories(wide.resolve("sub/inner"));
        Result r = scan(options(wide).build());
        assertEquals(10_000 + 3, r.entries().size());
        assertEquals(10_000 + 3, r.summary().entries());
        assertTrue(r.entries().containsKey("sub/inner"));
        assertTrue(r.entries().containsKey("file-number-09999.dat"));
    }

    @Test
    void countingOnlyGivesTheSameSummary() throws Exception {
        TreeGenerator.generate(dir.resolve("gen"), 500);
        ScanSummary counted = Scanner.of(options(dir.resolve("gen")).build()).scan(null);
        Result visited = scan(options(dir.resolve("gen")).build());
        assertEquals(visited.summary().entries(), counted.entries());
        assertEquals(visited.summary().bytes(), counted.bytes());
    }

    @Test
    void followingLinksDescendsAndDetectsLoops() throws Exception {
        Path root = TreeBuilder.at(dir.resolve("follow"))
                .file("real/inside.txt", 5)
                .symlink("alias", "real")
                .symlink("real/loop", "..")
                .symlink("broken", "nowhere")
                .root();
        Result plain = scan(options(root).build());
        assertTrue(!plain.entries().containsKey("alias/inside.txt"), "not followed by default");
        assertTrue(plain.errors().isEmpty());

        Result followed = scan(options(root).followSymlinks(true).build());
        assertEquals(EntryType.DIRECTORY, followed.entries().get("alias").type());
        assertTrue(followed.entries().containsKey("alias/inside.txt"), "followed into the target");
        assertEquals(EntryType.SYMLINK, followed.entries().get("broken").type(), "a dangling link stays a link");
        List<String> loops = followed.errors().stream().filter(e -> e.code().equals("ELOOP"))
                .map(ScanError::displayPath).sorted().collect(Collectors.toList());
        assertEquals(List.of("alias/loop", "real/loop"), loops, "each loop reported once, not followed");
    }

    @Test
    void oneFileSystemStaysOnTheRootDevice() throws Exception {
        // /dev is a separate filesystem (devtmpfs) on Linux; a link to it is followed only in follow mode.
        Path root = TreeBuilder.at(dir.resolve("xdev")).file("here", 1).symlink("devices", "/dev").root();
        Result r = scan(options(root).followSymlinks(true).oneFileSystem(true).build());
        long rootDevice = r.entries().get(".").device();
        Entry devices = r.entries().get("devices");
        if (devices.device() == rootDevice) {
            return; // this machine has /dev on the same device: nothing to cross
        }
        assertTrue(r.entries().keySet().stream().noneMatch(k -> k.startsWith("devices/")), "did not cross");
        assertTrue(r.entries().values().stream().allMatch(e -> e.device() == rootDevice || e.displayPath().equals("devices")));
    }

    @Test
    void badRootsThrowExceptionsNamingThePath() throws Exception {
        Path missing = dir.resolve("missing");
        NoSuchFileException nsf = assertThrows(NoSuchFileException.class,
                () -> Scanner.of(options(missing).build()).start(null));
        assertEquals(missing.toString(), nsf.getFile());
        Path file = Files.write(dir.resolve("plain"), new byte[1]);
        NotDirectoryException nd = assertThrows(NotDirectoryException.class,
                () -> Scanner.of(options(file).build()).start(null));
        assertEquals(file.toString(), nd.getFile());
    }

    @Test
    void aVisitorThatThrowsStopsTheScanAndIsRethrown() throws Exception {
        TreeGenerator.generate(dir.resolve("gen"), 300);
        Scan scan = Scanner.of(options(dir.resolve("gen")).build()).start((EntryVisitor) e -> {
            throw new IllegalStateException("visitor failed on " + e.displayPath());
        });
        IllegalStateException e = assertThrows(IllegalStateException.class, scan::await);
        assertTrue(e.getMessage().startsWith("visitor failed on"));
    }

    @Test
    void cancelStopsPromptlyAndSaysSo() throws Exception {
        TreeGenerator.generate(dir.resolve("gen"), 3_000);
        Scan scan = Scanner.of(options(dir.resolve("gen")).threads(1).build()).start(null);
        scan.cancel();
        ScanSummary s = scan.await();
        assertTrue(s.cancelled());
        assertTrue(!s.complete());
        assertTrue(s.entries() < 3_000 + 400, "cancelled before reading everything: " + s.entries());
    }

    static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    @Test
    void unreadableRootIsAccessDeniedForOrdinaryUsers() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeFalse(isRoot(), "root reads every directory");
        Path locked = Files.createDirectories(dir.resolve("locked"));
        Files.setPosixFilePermissions(locked, java.util.Set.of());
        try {
            assertThrows(AccessDeniedException.class, () -> Scanner.of(options(locked).build()).start(null));
        } finally {
            Files.setPosixFilePermissions(locked, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        }
    }
}
