package dev.fsnap.bindings;

import jnr.constants.platform.Errno;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.ConcurrentHashMap;

import static dev.fsnap.bindings.NativeBuffer.IO;

/**
 * One worker's directory reader on macOS: opens directories relative to a descriptor with
 * {@code openat}, lists them through {@code fdopendir}/{@code readdir}, and stats each entry with
 * {@code fstatat} relative to the open directory. The records {@code readdir} returns are copied
 * into a heap buffer a chunk at a time, so that walking names costs no native call. Not thread-safe;
 * every descriptor is opened close-on-exec.
 *
 * <p>Errors are reported by the result ({@code -1}, {@code 0} or {@code false}) with the typed
 * cause in {@link #lastError()}, as {@link LinuxDirectoryReader} does on Linux.
 */
public final class DarwinDirectoryReader extends UnixDirectoryReader {
    /** {@code MAXPATHLEN}: the longest path one call takes, NUL included. */
    private static final int PATH_MAX = 1024;
    private static final int PATH_PIECE = PATH_MAX - 128;
    private static final int DIRECTORY_FLAGS = DarwinAbi.O_RDONLY | DarwinAbi.O_DIRECTORY | DarwinAbi.O_CLOEXEC;
    /** Set once a kernel before macOS 11 refused {@code O_NOFOLLOW_ANY}. */
    private static volatile boolean noFollowAnyMissing;

    /**
     * The {@code DIR *} of each listing, by its descriptor (which the stream owns until it is
     * closed, so no two open listings share one): the pointer never leaves this class.
     */
    private static final ConcurrentHashMap<Integer, Long> STREAMS = new ConcurrentHashMap<>();

    private final ByteBuffer records;
    private final NativeBuffer stat;
    private final ByteBuffer statView;

    /**
     * A reader whose chunks of records hold up to {@code bufferSize} bytes.
     *
     * @param bufferSize bytes per chunk of records, at least {@link LinuxDirectoryReader#MIN_BUFFER_SIZE}
     * @throws UnsupportedOperationException when the native calls are unavailable (any system but macOS)
     */
    public DarwinDirectoryReader(int bufferSize) {
        super(bufferSize, PATH_MAX);
        DarwinLibc.library().ensureAvailable();
        this.records = ByteBuffer.wrap(mirror).order(ByteOrder.LITTLE_ENDIAN);
        this.stat = new NativeBuffer(DarwinAbi.STATFS_SIZE); // holds struct stat, and struct statfs
        this.statView = IO.newDirectByteBuffer(stat.address, stat.capacity).order(ByteOrder.LITTLE_ENDIAN);
    }

    @Override
    int errno() {
        return DarwinLibc.errno();
    }

    // ---------------------------------------------------------------- directories

    /**
     * Opens a scan root, following a symbolic link the user named.
     *
     * @param rootPath the path bytes
     * @return the descriptor, or -1
     */
    public int openRoot(byte[] rootPath) {
        if (!putPath(rootPath, 0, rootPath.length)) {
            return -1;
        }
        int fd = DarwinLibc.openat(DarwinAbi.AT_FDCWD, path.address, DIRECTORY_FLAGS);
        return fd >= 0 ? fd : fail();
    }

    /**
     * Opens a directory below {@code dirfd}. Without {@code followLink} no symbolic link anywhere on
     * the path is followed ({@code O_NOFOLLOW_ANY}, macOS 11 and later; before, only the last
     * component is checked). Paths longer than {@code MAXPATHLEN} are opened piece by piece.
     *
     * @param dirfd the directory the path is relative to
     * @param relativePath path bytes, components separated by {@code '/'}
     * @param length how many bytes to use
     * @param followLink whether a symbolic link in the last component is followed
     * @return the descriptor, or -1
     */
    public int openDirectory(int dirfd, byte[] relativePath, int length, boolean followLink) {
        return PathPieces.open(dirfd, relativePath, length, PATH_PIECE, (at, start, end, last) ->
                putPath(relativePath, start, end - start) ? open(at, last && followLink) : -1, DarwinLibc::close);
    }

