package dev.fsnap.bindings;

import jnr.constants.platform.Errno;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

import static dev.fsnap.bindings.NativeBuffer.IO;

/**
 * One worker's directory reader on macOS: opens directories relative to a descriptor with
 * {@code openat}, lists them through {@code fdopendir}/{@code readdir}, and stats each entry with
 * {@code fstatat} relative to the open directory. The records {@code readdir} returns are copied
 * into a heap buffer a chunk at a time, so that walking names costs no native call. Not thread-safe;
 * every descriptor is opened close-on-exec.
 *
 * <p>Errors are reported by the result ({@code -1}, {@code 0} or {@code false}) with the typed
 * cause in {@link #lastError()}, as {@link DirectoryReader} does on Linux.
 */
public final class DarwinDirectoryReader implements UnixDirectoryReader {
    /** {@code MAXPATHLEN}: the longest path one call takes, NUL included. */
    private static final int PATH_MAX = 1024;
    private static final int PATH_PIECE = PATH_MAX - 128;
    private static final int DIRECTORY_FLAGS = DarwinAbi.O_RDONLY | DarwinAbi.O_DIRECTORY | DarwinAbi.O_CLOEXEC;
    /** Set once a kernel before macOS 11 refused {@code O_NOFOLLOW_ANY}. */
    private static volatile boolean noFollowAnyMissing;

    private final byte[] mirror;
    private final ByteBuffer records;
    private final NativeBuffer stat;
    private final ByteBuffer statView;
    private final NativeBuffer path;
    private final NativeBuffer link;
    private Errno lastError;

    /**
     * A reader whose chunks of records hold up to {@code bufferSize} bytes.
     *
     * @param bufferSize bytes per chunk of records, at least {@link DirectoryReader#MIN_BUFFER_SIZE}
     * @throws UnsupportedOperationException when the native calls are unavailable (any system but macOS)
     */
    public DarwinDirectoryReader(int bufferSize) {
        DarwinLibc.ensureAvailability();
        if (bufferSize < DirectoryReader.MIN_BUFFER_SIZE) {
            throw new IllegalArgumentException("listing buffer of " + bufferSize + " bytes is below the minimum of "
                    + DirectoryReader.MIN_BUFFER_SIZE);
        }
        this.mirror = new byte[bufferSize];
        this.records = ByteBuffer.wrap(mirror).order(ByteOrder.LITTLE_ENDIAN);
        this.stat = new NativeBuffer(DarwinAbi.STATFS_SIZE); // holds struct stat, and struct statfs
        this.statView = IO.newDirectByteBuffer(stat.address, stat.capacity).order(ByteOrder.LITTLE_ENDIAN);
        this.path = new NativeBuffer(PATH_MAX);
        this.link = new NativeBuffer(PATH_MAX);
    }

    /**
     * @return why the last failed call failed
     */
    public Errno lastError() {
        return lastError;
    }

