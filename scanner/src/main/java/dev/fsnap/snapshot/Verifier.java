package dev.fsnap.snapshot;

import dev.fsnap.snapshot.format.Columns;
import dev.fsnap.snapshot.format.Decoder;
import dev.fsnap.snapshot.format.EntryCodec;
import dev.fsnap.snapshot.format.Footer;
import dev.fsnap.snapshot.format.Format;
import dev.fsnap.snapshot.format.Frame;
import dev.fsnap.snapshot.format.UnreadableBlock;
import dev.fsnap.bindings.Sha256;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.BitSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;

/**
 * Checks a whole snapshot before any of it is trusted. Every block between the header and the
 * footer is read once, in file order, and its CRC checked (a free block, version 8, only that); every directory block is hashed and
 * matched against the reference its parent holds (the Merkle tree), and must be referenced once and
 * only once, so a walk can neither loop nor meet a block twice; the unreadable list must chain
 * through every unreadable block once and hold as many errors as the footer says; and the tree
 * must hold the entries the footer counts (the count {@code ls}, {@code history} and the reports
 * show is not believed on its word).
 *
 * <p>On more than one thread. The calling thread reads the file in pieces of {@link #PIECE}
 * bytes, in order, finds the blocks wholly inside each and checks their CRCs; the pieces go to
 * the verifying threads (as many as there are cores, at most {@link #MAX_WORKERS}, shared by
 * every verification in the process), which read past each block's entries as a decode would,
 * hash it and note the references it holds. The calling thread then takes the pieces back in
 * file order and matches each reference against the blocks before it: children are written
 * before their parents, so a reference always points back at a block already taken. What is held
 * is an offset and a hash per directory block and the pieces in flight (at most
 * {@link #IN_FLIGHT} bytes, or one block larger than that), nothing per entry. The first damage
 * in file order is the one reported, as one thread reading the file front to back would meet
 * it. A file of one piece is checked on the calling thread alone.
 */
final class Verifier {
    /** Bytes read at once; the blocks wholly inside are checked together, on one thread. */
    static final int PIECE = 128 << 10;
    /** Bytes read but not yet taken back, at most; a longer block is read once all before it are taken back. */
    static final int IN_FLIGHT = 2 << 20;
    /** The most verifying threads. */
    static final int MAX_WORKERS = 8;
    private static final int WORKERS = Math.max(1, Math.min(MAX_WORKERS, Runtime.getRuntime().availableProcessors()));
    /** Bytes of a frame's head read to find its length: its kind, a varint of at most ten bytes and one more. */
    private static final int FRAME_HEAD = 12;
    private static final int DIRECTORY_CODE = Format.typeCode(dev.fsnap.scan.EntryType.DIRECTORY);

    /**
     * The verifying threads, shared by every verification: two files opened at once (a comparison)
     * share the cores rather than each taking all of them. They only read memory; they never wait
     * on the file, so a verification never waits on another for long.
     */
    private static final ThreadPoolExecutor POOL = pool();

