package dev.fsnap.bindings;

import jnr.constants.platform.Errno;

import static dev.fsnap.bindings.NativeBuffer.IO;

/**
 * One worker's native directory reader: opens directories relative to a directory descriptor,
 * lists them with {@code getdents64}, and stats each entry with {@code fstatat} (or {@code statx})
 * relative to the open directory. Owns its buffers, allocated once and reused for every call; not thread-safe.
 *
 * <p>Calls report failure by their result ({@code -1} or {@code false}) and leave the typed cause
 * in {@link #lastError()}. Every descriptor is opened close-on-exec. Extended attributes are read
 * through {@code LinuxXattrs}.
 */
public final class LinuxDirectoryReader extends UnixDirectoryReader {
    private static final int PATH_MAX = 4096;
    /** The longest piece of a relative path handed to one {@code openat} (must stay under PATH_MAX). */
    private static final int PATH_PIECE = PATH_MAX - 256;
    /** Without following links: none anywhere on the path (a swapped-in link fails with ELOOP). */
    private static final long NO_SYMLINKS = LinuxAbi.RESOLVE_NO_SYMLINKS | LinuxAbi.RESOLVE_BENEATH
            | LinuxAbi.RESOLVE_NO_MAGICLINKS;
    /** Following links: only those that stay below the root (others fail with EXDEV). */
    private static final long FOLLOW_BENEATH = LinuxAbi.RESOLVE_BENEATH | LinuxAbi.RESOLVE_NO_MAGICLINKS;

    private final LinuxAbi abi;
    private final NativeBuffer records;
    private final NativeBuffer stat;
    /** {@code struct open_how} for {@code openat2}. */
    private final NativeBuffer how;
    private final int directoryFlags;
    /** Whether entries are stat'ed with {@code statx} instead of {@code fstatat}. */
    private final boolean useStatx;
    /** Where stats take the attributes from: see {@link #attributesFrom}. */
    private Attributes attributes = Attributes.AS_STAT;

    /**
     * Where a stat takes an entry's attributes from, on a network filesystem whose client caches
     * them ({@code statx}'s synchronization flags; a local filesystem ignores them).
     */
    public enum Attributes {
        /** As {@code fstatat} does: the client's cache while it is fresh, the server once it expired. */
        AS_STAT(0),
        /**
         * The client's cache, however old ({@code AT_STATX_DONT_SYNC}): an NFS client keeps the
         * attributes each READDIRPLUS reply carried for every name it listed, and a stat costs no
         * round trip even once the attribute cache time has passed; the server is asked only where
         * the client holds nothing.
         */
        CACHED(LinuxAbi.AT_STATX_DONT_SYNC),
        /** The server, always ({@code AT_STATX_FORCE_SYNC}): attributes as they are now. */
        SERVER(LinuxAbi.AT_STATX_FORCE_SYNC);

        final int flag;

        Attributes(int flag) {
            this.flag = flag;
        }
    }

    /**
     * A reader with a listing buffer of the given size.
     *
     * @param bufferSize bytes for {@code getdents64}, at least {@link #MIN_BUFFER_SIZE}
     * @throws UnsupportedOperationException when the native calls are unavailable
     * @throws IllegalArgumentException when the buffer is too small
     */
    public LinuxDirectoryReader(int bufferSize) {
        this(bufferSize, false);
    }

    /**
     * A reader with a listing buffer of the given size and a choice of stat call.
     *
     * @param bufferSize bytes for {@code getdents64}, at least {@link #MIN_BUFFER_SIZE}
     * @param statx true to stat with {@code statx} (asking only for the fields fsnap records),
     *              false for {@code fstatat}
     * @throws UnsupportedOperationException when the native calls, or {@code statx}, are unavailable
     * @throws IllegalArgumentException when the buffer is too small
     */
    public LinuxDirectoryReader(int bufferSize, boolean statx) {
        super(bufferSize, PATH_MAX);
        if (statx && !LinuxLibc.hasStatx()) {
            LinuxLibc.library().ensureAvailable();
            throw new UnsupportedOperationException("statx is unavailable: the C library does not offer it");
        }
        this.useStatx = statx;
        this.abi = LinuxLibc.abi();
        this.directoryFlags = LinuxAbi.O_RDONLY | abi.oDirectory | LinuxAbi.O_CLOEXEC;
        this.records = new NativeBuffer(bufferSize);
        this.stat = new NativeBuffer(LinuxAbi.STATX_SIZE); // also holds struct stat and struct statfs
        this.how = new NativeBuffer(LinuxAbi.OPEN_HOW_SIZE);
    }

