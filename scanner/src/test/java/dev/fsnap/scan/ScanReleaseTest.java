package dev.fsnap.scan;

import dev.fsnap.testdata.TreeBuilder;
import dev.fsnap.testdata.fuse.SlowNas;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.InterruptedIOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A scan that ends early (its caller interrupted, the root answering only around the deadline)
 * leaves nothing open on the scanned filesystem: the root's descriptor is closed by whichever side
 * holds it last, on a FUSE server that answers when the test says so.
 */
@Timeout(value = 180, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ScanReleaseTest {
    @TempDir
    Path dir;

    private SlowNas nas;

    @BeforeEach
    void mount() throws Exception {
        Assumptions.assumeTrue(SlowNas.unavailableReason() == null, SlowNas.unavailableReason());
        Path source = TreeBuilder.at(dir.resolve("src")).file("alive/a", 1).file("dead/c", 3).file("top", 5).root();
        nas = SlowNas.mount(source, Files.createDirectory(dir.resolve("mnt")), Duration.ZERO);
    }

    @AfterEach
    void unmount() {
        if (nas != null) {
            nas.close();
        }
    }

    private ScanOptions options(Duration opTimeout) {
        return ScanOptions.builder(nas.mountPoint()).threads(2).opTimeout(opTimeout).build();
    }

    /**
     * Nothing of this process is open on the mount, allowing the calls still in flight to return: an
     * opener given up on closes the root once its last call (the filesystem's statistics, say) is
     * answered, which the FUSE fixture's daemon, in this JVM, can be slow to do on a loaded machine
     * (5 s were once not enough with two test suites on two cores). A leak stays open for good.
     */
    private void assertNothingOpenOnTheMount(String when) throws InterruptedException {
        long end = System.nanoTime() + (long) (dev.fsnap.testdata.Deadlines.outerLimitSeconds() * 1e9);
        // An opener whose open() the server has just answered holds the root for a moment before it
        // closes it: wait for the openers to end too, or the descriptor is seen in that moment.
        while ((!Descriptors.openBelow(nas.mountPoint()).isEmpty() || openersRunning()) && System.nanoTime() < end) {
            Thread.sleep(20);
        }
        assertEquals(List.of(), Descriptors.openBelow(nas.mountPoint()), () -> when + "; the scan's threads: "
                + scanThreads());
    }

    /** What each of the scan's threads is doing: where a descriptor is held, the stack says why. */
    private static String scanThreads() {
        StringBuilder s = new StringBuilder();
        Thread.getAllStackTraces().forEach((t, stack) -> {
            if (t.getName().startsWith("fsnap-")) {
                s.append('\n').append(t.getName()).append(' ').append(t.getState());
                for (StackTraceElement e : stack) {
                    s.append("\n    at ").append(e);
                }
            }
        });
        return s.length() == 0 ? "none" : s.toString();
    }

    private static boolean openersRunning() {
        return Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals("fsnap-open-root"));
    }

    @Test
    void aCallerInterruptedWhileTheRootHangsGetsAnInterruptedIOExceptionAndTheRootIsClosedWhenItAnswers()
            throws Exception {
        nas.hang("");
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread caller = new Thread(() -> {
            try {
                Scan s = Scanner.of(options(Duration.ofSeconds(60))).start(new EntryVisitor() {
            @Override
            public void visit(Entry e) {
            }
                });
                s.cancel();
                s.await();
            } catch (Throwable t) {
                thrown.set(t);
            }
        }, "scan-caller");
        caller.start();
        assertTrue(nas.awaitBlocked(Duration.ofSeconds(60)), "the opening of the root reached the server");
        caller.interrupt();
        nas.release(); // the root answers right as the caller gives up: in either order, one side closes it
        caller.join(60_000);
        assertFalse(caller.isAlive());
        assertTrue(thrown.get() instanceof InterruptedIOException, String.valueOf(thrown.get()));
        assertEquals("interrupted while opening " + nas.mountPoint(), thrown.get().getMessage());
        assertNothingOpenOnTheMount("after the interrupted opening");
    }

    @Test
    void aRootThatAnswersAroundTheDeadlineIsEitherScannedOrGivenUpOnAndLeftClosedEitherWay() throws Exception {
        Duration deadline = Duration.ofMillis(300);
        int scanned = 0;
        int givenUp = 0;
        for (int round = 0; round < 12; round++) {
            nas.hang("");
            long answerAfter = deadline.toMillis() - 30 + 5 * round; // from before the deadline to after it
            Thread server = new Thread(() -> {
                try {
                    Thread.sleep(answerAfter);
                } catch (InterruptedException e) {
                    return;
                }
                nas.release();
            });
            server.start();
            try {
                ScanSummary s = Scanner.of(options(deadline)).scan(new EntryVisitor() {
                    @Override
                    public void visit(Entry e) {
                    }
                });
                assertTrue(s.entries() > 0);
                scanned++;
            } catch (FileSystemException e) {
                assertEquals(nas.mountPoint().toString(), e.getFile());
                assertEquals("no answer in 0.3 s (the filesystem may be dead)", e.getReason());
                givenUp++;
            }
            server.join();
            assertNothingOpenOnTheMount("round " + round + ", the root answering after " + answerAfter + " ms");
        }
        assertEquals(12, scanned + givenUp);
    }

    @Test
    void aCallerInterruptedWhileAStuckScanWindsDownGetsInterruptedAndTheRootIsClosed() throws Exception {
        nas.hang("dead");
        Scan scan = Scanner.of(options(Duration.ofSeconds(60))).start(new EntryVisitor() {
            @Override
            public void visit(Entry e) {
            }
        });
        assertTrue(nas.awaitBlocked(Duration.ofSeconds(60)), "a worker is in the listing of the dead directory");
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread caller = new Thread(() -> {
            try {
                scan.await();
            } catch (Throwable t) {
                thrown.set(t);
            }
        }, "scan-caller");
        caller.start();
        // Interrupted while it waits for the scan, then again while it waits for the workers to end:
        // one of them is in a call that the deadline (a minute) has not given up on.
        long end = System.nanoTime() + 60_000_000_000L;
        while (caller.isAlive() && System.nanoTime() < end) {
            caller.interrupt();
            caller.join(50);
        }
        assertFalse(caller.isAlive(), "await returned once interrupted");
        assertTrue(thrown.get() instanceof InterruptedException, String.valueOf(thrown.get()));
        nas.release(); // the stuck call returns; its worker sees the scan cancelled and ends
        assertNothingOpenOnTheMount("after the interrupted wait");
    }

    /**
     * A user id no account has: the threads of its processes are this test's alone, so a cap on
     * them ({@code RLIMIT_NPROC}, which counts every thread of the user) is exact.
     */
    private static final int LONE_UID = 61731;

    /**
     * A scan that cannot start its threads once the root is open (a process limit, as in a container
     * with a small pids limit) fails to start, and leaves the root closed: run as a library caller
     * in a process of its own, as a user whose threads the test caps right before the scan.
     */
    @Test
    void aScanThatCannotStartItsThreadsAfterOpeningTheRootFailsAndLeavesTheRootClosed() throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "needs root to switch users");
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")), "needs setpriv (util-linux)");
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/prlimit")), "needs prlimit (util-linux)");
        readable(dir);
        Path root = TreeBuilder.at(dir.resolve("tree")).file("a/b", 1).file("c", 1).root();
        try (var all = Files.walk(root)) {
            for (Path p : all.toList()) {
                readable(p);
            }
        }
        String classpath = readableClasspath(Files.createDirectory(dir.resolve("cp")));
        Path tmp = Files.createDirectory(dir.resolve("tmp")); // where the native library is unpacked
        Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
        Process p = new ProcessBuilder("/usr/bin/setpriv", "--reuid=" + LONE_UID, "--regid=" + LONE_UID,
                "--clear-groups", "--", ProcessHandle.current().info().command().orElse("java"),
                // As few threads of the JVM's own as it allows, and none started later on its own.
                "-XX:+UseSerialGC", "-XX:-UseDynamicNumberOfCompilerThreads", "-XX:TieredStopAtLevel=1",
                "-XX:CICompilerCount=1", "-Djava.io.tmpdir=" + tmp, "-cp", classpath,
                ThreadLimitProbe.class.getName(), root.toString()).redirectErrorStream(true).start();
        try {
            java.util.concurrent.CompletableFuture<String> output = java.util.concurrent.CompletableFuture.supplyAsync(
                    () -> {
                        try {
                            return new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
                        } catch (java.io.IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    });
            boolean ended = p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS);
            p.destroyForcibly();
            String out = output.get(60, java.util.concurrent.TimeUnit.SECONDS);
            assertTrue(ended, "the scan neither started nor failed: " + out);
            // The probe's own lines; the JVM adds warnings of the threads it could not start.
            String[] lines = out.lines().filter(l -> l.matches("(capped at|failed:|scanned|open below) .*"))
                    .toArray(String[]::new);
            assertEquals(3, lines.length, out);
            assertTrue(lines[0].startsWith("capped at "), out);
            assertTrue(lines[1].matches("failed: java.io.IOException: cannot start the scan's threads: .*"
                    + "\\(a limit on processes or threads is reached\\)"), out);
            assertEquals("open below the root: []", lines[2], out);
        } finally {
            p.destroyForcibly();
        }
    }

    private static void readable(Path p) throws java.io.IOException {
        Files.setPosixFilePermissions(p, java.nio.file.attribute.PosixFilePermissions.fromString(
                Files.isDirectory(p) ? "rwxr-xr-x" : "rw-r--r--"));
    }

    /** This JVM's classpath copied where any user can read it (as {@code cli.AnotherUserTest} does). */
    private static String readableClasspath(Path into) throws java.io.IOException {
        readable(into);
        List<String> parts = new java.util.ArrayList<>();
        int i = 0;
        for (String element : System.getProperty("java.class.path").split(":")) {
            Path from = Path.of(element);
            Path to = into.resolve(i++ + "-" + from.getFileName());
            if (Files.isDirectory(from)) {
                try (var walk = Files.walk(from)) {
                    for (Path f : walk.toList()) {
                        Path t = to.resolve(from.relativize(f).toString());
                        if (Files.isDirectory(f)) {
                            Files.createDirectories(t);
                        } else {
                            Files.copy(f, t);
                        }
                        readable(t);
                    }
                }
            } else if (Files.exists(from)) {
                Files.copy(from, to);
                readable(to);
            }
            parts.add(to.toString());
        }
        return String.join(":", parts);
    }
}
