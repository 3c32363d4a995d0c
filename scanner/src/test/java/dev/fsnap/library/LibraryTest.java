package dev.fsnap.library;

import dev.fsnap.scan.Backend;
import dev.fsnap.scan.Digest;
import dev.fsnap.scan.Entry;
import dev.fsnap.scan.EntryType;
import dev.fsnap.scan.EntryVisitor;
import dev.fsnap.scan.Operation;
import dev.fsnap.scan.PathRules;
import dev.fsnap.scan.Scan;
import dev.fsnap.scan.ScanError;
import dev.fsnap.scan.Policy;
import dev.fsnap.scan.ScanOptions;
import dev.fsnap.scan.ScanProgress;
import dev.fsnap.scan.ScanStream;
import dev.fsnap.scan.ScanSummary;
import dev.fsnap.scan.Scanner;
import dev.fsnap.snapshot.Change;
import dev.fsnap.snapshot.CorruptSnapshotException;
import dev.fsnap.snapshot.DiffSummary;
import dev.fsnap.snapshot.Differ;
import dev.fsnap.scan.Field;
import dev.fsnap.snapshot.ReadPlan;
import dev.fsnap.snapshot.Snapshot;
import dev.fsnap.snapshot.ShardPlan;
import dev.fsnap.snapshot.SnapshotMerge;
import dev.fsnap.snapshot.SnapshotScan;
import dev.fsnap.snapshot.Verification;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The library as a backup tool uses it: exported API only (a boundary test compiles this package
 * against the modules to hold it to that), real trees on disk.
 */
class LibraryTest {
    private static final FileTime LONG_AGO = FileTime.from(Instant.parse("2025-01-01T00:00:00Z"));

    private static Path file(Path root, String relative, String content) throws IOException {
        Path f = root.resolve(relative);
        Files.createDirectories(f.getParent());
        Files.writeString(f, content);
        Files.setLastModifiedTime(f, LONG_AGO);
        return f;
    }

    /** docs/a.txt, docs/b.log, src/Main.java, src/build/out.o, loop -> . */
    private static Path tree(Path dir) throws IOException {
        Path root = dir.resolve("tree");
        file(root, "docs/a.txt", "alpha");
        file(root, "docs/b.log", "bravo");
        file(root, "src/Main.java", "class Main {}");
        file(root, "src/build/out.o", "object");
        Files.createSymbolicLink(root.resolve("loop"), Path.of("."));
        return root;
    }

    private static Set<String> paths(Stream<Entry> entries) {
        return entries.map(Entry::displayPath).collect(Collectors.toCollection(TreeSet::new));
    }

    @Test
    void scanWithOptionsDeliversEntriesErrorsAndASummary(@TempDir Path dir) throws Exception {
        Path root = tree(dir);
        ScanOptions options = ScanOptions.builder(root).threads(3).backend(Backend.NATIVE).oneFileSystem(true)
                .followSymlinks(true).opTimeout(Duration.ofSeconds(5))
                .exclude("*.log").exclude("build/").include("keep.log").build();
        List<Entry> entries = Collections.synchronizedList(new ArrayList<>());
        List<ScanError> errors = Collections.synchronizedList(new ArrayList<>());
        ScanSummary summary = Scanner.of(options).scan(new EntryVisitor() {
            @Override
            public void visit(Entry entry) {
                entries.add(entry);
            }

            @Override
            public void error(ScanError error) {
                errors.add(error);
            }
        });
        assertEquals(Set.of(".", "docs", "docs/a.txt", "src", "src/Main.java", "loop"), paths(entries.stream()));
        assertEquals(1, errors.size(), () -> "errors: " + errors);
        assertEquals("loop", errors.get(0).displayPath());
        assertEquals("ELOOP", errors.get(0).code());
        assertEquals(Operation.OPEN, errors.get(0).operation(), "the link's target is opened as a directory");
        assertEquals(6, summary.entries());
        assertEquals(1, summary.errors());
        assertEquals(5 + 13, summary.bytes());
        assertEquals(3, summary.threads());
        assertEquals(Backend.NATIVE, summary.backend());
        assertFalse(summary.complete());
        Entry a = entries.stream().filter(e -> e.displayPath().equals("docs/a.txt")).findFirst().orElseThrow();
        assertEquals(EntryType.FILE, a.type());
        assertEquals(5, a.size());
        assertEquals(LONG_AGO.toInstant(), a.mtime());
        assertEquals("docs/a.txt", new String(a.path(), StandardCharsets.UTF_8));
    }

