package dev.fsnap.snapshot;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * "Has this file changed?" one path at a time: an unchanged file is answered from the cache, kept
 * across runs in its file; a file whose size, times or inode changed is read again, and so is one
 * whose times were racy when it was read; a damaged cache file is refused, naming it.
 */
class DigestCacheTest {
    @TempDir
    Path dir;

    private static byte[] sha256(byte[] content) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(content);
    }

    /** A file last changed an hour ago: its times are not racy when it is read now. */
    private Path settled(String name, String content) throws IOException {
        Path f = Files.writeString(dir.resolve(name), content);
        Files.setLastModifiedTime(f, FileTime.from(Instant.now().minusSeconds(3600)));
        return f;
    }

    @Test
    void anUnchangedFileIsAnsweredFromTheCacheAcrossRunsAndAChangedOneIsReadAgain() throws Exception {
        Path f = settled("a", "first");
        Path cacheFile = dir.resolve("digests");
        DigestCache cache = DigestCache.open(cacheFile, Duration.ZERO);
        assertArrayEquals(sha256("first".getBytes()), cache.digest(f));
        assertArrayEquals(sha256("first".getBytes()), cache.digest(f));
        assertEquals(1, cache.reads(), "the second answer came from the cache");
        cache.save();

        DigestCache again = DigestCache.open(cacheFile, Duration.ZERO);
        assertArrayEquals(sha256("first".getBytes()), again.digest(f));
        assertEquals(0, again.reads(), "kept across runs");

        Files.writeString(f, "other"); // same size, new bytes, new times
        assertArrayEquals(sha256("other".getBytes()), again.digest(f));
        assertEquals(1, again.reads());

        FileTime before = Files.getLastModifiedTime(f);
        Files.writeString(f, "third"); // same size, the mtime put back: the ctime still shows it
        Files.setLastModifiedTime(f, before);
        assertArrayEquals(sha256("third".getBytes()), again.digest(f));
        assertEquals(2, again.reads());
    }

    @Test
    void aFileWhoseTimesWereRacyWhenReadIsReadAgain() throws Exception {
        Path f = Files.writeString(dir.resolve("fresh"), "now");
        DigestCache cache = DigestCache.open(dir.resolve("digests"), Duration.ofSeconds(2));
        cache.digest(f);
        cache.digest(f);
        assertEquals(2, cache.reads(), "written just now: a change within the same tick would not show");
    }

    @Test
    void whatIsNotARegularFileAndADamagedCacheAreRefusedNamingThem() throws Exception {
        DigestCache cache = DigestCache.open(dir.resolve("digests"), Duration.ZERO);
        Path link = Files.createSymbolicLink(dir.resolve("link"), settled("target", "x"));
        FileSystemException e = assertThrows(FileSystemException.class, () -> cache.digest(link));
        assertTrue(e.getMessage().contains("not a regular file"), e.getMessage());
        assertThrows(FileSystemException.class, () -> cache.digest(dir));

        Path damaged = Files.write(dir.resolve("damaged"), new byte[] {0x46, 0x53, 0x44, 0x43, 0, 0, 0, 1, 0x7f, 0, 0, 0});
        IOException d = assertThrows(IOException.class, () -> DigestCache.open(damaged, Duration.ZERO));
        assertTrue(d.getMessage().contains(damaged.toString()), d.getMessage());
        Path other = Files.writeString(dir.resolve("other"), "not a cache at all");
        assertThrows(IOException.class, () -> DigestCache.open(other, Duration.ZERO));
    }
}
