package dev.fsnap.library;

import dev.fsnap.repository.DamagedSummaryException;
import dev.fsnap.repository.RefusedException;
import dev.fsnap.repository.Repository;
import dev.fsnap.repository.Retention;
import dev.fsnap.repository.RootLock;
import dev.fsnap.repository.Run;
import dev.fsnap.repository.RunListing;
import dev.fsnap.repository.RunReference;
import dev.fsnap.repository.RunSeries;
import dev.fsnap.repository.RunSummary;
import dev.fsnap.repository.Verdict;
import dev.fsnap.scan.ScanOptions;
import dev.fsnap.scan.ScanSummary;
import dev.fsnap.scan.Scanner;
import dev.fsnap.snapshot.Change;
import dev.fsnap.snapshot.Differ;
import dev.fsnap.snapshot.Snapshot;
import dev.fsnap.snapshot.SnapshotScan;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The repository of runs as a backup tool that embeds fsnap keeps it: exported API only (the
 * boundary test compiles this package against the modules), real trees and files on disk, except
 * for retention, which is a pure function of the runs and the policy.
 */
class RepositoryLibraryTest {
    @TempDir
    Path dir;

    /** A run of a series that is nowhere on disk: retention reads no file. */
    private static Retention.Candidate run(String started, Verdict verdict) {
        return new Retention.Candidate(new Run(Path.of("/nowhere/data-00000000"), Instant.parse(started)),
                Optional.ofNullable(verdict));
    }

    private static Map<String, List<String>> kept(Retention.Decision d) {
        Map<String, List<String>> out = new java.util.LinkedHashMap<>();
        d.kept().forEach(k -> out.put(k.run().started().toString(), k.reasons()));
        return out;
    }

    /**
     * Runs across two months, given newest first to show that order does not matter: each rule
     * keeps the newest run of its period, every kept run says each rule that keeps it, the newest
     * good baseline stays although the policy alone would forget it (the last two runs found
     * corruption), and a run without a verdict is never the good one.
     */
    @Test
    void retentionKeepsRunsWithTheirReasonsWithoutReadingAFile() {
        List<Retention.Candidate> runs = new ArrayList<>(List.of(
                run("2026-12-07T03:00:00Z", Verdict.CORRUPT),     // Monday, ISO week 50
                run("2026-12-06T03:00:00Z", Verdict.CORRUPT),     // Sunday, week 49
                run("2026-12-05T03:00:00Z", null),                // no summary: never the good one
                run("2026-12-05T01:00:00Z", Verdict.CHANGED),     // the same day, earlier
                run("2026-11-30T03:00:00Z", Verdict.UNCHANGED),   // Monday, week 49
                run("2026-11-29T03:00:00Z", Verdict.UNREADABLE),  // Sunday, week 48
                run("2026-11-01T03:00:00Z", Verdict.VANISHED)));  // week 44
        Retention.Decision last2 = Retention.apply(runs, new Retention.Policy(2, 0, 0, 0), ZoneOffset.UTC);
        assertEquals(Map.of(
                "2026-12-05T01:00:00Z", List.of(Retention.LAST_GOOD),
                "2026-12-06T03:00:00Z", List.of("last 2"),
                "2026-12-07T03:00:00Z", List.of("last 2")), kept(last2));
        assertEquals(List.of("2026-11-01T03:00:00Z", "2026-11-29T03:00:00Z", "2026-11-30T03:00:00Z",
                "2026-12-05T03:00:00Z"), last2.forgotten().stream().map(r -> r.started().toString()).toList(),
                "forgotten, oldest first");
        assertEquals(List.of("2026-12-05T01:00:00Z", "2026-12-06T03:00:00Z", "2026-12-07T03:00:00Z"),
                new ArrayList<>(kept(last2).keySet()), "kept, oldest first");

        Retention.Decision periods = Retention.apply(runs, new Retention.Policy(1, 3, 2, 2), ZoneOffset.UTC);
        Map<String, List<String>> expected = new java.util.LinkedHashMap<>();
        expected.put("2026-11-30T03:00:00Z", List.of("monthly 2026-11")); // November's newest, not its first
        expected.put("2026-12-05T01:00:00Z", List.of(Retention.LAST_GOOD));
        expected.put("2026-12-05T03:00:00Z", List.of("daily 2026-12-05"));
        expected.put("2026-12-06T03:00:00Z", List.of("daily 2026-12-06", "weekly 2026-W49"));
        expected.put("2026-12-07T03:00:00Z", List.of("last 1", "daily 2026-12-07", "weekly 2026-W50",
                "monthly 2026-12"));
        assertEquals(expected, kept(periods));
        assertEquals(List.of("2026-11-01T03:00:00Z", "2026-11-29T03:00:00Z"),
                periods.forgotten().stream().map(r -> r.started().toString()).toList());
        Run sunday = runs.get(1).run();
        assertEquals(List.of("daily 2026-12-06", "weekly 2026-W49"), periods.reasons(sunday));
        assertEquals(List.of(), periods.reasons(runs.get(5).run()), "a forgotten run has no reason");

        // In a zone where 03:00 UTC on Monday is still Sunday night, the weeks fall otherwise.
        Retention.Decision west = Retention.apply(runs, new Retention.Policy(0, 0, 1, 0), java.time.ZoneId.of("America/Los_Angeles"));
        assertEquals(List.of("weekly 2026-W49"), west.reasons(runs.get(0).run()));
        assertThrows(IllegalArgumentException.class, () -> new Retention.Policy(-1, 0, 0, 0));
    }