    @Test
    void theSameScanAsAStreamWithTheSummaryAtTheEnd(@TempDir Path dir) throws Exception {
        Path root = tree(dir);
        for (Backend backend : List.of(Backend.NATIVE, Backend.NIO)) {
            ScanOptions options = ScanOptions.builder(root).backend(backend).exclude("src/").build();
            List<ScanError> errors = new ArrayList<>();
            try (ScanStream scan = Scanner.of(options).stream(errors::add)) {
                assertEquals(Set.of(".", "docs", "docs/a.txt", "docs/b.log", "loop"), paths(scan.entries()));
                ScanSummary summary = scan.await();
                assertEquals(5, summary.entries());
                assertEquals(backend, summary.backend());
                assertFalse(summary.cancelled());
                assertThrows(IllegalStateException.class, scan::entries, "a stream is taken once");
            }
            assertTrue(errors.isEmpty(), () -> "errors: " + errors);
        }
    }

    @Test
    void closingAStreamEarlyCancelsTheScan(@TempDir Path dir) throws Exception {
        Path root = Files.createDirectories(dir.resolve("wide"));
        for (int i = 0; i < 8000; i++) {
            Files.createFile(root.resolve("f" + i));
        }
        try (ScanStream scan = Scanner.of(ScanOptions.builder(root).build()).stream(null)) {
            try (Stream<Entry> entries = scan.entries()) {
                assertEquals(10, entries.limit(10).count());
            }
            ScanSummary summary = scan.await();
            assertTrue(summary.cancelled(), "the scan waits for the stream, so it cannot have finished");
            assertTrue(summary.entries() < 8001, () -> summary.entries() + " entries");
        }
    }