    @Override
    int errno() {
        return LinuxLibc.errno();
    }

    // ---------------------------------------------------------------- directories

    /**
     * Opens a scan root, following a symbolic link the user named.
     *
     * @param rootPath the path bytes, absolute or relative to the working directory
     * @return the descriptor, or -1
     */
    public int openRoot(byte[] rootPath) {
        if (!putPath(rootPath, 0, rootPath.length)) {
            return -1;
        }
        return openWithNoatime(LinuxAbi.AT_FDCWD, directoryFlags);
    }

    /**
     * Opens a directory below {@code dirfd}, with {@code O_NOATIME} where the kernel allows it.
     * Without {@code followLink}, no symbolic link anywhere on the path is followed (ELOOP); with it,
     * links are followed only while they stay below {@code dirfd} (EXDEV otherwise), through
     * {@code openat2}'s resolve flags where the kernel has them. Paths longer than {@code PATH_MAX}
     * are opened piece by piece, holding at most two descriptors at a time.
     *
     * @param dirfd the directory the path is relative to
     * @param relativePath the path bytes, components separated by {@code '/'}
     * @param length how many bytes of {@code relativePath} to use
     * @param followLink whether a symbolic link in the last component is followed
     * @return the descriptor, or -1
     */
    public int openDirectory(int dirfd, byte[] relativePath, int length, boolean followLink) {
        int flags = directoryFlags | (followLink ? 0 : abi.oNofollow);
        long resolve = followLink ? FOLLOW_BENEATH : NO_SYMLINKS;
        if (length <= PATH_PIECE) {
            return putPath(relativePath, 0, length) ? openWithNoatime(dirfd, flags, resolve) : -1;
        }
        // RESOLVE_BENEATH holds per piece: a piece cannot climb out of the directory it starts from.
        return PathPieces.open(dirfd, relativePath, length, PATH_PIECE, (at, start, end, last) ->
                putPath(relativePath, start, end - start) ? openWithNoatime(at,
                        last ? flags : directoryFlags | abi.oNofollow, last ? resolve : NO_SYMLINKS) : -1,
                LinuxLibc::close);
    }

    private int openWithNoatime(int dirfd, int flags) {
        return openWithNoatime(dirfd, flags, 0);
    }

    /**
     * Opens {@code path} below {@code dirfd}; with {@code resolve} flags through {@code openat2}, so
     * that the kernel itself refuses symbolic links on the way (or a way out of {@code dirfd}):
     * a directory swapped for a link between listing and opening cannot lead the scan elsewhere.
     * Where {@code openat2} is missing (before Linux 5.6, or filtered), plain {@code openat}.
     */
    private int openWithNoatime(int dirfd, int flags, long resolve) {
        int fd = open(dirfd, flags | LinuxAbi.O_NOATIME, resolve);
        if (fd >= 0) {
            return fd;
        }
        int errno = LinuxLibc.errno();
        if (errno == Errno.EPERM.intValue()) {
            // O_NOATIME is refused on files the caller does not own: open without it, as the caller asked.
            fd = open(dirfd, flags, resolve);
            return fd >= 0 ? fd : fail();
        }
        fail(FileErrors.errno(errno));
        return -1;
    }

    private static volatile boolean openat2Missing;

    private int open(int dirfd, int flags, long resolve) {
        if (resolve != 0 && !openat2Missing) {
            IO.putLong(how.address, flags & 0xFFFFFFFFL);
            IO.putLong(how.address + 8, 0);
            IO.putLong(how.address + 16, resolve);
            int fd = LinuxLibc.openat2(dirfd, path.address, how.address);
            if (fd >= 0 || LinuxLibc.errno() != Errno.ENOSYS.intValue()) {
                return fd;
            }
            openat2Missing = true;
        }
        return LinuxLibc.openat(dirfd, path.address, flags);
    }

