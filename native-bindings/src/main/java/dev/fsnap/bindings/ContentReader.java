package dev.fsnap.bindings;

import jnr.constants.platform.Errno;

/**
 * Reads a regular file's content and digests it, one worker's: the file opened relative to its
 * directory ({@code openat} with {@code O_NOFOLLOW}, {@code O_NOATIME} where allowed,
 * {@code O_CLOEXEC}, {@code O_NONBLOCK} so that a file replaced by a FIFO cannot block), read in
 * large {@code pread}s into one native buffer, digested there (SHA-256 by the system's libcrypto,
 * which uses the CPU's SHA instructions; XXH3-128 by the system's libxxhash, else hash4j), and stat'ed before and after on its
 * descriptor, so that a file that changed while it was read is told.
 *
 * <p>The page cache is left as it was found: the first piece of a file is asked of the cache alone
 * ({@code preadv2} with {@code RWF_NOWAIT}); a file that was not in the cache is read normally and
 * dropped from it as it is read and, at the end, whole (its readahead too:
 * {@code posix_fadvise(POSIX_FADV_DONTNEED)}), so a nightly digest of a file server's data does not
 * push out what its users are working on; a file that was in the cache stays there.
 *
 * <p>A read is done in calls the caller makes one by one ({@link #open}, {@link #read} until it
 * returns 0, {@link #finish}), so that it can show progress to a watchdog between them and give up
 * in the middle; a caller that wants the bytes too copies each piece out after its read
 * ({@link #copyPiece}). Every call reports failure as {@code false} or {@code -1} with {@link #lastError()}.
 */
public final class ContentReader implements AutoCloseable {
    /** Bytes asked of each read: large enough that a call's cost vanishes, small enough to show progress. */
    public static final int CHUNK = 1 << 20;
    private static final int STATX_CHANGE = 0x1 | 0x2 | 0x40 | 0x80 | 0x100 | 0x200; // type, mode, mtime, ctime, ino, size
    /** The statx fields compared before and after a read: size, mtime, ctime (seconds, then nanoseconds), inode. */
    private static final int[] CHANGE_FIELDS = {LinuxAbi.STX_SIZE, LinuxAbi.STX_MTIME, LinuxAbi.STX_MTIME + 8,
        LinuxAbi.STX_CTIME, LinuxAbi.STX_CTIME + 8, LinuxAbi.STX_INO};
    private static volatile boolean noAtimeRefused;
    private static volatile boolean nowaitUnsupported = !LinuxLibc.hasPreadv2();

    private final int length;
    private final NativeBuffer buffer = new NativeBuffer(CHUNK);
    /** An iovec for preadv2, then two statx results (before, after). */
    private final NativeBuffer scratch = new NativeBuffer(16 + 2 * LinuxAbi.STATX_SIZE);
    private final Sha256 sha;
    private final Xxh3 xxh;
    private int fd = -1;
    private long offset;
    /** The bytes the last {@link #read} put in the buffer ({@link #copyPiece}). */
    private int piece;
    /** Where the digest of the file's first bytes is taken on the way ({@link #digestPrefix}), or -1. */
    private long prefix = -1;
    private byte[] prefixDigest;
    /** Whether the open file was not in the page cache: what its read brings in is dropped. */
    private boolean cold;
    private Errno lastError;

    private ContentReader(boolean sha256) {
        LinuxLibc.library().ensureAvailable();
        this.sha = sha256 ? Sha256.create() : null;
        this.xxh = sha256 ? null : new Xxh3();
        this.length = sha256 ? Sha256.LENGTH : 16;
    }

    /**
     * @return a reader that digests with SHA-256 (cryptographic: evidence against tampering)
     * @throws UnsupportedOperationException when the native Linux calls are unavailable
     */
    public static ContentReader sha256() {
        return new ContentReader(true);
    }

    /**
     * @return a reader that digests with XXH3-128 (fast, not cryptographic: for bit rot only)
     * @throws UnsupportedOperationException when the native Linux calls are unavailable
     */
    public static ContentReader xxh3() {
        return new ContentReader(false);
    }

    /**
     * @param sha256 the algorithm: SHA-256, else XXH3-128
     * @return what computes its digests: a library's file name, or the Java fallback and why
     */
    public static String implementation(boolean sha256) {
        return sha256 ? Sha256.implementation() : Xxh3.implementation();
    }

    /** @return the length of this reader's digests in bytes */
    public int length() {
        return length;
    }

    /** @return why the last call failed */
    public Errno lastError() {
        return lastError;
    }