    private static ThreadPoolExecutor pool() {
        ThreadPoolExecutor p = new ThreadPoolExecutor(WORKERS, WORKERS, 2, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "fsnap-verify");
                    t.setDaemon(true);
                    return t;
                });
        p.allowCoreThreadTimeOut(true);
        return p;
    }

    private final SnapshotReader reader;
    private final Columns columns;
    /** Bytes read at once ({@link #PIECE}; tests take fewer, to have many pieces of a small file). */
    private final int piece;
    /** Bytes read but not yet taken back, at most: {@link #IN_FLIGHT}, or more with many small pieces. */
    private final long inFlight;
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
    /** The entries the directory blocks hold: with the root, what a walk meets. */
    private long entries;

    /** What the verifying threads use, one set per thread at a time; released once the last is done. */
    private final ConcurrentLinkedQueue<Tools> tools = new ConcurrentLinkedQueue<>();
    private final Gate gate = new Gate(() -> {
        for (Tools t; (t = tools.poll()) != null; ) {
            t.sha.close();
        }
    });
    /** Pieces whose buffers may be used again. */
    private final ArrayDeque<Piece> spare = new ArrayDeque<>();
    private final CRC32C crc = new CRC32C();
    private final byte[] head = new byte[FRAME_HEAD];

    private Verifier(SnapshotReader reader, int piece) {
        this.reader = reader;
        this.columns = reader.header().columns();
        this.piece = piece;
        this.inFlight = Math.max(IN_FLIGHT, (2L * WORKERS + 1) * piece); // two pieces per thread, and one read
    }

    static Verification verify(SnapshotReader s) throws IOException {
        return verify(s, PIECE);
    }

    /** As {@link #verify(SnapshotReader)}, reading {@code piece} bytes at once. */
    static Verification verify(SnapshotReader s, int piece) throws IOException {
        if (piece < FRAME_HEAD) {
            throw new IllegalArgumentException("pieces of " + piece + " bytes");
        }
        Verifier v = new Verifier(s, piece);
        try {
            v.blocks();
        } finally {
            v.gate.close(); // the hashers are freed once no verifying thread holds one
        }
        v.tree();
        v.entryCount();
        v.unreadableList();
        return new Verification(v.blocks, v.unreadableBlocks, s.size(), v.freeBytes);
    }

    // ---- reading, in file order, on the calling thread

    /** Reads the data in pieces, has each checked and takes them back in order. */
    private void blocks() throws IOException {
        long at = reader.headerEnd();
        long end = reader.footerOffset();
        if (end - at <= piece) { // one piece: checked here, no thread started
            Piece p = new Piece();
            fill(p, at, null, (int) (end - at));
            frame(p, end);
            Tools t = new Tools(columns);
            try {
                p.check(this, t);
            } finally {
                t.sha.close();
            }
            take(p);
            return;
        }
        ArrayDeque<Piece> flight = new ArrayDeque<>();
        long held = 0;
        Piece p = piece();
        fill(p, at, null, piece);
        while (true) {
            long next = frame(p, end);
            boolean more = next >= 0 && next < end;
            boolean longNext = more && p.tooLong;
            Piece following = null;
            if (more && !longNext) {
                following = piece(); // read before p may be taken back: its last bytes are copied
                fill(following, next, p, piece);
            }
            held += p.buffer.length;
            flight.add(submit(p));
            if (longNext) {
                // A block longer than a piece is read whole, and checked as a piece of its own: what is
                // held stays bounded by the most in flight, or by the block alone.
                held = drain(flight, held, Math.max(-1, inFlight - p.following));
                Piece big = longBlock(next);
                held += big.buffer.length;
                flight.add(submit(big));
                next = big.failure == null ? big.end : -1;
                if (next >= 0 && next < end) {
                    following = piece();
                    fill(following, next, null, piece);
                }
            }
            if (following == null) {
                break;
            }
            held = drain(flight, held, inFlight);
            p = following;
        }
        drain(flight, held, -1);
    }

    /**
     * Takes back pieces in order until at most {@code limit} bytes are held (-1: every piece, those
     * without a byte too); returns what is held.
     */
    private long drain(ArrayDeque<Piece> flight, long held, long limit) throws IOException {
        while (!flight.isEmpty() && held > limit) {
            Piece q = flight.poll();
            q.await();
            held -= q.buffer.length;
            take(q);
            if (q.buffer.length == piece) {
                spare.add(q);
            }
        }
        return held;
    }

    private Piece piece() {
        Piece p = spare.poll();
        return p != null ? p : new Piece();
    }

    /**
     * Reads a piece from {@code at}: up to {@code size} bytes, the start of the last block of
     * {@code before} (read already, not whole) copied rather than read again. Damage met (the file
     * shorter than it was) is noted in the piece.
     */
    private void fill(Piece p, long at, Piece before, int size) {
        p.reset(at);
        if (p.buffer == null || p.buffer.length != size) {
            p.buffer = new byte[size];
        }
        int n = (int) Math.min(size, reader.footerOffset() - at);
        int kept = 0;
        if (before != null && at >= before.start && at < before.start + before.filled) {
            kept = (int) (before.start + before.filled - at);
            System.arraycopy(before.buffer, (int) (at - before.start), p.buffer, 0, kept);
        }
        try {
            reader.readFully(p.buffer, kept, n - kept, at + kept);
            p.filled = n;
        } catch (IOException | RuntimeException e) {
            p.failure = e;
        }
    }

    /**
     * Finds the blocks wholly inside a piece, and checks each one's CRC.
     *
     * @return where the next piece starts; -1 when the file is damaged here (the damage noted
     *         in the piece, to be reported once what comes before it has been checked)
     */
    private long frame(Piece p, long end) {
        if (p.failure != null) {
            return -1;
        }
        long at = p.start;
        try {
            while (at < end) {
                int i = (int) (at - p.start);
                int available = p.filled - i;
                long room = end - at;
                if (available < Math.min(FRAME_HEAD, room)) {
                    return at;
                }
                // As SnapshotReader.readAnyBlock reads a frame's head: the same checks, the same offsets
                // (a kind and a varint of at most ten bytes; the eleventh tells a long varint from an end).
                int n = (int) Math.min(FRAME_HEAD, room);
                System.arraycopy(p.buffer, i, head, 0, n);
                Decoder h = new Decoder(reader.file(), head, 0, n, at);
                int kind = h.u8();
                long frame = Frame.length(h, room, reader.file(), at);
                if (frame > available) {
                    // (a block a piece starts with always fits in it: the second test is never true)
                    p.tooLong = frame > piece || at == p.start;
                    p.following = frame;
                    return at;
                }
                int length = (int) frame;
                crc.reset();
                crc.update(p.buffer, i, length - Frame.CRC);
                Frame.check(crc, p.buffer, i + length - Frame.CRC, kind, reader.file(), at);
                p.add(at, kind, i + h.pos, i + length - Frame.CRC);
                at += length;
            }
            return at;
        } catch (IOException | RuntimeException e) {
            p.failure = e;
            return -1;
        }
    }

    /** A block longer than a piece, read and checked whole as {@link SnapshotReader#readAnyBlock} does. */
    private Piece longBlock(long at) {
        Piece big = new Piece();
        big.reset(at);
        try {
            Decoder d = reader.readAnyBlock(at);
            big.buffer = d.buffer();
            big.filled = big.buffer.length;
            big.add(at, d.kind(), d.pos, d.pos + d.remaining());
            big.end = d.end();
        } catch (IOException | RuntimeException | OutOfMemoryError e) {
            big.failure = e;
            big.buffer = new byte[0];
        }
        return big;
    }

    private Piece submit(Piece p) {
        if (p.blocks == 0) {
            p.done.countDown();
            return p;
        }
        try {
            POOL.execute(() -> {
                if (!gate.enter()) {
                    p.done.countDown(); // abandoned: nobody waits for it
                    return;
                }
                Tools t = tools.poll();
                try {
                    if (t == null) {
                        t = new Tools(columns);
                    }
                    p.check(this, t);
                } catch (Throwable e) {
                    p.noteFailure(p.checked, e);
                } finally {
                    if (t != null) {
                        tools.add(t);
                    }
                    gate.leave();
                    p.done.countDown();
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            p.noteFailure(0, e);
            p.done.countDown();
        }
        return p;
    }

    // ---- taking each piece back, in file order, on the calling thread

    /** Matches a checked piece's references against the blocks before it, and notes its blocks. */
    private void take(Piece p) throws IOException {
        for (int b = 0; b < p.blocks; b++) {
            long at = p.at[b];
            for (int r = p.refStart[b]; r < p.refEnd[b]; r++) {
                claim(p.refChild[r], p.refHash, r * Format.HASH, at);
            }
            if (b == p.failedBlock) {
                throw rethrow(p.blockFailure);
            }
            if (p.kind[b] == Format.DIRECTORY) {
                if (blocks == offsets.length) {
                    offsets = Arrays.copyOf(offsets, blocks * 2);
                    hashes = Arrays.copyOf(hashes, blocks * 2 * Format.HASH);
                }
                offsets[blocks] = at;
                System.arraycopy(p.hashes, b * Format.HASH, hashes, blocks * Format.HASH, Format.HASH);
                blocks++;
            } else if (p.kind[b] == Format.UNREADABLE) {
                if (unreadableBlocks == unreadableOffsets.length) {
                    int grown = unreadableBlocks * 2;
                    unreadableOffsets = Arrays.copyOf(unreadableOffsets, grown);
                    unreadablePrevious = Arrays.copyOf(unreadablePrevious, grown);
                    unreadableCounts = Arrays.copyOf(unreadableCounts, grown);
                }
                unreadableOffsets[unreadableBlocks] = at;
                unreadablePrevious[unreadableBlocks] = p.previous[b];
                unreadableCounts[unreadableBlocks] = p.count[b];
                unreadableBlocks++;
            } else {
                freeBytes += p.frameEnd(b) - at;
            }
        }
        entries += p.entries;
        if (p.failure != null) {
            throw rethrow(p.failure);
        }
    }

    private static IOException rethrow(Throwable t) {
        if (t instanceof IOException e) {
            return e;
        } else if (t instanceof RuntimeException e) {
            throw e;
        } else if (t instanceof Error e) {
            throw e;
        }
        throw new IllegalStateException(t);
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

    // ---- checking a piece's blocks, on a verifying thread

    /** What one verifying thread checks with: reused from piece to piece. */
    private static final class Tools {
        final Sha256 sha = Sha256.create();
        final byte[] digest = new byte[Sha256.LENGTH];
        final EntryCodec codec;

        Tools(Columns columns) {
            codec = new EntryCodec(columns);
        }
    }

    /**
     * Bytes of the file read at once, the blocks wholly inside them, and what checking each found:
     * a directory block's hash and the references it holds, an unreadable block's place in its
     * list. Held by the reading thread until handed to a verifying thread, then by that thread
     * until {@link #done}, then by the reading thread again.
     */
    private static final class Piece {
        byte[] buffer;
        /** The file offset of {@code buffer[0]}, and how many of its bytes were read. */
        long start;
        int filled;
        /** For a long block read alone: where it ends. */
        long end;
        /** Whether the block after the last one is longer than a piece, and its length. */
        boolean tooLong;
        long following;

        int blocks;
        long[] at = new long[64];
        int[] kind = new int[64];
        int[] body = new int[64];
        int[] limit = new int[64];

        /** Blocks checked so far. */
        int checked;
        long entries;
        byte[] hashes = new byte[64 * Format.HASH];
        int[] refStart = new int[64];
        int[] refEnd = new int[64];
        long[] previous = new long[64];
        int[] count = new int[64];
        int refs;
        long[] refChild = new long[64];
        byte[] refHash = new byte[64 * Format.HASH];

        /** The block a verifying thread found damaged (-1: none), and the damage. */
        int failedBlock;
        Throwable blockFailure;
        /** Damage met reading the piece or framing its blocks: after its last block. */
        Throwable failure;
        CountDownLatch done;

        void reset(long from) {
            start = from;
            filled = 0;
            end = 0;
            tooLong = false;
            following = 0;
            blocks = 0;
            checked = 0;
            entries = 0;
            refs = 0;
            failedBlock = -1;
            blockFailure = null;
            failure = null;
            done = new CountDownLatch(1);
        }

        void add(long offset, int k, int bodyStart, int bodyLimit) {
            if (blocks == at.length) {
                int n = blocks * 2;
                at = Arrays.copyOf(at, n);
                kind = Arrays.copyOf(kind, n);
                body = Arrays.copyOf(body, n);
                limit = Arrays.copyOf(limit, n);
                hashes = Arrays.copyOf(hashes, n * Format.HASH);
                refStart = Arrays.copyOf(refStart, n);
                refEnd = Arrays.copyOf(refEnd, n);
                previous = Arrays.copyOf(previous, n);
                count = Arrays.copyOf(count, n);
            }
            at[blocks] = offset;
            kind[blocks] = k;
            body[blocks] = bodyStart;
            limit[blocks] = bodyLimit;
            blocks++;
        }

        long frameEnd(int b) {
            return start + limit[b] + Frame.CRC;
        }

        void noteFailure(int b, Throwable e) {
            if (blocks == 0) {
                failure = failure != null ? failure : e;
            } else if (failedBlock < 0) {
                failedBlock = Math.min(b, blocks - 1);
                blockFailure = e;
            }
        }

        /** Waits for a verifying thread to be done with it (never long: it only reads memory). */
        void await() {
            boolean interrupted = false;
            while (true) {
                try {
                    done.await();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }

        /** Checks each block in order, stopping at the first damaged one. */
        void check(Verifier v, Tools t) {
            for (checked = 0; checked < blocks; checked++) {
                int b = checked;
                refStart[b] = refs;
                refEnd[b] = refs;
                try {
                    Decoder d = new Decoder(v.reader.file(), buffer, body[b], limit[b], start)
                            .framed(kind[b], frameEnd(b));
                    if (kind[b] == Format.DIRECTORY) {
                        directory(v, b, d, t);
                    } else if (kind[b] == Format.UNREADABLE) {
                        UnreadableBlock u = UnreadableBlock.decode(d, at[b], null);
                        previous[b] = u.previous();
                        count[b] = u.count();
                    } else if (kind[b] != Format.FREE || v.reader.header().version() < Format.FREE_VERSION) {
                        throw new CorruptSnapshotException(v.reader.file(), at[b], "a block of kind " + kind[b]
                                + " where only directory and unreadable blocks belong");
                    }
                } catch (Throwable e) {
                    noteFailure(b, e);
                    return;
                }
            }
        }

        /**
         * Checks a directory block as {@code DirectoryRecord.decode} would read it, without keeping
         * its entries, hashes it, and notes the blocks its subdirectories reference (each noted as
         * soon as its offset is read, so that a reference that does not hold is reported before
         * damage later in the same block, as reading it front to back would).
         */
        private void directory(Verifier v, int b, Decoder d, Tools t) throws IOException {
            int flags = d.u8();
            if ((flags & ~(Format.LIST_INCOMPLETE | Format.COLUMNS)) != 0) {
                throw d.corrupt("unknown directory flags " + flags);
            }
            if ((flags & Format.LIST_INCOMPLETE) != 0) {
                EntryCodec.skipFailure(d);
            }
            int mask = (flags & Format.COLUMNS) != 0 ? v.columns.blockMask(d) : 0;
            int n = d.count(d.remaining() / 3, "entry count");
            EntryCodec codec = t.codec;
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
                        int r = refs + listed++;
                        if (r == refChild.length) {
                            refChild = Arrays.copyOf(refChild, r * 2);
                            refHash = Arrays.copyOf(refHash, r * 2 * Format.HASH);
                        }
                        d.readInto(refHash, r * Format.HASH, Format.HASH);
                    }
                    case Format.REF_UNREADABLE -> EntryCodec.skipFailure(d);
                    case Format.REF_EMPTY, Format.REF_NOT_SCANNED -> { }
                    default -> throw d.corrupt("unknown subdirectory state " + state);
                }
            }
            t.sha.digest(d.buffer(), d.bodyStart(), d.pos - d.bodyStart(), t.digest);
            System.arraycopy(t.digest, 0, hashes, b * Format.HASH, Format.HASH);
            for (int k = 0; k < listed; k++) {
                d.u8(); // subtree flags
                long child = d.varint();
                if (child < Format.MAGIC.length || child >= at[b]) {
                    throw d.corrupt("subdirectory offset " + child + " is not before its parent at " + at[b]);
                }
                refChild[refs + k] = child;
                refEnd[b] = refs + k + 1;
            }
            refs += listed;
            if (!d.atEnd()) {
                throw d.corrupt("unexpected bytes after the directory's entries");
            }
            entries += n;
        }
    }
}