    /**
     * Closes a descriptor this reader opened. Errors of {@code close} on a directory are not
     * actionable and are ignored.
     *
     * @param fd the descriptor
     */
    public void close(int fd) {
        if (fd >= 0) {
            LinuxLibc.close(fd);
        }
    }

    // ---------------------------------------------------------------- listing

    /** On Linux a listing is its descriptor: {@code getdents64} reads it directly. */
    @Override
    public boolean startListing(int fd) {
        return true;
    }

    @Override
    public int readListing(int fd) {
        return read(fd);
    }

    @Override
    public void endListing(int fd) {
        close(fd);
    }

    @Override
    public int workingDirectory() {
        return LinuxAbi.AT_FDCWD;
    }

    /**
     * Reads the next batch of records of an open directory into this reader's buffer, and mirrors
     * them on the Java heap so that walking them costs no native call per name.
     *
     * @param fd the directory
     * @return bytes of records in the buffer, 0 at the end, -1 on error
     */
    public int read(int fd) {
        long n = LinuxLibc.getdents64(fd, records.address, records.capacity);
        if (n < 0) {
            return fail();
        }
        IO.getByteArray(records.address, mirror, 0, (int) n);
        return (int) n;
    }

    /**
     * The offset of the record after the one at {@code position}.
     *
     * @param position a record's offset in the buffer
     * @return the next record's offset
     */
    public int next(int position) {
        int at = position + LinuxAbi.DIRENT_RECLEN;
        return position + ((mirror[at] & 0xff) | (mirror[at + 1] & 0xff) << 8);
    }

    /**
     * The record's {@code d_type}: what the entry was when it was listed, if the filesystem says
     * ({@link LinuxAbi#DT_UNKNOWN} otherwise).
     *
     * @param position a record's offset
     * @return the type, {@link LinuxAbi#DT_DIR} for example
     */
    public int recordType(int position) {
        return mirror[position + LinuxAbi.DIRENT_TYPE] & 0xff;
    }

    /**
     * Whether the record names {@code .} or {@code ..}.
     *
     * @param position a record's offset
     * @return true for the two self-references
     */
    public boolean isSelfOrParent(int position) {
        // Small enough to be inlined in the loop over records: most names do not start with a dot.
        return mirror[position + LinuxAbi.DIRENT_NAME] == '.' && isDotOrDotDot(position + LinuxAbi.DIRENT_NAME);
    }

    private boolean isDotOrDotDot(int name) {
        return mirror[name + 1] == 0 || (mirror[name + 1] == '.' && mirror[name + 2] == 0);
    }

    /**
     * The length of the record's name in bytes.
     *
     * @param position a record's offset
     * @return the name length
     */
    public int nameLength(int position) {
        int name = position + LinuxAbi.DIRENT_NAME;
        // The name is NUL-padded to the record's 8-byte alignment: its end is among the last 8 bytes.
        int n = Math.max(0, next(position) - name - 8);
        while (mirror[name + n] != 0) {
            n++;
        }
        return n;
    }

    /**
     * Copies the record's name bytes.
     *
     * @param position a record's offset
     * @param length the name length, from {@link #nameLength}
     * @param destination where to copy
     * @param offset offset in {@code destination}
     */
    public void copyName(int position, int length, byte[] destination, int offset) {
        System.arraycopy(mirror, position + LinuxAbi.DIRENT_NAME, destination, offset, length);
    }

    /**
     * Puts saved records back into this reader's buffer, and into the native one the stat calls
     * take names from.
     *
     * @param saved records from {@link #save}
     */
    @Override
    public void restore(byte[] saved) {
        IO.putByteArray(records.address, saved, 0, saved.length);
        System.arraycopy(saved, 0, mirror, 0, saved.length);
    }

    // ---------------------------------------------------------------- stat

    /**
     * Stats the entry named by the record, relative to the open directory it was read from.
     *
     * @param dirfd the directory
     * @param position the record's offset
     * @param followLink whether to stat the target of a symbolic link
     * @return true when the stat buffer holds the entry's metadata
     */
    public boolean stat(int dirfd, int position, boolean followLink) {
        return statAt(dirfd, records.address + position + LinuxAbi.DIRENT_NAME, followLink);
    }

