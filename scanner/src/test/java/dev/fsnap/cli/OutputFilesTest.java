package dev.fsnap.cli;

import dev.fsnap.testdata.TreeBuilder;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static dev.fsnap.cli.CliTest.fsnap;
import static dev.fsnap.cli.CliTest.fsnapProcess;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The files a run writes beside its snapshot, {@code --metrics} and {@code --report}, written as the
 * snapshot is: only over a regular file, never over the run's own snapshots, keeping what others
 * put there (their lines, the file's mode and owner), and a file that cannot be written is exit 2.
 */
@Timeout(value = 300, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class OutputFilesTest {
    @TempDir
    Path dir;

    @Test
    void threeRootsEndingAtOnceNeverLoseEachOthersLines() throws Exception {
        List<Path> roots = new ArrayList<>();
        for (String r : List.of("a", "b", "c")) {
            roots.add(TreeBuilder.at(dir.resolve(r)).file("f", 1).root());
        }
        Path prom = dir.resolve("fsnap.prom");
        for (int trial = 0; trial < 20; trial++) {
            Files.deleteIfExists(prom);
            List<CompletableFuture<CliTest.Run>> runs = new ArrayList<>();
            for (Path r : roots) {
                runs.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        // three cron jobs: three processes, each holding the file's lock as a process does
                        return fsnapProcess("scan", r.toString(), "--metrics", prom.toString());
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }));
            }
            for (CompletableFuture<CliTest.Run> run : runs) {
                assertEquals(0, run.join().status(), run.join().err());
            }
            String text = Files.readString(prom);
            for (Path r : roots) {
                assertTrue(text.contains("fsnap_exit_status{root=\"" + r + "\"} 0\n"), "trial " + trial + ": " + text);
                assertTrue(text.contains("fsnap_entries{root=\"" + r + "\"} 2\n"), "trial " + trial + ": " + text);
            }
        }
    }

    @Test
    void anotherProgramsFamilyKeepsItsHelpTypeAndBytes() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/promtool")),
                "promtool is missing (Debian: apt-get install prometheus)");
        Path root = TreeBuilder.at(dir.resolve("t")).file("f", 1).root();
        Path prom = dir.resolve("node.prom");
        // A Latin-1 byte (0xe9) in another job's label: not UTF-8, and not fsnap's to refuse.
        byte[] foreign = "# HELP backup_age_seconds Age of the last backup.\n# TYPE backup_age_seconds gauge\nbackup_age_seconds{host=\"caf\u00e9\"} 42\n"
                .getBytes(StandardCharsets.ISO_8859_1);
        Files.write(prom, foreign);
        CliTest.Run r = fsnap("scan", root.toString(), "--metrics", prom.toString());
        assertEquals(0, r.status(), r.err());
        byte[] after = Files.readAllBytes(prom);
        assertTrue(indexOf(after, foreign) >= 0, "the other family, with its HELP and TYPE, byte for byte:\n"
                + new String(after, StandardCharsets.ISO_8859_1));
        assertTrue(new String(after, StandardCharsets.ISO_8859_1).contains("fsnap_exit_status{root=\"" + root + "\"} 0"));
        // promtool reads UTF-8: give it the file with the foreign byte made ASCII, to check the layout
        Path copy = dir.resolve("copy.prom");
        Files.write(copy, new String(after, StandardCharsets.ISO_8859_1).replace('\u00e9', 'e').getBytes(StandardCharsets.UTF_8));
        StringBuilder out = new StringBuilder();
        assertEquals(0, CliTest.sh("promtool check metrics < \"$1\"", out, copy.toString()), out.toString());
        assertEquals("", out.toString(), "promtool's complaints");
    }

    @Test
    void aMetricsFileKeepsItsModeAndOwnerAndANewOneIsReadableByTheCollector() throws Exception {
        Path root = TreeBuilder.at(dir.resolve("t")).file("f", 1).root();
        Path fresh = dir.resolve("fresh.prom");
        assertEquals(0, fsnap("scan", root.toString(), "--metrics", fresh.toString()).status());
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(fresh)));

        Path kept = dir.resolve("kept.prom");
        Files.writeString(kept, "");
        Files.setPosixFilePermissions(kept, PosixFilePermissions.fromString("rw-r-----"));
        boolean root0 = "root".equals(System.getProperty("user.name"));
        if (root0) {
            assertEquals(0, CliTest.sh("chown nobody:nogroup \"$1\"", kept.toString()));
        }
        PosixFileAttributes before = Files.readAttributes(kept, PosixFileAttributes.class);
        assertEquals(0, fsnap("scan", root.toString(), "--metrics", kept.toString()).status());
        PosixFileAttributes after = Files.readAttributes(kept, PosixFileAttributes.class);
        assertEquals("rw-r-----", PosixFilePermissions.toString(after.permissions()));
        assertEquals(before.owner(), after.owner());
        assertEquals(before.group(), after.group());
        assertTrue(Files.readString(kept).contains("fsnap_exit_status"));

        // In a directory every user can write, a file another user made first is not handed what
        // root's run writes: the new file is root's, with the mode kept.
        if (root0) {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x")); // for nobody to reach it
            Path shared = Files.createDirectory(dir.resolve("shared"));
            Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
            assertEquals(0, CliTest.sh("chmod +t \"$1\" && setpriv --reuid=nobody --regid=nogroup --clear-groups "
                    + "sh -c 'umask 022; : > \"$1\"/planted.prom' _ \"$1\"", shared.toString()));
            Path planted = shared.resolve("planted.prom");
            assertEquals("nobody", Files.getOwner(planted).getName());
            assertEquals(0, fsnap("scan", root.toString(), "--metrics", planted.toString()).status());
            assertEquals("root", Files.getOwner(planted).getName());
            assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(planted)));
        }
    }

    @Test
    void aFifoADeviceALinkOrTheBaselineAreRefusedBeforeTheScanAndLeftAsTheyAre() throws Exception {
        Path root = TreeBuilder.at(dir.resolve("t")).file("f", 1).root();
        Path base = dir.resolve("base.snap");
        assertEquals(0, fsnap("scan", root.toString(), "-o", base.toString()).status());
        byte[] baseBytes = Files.readAllBytes(base);
        Path fifo = dir.resolve("fifo.prom");
        assertEquals(0, CliTest.sh("mkfifo \"$1\"", fifo.toString()));
        Path target = Files.writeString(dir.resolve("elsewhere"), "someone else's file");
        Path link = Files.createSymbolicLink(dir.resolve("link.prom"), target);
        List<Path> refused = new ArrayList<>(List.of(fifo, link));
        Path device = dir.resolve("null.prom");
        if (CliTest.sh("mknod \"$1\" c 1 3", device.toString()) == 0) { // root only: a copy of /dev/null
            refused.add(device);
        }
        for (Path p : refused) {
            for (String option : List.of("--metrics", "--report")) {
                CliTest.Run r = fsnap("check", root.toString(), "--against", base.toString(), "-o",
                        dir.resolve("new.snap").toString(), option, p.toString());
                assertEquals(2, r.status(), option + " " + p + ": " + r.err());
                assertTrue(r.err().startsWith("fsnap: " + option + " " + p + ": "), r.err());
                assertTrue(r.err().contains(option + " writes a regular file (refused)"), r.err());
                assertFalse(r.err().contains("entries,"), "refused before the scan: " + r.err());
                assertFalse(Files.exists(dir.resolve("new.snap")));
            }
            assertEquals(2, fsnap("scan", root.toString(), "--metrics", p.toString()).status());
        }
        assertTrue(Files.isSymbolicLink(link));
        assertEquals("someone else's file", Files.readString(target));
        assertTrue(Files.readAttributes(fifo, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS).isOther(),
                "the FIFO is still one");

        for (String option : List.of("--report", "--metrics")) {
            CliTest.Run r = fsnap("check", root.toString(), "--against", base.toString(), "-o",
                    dir.resolve("new.snap").toString(), option, base.toString());
            assertEquals(2, r.status(), r.err());
            assertEquals("fsnap: " + option + " " + base + " is " + base + ", a snapshot of this run: it would be "
                    + "overwritten (refused)\n", r.err());
            assertArrayEquals(baseBytes, Files.readAllBytes(base), "the baseline is untouched");
        }
        CliTest.Run diff = fsnap("diff", base.toString(), base.toString(), "--report", base.toString());
        assertEquals(2, diff.status(), diff.err());
        assertArrayEquals(baseBytes, Files.readAllBytes(base));
    }

    @Test
    void metricsThatCannotBeWrittenAreExitTwoEvenWhenQuiet() throws Exception {
        Path root = TreeBuilder.at(dir.resolve("t")).file("f", 1).root();
        CliTest.Run missing = fsnap("scan", root.toString(), "-q", "--metrics", "/nonexistent/m.prom");
        assertEquals(2, missing.status(), missing.err());
        assertEquals("fsnap: --metrics /nonexistent/m.prom: no directory /nonexistent\n", missing.err());

        // Found out only at the end: the lock beside the file cannot be opened (a directory there).
        Path prom = dir.resolve("late.prom");
        Files.createDirectory(dir.resolve("late.prom.lock"));
        Path base = dir.resolve("base.snap");
        assertEquals(0, fsnap("scan", root.toString(), "-o", base.toString()).status());
        CliTest.Run late = fsnap("check", root.toString(), "-q", "--against", base.toString(), "-o",
                dir.resolve("new.snap").toString(), "--metrics", prom.toString());
        assertEquals(2, late.status(), late.err());
        assertTrue(late.err().contains("fsnap: " + prom + ": the metrics were not written: " + prom + ".lock is not a "
                + "regular file\n"), late.err());
        assertFalse(Files.exists(prom));

        // A FIFO planted where the lock goes: refused, never opened for writing alone (which waits for a reader).
        Path fifoLocked = dir.resolve("fifo-locked.prom");
        assertEquals(0, CliTest.sh("mkfifo \"$1\"", dir.resolve("fifo-locked.prom.lock").toString()));
        CliTest.Run fifo = fsnap("scan", root.toString(), "-q", "--metrics", fifoLocked.toString());
        assertEquals(2, fifo.status(), fifo.err());
        assertTrue(fifo.err().endsWith("\nfsnap: " + fifoLocked + ": the metrics were not written: " + fifoLocked
                + ".lock is not a regular file\n"), fifo.err());
    }

    private static int indexOf(byte[] in, byte[] what) {
        outer:
        for (int i = 0; i + what.length <= in.length; i++) {
            for (int k = 0; k < what.length; k++) {
                if (in[i + k] != what[k]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
