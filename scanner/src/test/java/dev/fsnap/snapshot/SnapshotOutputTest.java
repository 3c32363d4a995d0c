package dev.fsnap.snapshot;

import dev.fsnap.testdata.fuse.FailingDirectorySync;
import dev.fsnap.testdata.fuse.SlowNas;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import ru.serce.jnrfuse.ErrorCodes;

import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * A snapshot's file is renamed into place and the rename forced to disk, with native calls and
 * without (through NIO, as where there are none), on a disk whose directory sync fails on demand.
 */
class SnapshotOutputTest {
    @TempDir
    Path dir;

    private FailingDirectorySync disk;

    @BeforeEach
    void mount() throws Exception {
        Assumptions.assumeTrue(SlowNas.unavailableReason() == null, SlowNas.unavailableReason());
        disk = FailingDirectorySync.mount(Files.createDirectory(dir.resolve("disk")),
                Files.createDirectory(dir.resolve("mnt")));
    }

    @AfterEach
    void unmount() {
        if (disk != null) {
            disk.close();
        }
    }

    private Path written(boolean nativeCalls) throws Exception {
        Path target = disk.mountPoint().resolve("t.snap");
        SnapshotOutput out = SnapshotOutput.create(target, nativeCalls);
        try {
            byte[] b = "contents".getBytes(StandardCharsets.UTF_8);
            out.write(b, 0, b.length);
            out.force();
            out.publish();
        } finally {
            out.discard();
            out.release();
        }
        return target;
    }

    @Test
    void aFailedSyncOfTheDirectoryAfterTheRenameIsReportedNamingIt() throws Exception {
        disk.failDirectorySync(ErrorCodes.EIO());
        for (boolean nativeCalls : new boolean[] {true, false}) {
            FileSystemException e = assertThrows(FileSystemException.class, () -> written(nativeCalls));
            assertEquals(disk.mountPoint().toString(), e.getFile());
            assertEquals("cannot force the directory to disk after renaming t.snap into it: Input/output error",
                    e.getReason(), "native calls: " + nativeCalls);
        }
    }

    @Test
    void aFilesystemThatCannotSyncADirectoryAtAllIsToleratedWhereTheErrorIsKnown() throws Exception {
        disk.failDirectorySync(ErrorCodes.EINVAL());
        assertEquals("contents", Files.readString(written(true)));
        // Through NIO the error is not known (the JDK gives only its text): reported, not guessed at.
        FileSystemException e = assertThrows(FileSystemException.class, () -> written(false));
        assertEquals(disk.mountPoint().toString(), e.getFile());
    }

    @Test
    void aDirectorySyncThatWorksPublishesTheFile() throws Exception {
        for (boolean nativeCalls : new boolean[] {true, false}) {
            assertEquals("contents", Files.readString(written(nativeCalls)));
        }
    }
}