    private static void tree(Path root, String... files) throws IOException {
        for (String f : files) {
            Path p = root.resolve(f);
            Files.createDirectories(p.getParent());
            Files.writeString(p, f);
        }
    }

    /** One night of a backup tool: lock the root, scan into the run's snapshot, compare with the latest, record. */
    private static Run night(Repository repo, Path root) throws Exception {
        RunSeries series = repo.root(Repository.canonical(root));
        RootLock.Outcome outcome = series.lock();
        RootLock lock = assertInstanceOf(RootLock.Taken.class, outcome).lock();
        try {
            RootLock.Outcome second = series.lock();
            RootLock.Busy busy = assertInstanceOf(RootLock.Busy.class, second, "the lock is held for the run");
            assertTrue(busy.holder().startsWith("process " + ProcessHandle.current().pid() + " on "), busy.holder());
            assertEquals("held", otherProcessTries(series.dir().resolve("lock")),
                    "the second take let go of nothing: another process still cannot take the record lock");

            Optional<Run> latest = series.listing(Instant.now()).latest();
            Run run = series.runAt(Instant.now());
            ScanOptions options = ScanOptions.builder(root).build();
            ScanSummary scanned;
            try (SnapshotScan scan = Scanner.of(options).writingTo(run.snapshot()).start(null)) {
                scanned = scan.await();
                scan.commit();
            }
            Map<Change.Kind, Long> changes = new EnumMap<>(Change.Kind.class);
            if (latest.isPresent()) {
                for (Change.Kind k : Change.Kind.values()) {
                    changes.put(k, 0L);
                }
                try (Snapshot before = Snapshot.open(latest.get().snapshot());
                     Snapshot now = Snapshot.open(run.snapshot());
                     Stream<Change> found = Differ.changes(before, now)) {
                    found.forEach(c -> changes.merge(c.kind(), 1L, Long::sum));
                }
            }
            Verdict verdict = scanned.errors() > 0 ? Verdict.UNREADABLE
                    : changes.values().stream().anyMatch(n -> n > 0) ? Verdict.CHANGED : Verdict.UNCHANGED;
            series.record(run, new RunSummary("backup", verdict, Optional.of(RunSummary.Counts.of(scanned)), changes));
            return run;
        } finally {
            lock.close();
        }
    }