    @Test
    void cancelFromAnotherThreadAndWatchProgress(@TempDir Path dir) throws Exception {
        Path root = dir.resolve("big");
        for (int d = 0; d < 40; d++) {
            for (int i = 0; i < 100; i++) {
                file(root, "d" + d + "/f" + i, "0123456789");
            }
        }
        CountDownLatch halfway = new CountDownLatch(1);
        CountDownLatch released = new CountDownLatch(1);
        Scan scan = Scanner.of(ScanOptions.builder(root).threads(2).build()).start((EntryVisitor) entry -> {
            if (entry.displayPath().equals("d0/f50") || entry.displayPath().equals("d1/f50")) {
                halfway.countDown();
                try {
                    released.await(10, TimeUnit.SECONDS); // a slow consumer: the scan waits for it
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        assertTrue(halfway.await(10, TimeUnit.SECONDS));
        ScanProgress p = scan.progress();
        assertTrue(p.entries() > 0 && p.entries() < 4041, () -> "progress " + p);
        assertTrue(p.bytes() > 0 && p.bytes() % 10 == 0, () -> "progress " + p);
        assertTrue(p.directoriesWaiting() >= 0 && p.errors() == 0, () -> "progress " + p);
        Thread canceller = new Thread(scan::cancel);
        canceller.start();
        canceller.join();
        released.countDown();
        ScanSummary summary = scan.await();
        assertTrue(summary.cancelled());
        assertTrue(summary.entries() < 4041, () -> summary.entries() + " entries");
    }

    @Test
    void writeAndOpenASnapshotIterateLookUpAndReadItsMetadata(@TempDir Path dir) throws Exception {
        Path root = tree(dir);
        Path target = dir.resolve("tree.snap");
        Instant before = Instant.now();
        ScanOptions options = ScanOptions.builder(root).followSymlinks(true).exclude("*.log").build();
        ScanSummary summary = take(options, target);
        assertEquals(8, summary.entries());
        try (Snapshot s = Snapshot.open(target)) {
            assertEquals(root.toAbsolutePath().toString(), s.root());
            assertFalse(s.started().isBefore(before.minusSeconds(1)));
            assertFalse(s.finished().isBefore(s.started()));
            assertEquals(8, s.entries());
            assertEquals(List.of("*.log"), s.rules().patterns());
            assertEquals(options.rules(), s.scanOptions().rules());
            assertTrue(s.scanOptions().followSymlinks());
            List<ScanError> unreadable = s.unreadable();
            assertEquals(1, unreadable.size());
            assertEquals("loop", unreadable.get(0).displayPath());

            List<Entry> walked = new ArrayList<>();
            s.walk(walked::add);
            assertEquals(List.of(".", "docs", "docs/a.txt", "loop", "src", "src/Main.java", "src/build",
                    "src/build/out.o"), walked.stream().map(Entry::displayPath).toList(), "depth first, in name order");

            Snapshot.Lookup found = s.lookup("src/Main.java".getBytes(StandardCharsets.UTF_8));
            assertEquals(Snapshot.Status.FOUND, found.status());
            assertEquals(13, found.entry().size());
            assertEquals(Snapshot.Status.ABSENT, s.lookup("src/Other.java".getBytes(StandardCharsets.UTF_8)).status());
            assertEquals(Snapshot.Status.EXCLUDED, s.lookup("docs/b.log".getBytes(StandardCharsets.UTF_8)).status(),
                    "the snapshot does not know what its rules left out");
            Snapshot.Lookup below = s.lookup("loop/docs".getBytes(StandardCharsets.UTF_8));
            assertEquals(Snapshot.Status.UNREADABLE, below.status());
            assertEquals("ELOOP", below.error().code());
        }
    }

    @Test
    void aCancelledSnapshotScanLeavesThePreviousFile(@TempDir Path dir) throws Exception {
        Path root = tree(dir);
        Path target = dir.resolve("tree.snap");
        take(ScanOptions.builder(root).build(), target);
        byte[] previous = Files.readAllBytes(target);
        file(root, "docs/new.txt", "new");
        try (SnapshotScan scan = Scanner.of(ScanOptions.builder(root).build()).writingTo(target).start(null)) {
            scan.cancel();
            assertTrue(scan.await().cancelled());
            assertThrows(IllegalStateException.class, scan::commit, "a cancelled scan is not committed");
            assertFalse(scan.committed());
        }
        assertTrue(java.util.Arrays.equals(previous, Files.readAllBytes(target)));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(Set.of("tree", "tree.snap"), files.map(p -> p.getFileName().toString()).collect(Collectors.toSet()),
                    "no temporary file left behind");
        }
    }

    @Test
    void diffTwoSnapshotsAsAStreamOfChanges(@TempDir Path dir) throws Exception {
        Path root = tree(dir);
        Files.delete(root.resolve("loop"));
        Path old = dir.resolve("old.snap");
        Path next = dir.resolve("new.snap");
        take(ScanOptions.builder(root).build(), old);
        Files.writeString(root.resolve("docs/a.txt"), "alpha, longer");
        Files.move(root.resolve("src/Main.java"), root.resolve("Main.java"));
        Files.delete(root.resolve("docs/b.log"));
        Files.writeString(root.resolve("docs/c.txt"), "charlie");
        take(ScanOptions.builder(root).build(), next);

        try (Snapshot a = Snapshot.open(old); Snapshot b = Snapshot.open(next);
             Stream<Change> changes = Differ.changes(a, b)) {
            List<Change> all = changes.toList();
            // Files unchanged since the old scan read them inside its own time window: not differences, but shown.
            assertEquals(List.of("src/build", "src/build/out.o"), all.stream().filter(c -> c instanceof Change.Racy)
                    .map(Change::displayPath).toList());
            List<Change> files = all.stream().filter(c -> !(c instanceof Change.Racy))
                    .filter(c -> c.after() == null || c.after().type() != EntryType.DIRECTORY).toList();
            assertEquals(4, files.size(), () -> "changes: " + files);
            for (Change c : files) {
                if (c instanceof Change.Modified m) {
                    assertEquals("docs/a.txt", m.displayPath());
                    assertTrue(m.fields().containsAll(Set.of(Field.SIZE, Field.MTIME)), () -> "fields " + m.fields());
                    assertTrue(m.racy(), "written just before the scan: a change in the same tick would not show");
                } else if (c instanceof Change.Moved m) {
                    assertEquals("src/Main.java", new String(m.from(), StandardCharsets.UTF_8));
                    assertEquals("Main.java", m.displayPath());
                } else if (c instanceof Change.Removed r) {
                    assertEquals("docs/b.log", r.displayPath());
                    assertNull(r.after());
                    assertFalse(r.racy());
                } else if (c instanceof Change.Added ad) {
                    assertEquals("docs/c.txt", ad.displayPath());
                    assertEquals(7, ad.after().size());
                    assertTrue(ad.racy());
                } else {
                    throw new AssertionError("unexpected " + c);
                }
            }
        }
    }

    @Test
    void diffASnapshotAgainstALiveScanIgnoringWhatEitherLeftOut(@TempDir Path dir) throws Exception {
        Path root = tree(dir);
        Files.delete(root.resolve("loop"));
        Path old = dir.resolve("old.snap");
        take(ScanOptions.builder(root).exclude("*.log").build(), old);
        file(root, "docs/more.log", "more");
        file(root, "docs/d.txt", "delta");
        try (Snapshot last = Snapshot.open(old)) {
            // Tonight: the same options as last night, minus the rule, into a new snapshot.
            Path next = dir.resolve("next.snap");
            ScanOptions tonight = ScanOptions.builder(root).build();
            take(tonight, next);
            try (Snapshot now = Snapshot.open(next); Stream<Change> changes = Differ.changes(last, now)) {
                List<String> added = changes.filter(c -> c instanceof Change.Added).map(Change::displayPath).toList();
                assertEquals(List.of("docs/d.txt"), added, "the .log files were left out last night: not added");
            }
            ReadPlan plan;
            try (Snapshot now = Snapshot.open(next)) {
                plan = ReadPlan.between(last, now);
            }
            assertEquals(List.of("docs/a.txt", "docs/d.txt", "src/Main.java", "src/build/out.o"),
                    plan.files().stream().map(f -> f.entry().displayPath()).toList(), "path order");
            assertEquals(ReadPlan.Reason.ADDED, plan.files().get(1).reason());
            assertEquals(ReadPlan.Reason.RACY, plan.files().get(0).reason(),
                    "unchanged, but last night read it within its own time window (its ctime)");
            assertEquals(5 + 5 + 13 + 6, plan.bytes());
        }
    }

    @Test
    void oneReadPolicyServesTheNightlyComparisonAndTheBackupPlan(@TempDir Path dir) throws Exception {
        Path root = Files.createDirectories(dir.resolve("data"));
        file(root, "logs/app.log", "first line\n");
        file(root, "cache/blob", "cached");
        file(root, "docs/report.txt", "draft");
        Thread.sleep(2100); // out of the racy window: what looks unchanged is
        Path old = dir.resolve("old.snap");
        take(ScanOptions.builder(root).build(), old);
        Files.writeString(root.resolve("logs/app.log"), "second line\n", java.nio.file.StandardOpenOption.APPEND);
        file(root, "cache/blob", "cached again");
        file(root, "docs/report.txt", "final text");
        Policy policy = Policy.parse("/ all\n/logs/ growing\n/cache/ exclude\n", "test policy");
        Path next = dir.resolve("next.snap");
        take(ScanOptions.builder(root).rules(policy.excludes()).build(), next);
        try (Snapshot last = Snapshot.open(old); Snapshot now = Snapshot.open(next)) {
            List<String> changed = new java.util.ArrayList<>();
            Differ.compare(last, now, java.util.Set.of(), policy, c -> changed.add(c.displayPath()));
            assertEquals(List.of("docs/report.txt"), changed.stream().sorted().toList(),
                    "the log grew, the cache is excluded: the report alone changed");
            ReadPlan plan = ReadPlan.between(last, now, policy);
            assertEquals(List.of("docs/report.txt"), plan.files().stream().map(f -> f.entry().displayPath()).toList());
            assertEquals(Policy.Action.GROWING, policy.ruleFor("logs/app.log".getBytes(), false).action());
        }
    }

    @Test
    void aBackupPlanWithDigestsSkipsATouchedFileAndKnowsWhatWasRewritten(@TempDir Path dir) throws Exception {
        Path root = Files.createDirectories(dir.resolve("data"));
        file(root, "touched.txt", "same bytes");
        file(root, "rewritten.txt", "old bytes");
        ScanOptions options = ScanOptions.builder(root).digest(dev.fsnap.scan.Digest.SHA256).build();
        Path old = dir.resolve("old.snap");
        take(options, old);
        Files.setLastModifiedTime(root.resolve("touched.txt"), FileTime.from(Instant.parse("2030-01-01T00:00:00Z")));
        file(root, "rewritten.txt", "new bytes");
        Path next = dir.resolve("next.snap");
        try (Snapshot last = Snapshot.open(old)) {
            // Tonight's scan takes unchanged files' digests over from last night; these two are read.
            Scanner tonight = Scanner.of(options).against(last);
            dev.fsnap.snapshot.ContentSchedule schedule = tonight.schedule().orElseThrow();
            assertEquals(0, schedule.files(), "no budget: nothing unchanged is read again");
            assertTrue(schedule.takesOver());
            try (SnapshotScan scan = tonight.writingTo(next).start(null)) {
                scan.await();
                scan.commit();
                assertTrue(scan.committed());
            }
            ReadPlan plan;
            try (Snapshot now = Snapshot.open(next)) {
                plan = ReadPlan.between(last, now);
                Entry touched = now.lookup("touched.txt".getBytes(StandardCharsets.UTF_8)).entry();
                assertEquals(java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                        .digest("same bytes".getBytes(StandardCharsets.UTF_8))),
                        java.util.HexFormat.of().formatHex(touched.content().digest()));
            }
            assertEquals(List.of("rewritten.txt"), plan.files().stream().map(f -> f.entry().displayPath()).toList(),
                    "only the file whose bytes changed is read");
            assertEquals(List.of("touched.txt"), plan.sameContent().stream().map(Change::displayPath).toList(),
                    "its mtime changed, its digest did not: no bytes to read");
            assertEquals(List.of(), plan.corrupt());
        }
    }

    @Test
    void badInputIsRefusedWithMessagesThatNameIt(@TempDir Path dir) throws Exception {
        IllegalArgumentException threads = assertThrows(IllegalArgumentException.class,
                () -> ScanOptions.builder(dir).threads(-1));
        assertEquals("threads must be between 1 and 1024 (or 0 for automatic), not -1", threads.getMessage());
        IllegalArgumentException pattern = assertThrows(IllegalArgumentException.class,
                () -> ScanOptions.builder(dir).exclude("a[b"));
        assertTrue(pattern.getMessage().startsWith("pattern 'a[b': the [ at character 2 is never closed"),
                pattern.getMessage());
        Path missing = dir.resolve("missing");
        NoSuchFileException nsf = assertThrows(NoSuchFileException.class,
                () -> Scanner.of(ScanOptions.builder(missing).build()).scan(null));
        assertEquals(missing.toString(), nsf.getFile());
        Path text = Files.writeString(dir.resolve("notes.txt"), "not a snapshot at all, but long enough to look");
        CorruptSnapshotException corrupt = assertThrows(CorruptSnapshotException.class, () -> Snapshot.open(text));
        assertEquals(text, corrupt.file());
        assertTrue(corrupt.getMessage().startsWith(text.toString()), corrupt.getMessage());
        assertInstanceOf(NoSuchFileException.class, assertThrows(IOException.class,
                () -> Snapshot.open(dir.resolve("none.snap"))));
    }

    @Test
    void aStreamReaderThatIsInterruptedIsToldAndTheScanStops(@TempDir Path dir) throws Exception {
        Path root = tree(dir);
        try (ScanStream scan = Scanner.of(ScanOptions.builder(root).build()).stream(null)) {
            java.util.Iterator<Entry> entries = scan.entries().iterator();
            Thread.currentThread().interrupt();
            java.io.UncheckedIOException e = assertThrows(java.io.UncheckedIOException.class, entries::hasNext);
            assertInstanceOf(java.io.InterruptedIOException.class, e.getCause());
            assertTrue(Thread.interrupted(), "the interrupt is kept for the caller");
        }
    }

    @Test
    void aSnapshotScanThatCannotStartSaysWhyAndLeavesNothing(@TempDir Path dir) throws Exception {
        Path root = tree(dir);
        Path missingRoot = dir.resolve("gone");
        Path target = dir.resolve("out.snap");
        NoSuchFileException noRoot = assertThrows(NoSuchFileException.class,
                () -> take(ScanOptions.builder(missingRoot).build(), target));
        assertEquals(missingRoot.toString(), noRoot.getFile());
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(Set.of("tree"), files.map(p -> p.getFileName().toString()).collect(Collectors.toSet()),
                    "neither a snapshot nor its temporary file");
        }
        Path nowhere = dir.resolve("no-such-dir").resolve("out.snap");
        NoSuchFileException noDir = assertThrows(NoSuchFileException.class,
                () -> take(ScanOptions.builder(root).build(), nowhere));
        assertTrue(noDir.getFile().startsWith(nowhere.getParent().toString()), noDir.getFile());
    }

    @Test
    void settingsThatDoNotGoTogetherAreRefusedByBuildNamingTheRule(@TempDir Path dir) throws Exception {
        Path root = tree(dir);
        record Refused(ScanOptions.Builder builder, ScanOptions.Conflict conflict, String message) {
        }
        for (Refused r : List.of(
                new Refused(ScanOptions.builder(root).backend(Backend.NIO).xattrs(true),
                        ScanOptions.Conflict.XATTRS_NEED_NATIVE,
                        "xattrs are read by the native backend only, not by backend NIO"),
                new Refused(ScanOptions.integrity(root).backend(Backend.NIO),
                        ScanOptions.Conflict.XATTRS_NEED_NATIVE,
                        "xattrs are read by the native backend only, not by backend NIO"),
                new Refused(ScanOptions.builder(root).verifyBudget(0),
                        ScanOptions.Conflict.VERIFY_NEEDS_DIGEST,
                        "verifyBudget, verifyTime and verifyWithin apply to a scan with a digest, and none was set"),
                new Refused(ScanOptions.builder(root).verifyWithin(Duration.ofDays(30)),
                        ScanOptions.Conflict.VERIFY_NEEDS_DIGEST,
                        "verifyBudget, verifyTime and verifyWithin apply to a scan with a digest, and none was set"),
                new Refused(ScanOptions.builder(root).backend(Backend.NIO).digest(Digest.SHA256),
                        ScanOptions.Conflict.DIGEST_NEEDS_NATIVE,
                        "a digest is read by the native backend only, not by backend NIO"),
                new Refused(ScanOptions.builder(root).backend(Backend.NIO).statx(false),
                        ScanOptions.Conflict.TUNING_NEEDS_NATIVE,
                        "statx and bufferSize are choices of the native backend, not of backend NIO"),
                new Refused(ScanOptions.builder(root).backend(Backend.NIO).bufferSize(1 << 20),
                        ScanOptions.Conflict.TUNING_NEEDS_NATIVE,
                        "statx and bufferSize are choices of the native backend, not of backend NIO"),
                new Refused(ScanOptions.builder(root).statx(true).build().toBuilder().backend(Backend.NIO),
                        ScanOptions.Conflict.TUNING_NEEDS_NATIVE,
                        "statx and bufferSize are choices of the native backend, not of backend NIO"))) {
            ScanOptions.ConflictException e = assertThrows(ScanOptions.ConflictException.class, r.builder()::build);
            assertEquals(r.conflict(), e.conflict());
            assertEquals(r.message(), e.getMessage());
        }
        // What goes together is built, and a copy of default options can be scanned by NIO.
        ScanOptions digests = ScanOptions.builder(root).digest(Digest.XXH3_128).verifyBudget(0)
                .verifyWithin(Duration.ofDays(30)).statx(true).bufferSize(1 << 20).xattrs(true).build();
        assertEquals(Digest.XXH3_128, digests.digest());
        assertEquals(Backend.NIO, ScanOptions.builder(root).bufferSize(ScanOptions.DEFAULT_BUFFER_SIZE).build()
                .toBuilder().backend(Backend.NIO).build().backend());
    }

    @Test
    void theIntegrityPresetReadsBirthTimesFlagsAndAttributes(@TempDir Path dir) throws Exception {
        Path root = tree(dir);
        ScanOptions integrity = ScanOptions.integrity(root).threads(2).build();
        assertTrue(integrity.statx());
        assertTrue(integrity.xattrs());
        assertEquals(Set.of(Field.CONTENT), Scanner.of(integrity).absentFields(), "only content is not read");
        List<Entry> files = Collections.synchronizedList(new ArrayList<>());
        Scanner.of(integrity).scan((EntryVisitor) e -> {
            if (e.type() == EntryType.FILE) {
                files.add(e);
            }
        });
        assertFalse(files.isEmpty());
        for (Entry e : files) {
            assertTrue(e.has(Field.FLAGS), () -> e.displayPath() + ": statx gives the file flags");
            assertEquals(List.of(), e.xattrs(Field.XATTRS), () -> e.displayPath() + ": attributes read, none set");
        }
        // What is set besides the preset wins.
        assertFalse(ScanOptions.integrity(root).statx(false).build().statx());
    }

    @Test
    void whetherTheNativeBackendRunsHereIsDataAndTheAutomaticBackendFollowsIt(@TempDir Path dir) throws Exception {
        Path root = tree(dir);
        Backend chosen = Scanner.of(ScanOptions.builder(root).build()).scan(null).backend();
        assertEquals(Scanner.isAvailable() ? Backend.NATIVE : Backend.NIO, chosen);
        assertEquals(Scanner.isAvailable(), Scanner.unavailabilityCause().isEmpty());
        assertTrue(Scanner.isAvailable(), () -> "this suite runs on Linux with its native calls: "
                + Scanner.unavailabilityCause().orElseThrow());
    }

    @Test
    void aSnapshotIsReadBeforeItReplacesTheTargetAndOnlyCommitReplacesIt(@TempDir Path dir) throws Exception {
        Path root = tree(dir);
        Files.delete(root.resolve("loop"));
        Path target = dir.resolve("tree.snap");
        take(ScanOptions.builder(root).build(), target);
        byte[] previous = Files.readAllBytes(target);
        file(root, "docs/new.txt", "new");
        try (Snapshot last = Snapshot.open(target);
             SnapshotScan scan = Scanner.of(ScanOptions.builder(root).build()).writingTo(target).start(null)) {
            assertEquals(9, scan.await().entries(), "the tree's 8 and docs/new.txt");
            Path finished = scan.complete();
            try (Snapshot now = Snapshot.open(finished)) {
                List<Change> added = new ArrayList<>();
                DiffSummary diff = Differ.compare(last, now, c -> {
                    if (c instanceof Change.Added) {
                        added.add(c);
                    }
                });
                assertEquals(1, diff.added());
                assertEquals("docs/new.txt", added.get(0).displayPath());
            }
            assertTrue(java.util.Arrays.equals(previous, Files.readAllBytes(target)), "not replaced before commit");
            assertFalse(scan.committed());
            scan.commit();
            assertTrue(scan.committed());
        }
        try (Snapshot now = Snapshot.open(target)) {
            assertEquals(9, now.entries());
            Verification checked = now.verification();
            assertEquals(4, checked.directoryBlocks(), "., docs, src, src/build: each verified on open");
        }
        // Completed, read, and then given up: the target is left as it was.
        byte[] committed = Files.readAllBytes(target);
        file(root, "docs/newer.txt", "newer");
        try (SnapshotScan scan = Scanner.of(ScanOptions.builder(root).build()).writingTo(target).start(null)) {
            scan.await();
            assertTrue(Files.exists(scan.complete()));
        }
        assertTrue(java.util.Arrays.equals(committed, Files.readAllBytes(target)), "discarded on close");
        SnapshotScan unstarted = Scanner.of(ScanOptions.builder(root).build()).writingTo(target);
        unstarted.close();
        assertThrows(IllegalStateException.class, () -> unstarted.start(null), "closed before it started");
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(Set.of("tree", "tree.snap"), files.map(p -> p.getFileName().toString()).collect(Collectors.toSet()));
        }
    }

