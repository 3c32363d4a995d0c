package dev.fsnap.bindings;

import com.kenai.jffi.Invoker;
import com.kenai.jffi.LastError;
import com.kenai.jffi.Library;
import com.kenai.jffi.Type;

/**
 * The C library calls fsnap makes on Linux, one static method per call, bound once through jffi.
 *
 * <p>Arguments that point at memory are raw addresses of buffers the caller owns (see
 * {@link NativeBuffer}); results are the C results, with {@code errno} read through
 * {@link #errno()} right after a failed call on the same thread. Typed errors are made one level up,
 * in {@link DirectoryReader}.
 *
 * <p>jffi is the call layer of the JNR project: jnr-ffi's generated stubs call the same
 * {@link Invoker}. fsnap calls it directly because jnr-ffi generates those stubs with ASM at every
 * JVM start (about 150 ms on the reference machine, half the start-up budget of a scan), and the
 * per-call cost is the same.
 */
public final class LinuxLibc {
    private static final Throwable UNAVAILABILITY_CAUSE;
    private static final LinuxAbi ABI;
    private static final Invoker INVOKER;
    private static final BoundCall OPENAT;
    private static final BoundCall CLOSE;
    private static final BoundCall GETDENTS64;
    private static final BoundCall FSTATAT;
    private static final BoundCall READLINKAT;
    private static final BoundCall ISATTY;
    private static final BoundCall FSTATFS;
    /** {@code statx}, wrapped by glibc since 2.28; null where the C library lacks it. */
    private static final BoundCall STATX;
    /** The calls that write a snapshot file: created unnamed, forced, then given its name. */
    private static final BoundCall OPENAT_MODE;
    private static final BoundCall WRITE;
    private static final BoundCall PREAD;
    private static final BoundCall FSYNC;
    private static final BoundCall LINKAT;
    private static final BoundCall RENAMEAT;
    private static final BoundCall UNLINKAT;
    private static final BoundCall LSEEK;
    /** {@code getrandom}, for names no other user can predict; null where the C library lacks it. */
    private static final BoundCall GETRANDOM;
    /** {@code syscall(2)}, for {@code openat2}, which the C library does not wrap. */
    private static final BoundCall SYSCALL;

    static {
        Throwable cause = null;
        LinuxAbi abi = LinuxAbi.current().orElse(null);
        Invoker invoker = null;
        BoundCall openat = null, close = null, getdents = null, fstatat = null, readlinkat = null, isatty = null;
        BoundCall syscall = null;
        BoundCall fstatfs = null;
        BoundCall openatMode = null, write = null, pread = null, fsync = null, linkat = null, renameat = null;
        BoundCall unlinkat = null, lseek = null;
        if (abi == null) {
            cause = new UnsupportedOperationException("no Linux layout for " + System.getProperty("os.name") + " "
                    + System.getProperty("os.arch"));
        } else {
            try {
                Library libc = Library.getDefault();
                invoker = Invoker.getInstance();
                openat = BoundCall.bind(libc, "openat", Type.SINT, Type.SINT, Type.POINTER, Type.SINT);
                close = BoundCall.bind(libc, "close", Type.SINT, Type.SINT);
                getdents = BoundCall.bind(libc, "getdents64", Type.SLONG, Type.SINT, Type.POINTER, Type.ULONG);
                fstatat = BoundCall.bind(libc, "fstatat", Type.SINT, Type.SINT, Type.POINTER, Type.POINTER, Type.SINT);
                readlinkat = BoundCall.bind(libc, "readlinkat", Type.SLONG, Type.SINT, Type.POINTER, Type.POINTER,
                        Type.ULONG);
                isatty = BoundCall.bind(libc, "isatty", Type.SINT, Type.SINT);
                fstatfs = BoundCall.bind(libc, "fstatfs", Type.SINT, Type.SINT, Type.POINTER);
                openatMode = BoundCall.bind(libc, "openat", Type.SINT, Type.SINT, Type.POINTER, Type.SINT, Type.UINT);
                write = BoundCall.bind(libc, "write", Type.SLONG, Type.SINT, Type.POINTER, Type.ULONG);
                pread = BoundCall.bind(libc, "pread64", Type.SLONG, Type.SINT, Type.POINTER, Type.ULONG, Type.SLONG);
                fsync = BoundCall.bind(libc, "fsync", Type.SINT, Type.SINT);
                linkat = BoundCall.bind(libc, "linkat", Type.SINT, Type.SINT, Type.POINTER, Type.SINT, Type.POINTER,
                        Type.SINT);
                renameat = BoundCall.bind(libc, "renameat", Type.SINT, Type.SINT, Type.POINTER, Type.SINT,
                        Type.POINTER);
                unlinkat = BoundCall.bind(libc, "unlinkat", Type.SINT, Type.SINT, Type.POINTER, Type.SINT);
                lseek = BoundCall.bind(libc, "lseek64", Type.SLONG, Type.SINT, Type.SLONG, Type.SINT);
                syscall = BoundCall.bind(libc, "syscall", Type.SLONG, Type.SLONG, Type.SLONG, Type.POINTER, Type.POINTER,
                        Type.ULONG);
            } catch (Throwable t) {
                // LinkageError from the jffi stub, or a symbol this C library lacks: recorded, reported by callers.
                cause = t;
            }
        }
        BoundCall statx = null;
        if (cause == null) {
            try {
                statx = BoundCall.bind(Library.getDefault(), "statx", Type.SINT, Type.SINT, Type.POINTER, Type.SINT,
                        Type.UINT, Type.POINTER);
            } catch (Throwable t) {
                // an older C library: fstatat is the stat call, statx is reported unavailable
            }
        }
        STATX = statx;
        BoundCall getrandom = null;
        if (cause == null) {
            try {
                getrandom = BoundCall.bind(Library.getDefault(), "getrandom", Type.SLONG, Type.POINTER, Type.ULONG,
                        Type.UINT);
            } catch (Throwable t) {
                // glibc before 2.25: callers fall back to another source
            }
        }
        GETRANDOM = getrandom;
        UNAVAILABILITY_CAUSE = cause;
        ABI = cause == null ? abi : null;
        INVOKER = invoker;
        OPENAT = openat;
        CLOSE = close;
        GETDENTS64 = getdents;
        FSTATAT = fstatat;
        READLINKAT = readlinkat;
        ISATTY = isatty;
        SYSCALL = syscall;
        FSTATFS = fstatfs;
        OPENAT_MODE = openatMode;
        WRITE = write;
        PREAD = pread;
        FSYNC = fsync;
        LINKAT = linkat;
        RENAMEAT = renameat;
        UNLINKAT = unlinkat;
        LSEEK = lseek;
    }

