package dev.fsnap.snapshot;

import dev.fsnap.snapshot.format.Columns;
import dev.fsnap.snapshot.format.Decoder;
import dev.fsnap.snapshot.format.EntryCodec;
import dev.fsnap.snapshot.format.Footer;
import dev.fsnap.snapshot.format.Format;
import dev.fsnap.snapshot.format.UnreadableBlock;
import dev.fsnap.bindings.Sha256;

import java.io.IOException;
import java.util.Arrays;
import java.util.BitSet;

/**
 * Checks a whole snapshot before any of it is trusted. Every block between the header and the
 * footer is read once, in file order, and its CRC checked (a free block, version 8, only that); every directory block is hashed and
 * matched against the reference its parent holds (the Merkle tree), and must be referenced once and
 * only once, so a walk can neither loop nor meet a block twice; the unreadable list must chain
 * through every unreadable block once and hold as many errors as the footer says; and the tree
 * must hold the entries the footer counts (the count {@code ls}, {@code history} and the reports
 * show is not believed on its word).
 *
 * <p>Children are written before their parents, so a reference always points back at a block
 * already seen: one pass, holding an offset and a hash per directory block, nothing per entry.
 */
final class Verifier {
    private final SnapshotReader reader;
    private long[] offsets = new long[256];
    private byte[] hashes = new byte[256 * Format.HASH];
    private int blocks;
    private final BitSet referenced = new BitSet();
    private long[] unreadableOffsets = new long[16];
    private long[] unreadablePrevious = new long[16];
    private int[] unreadableCounts = new int[16];
    private int unreadableBlocks;
    /** The bytes of free blocks: allowed from version 8. */
    private long freeBytes;
    private final byte[] digest = new byte[Sha256.LENGTH];
    private final EntryCodec codec;
    /** The entries the directory blocks hold: with the root, what a walk meets. */
    private long entries;
    /** The hashes one directory block holds for its listed subdirectories, in order. */
    private byte[] childHashes = new byte[64 * Format.HASH];
    private static final int DIRECTORY_CODE = Format.typeCode(dev.fsnap.scan.EntryType.DIRECTORY);

    private final Columns columns;

    private Verifier(SnapshotReader reader) {
        this.reader = reader;
        this.columns = reader.header().columns();
        this.codec = new EntryCodec(columns);
    }

    static Verification verify(SnapshotReader s) throws IOException {
        Verifier v = new Verifier(s);
        try (Sha256 sha = Sha256.create()) {
            v.blocks(sha);
        }
        v.tree();
        v.entryCount();
        v.unreadableList();
        return new Verification(v.blocks, v.unreadableBlocks, s.size(), v.freeBytes);
    }

    private void blocks(Sha256 sha) throws IOException {
        long at = reader.headerEnd();
        long end = reader.footerOffset();
        while (at < end) {
            Decoder d = reader.readAnyBlock(at);
            if (d.kind() == Format.DIRECTORY) {
                directory(d, at, sha);
            } else if (d.kind() == Format.UNREADABLE) {
                unreadable(d, at);
            } else if (d.kind() == Format.FREE && reader.header().version() >= Format.FREE_VERSION) {
                freeBytes += d.end() - at;
            } else {
                throw new CorruptSnapshotException(reader.file(), at, "a block of kind " + d.kind()
                        + " where only directory and unreadable blocks belong");
            }
            at = d.end();
        }
    }

    /**
     * Checks a directory block as {@link DirectoryRecord#decode} would read it, without keeping its
     * entries, hashes it, and claims the blocks its subdirectories reference.
     */
    private void directory(Decoder d, long at, Sha256 sha) throws IOException {
        int flags = d.u8();
        if ((flags & ~(Format.LIST_INCOMPLETE | Format.COLUMNS)) != 0) {
            throw d.corrupt("unknown directory flags " + flags);
        }
        if ((flags & Format.LIST_INCOMPLETE) != 0) {
            EntryCodec.skipFailure(d);
        }
        int mask = (flags & Format.COLUMNS) != 0 ? columns.blockMask(d) : 0;
        int n = d.count(d.remaining() / 3, "entry count");
        entries += n;
        codec.reset(mask);
        int subdirectories = 0;
        for (int i = 0; i < n; i++) {
            if (codec.skip(d) == DIRECTORY_CODE) {
                subdirectories++;
            }
        }
        int listed = 0;
        for (int k = 0; k < subdirectories; k++) {
            int state = d.u8();
            switch (state) {
                case Format.REF_LISTED -> {
                    if (listed == childHashes.length / Format.HASH) {
                        childHashes = Arrays.copyOf(childHashes, childHashes.length * 2);
                    }
                    d.readInto(childHashes, listed++ * Format.HASH, Format.HASH);
                }
                case Format.REF_UNREADABLE -> EntryCodec.skipFailure(d);
                case Format.REF_EMPTY, Format.REF_NOT_SCANNED -> { }
                default -> throw d.corrupt("unknown subdirectory state " + state);
            }
        }
        sha.digest(d.buffer(), d.bodyStart(), d.pos - d.bodyStart(), digest);
        for (int k = 0; k < listed; k++) {
            d.u8(); // subtree flags
            long child = d.varint();
            if (child < Format.MAGIC.length || child >= at) {
                throw d.corrupt("subdirectory offset " + child + " is not before its parent at " + at);
            }
            claim(child, childHashes, k * Format.HASH, at);
        }
        if (!d.atEnd()) {
            throw d.corrupt("unexpected bytes after the directory's entries");
        }
        if (blocks == offsets.length) {
            offsets = Arrays.copyOf(offsets, blocks * 2);
            hashes = Arrays.copyOf(hashes, blocks * 2 * Format.HASH);
        }
        offsets[blocks] = at;
        System.arraycopy(digest, 0, hashes, blocks * Format.HASH, Format.HASH);
        blocks++;
    }

