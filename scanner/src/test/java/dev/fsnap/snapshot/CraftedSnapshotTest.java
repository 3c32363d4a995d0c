package dev.fsnap.snapshot;

import dev.fsnap.snapshot.format.Encoder;
import dev.fsnap.snapshot.format.EntryCodec;
import dev.fsnap.snapshot.format.Fields;
import dev.fsnap.snapshot.format.Format;
import dev.fsnap.bindings.StatFields;

import dev.fsnap.scan.EntryType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.zip.CRC32C;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Files made by hand to attack the reader, every block's CRC valid: a tree whose blocks are each
 * referenced twice (2^40 paths from 40 blocks), and counts no block could hold. Opening refuses them
 * at once, in bounded memory.
 */
@org.junit.jupiter.api.parallel.Isolated("measures the heap: no other test may grow it meanwhile")
class CraftedSnapshotTest {
    @TempDir
    Path dir;

    /** A snapshot file written block by block. */
    private static final class Crafted {
        final Encoder file = new Encoder(1 << 16);

        Crafted() {
            file.bytes(Format.MAGIC, 0, Format.MAGIC.length);
            Encoder h = new Encoder(64);
            h.varint(3); // crafted in the layout of version 3, which every release reads
            h.string("/x".getBytes(StandardCharsets.UTF_8));
            h.zigzag(1_700_000_000L);
            h.varint(0);
            h.varint(0);
            h.varint(1);
            h.string("NATIVE".getBytes(StandardCharsets.UTF_8));
            h.u8(0);
            h.varint(0);
            block(Format.HEADER, h);
        }

        long block(int kind, Encoder body) {
            long offset = file.length;
            Encoder head = new Encoder(16);
            head.u8(kind);
            head.varint(body.length);
            CRC32C crc = new CRC32C();
            crc.update(head.buf, 0, head.length);
            crc.update(body.buf, 0, body.length);
            file.bytes(head.buf, 0, head.length);
            file.bytes(body.buf, 0, body.length);
            file.le32((int) crc.getValue());
            return offset;
        }

        byte[] finish(long rootOffset, byte[] rootHash) {
            Encoder f = new Encoder(256);
            f.zigzag(1_700_000_001L);
            f.varint(0);
            f.string("NATIVE".getBytes(StandardCharsets.UTF_8));
            f.string("crafted".getBytes(StandardCharsets.UTF_8));
            f.varint(0);
            f.varint(1);
            f.varint(1);
            f.varint(1);
            f.varint(0);
            f.varint(0);
            new EntryCodec().encode(f, directory(""));
            f.u8(Format.REF_LISTED);
            f.bytes(rootHash, 0, Format.HASH);
            f.u8(0);
            f.varint(rootOffset);
            f.varint(0);
            f.varint(0);
            long footer = block(Format.FOOTER, f);
            int footerLength = (int) (file.length - footer);
            file.le64(footer);
            file.le32(footerLength);
            file.bytes(Format.END_MAGIC, 0, Format.END_MAGIC.length);
            return Arrays.copyOf(file.buf, file.length);
        }
    }

    static Fields directory(String name) {
        Fields f = new Fields();
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        f.name(n, 0, n.length);
        f.type = EntryType.DIRECTORY;
        f.stat[StatFields.MODE] = 040755;
        f.stat[StatFields.NLINK] = 2;
        f.stat[StatFields.MTIME_SEC] = 1_600_000_000L;
        f.stat[StatFields.CTIME_SEC] = 1_600_000_000L;
        return f;
    }

    static byte[] hash(Encoder body, int hashed) throws Exception {
        byte[] d = MessageDigest.getInstance("SHA-256").digest(Arrays.copyOf(body.buf, hashed));
        return Arrays.copyOf(d, Format.HASH);
    }

