package dev.fsnap.snapshot;

import dev.fsnap.scan.Entry;
import dev.fsnap.scan.ScanError;

import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * One difference between two snapshots.
 *
 * @param kind what happened
 * @param path the path relative to the root (in the new snapshot, for a move)
 * @param from for {@link Kind#MOVED}: the path in the old snapshot; else null
 * @param fields for {@link Kind#MODIFIED} and {@link Kind#MOVED}: the fields that differ; else empty
 * @param before the old entry (null when added or unknown)
 * @param after the new entry (null when removed or unknown)
 * @param error for {@link Kind#UNREADABLE}: what could not be read; else null
 * @param side for {@link Kind#UNREADABLE}: in which snapshot ({@code old}, {@code new}, {@code both})
 * @param racy whether the new entry is racy: its timestamps fall in the new scan's own window
 */
public record Change(Kind kind, byte[] path, byte[] from, Set<Field> fields, Entry before, Entry after,
                     ScanError error, String side, boolean racy) {

    /** The kinds of change. */
    public enum Kind {
        /** Only in the new snapshot. */
        ADDED("+"),
        /** Only in the old snapshot. */
        REMOVED("-"),
        /** In both, with different metadata: see {@link Change#fields()}. */
        MODIFIED("M"),
        /** The same file (device, inode, size, mtime) at another path. */
        MOVED(">"),
        /** Not read in one snapshot or both: nothing below it is reported as added or removed. */
        UNREADABLE("!"),
        /**
         * Unchanged as far as metadata shows, but the old snapshot read it inside its own time
         * window: a change within the same timestamp tick would not show. Its content may differ.
         */
        RACY("?");

        private final String marker;

        Kind(String marker) {
            this.marker = marker;
        }

        /** @return the one-character marker of the human report */
        public String marker() {
            return marker;
        }

        /** @return the lower-case name used in JSON */
        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** @return the path for display ({@code .} for the root); never use it to reach the file */
    public String displayPath() {
        return path.length == 0 ? "." : new String(path, StandardCharsets.UTF_8);
    }
}
