package dev.fsnap.bindings;

/**
 * Splits a relative path longer than the system's {@code PATH_MAX} into pieces that each fit, at
 * {@code '/'} boundaries: a deep tree is opened one piece at a time, relative to the piece before.
 */
final class PathPieces {
    private PathPieces() {
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