    /**
     * From now on, stats take the attributes from there ({@link Attributes}). The fields are those
     * {@code fstatat} gives (no birth time or file flags unless this reader was made to stat with
     * {@code statx}).
     *
     * @param source where from
     * @return whether stats now do so: false where the C library has no {@code statx} (they stat
     *         as {@code fstatat} does)
     */
    public boolean attributesFrom(Attributes source) {
        attributes = source == Attributes.AS_STAT || LinuxLibc.hasStatx() ? source : Attributes.AS_STAT;
        return attributes == source;
    }

    /** @return where stats take the attributes from (see {@link #attributesFrom}) */
    public Attributes attributes() {
        return attributes;
    }

    /**
     * Stats the entry named by the record as {@link #stat} does, asking the server whatever
     * {@link #attributesFrom} said: for an entry about to be read, whose cached attributes may be
     * older than its content.
     *
     * @param dirfd the directory
     * @param position the record's offset
     * @param followLink whether to stat the target of a symbolic link
     * @return true when the stat buffer holds the entry's metadata
     */
    public boolean statFromServer(int dirfd, int position, boolean followLink) {
        Attributes was = attributes;
        attributesFrom(Attributes.SERVER);
        try {
            return stat(dirfd, position, followLink);
        } finally {
            attributes = was;
        }
    }

    private boolean statAt(int dirfd, long name, boolean followLink) {
        int flags = followLink ? 0 : LinuxAbi.AT_SYMLINK_NOFOLLOW;
        Attributes from = attributes;
        if (useStatx || from != Attributes.AS_STAT) {
            if (LinuxLibc.statx(dirfd, name, flags | from.flag, statxMask(), stat.address) != 0) {
                return failed();
            }
            if (filled(stat.address)) {
                decodeStatx(stat.address, useStatx);
                return true;
            }
            // A filesystem that did not fill every field asked for: ask the classic way.
        }
        if (LinuxLibc.fstatat(dirfd, name, stat.address, flags) != 0) {
            return failed();
        }
        decodeStat();
        return true;
    }

    /** Reads the fields of the {@code struct stat} in the buffer, at the architecture's offsets. */
    private void decodeStat() {
        long a = stat.address;
        LinuxAbi l = abi;
        long[] f = last;
        StatFields.clear(f, 0);
        f[StatFields.DEVICE] = IO.getLong(a + l.stDev);
        f[StatFields.INODE] = IO.getLong(a + l.stIno);
        f[StatFields.NLINK] = l.stNlinkWidth == 8 ? IO.getLong(a + l.stNlink) : IO.getInt(a + l.stNlink) & 0xffffffffL;
        f[StatFields.MODE] = IO.getInt(a + l.stMode);
        f[StatFields.UID] = IO.getInt(a + l.stUid) & 0xffffffffL;
        f[StatFields.GID] = IO.getInt(a + l.stGid) & 0xffffffffL;
        f[StatFields.SIZE] = IO.getLong(a + l.stSize);
        f[StatFields.MTIME_SEC] = IO.getLong(a + l.stMtimeSec);
        f[StatFields.MTIME_NSEC] = (int) IO.getLong(a + l.stMtimeNsec);
        f[StatFields.CTIME_SEC] = IO.getLong(a + l.stCtimeSec);
        f[StatFields.CTIME_NSEC] = (int) IO.getLong(a + l.stCtimeNsec);
    }

