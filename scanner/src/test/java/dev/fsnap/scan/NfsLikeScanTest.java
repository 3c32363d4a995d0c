package dev.fsnap.scan;

import dev.fsnap.testdata.Deadlines;
import dev.fsnap.testdata.TreeBuilder;
import dev.fsnap.testdata.fuse.NfsLikeNas;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A scan through a filesystem that behaves as an NFS client does ({@link NfsLikeNas}): listings
 * that carry every entry's attributes (READDIRPLUS), attribute and entry caches, lookups in one
 * directory side by side or in line, a server that stops answering for one name. What is asserted
 * is what a nightly job relies on: which entries are read, which are reported unreadable and why,
 * and what the scan costs the server in requests (counted by the fixture), never how fast.
 */
@org.junit.jupiter.api.parallel.Isolated("counts a FUSE server's requests and its hung calls' threads")
class NfsLikeScanTest {
    @TempDir
    Path dir;

    private NfsLikeNas nas;
    private Path source;

    @BeforeEach
    void tree() throws Exception {
        Assumptions.assumeTrue(NfsLikeNas.unavailableReason() == null, NfsLikeNas.unavailableReason());
        TreeBuilder t = TreeBuilder.at(dir.resolve("src"));
        for (int d = 0; d < 6; d++) {
            for (int f = 0; f < 8; f++) {
                t.file("sub" + d + "/f" + f, f);
            }
        }
        for (int f = 0; f < 30; f++) {
            t.file("file" + f, 1);
        }
        t.file("dead/inside", 1);
        source = t.root();
        // A wide directory: its listing comes in several chunks, stat'ed by several workers.
        Path wide = Files.createDirectory(source.resolve("wide"));
        for (int f = 0; f < 3000; f++) {
            Files.createFile(wide.resolve(String.format("w%04d", f)));
        }
    }

    @AfterEach
    void unmount() {
        if (nas != null) {
            nas.close();
        }
    }

    private NfsLikeNas mount(NfsLikeNas.Builder b) throws Exception {
        nas = b.mount(source, Files.createDirectory(dir.resolve("mnt")));
        return nas;
    }

    private HostileTreeTest.Seen scan(ScanOptions.Builder options) throws Exception {
        return HostileTreeTest.scan(options.build());
    }

    /** The entries of the source tree a scan did not see, but for those allowed (a path, or all below one ending in /). */
    private static List<String> missing(Map<String, ?> seen, Path source, List<String> allowed) throws Exception {
        List<String> out = new ArrayList<>();
        try (var all = Files.walk(source)) {
            for (Path p : all.toList()) {
                String rel = source.relativize(p).toString();
                if (!seen.containsKey(rel) && allowed.stream().noneMatch(a -> rel.equals(a)
                        || rel.startsWith(a.endsWith("/") ? a : a + "/"))) {
                    out.add(rel);
                }
            }
        }
        return out;
    }

    /**
     * The listing brought every entry's attributes; the names stay valid, the attributes expire at
     * once (an NFS client past its attribute cache time): by default a scan takes them as the
     * client holds them, with no request per entry; asked to sync, it sends a GETATTR for each.
     * Both read the same fields.
     */
    @Test
    void aScanTakesTheAttributesTheListingBroughtUnlessAskedToSync() throws Exception {
        mount(NfsLikeNas.builder().readdirplus(true).entryTimeout(Duration.ofSeconds(600))
                .attrTimeout(Duration.ZERO).defaultPermissions(false));
        NfsLikeNas.Counts before = nas.counts();
        HostileTreeTest.Seen cached = scan(ScanOptions.builder(nas.mountPoint()));
        NfsLikeNas.Counts cachedCost = nas.counts().minus(before);
        assertEquals(List.of(), cached.errors());
        assertTrue(cached.summary().backendReason().contains("attributes as the client cached them"),
                cached.summary().backendReason());
        long entries = cached.summary().entries();
        try (var all = Files.walk(source)) {
            assertEquals(all.count(), entries);
        }
        // The root's own stat and the first walk to each directory may ask; no file is asked about.
        assertTrue(cachedCost.getattr() + cachedCost.lookup() < 20, cachedCost.toString());

        before = nas.counts();
        HostileTreeTest.Seen synced = scan(ScanOptions.builder(nas.mountPoint()).syncAttributes(true));
        NfsLikeNas.Counts syncCost = nas.counts().minus(before);
        assertTrue(syncCost.getattr() >= entries - 10, "a GETATTR per entry: " + syncCost);
        assertTrue(synced.summary().backendReason().contains("attributes from the server"),
                synced.summary().backendReason());
        assertEquals(cached.entries().keySet(), synced.entries().keySet());
        for (Map.Entry<String, Entry> e : cached.entries().entrySet()) {
            Entry s = synced.entries().get(e.getKey());
            Entry c = e.getValue();
            assertEquals(List.of(s.size(), s.mode(), s.inode(), s.mtimeSec(), s.mtimeNsec(), s.ctimeSec(), s.ctimeNsec(),
                    s.linkCount(), s.uid(), s.gid()), List.of(c.size(), c.mode(), c.inode(), c.mtimeSec(), c.mtimeNsec(),
                    c.ctimeSec(), c.ctimeNsec(), c.linkCount(), c.uid(), c.gid()), e.getKey());
        }
    }

