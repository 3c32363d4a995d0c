package dev.fsnap.cli;

import dev.fsnap.testdata.TreeBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

import static dev.fsnap.cli.CliTest.fsnap;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The report a person reads in the morning, and the conventions of cron and the shell: the totals
 * first, the changes made and nothing else by default, nothing at all with {@code -q} when nothing
 * changed, and a closed pipe that ends a command quietly.
 */
class ReportTest {
    @TempDir
    Path dir;

    /** The lines of a text report that are changes: a marker after two spaces. */
    private static List<String> changeLines(String report) {
        return report.lines().filter(l -> l.matches("  [-+M>!?CT] .*")).toList();
    }

    @Test
    void rightAfterATreeIsMadeTheReportHasItsTotalsAndTheTwentyChangesAndNoRacyLines() throws Exception {
        TreeBuilder tree = TreeBuilder.at(dir.resolve("t"));
        for (int d = 0; d < 10; d++) {
            for (int f = 0; f < 30; f++) {
                tree.file("d" + d + "/f" + f, 10);
            }
        }
        Path root = tree.root();
        Path monday = dir.resolve("monday.snap");
        assertEquals(0, fsnap("scan", root.toString(), "-o", monday.toString()).status());
        // Twenty changes at once, inside the scan's time window: every other entry is racy.
        List<String> expected = new ArrayList<>();
        for (int k = 0; k < 5; k++) {
            Files.write(root.resolve("d1/new" + k), new byte[100]);
            expected.add("  + new" + k + "  100 B");
            Files.delete(root.resolve("d2/f" + k));
            expected.add("  - f" + k + "  10 B");
            Files.write(root.resolve("d3/f" + k), new byte[6000]);
            Files.setPosixFilePermissions(root.resolve("d4/f" + k), PosixFilePermissions.fromString("rw-------"));
        }
        CliTest.Run check = fsnap("check", root.toString(), "--against", monday.toString(), "-o",
                dir.resolve("tuesday.snap").toString());
        assertEquals(1, check.status(), check.err());
        String out = check.out();
        String[] lines = out.split("\n");
        // The totals count entries: d1's and d2's own mtime changed with their entries, listed with -v only
        assertTrue(lines[0].startsWith(root + ", scanned ") && lines[0].endsWith(": 22 changes"), out);
        assertTrue(lines[1].matches("  added +5  500 B"), out);
        assertTrue(lines[2].matches("  removed +5  50 B"), out);
        assertTrue(lines[3].matches("  modified +12  2 of them directories whose times changed with their entries "
                + "\\(-v lists them\\)"), out);
        assertTrue(out.lines().anyMatch(l -> l.matches("  racy +[0-9]+  unchanged, read inside the old scan's time window "
                + "\\(--show-racy lists them\\)")), "racy entries are a count: " + out);
        assertTrue(out.lines().anyMatch(l -> l.matches("  scanned +311  entries, .*")), "the root, 10 directories, "
                + "300 files: " + out);
        List<String> changes = changeLines(out);
        assertEquals(20, changes.size(), "the twenty changes and nothing else: " + out);
        assertTrue(out.lines().noneMatch(l -> l.contains("racy:")), "no per-entry racy lines: " + out);
        for (String line : expected) {
            assertTrue(changes.contains(line), line + " in " + out);
        }
        assertTrue(changes.stream().anyMatch(l -> l.startsWith("  M f0  size 10 B -> 5.9 KiB (6000)")), out);
        assertTrue(changes.stream().anyMatch(l -> l.startsWith("  M f0  ctime ") && l.endsWith("mode 0644 -> 0600")),
                out);
        // grouped: each directory's changes under its name
        assertTrue(out.contains("\nd1:\n  + new0  100 B\n  + new1"), out);

        // -v shows what the default leaves out: the racy entries, the directories their entries changed
        CliTest.Run all = fsnap("diff", "-v", monday.toString(), dir.resolve("tuesday.snap").toString());
        assertTrue(changeLines(all.out()).size() > 20, all.out());
        assertTrue(all.out().contains("racy: read inside the old scan's time window"), all.out());
    }

