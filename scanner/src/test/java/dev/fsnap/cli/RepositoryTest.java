package dev.fsnap.cli;

import dev.fsnap.cli.console.ExitStatus;
import dev.fsnap.cli.console.Units;

import dev.fsnap.repository.Repository;
import dev.fsnap.repository.Retention;
import dev.fsnap.repository.RootLock;
import dev.fsnap.repository.Run;
import dev.fsnap.repository.RunSeries;
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
import static org.junit.jupiter.api.Assertions.assertFalse;
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
        RunSeries root = Repository.open(repo).root("/data");
        // Runs at 03:00 UTC: two on Nov 1, one a day Nov 2 to Nov 10, one on Dec 1; the last two found corruption.
        List<String> days = new java.util.ArrayList<>(List.of("20261101T010000.000Z", "20261101T030000.000Z"));
        for (int d = 2; d <= 10; d++) {
            days.add(String.format("202611%02dT030000.000Z", d));
        }
        days.add("20261201T030000.000Z");
        for (int k = 0; k < days.size(); k++) {
            Files.write(root.dir().resolve(days.get(k) + ".snap"), new byte[0]);
            int exit = k >= days.size() - 2 ? ExitStatus.CORRUPT : ExitStatus.CHANGED;
            Files.writeString(root.dir().resolve(days.get(k) + ".json"), "{\"exit\":" + exit + "}\n");
        }
        List<Retention.Candidate> runs = root.runs().stream().map(Retention.Candidate::of).toList();
        java.util.function.Function<Retention.Decision, List<String>> names =
                decision -> decision.kept().stream().map(k -> k.run().name()).sorted().toList();
        java.time.ZoneId utc = java.time.ZoneOffset.UTC;
        // --keep-last 1: the newest, and the newest good one (Nov 9), since the last two found corruption
        assertEquals(List.of("20261109T030000.000Z", "20261201T030000.000Z"),
                names.apply(Retention.apply(runs, new Retention.Policy(1, 0, 0, 0), utc)));
        // --keep-daily 3: the newest of Dec 1, Nov 10, Nov 9 (and Nov 9 is the last good one too)
        assertEquals(List.of("20261109T030000.000Z", "20261110T030000.000Z", "20261201T030000.000Z"),
                names.apply(Retention.apply(runs, new Retention.Policy(0, 3, 0, 0), utc)));
        // --keep-monthly 2: the newest of December and of November, and the last good one
        assertEquals(List.of("20261109T030000.000Z", "20261110T030000.000Z", "20261201T030000.000Z"),
                names.apply(Retention.apply(runs, new Retention.Policy(0, 0, 0, 2), utc)));
        // --keep-daily 11 reaches Nov 1: of its two runs, the later alone
        List<String> eleven = names.apply(Retention.apply(runs, new Retention.Policy(0, 11, 0, 0), utc));
        assertEquals(11, eleven.size(), eleven.toString());
        assertTrue(eleven.contains("20261101T030000.000Z") && !eleven.contains("20261101T010000.000Z"), eleven.toString());
    }

    /**
     * forget says why it keeps each run: every rule that keeps it, and the last good baseline
     * kept against a policy that alone would forget it (the two newest runs found corruption).
     * Summaries of both forms: the earlier one (an exit status) and today's (a verdict).
     */
    @Test
    void forgetSaysWhichRulesKeepEachRun() throws Exception {
        Path repo = dir.resolve("repo");
        RunSeries root = Repository.open(repo).root("/data");
        java.time.ZoneId zone = java.time.ZoneId.systemDefault();
        // Noon of four days in the local zone: the oldest two good, the newest two corrupt.
        List<java.time.Instant> days = new java.util.ArrayList<>();
        for (int d = 1; d <= 4; d++) {
            days.add(java.time.LocalDate.of(2026, 11, d).atTime(12, 0).atZone(zone).toInstant());
        }
        for (int k = 0; k < days.size(); k++) {
            Run run = root.runAt(days.get(k));
            Files.write(run.snapshot(), new byte[0]);
            Files.writeString(run.summaryFile(), k == 1 ? "{\"verdict\":\"changed\",\"run\":\"check\"}\n"
                    : "{\"exit\":" + (k < 2 ? ExitStatus.CHANGED : ExitStatus.CORRUPT) + "}\n");
        }
        CliTest.Run forget = fsnap("forget", repo.toString(), "--keep-daily", "2", "--dry-run");
        assertEquals(0, forget.status(), forget.err());
        assertEquals(List.of("/data: 3 of 4 runs kept",
                "  would remove  " + Units.TIME.format(days.get(0)),
                "  keep      " + Units.TIME.format(days.get(1)) + "  last good baseline",
                "  keep      " + Units.TIME.format(days.get(2)) + "  daily 2026-11-03",
                "  keep      " + Units.TIME.format(days.get(3)) + "  daily 2026-11-04"), forget.out().lines().toList());
        assertEquals(4, snapshots(repo).size(), "a dry run removes nothing");
    }

    /** The root's directory in a repository, as a run keys it. */
    private static Path place(Path repo, Path root) {
        return repo.resolve(Repository.key(Repository.canonical(root.toString())));
    }

    private static void noStackTrace(CliTest.Run r) {
        assertFalse(r.err().contains("Exception") || r.err().contains("\tat "), r.err());
        assertFalse(r.out().contains("Exception"), r.out());
    }

    /**
     * Locks the runs of this host cannot judge: a link where the lock should be (to a root-only
     * file, or dangling), a lock naming another host, one whose text fsnap did not write. Each is
     * exit 2 naming the file and the reason, never 75 (which a systemd unit counts as success
     * every night), and the text of what the link leads to is never printed.
     */
    @Test
    void aLockThisHostCannotJudgeIsExit2NamingWhyAndItsContentIsNeverShown() throws Exception {
        Path root = TreeBuilder.at(dir.resolve("t")).file("a", 1).root();
        Path repo = dir.resolve("repo");
        assertEquals(0, fsnap("check", root.toString(), "--repo", repo.toString()).status());
        Path lock = place(repo, root).resolve("lock");
        Path secret = Files.writeString(dir.resolve("secret"), "root:TOPSECRET-HASH:19000:0:99999:7:::\n");
        Files.setPosixFilePermissions(secret, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));

        Files.createSymbolicLink(lock, secret);
        CliTest.Run link = fsnap("check", root.toString(), "--repo", repo.toString());
        assertEquals(2, link.status(), link.err());
        assertEquals("fsnap: " + root + " cannot be locked in " + repo + ": " + lock + " is a symbolic link, not a "
                + "lock fsnap made: it is not followed; remove it; this run did nothing\n", link.err());
        assertEquals("root:TOPSECRET-HASH:19000:0:99999:7:::\n", Files.readString(secret), "left as it was");

        Files.delete(lock);
        Files.createSymbolicLink(lock, dir.resolve("nowhere"));
        CliTest.Run dangling = fsnap("check", root.toString(), "--repo", repo.toString());
        assertEquals(2, dangling.status(), dangling.err());
        assertTrue(dangling.err().contains(lock + " is a symbolic link"), dangling.err());
        assertFalse(Files.exists(dir.resolve("nowhere")), "nothing made through the link");

        Files.delete(lock);
        Files.writeString(lock, "4242 nas-2.example " + java.time.Instant.now() + "\n");
        CliTest.Run otherHost = fsnap("check", root.toString(), "--repo", repo.toString());
        assertEquals(2, otherHost.status(), otherHost.err());
        assertTrue(otherHost.err().contains(lock + " was left by process 4242 on nas-2.example since "), otherHost.err());
        assertTrue(otherHost.err().contains(", another host: whether that run goes on cannot be told from "
                + RootLock.host() + "; once it has ended, remove " + lock), otherHost.err());

        Files.copy(secret, lock, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        CliTest.Run garbage = fsnap("check", root.toString(), "--repo", repo.toString());
        assertEquals(2, garbage.status(), garbage.err());
        assertTrue(garbage.err().contains(lock + " holds no lock fsnap wrote (39 bytes, not shown), and no process "
                + "holds it: remove it"), garbage.err());
        assertFalse(garbage.err().contains("TOPSECRET"), garbage.err());

        Files.delete(lock);
        CliTest.Run free = fsnap("check", root.toString(), "--repo", repo.toString());
        assertEquals(0, free.status(), free.err());
        assertEquals(2, runLines(fsnap("history", repo.toString()).out()).size(), "the refused runs kept nothing");
    }

    /**
     * Twenty runs at once (real JVMs) on a root whose lock a killed run left: taking a stale lock
     * over is one record lock that one of them wins; the winner holds it (its scan hangs on the
     * server) and every other run exits 75 naming it.
     */
    @Test
    @Timeout(600)
    void twentyRunsOnAStaleLockOneTakesItOverTheOthersExit75() throws Exception {
        Assumptions.assumeTrue(SlowNas.unavailableReason() == null, SlowNas.unavailableReason());
        Path source = TreeBuilder.at(dir.resolve("src")).file("stuck/a", 1).file("b", 1).root();
        Path repo = dir.resolve("repo");
        try (SlowNas nas = SlowNas.mount(source, Files.createDirectory(dir.resolve("mnt")), Duration.ZERO)) {
            String root = nas.mountPoint().toString();
            assertEquals(0, fsnap("check", root, "--repo", repo.toString()).status());
            Process gone = new ProcessBuilder("true").start();
            assertTrue(gone.waitFor(30, TimeUnit.SECONDS));
            Path lock = place(repo, nas.mountPoint()).resolve("lock");
            Files.writeString(lock, gone.pid() + " " + RootLock.host() + " " + java.time.Instant.now() + "\n");

            nas.hang("stuck");
            List<Process> runs = new java.util.ArrayList<>();
            List<java.util.concurrent.CompletableFuture<String>> errs = new java.util.ArrayList<>();
            for (int i = 0; i < 20; i++) {
                Process p = new ProcessBuilder(CliTest.command("check", root, "--repo", repo.toString(),
                        "--op-timeout", "300s")).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                runs.add(p);
                errs.add(java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                    try {
                        return new String(p.getErrorStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }));
            }
            // Nineteen end while the winner waits on the server.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(400);
            while (runs.stream().filter(Process::isAlive).count() > 1 && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            assertTrue(nas.awaitBlocked(Duration.ofSeconds(30)), "the winner holds the lock, hung on the server");
            assertEquals(1, runs.stream().filter(Process::isAlive).count(), "one run goes on");
            nas.release();
            int tookOver = 0;
            int locked = 0;
            for (int i = 0; i < runs.size(); i++) {
                assertTrue(runs.get(i).waitFor(120, TimeUnit.SECONDS));
                String err = errs.get(i).join();
                int status = runs.get(i).exitValue();
                if (err.contains("fsnap: took over the lock of " + root + " left by process " + gone.pid())) {
                    tookOver++;
                    assertTrue(status == 0 || status == 1, status + ": " + err);
                } else {
                    locked++;
                    assertEquals(75, status, err);
                    assertTrue(err.startsWith("fsnap: " + root + " is being scanned into " + repo + " by "), err);
                    assertTrue(err.endsWith("; this run did nothing\n"), err);
                }
            }
            assertEquals(1, tookOver);
            assertEquals(19, locked);
            assertFalse(Files.exists(lock), "released by the winner");
        }
    }

    /**
     * A run dated after now (a clock that ran ahead, or a file put there) is never the latest: the
     * next checks compare against the real latest run, DIR@latest names that one, and forget
     * --keep-last 1 keeps it and leaves the future run, which history names. A .snap file whose
     * name is no date and damaged summaries (other bytes than UTF-8, JSON cut short, another kind
     * of JSON) are listed as damaged: history and forget go through, and retention still frees the disk.
     */
    @Test
    void runsDatedAfterNowStrayNamesAndDamagedSummariesNeverStopHistoryOrRetention() throws Exception {
        Path root = TreeBuilder.at(dir.resolve("t")).file("a", 1).root();
        Path repo = dir.resolve("repo");
        assertEquals(0, fsnap("check", root.toString(), "--repo", repo.toString()).status());
        Path place = place(repo, root);
        Path first = snapshots(repo).get(0);
        Path future = place.resolve("20991231T230000.000Z.snap");
        Files.copy(first, future);
        Files.writeString(place.resolve("20991231T230000.000Z.json"), "{\"exit\":0,\"run\":\"check\"}\n");
        Files.write(place.resolve("20261340T999999.000Z.snap"), new byte[0]);

        Files.write(root.resolve("x"), new byte[2]);
        CliTest.Run second = fsnap("check", root.toString(), "--repo", repo.toString());
        assertEquals(1, second.status(), second.err());
        assertTrue(second.out().contains("  + x  2 B"), second.out());
        assertTrue(second.err().contains("fsnap: note: " + future + " is dated after now (more than 10 minutes ahead: "
                + "a clock that ran ahead, or a file put there): it is not the latest run and is not compared "
                + "against\n"), second.err());
        CliTest.Run third = fsnap("check", root.toString(), "--repo", repo.toString());
        assertEquals(0, third.status(), "against the second run, not the future one: " + third.out() + third.err());

        List<Path> real = snapshots(repo).stream().filter(p -> p.getFileName().toString().startsWith("2026")
                && !p.getFileName().toString().startsWith("20261340")).toList();
        assertEquals(3, real.size(), real.toString());
        CliTest.Run diff = fsnap("diff", repo + "@-1", repo + "@latest");
        assertEquals(0, diff.status(), "@latest is the third run, @-1 the second: " + diff.out() + diff.err());

        // Damaged summaries: other bytes than UTF-8, JSON cut short, a summary of another shape.
        Files.write(summary(real.get(0)), new byte[] {'{', '"', 'e', 'x', 'i', 't', '"', ':', '0', ',', '"', (byte) 0xff,
                '"', ':', '1', '}'});
        Files.writeString(summary(real.get(1)), "{\"exit\":1,\"entries\":3");
        Files.writeString(summary(real.get(2)), "[\"exit\",0]\n");
        CliTest.Run history = fsnap("history", repo.toString());
        assertEquals(0, history.status(), history.err());
        noStackTrace(history);
        List<String> rows = runLines(history.out());
        assertEquals(5, rows.size(), history.out());
        assertTrue(rows.get(0).contains("  damaged summary (" + summary(real.get(0)).getFileName() + ": not UTF-8)  "),
                rows.get(0));
        assertTrue(rows.get(1).contains("  damaged summary (" + summary(real.get(1)).getFileName() + ": cut short"),
                rows.get(1));
        assertTrue(rows.get(2).contains("  damaged summary (" + summary(real.get(2)).getFileName() + ": not JSON: "
                + "expected { at character 0)"), rows.get(2));
        assertTrue(rows.get(3).contains("exit 0  first run  dated after now (more than 10 minutes ahead): never the "
                + "latest"), rows.get(3));
        assertTrue(rows.get(3).startsWith("  " + Units.TIME.format(java.time.Instant.parse("2099-12-31T23:00:00Z"))),
                rows.get(3));
        assertEquals("  20261340T999999.000Z.snap  damaged: not a run's name (no such date); ignored, and left by "
                + "forget", rows.get(4));

        CliTest.Run forget = fsnap("forget", repo.toString(), "--keep-last", "1");
        assertEquals(0, forget.status(), forget.err());
        noStackTrace(forget);
        assertTrue(forget.out().contains(": 1 of 3 runs kept\n"), forget.out());
        assertTrue(forget.out().contains("  left      " + Units.TIME.format(java.time.Instant.parse(
                "2099-12-31T23:00:00Z")) + "  dated after now: not counted by the policy, never removed by it\n"),
                forget.out());
        assertTrue(forget.out().contains("  left      20261340T999999.000Z.snap  not a run's name (no such date)\n"),
                forget.out());
        assertEquals(List.of(real.get(2).getFileName().toString(), "20261340T999999.000Z.snap",
                "20991231T230000.000Z.snap"), snapshots(repo).stream().map(p -> p.getFileName().toString()).toList(),
                "the newest real run kept, the damaged ones removed, the stray and the future run left");
    }

    private static Path summary(Path snapshot) {
        String n = snapshot.getFileName().toString();
        return snapshot.resolveSibling(n.substring(0, n.length() - ".snap".length()) + ".json");
    }

    /**
     * One root however it is spelled: ./tree, tree/. and tree/x/.. are one series (the second run
     * compares against the first), and check --against a snapshot of the absolute path is no
     * other root.
     */
    @Test
    void aRootSpelledThreeWaysIsOneSeries() throws Exception {
        Path root = TreeBuilder.at(dir.resolve("tree")).file("x/a", 1).root();
        Path repo = dir.resolve("repo");
        ProcessBuilder first = new ProcessBuilder(CliTest.command("check", "./tree", "--repo", "repo")).directory(dir.toFile());
        CliTest.Run one = CliTest.run(first);
        assertEquals(0, one.status(), one.err());
        assertTrue(one.err().contains("the first run of " + root.toRealPath()), one.err());
        Files.write(root.resolve("b"), new byte[1]);
        CliTest.Run two = CliTest.run(new ProcessBuilder(CliTest.command("check", "tree/.", "--repo", "repo"))
                .directory(dir.toFile()));
        assertEquals(1, two.status(), two.err());
        assertTrue(two.out().contains("  + b  1 B"), two.out());
        CliTest.Run three = CliTest.run(new ProcessBuilder(CliTest.command("check", "tree/x/..", "--repo", "repo"))
                .directory(dir.toFile()));
        assertEquals(0, three.status(), three.out() + three.err());
        assertFalse(three.err().contains("first run"), three.err());
        assertEquals(1, fsnap("history", repo.toString()).out().lines().filter(l -> !l.startsWith("  ")).count());

        Path abs = dir.resolve("abs.snap");
        assertEquals(0, fsnap("scan", root.toString(), "-o", abs.toString()).status());
        CliTest.Run against = CliTest.run(new ProcessBuilder(CliTest.command("check", "./tree", "--against",
                abs.toString(), "-o", dir.resolve("new.snap").toString())).directory(dir.toFile()));
        assertEquals(0, against.status(), against.out() + against.err());
    }

    /**
     * A root named with the bytes {@code \xff\xfe}, which are no text in any locale, given as its
     * bytes (bash's {@code $'\xff\xfe'}): its series is keyed, and its {@code root} file written
     * and read, by those bytes, so the second check finds the first and says "no changes"
     * (before: the real path's text held U+FFFD, and the run was "no such file", exit 2).
     */
    @Test
    void aRootNamedWithBytesThatAreNoTextIsCheckedTwiceByItsBytes() throws Exception {
        Path repo = dir.resolve("repo");
        assertEquals(0, CliTest.sh("mkdir \"$1\"/$'\\xff\\xfe' && printf x > \"$1\"/$'\\xff\\xfe'/f", dir.toString()));
        List<String> check = new java.util.ArrayList<>(List.of("bash", "-c",
                "root=\"$1\"/$'\\xff\\xfe'; repo=\"$2\"; shift 2; exec \"$@\" check \"$root\" --repo \"$repo\"", "_",
                dir.toString(), repo.toString()));
        check.addAll(CliTest.command());
        CliTest.Run first = CliTest.run(new ProcessBuilder(check));
        assertEquals(0, first.status(), first.out() + first.err());
        noStackTrace(first);
        CliTest.Run second = CliTest.run(new ProcessBuilder(check));
        assertEquals(0, second.status(), second.out() + second.err());
        assertTrue((second.out() + second.err()).contains(": no changes"), second.out() + second.err());

        try (Stream<Path> places = Files.list(repo)) {
            List<Path> roots = places.filter(Files::isDirectory).toList();
            assertEquals(1, roots.size(), "one series: " + roots);
            byte[] recorded = Files.readAllBytes(roots.get(0).resolve("root"));
            byte[] real = dev.fsnap.bindings.PathBytes.of(dir.toRealPath());
            byte[] expected = java.util.Arrays.copyOf(real, real.length + 4);
            System.arraycopy(new byte[] {'/', (byte) 0xff, (byte) 0xfe, '\n'}, 0, expected, real.length, 4);
            org.junit.jupiter.api.Assertions.assertArrayEquals(expected, recorded, "the root file holds the root's bytes");
        }
    }

    /**
     * While a run holds a root's lock, another process cannot take the kernel's record lock, even
     * once the lock's text names a process that is gone: the holder never opens (and closes) a
     * second descriptor on the lock file, which would let go of its record lock (POSIX drops a
     * process's fcntl locks on a file when any of its descriptors of it is closed). The second run
     * exits 75; before, the holder's lock was gone right after it was taken, and the second run
     * took it over from the "dead" text, exit 0, two runs on one root at once.
     */
    @Test
    void theRecordLockIsHeldForTheWholeRunNotOnlyTheText() throws Exception {
        Path root = TreeBuilder.at(dir.resolve("t")).file("a", 1).root();
        Path repo = dir.resolve("repo");
        assertEquals(0, fsnap("check", root.toString(), "--repo", repo.toString()).status());
        RunSeries place = Repository.open(repo).root(Repository.canonical(root.toString()));
        Path lock = place.dir().resolve("lock");
        RootLock.Taken taken = (RootLock.Taken) place.lock(); // past where the text used to be read again
        try (RootLock held = taken.lock()) {
            Process gone = new ProcessBuilder("true").start();
            assertTrue(gone.waitFor(30, TimeUnit.SECONDS));
            // The text rewritten by another process (its close does not touch this process's lock): a dead PID.
            String dead = gone.pid() + " " + RootLock.host() + " " + java.time.Instant.now() + "\n";
            assertEquals(0, CliTest.sh("printf '%s' \"$2\" > \"$1\"", lock.toString(), dead));

            // another process: a record lock is a process's, so a second run must be one
            CliTest.Run second = CliTest.fsnapProcess("check", root.toString(), "--repo", repo.toString());
            assertEquals(75, second.status(), second.out() + second.err());
            assertTrue(second.err().startsWith("fsnap: " + root.toRealPath() + " is being scanned into " + repo
                    + " by process " + gone.pid() + " on "), second.err());
            assertFalse(second.err().contains("took over"), second.err());
            assertEquals(1, snapshots(repo).size(), "the second run did nothing");
        }
        assertFalse(Files.exists(lock), "let go at the end");
        assertEquals(0, fsnap("check", root.toString(), "--repo", repo.toString()).status(), "the next run takes it");
    }

    /**
     * References with no such date, a directory that is no repository, forget --keep-last 0,
     * scan and merge runs in history, and a damaged latest run: each said plainly.
     */
    @Test
    void referencesAndPoliciesThatWereStackTracesOrWrongAnswers() throws Exception {
        Path root = TreeBuilder.at(dir.resolve("t")).file("a/b", 1).file("c/d", 1).root();
        Path repo = dir.resolve("repo");
        assertEquals(0, fsnap("check", root.toString(), "--repo", repo.toString()).status());
        Path place = place(repo, root);
        for (String[] args : List.of(new String[] {"diff", place + "@2026-02-30", repo + "@latest"},
                new String[] {"ls", repo + "@2026-13-45"}, new String[] {"plan", root.toString(), "--shards", "2",
                "--from", repo + "@2026-00-01"})) {
            CliTest.Run r = fsnap(args);
            assertEquals(2, r.status(), r.err());
            noStackTrace(r);
            String ref = args[0].equals("diff") ? args[1] : args[0].equals("ls") ? args[1] : args[5];
            assertTrue(r.err().contains(ref + ": " + ref.substring(ref.lastIndexOf('@') + 1) + " is no date (YYYY-MM-DD)"),
                    r.err());
        }
        CliTest.Run notRepo = fsnap("ls", dir + "@latest");
        assertEquals(2, notRepo.status(), notRepo.err());
        assertTrue(notRepo.err().contains(dir + " is not an fsnap repository (no fsnap-repository in it), so " + dir
                + "@latest names no run"), notRepo.err());

        // A scan and a merge into the repository are no first runs.
        assertEquals(0, fsnap("scan", root.toString(), "--repo", repo.toString()).status());
        Path plan = dir.resolve("plan.json");
        assertEquals(0, fsnap("plan", root.toString(), "--shards", "2", "-o", plan.toString()).status());
        List<String> merge = new java.util.ArrayList<>(List.of("merge", plan.toString()));
        for (int k = 0; ; k++) {
            Path part = dir.resolve("part-" + k + ".snap");
            CliTest.Run s = fsnap("scan", root.toString(), "--shard", plan + ":" + k, "-o", part.toString());
            if (s.status() != 0) {
                break;
            }
            merge.add(part.toString());
        }
        merge.addAll(List.of("--repo", repo.toString()));
        CliTest.Run merged = fsnap(merge.toArray(String[]::new));
        assertEquals(0, merged.status(), merged.err());
        List<String> rows = runLines(fsnap("history", repo.toString()).out());
        assertEquals(3, rows.size(), rows.toString());
        assertTrue(rows.get(0).contains("exit 0  5 entries  first run"), rows.get(0));
        assertTrue(rows.get(1).contains("exit 0  5 entries  scan, nothing compared"), rows.get(1));
        assertTrue(rows.get(2).contains("exit 0  5 entries  merge of shards, nothing compared"), rows.get(2));

        CliTest.Run zero = fsnap("forget", repo.toString(), "--keep-last", "0");
        assertEquals(0, zero.status(), zero.err());
        assertTrue(zero.out().contains(": 1 of 3 runs kept\n"), "the last good run only: " + zero.out());
        assertEquals(1, snapshots(repo).size());

        // The latest run damaged: what to do is said for a repository, not for -o.
        Path latest = snapshots(repo).get(0);
        Files.write(latest, new byte[] {1, 2, 3});
        CliTest.Run damaged = fsnap("check", root.toString(), "--repo", repo.toString());
        assertEquals(2, damaged.status(), damaged.err());
        noStackTrace(damaged);
        assertTrue(damaged.err().contains("fsnap: " + latest + " cannot be compared against and was left as it is; move "
                + latest + " (and its .json) out of " + place + ", and the next check compares against the run before "
                + "it; or start anew: fsnap scan " + root.toRealPath() + " --repo " + repo + "\n"), damaged.err());
        assertFalse(damaged.err().contains("-o NEW"), damaged.err());
    }

    /**
     * SIGTERM and SIGINT while forget holds a root's lock (it waits to write its list to a pipe
     * that nobody reads): it ends with 143 or 130 and leaves no lock behind.
     */
    @Test
    @Timeout(180)
    void aSignalDuringForgetLeavesNoLockBehind() throws Exception {
        Path repo = dir.resolve("repo");
        RunSeries root = Repository.open(repo).root("/data");
        for (String signal : List.of("TERM", "INT")) {
            java.time.Instant t = java.time.Instant.parse("2026-01-01T00:00:00Z");
            for (int i = 0; i < 3000; i++) {
                Path snap = root.runAt(t.plusSeconds(60L * i)).snapshot();
                Files.write(snap, new byte[0]);
                Files.writeString(summary(snap), "{\"exit\":1}\n");
            }
            Process p = new ProcessBuilder(CliTest.command("forget", repo.toString(), "--keep-last", "1"))
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start(); // stdout: a pipe nobody reads
            Path lock = root.dir().resolve("lock");
            Path oldest = root.runAt(t).snapshot();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (Files.exists(oldest) && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertFalse(Files.exists(oldest), "forget took the lock and began removing");
            assertTrue(Files.exists(lock), "forget holds the lock");
            new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).start().waitFor();
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "forget ended on SIG" + signal);
            assertEquals(signal.equals("TERM") ? 143 : 130, p.exitValue());
            assertFalse(Files.exists(lock), "SIG" + signal + ": the lock was let go");
            p.getInputStream().close();
        }
    }
}