    @Test
    void aTreeWhoseBlocksAreEachReachedTwiceIsRefusedAtOnce() throws Exception {
        Crafted c = new Crafted();
        Encoder leaf = new Encoder(64);
        leaf.u8(0);
        leaf.varint(1);
        new EntryCodec().encode(leaf, directory("z"));
        leaf.u8(Format.REF_EMPTY);
        long below = c.block(Format.DIRECTORY, leaf);
        byte[] belowHash = hash(leaf, leaf.length);
        for (int level = 0; level < 40; level++) {
            Encoder d = new Encoder(128);
            d.u8(0);
            d.varint(2);
            EntryCodec codec = new EntryCodec();
            codec.encode(d, directory("a"));
            codec.encode(d, directory("b"));
            for (int k = 0; k < 2; k++) {
                d.u8(Format.REF_LISTED);
                d.bytes(belowHash, 0, Format.HASH);
            }
            int hashed = d.length;
            for (int k = 0; k < 2; k++) {
                d.u8(0);
                d.varint(below);
            }
            belowHash = hash(d, hashed);
            below = c.block(Format.DIRECTORY, d);
        }
        Path dag = dir.resolve("dag.snap");
        Files.write(dag, c.finish(below, belowHash));
        assertTrue(Files.size(dag) < 4000, "40 blocks: " + Files.size(dag) + " bytes");
        // Walked path by path, the 2^40 paths through these blocks would take days; the timeout below
        // catches that. The check refuses the second reference as it meets it.
        CorruptSnapshotException e = assertTimeoutPreemptively(java.time.Duration.ofSeconds(60),
                () -> assertThrows(CorruptSnapshotException.class, () -> Snapshot.open(dag)));
        assertTrue(e.getMessage().endsWith("is referenced a second time"), e.getMessage());
    }

    @Test
    void aCountNoBlockCanHoldIsRefusedBeforeAnythingIsAllocated() throws Exception {
        Crafted c = new Crafted();
        Encoder d = new Encoder(64);
        d.u8(0);
        d.varint(357_913_941L);
        new EntryCodec().encode(d, directory("a"));
        long offset = c.block(Format.DIRECTORY, d);
        Path huge = dir.resolve("huge.snap");
        Files.write(huge, c.finish(offset, hash(d, d.length)));
        assertTrue(Files.size(huge) < 200);
        CorruptSnapshotException e = assertThrows(CorruptSnapshotException.class, () -> Snapshot.open(huge));
        assertTrue(e.getMessage().endsWith("entry count out of range: 357913941"), e.getMessage());
    }

    @Test
    void aLengthLargerThanMemoryIsCheckedAsItStreamsNotAllocated() throws Exception {
        Crafted c = new Crafted();
        byte[] start = c.finish(0, new byte[Format.HASH]);
        // A header block claiming 1 GiB, in a sparse file of that size: its CRC fails, read piece by piece.
        Path sparse = dir.resolve("sparse.snap");
        try (var ch = java.nio.channels.FileChannel.open(sparse, java.nio.file.StandardOpenOption.CREATE_NEW,
                java.nio.file.StandardOpenOption.WRITE)) {
            Encoder head = new Encoder(16);
            head.bytes(Format.MAGIC, 0, Format.MAGIC.length);
            head.u8(Format.HEADER);
            head.varint(1L << 30);
            ch.write(java.nio.ByteBuffer.wrap(head.buf, 0, head.length));
            ch.write(java.nio.ByteBuffer.wrap(start, start.length - Format.TRAILER, Format.TRAILER),
                    (1L << 30) + 64);
        }
        // The heap's use, with no other test running beside this class (@Isolated) to grow it meanwhile.
        Runtime rt = Runtime.getRuntime();
        System.gc();
        long usedBefore = rt.totalMemory() - rt.freeMemory();
        CorruptSnapshotException e = assertThrows(CorruptSnapshotException.class, () -> Snapshot.open(sparse));
        assertTrue(e.getMessage().contains("checksum mismatch in a 'H' block"), e.getMessage());
        long grown = rt.totalMemory() - rt.freeMemory() - usedBefore;
        assertTrue(grown < (256L << 20), "no gigabyte was held: the heap grew by " + grown + " bytes");
        assertEquals(0, e.offset() - Format.MAGIC.length);
    }
}