    /**
     * A tampered file (rewritten, its mtime put back) whose owner changed too: JSON lists every field
     * that differs, as docs/json.md says and as the text report shows, not only that it was tampered.
     */
    @Test
    void aTamperedFileWhoseOwnerChangedToldInJsonAsInText() throws Exception {
        Path root = Files.createDirectories(dir.resolve("t"));
        Path ledger = Files.writeString(root.resolve("ledger"), "original");
        Thread.sleep(2500); // out of the racy window: a baseline read in its own tick proves nothing
        Path s1 = dir.resolve("s1.snap");
        assertEquals(0, fsnap("scan", root.toString(), "--digest", "-o", s1.toString()).status());
        FileTime mtime = Files.getLastModifiedTime(ledger);
        Files.writeString(ledger, "REWRITES");
        assertEquals(0, CliTest.sh("chown nobody \"$1\"", ledger.toString()));
        Files.setLastModifiedTime(ledger, mtime); // as touch -r does
        Path s2 = dir.resolve("s2.snap");
        CliTest.Run check = fsnap("check", root.toString(), "--digest", "--against", s1.toString(), "-o",
                s2.toString(), "--json");
        assertEquals(4, check.status(), check.out() + check.err());
        String line = check.out().lines().filter(l -> l.startsWith("{\"op\":\"tampered\"")).findFirst()
                .orElseThrow(() -> new AssertionError(check.out()));
        assertTrue(line.startsWith("{\"op\":\"tampered\",\"path\":\"ledger\",\"fields\":[\"ctime\",\"uid\",\"content\"],"),
                line);
        CliTest.Run text = fsnap("diff", s1.toString(), s2.toString());
        assertEquals(4, text.status(), text.err());
        assertTrue(text.out().contains("owner root -> nobody"), text.out());
    }

    @Test
    void anAddedOrRemovedTreeIsOneLineUnlessVerbose() throws Exception {
        TreeBuilder tree = TreeBuilder.at(dir.resolve("t")).file("keep", 1);
        for (int f = 0; f < 50; f++) {
            tree.file("old/a/f" + f, 1000);
        }
        Path root = tree.root();
        Path before = dir.resolve("before.snap");
        assertEquals(0, fsnap("scan", root.toString(), "-o", before.toString()).status());
        assertEquals(0, CliTest.sh("rm -r \"$1/old\"", root.toString()));
        Path after = dir.resolve("after.snap");
        assertEquals(0, fsnap("scan", root.toString(), "-o", after.toString()).status());
        CliTest.Run d = fsnap("diff", before.toString(), after.toString());
        assertEquals(1, d.status(), d.err());
        assertEquals(List.of("  - old/  removed with 51 entries below it, 49 KiB"), changeLines(d.out()), d.out());
        assertTrue(d.out().lines().anyMatch(l -> l.matches("  removed +52  49 KiB")), d.out());
        CliTest.Run v = fsnap("diff", "-v", before.toString(), after.toString());
        assertEquals(52, changeLines(v.out()).stream().filter(l -> l.startsWith("  - ")).count(), "every entry: " + v.out());
        CliTest.Run lines = fsnap("diff", "--format", "lines", before.toString(), after.toString());
        assertTrue(lines.out().lines().anyMatch(l -> l.equals("- old/a/f7")), "lines: one per change: " + lines.out());
    }

    @Test
    void quietPrintsNothingWhenNothingChangedAndTheReportWhenSomethingDid() throws Exception {
        Path root = TreeBuilder.at(dir.resolve("t")).file("a", 1).file("b", 2).root();
        Path monday = dir.resolve("monday.snap");
        assertEquals(0, fsnap("scan", root.toString(), "-o", monday.toString()).status());
        CliTest.Run same = fsnap("check", "-q", root.toString(), "--against", monday.toString(), "-o",
                dir.resolve("tuesday.snap").toString());
        assertEquals(0, same.status(), same.err());
        assertEquals("", same.out());
        assertEquals("", same.err());
        CliTest.Run scan = fsnap("scan", "-q", root.toString());
        assertEquals(0, scan.status());
        assertEquals("", scan.out() + scan.err());

        Files.write(root.resolve("c"), new byte[3]);
        CliTest.Run changed = fsnap("check", "--quiet", root.toString(), "--against", monday.toString(), "-o",
                dir.resolve("wednesday.snap").toString());
        assertEquals(1, changed.status());
        assertTrue(changeLines(changed.out()).contains("  + c  3 B"), changed.out());
        assertFalse(changed.err().isEmpty(), "the summary lines too, when something changed");
    }

