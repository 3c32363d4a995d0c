package dev.fsnap.snapshot;

import dev.fsnap.snapshot.format.Format;
import dev.fsnap.scan.ScanOptions;
import dev.fsnap.testdata.TreeBuilder;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Damage of every kind is reported with the file and the offset, never read as an answer. */
class CorruptionTest {
    @TempDir
    Path dir;

    private Path good;
    private byte[] bytes;

    @BeforeEach
    void snapshotWithEveryKindOfBlock() throws Exception {
        Path root = TreeBuilder.at(dir.resolve("t")).file("a/b/c", 3).file("a/d", 1).symlink("l", "a").dir("empty")
                .file("real/f", 1).symlink("real/up", "..").root();
        good = dir.resolve("good");
        // following links gives an unreadable subtree (a loop), so the file has an unreadable-list block too
        Snapshots.take(ScanOptions.builder(root).threads(2).followSymlinks(true).build(), good, Duration.ZERO);
        bytes = Files.readAllBytes(good);
    }

    /** Reads everything a snapshot holds; returns normally only when every block checked out. */
    private static void readAll(Path file) throws IOException {
        try (Snapshot s = Snapshot.open(file)) {
            s.walk(e -> { });
            s.unreadable();
        }
    }

    @Test
    void everySingleBitFlipIsDetected() throws Exception {
        readAll(good);
        Path bad = dir.resolve("bad");
        for (int bit = 0; bit < bytes.length * 8; bit++) {
            byte[] b = bytes.clone();
            b[bit / 8] ^= (byte) (1 << (bit % 8));
            Files.write(bad, b);
            try {
                readAll(bad);
                fail("bit " + bit + " (byte " + bit / 8 + " of " + bytes.length + ") flipped and not detected");
            } catch (CorruptSnapshotException e) {
                assertTrue(e.getMessage().startsWith(bad + ": corrupt snapshot at byte offset "), e.getMessage());
                assertTrue(e.offset() >= 0 && e.offset() <= bytes.length, e.getMessage());
            } catch (IOException | RuntimeException e) {
                throw new AssertionError("bit " + bit + ": " + e, e);
            }
        }
    }

    @Test
    void truncationAtEveryLengthIsDetected() throws Exception {
        Path cut = dir.resolve("cut");
        for (int length = 0; length < bytes.length; length++) {
            Files.write(cut, Arrays.copyOf(bytes, length));
            int n = length;
            CorruptSnapshotException e = assertThrows(CorruptSnapshotException.class, () -> readAll(cut),
                    "truncated to " + n + " bytes");
            assertTrue(e.getMessage().contains(cut.toString()), e.getMessage());
        }
    }

    @Test
    void foreignFilesAreNotSnapshots() throws Exception {
        List<byte[]> foreign = new ArrayList<>();
        foreign.add(new byte[0]);
        foreign.add("just some text\nand more\n".getBytes(StandardCharsets.UTF_8));
        foreign.add(Arrays.copyOf(Files.readAllBytes(Path.of("/bin/sh")), 4096));
        byte[] random = new byte[1000];
        new java.util.Random(42).nextBytes(random);
        foreign.add(random);
        Path f = dir.resolve("foreign");
        for (byte[] content : foreign) {
            Files.write(f, content);
            CorruptSnapshotException e = assertThrows(CorruptSnapshotException.class, () -> readAll(f));
            assertTrue(e.getMessage().contains("not an fsnap snapshot"), e.getMessage());
        }
    }

    @Test
    void appendedOrConcatenatedFilesAreDetected() throws Exception {
        Path f = dir.resolve("appended");
        byte[] more = Arrays.copyOf(bytes, bytes.length + 7);
        Files.write(f, more);
        assertThrows(CorruptSnapshotException.class, () -> readAll(f));
        byte[] twice = Arrays.copyOf(bytes, bytes.length * 2);
        System.arraycopy(bytes, 0, twice, bytes.length, bytes.length);
        Files.write(f, twice);
        assertThrows(CorruptSnapshotException.class, () -> readAll(f));
    }

    /** Writes {@code b} to a file after giving its header block (shorter than 128 bytes) a valid checksum again. */
    private Path withHeaderChecksum(byte[] b, String name) throws IOException {
        int at = Format.MAGIC.length;
        assertEquals(Format.HEADER, b[at]);
        int bodyLength = b[at + 1]; // the header is shorter than 128 bytes: a one-byte length
        assertTrue(bodyLength > 0);
        CRC32C crc = new CRC32C();
        crc.update(b, at, 2 + bodyLength);
        int c = (int) crc.getValue();
        int end = at + 2 + bodyLength;
        b[end] = (byte) c;
        b[end + 1] = (byte) (c >>> 8);
        b[end + 2] = (byte) (c >>> 16);
        b[end + 3] = (byte) (c >>> 24);
        Path f = dir.resolve(name);
        Files.write(f, b);
        return f;
    }

