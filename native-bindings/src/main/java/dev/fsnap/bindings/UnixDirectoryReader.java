package dev.fsnap.bindings;

import jnr.constants.platform.Errno;

/**
 * What the scan asks of one worker's reader on a Unix system ({@link DirectoryReader} on Linux,
 * {@link DarwinDirectoryReader} on macOS): open directories relative to a descriptor, list their
 * records into a buffer, stat each record's name relative to the open directory. Calls report
 * failure by their result and leave the cause in {@link #lastError()}.
 */
public interface UnixDirectoryReader extends RecordBuffer, AutoCloseable {
    /**
     * @return why the last failed call failed
     */
    Errno lastError();

    /**
     * Opens a scan root, following a symbolic link the user named.
     *
     * @param rootPath the path bytes
     * @return the descriptor, or -1
     */
    int openRoot(byte[] rootPath);

    /**
     * Opens a directory below {@code dirfd}; without {@code followLink}, through no symbolic link.
     *
     * @param dirfd the directory the path is relative to
     * @param relativePath the path bytes, {@code '/'}-separated
     * @param length how many bytes to use
     * @param followLink whether a link in the last component is followed
     * @return the descriptor, or -1
     */
    int openDirectory(int dirfd, byte[] relativePath, int length, boolean followLink);

    /**
     * @param fd a descriptor this reader opened and no listing owns
     */
    void close(int fd);

    /**
     * Starts listing an open directory; the listing owns the descriptor from then on (on failure
     * the descriptor is closed).
     *
     * @param fd the directory
     * @return the listing, or -1 with {@link #lastError()} set (on Linux the listing is the
     *         descriptor itself, which may be 0 when standard input is closed)
     */
    long startListing(int fd);

    /**
     * Reads the next records of a listing into this reader's buffer.
     *
     * @param listing from {@link #startListing}
     * @return bytes of records, 0 at the end, -1 on error
     */
    int readListing(long listing);

    /**
     * @param listing from {@link #startListing}: ends it and closes its descriptor
     */
    void endListing(long listing);

    /**
     * @param position a record's offset
     * @return the next record's offset
     */
    int next(int position);

    /**
     * @param position a record's offset
     * @return its {@code d_type} ({@code DT_UNKNOWN} when not given)
     */
    int recordType(int position);

    /**
     * @param position a record's offset
     * @return whether it names {@code .} or {@code ..}
     */
    boolean isSelfOrParent(int position);

    /**
     * @param position a record's offset
     * @return the name's length in bytes
     */
    int nameLength(int position);

    /**
     * Copies a record's name.
     *
     * @param position the record's offset
     * @param length its length, from {@link #nameLength}
     * @param destination where to
     * @param offset offset in {@code destination}
     */
    void copyName(int position, int length, byte[] destination, int offset);

    /**
     * Stats the entry a record names, relative to the directory it was listed from.
     *
     * @param dirfd the directory's descriptor
     * @param position the record's offset
     * @param followLink whether to stat a symbolic link's target
     * @return true when the accessors hold the entry's metadata
     */
    boolean stat(int dirfd, int position, boolean followLink);

    /**
     * Stats a path relative to a directory (or the working directory for the system's {@code AT_FDCWD}).
     *
     * @param dirfd the directory
     * @param pathBytes the path
     * @param followLink whether to stat a symbolic link's target
     * @return true when the accessors hold the metadata
     */
    boolean statPath(int dirfd, byte[] pathBytes, boolean followLink);

    /**
     * Reads the target of the symbolic link a record names.
     *
     * @param dirfd the directory it was listed from
     * @param position the record's offset
     * @return the target's bytes, or null with {@link #lastError()} set
     */
    byte[] readLink(int dirfd, int position);

    /**
     * Copies every field of the last successful stat into a row of {@link StatFields} slots.
     *
     * @param row the rows
     * @param offset where this row starts
     */
    void copyStat(long[] row, int offset);

    /**
     * @return {@code st_mode} of the last successful stat
     */
    int mode();

    /**
     * @return {@code st_size}
     */
    long size();

    /**
     * @return the modification time's seconds
     */
    long mtimeSeconds();

    /**
     * @return the modification time's nanoseconds
     */
    int mtimeNanos();

    /**
     * @return the status change time's seconds
     */
    long ctimeSeconds();

    /**
     * @return the status change time's nanoseconds
     */
    int ctimeNanos();

    /**
     * @return {@code st_ino}
     */
    long inode();

    /**
     * @return {@code st_dev}
     */
    long device();

    /**
     * @return {@code st_uid}, unsigned
     */
    long uid();

    /**
     * @return {@code st_gid}, unsigned
     */
    long gid();

    /**
     * @return {@code st_nlink}
     */
    long linkCount();

    /**
     * @return the value that names the working directory to {@link #statPath} ({@code AT_FDCWD})
     */
    int workingDirectory();

    /** Frees the buffers. */
    @Override
    void close();
}
