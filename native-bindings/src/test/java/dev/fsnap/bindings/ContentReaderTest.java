package dev.fsnap.bindings;

import com.dynatrace.hash4j.hashing.HashValue128;
import com.dynatrace.hash4j.hashing.Hashing;
import jnr.constants.platform.Errno;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A file's content read relative to its directory and digested: the digests are the algorithms'
 * own, a link or a FIFO in a file's place is refused without blocking, a file that grows while it
 * is read is told, and the page cache is left as it was found.
 */
class ContentReaderTest {
    @TempDir
    Path dir;

    private LinuxDirectoryReader reader;
    private int fd;
    private Map<String, Integer> at;

    @BeforeEach
    void requireLinux() {
        assumeTrue(LinuxLibc.library().isAvailable(), "native Linux calls unavailable");
    }

    private void list() {
        reader = new LinuxDirectoryReader(LinuxDirectoryReader.MIN_BUFFER_SIZE);
        fd = reader.openRoot(dir.toString().getBytes(StandardCharsets.UTF_8));
        at = XattrTest.positions(reader, fd);
    }

    private byte[] digest(ContentReader content, String name) {
        assertTrue(content.open(reader, fd, at.get(name)), name + ": " + content.lastError());
        long n;
        while ((n = content.read()) > 0) {
            assertTrue(n <= ContentReader.CHUNK);
        }
        assertEquals(0, n, name + ": " + content.lastError());
        byte[] d = new byte[content.length()];
        assertEquals(0, content.finish(d), name + " did not change while read");
        return d;
    }

    @Test
    void theFirstBytesAreDigestedOnTheWayWhereverTheyEnd() throws Exception {
        byte[] big = new byte[ContentReader.CHUNK * 2 + 777];
        new Random(11).nextBytes(big);
        Files.write(dir.resolve("log"), big);
        list();
        try (ContentReader sha = ContentReader.sha256(); ContentReader xxh = ContentReader.xxh3()) {
            for (int prefix : new int[] {0, 1, 4096, ContentReader.CHUNK, ContentReader.CHUNK + 1, big.length - 1,
                big.length}) {
                byte[] first = java.util.Arrays.copyOf(big, prefix);
                for (ContentReader content : new ContentReader[] {sha, xxh}) {
                    assertTrue(content.open(reader, fd, at.get("log")));
                    content.digestPrefix(prefix);
                    while (content.read() > 0) {
                        // to the end
                    }
                    byte[] whole = new byte[content.length()];
                    assertEquals(0, content.finish(whole));
                    byte[] expected;
                    byte[] expectedWhole;
                    if (content == sha) {
                        expected = MessageDigest.getInstance("SHA-256").digest(first);
                        expectedWhole = MessageDigest.getInstance("SHA-256").digest(big);
                    } else {
                        HashValue128 x = Hashing.xxh3_128().hashBytesTo128Bits(first);
                        expected = java.nio.ByteBuffer.allocate(16).putLong(x.getMostSignificantBits())
                                .putLong(x.getLeastSignificantBits()).array();
                        HashValue128 w = Hashing.xxh3_128().hashBytesTo128Bits(big);
                        expectedWhole = java.nio.ByteBuffer.allocate(16).putLong(w.getMostSignificantBits())
                                .putLong(w.getLeastSignificantBits()).array();
                    }
                    assertArrayEquals(expected, content.prefixDigest(), prefix + " bytes");
                    assertArrayEquals(expectedWhole, whole, "the whole digest goes on unchanged past " + prefix);
                }
            }
            assertTrue(sha.open(reader, fd, at.get("log")));
            sha.digestPrefix(big.length + 1);
            while (sha.read() > 0) {
                // a file shorter than the bytes asked for: no prefix digest
            }
            sha.finish(new byte[sha.length()]);
            assertEquals(null, sha.prefixDigest());
        }
    }

