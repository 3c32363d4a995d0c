package dev.fsnap.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;

import static dev.fsnap.cli.CliTest.changes;
import static dev.fsnap.cli.CliTest.fsnap;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Content digests against real damage: a byte of a file changed behind ext4's back on a loop
 * device (the file's size, times and inode untouched) is reported as corrupt, with its own exit
 * status, every run until the file is restored; a rewrite whose mtime was put back is tampered.
 */
class DigestCheckTest {
    @TempDir
    Path dir;

    @RegisterExtension
    final Ext4Mount ext4 = new Ext4Mount();

    @Test
    void bitRotIsCorruptUntilRestoredAndARewriteWithItsMtimePutBackIsTampered() throws Exception {
        Path root = Files.createDirectories(ext4.root().resolve("t"));
        Path victim = Files.write(root.resolve("victim"), "a".repeat(65536).getBytes());
        Files.writeString(root.resolve("other"), "other");
        Path tampered = Files.writeString(root.resolve("tampered"), "original");
        Thread.sleep(2500); // out of the racy window: a baseline read in its own tick proves nothing
        Path s1 = dir.resolve("s1.snap");
        CliTest.Run first = fsnap("scan", root.toString(), "--digest", "-o", s1.toString());
        assertEquals(0, first.status(), first.err());

        ext4.image().damage(victim, 40_000, 'b');
        assertTrue(Files.readString(victim).contains("b"), "the damage is seen through the filesystem");
        FileTime mtime = Files.getLastModifiedTime(tampered);
        Files.writeString(tampered, "REWRITES");
        Files.setLastModifiedTime(tampered, mtime); // as touch -r does

        // A budget as large as the data: every unchanged file is read again, as a scrub would.
        Path s2 = dir.resolve("s2.snap");
        CliTest.Run check = fsnap("check", "--format", "lines", root.toString(), "--digest", "--verify-budget", "1G", "--against",
                s1.toString(), "-o", s2.toString());
        assertEquals(4, check.status(), check.out() + check.err());
        List<String> lines = changes(check.out());
        assertEquals(2, lines.size(), check.out());
        assertTrue(lines.get(0).startsWith("C victim  (content)  content ")
                && lines.get(0).contains("CORRUPT: content changed, size, times and inode did not"), lines.get(0));
        assertTrue(lines.get(1).startsWith("T tampered  (ctime,content)  content ")
                && lines.get(1).contains("TAMPERED"), lines.get(1));
        String json = fsnap("diff", s1.toString(), s2.toString(), "--json").out();
        assertTrue(json.lines().anyMatch(l -> l.startsWith("{\"op\":\"corrupt\",\"path\":\"victim\"")), json);
        assertTrue(json.lines().anyMatch(l -> l.startsWith("{\"op\":\"tampered\",\"path\":\"tampered\"")), json);
        assertTrue(check.err().contains("1 CORRUPT, 1 TAMPERED"), check.err());

        // Not silently taken as the new baseline: reported again, without a budget, until someone acts.
        Path s3 = dir.resolve("s3.snap");
        CliTest.Run again = fsnap("check", "--format", "lines", root.toString(), "--digest", "--against", s2.toString(), "-o",
                s3.toString());
        assertEquals(4, again.status(), again.out() + again.err());
        assertEquals(1, changes(again.out()).size(), again.out());
        assertTrue(changes(again.out()).get(0).startsWith("C victim  (content)"), again.out());

        // Restored (behind the filesystem too): verified again, nothing to report.
        ext4.image().damage(victim, 40_000, 'a');
        Path s4 = dir.resolve("s4.snap");
        CliTest.Run restored = fsnap("check", "--format", "lines", root.toString(), "--digest", "--against", s3.toString(), "-o",
                s4.toString());
        assertEquals(0, restored.status(), restored.out() + restored.err());
        assertEquals(List.of(), changes(restored.out()), restored.out());
    }

    @Test
    void aFileAppendedToWhileItIsReadIsNeverCorrupt() throws Exception {
        Path root = Files.createDirectories(dir.resolve("live"));
        Path log = root.resolve("growing.log");
        Files.write(log, new byte[64 << 20]);
        Thread.sleep(2500);
        Path s1 = dir.resolve("live1.snap");
        assertEquals(0, fsnap("scan", root.toString(), "--digest", "-o", s1.toString()).status());
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        Thread writer = new Thread(() -> {
            try (var out = Files.newOutputStream(log, java.nio.file.StandardOpenOption.APPEND)) {
                while (!stop.get()) {
                    out.write(new byte[4096]);
                    out.flush();
                    Thread.sleep(1);
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        writer.start();
        try {
            for (int k = 0; k < 3; k++) {
                Path s2 = dir.resolve("live2-" + k + ".snap");
                CliTest.Run check = fsnap("check", "--format", "lines", root.toString(), "--digest", "--verify-budget", "1G", "--against",
                        s1.toString(), "-o", s2.toString());
                // 24 when the file kept changing through both reads: a live file, not a fault
                assertTrue(check.status() == 0 || check.status() == 1 || check.status() == 24,
                        check.out() + check.err());
                assertTrue(check.out().lines().noneMatch(l -> l.startsWith("C ")), check.out());
            }
        } finally {
            stop.set(true);
            writer.join();
        }
    }
}
