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
    private static final NativePlatform PLATFORM = NativePlatform.current().orElse(null);
    private static final DarwinAbi ABI = PLATFORM != null && PLATFORM.os == NativePlatform.Os.MACOS
            ? DarwinAbi.of(PLATFORM) : null;
    private static final NativeLibrary LIBC = NativeLibrary.load("native macOS calls",
            ABI == null ? "not macOS: " + NativePlatform.describeCurrent() : null, Library::getDefault);
    private static final Invoker INVOKER = LIBC.invoker();
    // openat is variadic; called with its three fixed arguments only (no mode), as C code does to open.
    private static final BoundCall OPENAT = LIBC.bind(symbol("openat"), Type.SINT, Type.SINT, Type.POINTER,
            Type.SINT);
    private static final BoundCall CLOSE = LIBC.bind(symbol("close"), Type.SINT, Type.SINT);
    private static final BoundCall FDOPENDIR = LIBC.bind(symbol("fdopendir"), Type.POINTER, Type.SINT);
    private static final BoundCall READDIR = LIBC.bind(symbol("readdir"), Type.POINTER, Type.POINTER);
    private static final BoundCall CLOSEDIR = LIBC.bind(symbol("closedir"), Type.SINT, Type.POINTER);
    private static final BoundCall FSTATAT = LIBC.bind(symbol("fstatat"), Type.SINT, Type.SINT, Type.POINTER,
            Type.POINTER, Type.SINT);
    private static final BoundCall READLINKAT = LIBC.bind(symbol("readlinkat"), Type.SLONG, Type.SINT, Type.POINTER,
            Type.POINTER, Type.ULONG);
    private static final BoundCall FSTATFS = LIBC.bind(symbol("fstatfs"), Type.SINT, Type.SINT, Type.POINTER);
    /** {@code int *__error(void)}: where the calling thread's errno lives. */
    private static final BoundCall ERROR_LOCATION = LIBC.bind(symbol("__error"), Type.POINTER);

    private DarwinLibc() {
    }

    /** The symbol's name on the running architecture ({@code $INODE64} on Intel). */
    private static String symbol(String name) {
        return ABI == null ? name : ABI.symbol(name);
    }

    /**
     * The library and whether its calls can be made: on macOS once every symbol was bound.
     *
     * @return the library
     */
    public static NativeLibrary library() {
        return LIBC;
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
