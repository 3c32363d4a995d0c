package dev.fsnap.bindings;

import com.kenai.jffi.Invoker;
import com.kenai.jffi.LastError;
import com.kenai.jffi.Library;
import com.kenai.jffi.Type;

/**
 * The C library calls fsnap makes on macOS, bound once through jffi under the symbol names of the
 * running architecture ({@link DarwinAbi#symbol}). On any other system nothing is bound: the class
 * loads, reports itself unavailable with the reason, and no call is ever made.
 */
public final class DarwinLibc {
    private static final Throwable UNAVAILABILITY_CAUSE;
    private static final Invoker INVOKER;
    private static final BoundCall OPENAT;
    private static final BoundCall CLOSE;
    private static final BoundCall FDOPENDIR;
    private static final BoundCall READDIR;
    private static final BoundCall CLOSEDIR;
    private static final BoundCall FSTATAT;
    private static final BoundCall READLINKAT;
    private static final BoundCall FSTATFS;
    /** {@code int *__error(void)}: where the calling thread's errno lives. */
    private static final BoundCall ERROR_LOCATION;

    static {
        Throwable cause = null;
        Invoker invoker = null;
        BoundCall openat = null, close = null, fdopendir = null, readdir = null, closedir = null, fstatat = null;
        BoundCall readlinkat = null, fstatfs = null, error = null;
        NativePlatform platform = NativePlatform.current().orElse(null);
        if (platform == null || platform.os != NativePlatform.Os.MACOS) {
            cause = new UnsupportedOperationException("not macOS: " + NativePlatform.describeCurrent());
        } else {
            try {
                DarwinAbi abi = DarwinAbi.of(platform);
                Library libc = Library.getDefault();
                invoker = Invoker.getInstance();
                // openat is variadic; called with its three fixed arguments only (no mode), as C code does to open.
                openat = BoundCall.bind(libc, abi.symbol("openat"), Type.SINT, Type.SINT, Type.POINTER, Type.SINT);
                close = BoundCall.bind(libc, abi.symbol("close"), Type.SINT, Type.SINT);
                fdopendir = BoundCall.bind(libc, abi.symbol("fdopendir"), Type.POINTER, Type.SINT);
                readdir = BoundCall.bind(libc, abi.symbol("readdir"), Type.POINTER, Type.POINTER);
                closedir = BoundCall.bind(libc, abi.symbol("closedir"), Type.SINT, Type.POINTER);
                fstatat = BoundCall.bind(libc, abi.symbol("fstatat"), Type.SINT, Type.SINT, Type.POINTER, Type.POINTER, Type.SINT);
                readlinkat = BoundCall.bind(libc, abi.symbol("readlinkat"), Type.SLONG, Type.SINT, Type.POINTER, Type.POINTER,
                        Type.ULONG);
                fstatfs = BoundCall.bind(libc, abi.symbol("fstatfs"), Type.SINT, Type.SINT, Type.POINTER);
                error = BoundCall.bind(libc, abi.symbol("__error"), Type.POINTER);
            } catch (Throwable t) {
                cause = t;
            }
        }
        UNAVAILABILITY_CAUSE = cause;
        INVOKER = invoker;
        OPENAT = openat;
        CLOSE = close;
        FDOPENDIR = fdopendir;
        READDIR = readdir;
        CLOSEDIR = closedir;
        FSTATAT = fstatat;
        READLINKAT = readlinkat;
        FSTATFS = fstatfs;
        ERROR_LOCATION = error;
    }

    private DarwinLibc() {
    }

    /**
     * @return true on macOS once every symbol was bound
     */
    public static boolean isAvailable() {
        return UNAVAILABILITY_CAUSE == null;
    }

    /**
     * @return why the calls cannot be made, or null when they can
     */
    public static Throwable unavailabilityCause() {
        return UNAVAILABILITY_CAUSE;
    }

    /**
     * @throws UnsupportedOperationException with the cause attached, when unavailable
     */
    public static void ensureAvailability() {
        if (UNAVAILABILITY_CAUSE != null) {
            throw new UnsupportedOperationException("native macOS calls unavailable: " + UNAVAILABILITY_CAUSE,
                    UNAVAILABILITY_CAUSE);
        }
    }

    static int errno() {
        return LastError.getInstance().get();
    }

    /** Sets errno to 0: {@code readdir} tells its end from an error only by whether it changed errno. */
    static void clearErrno() {
        long at = INVOKER.invokeL0(ERROR_LOCATION.context, ERROR_LOCATION.address);
        NativeBuffer.IO.putInt(at, 0);
    }

    static int openat(int dirfd, long path, int flags) {
        return (int) INVOKER.invokeL3(OPENAT.context, OPENAT.address, dirfd, path, flags);
    }

    static int close(int fd) {
        return (int) INVOKER.invokeL1(CLOSE.context, CLOSE.address, fd);
    }

    /** {@code DIR *fdopendir(int fd)}: the stream owns the descriptor from then on. */
    static long fdopendir(int fd) {
        return INVOKER.invokeL1(FDOPENDIR.context, FDOPENDIR.address, fd);
    }

    /** {@code struct dirent *readdir(DIR *)}: 0 at the end or on error (then errno is set). */
    static long readdir(long dir) {
        return INVOKER.invokeL1(READDIR.context, READDIR.address, dir);
    }

    /** {@code int closedir(DIR *)}: closes the descriptor too. */
    static int closedir(long dir) {
        return (int) INVOKER.invokeL1(CLOSEDIR.context, CLOSEDIR.address, dir);
    }

    static int fstatat(int dirfd, long path, long statbuf, int flags) {
        return (int) INVOKER.invokeL4(FSTATAT.context, FSTATAT.address, dirfd, path, statbuf, flags);
    }

    static long readlinkat(int dirfd, long path, long buffer, long size) {
        return INVOKER.invokeL4(READLINKAT.context, READLINKAT.address, dirfd, path, buffer, size);
    }

    static int fstatfs(int fd, long buffer) {
        return (int) INVOKER.invokeL2(FSTATFS.context, FSTATFS.address, fd, buffer);
    }
}
