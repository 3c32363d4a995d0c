package dev.fsnap.bindings;

/**
 * A reader's buffer of directory records, which a wide directory's chunks move between workers:
 * the reader that listed them saves a copy, the worker that stats them restores it into its own.
 */
public interface RecordBuffer {
    /**
     * @param length bytes of records, as the listing returned
     * @return a copy of them
     */
    byte[] save(int length);

    /**
     * @param saved records from {@link #save}, put back at the start of this reader's buffer
     */
    void restore(byte[] saved);
}
