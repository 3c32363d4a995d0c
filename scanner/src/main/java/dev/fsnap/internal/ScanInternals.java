package dev.fsnap.internal;

import dev.fsnap.scan.Entry;
import dev.fsnap.scan.EntryType;
import dev.fsnap.scan.PathRules;
import dev.fsnap.scan.ScanOptions;

/**
 * What the rest of fsnap may do with the exported scan types' private state that their API does
 * not offer: make an entry of a row without copying field by field, read an entry's row, ask path
 * rules about a name in place (no path built), and read an option only tests set. Implemented by
 * {@code dev.fsnap.scan}, which registers itself when {@link Entry} is initialized (as the JDK's
 * {@code SharedSecrets} do). Where a field is held in a row, and how rows compare, is the row
 * schema's ({@code dev.fsnap.row}), not this bridge's.
 */
public abstract class ScanInternals {
    private static volatile ScanInternals registered;

    /**
     * Registers the implementation: once, by {@code dev.fsnap.scan}. This package is not exported, but
     * on the class path anyone can call it; a second registration would swap how every entry is read
     * and compared under a running scan, so it is refused.
     *
     * @param rows the implementation
     * @throws IllegalStateException when one is registered already
     */
    public static synchronized void register(ScanInternals rows) {
        if (registered != null) {
            throw new IllegalStateException("the scan internals are registered once, by dev.fsnap.scan, and are"
                    + " already: " + rows.getClass().getName() + " is refused");
        }
        registered = java.util.Objects.requireNonNull(rows);
    }

    /** @return the implementation */
    public static ScanInternals get() {
        ScanInternals r = registered;
        if (r == null) {
            try {
                Class.forName(Entry.class.getName(), true, Entry.class.getClassLoader());
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException(e);
            }
            r = registered;
        }
        return r;
    }

    /**
     * @param path the path relative to the root; kept, not copied
     * @param type the type
     * @param stat the rows
     * @param offset where this entry's row starts (copied)
     * @param values the byte values (a link's target, the attribute classes, the content),
     *               {@code RowSchema.BYTE_VALUES} of them from {@code bytes}; kept, not copied; null when there are none
     * @param bytes where this entry's byte values start
     * @return the entry
     */
    public abstract Entry entry(byte[] path, EntryType type, long[] stat, int offset, byte[][] values, int bytes);

    /**
     * @param e an entry
     * @param row where to copy its row of stat slots, from 0
     */
    public abstract void copyStat(Entry e, long[] row);

    /**
     * @param e an entry
     * @return its byte values, {@code RowSchema.BYTE_VALUES} of them, not copied (never modify them); null when none
     */
    public abstract byte[][] values(Entry e);

    /**
     * As {@link PathRules}' own test of a listed name, without making its path first.
     *
     * @return whether the rules leave the name of {@code parent} out
     */
    public abstract boolean excludesName(PathRules rules, byte[] parent, byte[] names, int offset, int length,
                                         boolean directory);

    /** @return whether the options ask every chunk to be stat'ed directories first */
    public abstract boolean directoriesFirst(ScanOptions options);
}