    @Test
    void digestsAreTheAlgorithmsOwnForEmptySmallAndManyChunkFiles() throws Exception {
        byte[] big = new byte[ContentReader.CHUNK * 2 + 12345];
        new Random(7).nextBytes(big);
        Map<String, byte[]> files = Map.of("empty", new byte[0], "small", "abc".getBytes(StandardCharsets.US_ASCII),
                "big", big);
        for (Map.Entry<String, byte[]> f : files.entrySet()) {
            Files.write(dir.resolve(f.getKey()), f.getValue());
        }
        list();
        try (ContentReader sha = ContentReader.sha256(); ContentReader xxh = ContentReader.xxh3()) {
            for (Map.Entry<String, byte[]> f : files.entrySet()) {
                assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(f.getValue()), digest(sha, f.getKey()),
                        f.getKey());
                HashValue128 x = Hashing.xxh3_128().hashBytesTo128Bits(f.getValue());
                byte[] expected = java.nio.ByteBuffer.allocate(16).putLong(x.getMostSignificantBits())
                        .putLong(x.getLeastSignificantBits()).array();
                assertArrayEquals(expected, digest(xxh, f.getKey()), f.getKey());
            }
            // What xxh128sum prints, where it is installed: the canonical order.
            try {
                Process p = new ProcessBuilder("xxh128sum", dir.resolve("big").toString()).start();
                String printed = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).split(" ")[0];
                if (p.waitFor() == 0) {
                    assertEquals(printed, java.util.HexFormat.of().formatHex(digest(xxh, "big")));
                }
            } catch (java.io.IOException notInstalled) {
                // hash4j's own vectors above
            }
        } finally {
            reader.close(fd);
            reader.close();
        }
    }

    @Test
    void aLinkOrAFifoInAFilesPlaceIsRefusedWithoutBlockingAndAGrowingFileIsTold() throws Exception {
        Files.writeString(dir.resolve("target"), "t");
        Files.createSymbolicLink(dir.resolve("link"), Path.of("target"));
        assertEquals(0, new ProcessBuilder("mkfifo", dir.resolve("fifo").toString()).start().waitFor());
        Path growing = dir.resolve("growing");
        Files.write(growing, new byte[ContentReader.CHUNK * 2]);
        list();
        try (ContentReader content = ContentReader.sha256()) {
            assertFalse(content.open(reader, fd, at.get("link")));
            assertSame(Errno.ELOOP, content.lastError(), "the link is not followed");
            assertFalse(content.open(reader, fd, at.get("fifo")));
            assertSame(Errno.EINVAL, content.lastError(), "no regular file: refused at once, not read");

            assertTrue(content.open(reader, fd, at.get("growing")));
            assertEquals(ContentReader.CHUNK, content.read());
            Files.write(growing, new byte[100], StandardOpenOption.APPEND);
            while (content.read() > 0) {
                // to the end, the appended bytes too
            }
            assertEquals(1, content.finish(new byte[32]), "appended to while it was read");
        } finally {
            reader.close(fd);
            reader.close();
        }
    }

    /** Pages of a file in the page cache, as util-linux's fincore counts them; -1 without the tool. */
    private static long cachedPages(Path file) throws Exception {
        Process p = new ProcessBuilder("fincore", "-n", "-b", "-o", "PAGES", file.toString()).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        return p.waitFor() == 0 ? Long.parseLong(out) : -1;
    }

    @Test
    void whatWasCachedStaysCachedAndWhatTheReadBroughtInIsDropped() throws Exception {
        Path cold = dir.resolve("cold");
        Path warm = dir.resolve("warm");
        byte[] data = new byte[4 * ContentReader.CHUNK];
        new Random(1).nextBytes(data);
        Files.write(cold, data);
        Files.write(warm, data);
        // Out of the cache: written back, then dropped (as python's os.posix_fadvise would).
        assertEquals(0, new ProcessBuilder("sh", "-c", "sync \"$1\" && dd if=\"$1\" iflag=nocache count=0 2>/dev/null",
                "_", cold.toString()).start().waitFor());
        assumeTrue(cachedPages(cold) == 0, "cannot take a file out of the page cache here (fincore, dd nocache)");
        Files.readAllBytes(warm);
        long warmPages = cachedPages(warm);
        assertTrue(warmPages > 0);
        list();
        try (ContentReader content = ContentReader.sha256()) {
            digest(content, "cold");
            digest(content, "warm");
        } finally {
            reader.close(fd);
            reader.close();
        }
        assertEquals(0, cachedPages(cold), "what the read brought in is dropped");
        assertEquals(warmPages, cachedPages(warm), "what was cached stays cached");
    }
}
