package dev.fsnap.cli;

import dev.fsnap.testdata.NoIoUring;
import dev.fsnap.testdata.TreeBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code --stat uring} where the kernel refuses io_uring, as in a container whose seccomp profile
 * answers its calls with EPERM: the scan makes its stats one by one, finds the same entries with
 * the same fields, and its summary says why.
 */
class RingRefusedTest {
    @TempDir
    Path dir;

    @Test
    void aSeccompFilterThatRefusesIoUringLeavesTheStatsOneByOneAndTheSummarySaysSo() throws Exception {
        assumeTrue(NoIoUring.unavailableReason() == null, NoIoUring.unavailableReason());
        Path root = TreeBuilder.at(dir.resolve("t")).file("a/b", 10).file("c", 0).symlink("l", "c")
                .file("d/e/f", 3).root();
        CliTest.Run plain = CliTest.fsnapProcess("scan", root.toString(), "--stat", "fstatat", "--json");
        assertEquals(0, plain.status(), plain.err());

        CliTest.Run refused = CliTest.run(new ProcessBuilder(NoIoUring.command(
                CliTest.command("scan", root.toString(), "--stat", "uring", "--json"))));
        assertEquals(0, refused.status(), refused.err());
        assertEquals(sorted(plain.out()), sorted(refused.out()), "the same entries, every field");
        assertTrue(refused.err().contains("one stat call per entry: io_uring refused (io_uring_setup: EPERM"),
                refused.err());

        CliTest.Run ring = CliTest.fsnapProcess("scan", root.toString(), "--stat", "uring", "--json");
        assertEquals(0, ring.status(), ring.err());
        assertEquals(sorted(plain.out()), sorted(ring.out()), "the same entries, every field");
        assertTrue(ring.err().contains("stats through io_uring"), ring.err());
    }

    private static List<String> sorted(String lines) {
        return lines.lines().sorted().toList();
    }
}
