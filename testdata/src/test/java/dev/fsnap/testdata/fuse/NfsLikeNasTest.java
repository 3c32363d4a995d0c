package dev.fsnap.testdata.fuse;

import dev.fsnap.testdata.TreeBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fixture itself: a faithful view of a real tree, and what a benchmark relies on it to cost in
 * requests (counted by the daemon, by kind) and in time.
 */
// As in SlowNasTest: the body runs on its own thread so that a call stuck in the kernel fails the
// test instead of holding the build, and every mount is closed before the temporary directory goes.
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class NfsLikeNasTest {
    /** Requests a walk may add besides those measured: the mount's root, the directory itself. */
    private static final int SLACK = 3;
    private static final int FILES = 200;

    @TempDir
    Path dir;

    private final List<NfsLikeNas> mounts = new CopyOnWriteArrayList<>();

    @BeforeEach
    void fuseIsAvailable() {
        Assumptions.assumeTrue(NfsLikeNas.unavailableReason() == null, NfsLikeNas.unavailableReason());
    }

    @AfterEach
    void unmount() {
        mounts.forEach(NfsLikeNas::close);
    }

    private NfsLikeNas mount(NfsLikeNas.Builder builder, Path source) throws IOException {
        NfsLikeNas nas = builder.mount(source, Files.createDirectories(dir.resolve("mnt")));
        mounts.add(nas);
        return nas;
    }

    /** A directory "d" of {@link #FILES} small files. */
    private Path manyFiles() {
        TreeBuilder b = TreeBuilder.at(dir.resolve("src"));
        for (int i = 0; i < FILES; i++) {
            b.file("d/f" + i, i % 7);
        }
        return b.root();
    }

    private static long list(Path directory) throws IOException {
        try (var s = Files.list(directory)) {
            return s.count();
        }
    }

    private static void statEach(Path directory) throws IOException {
        for (int i = 0; i < FILES; i++) {
            Files.readAttributes(directory.resolve("f" + i), "unix:ino,size,mode", LinkOption.NOFOLLOW_LINKS);
        }
    }

    private static Map<String, String> walk(Path root) throws IOException {
        Map<String, String> m = new TreeMap<>();
        try (var w = Files.walk(root)) {
            for (Path p : w.toList()) {
                m.put(root.relativize(p).toString(), Files.readAttributes(p,
                        "unix:mode,size,lastModifiedTime,ctime,nlink,uid,gid,ino", LinkOption.NOFOLLOW_LINKS).toString()
                        + (Files.isSymbolicLink(p) ? " -> " + Files.readSymbolicLink(p) : ""));
            }
        }
        return m;
    }

    private static boolean mounted(Path p) throws IOException {
        return Files.readString(Path.of("/proc/self/mounts")).contains(" " + p + " ");
    }

    /** What a listing of a directory, then a stat of each of its names, asked of the server. */
    private record ListThenStat(NfsLikeNas.Counts listing, NfsLikeNas.Counts stats) {
    }

    private static ListThenStat listThenStat(NfsLikeNas nas, Path d, String how) throws IOException {
        NfsLikeNas.Counts start = nas.counts();
        assertEquals(FILES, list(d));
        NfsLikeNas.Counts listed = nas.counts();
        statEach(d);
        ListThenStat cost = new ListThenStat(listed.minus(start), nas.counts().minus(listed));
        report(how + ", listing of " + FILES, cost.listing());
        report(how + ", a stat of each", cost.stats());
        return cost;
    }

    private static void report(String what, NfsLikeNas.Counts c) {
        System.out.printf("NfsLikeNasTest %s: %s, roundTrips=%d%n", what, c, c.roundTrips());
    }

    @Test
    void showsTheSourceAsItIsAndUnmountsOnClose() throws Exception {
        Path source = TreeBuilder.at(dir.resolve("src")).file("a/b/c", 3).file("a/d", 70_000).symlink("l", "a/d")
                .symlink("dangling", "nowhere").hardLink("a/d2", "a/d").dir("empty").root();
        try (NfsLikeNas nas = mount(NfsLikeNas.builder().latency(Duration.ofNanos(100_000)), source)) {
            Path mount = nas.mountPoint();
            assertTrue(mounted(mount));
            assertEquals(walk(source), walk(mount), "names, types, sizes, modes, times, link counts, inode numbers");
            assertArrayEquals(Files.readAllBytes(source.resolve("a/d")), Files.readAllBytes(mount.resolve("a/d")));
            NfsLikeNas.Counts c = nas.counts();
            assertTrue(c.readdirplus() > 0 && c.read() > 0 && c.readlink() > 0 && c.open() > 0, c.toString());
            assertThrows(IOException.class, () -> Files.writeString(mount.resolve("a/d"), "x"), "read-only");
            close(nas);
            assertFalse(mounted(mount), "closing unmounts");
        }
    }

    private void close(NfsLikeNas nas) {
        nas.close();
        mounts.remove(nas);
    }

    @Test
    void readdirplusListingsCarryTheAttributesOfEveryEntry() throws Exception {
        Path source = manyFiles();
        NfsLikeNas nas = mount(NfsLikeNas.builder().readdirplus(true).attrTimeout(Duration.ofSeconds(60))
                .entryTimeout(Duration.ofSeconds(60)), source);
        Path d = nas.mountPoint().resolve("d");
        NfsLikeNas.Counts start = nas.counts();
        ListThenStat cost = listThenStat(nas, d, "readdirplus on, timeouts 60 s");
        NfsLikeNas.Counts listing = cost.listing();
        NfsLikeNas.Counts stats = cost.stats();
        assertTrue(listing.readdirplus() > 0, "listings are READDIRPLUS");
        assertEquals(0, listing.readdir());
        assertTrue(listing.lookup() <= SLACK, "a lookup of d, no more: " + listing);
        assertTrue(stats.lookup() + stats.getattr() <= SLACK, "the listing answered every stat: " + stats);
        assertEquals(FILES + 1, nas.counts().inodes() - start.inodes(),
                "each entry, and d, is an inode the kernel holds");
    }

    @Test
    void withoutReaddirplusEachStatAfterAListingIsALookup() throws Exception {
        Path source = manyFiles();
        NfsLikeNas nas = mount(NfsLikeNas.builder().readdirplus(false).attrTimeout(Duration.ofSeconds(60))
                .entryTimeout(Duration.ofSeconds(60)), source);
        Path d = nas.mountPoint().resolve("d");
        ListThenStat cost = listThenStat(nas, d, "readdirplus off, timeouts 60 s");
        NfsLikeNas.Counts listing = cost.listing();
        NfsLikeNas.Counts stats = cost.stats();
        assertTrue(listing.readdir() > 0, "listings are READDIR");
        assertEquals(0, listing.readdirplus());
        assertTrue(stats.lookup() >= FILES, "a LOOKUP per name: " + stats);
        assertTrue(stats.lookup() <= FILES + SLACK, stats.toString());
    }

    @Test
    void withEntriesValidAndAttributesExpiredAStatIsAGetattrNotALookup() throws Exception {
        Path source = manyFiles();
        NfsLikeNas nas = mount(NfsLikeNas.builder().readdirplus(true).attrTimeout(Duration.ZERO)
                .entryTimeout(Duration.ofSeconds(600)), source);
        Path d = nas.mountPoint().resolve("d");
        assertEquals(FILES, list(d));
        NfsLikeNas.Counts listed = nas.counts();
        statEach(d);
        NfsLikeNas.Counts first = nas.counts();
        statEach(d);
        NfsLikeNas.Counts second = nas.counts().minus(first);
        report("entry 600 s, attr 0, first stat of each listed name", first.minus(listed));
        report("entry 600 s, attr 0, second stat of each", second);
        assertTrue(second.lookup() <= SLACK, "names stay valid: " + second);
        assertTrue(second.getattr() - second.getattrDir() >= FILES,
                "attributes expired: a GETATTR per name: " + second);
    }

    /** A statx(2) of each name in a directory, with the flags given (AT_STATX_DONT_SYNC is 0x4000). */
    private static final String STATX = """
            #define _GNU_SOURCE
            #include <fcntl.h>
            #include <stdio.h>
            #include <stdlib.h>
            #include <sys/stat.h>
            int main(int argc, char **argv) {
                int dir = open(argv[1], O_PATH | O_DIRECTORY), flags = (int) strtol(argv[2], NULL, 0), bad = 0;
                for (int i = 3; i < argc; i++) {
                    struct statx sx;
                    if (statx(dir, argv[i], flags | AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS, &sx) != 0) {
                        perror(argv[i]);
                        bad = 1;
                    }
                }
                return bad;
            }
            """;

    private Path statx() throws IOException, InterruptedException {
        Path c = Files.writeString(dir.resolve("statx.c"), STATX);
        Path binary = dir.resolve("statx");
        Process p = new ProcessBuilder("cc", "-O2", "-o", binary.toString(), c.toString()).redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        return binary;
    }

    private static void statx(Path binary, Path directory, int flags) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(binary.toString(), directory.toString(),
                "0x" + Integer.toHexString(flags)));
        for (int i = 0; i < FILES; i++) {
            command.add("f" + i);
        }
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
    }

    /**
     * statx with AT_STATX_DONT_SYNC takes the attributes a READDIRPLUS left, expired or not: no
     * GETATTR of the file. With default permissions the kernel still checks the directory's search
     * permission for every name, from attributes that expired too: a GETATTR of the directory each.
     */
    @Test
    void dontSyncStatxAvoidsTheGetattrOfAListedName() throws Exception {
        Path source = manyFiles();
        Path statx = statx();
        for (boolean defaultPermissions : new boolean[] {true, false}) {
            NfsLikeNas nas = mount(NfsLikeNas.builder().readdirplus(true).attrTimeout(Duration.ZERO)
                    .entryTimeout(Duration.ofSeconds(600)).defaultPermissions(defaultPermissions), source);
            Path d = nas.mountPoint().resolve("d");
            assertEquals(FILES, list(d));
            NfsLikeNas.Counts before = nas.counts();
            statx(statx, d, 0);
            NfsLikeNas.Counts plain = nas.counts();
            statx(statx, d, 0x4000);
            NfsLikeNas.Counts dontSync = nas.counts().minus(plain);
            String how = "entry 600 s, attr 0, default_permissions " + (defaultPermissions ? "on" : "off") + ", "
                    + FILES + " listed names, ";
            report(how + "statx", plain.minus(before));
            report(how + "statx AT_STATX_DONT_SYNC", dontSync);
            assertTrue(plain.minus(before).getattr() - plain.minus(before).getattrDir() >= FILES, "plain statx asks");
            assertEquals(0, dontSync.getattr() - dontSync.getattrDir(), "DONT_SYNC asks no file's attributes");
            assertEquals(0, dontSync.lookup());
            close(nas);
        }
    }

    @Test
    void everyRoundTripTakesTheLatency() throws Exception {
        Path source = manyFiles();
        NfsLikeNas nas = mount(NfsLikeNas.builder().latency(Duration.ofMillis(20)), source);
        Path d = nas.mountPoint().resolve("d");
        Files.readAttributes(d, "unix:ino"); // the directory's own lookup, before the clock starts
        NfsLikeNas.Counts before = nas.counts();
        long start = System.nanoTime();
        for (int i = 0; i < 20; i++) {
            Files.readAttributes(d.resolve("f" + i), "unix:ino", LinkOption.NOFOLLOW_LINKS);
        }
        long elapsed = System.nanoTime() - start;
        NfsLikeNas.Counts c = nas.counts().minus(before);
        report("latency 20 ms, 20 stats of uncached names in " + elapsed / 1_000_000 + " ms", c);
        // A lower bound only: nothing can make a sleep shorter, however busy the machine.
        assertTrue(elapsed >= TimeUnit.MILLISECONDS.toNanos(20 * 20), "at least a round trip each: " + elapsed);
        assertTrue(c.lookup() >= 20, c.toString());
    }

    @Test
    void aHungPathBlocksUntilReleasedAndTheRestAnswers() throws Exception {
        Path source = TreeBuilder.at(dir.resolve("src")).file("dead/f", 1).file("alive/g", 1).root();
        NfsLikeNas nas = mount(NfsLikeNas.builder().hang("dead"), source);
        Path mount = nas.mountPoint();
        assertEquals(2, list(mount), "the parent's listing answers, the hung entry in it");
        CompletableFuture<Boolean> stuck =
                CompletableFuture.supplyAsync(() -> Files.isDirectory(mount.resolve("dead")));
        assertTrue(nas.awaitBlocked(Duration.ofSeconds(10)), "the stat reached the server and waits");
        assertThrows(TimeoutException.class, () -> stuck.get(200, TimeUnit.MILLISECONDS));
        assertEquals(1, Files.size(mount.resolve("alive/g")), "the rest of the mount answers");
        nas.release();
        assertTrue(stuck.get(10, TimeUnit.SECONDS), "a released call completes");
        assertEquals(0, nas.counts().blocked());
        assertEquals(1, Files.size(mount.resolve("dead/f")));
    }

    @Test
    void aCallerBlockedOnAHungPathCanBeKilled() throws Exception {
        Path source = TreeBuilder.at(dir.resolve("src")).file("dead/f", 1).root();
        NfsLikeNas nas = mount(NfsLikeNas.builder().hang("dead"), source);
        Process caller = new ProcessBuilder("stat", nas.mountPoint().resolve("dead/f").toString()).start();
        assertTrue(nas.awaitBlocked(Duration.ofSeconds(10)));
        caller.destroyForcibly();
        assertTrue(caller.waitFor(10, TimeUnit.SECONDS), "the kernel interrupted the request, the daemon gave up");
        assertEquals(1, nas.counts().interrupted());
    }

    @Test
    void closingWhileACallIsBlockedStillUnmounts() throws Exception {
        Path source = TreeBuilder.at(dir.resolve("src")).file("dead/f", 1).root();
        NfsLikeNas nas = mount(NfsLikeNas.builder().hang("dead"), source);
        Process caller = new ProcessBuilder("stat", nas.mountPoint().resolve("dead").toString()).start();
        assertTrue(nas.awaitBlocked(Duration.ofSeconds(10)));
        close(nas); // what a failing test's cleanup does
        assertFalse(mounted(nas.mountPoint()), "no mount is left behind");
        assertTrue(caller.waitFor(10, TimeUnit.SECONDS), "the blocked call returned");
    }

    @Test
    void directoryOperationsRunSideBySideOrOneAtATime() throws Exception {
        Path source = manyFiles();
        for (boolean parallel : new boolean[] {true, false}) {
            // Entries and attributes kept: the race is the 32 lookups in d, nothing else (with an
            // entry timeout of 0, d's own revalidation would be a LOOKUP in the root per call).
            NfsLikeNas nas = mount(NfsLikeNas.builder().readdirplus(false).latency(Duration.ofMillis(30))
                    .attrTimeout(Duration.ofSeconds(60)).entryTimeout(Duration.ofSeconds(60))
                    .parallelDirops(parallel), source);
            Path d = nas.mountPoint().resolve("d");
            Files.readAttributes(d, "unix:ino"); // d's own lookup and attributes, before the race
            NfsLikeNas.Counts before = nas.counts();
            CountDownLatch go = new CountDownLatch(1);
            List<CompletableFuture<Void>> callers = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int first = t * 4;
                callers.add(CompletableFuture.runAsync(() -> {
                    try {
                        go.await();
                        for (int i = first; i < first + 4; i++) {
                            Files.readAttributes(d.resolve("f" + i), "unix:ino", LinkOption.NOFOLLOW_LINKS);
                        }
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }, command -> new Thread(command).start()));
            }
            go.countDown();
            CompletableFuture.allOf(callers.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
            NfsLikeNas.Counts c = nas.counts().minus(before);
            assertEquals(32, c.lookup(), c.toString());
            report("parallel dirops " + parallel + ", 8 threads looking up 32 names in one directory", c);
            if (parallel) {
                assertTrue(c.inFlightMax() > 1, "lookups in one directory overlapped: " + c);
            } else {
                assertEquals(1, c.inFlightMax(), "one lookup at a time: " + c);
            }
            close(nas);
        }
    }

    @Test
    void badOptionsEndTheDaemonWithStatus2AndAMessage() throws Exception {
        Path source = Files.createDirectories(dir.resolve("src"));
        Path mount = Files.createDirectories(dir.resolve("mnt"));
        Map<List<String>, String> cases = Map.of(
                List.of("--latency-us", "soon", source.toString(), mount.toString()), "--latency-us",
                List.of("--readdirplus", "maybe", source.toString(), mount.toString()), "--readdirplus",
                List.of("--attr-timeout", "-1", source.toString(), mount.toString()), "--attr-timeout",
                List.of("--hang", "../up", source.toString(), mount.toString()), "--hang",
                List.of("--frobnicate", "1", source.toString(), mount.toString()), "unknown option",
                List.of(source.toString()), "MOUNTPOINT is missing",
                List.of(dir.resolve("nowhere").toString(), mount.toString()), "SOURCE");
        for (Map.Entry<List<String>, String> c : cases.entrySet()) {
            List<String> command = new ArrayList<>(List.of(NfsLikeNas.daemon().toString()));
            command.addAll(c.getKey());
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(10, TimeUnit.SECONDS));
            assertEquals(2, p.exitValue(), c.getKey() + ": " + out);
            assertTrue(out.contains(c.getValue()) && out.contains("usage:"), c.getKey() + ": " + out);
        }
        assertFalse(mounted(mount));
        assertThrows(IllegalArgumentException.class, () -> NfsLikeNas.builder().latency(Duration.ofMillis(-1)));
    }
}
