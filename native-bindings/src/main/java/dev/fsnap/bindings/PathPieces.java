package dev.fsnap.bindings;

import java.util.function.IntConsumer;

/**
 * Opens a relative path longer than the system's {@code PATH_MAX} in pieces that each fit, split at
 * {@code '/'} boundaries: a deep tree is opened one piece at a time, relative to the piece before.
 */
final class PathPieces {
    private PathPieces() {
    }

    /** Opens one piece of a path relative to the directory {@code at}. */
    interface Opener {
        /**
         * @param at the directory the piece is relative to
         * @param start where the piece starts in the path
         * @param end where it ends
         * @param last whether it is the path's last piece
         * @return the descriptor, or -1
         */
        int open(int at, int start, int end, boolean last);
    }

    /**
     * Opens a path piece by piece, each relative to the one before, holding at most two
     * descriptors at a time.
     *
     * @param dirfd the directory the path is relative to (never closed here)
     * @param path the path bytes
     * @param length how many bytes of {@code path} to use
     * @param piece the longest piece
     * @param opener opens one piece
     * @param close closes a descriptor of a piece that is not the last
     * @return the last piece's descriptor, or -1 when a piece could not be opened
     */
    static int open(int dirfd, byte[] path, int length, int piece, Opener opener, IntConsumer close) {
        int at = dirfd;
        int start = 0;
        do {
            int end = end(path, start, length, piece);
            int fd = opener.open(at, start, end, end == length);
            if (at != dirfd) {
                close.accept(at);
            }
            if (fd < 0) {
                return -1;
            }
            at = fd;
            start = end + 1;
        } while (start < length);
        return at;
    }

    /**
     * Where the piece starting at {@code start} ends.
     *
     * @param path the path bytes
     * @param start where this piece starts
     * @param length the path's length
     * @param piece the longest piece
     * @return the end of the piece: {@code length}, or the index of a {@code '/'}
     */
    static int end(byte[] path, int start, int length, int piece) {
        if (length - start <= piece) {
            return length;
        }
        for (int i = start + piece; i > start; i--) {
            if (path[i] == '/') {
                return i;
            }
        }
        return start + piece; // a component longer than NAME_MAX: the system says ENAMETOOLONG
    }
}
