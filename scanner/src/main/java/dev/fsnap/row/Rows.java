package dev.fsnap.row;

import dev.fsnap.scan.EntryType;
import dev.fsnap.scan.Field;
import dev.fsnap.scan.ScanError;

/**
 * One scanned directory's entries, read-only, as the snapshot codec reads them: the walk's listing
 * is one, and the codec needs nothing else of the walk. Entry {@code i} is in name order; its
 * stat fields are in the slots of {@link dev.fsnap.bindings.StatFields}, its byte-valued fields
 * (link target, attribute classes, content) at their {@link RowSchema#bytesIndex} index. Valid only while the walk hands
 * the directory over.
 */
public interface Rows {
    /** What became of a subdirectory entry. */
    enum Subdirectory {
        /** The entry is not a directory the scan could descend into. */
        NONE,
        /** A directory the scan did not enter: on another filesystem with one-file-system set. */
        NOT_SCANNED,
        /** Listed: its visitor result is {@link #childResult}. */
        LISTED,
        /** It could not be opened or listed: see {@link #childError}. */
        UNREADABLE
    }

    /** @return the number of entries */
    int size();

    /** @return why the directory could not be listed in full, or null when it was */
    ScanError listError();

    /**
     * @param i the entry
     * @return the length of its name in bytes
     */
    int nameLength(int i);

    /**
     * Copies an entry's name.
     *
     * @param i the entry
     * @param dst where to
     * @param offset at which index of {@code dst}
     */
    void copyName(int i, byte[] dst, int offset);

    /**
     * @param i the entry
     * @return its type, as listed or as stat'ed
     */
    EntryType type(int i);

    /**
     * @param i the entry
     * @return why something of it could not be read, or null
     */
    ScanError error(int i);

    /**
     * @param i the entry
     * @param field a stat field
     * @return whether the entry has a value for it
     */
    boolean has(int i, Field field);

    /**
     * Copies an entry's stat slots.
     *
     * @param i the entry
     * @param row where to: {@link dev.fsnap.bindings.StatFields#WIDTH} longs
     */
    void copyStat(int i, long[] row);

    /**
     * @param i the entry
     * @param field a byte-valued field
     * @return its value, or null
     */
    byte[] bytes(int i, Field field);

    /**
     * Copies an entry's byte-valued fields, at their index.
     *
     * @param i the entry
     * @param into where to
     */
    void copyBytes(int i, byte[][] into);

    /**
     * @param i the entry
     * @return what became of it as a subdirectory
     */
    Subdirectory subdirectory(int i);

    /**
     * @param i the entry
     * @return the visitor's value for a {@link Subdirectory#LISTED} subdirectory
     */
    Object childResult(int i);

    /**
     * @param i the entry
     * @return why an {@link Subdirectory#UNREADABLE} subdirectory could not be read
     */
    ScanError childError(int i);

    /**
     * @param i the entry
     * @return its path relative to the root, as messages show it
     */
    String displayPath(int i);
}
