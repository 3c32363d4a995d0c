package dev.fsnap.walk;

/**
 * What a scan that digests content knows of each file from the last snapshot: its metadata, its
 * content value, and whether tonight's verification schedule picks it. The walk holds it directory
 * by directory, beside the directory it lists: each directory's baseline is found from its parent's
 * as the walk descends, so a file's is a search in its own directory's, never a lookup by path.
 * Implemented over a snapshot by {@code dev.fsnap.snapshot}.
 */
public interface ContentBaseline {
    /** No baseline: every file is read (a first scan). */
    ContentBaseline NONE = () -> null;

    /** @return the root directory's baseline, or null when the last snapshot did not list the root */
    Directory root();

    /**
     * One directory of the last snapshot. Called on the scan's worker threads (the pieces of one
     * listing on several at once), each with its own {@link Found}.
     */
    interface Directory {
        /**
         * Whether this directory's files are worth spreading over workers: its content may be read
         * at length tonight.
         *
         * @return false when the last snapshot holds little content here (reading it, if it must
         *         be read, is quick; most likely it is taken over unread)
         */
        boolean heavy();

        /**
         * Finds a file's baseline.
         *
         * @param names holds its name
         * @param offset where the name starts
         * @param length the name's length
         * @param into filled when found
         * @return whether the last snapshot has a readable file of that name here
         */
        boolean find(byte[] names, int offset, int length, Found into);

        /**
         * A subdirectory's baseline.
         *
         * @param names holds its name
         * @param offset where the name starts
         * @param length the name's length
         * @return null when the last snapshot did not list a directory of that name here
         */
        Directory child(byte[] names, int offset, int length);
    }

    /** A file's baseline, filled by {@link Directory#find}; one per worker thread. */
    final class Found {
        /** Its stat row ({@code StatFields} slots). */
        public final long[] row = new long[dev.fsnap.bindings.StatFields.WIDTH];
        /** Its content value, or null when it has none. */
        public byte[] content;
        /** Whether its timestamps fell inside its own scan's racy window: its content may have changed unseen. */
        public boolean racy;
        /** Whether tonight's schedule picks it to be read again although unchanged. */
        public boolean scheduled;
        /** Whether it is picked because it is overdue: read whatever the time budget. */
        public boolean overdue;
    }
}