    /** Whether another process can take the kernel's record lock on a file now: "taken" or "held". */
    private static String otherProcessTries(Path lock) throws Exception {
        Process p = new ProcessBuilder(PYTHON.toString(), "-c", String.join("\n",
                "import fcntl, sys",
                "f = open(sys.argv[1], 'r+')",
                "try:",
                "    fcntl.lockf(f, fcntl.LOCK_EX | fcntl.LOCK_NB)",
                "    print('taken')",
                "except OSError:",
                "    print('held')"), lock.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).strip();
        assertTrue(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS), "python3 did not end");
        return out;
    }

    private static final Path PYTHON = Path.of("/usr/bin/python3");

    /**
     * Two nights of a backup tool keeping its runs: the lock is taken, held (a second take in the
     * process is busy, naming this process, and lets go of nothing: before, it opened and closed a
     * descriptor of the lock file, which let go of the process's record lock) and let go; each run's snapshot and summary are in the series, the
     * summary in today's form (a verdict, not an exit status) read back as written; the listing
     * and the references {@code DIR@latest} and {@code DIR@-1} name the runs.
     */
    @Test
    void aBackupToolKeepsItsRunsLockedRecordedAndResolvable() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(PYTHON), "needs python3 to try the lock from outside");
        Path root = dir.resolve("home");
        tree(root, "docs/a.txt", "docs/b.txt");
        Path repoDir = dir.resolve("runs");
        Repository repo = Repository.open(repoDir);
        Run first = night(repo, root);
        Thread.sleep(5); // the runs are named by their start, to the millisecond
        tree(root, "docs/c.txt");
        Run second = night(repo, root);

        List<RunSeries> roots = repo.roots();
        assertEquals(1, roots.size());
        RunSeries series = roots.get(0);
        assertEquals(root.toRealPath().toString(), series.root());
        assertEquals(Repository.key(series.root()), series.dir().getFileName().toString());
        assertFalse(Files.exists(series.dir().resolve("lock")), "let go after each run");
        RunListing listing = series.listing(Instant.now());
        assertEquals(List.of(first, second), listing.runs());
        assertEquals(Optional.of(second), listing.latest());

        RunSummary once = first.readSummary().orElseThrow();
        assertEquals(Verdict.UNCHANGED, once.verdict());
        assertFalse(once.compared(), "the first run compared nothing");
        assertEquals(4, once.scanned().orElseThrow().entries(), "home, docs, a.txt, b.txt");
        RunSummary twice = second.readSummary().orElseThrow();
        assertEquals("backup", twice.run());
        assertEquals(Verdict.CHANGED, twice.verdict());
        assertEquals(1L, twice.changes().get(Change.Kind.ADDED));
        assertEquals(0L, twice.changes().get(Change.Kind.REMOVED));
        assertEquals(5, twice.scanned().orElseThrow().entries());
        String json = Files.readString(second.summaryFile());
        assertTrue(json.startsWith("{\"verdict\":\"changed\",\"run\":\"backup\",\"entries\":5,"), json);
        assertFalse(json.contains("\"exit\""), json);

        assertEquals(Optional.of(second), RunReference.resolve(repoDir + "@latest"));
        assertEquals(Optional.of(first), RunReference.resolve(repoDir + "@-1"));
        assertEquals(Optional.of(second), RunReference.resolve(series.dir() + "@latest"));
        assertEquals(Optional.empty(), RunReference.resolve(dir.resolve("some.snap").toString()), "a file's path");
        RefusedException none = assertThrows(RefusedException.class, () -> RunReference.resolve(repoDir + "@-2"));
        assertEquals(repoDir + "@-2: no such run (2 in " + series.dir() + ")", none.getMessage());
        assertEquals(repoDir, none.path());

        // Retention through the same types: keep the newest, forget the first.
        List<Retention.Candidate> weighed = listing.runs().stream().map(Retention.Candidate::of)
                .collect(Collectors.toList());
        Retention.Decision d = Retention.apply(weighed, new Retention.Policy(1, 0, 0, 0), ZoneOffset.UTC);
        assertEquals(List.of(first), d.forgotten());
        assertEquals(List.of("last 1", Retention.LAST_GOOD), d.reasons(second));
    }

    /**
     * A summary that fsnap wrote before it recorded verdicts (its exit status, numbers as text
     * written by hand): read, its exit status taken as what the run found. A damaged one is said
     * as damaged, naming the file, and a directory that is no repository is refused naming it.
     */
    @Test
    void summariesAnEarlierFsnapWroteAreStillRead() throws Exception {
        RunSeries series = Repository.open(dir.resolve("runs")).root("/data");
        Run changed = series.runAt(Instant.parse("2026-11-29T02:15:03.123Z"));
        assertEquals("20261129T021503.123Z", changed.name());
        Files.writeString(changed.summaryFile(), "{\"exit\":1,\"run\":\"check\",\"entries\":12,\"bytes\":4096,"
                + "\"unreadable\":0,\"seconds\":0.031,\"changes\":{\"added\":1,\"removed\":0,\"modified\":2,\"moved\":0,"
                + "\"unreadable\":0,\"racy\":0,\"corrupt\":0,\"tampered\":0}}\n");
        RunSummary s = changed.readSummary().orElseThrow();
        assertEquals("check", s.run());
        assertEquals(Verdict.CHANGED, s.verdict());
        assertEquals(new RunSummary.Counts(12, 4096, 0, Duration.ofMillis(31)), s.scanned().orElseThrow());
        assertEquals(2L, s.changes().get(Change.Kind.MODIFIED));
        assertEquals(8, s.changes().size());

        Map<String, Verdict> byExit = Map.of("0", Verdict.UNCHANGED, "3", Verdict.UNREADABLE, "4", Verdict.CORRUPT,
                "24", Verdict.VANISHED, "2", Verdict.INCOMPLETE);
        long t = Instant.parse("2026-11-01T00:00:00Z").toEpochMilli();
        for (Map.Entry<String, Verdict> e : byExit.entrySet()) {
            Run r = series.runAt(Instant.ofEpochMilli(t += 60_000));
            Files.writeString(r.summaryFile(), "{\"exit\":" + e.getKey() + "}\n");
            RunSummary old = r.readSummary().orElseThrow();
            assertEquals(e.getValue(), old.verdict(), "exit " + e.getKey());
            assertEquals("", old.run());
            assertTrue(old.scanned().isEmpty() && !old.compared());
        }

        Run none = series.runAt(Instant.ofEpochMilli(t + 60_000));
        assertEquals(Optional.empty(), none.readSummary(), "a run that left no summary");
        Files.writeString(none.summaryFile(), "{\"exit\":1,\"entries\":3");
        DamagedSummaryException cut = assertThrows(DamagedSummaryException.class, none::readSummary);
        assertEquals("cut short (21 characters)", cut.reason());
        assertEquals(none.summaryFile(), cut.path());
        assertEquals(Optional.empty(), none.verdict());
        Files.writeString(none.summaryFile(), "{\"verdict\":\"fine\"}\n");
        assertEquals("not a summary: no verdict fsnap records",
                assertThrows(DamagedSummaryException.class, none::readSummary).reason());

        Path other = Files.createDirectories(dir.resolve("photos"));
        Files.writeString(other.resolve("a.jpg"), "jpeg");
        RefusedException refused = assertThrows(RefusedException.class, () -> Repository.open(other));
        assertEquals(other, refused.path());
        assertEquals(other + " is not an fsnap repository (no fsnap-repository) and not empty", refused.getMessage());
    }
}
