package dev.fsnap.snapshot.format;

import dev.fsnap.snapshot.CorruptSnapshotException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * The frame every block is written in: kind (1 byte), body length (varint), body, CRC-32C of all
 * before it (4 bytes, little-endian). Framing on write and its checks on read, side by side; see
 * {@code docs/snapshot-format.md}, "Blocks".
 */
public final class Frame {
    /** Bytes of the checksum. */
    public static final int CRC = 4;

    private Frame() {
    }

    /**
     * Frames a body: fills {@code head} with the kind and the length, then the checksum of head and
     * body. The frame is written as {@code head[0, headLength)}, the body, {@code head[headLength, +4)}.
     *
     * @param head the worker's scratch encoder, reset here
     * @param kind the block kind ({@link Format#HEADER}, {@link Format#DIRECTORY}, ...)
     * @param body the body
     * @param crc the worker's checksum, reset here
     * @return the head's length, before its checksum
     */
    public static int head(Encoder head, int kind, Encoder body, CRC32C crc) {
        head.reset();
        head.u8(kind);
        head.varint(body.length);
        crc.reset();
        crc.update(head.buf, 0, head.length);
        crc.update(body.buf, 0, body.length);
        int headLength = head.length;
        head.le32((int) crc.getValue());
        return headLength;
    }

    /**
     * Reads a frame's head: its kind and body length, the decoder left at the body's start.
     *
     * @param head a decoder after the frame's kind byte
     * @param room bytes from the frame's start to the end of the data
     * @param file the snapshot, for messages
     * @param offset the frame's offset, for messages
     * @return the frame's whole length, checksum included
     * @throws CorruptSnapshotException when the length is out of range or runs past the data
     */
    public static long length(Decoder head, long room, Path file, long offset) throws CorruptSnapshotException {
        long length = head.varint();
        long frame = head.pos + length + CRC;
        if (length < 0 || length > Format.MAX_BLOCK || frame > room) {
            throw new CorruptSnapshotException(file, offset, "block length " + length + " runs past the data");
        }
        return frame;
    }

    /**
     * Checks a frame held whole.
     *
     * @throws CorruptSnapshotException when the stored checksum is not the frame's
     */
    public static void check(byte[] frame, int length, int kind, Path file, long offset) throws CorruptSnapshotException {
        CRC32C crc = new CRC32C();
        crc.update(frame, 0, length - CRC);
        check(crc, frame, length - CRC, kind, file, offset);
    }

    /**
     * Checks a checksum computed over a frame (streamed, or held) against the one stored after it.
     *
     * @param stored where the stored checksum is in {@code b}
     * @throws CorruptSnapshotException when they differ
     */
    public static void check(CRC32C crc, byte[] b, int stored, int kind, Path file, long offset)
            throws CorruptSnapshotException {
        if ((int) crc.getValue() != ByteBuffer.wrap(b, stored, CRC).order(ByteOrder.LITTLE_ENDIAN).getInt()) {
            throw new CorruptSnapshotException(file, offset, "checksum mismatch in a '" + (char) kind + "' block");
        }
    }
}
