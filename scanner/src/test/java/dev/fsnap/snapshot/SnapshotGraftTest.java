package dev.fsnap.snapshot;

import dev.fsnap.testdata.TreeBuilder;
import dev.fsnap.testdata.TreeGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A baseline with some of a later scan's entries taken over, on real trees: what an approval of some changes writes. */
class SnapshotGraftTest {
    @TempDir
    Path dir;

    private Path root;
    private Path base;
    private Path later;

    /** A tree, scanned; then every kind of change, scanned again. */
    private void twoScans() throws Exception {
        root = TreeBuilder.at(dir.resolve("t")).file("keep", 1).file("grow", 1).file("gone", 1).file("chmod", 1)
                .file("moved", 7).file("becomes-dir", 1).symlink("link", "keep").file("deep/er/x", 1)
                .file("old/a", 1).file("old/sub/b", 2).file("other/y", 1).root();
        base = dir.resolve("base.snap");
        Snapshots.take(root, base, Duration.ZERO);
        Files.write(root.resolve("grow"), new byte[10]);
        Files.delete(root.resolve("gone"));
        Files.setPosixFilePermissions(root.resolve("chmod"), PosixFilePermissions.fromString("rwx------"));
        Files.move(root.resolve("moved"), root.resolve("other/moved"));
        Files.delete(root.resolve("becomes-dir"));
        Files.createDirectories(root.resolve("becomes-dir/inside"));
        Files.write(root.resolve("becomes-dir/inside/f"), new byte[3]);
        Files.write(root.resolve("deep/er/x"), new byte[2]);
        Files.write(root.resolve("deep/er/new"), new byte[4]);
        Files.createDirectories(root.resolve("added/two"));
        Files.write(root.resolve("added/two/f"), new byte[5]);
        Files.delete(root.resolve("old/sub/b"));
        Files.delete(root.resolve("old/sub"));
        Files.delete(root.resolve("old/a"));
        Files.delete(root.resolve("old"));
        later = dir.resolve("later.snap");
        Snapshots.take(root, later, Duration.ZERO);
    }


    private static Set<String> lines(Path from, Path to) throws Exception {
        Set<String> s = new TreeSet<>();
        for (Change c : Snapshots.diff(from, to)) {
            s.add(c.kind().marker() + " " + (c instanceof Change.Moved m ? Snapshots.key(m.from()) + " -> " : "")
                    + Snapshots.key(c.path()));
        }
        return s;
    }

    private SnapshotGraft.Result graft(Path from, Path to, Path target, List<byte[]> paths) throws Exception {
        try (Snapshot a = Snapshot.open(from); Snapshot b = Snapshot.open(to)) {
            return SnapshotGraft.graft(a, b, paths, Snapshots.movedDirectories(from, to, paths), target);
        }
    }

    private static String hash(Path file) throws Exception {
        try (Snapshot s = Snapshot.open(file)) {
            return s.treeHash();
        }
    }

