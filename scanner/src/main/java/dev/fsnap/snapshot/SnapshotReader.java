package dev.fsnap.snapshot;

import dev.fsnap.snapshot.format.DirectoryFiles;
import dev.fsnap.snapshot.format.Decoder;
import dev.fsnap.snapshot.format.DirectoryRecord;
import dev.fsnap.snapshot.format.Footer;
import dev.fsnap.snapshot.format.Format;
import dev.fsnap.snapshot.format.Frame;
import dev.fsnap.snapshot.format.Header;
import dev.fsnap.snapshot.format.RacyFrom;
import dev.fsnap.snapshot.format.Trailer;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * A snapshot file's bytes as blocks: its two ends (magic, header, trailer, footer) read once at
 * opening, then any block by its offset, bounds and checksum checked, a long one streamed past its
 * checksum before its length is trusted with memory.
 *
 * <p>Apart from {@link Snapshot}, which answers questions about the tree (lookups, walks, the
 * scan's counts) and trusts what this hands it, so that the code that touches untrusted lengths
 * and offsets is in one place; {@link Verifier}, {@link Differ}, {@link SnapshotMerge} and
 * {@link SnapshotBaseline} read blocks through it too.
 */
final class SnapshotReader implements Closeable {
    /** Bytes read at once from a block's offset: most directory blocks are shorter. */
    private static final int FIRST_READ = 4096;
    /** Bytes read at a time when a long frame's checksum is checked before it is held. */
    private static final int STREAM_PIECE = 1 << 20;
    private static final DirectoryFiles EMPTY_FILES = new DirectoryFiles();

    private final Path file;
    private final SnapshotInput channel;
    private final long size;
    /** Where the header block ends and the footer starts: the directory and unreadable blocks lie between. */
    private long headerEnd;
    private long dataEnd;
    /** What was asked of the scan, and the columns entries may carry. */
    private Header header;
    /** How the scan ended, the root's entry and reference. */
    private Footer footer;
    private RacyFrom racyFrom;

    private SnapshotReader(Path file, SnapshotInput channel) {
        this.file = file;
        this.channel = channel;
        this.size = channel.size();
    }

    /**
     * Opens a snapshot file and reads its ends: magic, header, trailer and footer.
     *
     * @throws CorruptSnapshotException when the file is not a snapshot, is truncated or its ends are damaged
     * @throws IncompatibleSnapshotException when its format version is not read here
     * @throws IOException when it cannot be read
     */
    static SnapshotReader open(Path file) throws IOException {
        SnapshotInput ch = SnapshotInput.open(file);
        try {
            SnapshotReader r = new SnapshotReader(file, ch);
            r.readEnds();
            return r;
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    private void readEnds() throws IOException {
        if (size < Format.MAGIC.length) {
            throw new CorruptSnapshotException(file, 0, "not an fsnap snapshot: only " + size + " bytes");
        }
        if (!Arrays.equals(read(0, Format.MAGIC.length), Format.MAGIC)) {
            throw new CorruptSnapshotException(file, 0, "not an fsnap snapshot (its first bytes are not fsnap's)");
        }
        dataEnd = size;
        Decoder h = readBlock(Format.MAGIC.length, Format.HEADER);
        headerEnd = h.end();
        header = Header.decode(h, file);

        if (size < Format.MAGIC.length + Format.TRAILER) {
            throw new CorruptSnapshotException(file, size, "truncated: no trailer");
        }
        long trailerAt = size - Format.TRAILER;
        Trailer trailer = Trailer.decode(read(trailerAt, Format.TRAILER), trailerAt, file);
        long footerOffset = trailer.footerOffset();
        dataEnd = trailerAt;
        Decoder f = readBlock(footerOffset, Format.FOOTER);
        dataEnd = footerOffset;
        footer = Footer.decode(f, header, footerOffset);
        racyFrom = footer.started() == null ? header.racyFrom() : new RacyFrom(footer.started(), header.racyWindow());
    }

    private byte[] read(long offset, int length) throws IOException {
        byte[] b = new byte[length];
        readFully(b, length, offset);
        return b;
    }

    private void readFully(byte[] b, int length, long offset) throws IOException {
        for (int done = 0; done < length; ) {
            int n = channel.read(b, done, length - done, offset + done);
            if (n < 0) {
                throw new CorruptSnapshotException(file, offset + done, "the file ends early");
            }
            done += n;
        }
    }

    /** The file's bytes as they are, {@code length} from {@code offset}: for a file that continues this one. */
    byte[] bytes(long offset, int length) throws IOException {
        return read(offset, length);
    }

    /** Reads one block, checks its bounds and CRC, and returns a decoder over its body. */
    Decoder readBlock(long offset, int kind) throws IOException {
        Decoder d = readAnyBlock(offset);
        int found = d.kind();
        if (found != kind) {
            throw new CorruptSnapshotException(file, offset,
                    "expected a '" + (char) kind + "' block, found byte " + found);
        }
        return d;
    }

    /**
     * Reads the block at {@code offset} whatever its kind, checks its bounds and CRC, and returns a
     * decoder over its body ({@link Decoder#end()} is where the next block starts). A frame longer
     * than {@link #STREAM_PIECE} has its CRC checked as it streams by before anything of its size is
     * allocated: a damaged length costs a pass over the file, never the memory it claims.
     */
    Decoder readAnyBlock(long offset) throws IOException {
        if (offset < Format.MAGIC.length || offset >= dataEnd) {
            throw new CorruptSnapshotException(file, offset, "block offset outside the file's data");
        }
        // One read covers the frame's head and, for most blocks, the whole frame.
        int head = (int) Math.min(FIRST_READ, dataEnd - offset);
        byte[] start = read(offset, head);
        Decoder d = new Decoder(file, start, 0, head, offset);
        int kind = d.u8();
        long frame = Frame.length(d, dataEnd - offset, file, offset);
        byte[] block = start;
        if (frame > head) {
            if (frame > STREAM_PIECE) {
                checkStreaming(offset, (int) frame, kind); // before a length that may be damage is held
            }
            block = Arrays.copyOf(start, (int) frame);
            System.arraycopy(read(offset + head, (int) frame - head), 0, block, head, (int) frame - head);
        }
        Frame.check(block, (int) frame, kind, file, offset);
        return new Decoder(file, block, d.pos, (int) frame - Frame.CRC, offset).framed(kind, offset + frame);
    }

    /** Checks a long frame's CRC reading it piece by piece, in memory bounded by one piece. */
    private void checkStreaming(long offset, int frame, int kind) throws IOException {
        CRC32C crc = new CRC32C();
        byte[] piece = new byte[STREAM_PIECE];
        long at = offset;
        long end = offset + frame - Frame.CRC;
        while (at < end) {
            int n = (int) Math.min(STREAM_PIECE, end - at);
            readFully(piece, n, at);
            crc.update(piece, 0, n);
            at += n;
        }
        Frame.check(crc, read(end, Frame.CRC), 0, kind, file, offset);
    }

    /** A directory block, whole; {@link DirectoryRecord#EMPTY} at {@link Format#EMPTY_OFFSET}. */
    DirectoryRecord readDirectory(long offset) throws IOException {
        if (offset == Format.EMPTY_OFFSET) {
            return DirectoryRecord.EMPTY;
        }
        return DirectoryRecord.decode(readBlock(offset, Format.DIRECTORY), offset, header.columns());
    }

    /** A directory block's files alone (see {@link DirectoryRecord#decodeFiles}). */
    DirectoryFiles readFiles(long offset) throws IOException {
        if (offset == Format.EMPTY_OFFSET) {
            return EMPTY_FILES;
        }
        return DirectoryFiles.decode(readBlock(offset, Format.DIRECTORY), offset, header.columns(), racyFrom);
    }

    /** @return the file, for messages */
    Path file() {
        return file;
    }

    /** @return the file's size in bytes */
    long size() {
        return size;
    }

    /** @return where the header block ends: the first directory or unreadable block starts here */
    long headerEnd() {
        return headerEnd;
    }

    /** @return where the footer starts: every directory and unreadable block ends by here */
    long footerOffset() {
        return dataEnd;
    }

    Header header() {
        return header;
    }

    Footer footer() {
        return footer;
    }

    RacyFrom racyFrom() {
        return racyFrom;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
