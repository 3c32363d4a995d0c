package dev.fsnap.snapshot;

import dev.fsnap.testdata.TreeBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The caller's consumer is called only while {@link Differ#compare} runs: once compare has thrown,
 * or its caller was interrupted, no change reaches the consumer any more.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class DifferLifecycleTest {
    @TempDir
    Path dir;

    private static final int FILES = 200;

    /** Two snapshots of a tree in which every one of {@link #FILES} files changed size in between. */
    private Path[] twoSnapshotsWithManyChanges() throws Exception {
        TreeBuilder t = TreeBuilder.at(dir.resolve("t"));
        for (int i = 0; i < FILES; i++) {
            t.file("d/f" + i, 1);
        }
        Path root = t.root();
        Path old = dir.resolve("old.snap");
        Snapshots.take(root, old, Duration.ZERO);
        for (int i = 0; i < FILES; i++) {
            Files.write(root.resolve("d/f" + i), new byte[3]);
        }
        Path now = dir.resolve("new.snap");
        Snapshots.take(root, now, Duration.ZERO);
        return new Path[] {old, now};
    }

    @Test
    void aConsumerThatThrowsEndsTheComparisonWithItsExceptionAndIsNotCalledAgain() throws Exception {
        Path[] files = twoSnapshotsWithManyChanges();
        AtomicInteger calls = new AtomicInteger();
        AtomicReference<Thread> walker = new AtomicReference<>();
        IllegalStateException refused = new IllegalStateException("the consumer refuses");
        try (Snapshot a = Snapshot.open(files[0]); Snapshot b = Snapshot.open(files[1])) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> Differ.compare(a, b, c -> {
                walker.set(Thread.currentThread());
                calls.incrementAndGet();
                throw refused;
            }));
            assertSame(refused, e);
            walker.get().join(60_000);
            assertFalse(walker.get().isAlive(), "the walk ended with the consumer's exception");
        }
        assertEquals(1, calls.get());
    }

    @Test
    void anInterruptedCallerGetsAnInterruptedIOExceptionAndItsConsumerIsNotCalledAfterwards() throws Exception {
        Path[] files = twoSnapshotsWithManyChanges();
        AtomicInteger calls = new AtomicInteger();
        AtomicInteger callsAfterCompareEnded = new AtomicInteger();
        AtomicReference<Thread> walker = new AtomicReference<>();
        CountDownLatch inFirstCall = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        java.util.concurrent.atomic.AtomicBoolean compareEnded = new java.util.concurrent.atomic.AtomicBoolean();
        try (Snapshot a = Snapshot.open(files[0]); Snapshot b = Snapshot.open(files[1])) {
            Thread caller = new Thread(() -> {
                try {
                    Differ.compare(a, b, c -> {
                        if (compareEnded.get()) {
                            callsAfterCompareEnded.incrementAndGet();
                        }
                        walker.set(Thread.currentThread());
                        if (calls.incrementAndGet() == 1) {
                            inFirstCall.countDown();
                            try {
                                release.await(); // a consumer busy with the change, until interrupted
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                        }
                    });
                } catch (Throwable t) {
                    thrown.set(t);
                } finally {
                    compareEnded.set(true);
                }
            }, "compare-caller");
            caller.start();
            assertTrue(inFirstCall.await(60, java.util.concurrent.TimeUnit.SECONDS));
            caller.interrupt();
            caller.join(60_000);
            assertFalse(caller.isAlive(), "compare returned once interrupted");
            assertTrue(thrown.get() instanceof InterruptedIOException, String.valueOf(thrown.get()));
            assertEquals("interrupted while comparing " + files[0] + " and " + files[1], thrown.get().getMessage());
            release.countDown();
            walker.get().join(60_000);
            assertFalse(walker.get().isAlive(), "the walk ended");
        }
        assertEquals(0, callsAfterCompareEnded.get());
        assertEquals(1, calls.get(), "changes delivered after the caller was interrupted");
    }
}
