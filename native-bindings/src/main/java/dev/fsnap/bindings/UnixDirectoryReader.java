package dev.fsnap.bindings;

import jnr.constants.platform.Errno;

/**
 * One worker's directory reader on a Unix system ({@link LinuxDirectoryReader} on Linux,
 * {@link DarwinDirectoryReader} on macOS): opens directories relative to a descriptor, lists their
 * records into a buffer, stats each record's name relative to the open directory. Calls report
 * failure by their result and leave the typed cause in {@link #lastError()}.
 *
 * <p>This class holds what the two have in common: the heap mirror of the records, the path and
 * link buffers, the last stat as a row of {@link StatFields} slots with its accessors, the error
 * of the last failed call. A listing is named by its
 * directory's descriptor on both systems; macOS's {@code DIR *} stays inside its reader.
 */
public abstract sealed class UnixDirectoryReader extends RecordBuffer implements AutoCloseable
        permits LinuxDirectoryReader, DarwinDirectoryReader {
    final NativeBuffer path;
    final NativeBuffer link;
    /** The last successful stat, in {@link StatFields} slots. */
    final long[] last = new long[StatFields.WIDTH];
    private final int pathMax;
    private Errno lastError;

    /**
     * @param bufferSize bytes of records, at least {@link #MIN_BUFFER_SIZE}
     * @param pathMax the longest path one call takes, NUL included
     */
    UnixDirectoryReader(int bufferSize, int pathMax) {
        super(bufferSize, 1);
        this.pathMax = pathMax;
        this.path = new NativeBuffer(pathMax + 1);
        this.link = new NativeBuffer(pathMax + 1);
    }

    /** @return the calling thread's errno, as this system's C library keeps it */
    abstract int errno();

    /**
     * @return why the last failed call failed
     */
    public final Errno lastError() {
        return lastError;
    }

    /** Records errno as the last error; returns -1, the failed result of most calls. */
    final int fail() {
        lastError = FileErrors.errno(errno());
        return -1;
    }

    final boolean failed() {
        fail();
        return false;
    }

    final void fail(Errno errno) {
        lastError = errno;
    }

    /** Puts path bytes, NUL-terminated, into the path buffer; false with the error when they do not fit. */
    final boolean putPath(byte[] bytes, int offset, int length) {
        Errno refused = path.putString(bytes, offset, length, pathMax - 1);
        if (refused != null) {
            lastError = refused;
            return false;
        }
        return true;
    }

    /** The bytes {@code readlinkat} put in the link buffer, or null with the error when it failed. */
    final byte[] linkTarget(long n) {
        if (n < 0) {
            fail();
            return null;
        }
        byte[] target = new byte[(int) n];
        NativeBuffer.IO.getByteArray(link.address, target, 0, target.length);
        return target;
    }

    /**
     * Whether the entry a record names may be a directory: the listing says so, or does not say
     * ({@code DT_UNKNOWN}), or it is a link that is followed.
     *
     * @param position a record's offset
     * @param followLinks whether symbolic links are followed
     * @return false only when the entry is surely not a directory
     */
    public final boolean mayBeDirectory(int position, boolean followLinks) {
        int type = recordType(position); // the same DT_* values on Linux and macOS
        return type == LinuxAbi.DT_DIR || type == LinuxAbi.DT_UNKNOWN || (followLinks && type == LinuxAbi.DT_LNK);
    }

    /**
     * Opens a scan root, following a symbolic link the user named.
     *
     * @param rootPath the path bytes
     * @return the descriptor, or -1
     */
    public abstract int openRoot(byte[] rootPath);

    /**
     * Opens a directory below {@code dirfd}; without {@code followLink}, through no symbolic link.
     *
     * @param dirfd the directory the path is relative to
     * @param relativePath the path bytes, {@code '/'}-separated
     * @param length how many bytes to use
     * @param followLink whether a link in the last component is followed
     * @return the descriptor, or -1
     */
    public abstract int openDirectory(int dirfd, byte[] relativePath, int length, boolean followLink);

    /**
     * @param fd a descriptor this reader opened and no listing owns
     */
    public abstract void close(int fd);

    /**
     * Starts listing an open directory; the listing owns the descriptor from then on (on failure
     * the descriptor is closed).
     *
     * @param fd the directory
     * @return true, or false with {@link #lastError()} set
     */
    public abstract boolean startListing(int fd);

    /**
     * Reads the next records of a listing into this reader's buffer.
     *
     * @param fd a directory {@link #startListing} started
     * @return bytes of records, 0 at the end, -1 on error
     */
    public abstract int readListing(int fd);

    /**
     * @param fd a directory {@link #startListing} started: ends the listing and closes the descriptor
     */
    public abstract void endListing(int fd);

    /**
     * @param position a record's offset
     * @return the next record's offset
     */
    public abstract int next(int position);

    /**
     * @param position a record's offset
     * @return its {@code d_type} ({@code DT_UNKNOWN} when not given)
     */
    public abstract int recordType(int position);

    /**
     * @param position a record's offset
     * @return whether it names {@code .} or {@code ..}
     */
    public abstract boolean isSelfOrParent(int position);

    /**
     * @param position a record's offset
     * @return the name's length in bytes
     */
    public abstract int nameLength(int position);

    /**
     * Copies a record's name.
     *
     * @param position the record's offset
     * @param length its length, from {@link #nameLength}
     * @param destination where to
     * @param offset offset in {@code destination}
     */
    public abstract void copyName(int position, int length, byte[] destination, int offset);

    /**
     * Stats the entry a record names, relative to the directory it was listed from.
     *
     * @param dirfd the directory's descriptor
     * @param position the record's offset
     * @param followLink whether to stat a symbolic link's target
     * @return true when the accessors hold the entry's metadata
     */
    public abstract boolean stat(int dirfd, int position, boolean followLink);

    /**
     * Stats a path relative to a directory (or the working directory for the system's {@code AT_FDCWD}).
     *
     * @param dirfd the directory
     * @param pathBytes the path
     * @param followLink whether to stat a symbolic link's target
     * @return true when the accessors hold the metadata
     */
    public abstract boolean statPath(int dirfd, byte[] pathBytes, boolean followLink);

    /**
     * Reads the target of the symbolic link a record names.
     *
     * @param dirfd the directory it was listed from
     * @param position the record's offset
     * @return the target's bytes, or null with {@link #lastError()} set
     */
    public abstract byte[] readLink(int dirfd, int position);

    /**
     * The filesystem type of an open descriptor, by name: {@code ext4}, {@code nfs}, {@code apfs},
     * {@code smbfs}; on Linux an unknown type by its {@code statfs} magic number ({@code 0x1234}).
     *
     * @param fd an open descriptor
     * @return the name, or null when {@code fstatfs} failed
     */
    public abstract String filesystemType(int fd);

    /**
     * @return the value that names the working directory to {@link #statPath} ({@code AT_FDCWD})
     */
    public abstract int workingDirectory();

    /**
     * Copies every field of the last successful stat into a row of {@link StatFields} slots.
     *
     * @param row the rows
     * @param offset where this row starts
     */
    public final void copyStat(long[] row, int offset) {
        System.arraycopy(last, 0, row, offset, StatFields.WIDTH);
    }

    /** @return {@code st_mode} of the last successful stat */
    public final int mode() {
        return (int) last[StatFields.MODE];
    }

    /** @return {@code st_size} of the last successful stat */
    public final long size() {
        return last[StatFields.SIZE];
    }

    /** @return the modification time's seconds */
    public final long mtimeSec() {
        return last[StatFields.MTIME_SEC];
    }

    /** @return the modification time's nanoseconds */
    public final int mtimeNsec() {
        return (int) last[StatFields.MTIME_NSEC];
    }

    /** @return the status change time's seconds */
    public final long ctimeSec() {
        return last[StatFields.CTIME_SEC];
    }

    /** @return the status change time's nanoseconds */
    public final int ctimeNsec() {
        return (int) last[StatFields.CTIME_NSEC];
    }

    /** @return {@code st_ino} */
    public final long inode() {
        return last[StatFields.INODE];
    }

    /** @return {@code st_dev} */
    public final long device() {
        return last[StatFields.DEVICE];
    }

    /** @return {@code st_uid}, unsigned */
    public final long uid() {
        return last[StatFields.UID];
    }

    /** @return {@code st_gid}, unsigned */
    public final long gid() {
        return last[StatFields.GID];
    }

    /** @return {@code st_nlink} */
    public final long linkCount() {
        return last[StatFields.NLINK];
    }

    /** Frees the buffers. Harmless to call twice. */
    @Override
    public void close() {
        path.close();
        link.close();
    }
}
