package dev.fsnap.scan;

import dev.fsnap.snapshot.ReadPlan;
import dev.fsnap.snapshot.Snapshot;
import dev.fsnap.snapshot.SnapshotScan;
import dev.fsnap.testdata.Deadlines;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A scan with a digest and a {@link ContentSink}: each file it reads is read once, its bytes to the
 * sink and its digest to the snapshot; what it takes over unread never reaches the sink; a file that
 * changed while read is aborted and read again; a sink that fails leaves its file unreadable, never
 * recorded with a digest.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ContentSinkTest {
    @TempDir
    Path dir;
    private final Random random = new Random(42);

    @BeforeEach
    void nativeOnly() {
        Assumptions.assumeTrue(Scanner.isAvailable() && System.getProperty("os.name").startsWith("Linux"),
                "content is read by the native backend on Linux");
    }

    /** A sink that keeps every file's bytes in memory and logs each call; hooks let a test fail or meddle. */
    static class Recorder implements ContentSink {
        /** Each path's calls, in order: open, abort, commit. */
        final Map<String, List<String>> calls = new ConcurrentHashMap<>();
        /** What each path's last commit received. */
        final Map<String, byte[]> committed = new ConcurrentHashMap<>();
        final Map<String, byte[]> digests = new ConcurrentHashMap<>();
        /** The length of each write, per path (of all its reads). */
        final Map<String, List<Integer>> writes = new ConcurrentHashMap<>();
        final AtomicLong bytes = new AtomicLong();
        final Set<String> threads = ConcurrentHashMap.newKeySet();
        /** Calls of one file's content that came from another thread than its open: must stay empty. */
        final List<String> foreignThreads = Collections.synchronizedList(new ArrayList<>());

        void log(String path, String call) {
            calls.computeIfAbsent(path, p -> Collections.synchronizedList(new ArrayList<>())).add(call);
        }

        /** Called before each open, with how many times the path was opened before. */
        void beforeOpen(String path, int opened) throws IOException {
        }

        /** Called before each write, with the piece's index in this read. */
        void beforeWrite(String path, int opened, int piece) throws IOException {
        }

        void beforeCommit(String path) throws IOException {
        }

        @Override
        public FileContent open(byte[] bytes, long size) throws IOException {
            String path = new String(bytes, StandardCharsets.UTF_8);
            int opened = (int) calls.getOrDefault(path, List.of()).stream().filter("open"::equals).count();
            log(path, "open");
            threads.add(Thread.currentThread().getName().replaceAll("[0-9]+$", ""));
            beforeOpen(path, opened);
            Thread owner = Thread.currentThread();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            return new FileContent() {
                int pieces;

                private void sameThread(String call) {
                    if (Thread.currentThread() != owner) {
                        foreignThreads.add(path + " " + call);
                    }
                }

                @Override
                public void write(byte[] b, int offset, int length) throws IOException {
                    sameThread("write");
                    beforeWrite(path, opened, pieces++);
                    out.write(b, offset, length);
                    writes.computeIfAbsent(path, p -> Collections.synchronizedList(new ArrayList<>())).add(length);
                    Recorder.this.bytes.addAndGet(length);
                }

                @Override
                public void commit(byte[] digest) throws IOException {
                    sameThread("commit");
                    log(path, "commit");
                    beforeCommit(path);
                    committed.put(path, out.toByteArray());
                    digests.put(path, digest);
                }

                @Override
                public void abort() {
                    sameThread("abort");
                    log(path, "abort");
                }
            };
        }
    }

    private byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    private static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    /** What {@code openssl dgst -sha256} says of a file, or null where there is no openssl. */
    private static String openssl(Path file) throws Exception {
        Process p;
        try {
            p = new ProcessBuilder("openssl", "dgst", "-sha256", "-r", file.toString()).redirectErrorStream(true).start();
        } catch (IOException e) {
            return null;
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        return p.exitValue() == 0 ? out.split(" ")[0] : null;
    }

    record Scanned(ScanSummary summary, List<ScanError> errors) {
    }

    /** Scans into a snapshot (against a baseline when given) and commits it unless the scan had errors and told to keep them out. */
    private static Scanned snapshot(ScanOptions options, Path baseline, Path target) throws Exception {
        List<ScanError> errors = Collections.synchronizedList(new ArrayList<>());
        try (Snapshot last = baseline == null ? null : Snapshot.open(baseline)) {
            Scanner scanner = last == null ? Scanner.of(options) : Scanner.of(options).against(last);
            try (SnapshotScan scan = scanner.writingTo(target).start(errors::add)) {
                ScanSummary summary = scan.await();
                scan.commit();
                return new Scanned(summary, errors);
            }
        }
    }

    private static Entry entry(Path snapshot, String path) throws IOException {
        try (Snapshot s = Snapshot.open(snapshot)) {
            return s.lookup(path.getBytes(StandardCharsets.UTF_8)).entry();
        }
    }

    @ParameterizedTest
    @EnumSource(Digest.class)
    void everyRegularFileReachesTheSinkOnceWholeWithTheDigestTheSnapshotRecords(Digest algorithm) throws Exception {
        Path root = Files.createDirectories(dir.resolve("data"));
        Map<String, byte[]> files = new TreeMap<>();
        files.put("small.txt", "hello, store\n".getBytes(StandardCharsets.UTF_8));
        files.put("empty", new byte[0]);
        files.put("big.bin", randomBytes(3 * (1 << 20) + 12345)); // four pieces of at most 1 MiB
        files.put("exactly-one-piece", randomBytes(1 << 20));
        files.put("sub/deeper/nested.dat", randomBytes(70_000));
        for (Map.Entry<String, byte[]> f : files.entrySet()) {
            Path p = root.resolve(f.getKey());
            Files.createDirectories(p.getParent());
            Files.write(p, f.getValue());
        }
        Files.createLink(root.resolve("hard"), root.resolve("small.txt")); // a second path: received as one
        files.put("hard", files.get("small.txt"));
        Files.createSymbolicLink(root.resolve("link"), Path.of("big.bin"));
        Files.createDirectories(root.resolve("empty-dir"));

        Recorder sink = new Recorder();
        ScanOptions options = ScanOptions.builder(root).digest(algorithm).contentSink(sink).threads(2).build();
        assertSame(sink, options.contentSink());
        Path target = dir.resolve("first.snap");
        Scanned scanned = snapshot(options, null, target);

        assertEquals(List.of(), scanned.errors());
        assertEquals(files.keySet(), new TreeSet<>(sink.calls.keySet()), "regular files only, each path once");
        for (Map.Entry<String, byte[]> f : files.entrySet()) {
            String path = f.getKey();
            assertEquals(List.of("open", "commit"), sink.calls.get(path), path);
            assertArrayEquals(f.getValue(), sink.committed.get(path), path + ": its bytes, whole, in order");
            byte[] recorded = entry(target, path).content().digest();
            assertArrayEquals(recorded, sink.digests.get(path), path + ": the digest the snapshot records");
            if (algorithm == Digest.SHA256) {
                String expected = sha256(f.getValue());
                assertEquals(expected, HexFormat.of().formatHex(sink.digests.get(path)), path);
                String openssl = openssl(root.resolve(path));
                if (openssl != null) {
                    assertEquals(openssl, expected, path + ": as openssl dgst -sha256 says");
                }
            }
        }
        assertEquals(List.of(1 << 20, 1 << 20, 1 << 20, 12345), sink.writes.get("big.bin"), "pieces of 1 MiB");
        assertEquals(null, sink.writes.get("empty"), "an empty file: opened and committed, nothing written");
        assertEquals(files.values().stream().mapToLong(b -> b.length).sum(), sink.bytes.get());
        assertEquals(Set.of("fsnap-scan-"), sink.threads, "called on the scan's worker threads");
        assertEquals(List.of(), sink.foreignThreads, "a file's calls come from the thread that opened it");
    }

    @Test
    void againstTheLastSnapshotOnlyNewAndChangedFilesReachTheSink() throws Exception {
        Path root = Files.createDirectories(dir.resolve("data"));
        Map<String, byte[]> files = new TreeMap<>();
        for (int k = 0; k < 50; k++) {
            String name = String.format("d%d/f%02d", k % 5, k);
            files.put(name, randomBytes(1 + random.nextInt(40_000)));
            Files.createDirectories(root.resolve(name).getParent());
            Files.write(root.resolve(name), files.get(name));
        }
        // Past the racy window of Monday's scan: a file it read within 2 s of its start may have
        // changed unseen, and would be read again (see the next test).
        Thread.sleep(2500);
        Recorder monday = new Recorder();
        ScanOptions.Builder options = ScanOptions.builder(root).digest(Digest.SHA256).threads(2);
        Path first = dir.resolve("monday.snap");
        snapshot(options.contentSink(monday).build(), null, first);
        assertEquals(50, monday.committed.size());

        // Two files rewritten (another size: their metadata changes whatever the timestamps' tick), one added.
        byte[] seven = randomBytes(12_345);
        byte[] thirtyOne = randomBytes(54_321);
        byte[] added = randomBytes(777);
        Files.write(root.resolve("d2/f07"), seven);
        Files.write(root.resolve("d1/f31"), thirtyOne);
        Files.write(root.resolve("d4/new"), added);

        Recorder tuesday = new Recorder();
        Path second = dir.resolve("tuesday.snap");
        Scanned scanned = snapshot(options.contentSink(tuesday).build(), first, second);
        assertEquals(List.of(), scanned.errors());
        assertEquals(Set.of("d2/f07", "d1/f31", "d4/new"), tuesday.calls.keySet(), "the 48 unchanged are taken over unread");
        assertEquals(seven.length + thirtyOne.length + added.length, tuesday.bytes.get(), "the bytes read, once");
        assertArrayEquals(seven, tuesday.committed.get("d2/f07"));
        assertArrayEquals(thirtyOne, tuesday.committed.get("d1/f31"));
        assertArrayEquals(added, tuesday.committed.get("d4/new"));
        for (String path : tuesday.calls.keySet()) {
            assertEquals(List.of("open", "commit"), tuesday.calls.get(path), path);
            assertArrayEquals(entry(second, path).content().digest(), tuesday.digests.get(path), path);
        }
        assertArrayEquals(monday.digests.get("d0/f00"), entry(second, "d0/f00").content().digest(),
                "an unchanged file keeps the digest its content was stored under");

        // The plan of a backup between the two names what the sink received: nothing is left to read.
        try (Snapshot mon = Snapshot.open(first); Snapshot tue = Snapshot.open(second)) {
            Set<String> planned = new TreeSet<>();
            for (ReadPlan.FileToRead f : ReadPlan.between(mon, tue).files()) {
                planned.add(f.entry().displayPath());
            }
            assertEquals(new TreeSet<>(tuesday.committed.keySet()), planned);
        }
    }

    /**
     * Files Monday read inside its racy window (written just before it started) may have changed
     * since under the same metadata: a backup's plan lists them (RACY), and a scan with a sink reads
     * and gives them again, where a scan without one takes their digests over.
     */
    @Test
    void filesTheLastScanReadInsideItsRacyWindowAreReadAgainForTheSinkAsTheBackupPlanSays() throws Exception {
        Path root = Files.createDirectories(dir.resolve("data"));
        for (int k = 0; k < 8; k++) {
            Files.write(root.resolve("f" + k), randomBytes(1000 + k));
        }
        Path first = dir.resolve("monday.snap");
        snapshot(ScanOptions.builder(root).digest(Digest.SHA256).build(), null, first);
        byte[] changed = randomBytes(333);
        Files.write(root.resolve("f3"), changed);

        // Without a sink: the digests of the racy files are taken over, as they always were.
        Path plain = dir.resolve("plain.snap");
        try (Snapshot last = Snapshot.open(first);
             SnapshotScan scan = Scanner.of(ScanOptions.builder(root).digest(Digest.SHA256).build()).against(last)
                     .writingTo(plain).start(null)) {
            scan.await();
            assertEquals(333, scan.progress().contentRead(), "f3 alone is read");
            scan.commit();
        }

        Recorder sink = new Recorder();
        Path second = dir.resolve("tuesday.snap");
        Scanned scanned = snapshot(ScanOptions.builder(root).digest(Digest.SHA256).contentSink(sink).build(), first,
                second);
        assertEquals(List.of(), scanned.errors());
        try (Snapshot mon = Snapshot.open(first); Snapshot tue = Snapshot.open(second)) {
            Map<String, ReadPlan.Reason> planned = new TreeMap<>();
            for (ReadPlan.FileToRead f : ReadPlan.between(mon, tue).files()) {
                planned.put(f.entry().displayPath(), f.reason());
            }
            assertEquals(ReadPlan.Reason.MODIFIED, planned.get("f3"));
            assertEquals(ReadPlan.Reason.RACY, planned.get("f0"), "Monday read it inside its racy window");
            assertEquals(planned.keySet(), sink.committed.keySet(), "the sink received what the plan says to read");
        }
        assertArrayEquals(changed, sink.committed.get("f3"));
        for (int k = 0; k < 8; k++) {
            assertArrayEquals(Files.readAllBytes(root.resolve("f" + k)), sink.committed.get("f" + k));
            assertArrayEquals(entry(second, "f" + k).content().digest(), sink.digests.get("f" + k));
        }
    }

    @Test
    void unchangedFilesTheScheduleReadsAgainAreVerifiedButNotGivenToTheSink() throws Exception {
        Path root = Files.createDirectories(dir.resolve("data"));
        for (int k = 0; k < 6; k++) {
            Files.write(root.resolve("f" + k), randomBytes(5000 + k));
        }
        // Past the racy window of the first scan: a racy baseline proves nothing, and its file would be given.
        Thread.sleep(2500);
        Path first = dir.resolve("monday.snap");
        snapshot(ScanOptions.builder(root).digest(Digest.SHA256).build(), null, first);
        byte[] changed = randomBytes(100);
        Files.write(root.resolve("f0"), changed);

        Recorder sink = new Recorder();
        ScanOptions options = ScanOptions.builder(root).digest(Digest.SHA256).verifyBudget(1L << 40)
                .contentSink(sink).build();
        Path second = dir.resolve("tuesday.snap");
        long reverified;
        try (Snapshot last = Snapshot.open(first)) {
            Scanner tonight = Scanner.of(options).against(last);
            assertEquals(6, tonight.schedule().orElseThrow().files(), "every file is picked, before f0 is found changed");
            try (SnapshotScan scan = tonight.writingTo(second).start(null)) {
                assertEquals(0, scan.await().errors());
                reverified = scan.progress().reverified();
                scan.commit();
            }
        }
        assertEquals(5001 + 5002 + 5003 + 5004 + 5005, reverified, "read again, and found unchanged");
        assertEquals(Set.of("f0"), sink.calls.keySet(), "the store has the others");
        assertArrayEquals(changed, sink.committed.get("f0"));
    }

    /** The sink rewrites the file (another size) during its first read: the read is aborted and done again. */
    @Test
    void aFileRewrittenWhileItIsReadIsAbortedThenOpenedAndReadAgain() throws Exception {
        Path root = Files.createDirectories(dir.resolve("data"));
        byte[] before = randomBytes(3 * (1 << 20)); // three pieces: rewritten after the first
        byte[] after = randomBytes(2 * (1 << 20) + 7);
        Files.write(root.resolve("live.bin"), before);
        byte[] still = randomBytes(10);
        Files.write(root.resolve("still"), still);
        Recorder sink = new Recorder() {
            @Override
            void beforeWrite(String path, int opened, int piece) throws IOException {
                if (path.equals("live.bin") && opened == 0 && piece == 0) {
                    Files.write(root.resolve(path), after);
                }
            }
        };
        Path target = dir.resolve("s.snap");
        Scanned scanned = snapshot(ScanOptions.builder(root).digest(Digest.SHA256).contentSink(sink).build(), null,
                target);
        assertEquals(List.of(), scanned.errors());
        assertEquals(List.of("open", "abort", "open", "commit"), sink.calls.get("live.bin"));
        assertArrayEquals(after, sink.committed.get("live.bin"), "the second read's bytes, whole");
        assertEquals(sha256(after), HexFormat.of().formatHex(sink.digests.get("live.bin")));
        assertEquals(sha256(after), HexFormat.of().formatHex(entry(target, "live.bin").content().digest()));
        assertEquals(List.of("open", "commit"), sink.calls.get("still"));
        assertArrayEquals(still, sink.committed.get("still"));
    }

    @Test
    void aFileThatKeepsChangingIsAbortedTwiceAndRecordedUnreadableWithoutADigest() throws Exception {
        Path root = Files.createDirectories(dir.resolve("data"));
        Files.write(root.resolve("live.log"), randomBytes(2 << 20));
        Recorder sink = new Recorder() {
            @Override
            void beforeWrite(String path, int opened, int piece) throws IOException {
                if (piece == 0) {
                    Files.write(root.resolve(path), randomBytes((2 << 20) + 100 * (opened + 1)));
                }
            }
        };
        Path target = dir.resolve("s.snap");
        Scanned scanned = snapshot(ScanOptions.builder(root).digest(Digest.SHA256).contentSink(sink).build(), null,
                target);
        assertEquals(List.of("open", "abort", "open", "abort"), sink.calls.get("live.log"));
        assertEquals(1, scanned.errors().size(), scanned.errors().toString());
        assertEquals("ECHANGING", scanned.errors().get(0).code());
        assertNull(entry(target, "live.log").content(), "no digest recorded");
    }

    enum Where { OPEN, WRITE, COMMIT, WRITE_UNCHECKED }

    /**
     * A sink that fails for one file (a store that is full): the file is recorded unreadable (READ,
     * ESINK, the sink's message), with no digest, so no snapshot says it was stored; the scan goes on,
     * and the next scan against that snapshot gives the file to the sink again.
     */
    @ParameterizedTest
    @EnumSource(Where.class)
    void aSinkThatFailsLeavesItsFileUnreadableWithoutADigestAndTheNextScanGivesItAgain(Where where) throws Exception {
        Path root = Files.createDirectories(dir.resolve("data"));
        byte[] refused = randomBytes(3 << 20);
        Files.write(root.resolve("refused.bin"), refused);
        Files.write(root.resolve("a.txt"), randomBytes(100));
        Files.write(root.resolve("b.txt"), randomBytes(200));
        Thread.sleep(2500); // past Monday's racy window: the next scan reads only what it must
        Recorder failing = new Recorder() {
            @Override
            void beforeOpen(String path, int opened) throws IOException {
                if (where == Where.OPEN && path.equals("refused.bin")) {
                    throw new IOException("/store: No space left on device");
                }
            }

            @Override
            void beforeWrite(String path, int opened, int piece) throws IOException {
                if (path.equals("refused.bin") && piece == 1) {
                    if (where == Where.WRITE) {
                        throw new IOException("/store: No space left on device");
                    } else if (where == Where.WRITE_UNCHECKED) {
                        throw new IllegalStateException("store closed");
                    }
                }
            }

            @Override
            void beforeCommit(String path) throws IOException {
                if (where == Where.COMMIT && path.equals("refused.bin")) {
                    throw new IOException("/store: No space left on device");
                }
            }
        };
        Path first = dir.resolve("monday.snap");
        Scanned scanned = snapshot(ScanOptions.builder(root).digest(Digest.SHA256).contentSink(failing).build(), null,
                first);

        assertEquals(1, scanned.summary().errors());
        ScanError e = scanned.errors().get(0);
        assertEquals("refused.bin", new String(e.path(), StandardCharsets.UTF_8));
        assertEquals(Operation.READ, e.operation());
        assertEquals(ContentSink.ERROR_CODE, e.code());
        assertEquals("Not stored: the content sink failed: " + (where == Where.WRITE_UNCHECKED
                ? "java.lang.IllegalStateException: store closed" : "/store: No space left on device"), e.message());
        assertEquals(switch (where) {
            case OPEN -> List.of("open");
            case WRITE, WRITE_UNCHECKED -> List.of("open", "abort");
            case COMMIT -> List.of("open", "commit", "abort");
        }, failing.calls.get("refused.bin"));
        assertNull(failing.committed.get("refused.bin"));
        if (where != Where.OPEN) {
            assertEquals(where == Where.COMMIT ? List.of(1 << 20, 1 << 20, 1 << 20) : List.of(1 << 20),
                    failing.writes.get("refused.bin"), "a write that failed ends the read");
        }
        assertEquals(Set.of("a.txt", "b.txt"), failing.committed.keySet(), "the scan went on");
        try (Snapshot monday = Snapshot.open(first)) {
            Entry kept = monday.lookup("refused.bin".getBytes(StandardCharsets.UTF_8)).entry();
            assertNotNull(kept, "the entry is kept with its stat");
            assertEquals(refused.length, kept.size());
            assertNull(kept.content(), "no digest: the snapshot never says it was stored");
            assertEquals(List.of("refused.bin READ ESINK"), monday.unreadable().stream()
                    .map(u -> new String(u.path(), StandardCharsets.UTF_8) + " " + u.operation() + " " + u.code()).toList());
        }

        // The next night, against that snapshot: the file, unchanged, is read and given again.
        Recorder healthy = new Recorder();
        Path second = dir.resolve("tuesday.snap");
        Scanned next = snapshot(ScanOptions.builder(root).digest(Digest.SHA256).contentSink(healthy).build(), first,
                second);
        assertEquals(List.of(), next.errors());
        assertEquals(Set.of("refused.bin"), healthy.calls.keySet());
        assertArrayEquals(refused, healthy.committed.get("refused.bin"));
        assertEquals(sha256(refused), HexFormat.of().formatHex(entry(second, "refused.bin").content().digest()));
    }

    /**
     * A write that takes longer than the deadline of one call is given up on as a read that hung:
     * the file is recorded as timed out and aborted once the write returns, never committed; the
     * scan goes on.
     */
    @Test
    void aWriteSlowerThanTheDeadlineIsGivenUpOnAndTheFileAbortedNotCommitted() throws Exception {
        Path root = Files.createDirectories(dir.resolve("data"));
        for (int k = 0; k < 10; k++) {
            Files.write(root.resolve("f" + k), randomBytes(1000 + k));
        }
        Files.write(root.resolve("slow"), randomBytes(5000));
        Recorder sink = new Recorder() {
            @Override
            void beforeWrite(String path, int opened, int piece) {
                if (path.equals("slow")) {
                    try {
                        Thread.sleep(4000);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }
        };
        long start = System.nanoTime();
        Scanned scanned = snapshot(ScanOptions.builder(root).digest(Digest.SHA256).threads(2)
                .opTimeout(Duration.ofSeconds(1)).contentSink(sink).build(), null, dir.resolve("s.snap"));
        double seconds = (System.nanoTime() - start) / 1e9;
        assertTrue(seconds < Deadlines.outerLimitSeconds(1), "ended after " + seconds + " s");
        assertEquals(1, scanned.errors().size(), scanned.errors().toString());
        assertEquals("slow", new String(scanned.errors().get(0).path(), StandardCharsets.UTF_8));
        assertEquals("ETIMEDOUT", scanned.errors().get(0).code());
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!sink.calls.get("slow").contains("abort") && System.nanoTime() < until) {
            Thread.sleep(20);
        }
        assertEquals(List.of("open", "abort"), sink.calls.get("slow"), "aborted once its write returned");
        assertNull(sink.committed.get("slow"));
        for (int k = 0; k < 10; k++) {
            List<String> calls = sink.calls.get("f" + k);
            assertEquals("commit", calls.get(calls.size() - 1), "f" + k + ": " + calls);
        }
    }

    @Test
    void aSinkWithoutADigestOrWithTheNioBackendIsRefusedSayingWhy() {
        ContentSink sink = new Recorder();
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
                () -> ScanOptions.builder(dir).contentSink(sink).build());
        assertEquals("contentSink receives the files a digest reads, and no digest was set", none.getMessage());
        IllegalArgumentException nio = assertThrows(IllegalArgumentException.class,
                () -> ScanOptions.builder(dir).digest(Digest.SHA256).backend(Backend.NIO).contentSink(sink).build());
        assertEquals("contentSink is given the content the native backend reads, not backend NIO (which reads no "
                + "content)", nio.getMessage());
        ScanOptions kept = ScanOptions.builder(dir).digest(Digest.SHA256).contentSink(sink).build();
        assertSame(sink, kept.toBuilder().build().contentSink(), "a copy keeps it");
        assertNull(kept.toBuilder().contentSink(null).build().contentSink());
        assertNull(ScanOptions.builder(dir).digest(Digest.SHA256).build().contentSink(), "none by default");
    }
}
