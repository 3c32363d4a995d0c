package dev.fsnap.snapshot;

import dev.fsnap.bindings.Sha256;
import dev.fsnap.scan.Entry;
import dev.fsnap.scan.ScanError;
import dev.fsnap.snapshot.format.DirectoryEncoder;
import dev.fsnap.snapshot.format.EncodedBlock;
import dev.fsnap.snapshot.format.BlockRef;
import dev.fsnap.snapshot.format.Columns;
import dev.fsnap.snapshot.format.DirectoryRecord;
import dev.fsnap.snapshot.format.Encoder;
import dev.fsnap.snapshot.format.EntryCodec;
import dev.fsnap.snapshot.format.Fields;
import dev.fsnap.snapshot.format.Footer;
import dev.fsnap.snapshot.format.Format;
import dev.fsnap.snapshot.format.Frame;
import dev.fsnap.snapshot.format.Header;
import dev.fsnap.snapshot.format.RacyFrom;
import dev.fsnap.snapshot.format.Trailer;
import dev.fsnap.snapshot.format.UnreadableBlock;
import dev.fsnap.walk.DirectoryListing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.zip.CRC32C;

/**
 * The blocks of a snapshot being written, appended to its file from any worker: each framed
 * (kind, length, body, CRC-32C) and, for a directory, hashed; the unreadable list batched into
 * blocks; the footer and trailer last. Every use of native memory (the workers' hashers, the file's
 * buffer) is inside a {@link Gate}, and {@link #close} frees that memory once no thread is inside.
 *
 * <p>Apart from {@link SnapshotWriter}, which owns the target's lifecycle (where the file goes,
 * when it replaces the target or is discarded) and adapts the scan's listener to this: what is
 * written and how is here, and runs on the workers' threads.
 */
final class BlockOutput {
    private static final int UNREADABLE_BATCH = 256;

    /** The snapshot's target, for messages. */
    private final Path target;
    private final SnapshotOutput file;
    /** Every use of native memory (hashing, writing) is inside this gate; closing it frees that memory. */
    private final Gate gate;
    private final RacyFrom racyFrom;
    /** The columns this snapshot lists in its header: those of the fields its scan reads. */
    private final Columns columns;
    /** Every worker's encoding state, to free its native memory at the end. */
    private final Queue<Local> allLocals = new ConcurrentLinkedQueue<>();
    private final ThreadLocal<Local> locals = ThreadLocal.withInitial(this::newLocal);

    private final Object outputLock = new Object();
    private final ByteBuffer output = ByteBuffer.allocate(1 << 20);
    private long position;
    private IOException writeFailure;

    private final Object errorLock = new Object();
    private final List<ScanError> pendingErrors = new ArrayList<>();
    private long lastUnreadableBlock = -1;
    private long unreadableCount;

    /** Starts the file: its magic and header block. */
    BlockOutput(Path target, SnapshotOutput file, Header header) {
        this.target = target;
        this.file = file;
        this.gate = new Gate(this::release);
        this.racyFrom = header.racyFrom();
        this.columns = header.columns();
        enter();
        try {
            write(Format.MAGIC, 0, Format.MAGIC.length);
            append(Format.HEADER, header.encode(), locals.get());
        } finally {
            gate.leave();
        }
    }

    /**
     * Appends bytes as they are: another file's blocks that this one continues after a header as
     * long as that file's (their offsets stay theirs). Before any block is appended.
     */
    void copy(byte[] b, int off, int len) {
        enter();
        try {
            write(b, off, len);
        } finally {
            gate.leave();
        }
    }

    /**
     * Frames a free block of a body as it is (what an approval replaced), for a file that continues
     * another's bytes, and hands the frame back: kind, length, body, CRC.
     *
     * @param body the block's body
     * @return the framed block
     */
    static byte[] freeFrame(byte[] body, int off, int len) {
        Encoder b = new Encoder(len);
        b.bytes(body, off, len);
        Encoder head = new Encoder(16);
        int headLength = Frame.head(head, Format.FREE, b, new CRC32C());
        byte[] frame = new byte[headLength + len + Frame.CRC];
        System.arraycopy(head.buf, 0, frame, 0, headLength);
        System.arraycopy(body, off, frame, headLength, len);
        System.arraycopy(head.buf, headLength, frame, headLength + len, Frame.CRC);
        return frame;
    }

    /**
     * Lets the calling thread use native memory until {@link #leave()}.
     *
     * @throws IllegalStateException once closed
     */
    void enter() {
        if (!gate.enter()) {
            throw new IllegalStateException(target + ": the snapshot was closed");
        }
    }

    void leave() {
        gate.leave();
    }

    /** What the gate runs once the writer is closed and no thread is inside: frees the native memory. */
    private void release() {
        for (Local l; (l = allLocals.poll()) != null; ) {
            l.sha.close();
        }
        file.release();
    }

    /** An entry or directory that could not be read: into the unreadable list, a block per batch. */
    void error(ScanError error) {
        enter();
        try {
            synchronized (errorLock) {
                pendingErrors.add(error);
                unreadableCount++;
                if (pendingErrors.size() >= UNREADABLE_BATCH) {
                    flushErrors();
                }
            }
        } finally {
            gate.leave();
        }
    }