    /**
     * Reads the fields of the {@code struct statx} in the buffer (the same on every architecture).
     *
     * @param a the buffer's address
     * @param beyondStat whether to keep what {@code fstatat} does not give too: birth time, file flags
     */
    private void decodeStatx(long a, boolean beyondStat) {
        long[] f = last;
        StatFields.clear(f, 0);
        // glibc's makedev() of stx_dev_major and stx_dev_minor: the st_dev fstatat reports
        long major = IO.getInt(a + LinuxAbi.STX_DEV_MAJOR) & 0xffffffffL;
        long minor = IO.getInt(a + LinuxAbi.STX_DEV_MAJOR + 4) & 0xffffffffL;
        f[StatFields.DEVICE] = (major & 0xfffL) << 8 | (major & 0xfffff000L) << 32 | (minor & 0xffL)
                | (minor & 0xffffff00L) << 12;
        f[StatFields.INODE] = IO.getLong(a + LinuxAbi.STX_INO);
        f[StatFields.NLINK] = IO.getInt(a + LinuxAbi.STX_NLINK) & 0xffffffffL;
        f[StatFields.MODE] = IO.getShort(a + LinuxAbi.STX_MODE) & 0xffff;
        f[StatFields.UID] = IO.getInt(a + LinuxAbi.STX_UID) & 0xffffffffL;
        f[StatFields.GID] = IO.getInt(a + LinuxAbi.STX_GID) & 0xffffffffL;
        f[StatFields.SIZE] = IO.getLong(a + LinuxAbi.STX_SIZE);
        f[StatFields.MTIME_SEC] = IO.getLong(a + LinuxAbi.STX_MTIME);
        f[StatFields.MTIME_NSEC] = IO.getInt(a + LinuxAbi.STX_MTIME + 8);
        f[StatFields.CTIME_SEC] = IO.getLong(a + LinuxAbi.STX_CTIME);
        f[StatFields.CTIME_NSEC] = IO.getInt(a + LinuxAbi.STX_CTIME + 8);
        if (!beyondStat) {
            return;
        }
        long supported = IO.getLong(a + LinuxAbi.STX_ATTRIBUTES_MASK) & LinuxAbi.STATX_FILE_FLAGS;
        if (supported != 0) {
            f[StatFields.FLAGS] = IO.getLong(a + LinuxAbi.STX_ATTRIBUTES) & supported;
        }
        if ((IO.getInt(a + LinuxAbi.STX_MASK) & LinuxAbi.STATX_BTIME) != 0) {
            f[StatFields.BTIME_SEC] = IO.getLong(a + LinuxAbi.STX_BTIME);
            f[StatFields.BTIME_NSEC] = IO.getInt(a + LinuxAbi.STX_BTIME + 8);
        }
    }

    /** The fields a {@code statx} asks for: those {@code fstatat} gives, and the birth time where wanted. */
    private int statxMask() {
        return useStatx ? LinuxAbi.STATX_WANTED | LinuxAbi.STATX_BTIME : LinuxAbi.STATX_WANTED;
    }

    /** Whether the filesystem filled every field {@code fstatat} gives (else the caller asks the classic way). */
    private static boolean filled(long statx) {
        return (IO.getInt(statx + LinuxAbi.STX_MASK) & LinuxAbi.STATX_WANTED) == LinuxAbi.STATX_WANTED;
    }

    // ---------------------------------------------------------------- stats in flight together

    /** How many records {@link #statAhead} takes at once. */
    public static final int STATS_AHEAD = StatRing.DEPTH;

    /** This thread's ring, made at the first {@link #statAhead}; null before, and after it failed. */
    private StatRing ring;
    /** Whether stats go through a ring: until one cannot be made or fails. */
    private boolean throughRing;
    /** Why the ring could not be made, or failed; null while it works. */
    private String ringRefusal;
    /** The records of the stats in flight, their directory and whether they follow links. */
    private final int[] ahead = new int[STATS_AHEAD];
    private int aheadDirfd;
    private boolean aheadFollow;

    /**
     * Makes this reader stat through io_uring ({@link #statAhead}), many stats in flight in one
     * system call; the ring itself is made by the thread that first stats, which alone uses it.
     *
     * @param on whether to
     */
    public void statThroughRing(boolean on) {
        throughRing = on;
    }

    /**
     * Whether {@link #statAhead} can be called: stats go through a ring (until one could not be
     * made; then {@link #ringRefusal()} says why, and stats are made one by one).
     *
     * @return true while they do
     */
    public boolean statsAhead() {
        return throughRing;
    }

    /** @return why stats through a ring stopped, or null while they are made so (or were never asked for) */
    public String ringRefusal() {
        return ringRefusal;
    }

