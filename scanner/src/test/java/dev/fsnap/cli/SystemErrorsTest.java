package dev.fsnap.cli;

import dev.fsnap.testdata.TreeBuilder;
import dev.fsnap.testdata.fuse.FailingDirectorySync;
import dev.fsnap.testdata.fuse.SlowNas;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import ru.serce.jnrfuse.ErrorCodes;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static dev.fsnap.cli.CliTest.fsnap;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

    /**
     * A disk that fails to force the directory after the snapshot was renamed into it: the rename may
     * not survive a crash, and the run fails saying so, naming the directory.
     */
    @Test
    void aSnapshotWhoseRenameCannotBeForcedToDiskFailsTheRunNamingTheDirectory() throws Exception {
        Assumptions.assumeTrue(SlowNas.unavailableReason() == null, SlowNas.unavailableReason());
        Path root = TreeBuilder.at(dir.resolve("t")).file("a", 1).root();
        try (FailingDirectorySync disk = FailingDirectorySync.mount(Files.createDirectory(dir.resolve("disk")),
                Files.createDirectory(dir.resolve("mnt")))) {
            disk.failDirectorySync(ErrorCodes.EIO());
            Path out = disk.mountPoint().resolve("t.snap");
            CliTest.Run r = fsnap("scan", root.toString(), "-o", out.toString());
            assertEquals(2, r.status(), r.err());
            assertTrue(r.err().endsWith("fsnap: " + out + ": the snapshot is in place, but a crash may lose it: "
                    + disk.mountPoint() + ": cannot force the directory to disk after renaming t.snap into it: "
                    + "Input/output error\n"), r.err());
            assertFalse(r.err().contains("Exception"), r.err());
            assertEquals(0, fsnap("verify", out.toString()).status(), "as the message says, the snapshot is there, whole");
        }
    }

    /** A filesystem that cannot force a directory at all (EINVAL): the rename is as durable as it gets there. */
    @Test
    void aFilesystemThatCannotForceDirectoriesAtAllStillGetsItsSnapshot() throws Exception {
        Assumptions.assumeTrue(SlowNas.unavailableReason() == null, SlowNas.unavailableReason());
        Path root = TreeBuilder.at(dir.resolve("t")).file("a", 1).root();
        try (FailingDirectorySync disk = FailingDirectorySync.mount(Files.createDirectory(dir.resolve("disk")),
                Files.createDirectory(dir.resolve("mnt")))) {
            disk.failDirectorySync(ErrorCodes.EINVAL());
            Path out = disk.mountPoint().resolve("t.snap");
            CliTest.Run r = fsnap("scan", root.toString(), "-o", out.toString());
            assertEquals(0, r.status(), r.err());
            assertEquals(0, fsnap("verify", out.toString()).status());
        }
    }
}
