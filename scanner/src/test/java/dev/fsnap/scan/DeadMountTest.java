package dev.fsnap.scan;

import dev.fsnap.testdata.Deadlines;
import dev.fsnap.testdata.TreeBuilder;
import dev.fsnap.testdata.fuse.SlowNas;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A server that stops answering costs a bounded delay and a clear report, never a hung scan. */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
@org.junit.jupiter.api.parallel.Isolated("counts this JVM's descriptors or threads, which tests running beside it change")
class DeadMountTest {
    @TempDir
    Path dir;

    private SlowNas nas;
    private Path source;

    @BeforeEach
    void mount() throws Exception {
        Assumptions.assumeTrue(SlowNas.unavailableReason() == null, SlowNas.unavailableReason());
        source = TreeBuilder.at(dir.resolve("src")).file("alive/a", 1).file("alive/deeper/b", 2)
                .file("dead/c", 3).file("dead/below/d", 4).file("top", 5)
                .file("x1/f", 1).file("x2/f", 1).file("x3/f", 1).root();
        nas = SlowNas.mount(source, Files.createDirectory(dir.resolve("mnt")), Duration.ZERO);
    }

    @AfterEach
    void unmount() {
        if (nas != null) {
            nas.close();
        }
    }

    private HostileTreeTest.Seen scan(double timeoutSeconds) throws Exception {
        return HostileTreeTest.scan(builder(nas.mountPoint()).threads(4)
                .opTimeout(Duration.ofMillis((long) (timeoutSeconds * 1000))).build());
    }

    /** How this class's scans are made: a subclass runs every case another way. */
    ScanOptions.Builder builder(Path root) {
        return ScanOptions.builder(root);
    }

    @Test
    void aHungDirectoryCostsTheDeadlineAndIsRecordedAsUnreadable() throws Exception {
        nas.hang("dead");
        int before = Descriptors.count();
        long start = System.nanoTime();
        HostileTreeTest.Seen seen = scan(1);
        double seconds = (System.nanoTime() - start) / 1e9;
        assertTrue(seconds < Deadlines.outerLimitSeconds(1), "ended after " + seconds + " s, deadline 1 s");
        assertEquals(List.of("dead OPEN ETIMEDOUT"), seen.errors());
        assertEquals(new TreeSet<>(Set.of("", "alive", "alive/a", "alive/deeper", "alive/deeper/b", "dead", "top",
                "x1", "x1/f", "x2", "x2/f", "x3", "x3/f")), new TreeSet<>(seen.entries().keySet()));
        nas.release(); // the stuck call returns; its worker drops it and closes what it opened
        Thread.sleep(300);
        // At most as many as before: a worker an earlier test gave up on may close its last descriptor
        // meanwhile, but nothing of this scan may stay open.
        int after = Descriptors.count();
        assertTrue(after <= before, "nothing leaked once the call came back: " + before + " before, " + after + " after");
    }

    /**
     * The entry answers only after one and a half deadlines: after the watchdog has given up on it
     * (at the deadline plus at most a tick), and soon enough that the rescue's stats, which wait for it,
     * stay inside their own deadline. (Not never: this FUSE server's lookups in one
     * directory are serialized by the kernel, libfuse 2 having no parallel directory operations, so
     * while one hangs its siblings wait too; an NFS client looks names up in parallel.)
     */
    private void hangEntryFor(String path, Duration d) {
        nas.hangEntry(path);
        Thread release = new Thread(() -> {
            try {
                Thread.sleep(d.toMillis());
            } catch (InterruptedException e) {
                return;
            }
            nas.release();
        });
        release.setDaemon(true);
        release.start();
    }

    @Test
    void aHungStatCostsThatEntryAloneItsSiblingsAreRead() throws Exception {
        hangEntryFor("alive/a", Duration.ofMillis(3000));
        long start = System.nanoTime();
        HostileTreeTest.Seen seen = scan(2);
        double seconds = (System.nanoTime() - start) / 1e9;
        assertTrue(seconds < Deadlines.outerLimitSeconds(2), "ended after " + seconds + " s, deadline 2 s");
        costsOneEntry(seen, "alive/a", Set.of("alive/deeper"));
    }

    @Test
    void aHungStatInTheRootCostsThatEntryAlone() throws Exception {
        hangEntryFor("top", Duration.ofMillis(3000));
        costsOneEntry(scan(2), "top", Set.of("alive", "dead", "x1", "x2", "x3"));
    }

    /** Every entry of the mounted tree, the root as "". */
    private static final Set<String> TREE = Set.of("", "alive", "alive/a", "alive/deeper", "alive/deeper/b", "dead",
            "dead/c", "dead/below", "dead/below/d", "top", "x1", "x1/f", "x2", "x2/f", "x3", "x3/f");