    /**
     * Whether io_uring stats can be made here: a ring made on the calling thread, one {@code statx}
     * of the directory itself through it, which must succeed and fill every field, and closed.
     *
     * @param dirfd an open directory
     * @return null when they can; else why not (the kernel refused io_uring, for example)
     */
    public String probeRing(int dirfd) {
        try (StatRing probe = StatRing.open()) {
            long dot = putDot();
            probe.queueStat(0, dirfd, dot, LinuxAbi.AT_SYMLINK_NOFOLLOW, LinuxAbi.STATX_WANTED);
            boolean in = false;
            for (int wait = 0; wait < 20 && !in; wait++) {
                in = probe.await(0);
            }
            if (!in) { // closed in flight: the ring keeps its buffer (see StatRing#close)
                return "io_uring statx of the root did not answer within a second";
            }
            int res = probe.result(0);
            probe.settle();
            if (res != 0) {
                return "io_uring statx: " + (res == StatRing.NOT_CARRIED ? "the ring failed"
                        : FileErrors.errno(-res).name());
            }
            return filled(probe.buffer(0)) ? null : "io_uring statx did not fill every field";
        } catch (UnsupportedOperationException e) {
            return e.getMessage();
        }
    }

    private long putDot() {
        IO.putByte(path.address, (byte) '.');
        IO.putByte(path.address + 1, (byte) 0);
        return path.address;
    }

    /**
     * Puts the stats of up to {@link #STATS_AHEAD} records of the listing in this reader's buffer in
     * flight together; {@link #awaitStat} then takes each result in turn, and {@link #settleStats}
     * must follow before the listing's buffer changes. Where the ring cannot be made, nothing is put
     * in flight, {@link #statsAhead()} turns false, and the caller stats one by one.
     *
     * @param dirfd the directory the records were listed from
     * @param positions the records' offsets
     * @param count how many, at most {@link #STATS_AHEAD}
     * @param followLink whether to stat the targets of symbolic links
     * @return whether they are in flight
     */
    public boolean statAhead(int dirfd, int[] positions, int count, boolean followLink) {
        if (ring == null) {
            try {
                ring = StatRing.open();
            } catch (UnsupportedOperationException e) {
                ringRefusal = e.getMessage();
                throughRing = false;
                return false;
            }
        }
        aheadDirfd = dirfd;
        aheadFollow = followLink;
        int flags = (followLink ? 0 : LinuxAbi.AT_SYMLINK_NOFOLLOW) | attributes.flag;
        int mask = statxMask();
        for (int k = 0; k < count; k++) {
            ahead[k] = positions[k];
            ring.queueStat(k, dirfd, records.address + positions[k] + LinuxAbi.DIRENT_NAME, flags, mask);
        }
        return true;
    }

    /**
     * Waits for the {@code k}-th stat of the last {@link #statAhead}, and puts its result where
     * {@link #stat} puts one: the same fields, byte for byte. Waits at most a fraction of a second,
     * so that the caller can give up on a stat that hangs.
     *
     * @param k which of them
     * @return 1 when the entry's metadata is in; 0 when its stat failed ({@link #lastError()}); -1
     *         when it is still in flight
     */
    public int awaitStat(int k) {
        if (!ring.await(k)) {
            return -1;
        }
        int res = ring.result(k);
        if (res == 0 && filled(ring.buffer(k))) {
            decodeStatx(ring.buffer(k), useStatx);
            return 1;
        }
        if (res == StatRing.NOT_CARRIED && ringRefusal == null) {
            ringRefusal = "the ring failed";
        }
        if (res == 0 || res == StatRing.NOT_CARRIED || res == -Errno.EAGAIN.intValue()
                || res == -Errno.EINVAL.intValue() || res == -Errno.ECANCELED.intValue()
                || res == -Errno.EINTR.intValue()) {
            // Fields not filled, the ring failed, or a request it would not carry or ended itself
            // (ECANCELED: the kernel could not start a worker thread for it): the classic way.
            return stat(aheadDirfd, ahead[k], aheadFollow) ? 1 : 0;
        }
        fail(FileErrors.errno(-res));
        return 0;
    }

