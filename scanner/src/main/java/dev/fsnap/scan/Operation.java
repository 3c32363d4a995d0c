package dev.fsnap.scan;

/** The filesystem operation that failed for an entry. */
public enum Operation {
    /** Opening a directory to list it. */
    OPEN,
    /** Reading a directory's entries. */
    LIST,
    /** Reading an entry's metadata. */
    STAT,
    /** Reading a symbolic link's target. */
    READLINK,
    /** Reading what an entry holds beyond its stat (its content, its attributes), after the stat. */
    READ
}