    @Test
    void anotherFormatVersionIsIncompatibleNotCorrupt() throws Exception {
        byte[] b = bytes.clone();
        assertEquals(Format.VERSION, b[Format.MAGIC.length + 2]);
        b[Format.MAGIC.length + 2] = Format.NEWEST_VERSION + 1;
        Path f = withHeaderChecksum(b, "next-version");
        IncompatibleSnapshotException e = assertThrows(IncompatibleSnapshotException.class, () -> readAll(f));
        assertTrue(e.getMessage().contains("version " + (Format.NEWEST_VERSION + 1) + " is not supported"), e.getMessage());
    }

    @Test
    void aRecordedRuleThatIsNotValidIsDamageNotARule() throws Exception {
        Path root = TreeBuilder.at(dir.resolve("ruled")).file("x/y", 1).root();
        Path ruled = dir.resolve("ruled.snap");
        Snapshots.take(ScanOptions.builder(root).exclude("ab").build(), ruled, Duration.ZERO);
        byte[] b = Files.readAllBytes(ruled);
        // The header ends with the rules (count 1, then the string "ab", length 2), then the content
        // digest's name and the shard plan's identity (both empty: their lengths, 0). Make the rule "a[".
        int at = Format.MAGIC.length;
        int ruleEnd = at + 2 + b[at + 1] - 2;
        assertEquals("ab", new String(b, ruleEnd - 2, 2, StandardCharsets.UTF_8));
        b[ruleEnd - 1] = '[';
        Path f = withHeaderChecksum(b, "bad-rule");
        CorruptSnapshotException e = assertThrows(CorruptSnapshotException.class, () -> readAll(f));
        assertTrue(e.getMessage().startsWith(f + ": corrupt snapshot at byte offset 8: a recorded rule is not valid: "
                + "pattern 'a['"), e.getMessage());
    }

    @Test
    void theDifferStopsAtADamagedBlock() throws Exception {
        Path bad = withFirstDirectoryBlockDamaged();
        Path fresh = snapshotOfAnotherTree();
        assertThrows(CorruptSnapshotException.class, () -> Snapshots.diff(bad, fresh));
    }

    @Test
    void aStreamOfChangesEndsWithTheDamageNotQuietly() throws Exception {
        Path bad = dir.resolve("bad");
        Files.write(bad, bytes);
        Path fresh = snapshotOfAnotherTree();
        try (Snapshot old = Snapshot.open(bad); Snapshot now = Snapshot.open(fresh)) {
            // Opening verified the whole file; damage written in place afterwards is met when the block is read.
            Files.write(bad, Files.readAllBytes(withFirstDirectoryBlockDamaged()));
            streamEndsWithTheDamage(old, now, bad);
        }
    }

    @Test
    void openingRefusesADamagedBlockThatNoWalkWouldReach() throws Exception {
        Path bad = withFirstDirectoryBlockDamaged();
        CorruptSnapshotException e = assertThrows(CorruptSnapshotException.class, () -> Snapshot.open(bad).close());
        assertEquals(bad, e.file());
        assertTrue(e.getMessage().contains("checksum mismatch in a 'D' block"), e.getMessage());
    }

    private static void streamEndsWithTheDamage(Snapshot old, Snapshot now, Path bad) {
        try (java.util.stream.Stream<Change> changes = Differ.changes(old, now)) {
            java.io.UncheckedIOException e = assertThrows(java.io.UncheckedIOException.class, changes::toList);
            CorruptSnapshotException cause = assertInstanceOf(CorruptSnapshotException.class, e.getCause());
            assertEquals(bad, cause.file());
        }
    }

    /** The snapshot with one bit flipped in its first directory block, the one after the header. */
    private Path withFirstDirectoryBlockDamaged() throws Exception {
        return withFirstDirectoryBlockDamaged("bad-copy");
    }

    private Path withFirstDirectoryBlockDamaged(String name) throws Exception {
        byte[] b = bytes.clone();
        int header = Format.MAGIC.length + 2 + b[Format.MAGIC.length + 1] + 4;
        assertEquals(Format.DIRECTORY, b[header]);
        b[header + 3] ^= 0x10;
        Path bad = dir.resolve(name);
        Files.write(bad, b);
        return bad;
    }

    /** A snapshot whose root differs from the damaged one's, so that a comparison must descend. */
    private Path snapshotOfAnotherTree() throws Exception {
        Path root2 = TreeBuilder.at(dir.resolve("t2")).file("a/b/c", 4).root();
        Path fresh = dir.resolve("fresh");
        Snapshots.take(root2, fresh, Duration.ZERO);
        return fresh;
    }
}