    private int fail() {
        lastError = Errno.valueOf(DarwinLibc.errno());
        return -1;
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

    private boolean putPath(byte[] bytes, int offset, int length) {
        Errno refused = path.putString(bytes, offset, length, PATH_MAX - 1);
        if (refused != null) {
            lastError = refused;
            return false;
        }
        return true;
    }

    /**
     * Starts listing an open directory. The stream owns the descriptor: close it with
     * {@link #endListing}, not {@link #close(int)}. On failure the descriptor is closed here.
     *
     * @param fd a directory descriptor
     * @return the {@code DIR *}, or -1
     */
    public long startListing(int fd) {
        long dir = DarwinLibc.fdopendir(fd);
        if (dir == 0L) {
            fail();
            DarwinLibc.close(fd);
            return -1;
        }
        return dir;
    }

    /**
     * @param dir a stream from {@link #startListing}; its descriptor is closed with it
     */
    public void endListing(long dir) {
        if (dir != -1L && dir != 0L) {
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
     * @param dir the stream
     * @return bytes of records, 0 at the end, -1 on error
     */
    public int readListing(long dir) {
        int n = 0;
        while (n + DarwinAbi.DIRENT_SIZE <= mirror.length) {
            DarwinLibc.clearErrno();
            long entry = DarwinLibc.readdir(dir);
            if (entry == 0L) {
                int errno = DarwinLibc.errno();
                if (errno != 0) {
                    // As getdents64 on Linux: the whole batch fails, and the listing is reported incomplete.
                    lastError = Errno.valueOf(errno);
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

    /**
     * @param length bytes of records
     * @return a copy, for another worker to {@link #restore}
     */
    public byte[] save(int length) {
        return Arrays.copyOf(mirror, length);
    }

    /**
     * @param saved records from {@link #save}
     */
    public void restore(byte[] saved) {
        System.arraycopy(saved, 0, mirror, 0, saved.length);
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
        if (DarwinLibc.fstatat(dirfd, path.address, stat.address, flags) == 0) {
            return true;
        }
        fail();
        return false;
    }

    /**
     * The filesystem type of an open descriptor.
     *
     * @param fd the descriptor
     * @return {@code f_fstypename} ({@code apfs}, {@code nfs}, {@code smbfs}, ...), or null when {@code fstatfs} failed
     */
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

    @Override
    public void copyStat(long[] row, int offset) {
        ByteBuffer st = statView;
        StatFields.clear(row, offset);
        row[offset + StatFields.MODE] = DarwinAbi.Stat.mode(st);
        row[offset + StatFields.SIZE] = DarwinAbi.Stat.size(st);
        row[offset + StatFields.MTIME_SEC] = DarwinAbi.Stat.mtimeSeconds(st);
        row[offset + StatFields.MTIME_NSEC] = DarwinAbi.Stat.mtimeNanos(st);
        row[offset + StatFields.CTIME_SEC] = DarwinAbi.Stat.ctimeSeconds(st);
        row[offset + StatFields.CTIME_NSEC] = DarwinAbi.Stat.ctimeNanos(st);
        row[offset + StatFields.INODE] = DarwinAbi.Stat.inode(st);
        row[offset + StatFields.DEVICE] = DarwinAbi.Stat.device(st);
        row[offset + StatFields.UID] = DarwinAbi.Stat.uid(st);
        row[offset + StatFields.GID] = DarwinAbi.Stat.gid(st);
        row[offset + StatFields.NLINK] = DarwinAbi.Stat.linkCount(st);
        row[offset + StatFields.BTIME_SEC] = st.getLong(DarwinAbi.ST_BIRTHTIME);
        row[offset + StatFields.BTIME_NSEC] = st.getLong(DarwinAbi.ST_BIRTHTIME + 8);
    }

    /**
     * @return {@code st_mode} of the last successful stat
     */
    public int mode() {
        return DarwinAbi.Stat.mode(statView);
    }

    /**
     * @return {@code st_size}
     */
    public long size() {
        return DarwinAbi.Stat.size(statView);
    }

    /**
     * @return {@code st_mtimespec.tv_sec}
     */
    public long mtimeSeconds() {
        return DarwinAbi.Stat.mtimeSeconds(statView);
    }

    /**
     * @return {@code st_mtimespec.tv_nsec}
     */
    public int mtimeNanos() {
        return DarwinAbi.Stat.mtimeNanos(statView);
    }

    /**
     * @return {@code st_ctimespec.tv_sec}
     */
    public long ctimeSeconds() {
        return DarwinAbi.Stat.ctimeSeconds(statView);
    }

    /**
     * @return {@code st_ctimespec.tv_nsec}
     */
    public int ctimeNanos() {
        return DarwinAbi.Stat.ctimeNanos(statView);
    }

    /**
     * @return {@code st_ino}
     */
    public long inode() {
        return DarwinAbi.Stat.inode(statView);
    }

    /**
     * @return {@code st_dev}
     */
    public long device() {
        return DarwinAbi.Stat.device(statView);
    }

    /**
     * @return {@code st_uid}
     */
    public long uid() {
        return DarwinAbi.Stat.uid(statView);
    }

    /**
     * @return {@code st_gid}
     */
    public long gid() {
        return DarwinAbi.Stat.gid(statView);
    }

    /**
     * @return {@code st_nlink}
     */
    public long linkCount() {
        return DarwinAbi.Stat.linkCount(statView);
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
        long n = DarwinLibc.readlinkat(dirfd, path.address, link.address, link.capacity);
        if (n < 0) {
            fail();
            return null;
        }
        byte[] target = new byte[(int) n];
        IO.getByteArray(link.address, target, 0, target.length);
        return target;
    }

    /** Frees the buffers. Harmless to call twice. */
    @Override
    public void close() {
        stat.close();
        path.close();
        link.close();
    }
}