    private int open(int dirfd, boolean follow) {
        if (follow) {
            int fd = DarwinLibc.openat(dirfd, path.address, DIRECTORY_FLAGS);
            return fd >= 0 ? fd : fail();
        }
        if (!noFollowAnyMissing) {
            int fd = DarwinLibc.openat(dirfd, path.address,
                    DIRECTORY_FLAGS | DarwinAbi.O_NOFOLLOW | DarwinAbi.O_NOFOLLOW_ANY);
            if (fd >= 0 || DarwinLibc.errno() != Errno.EINVAL.intValue()) {
                return fd >= 0 ? fd : fail();
            }
            noFollowAnyMissing = true;
        }
        int fd = DarwinLibc.openat(dirfd, path.address, DIRECTORY_FLAGS | DarwinAbi.O_NOFOLLOW);
        return fd >= 0 ? fd : fail();
    }

    /**
     * Starts listing an open directory. The stream owns the descriptor: close it with
     * {@link #endListing}, not {@link #close(int)}. On failure the descriptor is closed here.
     *
     * @param fd a directory descriptor
     * @return true, or false with the error
     */
    @Override
    public boolean startListing(int fd) {
        long dir = DarwinLibc.fdopendir(fd);
        if (dir == 0L) {
            fail();
            DarwinLibc.close(fd);
            return false;
        }
        STREAMS.put(fd, dir);
        return true;
    }

    /**
     * @param fd a directory {@link #startListing} started; the stream is closed, and the descriptor with it
     */
    @Override
    public void endListing(int fd) {
        Long dir = STREAMS.remove(fd);
        if (dir != null) {
            DarwinLibc.closedir(dir);
        }
    }

    /**
     * @param fd a descriptor this reader opened and no stream owns
     */
    public void close(int fd) {
        if (fd >= 0) {
            DarwinLibc.close(fd);
        }
    }

    // ---------------------------------------------------------------- listing

    /**
     * Reads records from a stream into this reader's buffer until it is full or the directory ends.
     *
     * @param fd a directory {@link #startListing} started
     * @return bytes of records, 0 at the end, -1 on error
     */
    @Override
    public int readListing(int fd) {
        long dir = STREAMS.get(fd);
        int n = 0;
        while (n + DarwinAbi.DIRENT_SIZE <= mirror.length) {
            DarwinLibc.clearErrno();
            long entry = DarwinLibc.readdir(dir);
            if (entry == 0L) {
                int errno = DarwinLibc.errno();
                if (errno != 0) {
                    // As getdents64 on Linux: the whole batch fails, and the listing is reported incomplete.
                    fail(FileErrors.errno(errno));
                    return -1;
                }
                break;
            }
            int length = IO.getShort(entry + DarwinAbi.D_RECLEN) & 0xffff;
            IO.getByteArray(entry, mirror, n, length);
            n += length;
        }
        return n;
    }

    /**
     * @param position a record's offset
     * @return the next record's offset
     */
    public int next(int position) {
        return position + DarwinAbi.Dirent.recordLength(records, position);
    }

    /**
     * @param position a record's offset
     * @return its {@code d_type}
     */
    public int recordType(int position) {
        return DarwinAbi.Dirent.type(records, position);
    }

    /**
     * @param position a record's offset
     * @return whether it names {@code .} or {@code ..}
     */
    public boolean isSelfOrParent(int position) {
        return DarwinAbi.Dirent.isSelfOrParent(records, position);
    }

    /**
     * @param position a record's offset
     * @return the name's length in bytes
     */
    public int nameLength(int position) {
        return DarwinAbi.Dirent.nameLength(records, position);
    }

    /**
     * Copies a record's name.
     *
     * @param position the record's offset
     * @param length its length, from {@link #nameLength}
     * @param destination where to
     * @param offset offset in {@code destination}
     */
    public void copyName(int position, int length, byte[] destination, int offset) {
        System.arraycopy(mirror, position + DarwinAbi.D_NAME, destination, offset, length);
    }

    // ---------------------------------------------------------------- stat