    /**
     * Opens the file a directory record names, without following a link, and stats it.
     *
     * @param directory the reader that listed it
     * @param dirfd the directory it was listed from
     * @param position the record
     * @return false with {@link #lastError()} ({@code ELOOP}: now a link; {@code EISDIR} or
     *         {@code EINVAL}: now no regular file; {@code ENOENT}: removed)
     */
    public boolean open(LinuxDirectoryReader directory, int dirfd, int position) {
        closeFile();
        long name = directory.nameAddress(position);
        int flags = LinuxAbi.O_RDONLY | LinuxAbi.O_CLOEXEC | LinuxAbi.O_NONBLOCK | LinuxLibc.abi().oNofollow;
        int f = -1;
        if (!noAtimeRefused) {
            f = LinuxLibc.openat(dirfd, name, flags | LinuxAbi.O_NOATIME);
            if (f < 0 && LinuxLibc.errno() == Errno.EPERM.intValue()) {
                noAtimeRefused = true; // not the owner: O_NOATIME is refused, and the read may touch atime
            }
        }
        if (f < 0 && noAtimeRefused) {
            f = LinuxLibc.openat(dirfd, name, flags);
        }
        if (f < 0) {
            return fail();
        }
        fd = f;
        offset = 0;
        piece = 0;
        prefix = -1;
        prefixDigest = null;
        cold = true;
        if (!statInto(scratch.address + 16)) {
            closeFile();
            return false;
        }
        int mode = NativeBuffer.IO.getShort(scratch.address + 16 + LinuxAbi.STX_MODE) & LinuxAbi.S_IFMT;
        if (mode != LinuxAbi.S_IFREG) {
            closeFile();
            lastError = Errno.EINVAL;
            return false;
        }
        if (sha != null) {
            sha.start();
        } else {
            xxh.start();
        }
        return true;
    }

    private boolean statInto(long address) {
        if (!LinuxLibc.hasStatx()) {
            NativeBuffer.IO.setMemory(address, LinuxAbi.STATX_SIZE, (byte) 0);
            return true; // no way to tell a change while reading: never reported as changed
        }
        long empty = scratch.address; // "" : the iovec is not in use yet
        NativeBuffer.IO.putByte(empty, (byte) 0);
        if (LinuxLibc.statx(fd, empty, LinuxAbi.AT_EMPTY_PATH, STATX_CHANGE, address) != 0) {
            return fail();
        }
        return true;
    }

    /**
     * Reads and digests the next piece.
     *
     * @return the bytes read, 0 at the end, -1 with {@link #lastError()}
     */
    public long read() {
        piece = 0;
        long n = -1;
        boolean fromCache = false;
        if (offset == 0 && !nowaitUnsupported) {
            NativeBuffer.IO.putLong(scratch.address, buffer.address);
            NativeBuffer.IO.putLong(scratch.address + 8, CHUNK);
            n = LinuxLibc.preadv2(fd, scratch.address, 1, offset, LinuxAbi.RWF_NOWAIT);
            if (n < 0) {
                int e = LinuxLibc.errno();
                if (e == Errno.ENOSYS.intValue()) {
                    nowaitUnsupported = true; // a kernel without preadv2: plain reads, dropped after
                } else if (e != Errno.EAGAIN.intValue() && e != Errno.EOPNOTSUPP.intValue() && e != Errno.EINVAL.intValue()) {
                    return failed(); // EOPNOTSUPP, EINVAL: a filesystem (or an old kernel) without RWF_NOWAIT
                }
            } else {
                // From the cache: a whole first piece, or the whole of a smaller file, means it was there.
                fromCache = true;
                long size = NativeBuffer.IO.getLong(scratch.address + 16 + LinuxAbi.STX_SIZE);
                cold = n > 0 && n < CHUNK && n < size;
            }
        }
        if (!fromCache && n != 0) {
            n = LinuxLibc.pread(fd, buffer.address, CHUNK, offset);
            if (n < 0) {
                return failed();
            }
            if (n > 0 && cold) {
                LinuxLibc.posixFadvise(fd, offset, n, LinuxAbi.POSIX_FADV_DONTNEED);
            }
        }
        if (n > 0) {
            digest(n);
            offset += n;
        }
        piece = (int) Math.max(n, 0);
        return n;
    }

    /**
     * Copies the piece the last {@link #read} returned out of the native buffer into a Java array,
     * for a caller that wants the file's bytes besides its digest. This copy is what delivering the
     * content to Java costs: every byte once more, at memory speed, beside its read and its digest
     * (which stay native); a read that only digests copies nothing. The caller keeps one array for
     * all its files.
     *
     * @param into receives the piece from index 0; {@link #CHUNK} bytes hold any piece
     * @return the bytes copied: those the last read returned (0 after the end or a failure)
     * @throws IndexOutOfBoundsException when the array is shorter than the piece
     */
    public int copyPiece(byte[] into) {
        int n = piece;
        if (n > into.length) {
            throw new IndexOutOfBoundsException("a piece of " + n + " bytes does not fit in " + into.length);
        }
        if (n > 0) {
            NativeBuffer.IO.getByteArray(buffer.address, into, 0, n);
        }
        return n;
    }

