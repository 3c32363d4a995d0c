package dev.fsnap.cli;

import dev.fsnap.cli.console.Units;

import dev.fsnap.testdata.TreeBuilder;
import dev.fsnap.testdata.fuse.SlowNas;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.fsnap.cli.CliTest.fsnap;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A verification budget in time, on a server slow to serve data (FUSE): the scan reads unchanged
 * files again until the time is up and leaves the rest with their last verification, saying how
 * many; those are the oldest the next night, and read first.
 */
class VerifyTimeBudgetTest {
    private static final int FILES = 6;
    private static final int SIZE = 256 * 1024;

    @TempDir
    Path dir;

    @Test
    @Timeout(120)
    void readsAgainUntilTheTimeIsUpAndLeavesTheRestDueFirst() throws Exception {
        Assumptions.assumeTrue(SlowNas.unavailableReason() == null, SlowNas.unavailableReason());
        TreeBuilder tree = TreeBuilder.at(dir.resolve("src"));
        for (int k = 0; k < FILES; k++) {
            tree.file("f" + k, SIZE);
        }
        Path source = tree.root();
        Thread.sleep(2500); // out of the racy window
        try (SlowNas nas = SlowNas.mount(source, Files.createDirectory(dir.resolve("mnt")), Duration.ZERO)) {
            String root = nas.mountPoint().toString();
            Path night1 = dir.resolve("night1.snap");
            assertEquals(0, fsnap("scan", root, "--digest", "-o", night1.toString()).status());
            Map<String, Instant> first = RollingVerificationTest.verified(night1);
            Thread.sleep(5); // a later verification time

            // Each file takes at least two reads of 300 ms: one thread gets through a few in 2 s.
            nas.slowReads(Duration.ofMillis(300));
            Path night2 = dir.resolve("night2.snap");
            CliTest.Run check = fsnap("check", root, "--digest", "--threads", "1", "--verify-budget", "2s",
                    "--against", night1.toString(), "-o", night2.toString());
            assertEquals(0, check.status(), check.out() + check.err());
            // the last run read 1.5 MiB quickly: its speed, or the floor of 50 MiB/s where it measured less,
            // gives far more than 1.5 MiB in 2 s: all six are due
            Matcher due = Pattern.compile("verification: " + FILES + " files \\(" + (long) FILES * SIZE
                    + " bytes: 2s at (\\d+) MiB/s, the last run's reading speed or at least 50 MiB/s\\) due to be read"
                    + " again").matcher(check.err());
            assertTrue(due.find() && Integer.parseInt(due.group(1)) >= 50, check.err());
            Map<String, Instant> second = RollingVerificationTest.verified(night2);
            List<String> read = new ArrayList<>();
            List<String> left = new ArrayList<>();
            for (Map.Entry<String, Instant> e : second.entrySet()) {
                (e.getValue().equals(first.get(e.getKey())) ? left : read).add(e.getKey());
            }
            assertTrue(!read.isEmpty() && !left.isEmpty(), "read again " + read + ", left " + left);
            Matcher m = Pattern.compile("the time budget \\(2s\\) ran out: (\\d+) files due again were not read")
                    .matcher(check.err());
            assertTrue(m.find(), check.err());
            assertEquals(left.size(), Integer.parseInt(m.group(1)), check.err());
            assertTrue(check.err().contains("of which " + Units.bytes((long) read.size() * SIZE) + " of the "
                    + Units.bytes((long) FILES * SIZE) + " due again"), check.err());

            // The next night, a budget of exactly what was left reads exactly those: they are the oldest.
            nas.slowReads(Duration.ZERO);
            Path night3 = dir.resolve("night3.snap");
            CliTest.Run next = fsnap("check", root, "--digest", "--verify-budget", Long.toString((long) left.size() * SIZE),
                    "--against", night2.toString(), "-o", night3.toString());
            assertEquals(0, next.status(), next.out() + next.err());
            Map<String, Instant> third = RollingVerificationTest.verified(night3);
            List<String> readNext = new ArrayList<>();
            for (Map.Entry<String, Instant> e : third.entrySet()) {
                if (!e.getValue().equals(second.get(e.getKey()))) {
                    readNext.add(e.getKey());
                }
            }
            assertEquals(left, readNext, next.err());
        }
    }
}
