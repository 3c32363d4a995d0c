package dev.fsnap.bindings;

/**
 * The one layout of what a stat gives: slots of a {@code long} row, the same for every reader and
 * every system. A reader copies its last stat into a row ({@link UnixDirectoryReader#copyStat});
 * the scan keeps rows of this layout per entry, so a new field is a new slot here and a line in the
 * reader that fills it.
 */
public final class StatFields {
    private StatFields() {
    }

    /** The full {@code st_mode}. */
    public static final int MODE = 0;
    /** {@code st_size}. */
    public static final int SIZE = 1;
    /** The modification time's seconds. */
    public static final int MTIME_SEC = 2;
    /** The modification time's nanoseconds. */
    public static final int MTIME_NSEC = 3;
    /** The status change time's seconds. */
    public static final int CTIME_SEC = 4;
    /** The status change time's nanoseconds. */
    public static final int CTIME_NSEC = 5;
    /** {@code st_ino}. */
    public static final int INODE = 6;
    /** {@code st_dev}. */
    public static final int DEVICE = 7;
    /** {@code st_uid}, unsigned. */
    public static final int UID = 8;
    /** {@code st_gid}, unsigned. */
    public static final int GID = 9;
    /** {@code st_nlink}. */
    public static final int NLINK = 10;
    /** The birth time's seconds. */
    public static final int BTIME_SEC = 11;
    /** The birth time's nanoseconds, or {@link #ABSENT}. */
    public static final int BTIME_NSEC = 12;
    /**
     * File flags, as {@code statx} attribute bits ({@link LinuxAbi#STATX_FILE_FLAGS}): immutable,
     * append-only, nodump, compressed, encrypted, DAX, verity; or {@link #ABSENT} where not read.
     */
    public static final int FLAGS = 13;
    /** Slots per row. */
    public static final int WIDTH = 14;

    // The bits of the FLAGS slot: statx's attribute values, which every system's reader maps to.
    /** Compressed by the filesystem ({@code lsattr} c). */
    public static final long FLAG_COMPRESSED = 0x4L;
    /** Immutable ({@code lsattr} i; macOS {@code uchg}, {@code schg}). */
    public static final long FLAG_IMMUTABLE = 0x10L;
    /** Append-only ({@code lsattr} a; macOS {@code uappnd}, {@code sappnd}). */
    public static final long FLAG_APPEND = 0x20L;
    /** Not to be dumped ({@code lsattr} d; macOS {@code nodump}). */
    public static final long FLAG_NODUMP = 0x40L;
    /** Encrypted ({@code lsattr} E). */
    public static final long FLAG_ENCRYPTED = 0x800L;
    /** Protected by fs-verity ({@code lsattr} V). */
    public static final long FLAG_VERITY = 0x100000L;
    /** Direct access ({@code lsattr} x). */
    public static final long FLAG_DAX = 0x200000L;

    /**
     * The nanoseconds slot of a time, or the slot of a field, the system or the filesystem did not
     * give: the value is absent, not zero.
     */
    public static final long ABSENT = -1;

    private static final long[] BLANK = new long[WIDTH];

    static {
        BLANK[BTIME_NSEC] = ABSENT;
        BLANK[FLAGS] = ABSENT;
    }

    /**
     * Makes a row blank: zeros, and every optional time and field absent.
     *
     * @param row the rows
     * @param offset where the row starts
     */
    public static void clear(long[] row, int offset) {
        System.arraycopy(BLANK, 0, row, offset, WIDTH);
    }
}