    /**
     * Asks, for the file just opened, for the digest of its first {@code length} bytes too, taken on
     * the way to the whole ({@link #prefixDigest()}): whether a file that grew still begins with
     * what it held.
     *
     * @param length the bytes, or -1 for none
     */
    public void digestPrefix(long length) {
        prefix = length;
        prefixDigest = null;
    }

    /** @return the digest of the first bytes asked for, or null when none was asked or the file is shorter */
    public byte[] prefixDigest() {
        return prefixDigest == null ? null : prefixDigest.clone();
    }

    private void digest(long n) {
        long start = offset;
        if (prefix >= start && prefix <= start + n && prefixDigest == null) {
            int first = (int) (prefix - start);
            update(buffer.address, first);
            prefixDigest = new byte[length];
            if (sha != null) {
                sha.peek(prefixDigest);
            } else {
                xxh.peek(prefixDigest);
            }
            update(buffer.address + first, (int) (n - first));
            return;
        }
        update(buffer.address, (int) n);
    }

    private void update(long address, int n) {
        if (n == 0) {
            return;
        }
        if (sha != null) {
            sha.update(address, n);
            return;
        }
        xxh.update(address, n);
    }

    /**
     * Ends the read: the digest, and whether the file changed while it was read (its size, times,
     * inode or mode differ from when it was opened). The file is closed.
     *
     * @param digest receives the digest, {@link #length()} bytes
     * @return 1 when the file changed while it was read, 0 when not, -1 with {@link #lastError()}
     */
    public int finish(byte[] digest) {
        long before = scratch.address + 16;
        long after = before + LinuxAbi.STATX_SIZE;
        if (!statInto(after)) {
            closeFile();
            return -1;
        }
        if (cold) {
            LinuxLibc.posixFadvise(fd, 0, 0, LinuxAbi.POSIX_FADV_DONTNEED); // the readahead beyond the last piece too
        }
        boolean changed = false;
        for (int field : CHANGE_FIELDS) {
            changed |= NativeBuffer.IO.getLong(before + field) != NativeBuffer.IO.getLong(after + field);
        }
        if (sha != null) {
            sha.finish(digest);
        } else {
            xxh.finish(digest);
        }
        closeFile();
        return changed ? 1 : 0;
    }

    /**
     * Whether the open file's size, times or inode differ from a stat row's: it changed between
     * that stat and its opening.
     *
     * @param row a row of {@link StatFields} slots
     * @param offset where the row starts
     * @return true when they differ (false where {@code statx} is not available)
     */
    public boolean differsFrom(long[] row, int offset) {
        if (!LinuxLibc.hasStatx()) {
            return false;
        }
        long at = scratch.address + 16;
        return NativeBuffer.IO.getLong(at + LinuxAbi.STX_SIZE) != row[offset + StatFields.SIZE]
                || NativeBuffer.IO.getLong(at + LinuxAbi.STX_MTIME) != row[offset + StatFields.MTIME_SEC]
                || (NativeBuffer.IO.getInt(at + LinuxAbi.STX_MTIME + 8) & 0xFFFFFFFFL) != row[offset + StatFields.MTIME_NSEC]
                || NativeBuffer.IO.getLong(at + LinuxAbi.STX_CTIME) != row[offset + StatFields.CTIME_SEC]
                || (NativeBuffer.IO.getInt(at + LinuxAbi.STX_CTIME + 8) & 0xFFFFFFFFL) != row[offset + StatFields.CTIME_NSEC]
                || NativeBuffer.IO.getLong(at + LinuxAbi.STX_INO) != row[offset + StatFields.INODE];
    }

    /** @return the bytes read of the open file so far */
    public long offset() {
        return offset;
    }

    private boolean fail() {
        lastError = FileErrors.errno(LinuxLibc.errno());
        return false;
    }

    private long failed() {
        fail();
        return -1;
    }

    /** Closes the file being read, if one is; harmless otherwise. */
    public void closeFile() {
        if (fd >= 0) {
            LinuxLibc.close(fd);
            fd = -1;
        }
    }

    /** Closes the file and frees the buffers. */
    @Override
    public void close() {
        closeFile();
        buffer.close();
        scratch.close();
        if (sha != null) {
            sha.close();
        } else {
            xxh.close();
        }
    }
}
