package dev.fsnap.scan;

/** The type of a filesystem entry, as {@code st_mode} gives it. */
public enum EntryType {
    /** A regular file. */
    FILE("file"),
    /** A directory. */
    DIRECTORY("dir"),
    /** A symbolic link (never followed unless the scan follows links). */
    SYMLINK("symlink"),
    /** A named pipe. */
    FIFO("fifo"),
    /** A Unix domain socket. */
    SOCKET("socket"),
    /** A character device. */
    CHAR_DEVICE("char"),
    /** A block device. */
    BLOCK_DEVICE("block"),
    /** A type this system reports that none of the above names. */
    UNKNOWN("unknown");

    private static final int S_IFMT = 0170000;
    private final String label;

    EntryType(String label) {
        this.label = label;
    }

    /**
     * The short name used in JSON output and snapshots: {@code file}, {@code dir}, {@code symlink},
     * {@code fifo}, {@code socket}, {@code char}, {@code block}.
     *
     * @return the label
     */
    public String label() {
        return label;
    }

    /**
     * The type encoded in a full {@code st_mode}.
     *
     * @param mode the mode, with its file-type bits
     * @return the type
     */
    public static EntryType ofMode(int mode) {
        switch (mode & S_IFMT) {
            case 0100000: return FILE;
            case 0040000: return DIRECTORY;
            case 0120000: return SYMLINK;
            case 0010000: return FIFO;
            case 0140000: return SOCKET;
            case 0020000: return CHAR_DEVICE;
            case 0060000: return BLOCK_DEVICE;
            default: return UNKNOWN;
        }
    }
}
