package dev.fsnap.cli;

import dev.fsnap.testdata.TreeBuilder;
import dev.fsnap.testdata.fuse.SlowNas;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static dev.fsnap.cli.CliTest.fsnap;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A repository of nightly runs: ten checks of a changing tree, retention down to the newest
 * three, the history before and after, and the root's lock: a second run while one holds it exits
 * 75 naming the holder, and a lock left by a killed run is taken over.
 */
class RepositoryTest {
    @TempDir
    Path dir;

    private static List<Path> snapshots(Path repo) throws Exception {
        try (Stream<Path> s = Files.walk(repo)) {
            return s.filter(p -> p.toString().endsWith(".snap")).sorted().toList();
        }
    }

    private static List<String> runLines(String history) {
        return history.lines().filter(l -> l.startsWith("  20")).toList();
    }

    @Test
    void tenNightsThenForgetKeepsTheNewestThreeAndHistorySaysSo() throws Exception {
        Path root = TreeBuilder.at(dir.resolve("t")).file("a", 1).root();
        Path repo = dir.resolve("repo");
        for (int night = 1; night <= 10; night++) {
            Files.write(root.resolve("night" + night), new byte[night]);
            CliTest.Run r = fsnap("check", root.toString(), "--repo", repo.toString());
            assertEquals(night == 1 ? 0 : 1, r.status(), "night " + night + ": " + r.err());
            if (night > 1) {
                assertTrue(r.out().contains("  + night" + night + "  " + night + " B"), r.out());
            }
        }
        List<Path> all = snapshots(repo);
        assertEquals(10, all.size());
        CliTest.Run before = fsnap("history", repo.toString());
        assertEquals(0, before.status());
        assertTrue(before.out().startsWith(root + " ("), before.out());
        List<String> runs = runLines(before.out());
        assertEquals(10, runs.size(), before.out());
        assertTrue(runs.get(0).contains("exit 0  3 entries  first run"), runs.get(0));
        assertTrue(runs.get(9).contains("exit 1  12 entries  1 added  0 removed  1 modified  0 moved"), runs.get(9));

        CliTest.Run dry = fsnap("forget", repo.toString(), "--keep-last", "3", "--dry-run");
        assertEquals(0, dry.status(), dry.err());
        assertEquals(7, dry.out().lines().filter(l -> l.contains("would remove")).count(), dry.out());
        assertEquals(10, snapshots(repo).size(), "a dry run removes nothing");

        CliTest.Run forget = fsnap("forget", repo.toString(), "--keep-last", "3");
        assertEquals(0, forget.status(), forget.err());
        List<Path> left = snapshots(repo);
        assertEquals(all.subList(7, 10), left, "the newest three");
        List<String> after = runLines(fsnap("history", repo.toString(), root.toString()).out());
        assertEquals(runs.subList(7, 10), after);

        // The next night compares against the newest, and diff reaches runs by reference.
        CliTest.Run d = fsnap("diff", "--format", "lines", repo + "@-2", repo + "@latest");
        assertEquals(1, d.status(), d.err());
        assertEquals(List.of("+ night10", "+ night9"), CliTest.changes(d.out()).stream()
                .filter(l -> l.startsWith("+ ")).toList());
    }

