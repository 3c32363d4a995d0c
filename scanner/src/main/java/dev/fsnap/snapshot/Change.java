package dev.fsnap.snapshot;

import dev.fsnap.scan.Entry;
import dev.fsnap.scan.Field;
import dev.fsnap.scan.ScanError;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * One difference between two snapshots: one of a closed family, to be taken apart with a switch
 * or {@code instanceof}.
 *
 * <pre>{@code
 * if (change instanceof Change.Modified m && m.fields().contains(Field.SIZE)) { ... }
 * }</pre>
 *
 * Paths are relative to the root, raw bytes ({@link #displayPath()} is for showing them only).
 * Every change but {@link Removed} and {@link Unreadable} carries the new entry's racy flag: its
 * timestamps fall inside the new scan's own window, so a later change within the same timestamp tick
 * would not show.
 */
public sealed interface Change permits Change.Added, Change.Removed, Change.Modified, Change.Moved,
        Change.Unreadable, Change.Racy, Change.Corrupt, Change.Tampered {

    /** @return which kind of change this is */
    Kind kind();

    /** @return the path relative to the root (in the new snapshot, for a move), a copy */
    byte[] path();

    /** @return the entry in the old snapshot, or null when there is none ({@link Added}, {@link Unreadable}) */
    default Entry before() {
        return null;
    }

    /** @return the entry in the new snapshot, or null when there is none ({@link Removed}, {@link Unreadable}) */
    default Entry after() {
        return null;
    }

    /** @return the fields that differ ({@link Modified} and {@link Moved}); empty for the others */
    default Set<Field> fields() {
        return Set.of();
    }

    /**
     * @return whether the new entry is racy (see the type's description); false where there is no
     *         new entry read ({@link Removed}, {@link Unreadable})
     */
    default boolean racy() {
        return false;
    }

    /** @return the path for display ({@code .} for the root); never use it to reach the file */
    default String displayPath() {
        byte[] p = path();
        return p.length == 0 ? "." : new String(p, StandardCharsets.UTF_8);
    }

    /**
     * Only in the new snapshot.
     *
     * @param path the path
     * @param after the new entry
     * @param racy whether the new entry is racy
     */
    record Added(byte[] path, Entry after, boolean racy) implements Change {
        /**
         * Copies and checks.
         *
         * @param path the path
         * @param after the new entry
         * @param racy whether the new entry is racy
         * @throws NullPointerException when a component is null
         */
        public Added {
            path = path.clone();
            Objects.requireNonNull(after, "after");
        }

        @Override
        public Kind kind() {
            return Kind.ADDED;
        }

        @Override
        public byte[] path() {
            return path.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Added a && Arrays.equals(path, a.path) && after.equals(a.after) && racy == a.racy;
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(path);
        }

        @Override
        public String toString() {
            return "Added[" + displayPath() + (racy ? ", racy" : "") + "]";
        }
    }

    /**
     * Only in the old snapshot.
     *
     * @param path the path
     * @param before the old entry
     */
    record Removed(byte[] path, Entry before) implements Change {
        /**
         * Copies and checks.
         *
         * @param path the path
         * @param before the old entry
         * @throws NullPointerException when a component is null
         */
        public Removed {
            path = path.clone();
            Objects.requireNonNull(before, "before");
        }

        @Override
        public Kind kind() {
            return Kind.REMOVED;
        }

        @Override
        public byte[] path() {
            return path.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Removed r && Arrays.equals(path, r.path) && before.equals(r.before);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(path);
        }

        @Override
        public String toString() {
            return "Removed[" + displayPath() + "]";
        }
    }

    /**
     * In both, with different metadata.
     *
     * @param path the path
     * @param fields the fields that differ, never empty
     * @param before the old entry
     * @param after the new entry
     * @param racy whether the new entry is racy
     */
    record Modified(byte[] path, Set<Field> fields, Entry before, Entry after, boolean racy) implements Change {
        /**
         * Copies and checks.
         *
         * @param path the path
         * @param fields the fields that differ, never empty
         * @param before the old entry
         * @param after the new entry
         * @param racy whether the new entry is racy
         * @throws NullPointerException when a component is null
         */
        public Modified {
            path = path.clone();
            fields = copy(fields);
            Objects.requireNonNull(before, "before");
            Objects.requireNonNull(after, "after");
        }

        @Override
        public Kind kind() {
            return Kind.MODIFIED;
        }

        @Override
        public byte[] path() {
            return path.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Modified m && Arrays.equals(path, m.path) && fields.equals(m.fields)
                    && before.equals(m.before) && after.equals(m.after) && racy == m.racy;
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(path) * 31 + fields.hashCode();
        }

        @Override
        public String toString() {
            return "Modified[" + displayPath() + " " + fields + (racy ? ", racy" : "") + "]";
        }
    }

    /**
     * A file whose content changed while its size, times and inode did not: bit rot, or a write
     * behind the filesystem's back. Its old digest stays the baseline in the new snapshot (with the
     * digest read beside it), so it is read and reported again every run until someone acts: restores
     * the file (then nothing is reported) or rewrites it (then it is modified).
     *
     * @param path the path
     * @param before the old entry
     * @param after the new entry: {@code after().content()} is {@link dev.fsnap.scan.Content#corrupt()},
     *              its {@code read()} the digest the read gave
     */
    record Corrupt(byte[] path, Entry before, Entry after) implements Change {
        /**
         * Copies and checks.
         *
         * @param path the path
         * @param before the old entry
         * @param after the new entry
         * @throws NullPointerException when a component is null
         */
        public Corrupt {
            path = path.clone();
            Objects.requireNonNull(before, "before");
            Objects.requireNonNull(after, "after");
        }

        @Override
        public Kind kind() {
            return Kind.CORRUPT;
        }

        @Override
        public byte[] path() {
            return path.clone();
        }

        @Override
        public Set<Field> fields() {
            return Set.of(Field.CONTENT);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Corrupt c && Arrays.equals(path, c.path) && before.equals(c.before)
                    && after.equals(c.after);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(path);
        }

        @Override
        public String toString() {
            return "Corrupt[" + displayPath() + "]";
        }
    }

    /**
     * A file whose content and change time changed while its modification time did not: a rewrite
     * whose mtime was put back ({@code touch -r}, {@code touch -d}). The new content is the baseline
     * from then on.
     *
     * @param path the path
     * @param fields the fields that differ: {@code content} and {@code ctime} among them
     * @param before the old entry
     * @param after the new entry
     * @param racy whether the new entry is racy
     */
    record Tampered(byte[] path, Set<Field> fields, Entry before, Entry after, boolean racy) implements Change {
        /**
         * Copies and checks.
         *
         * @param path the path
         * @param fields the fields that differ
         * @param before the old entry
         * @param after the new entry
         * @param racy whether the new entry is racy
         * @throws NullPointerException when a component is null
         */
        public Tampered {
            path = path.clone();
            fields = copy(fields);
            Objects.requireNonNull(before, "before");
            Objects.requireNonNull(after, "after");
        }

        @Override
        public Kind kind() {
            return Kind.TAMPERED;
        }

        @Override
        public byte[] path() {
            return path.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Tampered t && Arrays.equals(path, t.path) && fields.equals(t.fields)
                    && before.equals(t.before) && after.equals(t.after) && racy == t.racy;
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(path) * 31 + fields.hashCode();
        }

        @Override
        public String toString() {
            return "Tampered[" + displayPath() + " " + fields + "]";
        }
    }

    /**
     * The same file (device and inode, type, size, mtime) at another path. Hard links are never
     * reported as moves.
     *
     * @param path the path in the new snapshot
     * @param from the path in the old snapshot
     * @param fields the fields that differ besides the path (often {@code ctime}), possibly empty
     * @param before the old entry
     * @param after the new entry
     * @param racy whether the new entry is racy
     */
    record Moved(byte[] path, byte[] from, Set<Field> fields, Entry before, Entry after, boolean racy)
            implements Change {
        /**
         * Copies and checks.
         *
         * @param path the path in the new snapshot
         * @param from the path in the old snapshot
         * @param fields the fields that differ besides the path (often {@code ctime}), possibly empty
         * @param before the old entry
         * @param after the new entry
         * @param racy whether the new entry is racy
         * @throws NullPointerException when a component is null
         */
        public Moved {
            path = path.clone();
            from = from.clone();
            fields = copy(fields);
            Objects.requireNonNull(before, "before");
            Objects.requireNonNull(after, "after");
        }

        @Override
        public Kind kind() {
            return Kind.MOVED;
        }

        @Override
        public byte[] path() {
            return path.clone();
        }

        /** @return the path in the old snapshot, a copy */
        @Override
        public byte[] from() {
            return from.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Moved m && Arrays.equals(path, m.path) && Arrays.equals(from, m.from)
                    && fields.equals(m.fields) && before.equals(m.before) && after.equals(m.after) && racy == m.racy;
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(path) * 31 + Arrays.hashCode(from);
        }

        @Override
        public String toString() {
            return "Moved[" + new String(from, StandardCharsets.UTF_8) + " -> " + displayPath() + "]";
        }
    }

    /**
     * An entry or subtree one snapshot or both could not read: nothing is known of it there, so
     * nothing below it is reported as added or removed. Unreadable in both with the same error, it
     * is as it was ({@link Side#BOTH}: reported, not a difference); with another error tonight, it
     * is new ({@link Side#NEW}).
     *
     * @param path the path
     * @param error what could not be read, and why (tonight's, where the new snapshot could not)
     * @param side in which snapshot
     */
    record Unreadable(byte[] path, ScanError error, Side side) implements Change {
        /**
         * Copies and checks.
         *
         * @param path the path
         * @param error what could not be read, and why
         * @param side in which snapshot
         * @throws NullPointerException when a component is null
         */
        public Unreadable {
            path = path.clone();
            Objects.requireNonNull(error, "error");
            Objects.requireNonNull(side, "side");
        }

        @Override
        public Kind kind() {
            return Kind.UNREADABLE;
        }

        @Override
        public byte[] path() {
            return path.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Unreadable u && Arrays.equals(path, u.path) && error.equals(u.error) && side == u.side;
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(path) * 31 + side.hashCode();
        }

        @Override
        public String toString() {
            return "Unreadable[" + displayPath() + " in " + side.label() + ": " + error.message() + "]";
        }
    }

    /**
     * Unchanged as far as metadata shows, but the old snapshot read it inside its own time window:
     * a change within the same timestamp tick would not show, so its content may differ. Reported so
     * that it is not hidden; it does not make two snapshots differ.
     *
     * @param path the path
     * @param before the old entry
     * @param after the new entry (equal metadata)
     * @param racy whether the new entry is racy too
     */
    record Racy(byte[] path, Entry before, Entry after, boolean racy) implements Change {
        /**
         * Copies and checks.
         *
         * @param path the path
         * @param before the old entry
         * @param after the new entry (equal metadata)
         * @param racy whether the new entry is racy too
         * @throws NullPointerException when a component is null
         */
        public Racy {
            path = path.clone();
            Objects.requireNonNull(before, "before");
            Objects.requireNonNull(after, "after");
        }

        @Override
        public Kind kind() {
            return Kind.RACY;
        }

        @Override
        public byte[] path() {
            return path.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Racy r && Arrays.equals(path, r.path) && before.equals(r.before)
                    && after.equals(r.after) && racy == r.racy;
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(path);
        }

        @Override
        public String toString() {
            return "Racy[" + displayPath() + "]";
        }
    }

    /** In which snapshot something could not be read. */
    enum Side {
        /** The old snapshot only. */
        OLD,
        /** The new snapshot only, or both with another error in the new one. */
        NEW,
        /** Both, with the same error: as it was. */
        BOTH;

        /** @return the lower-case name used in reports and JSON */
        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** The kinds of change, one per member of the family, with their markers in the human report. */
    enum Kind {
        /** {@link Added}. */
        ADDED("+"),
        /** {@link Removed}. */
        REMOVED("-"),
        /** {@link Modified}. */
        MODIFIED("M"),
        /** {@link Moved}. */
        MOVED(">"),
        /** {@link Unreadable}. */
        UNREADABLE("!"),
        /** {@link Racy}. */
        RACY("?"),
        /** {@link Corrupt}. */
        CORRUPT("C"),
        /** {@link Tampered}. */
        TAMPERED("T");

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

    private static Set<Field> copy(Set<Field> fields) {
        return fields.isEmpty() ? Set.of() : Collections.unmodifiableSet(EnumSet.copyOf(fields));
    }
}
