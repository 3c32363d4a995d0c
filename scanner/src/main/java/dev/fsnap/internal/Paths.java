package dev.fsnap.internal;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Relative paths as raw bytes: joining them, and showing them. */
public final class Paths {
    private Paths() {
    }

    public static String display(byte[] path) {
        return path.length == 0 ? "." : new String(path, StandardCharsets.UTF_8);
    }

    /** The path of a name in the directory {@code parent}: parent, '/', name (just the name at the root). */
    public static byte[] child(byte[] parent, byte[] source, int offset, int length) {
        if (parent.length == 0) {
            return Arrays.copyOfRange(source, offset, offset + length);
        }
        byte[] p = new byte[parent.length + 1 + length];
        System.arraycopy(parent, 0, p, 0, parent.length);
        p[parent.length] = '/';
        System.arraycopy(source, offset, p, parent.length + 1, length);
        return p;
    }

    /**
     * @param path an entry's path relative to the root, {@code /}-separated
     * @return the path of its directory (empty for the root's entries)
     */
    public static byte[] parent(byte[] path) {
        int slash = path.length - 1;
        while (slash >= 0 && path[slash] != '/') {
            slash--;
        }
        return slash < 0 ? new byte[0] : java.util.Arrays.copyOf(path, slash);
    }
}
