package dev.fsnap.walk;

import dev.fsnap.scan.Backend;
import dev.fsnap.scan.Entry;
import dev.fsnap.scan.EntryVisitor;
import dev.fsnap.scan.HostileTreeTest;
import dev.fsnap.scan.ScanError;
import dev.fsnap.scan.ScanOptions;
import dev.fsnap.scan.ScanSummary;
import dev.fsnap.scan.Scanner;
import dev.fsnap.testdata.TreeGenerator;
import dev.fsnap.testdata.fuse.SlowNas;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A scan through a FUSE filesystem with NAS-like latency sees what a local scan of its source sees. */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ThroughFuseTest {
    @TempDir
    Path dir;

    @Test
    void everyFieldButTheDeviceMatchesTheSource() throws Exception {
        Assumptions.assumeTrue(SlowNas.unavailableReason() == null, SlowNas.unavailableReason());
        Path source = dir.resolve("src");
        TreeGenerator.generate(source, 300, 20, 4);
        Path mount = Files.createDirectory(dir.resolve("mnt"));
        try (SlowNas nas = SlowNas.mount(source, mount, Duration.ofNanos(100_000))) {
            Map<String, Entry> local = HostileTreeTest.scan(ScanOptions.builder(source).threads(2).build()).entries();
            HostileTreeTest.Seen remote = HostileTreeTest.scan(ScanOptions.builder(mount).threads(16).build());
            assertEquals(java.util.List.of(), remote.errors());
            assertEquals(local.keySet(), remote.entries().keySet());
            for (Map.Entry<String, Entry> e : local.entrySet()) {
                Entry l = e.getValue();
                Entry r = remote.entries().get(e.getKey());
                assertEquals(new Entry(l.path(), l.type(), l.size(), l.mtimeSec(), l.mtimeNsec(), l.ctimeSec(),
                        l.ctimeNsec(), l.inode(), r.device(), l.mode(), l.uid(), l.gid(), l.linkCount(), l.target()), r,
                        e.getKey());
            }
        }
    }

    @Test
    void everyWorkerOfThePoolReadsWhileNoneIsStuck() throws Exception {
        // One worker stands by, blocked, to replace a stuck one: it must not cost one of the pool's own.
        Assumptions.assumeTrue(SlowNas.unavailableReason() == null, SlowNas.unavailableReason());
        Path source = dir.resolve("src");
        TreeGenerator.generate(source, 200, 5, 4);
        Path mount = Files.createDirectory(dir.resolve("mnt"));
        try (SlowNas nas = SlowNas.mount(source, mount, Duration.ofMillis(2))) {
            java.util.Set<String> readers = java.util.concurrent.ConcurrentHashMap.newKeySet();
            ScanSummary s = Scanner.of(ScanOptions.builder(mount).threads(4).build()).scan(new EntryVisitor() {
                @Override
                public void visit(Entry e) {
                    readers.add(Thread.currentThread().getName());
                }

                @Override
                public void error(ScanError e) {
                    throw new AssertionError(e.toString());
                }
            });
            assertEquals(4, s.threads());
            assertEquals(4, readers.size(), readers.toString());
        }
    }

    @Test
    void callsInFlightFollowTheThroughputWithoutLosingAnEntry() throws Exception {
        Assumptions.assumeTrue(SlowNas.unavailableReason() == null, SlowNas.unavailableReason());
        Path source = dir.resolve("src");
        // 3,400 entries at 25 ms a call take at least 1.3 s at 64 calls in flight: a step is taken each second.
        TreeGenerator.Shape shape = TreeGenerator.generate(source, 3_000, 20, 8);
        Path mount = Files.createDirectory(dir.resolve("mnt"));
        try (SlowNas nas = SlowNas.mount(source, mount, Duration.ofMillis(25))) {
            // The climb's own rules are in HillClimbTest; here, a scan whose limit moves while it reads.
            HostileTreeTest.Seen seen = HostileTreeTest.scan(ScanOptions.builder(mount).build());
            assertEquals(java.util.List.of(), seen.errors());
            assertEquals(shape.entries(), seen.entries().size());
            String reason = seen.summary().threadsReason();
            assertTrue(reason.matches("network filesystem fuse: many calls in flight, adapted to throughput from 64 "
                    + "\\(tried \\d+ to \\d+\\)"), reason + " after " + seen.summary().elapsed());
            assertTrue(seen.summary().threads() >= Concurrency.ADAPTIVE_MIN
                    && seen.summary().threads() <= Concurrency.ADAPTIVE_MAX, reason);
        }
    }

    @Test
    void aNetworkFilesystemGetsManyCallsInFlightUnlessTheUserChose() throws Exception {
        Assumptions.assumeTrue(SlowNas.unavailableReason() == null, SlowNas.unavailableReason());
        Path source = dev.fsnap.testdata.TreeBuilder.at(dir.resolve("src")).file("a/f", 1).root();
        Path mount = Files.createDirectory(dir.resolve("mnt"));
        try (SlowNas nas = SlowNas.mount(source, mount, Duration.ZERO)) {
            for (Backend backend : new Backend[] {Backend.NATIVE, Backend.NIO}) {
                ScanSummary auto = Scanner.of(ScanOptions.builder(mount).backend(backend).build()).scan(null);
                assertEquals(64, auto.threads(), backend + ": " + auto.threadsReason());
                assertTrue(auto.threadsReason().startsWith("network filesystem fuse"), auto.threadsReason());
                ScanSummary chosen = Scanner.of(ScanOptions.builder(mount).backend(backend).threads(3).build())
                        .scan(null);
                assertEquals(3, chosen.threads());
                assertEquals("requested", chosen.threadsReason());
            }
        }
        ScanSummary local = Scanner.of(ScanOptions.builder(source).build()).scan(null);
        assertEquals(Runtime.getRuntime().availableProcessors(), local.threads());
        assertTrue(local.threadsReason().endsWith(": one per core"), local.threadsReason());
    }
}
