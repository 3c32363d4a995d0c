package dev.fsnap.snapshot.format;

import dev.fsnap.scan.EntryType;
import dev.fsnap.scan.Field;

import java.util.EnumSet;
import java.util.Set;

/** The constants of the snapshot format; {@code docs/snapshot-format.md} is their prose. */
public final class Format {
    private Format() {
    }

    /** The first eight bytes: not text, so that a text file or a mangled transfer is told at once. */
    public static final byte[] MAGIC = {(byte) 0x89, 'F', 'S', 'N', 'A', 'P', '\r', '\n'};
    /** The last four bytes. */
    public static final byte[] END_MAGIC = {'F', 'S', 'N', 'E'};
    /**
     * The version written. Versions 1 (before exclusion rules), 2 (before absent fields), 3
     * (before columns), 4 (before read failures of entries other than links), 5 (before shards) and
     * 6 (before {@link #SUBTREE_CORRUPT}) are read too.
     */
    public static final int VERSION = 7;
    /**
     * The version of a file that holds {@link #FREE} blocks: an approved baseline that an approval
     * of some changes wrote over the one before (version 8). The newest version read.
     */
    public static final int FREE_VERSION = 8;
    public static final int NEWEST_VERSION = FREE_VERSION;
    public static final int OLDEST_VERSION = 1;
    /** The fixed trailer: footer offset (8), footer length (4), end magic (4). */
    public static final int TRAILER = 16;

    /** Block kinds. Every block is: kind (1), body length (varint), body, CRC-32C of all before (4). */
    public static final int HEADER = 'H';
    public static final int DIRECTORY = 'D';
    public static final int UNREADABLE = 'U';
    public static final int FOOTER = 'F';
    /**
     * A block the file no longer uses (version 8): a directory or unreadable block that an approval
     * of some changes replaced, its kind byte changed and its CRC made anew. Skipped by readers.
     */
    public static final int FREE = 'X';

    /** Largest block accepted when reading: a bigger length is damage, not data. */
    public static final int MAX_BLOCK = 1 << 30;
    /** Bytes of the truncated SHA-256 each directory is identified by. */
    public static final int HASH = 16;

    // Entry head byte.
    public static final int TYPE_MASK = 0x07;
    public static final int ENTRY_UNREADABLE = 0x08;
    public static final int SAME_ATTRS = 0x10;
    public static final int CTIME_IS_MTIME = 0x20;
    public static final int WIDE_TIME = 0x40;
    /**
     * A read after the stat failed: the failure follows the fixed part (a link's in place of its
     * target). Versions before 5 set it on links only.
     */
    public static final int READ_FAILED = 0x80;

    // Directory block flags.
    public static final int LIST_INCOMPLETE = 0x01;
    /** The block's entries carry columns: a varint mask of them follows (version 4). */
    public static final int COLUMNS = 0x02;

    // Subdirectory reference state (low bits) and subtree flags.
    public static final int REF_NOT_SCANNED = 0;
    public static final int REF_LISTED = 1;
    public static final int REF_UNREADABLE = 2;
    /** An empty directory: no block is written for it (most directories of many trees are empty leaves). */
    public static final int REF_EMPTY = 3;
    /** The offset and hash an empty directory is read back with. */
    public static final long EMPTY_OFFSET = 0;
    public static final byte[] EMPTY_HASH = new byte[HASH];
    public static final int SUBTREE_RACY = 0x10;
    public static final int SUBTREE_UNREADABLE = 0x20;
    /**
     * Something in the subtree is a file marked corrupt (version 7). Its content value is the same
     * each night it stays rotten, so its directory hashes the same: the flag makes the differ read
     * the subtree anyway and report the file again.
     */
    public static final int SUBTREE_CORRUPT = 0x40;

    private static final EntryType[] TYPES = {EntryType.UNKNOWN, EntryType.FILE, EntryType.DIRECTORY,
        EntryType.SYMLINK, EntryType.FIFO, EntryType.SOCKET, EntryType.CHAR_DEVICE, EntryType.BLOCK_DEVICE};

    public static int typeCode(EntryType t) {
        switch (t) {
            case FILE: return 1;
            case DIRECTORY: return 2;
            case SYMLINK: return 3;
            case FIFO: return 4;
            case SOCKET: return 5;
            case CHAR_DEVICE: return 6;
            case BLOCK_DEVICE: return 7;
            default: return 0;
        }
    }

    public static EntryType type(int code) {
        return TYPES[code & TYPE_MASK];
    }

    /** A set of fields as a bit mask: bit {@link Field#id()}. */
    public static long fieldMask(Set<Field> fields) {
        long mask = 0;
        for (Field f : fields) {
            mask |= 1L << f.id();
        }
        return mask;
    }

    /** The fields of a bit mask; null when it holds a bit no field has. */
    public static Set<Field> fields(long mask) {
        EnumSet<Field> set = EnumSet.noneOf(Field.class);
        for (int id = 0; id < 64; id++) {
            if ((mask & 1L << id) != 0) {
                Field f = Field.ofId(id);
                if (f == null) {
                    return null;
                }
                set.add(f);
            }
        }
        return set;
    }
}