    @Test
    void aTreeSplitIntoShardsIsScannedInPartsAndMergedIntoTheWholeTreesSnapshot(@TempDir Path dir) throws Exception {
        Path root = tree(dir);
        Files.delete(root.resolve("loop"));
        ScanOptions options = ScanOptions.builder(root).build();
        Path whole = dir.resolve("whole.snap");
        take(options, whole);
        ShardPlan plan = ShardPlan.of(root.toString(), List.of(new ShardPlan.Shard(0, "", List.of("src"), 0),
                new ShardPlan.Shard(1, "src", List.of(), 0)));
        List<Path> parts = new ArrayList<>();
        for (ShardPlan.Shard s : plan.shards()) {
            ScanOptions shard = plan.scanOptions(s.index(), options);
            ScanOptions.ShardScope scope = shard.shard();
            assertEquals(s.index(), scope.index());
            assertEquals(s.index() == 0 ? Set.of("src") : Set.of(), scope.covered(), "recorded, not entered");
            parts.add(dir.resolve("part-" + s.index() + ".snap"));
            take(shard, parts.get(s.index()));
        }
        SnapshotMerge.PartException swapped = assertThrows(SnapshotMerge.PartException.class,
                () -> SnapshotMerge.merge(plan, List.of(parts.get(0), parts.get(0)), dir.resolve("bad.snap")));
        assertTrue(swapped.getMessage().contains(parts.get(0).toString()), swapped.getMessage());
        SnapshotMerge.Result merged = SnapshotMerge.merge(plan, parts, dir.resolve("merged.snap"));
        assertEquals(8, merged.entries());
        try (Snapshot a = Snapshot.open(whole); Snapshot b = Snapshot.open(dir.resolve("merged.snap"))) {
            assertEquals(a.treeHash(), b.treeHash(), "the snapshot a single scan writes");
        }
    }

