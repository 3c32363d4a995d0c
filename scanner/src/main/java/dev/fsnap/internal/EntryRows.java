package dev.fsnap.internal;

import dev.fsnap.scan.DirectoryListing;
import dev.fsnap.scan.Entry;
import dev.fsnap.scan.EntryType;
import dev.fsnap.scan.Field;

import java.util.Set;

/**
 * What the snapshot package may do with an entry's row of stat slots that the exported API does
 * not offer: make an entry of a decoded row without copying field by field, read an entry's row,
 * and compare two rows with the one comparison {@link Field#between} uses. Implemented by
 * {@code dev.fsnap.scan}, which registers itself when {@link Entry} is initialized.
 */
public abstract class EntryRows {
    private static volatile EntryRows registered;

    /**
     * @param rows the implementation; called once, by {@code dev.fsnap.scan}
     */
    public static void register(EntryRows rows) {
        registered = rows;
    }

    /** @return the implementation */
    public static EntryRows get() {
        EntryRows r = registered;
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
     * @param target a link's target; kept, not copied
     * @return the entry
     */
    public abstract Entry entry(byte[] path, EntryType type, long[] stat, int offset, byte[] target);

    /**
     * @param e an entry
     * @param row where to copy its row of stat slots, from 0
     */
    public abstract void copyStat(Entry e, long[] row);

    /**
     * @param listing a scanned directory
     * @param i one of its entries
     * @param row where to copy the entry's row of stat slots, from 0
     */
    public abstract void copyStat(DirectoryListing listing, int i, long[] row);

    /**
     * @param e an entry
     * @return its link target, not copied: never modify it
     */
    public abstract byte[] target(Entry e);

    /**
     * @param field a field of kind number, mode, identity or time
     * @return its first slot in a row of {@code StatFields} slots (a time's nanoseconds follow)
     */
    public abstract int slot(Field field);

    /** @return the fields in which two rows differ, as {@link Field#between} */
    public abstract Set<Field> changed(EntryType typeA, long[] a, byte[] targetA, EntryType typeB, long[] b,
                                       byte[] targetB);
}
