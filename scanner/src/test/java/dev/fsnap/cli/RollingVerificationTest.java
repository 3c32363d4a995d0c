package dev.fsnap.cli;

import dev.fsnap.scan.Content;
import dev.fsnap.scan.EntryType;
import dev.fsnap.snapshot.Snapshot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static dev.fsnap.cli.CliTest.fsnap;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Nightly checks with a verification budget of 1/N of the data read every unchanged file again
 * exactly once in N nights, those verified longest ago first; a corruption planted on the first
 * night in the file scheduled for the last is reported on the last, and not before.
 */
class RollingVerificationTest {
    private static final int NIGHTS = 4;
    private static final int FILES = 12;
    private static final int SIZE = 3000;

    @TempDir
    Path dir;

    @RegisterExtension
    final Ext4Mount ext4 = new Ext4Mount();

    /** Each file's verification time in a snapshot. */
    static Map<String, Instant> verified(Path snapshot) throws Exception {
        Map<String, Instant> at = new TreeMap<>();
        try (Snapshot s = Snapshot.open(snapshot)) {
            s.walk(e -> {
                Content c = e.content();
                if (e.type() == EntryType.FILE) {
                    at.put(e.displayPath(), c.verified());
                }
            });
        }
        return at;
    }

    @Test
    void aBudgetOfOneNthReadsEveryFileOnceInNNightsOldestFirstAndFindsTheRotOnItsNight() throws Exception {
        Path root = Files.createDirectories(ext4.root().resolve("t"));
        List<String> names = new ArrayList<>();
        for (int k = 0; k < FILES; k++) {
            String name = String.format("f%02d", k);
            names.add(name);
            Files.write(root.resolve(name), String.valueOf((char) ('a' + k)).repeat(SIZE).getBytes());
        }
        Thread.sleep(2500); // out of the racy window
        Path night = dir.resolve("night0.snap");
        CliTest.Run first = fsnap("scan", root.toString(), "--digest", "-o", night.toString());
        assertEquals(0, first.status(), first.err());
        Map<String, Instant> before = verified(night);
        assertEquals(FILES, before.size());

        // Rot on the first night, in the file the schedule reaches last (path order breaks the tie).
        String last = names.get(FILES - 1);
        ext4.image().damage(root.resolve(last), 10, 'Z');

        long budget = (long) FILES * SIZE / NIGHTS;
        Map<String, Integer> reads = new TreeMap<>();
        for (int n = 1; n <= NIGHTS; n++) {
            Path tonight = dir.resolve("night" + n + ".snap");
            CliTest.Run check = fsnap("check", "--format", "lines", root.toString(), "--digest", "--verify-budget", Long.toString(budget),
                    "--against", night.toString(), "-o", tonight.toString());
            assertTrue(check.err().contains("verification: " + FILES / NIGHTS + " files (" + budget + " bytes) due to be"
                    + " read again even if unchanged, 0 of them overdue; the oldest verification was 0 days ago"),
                    check.err());
            Map<String, Instant> after = verified(tonight);
            List<String> readTonight = new ArrayList<>();
            for (String name : names) {
                if (!after.get(name).equals(before.get(name))) {
                    readTonight.add(name);
                    reads.merge(name, 1, Integer::sum);
                }
            }
            int from = (n - 1) * FILES / NIGHTS;
            if (n < NIGHTS) {
                assertEquals(names.subList(from, from + FILES / NIGHTS), readTonight, "night " + n + ": oldest first");
                assertEquals(0, check.status(), "night " + n + ": " + check.out() + check.err());
            } else {
                // the rotten file is read and found: it keeps its baseline, so its verification time does not move
                assertEquals(names.subList(from, FILES - 1), readTonight, "night " + n);
                assertEquals(4, check.status(), check.out() + check.err());
                assertTrue(check.out().lines().anyMatch(l -> l.startsWith("C " + last + "  (content)")), check.out());
                reads.merge(last, 1, Integer::sum);
            }
            before = after;
            night = tonight;
        }
        for (String name : names) {
            assertEquals(1, reads.getOrDefault(name, 0), name + " read again exactly once in " + NIGHTS + " nights");
        }
    }

    @Test
    void aPlainCheckWithDigestsFindsRotWithoutAnyScheduleOption() throws Exception {
        Path root = Files.createDirectories(ext4.root().resolve("plain"));
        for (int k = 0; k < 3; k++) {
            Files.write(root.resolve("f" + k), String.valueOf((char) ('a' + k)).repeat(SIZE).getBytes());
        }
        Thread.sleep(2500); // out of the racy window
        Path night0 = dir.resolve("plain0.snap");
        CliTest.Run first = fsnap("scan", root.toString(), "--digest", "-o", night0.toString());
        assertEquals(0, first.status(), first.err());
        assertTrue(first.err().contains("fsnap: verification: every file will be read again within 30d even if"
                + " unchanged, a share each run, oldest first"), "the first run says what is to come: " + first.err());
        // Rot behind the filesystem, in the file verified longest ago (all were read together: the first by path).
        ext4.image().damage(root.resolve("f0"), 10, 'Z');

        CliTest.Run off = fsnap("check", root.toString(), "--digest", "--verify-within", "never", "--against",
                night0.toString(), "-o", dir.resolve("off.snap").toString());
        assertEquals(0, off.status(), "with the schedule turned off, nothing unchanged is read: " + off.out() + off.err());

        CliTest.Run plain = fsnap("check", "--format", "lines", root.toString(), "--digest", "--against",
                night0.toString(), "-o", dir.resolve("plain1.snap").toString());
        assertEquals(4, plain.status(), plain.out() + plain.err());
        assertTrue(plain.out().lines().anyMatch(l -> l.startsWith("C f0  (content)")), plain.out());
        assertTrue(plain.err().contains("verification: 1 files (" + SIZE + " bytes) due to be read again"), plain.err());
    }

    @Test
    void aShortWindowReadsEveryFileAgainOnceItHasPassed() throws Exception {
        Path root = Files.createDirectories(ext4.root().resolve("short"));
        for (int k = 0; k < 3; k++) {
            Files.write(root.resolve("f" + k), String.valueOf((char) ('a' + k)).repeat(SIZE).getBytes());
        }
        Thread.sleep(2500);
        Path night0 = dir.resolve("short0.snap");
        assertEquals(0, fsnap("scan", root.toString(), "--digest", "-o", night0.toString()).status());
        ext4.image().damage(root.resolve("f2"), 10, 'Z'); // the file the schedule reaches last
        Thread.sleep(2100); // the whole window since the last run: every file is due
        CliTest.Run check = fsnap("check", "--format", "lines", root.toString(), "--digest", "--verify-within", "2s",
                "--against", night0.toString(), "-o", dir.resolve("short1.snap").toString());
        assertEquals(4, check.status(), check.out() + check.err());
        assertTrue(check.out().lines().anyMatch(l -> l.startsWith("C f2  (content)")), check.out());
        assertTrue(check.err().contains("verification: 3 files (" + 3 * SIZE + " bytes) due to be read again"),
                check.err());
    }
}
