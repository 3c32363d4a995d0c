package dev.fsnap.cli;

import dev.fsnap.testdata.TreeBuilder;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static dev.fsnap.cli.CliTest.fsnap;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** A system error as the command line says it: the path, what was being done, and the error, one way for all. */
class SystemErrorsTest {
    @TempDir
    Path dir;

    @Test
    void aSnapshotOnAReadOnlyFilesystemIsSaidToBeReadOnlyNotRefused() throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "mounting needs root");
        Path root = TreeBuilder.at(dir.resolve("t")).file("a", 1).root();
        Path ro = Files.createDirectory(dir.resolve("ro"));
        Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "ro,size=1m", "tmpfs", ro.toString())
                .redirectErrorStream(true).start();
        mount.getInputStream().readAllBytes();
        Assumptions.assumeTrue(mount.waitFor() == 0, "tmpfs cannot be mounted here");
        try {
            CliTest.Run r = fsnap("scan", root.toString(), "-o", ro.resolve("t.snap").toString());
            assertEquals(2, r.status(), r.err());
            assertEquals("fsnap: " + ro.resolve("t.snap") + ": cannot write a snapshot there: " + ro
                    + ": cannot create a file there: Read-only file system\n", r.err());
            assertFalse(r.err().contains("permission denied"), r.err());
        } finally {
            new ProcessBuilder("umount", ro.toString()).start().waitFor();
        }
    }
}
