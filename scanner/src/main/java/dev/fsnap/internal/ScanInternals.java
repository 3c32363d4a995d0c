package dev.fsnap.internal;

import dev.fsnap.scan.Entry;
import dev.fsnap.scan.EntryType;
import dev.fsnap.scan.Field;
import dev.fsnap.scan.PathRules;
import dev.fsnap.scan.ScanOptions;

import java.util.Set;

/**
 * What the rest of fsnap may do with the exported scan types that their API does not offer: make
 * an entry of a row of stat slots without copying field by field, read an entry's row, compare two
 * rows with the one comparison {@link Field#between} uses, ask path rules about a name in place,
 * and read options the walk needs. Implemented by {@code dev.fsnap.scan}, which registers itself
 * when {@link Entry} is initialized (as the JDK's {@code SharedSecrets} do).
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
     * @param values the byte values (a link's target, the attribute classes), {@link #byteValues()} of
     *               them from {@code bytes}; kept, not copied; null when there are none
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
     * @return its byte values, {@link #byteValues()} of them, not copied (never modify them); null when none
     */
    public abstract byte[][] values(Entry e);

    /** @return how many fields an entry holds as bytes: the width of a row of byte values */
    public abstract int byteValues();

    /**
     * @param field a field of kind target or extended attributes
     * @return its index in a row of byte values
     */
    public abstract int bytesIndex(Field field);

    /**
     * Splits the extended attributes a reader gave (name, value, name, value, ...) into the values
     * of the attribute fields ({@code ACL}, {@code CAPS}, {@code SELINUX}, {@code XATTRS}), each in
     * name order, long values of no security meaning kept as their SHA-256; a class without an
     * attribute gets the empty value.
     *
     * @param pairs names and values
     * @param into a row of byte values
     * @param offset where the row starts
     */
    public abstract void xattrValues(byte[][] pairs, byte[][] into, int offset);

    /**
     * @param value a stored attribute field's value
     * @param offset where it starts
     * @param length its length
     * @return null when well formed, else what is wrong
     */
    public abstract String checkXattrs(byte[] value, int offset, int length);

    /**
     * @param verifiedMillis when the content was last read and found as the baseline, ms since the epoch
     * @param digest the baseline digest
     * @param observed the digest read now where it differs from the baseline while the metadata did not; else null
     * @return the content field's value ({@code Content}'s encoding)
     */
    public abstract byte[] contentValue(long verifiedMillis, byte[] digest, byte[] observed);

    /** @return whether a content value is a corrupt file's */
    public abstract boolean contentCorrupt(byte[] value);

    /** @return the baseline digest of a content value */
    public abstract byte[] contentBaseline(byte[] value);

    /** @return when a content value was verified, ms since the epoch */
    public abstract long contentVerifiedMillis(byte[] value);

    /** @return null when a stored content value is well formed, else what is wrong */
    public abstract String checkContent(byte[] value, int offset, int length);

    /**
     * @param field a field of kind number, mode, identity or time
     * @return its first slot in a row of {@code StatFields} slots (a time's nanoseconds follow)
     */
    public abstract int slot(Field field);

    /**
     * @param field a field held in a row of stat slots
     * @param row the rows
     * @param offset where the row starts
     * @return whether the row holds a value of the field (the one absent-fields rule, {@code Field}'s)
     */
    public abstract boolean present(Field field, long[] row, int offset);

    /** @return the fields in which two rows differ, as {@link Field#between} */
    public abstract Set<Field> changed(EntryType typeA, long[] a, byte[][] valuesA, EntryType typeB, long[] b,
                                       byte[][] valuesB);

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