    private static byte[] p(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void takingEveryChangeGivesTheLaterTreeAndTakingNoneTheBaseline() throws Exception {
        twoScans();
        Path all = dir.resolve("all.snap");
        SnapshotGraft.Result r = graft(base, later, all, Snapshots.changedPaths(base, later));
        assertEquals(hash(later), r.treeHash(), "the same entries hash the same, however the blocks were put together");
        assertEquals(Set.of(), lines(all, later));
        try (Snapshot g = Snapshot.open(all); Snapshot l = Snapshot.open(later)) {
            assertEquals(l.entries(), g.entries());
            assertEquals(l.directories(), g.directories());
            assertEquals(l.bytes(), g.bytes());
            assertEquals(l.errors(), g.errors());
        }
        Path none = dir.resolve("none.snap");
        assertEquals(hash(base), graft(base, later, none, List.of()).treeHash());
        assertEquals(Set.of(), lines(base, none));
    }

    @Test
    void whatIsTakenIsNoLongerADifferenceAndEverythingElseStillIs() throws Exception {
        twoScans();
        Set<String> every = lines(base, later);
        Path g = dir.resolve("g.snap");
        graft(base, later, g, List.of(p("grow"), p("added"), p("added/two"), p("added/two/f"), p("old/sub/b")));
        Set<String> approved = lines(base, g);
        assertEquals(Set.of("M grow", "+ added", "+ added/two", "+ added/two/f", "- old/sub/b"), approved);
        Set<String> left = new TreeSet<>(every);
        left.removeAll(approved);
        assertEquals(left, lines(g, later), "what was not taken is still a difference from the later scan");
    }

    @Test
    void aPathBelowADirectoryTheBaselineLacksBringsTheDirectoryAlong() throws Exception {
        twoScans();
        Path g = dir.resolve("g.snap");
        graft(base, later, g, List.of(p("added/two/f")));
        assertEquals(Set.of("+ added", "+ added/two", "+ added/two/f"), lines(base, g));
        Path d = dir.resolve("d.snap");
        graft(base, later, d, List.of(p("becomes-dir")));
        // a file that became a directory: the directory, empty, its contents not taken
        assertEquals(Set.of("M becomes-dir"), lines(base, d));
        assertTrue(lines(d, later).contains("+ becomes-dir/inside"));
        Path removed = dir.resolve("r.snap");
        graft(base, later, removed, List.of(p("old")));
        assertEquals(Set.of("- old", "- old/a", "- old/sub", "- old/sub/b"), lines(base, removed),
                "a removed directory takes what it held along");
    }

    @Test
    void onlyTheDirectoriesOnTheWayAreWrittenAndTheRestStaysInPlace() throws Exception {
        root = dir.resolve("t");
        TreeGenerator.generate(root, 5_000);
        base = dir.resolve("base.snap");
        Snapshots.take(root, base, Duration.ZERO);
        Path deepest;
        try (var s = Files.walk(root)) {
            deepest = s.filter(Files::isRegularFile).max(java.util.Comparator.comparingInt(Path::getNameCount)).orElseThrow();
        }
        Files.write(deepest, new byte[12345]);
        later = dir.resolve("later.snap");
        Snapshots.take(root, later, Duration.ZERO);
        byte[] path = p(root.relativize(deepest).toString());
        Path g = dir.resolve("g.snap");
        SnapshotGraft.Result r = graft(base, later, g, List.of(path));
        int depth = root.relativize(deepest).getNameCount();
        assertEquals(depth, r.blocksWritten(), "the file's directory and each above it, once");
        assertFalse(r.rewritten());
        assertTrue(r.freeBytes() > 0, "the blocks replaced are free");
        assertEquals(hash(later), r.treeHash());
        assertTrue(Files.size(g) - Files.size(base) < 64 * 1024, "the file grows by the directories on the way");
        Path whole = dir.resolve("whole.snap");
        try (Snapshot s = Snapshot.open(g)) {
            SnapshotGraft.Result w = SnapshotGraft.rewrite(s, whole);
            assertEquals(r.treeHash(), w.treeHash());
            assertEquals(s.entries(), w.entries());
            assertEquals(0, w.freeBytes());
            assertTrue(w.rewritten());
        }
        long without = Files.size(g) - r.freeBytes();
        assertTrue(Files.size(whole) <= without && Files.size(whole) > without - 64,
                "the same blocks, without the free ones (and the later start in the footer): " + Files.size(whole));
        assertEquals(Set.of(), lines(g, whole));
    }

    @Test
    void graftsOneAfterAnotherStayWholeAndAreWrittenAfreshOnceMostlyFree() throws Exception {
        root = TreeBuilder.at(dir.resolve("t")).file("a/b/c/f", 1).file("a/b/g", 1).file("h", 1).root();
        base = dir.resolve("base.snap");
        Snapshots.take(root, base, Duration.ZERO);
        Path current = base;
        boolean rewritten = false;
        for (int night = 1; night <= 12; night++) {
            Files.write(root.resolve("a/b/c/f"), new byte[night]);
            Path run = dir.resolve("run" + night + ".snap");
            Snapshots.take(root, run, Duration.ZERO);
            Path next = dir.resolve("approved" + night + ".snap");
            SnapshotGraft.Result r = graft(current, run, next, List.of(p("a/b/c/f")));
            assertEquals(hash(run), r.treeHash());
            assertEquals(Set.of(), lines(next, run));
            rewritten |= r.rewritten();
            if (r.rewritten()) {
                assertEquals(0, r.freeBytes());
            }
            try (Snapshot s = Snapshot.open(next)) {
                assertTrue(s.verification().freeBytes() * 2 <= s.verification().bytes(), "never mostly free");
            }
            current = next;
        }
        assertTrue(rewritten, "free blocks past half the file: written afresh");
    }

    @Test
    void aScanWithOtherOptionsIsRefused() throws Exception {
        root = TreeBuilder.at(dir.resolve("t")).file("a", 1).root();
        base = dir.resolve("base.snap");
        Snapshots.take(root, base, Duration.ZERO);
        later = dir.resolve("later.snap");
        Snapshots.take(root, later, Duration.ofSeconds(5));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> graft(base, later, dir.resolve("g.snap"), List.of(p("a"))));
        assertTrue(e.getMessage().contains("other options"), e.getMessage());
        assertFalse(Files.exists(dir.resolve("g.snap")));
    }
}
