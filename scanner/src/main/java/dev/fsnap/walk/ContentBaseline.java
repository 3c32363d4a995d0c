package dev.fsnap.walk;

/**
 * What a scan that digests content knows of each file from the last snapshot: its metadata, its
 * content value, and whether tonight's verification schedule picks it. Implemented over a snapshot
 * by {@code dev.fsnap.snapshot}; called on the scan's worker threads, each with its own holder.
 */
public interface ContentBaseline {
    /** No baseline: every file is read (a first scan). */
    ContentBaseline NONE = (directory, names, offset, length, into) -> false;

    /**
     * Whether a directory's files are worth spreading over workers: its content may be read at
     * length tonight. Without a baseline, or for a directory the last snapshot did not list, yes.
     *
     * @param directory its path relative to the root
     * @return false when the last snapshot holds little content there (reading it, if it must be
     *         read, is quick; most likely it is taken over unread)
     */
    default boolean heavy(byte[] directory) {
        return true;
    }

    /** A file's baseline, filled by {@link #find}; one per worker thread. */
    final class Found {
        /** Its stat row ({@code StatFields} slots). */
        public final long[] row = new long[dev.fsnap.bindings.StatFields.WIDTH];
        /** Its content value, or null when it has none. */
        public byte[] content;
        /** Whether its timestamps fell inside its own scan's racy window: its content may have changed unseen. */
        public boolean racy;
        /** Whether tonight's schedule picks it to be read again although unchanged. */
        public boolean scheduled;
    }

    /**
     * Finds a file's baseline.
     *
     * @param directory the path of its directory relative to the root (empty for the root)
     * @param names holds its name
     * @param offset where the name starts
     * @param length the name's length
     * @param into filled when found
     * @return whether the last snapshot has a readable file of that path
     */
    boolean find(byte[] directory, byte[] names, int offset, int length, Found into);
}
