package dev.fsnap.bindings;

import java.util.Arrays;

/**
 * A reader's buffer of directory records, which a wide directory's chunks move between workers:
 * the reader that listed them saves a copy, the worker that stats them restores it into its own.
 * The records live on the Java heap, so that walking names costs no native call.
 */
public abstract sealed class RecordBuffer permits UnixDirectoryReader, WindowsDirectoryReader {
    /** The smallest listing buffer: the system returns fewer, larger batches with more room. */
    public static final int MIN_BUFFER_SIZE = 64 * 1024;

    /** The records. */
    final byte[] mirror;

    /**
     * @param bufferSize bytes asked for, at least {@link #MIN_BUFFER_SIZE}
     * @param recordSize the size of every record where it is fixed, else 1: the buffer holds whole records
     */
    RecordBuffer(int bufferSize, int recordSize) {
        if (bufferSize < MIN_BUFFER_SIZE) {
            throw new IllegalArgumentException("listing buffer of " + bufferSize + " bytes is below the minimum of "
                    + MIN_BUFFER_SIZE);
        }
        this.mirror = new byte[bufferSize - bufferSize % recordSize];
    }

    /**
     * Copies the first {@code length} bytes of records out, so another worker's reader can
     * {@link #restore} them and stat those entries while this one reads on.
     *
     * @param length bytes of records, as the listing returned
     * @return a copy of them
     */
    public final byte[] save(int length) {
        return Arrays.copyOf(mirror, length);
    }

    /**
     * Copies the records from one position to another, to be restored at the start of a buffer:
     * a piece of a listing, for another worker.
     *
     * @param from the first record's position
     * @param to the position after the last record
     * @return the copy
     */
    public final byte[] save(int from, int to) {
        return Arrays.copyOfRange(mirror, from, to);
    }

    /**
     * @param position a record's position
     * @return the position of the record after it
     */
    public abstract int next(int position);

    /**
     * Puts saved records back at the start of this reader's buffer.
     *
     * @param saved records from {@link #save}
     */
    public void restore(byte[] saved) {
        System.arraycopy(saved, 0, mirror, 0, saved.length);
    }
}
