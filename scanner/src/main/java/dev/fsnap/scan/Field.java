package dev.fsnap.scan;

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
    /** The inode number and the device (the file was replaced by another). */
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
        EnumSet<Field> changed = EnumSet.noneOf(Field.class);
        if (before.type() != after.type()) {
            changed.add(TYPE);
        }
        if (before.size() != after.size()) {
            changed.add(SIZE);
        }
        if (before.mtimeSec() != after.mtimeSec() || before.mtimeNsec() != after.mtimeNsec()) {
            changed.add(MTIME);
        }
        if (before.ctimeSec() != after.ctimeSec() || before.ctimeNsec() != after.ctimeNsec()) {
            changed.add(CTIME);
        }
        if (before.mode() != after.mode()) {
            changed.add(MODE);
        }
        if (before.uid() != after.uid()) {
            changed.add(UID);
        }
        if (before.gid() != after.gid()) {
            changed.add(GID);
        }
        if (before.linkCount() != after.linkCount()) {
            changed.add(NLINK);
        }
        if (before.inode() != after.inode() || before.device() != after.device()) {
            changed.add(INO);
        }
        if (!Arrays.equals(before.target(), after.target())) {
            changed.add(TARGET);
        }
        return changed;
    }
}
