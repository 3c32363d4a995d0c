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

import static dev.fsnap.cli.CliTest.fsnap;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The exit statuses a cron job tells apart (docs/cli.md): a snapshot of another root refused, a
 * directory unreadable as last time that is no news, a newly unreadable one that is, and entries
 * that vanish while the scan reads them, or files that keep changing while their content is read,
 * as on any live filesystem: each counted as what it is.
 */
class ExitStatusTest {
    @TempDir
    Path dir;

    @Test
    void aSnapshotOfAnotherRootIsRefusedUnlessAllowed() throws Exception {
        Path a = TreeBuilder.at(dir.resolve("a")).file("x", 1).root();
        Path b = TreeBuilder.at(dir.resolve("b")).file("x", 1).root();
        Path snapA = dir.resolve("a.snap");
        assertEquals(0, fsnap("scan", a.toString(), "-o", snapA.toString()).status());
        Path out = dir.resolve("b.snap");
        CliTest.Run refused = fsnap("check", b.toString(), "--against", snapA.toString(), "-o", out.toString());
        assertEquals(2, refused.status());
        assertEquals("fsnap: " + snapA + " is a snapshot of " + a + ", not of " + b + ": every entry would be reported "
                + "as added and removed. To compare them anyway (a root that moved), add --allow-other-root\n",
                refused.err());
        assertFalse(Files.exists(out));
        CliTest.Run allowed = fsnap("check", b.toString(), "--allow-other-root", "--against", snapA.toString(), "-o",
                out.toString());
        assertEquals(1, allowed.status(), "other files (other inodes, times) under another root: " + allowed.out()
                + allowed.err());
        assertTrue(Files.exists(out));
    }

    @Test
    @Timeout(120)
    void unreadableAsLastTimeIsNoNewsNewlyUnreadableIsThreeReadableAgainIsAChange() throws Exception {
        Assumptions.assumeTrue(SlowNas.unavailableReason() == null, SlowNas.unavailableReason());
        Path source = TreeBuilder.at(dir.resolve("src")).file("open/a", 1).file("locked/b", 1).root();
        try (SlowNas nas = SlowNas.mount(source, Files.createDirectory(dir.resolve("mnt")), Duration.ZERO)) {
            String root = nas.mountPoint().toString();
            Path monday = dir.resolve("monday.snap");
            assertEquals(0, fsnap("scan", root, "-o", monday.toString()).status());

            nas.deny("locked");
            Path tuesday = dir.resolve("tuesday.snap");
            CliTest.Run first = fsnap("check", root, "--against", monday.toString(), "-o", tuesday.toString());
            assertEquals(3, first.status(), "newly unreadable: " + first.out() + first.err());
            assertTrue(first.out().contains("  ! locked  unreadable: Permission denied (EACCES)"), first.out());

            Path wednesday = dir.resolve("wednesday.snap");
            CliTest.Run again = fsnap("check", root, "--against", tuesday.toString(), "-o", wednesday.toString());
            assertEquals(0, again.status(), "as last time, same error: no news; " + again.out() + again.err());
            assertTrue(again.out().contains("  ! locked  still unreadable: Permission denied (EACCES)"), again.out());
            assertTrue(again.out().lines().findFirst().orElse("").endsWith(": no changes"), again.out());
            CliTest.Run quiet = fsnap("check", "-q", root, "--against", tuesday.toString(), "-o",
                    dir.resolve("quiet.snap").toString());
            assertEquals(0, quiet.status());
            assertEquals("", quiet.out() + quiet.err(), "nothing for cron to mail");

            nas.allow("locked");
            CliTest.Run back = fsnap("check", root, "--against", wednesday.toString(), "-o",
                    dir.resolve("thursday.snap").toString());
            assertEquals(1, back.status(), back.out() + back.err());
            assertTrue(back.out().contains("  ! locked  unreadable last time, read now"), back.out());
        }
    }

