package dev.fsnap.cli;

import dev.fsnap.testdata.Deadlines;
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
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A server that dies in the middle of a file's read: the digest's read is given up on at the
 * deadline like a stat, the file is recorded unreadable (timed out), every other file is read, and
 * the check ends.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class DigestDeadServerTest {
    @TempDir
    Path dir;

    @Test
    void aReadThatHangsIsGivenUpOnAtTheDeadlineAndTheFileIsUnreadable() throws Exception {
        Assumptions.assumeTrue(SlowNas.unavailableReason() == null, SlowNas.unavailableReason());
        Path source = TreeBuilder.at(dir.resolve("src")).file("a", 100_000).file("stuck", 200_000).file("z", 3).root();
        try (SlowNas nas = SlowNas.mount(source, Files.createDirectory(dir.resolve("mnt")), Duration.ZERO)) {
            Path base = dir.resolve("base.snap");
            assertEquals(0, fsnap("scan", nas.mountPoint().toString(), "-o", base.toString()).status());
            nas.hangReads("stuck");
            long start = System.nanoTime();
            CliTest.Run check = CliTest.fsnapProcess("check", "--format", "lines", nas.mountPoint().toString(), "--digest", "--op-timeout", "2",
                    "--against", base.toString(), "-o", dir.resolve("new.snap").toString());
            double seconds = (System.nanoTime() - start) / 1e9;
            assertTrue(seconds < Deadlines.outerLimitSeconds(2), "the check ended after " + seconds + " s; the deadline is 2 s");
            assertEquals(3, check.status(), "newly unreadable: " + check.out() + check.err());
            assertTrue(check.out().lines().anyMatch(l -> l.startsWith("! stuck") && l.contains("ETIMEDOUT")),
                    check.out());
            CliTest.Run listed = fsnap("ls", dir.resolve("new.snap").toString(), "--json");
            assertTrue(listed.out().lines().anyMatch(l -> l.contains("\"path\":\"a\"") && l.contains("\"content\":{")),
                    "the other files were read: " + listed.out());
            assertTrue(listed.out().lines().anyMatch(l -> l.contains("\"path\":\"z\"") && l.contains("\"content\":{")),
                    listed.out());
        }
    }
}
