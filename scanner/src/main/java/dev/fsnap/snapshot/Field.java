package dev.fsnap.snapshot;

import dev.fsnap.scan.Entry;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/** A field of an entry that a comparison can find changed. */
public enum Field {
    /** The entry type (a file replaced by a directory, for example). */
    TYPE,
    /** {@code st_size}. */
    SIZE,
    /** The modification time, to the nanosecond. */
    MTIME,
    /** The status change time, to the nanosecond. */
    CTIME,
    /** The full {@code st_mode}. */
    MODE,
    /** The owner. */
    UID,
    /** The group. */
    GID,
    /** The hard link count. */
    NLINK,
    /** The inode number (the file was replaced by another). */
    INO,
    /** A symbolic link's target. */
    TARGET;

    /** @return the lower-case name used in reports: {@code size}, {@code mtime}, ... */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The fields in which two entries of the same path differ: what a backup tool asks of a file
     * it found in its last snapshot ("has it changed?").
     *
     * @param before the entry then
     * @param after the entry now
     * @return the changed fields; empty when unchanged
     */
    public static Set<Field> between(Entry before, Entry after) {
        Fields a = new Fields();
        a.from(before, new byte[0]);
        Fields b = new Fields();
        b.from(after, new byte[0]);
        return between(a, b);
    }

    static Set<Field> between(Fields a, Fields b) {
        EnumSet<Field> changed = EnumSet.noneOf(Field.class);
        if (a.type != b.type) {
            changed.add(TYPE);
        }
        if (a.size != b.size) {
            changed.add(SIZE);
        }
        if (a.mtimeSec != b.mtimeSec || a.mtimeNsec != b.mtimeNsec) {
            changed.add(MTIME);
        }
        if (a.ctimeSec != b.ctimeSec || a.ctimeNsec != b.ctimeNsec) {
            changed.add(CTIME);
        }
        if (a.mode != b.mode) {
            changed.add(MODE);
        }
        if (a.uid != b.uid) {
            changed.add(UID);
        }
        if (a.gid != b.gid) {
            changed.add(GID);
        }
        if (a.linkCount != b.linkCount) {
            changed.add(NLINK);
        }
        if (a.inode != b.inode || a.device != b.device) {
            changed.add(INO);
        }
        if (!Arrays.equals(a.target, b.target)) {
            changed.add(TARGET);
        }
        return changed;
    }
}
