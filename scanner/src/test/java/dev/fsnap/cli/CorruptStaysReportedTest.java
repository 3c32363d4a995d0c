package dev.fsnap.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;

import static dev.fsnap.cli.CliTest.changes;
import static dev.fsnap.cli.CliTest.fsnap;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A file found corrupt stays reported, night after night, whatever the verification budget and
 * whatever else changed beside it, against its good digest (the approved content), until its good
 * content is restored (then nothing is reported) or it is rewritten (then an ordinary
 * modification, and the new content the baseline). The rot is written into an ext4 image behind
 * the filesystem, so the file's size, times and inode stay as they were.
 */
class CorruptStaysReportedTest {
    private static final int SIZE = 65536;
    private static final int ROT_AT = 40_000;

    @TempDir
    Path dir;

    @RegisterExtension
    final Ext4Mount ext4 = new Ext4Mount();

    /** The first 16 hex digits of the SHA-256 of the file's content as written: what a line shows. */
    private static String digest(byte[] content) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content)).substring(0, 16) + "…";
    }

    /** The line {@code --format lines} shows for the corrupt file, {@code d/f07}. */
    private static String corruptLine(String good, String bad, Instant verified) {
        return "C d/f07  (content)  content " + good + " -> " + bad
                + "  CORRUPT: content changed, size, times and inode did not; baseline verified " + verified;
    }

    /** A night's check: its report as lines, its snapshot written to {@code to}, its metrics to {@code prom}. */
    private CliTest.Run night(Path root, Path against, Path to, Path prom, String... budget) throws Exception {
        List<String> args = new java.util.ArrayList<>(List.of("check", "--format", "lines", root.toString(), "--digest"));
        args.addAll(List.of(budget));
        args.addAll(List.of("--against", against.toString(), "-o", to.toString(), "--metrics", prom.toString()));
        return fsnap(args.toArray(String[]::new));
    }

    /** The corrupt count and the exit status a night left in the metrics file. */
    private static List<String> metrics(Path prom, Path root) throws Exception {
        var m = MetricsTest.samples(prom);
        return List.of(m.get("fsnap_changes{root=\"" + root + "\",kind=\"corrupt\"}"),
                m.get("fsnap_exit_status{root=\"" + root + "\"}"));
    }

    /** The line the default text report of {@code diff} gives the file. */
    private static String textLine(Path older, Path newer, String name) throws Exception {
        CliTest.Run diff = fsnap("diff", older.toString(), newer.toString());
        return diff.out().lines().filter(l -> l.contains(name)).findFirst().orElse(diff.out() + diff.err());
    }

    @Test
    void aCorruptFileIsReportedEveryNightWhateverTheBudgetUntilItsGoodContentIsRestored() throws Exception {
        // A level below the root: the mark must reach the root through its directory.
        Path root = Files.createDirectories(ext4.root().resolve("t"));
        Path d = Files.createDirectories(root.resolve("d"));
        byte[] content = "a".repeat(SIZE).getBytes();
        Path victim = Files.write(d.resolve("f07"), content);
        Files.writeString(d.resolve("notes"), "notes");
        Files.writeString(root.resolve("top"), "top");
        Thread.sleep(2500); // out of the racy window: a baseline read in its own tick proves nothing
        Path prom = dir.resolve("fsnap.prom");

        // Night 1: the baseline.
        Path s1 = dir.resolve("s1.snap");
        CliTest.Run first = fsnap("scan", root.toString(), "--digest", "-o", s1.toString());
        assertEquals(0, first.status(), first.err());
        Instant verified = RollingVerificationTest.verified(s1).get("d/f07");
        String good = digest(content);
        content[ROT_AT] = 'b';
        String bad = digest(content);

        ext4.image().damage(victim, ROT_AT, 'b');

        // Night 2, a budget that reads everything again: found.
        Path s2 = dir.resolve("s2.snap");
        CliTest.Run found = night(root, s1, s2, prom, "--verify-budget", "1G");
        assertEquals(4, found.status(), found.out() + found.err());
        assertEquals(List.of(corruptLine(good, bad, verified)), changes(found.out()));
        assertEquals(List.of("1", "4"), metrics(prom, root));

        // Night 3, no budget, nothing else changed: the directory hashes as last night, still reported.
        Path s3 = dir.resolve("s3.snap");
        CliTest.Run again = night(root, s2, s3, prom);
        assertEquals(4, again.status(), again.out() + again.err());
        assertEquals(List.of(corruptLine(good, bad, verified)), changes(again.out()));
        assertEquals(List.of("1", "4"), metrics(prom, root));
        String text = textLine(s2, s3, "d/f07");
        assertTrue(text.contains("content " + good + " -> " + bad + "  CORRUPT: "), text);

        // Night 4, a small budget and a new file beside it: still reported, against the good digest.
        Files.writeString(d.resolve("new"), "new");
        Thread.sleep(2500);
        Path s4 = dir.resolve("s4.snap");
        CliTest.Run beside = night(root, s3, s4, prom, "--verify-budget", "1");
        assertEquals(4, beside.status(), beside.out() + beside.err());
        assertEquals(List.of("+ d/new", corruptLine(good, bad, verified), "M d  (mtime,ctime)"), changes(beside.out()));
        assertEquals(List.of("1", "4"), metrics(prom, root));

        // Restored behind the filesystem (as a repair of the block would): verified again, nothing to report.
        ext4.image().damage(victim, ROT_AT, 'a');
        Path s5 = dir.resolve("s5.snap");
        CliTest.Run restored = night(root, s4, s5, prom);
        assertEquals(0, restored.status(), restored.out() + restored.err());
        assertEquals(List.of(), changes(restored.out()));
        assertEquals(List.of("0", "0"), metrics(prom, root));
        Instant restoredAt = RollingVerificationTest.verified(s5).get("d/f07");
        assertTrue(restoredAt.isAfter(verified), "read tonight and found good: " + restoredAt);

        // And it stays quiet.
        CliTest.Run quiet = night(root, s5, dir.resolve("s6.snap"), prom);
        assertEquals(0, quiet.status(), quiet.out() + quiet.err());
        assertEquals(List.of(), changes(quiet.out()));
    }

    @Test
    void aCorruptFileCopiedBackFromABackupIsAModificationOfItsTimesAndNoLongerCorrupt() throws Exception {
        Path root = Files.createDirectories(ext4.root().resolve("t"));
        byte[] content = "a".repeat(SIZE).getBytes();
        Path victim = Files.write(root.resolve("f07"), content);
        Thread.sleep(2500);
        Path prom = dir.resolve("fsnap.prom");
        Path s1 = dir.resolve("s1.snap");
        assertEquals(0, fsnap("scan", root.toString(), "--digest", "-o", s1.toString()).status());
        ext4.image().damage(victim, ROT_AT, 'b');
        Path s2 = dir.resolve("s2.snap");
        CliTest.Run found = night(root, s1, s2, prom, "--verify-budget", "1G");
        assertEquals(4, found.status(), found.out() + found.err());

        // The good content written back through the filesystem, as a copy from a backup does: its
        // times change, its content equals the good digest.
        Files.write(victim, "a".repeat(SIZE).getBytes());
        Path s3 = dir.resolve("s3.snap");
        CliTest.Run copied = night(root, s2, s3, prom);
        assertEquals(1, copied.status(), copied.out() + copied.err());
        assertEquals(List.of("M f07  (mtime,ctime)"), changes(copied.out()));
        assertEquals(List.of("0", "1"), metrics(prom, root));
    }

    @Test
    void aCorruptFileRewrittenIsAnOrdinaryModificationAndItsNewContentTheBaseline() throws Exception {
        Path root = Files.createDirectories(ext4.root().resolve("t"));
        byte[] content = "a".repeat(SIZE).getBytes();
        Path victim = Files.write(root.resolve("f07"), content);
        Thread.sleep(2500);
        Path prom = dir.resolve("fsnap.prom");
        Path s1 = dir.resolve("s1.snap");
        assertEquals(0, fsnap("scan", root.toString(), "--digest", "-o", s1.toString()).status());
        String good = digest(content);
        ext4.image().damage(victim, ROT_AT, 'b');
        Path s2 = dir.resolve("s2.snap");
        CliTest.Run found = night(root, s1, s2, prom, "--verify-budget", "1G");
        assertEquals(4, found.status(), found.out() + found.err());

        // Rewritten by its owner: size, mtime and ctime change; compared with the good digest.
        byte[] rewritten = "rewritten".getBytes();
        Files.write(victim, rewritten);
        Path s3 = dir.resolve("s3.snap");
        CliTest.Run modified = night(root, s2, s3, prom);
        assertEquals(1, modified.status(), modified.out() + modified.err());
        assertEquals(List.of("M f07  (size,mtime,ctime,content)  content " + good + " -> " + digest(rewritten)),
                changes(modified.out()));
        assertEquals(List.of("0", "1"), metrics(prom, root));

        // The new content is the baseline: read again tonight, it is found good.
        Thread.sleep(2500);
        CliTest.Run after = night(root, s3, dir.resolve("s4.snap"), prom, "--verify-budget", "1G");
        assertEquals(0, after.status(), after.out() + after.err());
        assertEquals(List.of(), changes(after.out()));
    }
}