    /**
     * Waits for every stat of the last {@link #statAhead} still in flight, after asking the kernel to
     * cancel those not awaited (the caller gave up on them); a stat stuck in the kernel is waited for
     * until it returns, as a stuck {@code fstatat} is. Then the listing's buffer may change. A ring
     * that failed is let go here, and stats are made one by one from then on.
     */
    public void settleStats() {
        if (ring == null) {
            return;
        }
        ring.settle();
        if (!ring.usable()) {
            ring.close();
            ring = null;
            throughRing = false;
        }
    }

    /**
     * Stats a path relative to a directory (or the working directory for {@link LinuxAbi#AT_FDCWD}).
     *
     * @param dirfd the directory
     * @param pathBytes the path
     * @param followLink whether to stat the target of a symbolic link
     * @return true when the stat buffer holds the metadata
     */
    public boolean statPath(int dirfd, byte[] pathBytes, boolean followLink) {
        return putPath(pathBytes, 0, pathBytes.length) && statAt(dirfd, path.address, followLink);
    }

    @Override
    public String filesystemType(int fd) {
        // struct statfs is 120 bytes on x86_64 and aarch64, f_type its first field; the stat buffer
        // (256 bytes) is free between stats.
        if (LinuxLibc.fstatfs(fd, stat.address) != 0) {
            fail();
            return null;
        }
        return LinuxAbi.filesystemName(IO.getLong(stat.address));
    }

    // ---------------------------------------------------------------- symbolic links

    /**
     * Reads the target of the symbolic link named by the record.
     *
     * @param dirfd the directory it was read from
     * @param position the record's offset
     * @return the target's bytes, or null with {@link #lastError()} set
     */
    /** @return the native address of a record's NUL-terminated name */
    long nameAddress(int position) {
        return records.address + position + LinuxAbi.DIRENT_NAME;
    }

    public byte[] readLink(int dirfd, int position) {
        long name = records.address + position + LinuxAbi.DIRENT_NAME;
        return linkTarget(LinuxLibc.readlinkat(dirfd, name, link.address, link.capacity));
    }

    // ---------------------------------------------------------------- extended attributes

    /** This reader's extended attributes: their three ways of calling and their buffers. */
    private final LinuxXattrs xattrs = new LinuxXattrs(this);

    /** Chooses the way, for tests of both on one kernel; {@code true} is undone at the first ENOSYS. */
    static void useXattrsAt(boolean useAt) {
        LinuxXattrs.useXattrsAt(useAt);
    }

    /**
     * How extended attributes are read on this system: {@code "listxattrat"} (Linux 6.13 and later)
     * or {@code "/proc/self/fd"} (older kernels).
     *
     * @return the name of the way
     */
    public static String xattrCalls() {
        return LinuxXattrs.xattrCalls();
    }

    /**
     * The extended attributes of the entry a record names, its own and never a link's target's, its
     * name looked up in the open directory (by its descriptor, not by a path that can be swapped):
     * {@code listxattrat} and {@code getxattrat} with {@code AT_SYMLINK_NOFOLLOW} where the kernel
     * has them (6.13), else {@code llistxattr} and {@code lgetxattr} on {@code /proc/self/fd/DIRFD/NAME}.
     * Names and values are bytes, kept as they are. An attribute removed between the listing and its
     * reading is left out. Nothing is allocated for an entry without attributes.
     *
     * @param dirfd the directory the record was listed from
     * @param position the record's offset
     * @return pairs: {@code [2k]} a name without its NUL, {@code [2k + 1]} its value; empty when the
     *         entry has none or the filesystem keeps none; null with {@link #lastError()} set
     *         ({@code ENOENT}: the entry was removed since it was listed)
     */
    public byte[][] readXattrs(int dirfd, int position) {
        return xattrs.read(dirfd, position);
    }

    /**
     * The extended attributes of an open file itself ({@code flistxattr}, {@code fgetxattr}): the
     * scan's root, which no directory of the scan lists.
     *
     * @param fd the open file
     * @return as {@link #readXattrs(int, int)}
     */
    public byte[][] readXattrs(int fd) {
        return xattrs.read(fd);
    }

    /** Frees the buffers. Harmless to call twice. */
    @Override
    public void close() {
        super.close();
        records.close();
        stat.close();
        how.close();
        xattrs.close();
        if (ring != null) {
            ring.close();
            ring = null;
        }
    }
}