    /**
     * Stats the entry a record names, relative to the directory it was read from.
     *
     * @param dirfd the directory's descriptor
     * @param position the record's offset
     * @param followLink whether to stat a symbolic link's target
     * @return true when the accessors hold the entry's metadata
     */
    public boolean stat(int dirfd, int position, boolean followLink) {
        return putPath(mirror, position + DarwinAbi.D_NAME, nameLength(position)) && statAt(dirfd, followLink);
    }

    /**
     * Stats a path relative to a directory, or the working directory for {@link DarwinAbi#AT_FDCWD}.
     *
     * @param dirfd the directory
     * @param pathBytes the path
     * @param followLink whether to stat a symbolic link's target
     * @return true when the accessors hold the metadata
     */
    public boolean statPath(int dirfd, byte[] pathBytes, boolean followLink) {
        return putPath(pathBytes, 0, pathBytes.length) && statAt(dirfd, followLink);
    }

    private boolean statAt(int dirfd, boolean followLink) {
        int flags = followLink ? 0 : DarwinAbi.AT_SYMLINK_NOFOLLOW;
        if (DarwinLibc.fstatat(dirfd, path.address, stat.address, flags) != 0) {
            return failed();
        }
        decode();
        return true;
    }

    /**
     * The filesystem type of an open descriptor.
     *
     * @param fd the descriptor
     * @return {@code f_fstypename} ({@code apfs}, {@code nfs}, {@code smbfs}, ...), or null when {@code fstatfs} failed
     */
    @Override
    public String filesystemType(int fd) {
        if (DarwinLibc.fstatfs(fd, stat.address) != 0) {
            fail();
            return null;
        }
        return DarwinAbi.filesystemType(statView);
    }

    @Override
    public int workingDirectory() {
        return DarwinAbi.AT_FDCWD;
    }

    /** Reads the fields of the {@code struct stat} in the buffer into the last stat's row. */
    private void decode() {
        ByteBuffer st = statView;
        long[] row = last;
        StatFields.clear(row, 0);
        row[StatFields.MODE] = DarwinAbi.Stat.mode(st);
        row[StatFields.SIZE] = DarwinAbi.Stat.size(st);
        row[StatFields.MTIME_SEC] = DarwinAbi.Stat.mtimeSeconds(st);
        row[StatFields.MTIME_NSEC] = DarwinAbi.Stat.mtimeNanos(st);
        row[StatFields.CTIME_SEC] = DarwinAbi.Stat.ctimeSeconds(st);
        row[StatFields.CTIME_NSEC] = DarwinAbi.Stat.ctimeNanos(st);
        row[StatFields.INODE] = DarwinAbi.Stat.inode(st);
        row[StatFields.DEVICE] = DarwinAbi.Stat.device(st);
        row[StatFields.UID] = DarwinAbi.Stat.uid(st);
        row[StatFields.GID] = DarwinAbi.Stat.gid(st);
        row[StatFields.NLINK] = DarwinAbi.Stat.linkCount(st);
        row[StatFields.BTIME_SEC] = st.getLong(DarwinAbi.ST_BIRTHTIME);
        row[StatFields.BTIME_NSEC] = st.getLong(DarwinAbi.ST_BIRTHTIME + 8);
        row[StatFields.FLAGS] = DarwinAbi.Stat.flags(st);
    }

    // ---------------------------------------------------------------- symbolic links

    /**
     * Reads the target of the symbolic link a record names.
     *
     * @param dirfd the directory it was read from
     * @param position the record's offset
     * @return the target's bytes, or null with {@link #lastError()} set
     */
    public byte[] readLink(int dirfd, int position) {
        return putPath(mirror, position + DarwinAbi.D_NAME, nameLength(position)) ? readLinkAt(dirfd) : null;
    }

    private byte[] readLinkAt(int dirfd) {
        return linkTarget(DarwinLibc.readlinkat(dirfd, path.address, link.address, link.capacity));
    }

    /** Frees the buffers. Harmless to call twice. */
    @Override
    public void close() {
        super.close();
        stat.close();
    }
}