    /** A reference to a child block, from the block at {@code parent} (-1: the footer's root reference). */
    private void claim(long child, byte[] hash, long parent) throws CorruptSnapshotException {
        claim(child, hash, 0, parent);
    }

    private void claim(long child, byte[] hash, int hashAt, long parent) throws CorruptSnapshotException {
        long where = parent < 0 ? reader.footerOffset() : parent;
        int k = Arrays.binarySearch(offsets, 0, blocks, child);
        if (k < 0) {
            throw new CorruptSnapshotException(reader.file(), where, "a subdirectory reference points at byte "
                    + child + ", where no directory block written before it starts");
        }
        if (referenced.get(k)) {
            throw new CorruptSnapshotException(reader.file(), where, "the directory block at byte " + child
                    + " is referenced a second time");
        }
        if (!Arrays.equals(hashes, k * Format.HASH, (k + 1) * Format.HASH, hash, hashAt, hashAt + Format.HASH)) {
            throw new CorruptSnapshotException(reader.file(), child,
                    "the directory block does not match the hash its parent holds");
        }
        referenced.set(k);
    }

    private void unreadable(Decoder d, long at) throws IOException {
        UnreadableBlock block = UnreadableBlock.decode(d, at, null);
        if (unreadableBlocks == unreadableOffsets.length) {
            int grown = unreadableBlocks * 2;
            unreadableOffsets = Arrays.copyOf(unreadableOffsets, grown);
            unreadablePrevious = Arrays.copyOf(unreadablePrevious, grown);
            unreadableCounts = Arrays.copyOf(unreadableCounts, grown);
        }
        unreadableOffsets[unreadableBlocks] = at;
        unreadablePrevious[unreadableBlocks] = block.previous();
        unreadableCounts[unreadableBlocks] = block.count();
        unreadableBlocks++;
    }

    /** The root's block is the tree's top, and every directory block hangs below it exactly once. */
    private void tree() throws CorruptSnapshotException {
        Footer.RootRef root = reader.footer().rootRef();
        if (root.listed() && root.offset() != Format.EMPTY_OFFSET) {
            claim(root.offset(), root.hash(), -1);
        }
        int orphan = referenced.nextClearBit(0);
        if (orphan < blocks) {
            throw new CorruptSnapshotException(reader.file(), offsets[orphan],
                    "a directory block that no directory of the tree refers to");
        }
    }

    /**
     * The tree holds the entries the footer counts: the root and those of every directory block.
     * The footer counts the entries the scan read; a name listed that could not be read (gone
     * before its stat) is in its directory's block too, and counted among the errors. So the tree
     * holds at least the entries counted, and at most one more for each error.
     */
    private void entryCount() throws CorruptSnapshotException {
        long held = 1 + entries;
        long counted = reader.footer().entries();
        long errors = reader.footer().errors();
        if (held < counted || held - counted > errors) {
            throw new CorruptSnapshotException(reader.file(), reader.footerOffset(), "the footer counts "
                    + counted + " entries read and " + errors + " errors, the tree holds " + held + " entries");
        }
    }

    /** The footer's chain of unreadable blocks takes in every one of them, and counts the scan's errors. */
    private void unreadableList() throws CorruptSnapshotException {
        long total = 0;
        int chained = 0;
        for (long at = reader.footer().lastUnreadableBlock(); at >= 0; ) {
            int k = Arrays.binarySearch(unreadableOffsets, 0, unreadableBlocks, at);
            if (k < 0) {
                throw new CorruptSnapshotException(reader.file(), at,
                        "the unreadable list points at byte " + at + ", where no unreadable block starts");
            }
            total += unreadableCounts[k];
            chained++;
            at = unreadablePrevious[k];
        }
        if (chained != unreadableBlocks) {
            throw new CorruptSnapshotException(reader.file(), reader.footerOffset(), "the unreadable list chains "
                    + chained + " of the file's " + unreadableBlocks + " unreadable blocks");
        }
        if (total != reader.footer().errors()) {
            throw new CorruptSnapshotException(reader.file(), reader.footerOffset(), "the unreadable list holds "
                    + total + " errors, the scan reported " + reader.footer().errors());
        }
    }
}