    @Test
    void everyCommandPipedIntoHeadEndsQuietly() throws Exception {
        TreeBuilder tree = TreeBuilder.at(dir.resolve("t"));
        for (int f = 0; f < 3000; f++) {
            tree.file("a-long-enough-name-" + f, 0); // a report far larger than a pipe holds
        }
        Path root = tree.root();
        Path empty = Files.createDirectory(dir.resolve("empty"));
        Path none = dir.resolve("none.snap");
        Path all = dir.resolve("all.snap");
        assertEquals(0, fsnap("scan", empty.toString(), "-o", none.toString()).status());
        assertEquals(0, fsnap("scan", root.toString(), "-o", all.toString()).status());
        String[][] commands = {
            {"scan", root.toString(), "--json"},
            {"ls", all.toString()},
            {"diff", none.toString(), all.toString()},
            {"diff", "--format", "lines", none.toString(), all.toString()},
            {"diff", "--json", none.toString(), all.toString()},
            {"check", empty.toString(), "--allow-other-root", "--against", all.toString(), "-o",
                dir.resolve("x.snap").toString()},
        };
        for (String[] args : commands) {
            StringBuilder out = new StringBuilder();
            int status = CliTest.sh("set -o pipefail; e=$(mktemp); \"$@\" 2>\"$e\" | head -1 >/dev/null; "
                    + "echo \"status $?\"; cat \"$e\"; rm -f \"$e\"", out, CliTest.command(args).toArray(String[]::new));
            assertEquals(0, status);
            assertEquals("status 141\n", out.toString(), String.join(" ", args) + ": no stack trace, no error line");
        }
        assertFalse(Files.exists(dir.resolve("x.snap")), "a check whose report was cut writes no snapshot");
    }

    @Test
    void ignoredFieldsAreNoChange() throws Exception {
        TreeBuilder tree = TreeBuilder.at(dir.resolve("t"));
        for (int f = 0; f < 40; f++) {
            tree.file("d/f" + f, 5);
        }
        Path root = tree.root();
        Path monday = dir.resolve("monday.snap");
        assertEquals(0, fsnap("scan", root.toString(), "-o", monday.toString()).status());
        Thread.sleep(20);
        assertEquals(0, CliTest.sh("chmod -R u+rw \"$1\"", root.toString())); // the modes were so already: ctime alone
        CliTest.Run all = fsnap("diff", monday.toString(), snapshotOf(root, "tuesday.snap").toString());
        assertEquals(1, all.status());
        assertTrue(changeLines(all.out()).size() >= 40, all.out());
        CliTest.Run ignored = fsnap("diff", "--ignore", "ctime,atime", monday.toString(),
                dir.resolve("tuesday.snap").toString());
        assertEquals(0, ignored.status(), ignored.out() + ignored.err());
        assertEquals(List.of(), changeLines(ignored.out()).stream().filter(l -> !l.startsWith("  ? ")).toList());
        CliTest.Run bad = fsnap("diff", "--ignore", "colour", monday.toString(), monday.toString());
        assertEquals(2, bad.status());
        assertTrue(bad.err().startsWith("fsnap: Invalid value for option '--ignore': no field 'colour'; the "
                + "fields are size, mtime, ctime,"), bad.err());
    }

    private Path snapshotOf(Path root, String name) throws Exception {
        Path s = dir.resolve(name);
        assertEquals(0, fsnap("scan", root.toString(), "-o", s.toString()).status());
        return s;
    }
}