    private LinuxLibc() {
    }

    /** A bound C function: its address and the call context jffi needs. */

    /**
     * Whether the calls can be made on this system.
     *
     * @return true when the layout is known and every symbol was bound
     */
    public static boolean isAvailable() {
        return UNAVAILABILITY_CAUSE == null;
    }

    /**
     * Why the calls cannot be made, or null when they can.
     *
     * @return the cause, or null
     */
    public static Throwable unavailabilityCause() {
        return UNAVAILABILITY_CAUSE;
    }

    /**
     * Throws when the calls cannot be made.
     *
     * @throws UnsupportedOperationException with the cause attached, when unavailable
     */
    public static void ensureAvailability() {
        if (UNAVAILABILITY_CAUSE != null) {
            throw new UnsupportedOperationException("native Linux calls unavailable: " + UNAVAILABILITY_CAUSE,
                    UNAVAILABILITY_CAUSE);
        }
    }

    /**
     * The layout of the running system.
     *
     * @return the layout
     * @throws UnsupportedOperationException when unavailable
     */
    public static LinuxAbi abi() {
        ensureAvailability();
        return ABI;
    }

    /**
     * The calling thread's {@code errno} as the last call left it.
     *
     * @return the error number
     */
    public static int errno() {
        return LastError.getInstance().get();
    }

    /** {@code int openat(int dirfd, const char *pathname, int flags)}. */
    static int openat(int dirfd, long path, int flags) {
        return (int) INVOKER.invokeL3(OPENAT.context, OPENAT.address, dirfd, path, flags);
    }

    /** {@code int openat(int dirfd, const char *pathname, int flags, mode_t mode)}: creating a file. */
    static int openat(int dirfd, long path, int flags, int mode) {
        return (int) INVOKER.invokeL4(OPENAT_MODE.context, OPENAT_MODE.address, dirfd, path, flags, mode);
    }

    /** {@code ssize_t write(int fd, const void *buf, size_t count)}. */
    static long write(int fd, long buffer, long count) {
        return INVOKER.invokeL3(WRITE.context, WRITE.address, fd, buffer, count);
    }

    /** {@code ssize_t pread(int fd, void *buf, size_t count, off_t offset)}. */
    static long pread(int fd, long buffer, long count, long offset) {
        return INVOKER.invokeL4(PREAD.context, PREAD.address, fd, buffer, count, offset);
    }