    @Test
    @Timeout(120)
    void aSecondRunWhileOneHoldsTheLockExits75AndALockLeftByAKilledRunIsTakenOver() throws Exception {
        Assumptions.assumeTrue(SlowNas.unavailableReason() == null, SlowNas.unavailableReason());
        Path source = TreeBuilder.at(dir.resolve("src")).file("stuck/a", 1).file("b", 1).root();
        Path repo = dir.resolve("repo");
        try (SlowNas nas = SlowNas.mount(source, Files.createDirectory(dir.resolve("mnt")), Duration.ZERO)) {
            String root = nas.mountPoint().toString();
            assertEquals(0, fsnap("check", root, "--repo", repo.toString()).status());

            nas.hang("stuck"); // the next run holds the lock while it waits on the server
            Process first = new ProcessBuilder(CliTest.command("check", root, "--repo", repo.toString(),
                    "--op-timeout", "60s")).redirectErrorStream(true).start();
            assertTrue(nas.awaitBlocked(Duration.ofSeconds(30)));
            CliTest.Run second = fsnap("check", root, "--repo", repo.toString());
            assertEquals(75, second.status(), second.err());
            assertTrue(second.err().matches("fsnap: " + root + " is being scanned into " + repo + " by process "
                    + first.pid() + " on \\S+ since \\S+; this run did nothing\n"), second.err());

            // Killed while it held the lock: the lock stays behind, and the next run takes it over.
            first.destroyForcibly();
            assertTrue(first.waitFor(30, TimeUnit.SECONDS));
            nas.release();
            try (Stream<Path> locks = Files.walk(repo)) {
                assertEquals(1, locks.filter(p -> p.getFileName().toString().equals("lock")).count(),
                        "a killed run leaves its lock");
            }
            CliTest.Run third = fsnap("check", root, "--repo", repo.toString());
            assertEquals(0, third.status(), third.out() + third.err());
            assertTrue(third.err().contains("fsnap: took over the lock of " + root + " left by process " + first.pid()
                    + " on "), third.err());
            assertTrue(third.err().contains(", which is gone"), third.err());
            try (Stream<Path> locks = Files.walk(repo)) {
                assertEquals(0, locks.filter(p -> p.getFileName().toString().equals("lock")).count(),
                        "released at the end");
            }
        }
    }

    @Test
    void retentionKeepsResticsPeriodsAndNeverTheLastGoodBaselineAway() throws Exception {
        Path repo = dir.resolve("repo");
        Repository.Root root = Repository.open(repo).root("/data");
        // Runs at 03:00 UTC: two on Nov 1, one a day Nov 2 to Nov 10, one on Dec 1; the last two found corruption.
        List<String> days = new java.util.ArrayList<>(List.of("20261101T010000.000Z", "20261101T030000.000Z"));
        for (int d = 2; d <= 10; d++) {
            days.add(String.format("202611%02dT030000.000Z", d));
        }
        days.add("20261201T030000.000Z");
        for (int k = 0; k < days.size(); k++) {
            Files.write(root.dir.resolve(days.get(k) + ".snap"), new byte[0]);
            int exit = k >= days.size() - 2 ? ExitStatus.CORRUPT : ExitStatus.CHANGED;
            Files.writeString(root.dir.resolve(days.get(k) + ".json"), "{\"exit\":" + exit + "}\n");
        }
        List<Repository.Run> runs = root.runs();
        java.util.function.Function<java.util.Set<Repository.Run>, List<String>> names =
                set -> set.stream().map(Repository.Run::name).sorted().toList();
        java.time.ZoneId utc = java.time.ZoneOffset.UTC;
        // --keep-last 1: the newest, and the newest good one (Nov 9), since the last two found corruption
        assertEquals(List.of("20261109T030000.000Z", "20261201T030000.000Z"),
                names.apply(Repository.keep(runs, 1, 0, 0, 0, utc)));
        // --keep-daily 3: the newest of Dec 1, Nov 10, Nov 9 (and Nov 9 is the last good one too)
        assertEquals(List.of("20261109T030000.000Z", "20261110T030000.000Z", "20261201T030000.000Z"),
                names.apply(Repository.keep(runs, 0, 3, 0, 0, utc)));
        // --keep-monthly 2: the newest of December and of November, and the last good one
        assertEquals(List.of("20261109T030000.000Z", "20261110T030000.000Z", "20261201T030000.000Z"),
                names.apply(Repository.keep(runs, 0, 0, 0, 2, utc)));
        // --keep-daily 11 reaches Nov 1: of its two runs, the later alone
        List<String> eleven = names.apply(Repository.keep(runs, 0, 11, 0, 0, utc));
        assertEquals(11, eleven.size(), eleven.toString());
        assertTrue(eleven.contains("20261101T030000.000Z") && !eleven.contains("20261101T010000.000Z"), eleven.toString());
    }
}
