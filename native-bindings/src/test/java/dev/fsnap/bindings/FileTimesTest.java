package dev.fsnap.bindings;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A modification time set to the nanosecond, a symbolic link's own included, its target's left alone. */
class FileTimesTest {
    @TempDir
    Path dir;

    @Test
    void aFileAndALinkGetTheirModificationTimeToTheNanosecond() throws Exception {
        Path file = Files.writeString(dir.resolve("f"), "x");
        Path link = Files.createSymbolicLink(dir.resolve("l"), file);
        Instant target = Files.getLastModifiedTime(file).toInstant();

        FileTimes.setModified(link, 1_000_000_000L, 123_456_789);
        assertEquals(Instant.ofEpochSecond(1_000_000_000L, 123_456_789),
                Files.getLastModifiedTime(link, LinkOption.NOFOLLOW_LINKS).toInstant());
        assertEquals(target, Files.getLastModifiedTime(file).toInstant(), "the link's target is untouched");

        FileTimes.setModified(file, 1_500_000_000L, 987_654_321);
        assertEquals(Instant.ofEpochSecond(1_500_000_000L, 987_654_321), Files.getLastModifiedTime(file).toInstant());
    }

    @Test
    void aMissingPathIsAnExceptionNamingIt() {
        Path gone = dir.resolve("gone");
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> FileTimes.setModified(gone, 0, 0));
        assertTrue(e.getMessage().contains(gone.toString()), e.getMessage());
    }
}