    /** {@code off_t lseek(int fd, off_t offset, int whence)}. */
    static long lseek(int fd, long offset, int whence) {
        return INVOKER.invokeL3(LSEEK.context, LSEEK.address, fd, offset, whence);
    }

    /** {@code int fsync(int fd)}. */
    static int fsync(int fd) {
        return (int) INVOKER.invokeL1(FSYNC.context, FSYNC.address, fd);
    }

    /** {@code int linkat(int olddirfd, const char *oldpath, int newdirfd, const char *newpath, int flags)}. */
    static int linkat(int oldDirfd, long oldPath, int newDirfd, long newPath, int flags) {
        return (int) INVOKER.invokeL5(LINKAT.context, LINKAT.address, oldDirfd, oldPath, newDirfd, newPath, flags);
    }

    /** {@code int renameat(int olddirfd, const char *oldpath, int newdirfd, const char *newpath)}. */
    static int renameat(int oldDirfd, long oldPath, int newDirfd, long newPath) {
        return (int) INVOKER.invokeL4(RENAMEAT.context, RENAMEAT.address, oldDirfd, oldPath, newDirfd, newPath);
    }

    /** {@code ssize_t getrandom(void *buf, size_t buflen, unsigned int flags)}; -1 with ENOSYS when not bound. */
    static long getrandom(long buffer, long length) {
        if (GETRANDOM == null) {
            return -1;
        }
        return INVOKER.invokeL3(GETRANDOM.context, GETRANDOM.address, buffer, length, 0);
    }

    /** {@code int unlinkat(int dirfd, const char *pathname, int flags)}. */
    static int unlinkat(int dirfd, long path, int flags) {
        return (int) INVOKER.invokeL3(UNLINKAT.context, UNLINKAT.address, dirfd, path, flags);
    }

    /**
     * {@code openat2(dirfd, path, how, OPEN_HOW_SIZE)}: -1 with errno ENOSYS where the kernel (or a
     * seccomp filter) does not offer it.
     */
    static int openat2(int dirfd, long path, long how) {
        return (int) INVOKER.invokeL5(SYSCALL.context, SYSCALL.address, LinuxAbi.SYS_OPENAT2, dirfd, path, how,
                LinuxAbi.OPEN_HOW_SIZE);
    }

    static int fstatfs(int fd, long buffer) {
        return (int) INVOKER.invokeL2(FSTATFS.context, FSTATFS.address, fd, buffer);
    }

    static int close(int fd) {
        return (int) INVOKER.invokeL1(CLOSE.context, CLOSE.address, fd);
    }

    /** {@code ssize_t getdents64(int fd, void *dirp, size_t count)}. */
    static long getdents64(int fd, long buffer, long count) {
        return INVOKER.invokeL3(GETDENTS64.context, GETDENTS64.address, fd, buffer, count);
    }

    /** {@code int fstatat(int dirfd, const char *pathname, struct stat *statbuf, int flags)}. */
    static int fstatat(int dirfd, long path, long statbuf, int flags) {
        return (int) INVOKER.invokeL4(FSTATAT.context, FSTATAT.address, dirfd, path, statbuf, flags);
    }

    /**
     * Whether {@code statx} can be called: the C library wraps it (glibc 2.28+). The kernel may still
     * refuse it (ENOSYS before Linux 4.11), which the first call reports.
     *
     * @return true when the symbol was bound
     */
    public static boolean hasStatx() {
        return STATX != null;
    }

    /** {@code int statx(int dirfd, const char *pathname, int flags, unsigned int mask, struct statx *buf)}. */
    static int statx(int dirfd, long path, int flags, int mask, long statxbuf) {
        return (int) INVOKER.invokeL5(STATX.context, STATX.address, dirfd, path, flags, mask & 0xFFFFFFFFL, statxbuf);
    }

    /** {@code ssize_t readlinkat(int dirfd, const char *pathname, char *buf, size_t bufsiz)}. */
    static long readlinkat(int dirfd, long path, long buffer, long size) {
        return INVOKER.invokeL4(READLINKAT.context, READLINKAT.address, dirfd, path, buffer, size);
    }

    /**
     * {@code int isatty(int fd)}: whether a descriptor is a terminal.
     *
     * @param fd the descriptor
     * @return true for a terminal; false otherwise or when the calls are unavailable
     */
    public static boolean isatty(int fd) {
        return UNAVAILABILITY_CAUSE == null && (int) INVOKER.invokeL1(ISATTY.context, ISATTY.address, fd) == 1;
    }
}
