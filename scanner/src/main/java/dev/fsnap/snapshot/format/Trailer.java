package dev.fsnap.snapshot.format;

import dev.fsnap.snapshot.CorruptSnapshotException;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The file's last {@link Format#TRAILER} bytes: the footer's offset (8, little-endian), its length
 * (4) and {@link Format#END_MAGIC}. Fixed in size so that a reader finds the footer from the end
 * of the file; written last, so a file without it was not finished. See
 * {@code docs/snapshot-format.md}, "Layout".
 *
 * <p>Apart from the writer and the reader so that the layout is written down once.
 *
 * @param footerOffset where the footer block starts
 * @param footerLength the footer block's length, frame included
 */
public record Trailer(long footerOffset, int footerLength) {

    /**
     * Writes the trailer.
     *
     * @param out where to
     */
    public void encode(Encoder out) {
        out.le64(footerOffset);
        out.le32(footerLength);
        out.bytes(Format.END_MAGIC, 0, Format.END_MAGIC.length);
    }

    /**
     * Reads the trailer and checks that it points at a footer that ends where it starts.
     *
     * @param b the file's last {@link Format#TRAILER} bytes
     * @param at where they start in the file (its size less {@link Format#TRAILER})
     * @param file the snapshot, for messages
     * @return the trailer
     * @throws CorruptSnapshotException when there is no trailer, or it points outside the file
     */
    public static Trailer decode(byte[] b, long at, Path file) throws CorruptSnapshotException {
        ByteBuffer t = ByteBuffer.wrap(b, 0, Format.TRAILER).order(ByteOrder.LITTLE_ENDIAN);
        long footerOffset = t.getLong();
        int footerLength = t.getInt();
        byte[] end = new byte[Format.END_MAGIC.length];
        t.get(end);
        if (!Arrays.equals(end, Format.END_MAGIC)) {
            throw new CorruptSnapshotException(file, at,
                    "no trailer: the file is truncated, or its writer did not finish");
        }
        if (footerOffset < Format.MAGIC.length || footerLength <= 0 || footerOffset + footerLength != at) {
            throw new CorruptSnapshotException(file, at, "the trailer points outside the file");
        }
        return new Trailer(footerOffset, footerLength);
    }
}