    /**
     * The entries a stat that hangs on {@code hung} may be reported under: that one, where each name
     * is stat'ed in turn.
     *
     * @param hung the name that hangs
     * @param siblings the other names of its directory
     */
    Set<String> reportedFor(String hung, Set<String> siblings) {
        return Set.of(hung);
    }

    /** One entry alone, of those {@link #reportedFor} allows, is unreadable with a timed-out stat; every other entry is seen. */
    private void costsOneEntry(HostileTreeTest.Seen seen, String hung, Set<String> siblings) {
        assertEquals(1, seen.errors().size(), seen.errors().toString());
        String error = seen.errors().get(0);
        String lost = error.substring(0, error.indexOf(' '));
        assertTrue(error.endsWith(" STAT ETIMEDOUT") && reportedFor(hung, siblings).contains(lost), error);
        Set<String> expected = new TreeSet<>(TREE);
        expected.removeIf(p -> p.equals(lost) || p.startsWith(lost + "/"));
        assertEquals(expected, new TreeSet<>(seen.entries().keySet()));
    }

    @Test
    void aMountThatRecoversIsScannedWhole() throws Exception {
        nas.hang("dead");
        assertEquals(List.of("dead OPEN ETIMEDOUT"), scan(0.5).errors());
        nas.release();
        HostileTreeTest.Seen again = scan(5);
        assertEquals(List.of(), again.errors());
        assertTrue(again.entries().containsKey("dead/below/d"));
    }

    @Test
    void manyHungDirectoriesTripTheBreakerInsteadOfStrandingAThreadEach() throws Exception {
        for (String d : List.of("dead", "x1", "x2", "x3")) {
            nas.hang(d);
        }
        long start = System.nanoTime();
        HostileTreeTest.Seen seen = scan(1);
        double seconds = (System.nanoTime() - start) / 1e9;
        assertTrue(seconds < Deadlines.outerLimitSeconds(1), "ended after " + seconds + " s, deadline 1 s");
        assertEquals(4, seen.errors().size(), seen.errors().toString());
        assertTrue(seen.errors().stream().allMatch(e -> e.endsWith(" OPEN ETIMEDOUT")), seen.errors().toString());
        assertTrue(seen.entries().containsKey("alive/deeper/b") || seen.errors().contains("alive OPEN ETIMEDOUT"));
    }

    @Test
    void workersStuckOnADeadMountAreReplacedSoTheRestOfTheRootIsScanned() throws Exception {
        // The root is a local directory holding the tree itself (src) and the mount of it (mnt). One
        // worker: once it is stuck in the first hung directory, only a replacement can go on.
        nas.hang("dead");
        nas.hang("x1");
        long start = System.nanoTime();
        HostileTreeTest.Seen seen = HostileTreeTest.scan(builder(dir).threads(1)
                .opTimeout(Duration.ofSeconds(1)).build());
        double seconds = (System.nanoTime() - start) / 1e9;
        assertTrue(seconds < Deadlines.outerLimitSeconds(1, 1), "ended after " + seconds + " s, two deadlines of 1 s");
        assertTrue(seen.errors().containsAll(List.of("mnt/dead OPEN ETIMEDOUT", "mnt/x1 OPEN ETIMEDOUT")),
                seen.errors().toString());
        assertTrue(seen.errors().stream().allMatch(e -> e.startsWith("mnt/") && e.endsWith(" OPEN ETIMEDOUT")),
                seen.errors().toString());
        Set<String> local = new TreeSet<>();
        try (var files = Files.walk(source)) {
            files.forEach(p -> local.add(dir.relativize(p).toString()));
        }
        assertTrue(seen.entries().keySet().containsAll(local), "missing: " + missing(local, seen));
        assertEquals(1, seen.summary().threads());
    }

    private static Set<String> missing(Set<String> expected, HostileTreeTest.Seen seen) {
        Set<String> m = new TreeSet<>(expected);
        m.removeAll(seen.entries().keySet());
        return m;
    }

    @Test
    void aWholeHungRootIsAnUnusableRootAfterTheDeadline() throws Exception {
        nas.hang("");
        long start = System.nanoTime();
        java.nio.file.FileSystemException e = org.junit.jupiter.api.Assertions.assertThrows(
                java.nio.file.FileSystemException.class, () -> scan(1));
        double seconds = (System.nanoTime() - start) / 1e9;
        assertTrue(seconds < Deadlines.outerLimitSeconds(1), "ended after " + seconds + " s, deadline 1 s");
        assertEquals(nas.mountPoint().toString(), e.getFile());
        assertEquals("no answer in 1 s (the filesystem may be dead)", e.getReason());
    }
}