    @Test
    @Timeout(120)
    void entriesThatVanishWhileTheScanReadsThemAreTwentyFour() throws Exception {
        Assumptions.assumeTrue(SlowNas.unavailableReason() == null, SlowNas.unavailableReason());
        Path source = TreeBuilder.at(dir.resolve("src")).file("stays", 1).file("goes", 1).root();
        try (SlowNas nas = SlowNas.mount(source, Files.createDirectory(dir.resolve("mnt")), Duration.ZERO)) {
            String root = nas.mountPoint().toString();
            Path monday = dir.resolve("monday.snap");
            assertEquals(0, fsnap("scan", root, "-o", monday.toString()).status());

            // The scan lists "goes", then its stat waits; meanwhile the file is removed at the source.
            nas.hangEntry("goes");
            ProcessBuilder pb = new ProcessBuilder(CliTest.command("check", root, "--op-timeout", "30s", "--against",
                    monday.toString(), "-o", dir.resolve("tuesday.snap").toString()));
            java.util.concurrent.CompletableFuture<CliTest.Run> check =
                    java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                        try {
                            return CliTest.run(pb);
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    });
            assertTrue(nas.awaitBlocked(Duration.ofSeconds(30)), "the scan reached the stat of 'goes'");
            Files.delete(source.resolve("goes"));
            nas.release();
            CliTest.Run r = check.join();
            assertEquals(24, r.status(), r.out() + r.err());
            assertTrue(r.out().contains("  ! goes  unreadable: "), r.out());
            assertTrue(r.out().contains("1 of them vanished while the scan read them"), r.out());

            CliTest.Run scan = fsnap("scan", root);
            assertEquals(0, scan.status(), "nothing vanishes now: " + scan.err());
        }
    }

    @Test
    @Timeout(120)
    void aFileThatKeepsChangingWhileItIsReadIsCountedAsChangingNotAsVanished() throws Exception {
        Assumptions.assumeTrue(SlowNas.unavailableReason() == null, SlowNas.unavailableReason());
        Path source = TreeBuilder.at(dir.resolve("src")).file("stays", 1).file("live.log", 1 << 20).root();
        try (SlowNas nas = SlowNas.mount(source, Files.createDirectory(dir.resolve("mnt")), Duration.ZERO)) {
            String root = nas.mountPoint().toString();
            Path monday = dir.resolve("monday.snap");
            assertEquals(0, fsnap("scan", root, "--digest", "-o", monday.toString()).status());

            // Each read of the file takes 8 slow server reads; a writer at the source changes it every
            // 10 ms, so that it changed under both of the scan's attempts to read it.
            nas.slowReads(Duration.ofMillis(100));
            java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
            Thread writer = new Thread(() -> {
                try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(source.resolve("live.log").toFile(), "rw")) {
                    for (int k = 0; !stop.get(); k++) {
                        f.seek(0);
                        f.write(k);
                        Thread.sleep(10);
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            writer.start();
            Path prom = dir.resolve("fsnap.prom");
            Path tuesday = dir.resolve("tuesday.snap");
            CliTest.Run r;
            try {
                r = fsnap("check", root, "--digest", "--against", monday.toString(), "-o", tuesday.toString(),
                        "--metrics", prom.toString());
            } finally {
                stop.set(true);
                writer.join();
            }
            assertEquals(24, r.status(), r.out() + r.err());
            assertTrue(r.out().contains("  ! live.log  unreadable: ") && r.out().contains("(ECHANGING)"), r.out());
            assertTrue(r.out().lines().anyMatch(l -> l.matches("  unreadable +1, 1 of them kept changing while read "
                    + "\\(no verdict\\)")), r.out());
            assertFalse(r.out().contains("vanished"), r.out());
            String metrics = Files.readString(prom);
            assertTrue(metrics.contains("fsnap_changing{root=\"" + root + "\"} 1"), metrics);
            assertTrue(metrics.contains("fsnap_vanished{root=\"" + root + "\"} 0"), metrics);
            String json = fsnap("diff", monday.toString(), tuesday.toString(), "--json").out();
            assertTrue(json.contains("\"vanished\":0,\"changing\":1,"), json);
        }
    }
}
