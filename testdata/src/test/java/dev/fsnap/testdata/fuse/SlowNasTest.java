package dev.fsnap.testdata.fuse;

import dev.fsnap.testdata.TreeBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The fixture itself: a faithful, slow, and on demand dead view of a real tree. */
// A call stuck in the kernel cannot be interrupted: the test body runs on its own thread, so that a
// hang fails the test instead of holding the build, and every mount is closed before the temporary
// directory is deleted (deleting through a hung mount would hang too).
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SlowNasTest {
    @TempDir
    Path dir;

    private final java.util.List<SlowNas> mounts = new java.util.concurrent.CopyOnWriteArrayList<>();

    @AfterEach
    void unmount() {
        mounts.forEach(SlowNas::close);
    }

    private SlowNas mount(Path source, Path mountPoint, Duration latency) {
        SlowNas nas = SlowNas.mount(source, mountPoint, latency);
        mounts.add(nas);
        return nas;
    }

    @BeforeEach
    void fuseIsAvailable() {
        Assumptions.assumeTrue(SlowNas.unavailableReason() == null, SlowNas.unavailableReason());
    }

    private static Map<String, String> walk(Path root) throws Exception {
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

    private static boolean mounted(Path p) throws Exception {
        return Files.readString(Path.of("/proc/self/mounts")).contains(" " + p + " ");
    }

    @Test
    void showsTheSourceTreeAsItIsAndUnmountsOnClose() throws Exception {
        Path source = TreeBuilder.at(dir.resolve("src")).file("a/b/c", 3).file("a/d", 0).symlink("l", "a/d")
                .dir("empty").root();
        Path mount = Files.createDirectory(dir.resolve("mnt"));
        try (SlowNas nas = mount(source, mount, Duration.ofNanos(200_000))) {
            assertTrue(mounted(mount));
            assertEquals(walk(source), walk(mount));
        }
        assertFalse(mounted(mount), "closing unmounts");
    }

    @Test
    void everyOperationTakesAtLeastTheLatency() throws Exception {
        Path source = TreeBuilder.at(dir.resolve("src")).file("f", 1).root();
        Path mount = Files.createDirectory(dir.resolve("mnt"));
        try (SlowNas nas = mount(source, mount, Duration.ofMillis(20))) {
            long start = System.nanoTime();
            for (int i = 0; i < 5; i++) {
                Files.readAttributes(mount.resolve("f"), "unix:ino", LinkOption.NOFOLLOW_LINKS);
            }
            // A lower bound only: nothing can make a sleep shorter, however busy the machine.
            assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(5 * 20),
                    "no attribute caching: each stat reached the filesystem");
        }
    }

    @Test
    void aHungPathBlocksUntilReleasedAndTheRestAnswers() throws Exception {
        Path source = TreeBuilder.at(dir.resolve("src")).file("dead/f", 1).file("alive/g", 1).root();
        Path mount = Files.createDirectory(dir.resolve("mnt"));
        try (SlowNas nas = mount(source, mount, Duration.ZERO)) {
            nas.hang("dead");
            CompletableFuture<Long> stuck = CompletableFuture.supplyAsync(() -> {
                try (var list = Files.list(mount.resolve("dead"))) {
                    return list.count();
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            assertThrows(TimeoutException.class, () -> stuck.get(500, TimeUnit.MILLISECONDS));
            assertEquals(1, Files.size(mount.resolve("alive/g")), "the rest of the mount answers");
            assertTrue(Files.isDirectory(mount.resolve("dead")), "the hung directory's own attributes answer");
            nas.release();
            assertEquals(1, stuck.get(10, TimeUnit.SECONDS), "a released call completes");
        }
        assertFalse(mounted(mount));
    }

    @Test
    void closingWhileACallIsBlockedStillUnmounts() throws Exception {
        Path source = TreeBuilder.at(dir.resolve("src")).file("dead/f", 1).root();
        Path mount = Files.createDirectory(dir.resolve("mnt"));
        SlowNas nas = mount(source, mount, Duration.ZERO);
        nas.hang("dead");
        Thread blocked = new Thread(() -> {
            try (var list = Files.list(mount.resolve("dead"))) {
                list.count();
            } catch (java.io.IOException | java.io.UncheckedIOException expected) {
                // the mount went away under it
            }
        });
        blocked.setDaemon(true);
        blocked.start();
        Thread.sleep(200);
        nas.close(); // what a failing test's cleanup does
        assertFalse(mounted(mount), "no mount is left behind");
        blocked.join(10_000);
        assertFalse(blocked.isAlive(), "the blocked call returned");
    }

    /**
     * Two mounts side by side in one JVM (the scanner's tests run four classes at once): the first
     * unmounted, a call to the second interrupted by killing its caller. libfuse interrupts the call
     * by sending SIGUSR1 to the thread serving it; before the fixtures kept a handler of their own,
     * the first unmount had put back the signal's default, and that interrupt ended this JVM.
     */
    @Test
    void anInterruptAfterAnotherMountWentAwayDoesNotEndTheJvm() throws Exception {
        Path source = TreeBuilder.at(dir.resolve("src")).file("dead/f", 1).file("alive/g", 1).root();
        SlowNas first = mount(source, Files.createDirectory(dir.resolve("first")), Duration.ZERO);
        Path second = Files.createDirectory(dir.resolve("second"));
        SlowNas nas = mount(source, second, Duration.ZERO);
        first.close();
        nas.hang("dead");
        Process caller = new ProcessBuilder("ls", second.resolve("dead").toString()).start();
        assertTrue(nas.awaitBlocked(Duration.ofSeconds(10)), "the caller waits on the server");
        caller.destroyForcibly(); // the kernel interrupts the request; libfuse signals its thread
        assertTrue(caller.waitFor(10, TimeUnit.SECONDS));
        Thread.sleep(200); // time for the signal to arrive: without a handler it ends this JVM here
        nas.release();
        assertEquals(1, Files.size(second.resolve("alive/g")), "this JVM and the mount still answer");
    }
}