    private void flushErrors() {
        if (pendingErrors.isEmpty()) {
            return;
        }
        Encoder body = new Encoder(4096);
        UnreadableBlock.encode(body, lastUnreadableBlock, pendingErrors);
        pendingErrors.clear();
        lastUnreadableBlock = append(Format.UNREADABLE, body, locals.get());
    }

    /** A finished directory: encoded, hashed and appended; returns its reference for the parent. */
    BlockRef directory(DirectoryListing listing) {
        enter();
        try {
            if (listing.size() == 0 && listing.listError() == null) {
                return BlockRef.EMPTY;
            }
            Local t = locals.get();
            Encoder body = t.body;
            body.reset();
            return appendDirectory(body,
                    DirectoryEncoder.encode(listing, body, t.fields, t.codec, columns, racyFrom), t);
        } finally {
            gate.leave();
        }
    }

    /**
     * A directory block encoded elsewhere (a merge): hashed and appended.
     *
     * @param body the block's body
     * @param block its hashed length and subtree flags
     * @return its reference for the parent
     */
    BlockRef directory(Encoder body, EncodedBlock block) {
        enter();
        try {
            return appendDirectory(body, block, locals.get());
        } finally {
            gate.leave();
        }
    }

    private BlockRef appendDirectory(Encoder body, EncodedBlock block, Local t) {
        t.sha.digest(body.buf, 0, block.hashed(), t.digest);
        byte[] hash = Arrays.copyOf(t.digest, Format.HASH);
        long offset = append(Format.DIRECTORY, body, t);
        return new BlockRef(offset, hash, block.flags());
    }

    /** Frames a block (kind, length, body, CRC-32C) and appends it; returns its offset. */
    private long append(int kind, Encoder body, Local t) {
        Encoder head = t.frame;
        int headLength = Frame.head(head, kind, body, t.crc);
        synchronized (outputLock) {
            long offset = position;
            write(head.buf, 0, headLength);
            write(body.buf, 0, body.length);
            write(head.buf, headLength, Frame.CRC);
            return offset;
        }
    }

    private void write(byte[] b, int off, int len) {
        synchronized (outputLock) {
            if (writeFailure != null) {
                throw new UncheckedIOException(writeFailure);
            }
            try {
                while (len > 0) {
                    if (!output.hasRemaining()) {
                        drain();
                    }
                    int n = Math.min(len, output.remaining());
                    output.put(b, off, n);
                    off += n;
                    len -= n;
                    position += n;
                }
            } catch (IOException e) {
                writeFailure = new IOException(target + ": cannot write the snapshot: " + e.getMessage(), e);
                throw new UncheckedIOException(writeFailure);
            }
        }
    }

    private void drain() throws IOException {
        output.flip();
        file.write(output.array(), 0, output.limit());
        output.clear();
    }

    /**
     * Ends the file: the unreadable list's last batch, the footer (with the list's end and length),
     * the trailer; then forces it to disk.
     *
     * @param counts the footer's counts
     * @param root the root's own entry
     * @param rootRef where the root's block is, or why it could not be listed
     * @return a path to read the finished file through
     * @throws IOException when writing or forcing fails
     * @throws IllegalStateException once closed
     */
    Path finish(Footer counts, Entry root, Footer.RootRef rootRef) throws IOException {
        enter();
        try {
            synchronized (errorLock) {
                flushErrors();
            }
            Encoder body = new Encoder(512);
            new Footer(counts.finished(), counts.backend(), counts.backendReason(), counts.absentFields(),
                    counts.threads(), counts.entries(), counts.directories(), counts.errors(), counts.bytes(),
                    root, rootRef, lastUnreadableBlock, unreadableCount, counts.started()).encode(body, columns);
            Local t = locals.get();
            long footer = append(Format.FOOTER, body, t);
            Encoder trailer = new Encoder(Format.TRAILER);
            new Trailer(footer, (int) (position - footer)).encode(trailer);
            write(trailer.buf, 0, trailer.length);
            synchronized (outputLock) {
                drain();
            }
            file.force();
            return file.contents();
        } catch (UncheckedIOException e) {
            throw e.getCause();
        } finally {
            gate.leave();
        }
    }

    /** Lets no thread in any more; frees the native memory now, or when the last one inside leaves. */
    void close() {
        gate.close();
    }

    private Local newLocal() {
        Local l = new Local(columns);
        allLocals.add(l);
        return l;
    }

    /** One worker's encoding state. */
    private static final class Local {
        final Encoder body = new Encoder(16 * 1024);
        final Encoder frame = new Encoder(16);
        final EntryCodec codec;
        final Fields fields = new Fields();
        final CRC32C crc = new CRC32C();
        final Sha256 sha = Sha256.create();
        final byte[] digest = new byte[Sha256.LENGTH];

        Local(Columns columns) {
            codec = new EntryCodec(columns);
        }
    }
}