    /**
     * A server that stops answering for one name, where lookups run side by side (as on an NFS
     * client): that entry alone is unreadable, after one deadline; its siblings, its directory's
     * other chunks and the rest of the tree are read; the filesystem is not given up on.
     */
    @Test
    void aNameThatNeverAnswersCostsThatEntryAloneInTheRootASubdirectoryAndAWideDirectory() throws Exception {
        aNameThatNeverAnswersCostsThatEntryAlone(ScanOptions.StatCalls.ONE_BY_ONE);
    }

    /**
     * The same through io_uring: the other names' stats, in flight beside the hung one, come back;
     * the hung one is awaited in its turn and given up on, its slot settled after the scan moved on.
     */
    @Test
    void aNameThatNeverAnswersThroughTheRingCostsThatEntryAlone() throws Exception {
        Rings.assumeAvailable(dir);
        aNameThatNeverAnswersCostsThatEntryAlone(ScanOptions.StatCalls.RING);
    }

    private void aNameThatNeverAnswersCostsThatEntryAlone(ScanOptions.StatCalls calls) throws Exception {
        for (String hung : List.of("dead", "sub3/f5", "wide/w1500")) {
            mount(NfsLikeNas.builder().latency(Duration.ofMillis(1)).parallelDirops(true).readdirplus(false)
                    .defaultPermissions(false).hang(hung));
            long start = System.nanoTime();
            HostileTreeTest.Seen seen = scan(ScanOptions.builder(nas.mountPoint()).opTimeout(Duration.ofSeconds(2))
                    .statCalls(calls));
            double seconds = (System.nanoTime() - start) / 1e9;
            assertTrue(seconds < Deadlines.outerLimitSeconds(2), hung + ": ended after " + seconds + " s");
            assertEquals(List.of(hung + " STAT ETIMEDOUT"), seen.errors(), hung);
            assertEquals(List.of(), missing(seen.entries(), source, List.of(hung)), hung);
            nas.close();
            nas = null;
            Files.delete(dir.resolve("mnt"));
        }
    }

    /**
     * Where the kernel serializes one directory's lookups (FUSE without parallel directory
     * operations), the names waiting behind a hung lookup cannot be read either: they are recorded
     * unreadable with the reason, in the grace after the first is given up on, never each after a
     * deadline of its own; the other directories are read whole (the filesystem is not declared
     * unresponsive for one dead directory).
     */
    @Test
    void namesWaitingBehindAHungLookupAreUnreadableWithTheReasonAndOtherDirectoriesAreReadWhole() throws Exception {
        mount(NfsLikeNas.builder().latency(Duration.ofMillis(1)).parallelDirops(false).readdirplus(false)
                .defaultPermissions(false).hang("sub3/f5"));
        HostileTreeTest.Seen seen = scan(ScanOptions.builder(nas.mountPoint()).opTimeout(Duration.ofSeconds(2)));
        assertTrue(seen.errors().contains("sub3/f5 STAT ETIMEDOUT"), seen.errors().toString());
        // The names of sub3 and, when its listing was cut short behind the hung lookup (its last
        // call given up on, or the rest of it not tried), sub3 itself.
        assertTrue(seen.errors().stream().allMatch(e -> e.startsWith("sub3/") || e.equals("sub3 LIST ETIMEDOUT")
                || e.equals("sub3 OPEN ETIMEDOUT")), seen.errors().toString());
        assertEquals(List.of(), missing(seen.entries(), source, List.of("sub3/")));
        assertEquals(seen.summary().errors(), seen.errors().size());
    }
}
