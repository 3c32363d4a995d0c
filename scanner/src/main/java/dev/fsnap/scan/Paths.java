package dev.fsnap.scan;

import java.nio.charset.StandardCharsets;

/** Relative paths as raw bytes, for display. */
final class Paths {
    private Paths() {
    }

    static String display(byte[] path) {
        return path.length == 0 ? "." : new String(path, StandardCharsets.UTF_8);
    }
}