    @Test
    void rulesReadFromAFileLeaveOutWhatTheyMatchAndEveryFieldSaysHowItIsCompared(@TempDir Path dir) throws Exception {
        Path root = tree(dir);
        Path rulesFile = Files.writeString(dir.resolve("rules"), "# build output\n*.log\nbuild/\n");
        PathRules rules = PathRules.read(rulesFile);
        assertEquals(List.of("*.log", "build/"), rules.patterns());
        List<Entry> entries = Collections.synchronizedList(new ArrayList<>());
        Scanner.of(ScanOptions.builder(root).rules(rules).build()).scan((EntryVisitor) entries::add);
        assertEquals(Set.of(".", "docs", "docs/a.txt", "loop", "src", "src/Main.java"), paths(entries.stream()));
        assertEquals(Field.Kind.TIME, Field.MTIME.kind());
        assertEquals(Field.Kind.IDENTITY, Field.INO.kind());
    }

    /** Scans into a snapshot and puts it in place, the one way: {@link Scanner#writingTo}, then commit. */
    private static ScanSummary take(ScanOptions options, Path target) throws IOException, InterruptedException {
        try (SnapshotScan scan = Scanner.of(options).writingTo(target).start(null)) {
            ScanSummary summary = scan.await();
            scan.commit();
            return summary;
        }
    }
}
