package dev.fsnap.bindings;

import com.kenai.jffi.HeapInvocationBuffer;
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
 * in {@link LinuxDirectoryReader}.
 *
 * <p>jffi is the call layer of the JNR project: jnr-ffi's generated stubs call the same
 * {@link Invoker}. fsnap calls it directly because jnr-ffi generates those stubs with ASM at every
 * JVM start (about 150 ms on the reference machine, half the start-up budget of a scan), and the
 * per-call cost is the same.
 */
public final class LinuxLibc {
    private static final LinuxAbi ABI = LinuxAbi.current().orElse(null);
    private static final NativeLibrary LIBC = NativeLibrary.load("native Linux calls",
            ABI == null ? "no Linux layout for " + NativePlatform.describeCurrent() : null, Library::getDefault);
    private static final Invoker INVOKER = LIBC.invoker();
    private static final BoundCall OPENAT = LIBC.bind("openat", Type.SINT, Type.SINT, Type.POINTER, Type.SINT);
    private static final BoundCall CLOSE = LIBC.bind("close", Type.SINT, Type.SINT);
    private static final BoundCall GETDENTS64 = LIBC.bind("getdents64", Type.SLONG, Type.SINT, Type.POINTER,
            Type.ULONG);
    private static final BoundCall FSTATAT = LIBC.bind("fstatat", Type.SINT, Type.SINT, Type.POINTER, Type.POINTER,
            Type.SINT);
    private static final BoundCall READLINKAT = LIBC.bind("readlinkat", Type.SLONG, Type.SINT, Type.POINTER,
            Type.POINTER, Type.ULONG);
    private static final BoundCall FSTATFS = LIBC.bind("fstatfs", Type.SINT, Type.SINT, Type.POINTER);
    // The calls that write a snapshot file: created unnamed, forced, then given its name.
    private static final BoundCall OPENAT_MODE = LIBC.bind("openat", Type.SINT, Type.SINT, Type.POINTER, Type.SINT,
            Type.UINT);
    private static final BoundCall WRITE = LIBC.bind("write", Type.SLONG, Type.SINT, Type.POINTER, Type.ULONG);
    private static final BoundCall PREAD = LIBC.bind("pread64", Type.SLONG, Type.SINT, Type.POINTER, Type.ULONG,
            Type.SLONG);
    private static final BoundCall FSYNC = LIBC.bind("fsync", Type.SINT, Type.SINT);
    private static final BoundCall LINKAT = LIBC.bind("linkat", Type.SINT, Type.SINT, Type.POINTER, Type.SINT,
            Type.POINTER, Type.SINT);
    private static final BoundCall RENAMEAT = LIBC.bind("renameat", Type.SINT, Type.SINT, Type.POINTER, Type.SINT,
            Type.POINTER);
    private static final BoundCall UNLINKAT = LIBC.bind("unlinkat", Type.SINT, Type.SINT, Type.POINTER, Type.SINT);
    private static final BoundCall LSEEK = LIBC.bind("lseek64", Type.SLONG, Type.SINT, Type.SLONG, Type.SINT);
    private static final BoundCall UTIMENSAT = LIBC.bind("utimensat", Type.SINT, Type.SINT, Type.POINTER,
            Type.POINTER, Type.SINT);
    /** {@code syscall(2)}, for {@code openat2}, which the C library does not wrap. */
    private static final BoundCall SYSCALL = LIBC.bind("syscall", Type.SLONG, Type.SLONG, Type.SLONG, Type.POINTER,
            Type.POINTER, Type.ULONG);
    /**
     * {@code syscall(2)} for {@code listxattrat} and {@code getxattrat} (Linux 6.13), which the C
     * library does not wrap.
     */
    private static final BoundCall LISTXATTRAT = LIBC.bind("syscall", Type.SLONG, Type.SLONG, Type.SINT, Type.POINTER,
            Type.UINT, Type.POINTER, Type.ULONG);
    private static final BoundCall GETXATTRAT = LIBC.bind("syscall", Type.SLONG, Type.SLONG, Type.SINT, Type.POINTER,
            Type.UINT, Type.POINTER, Type.POINTER, Type.ULONG);
    /** {@code syscall(2)} for {@code io_uring_setup} (Linux 5.1), which the C library does not wrap. */
    private static final BoundCall IO_URING_SETUP = LIBC.bind("syscall", Type.SLONG, Type.SLONG, Type.UINT,
            Type.POINTER);
    /** {@code syscall(2)} for {@code io_uring_register}. */
    private static final BoundCall IO_URING_REGISTER = LIBC.bind("syscall", Type.SLONG, Type.SLONG, Type.SINT,
            Type.UINT, Type.POINTER, Type.UINT);
    /** {@code syscall(2)} for {@code io_uring_enter} with {@code IORING_ENTER_EXT_ARG}: seven arguments. */
    private static final BoundCall IO_URING_ENTER_ARG = LIBC.bind("syscall", Type.SLONG, Type.SLONG, Type.SINT,
            Type.UINT, Type.UINT, Type.UINT, Type.POINTER, Type.ULONG);
    private static final BoundCall MMAP = LIBC.bind("mmap", Type.POINTER, Type.POINTER, Type.ULONG, Type.SINT,
            Type.SINT, Type.SINT, Type.SLONG);
    private static final BoundCall MUNMAP = LIBC.bind("munmap", Type.SINT, Type.POINTER, Type.ULONG);
    /** {@code statx}, wrapped by glibc since 2.28; null where the C library lacks it (fstatat is the stat call). */
    private static final BoundCall STATX = LIBC.bindOptional("statx", Type.SINT, Type.SINT, Type.POINTER, Type.SINT,
            Type.UINT, Type.POINTER);
    /** {@code llistxattr} and {@code lgetxattr}: an entry's extended attributes, not following a final link. */
    private static final BoundCall LLISTXATTR = LIBC.bindOptional("llistxattr", Type.SLONG, Type.POINTER, Type.POINTER,
            Type.ULONG);
    private static final BoundCall LGETXATTR = LIBC.bindOptional("lgetxattr", Type.SLONG, Type.POINTER, Type.POINTER,
            Type.POINTER, Type.ULONG);
    /** {@code flistxattr} and {@code fgetxattr}: the extended attributes of an open file (the scan's root). */
    private static final BoundCall FLISTXATTR = LIBC.bindOptional("flistxattr", Type.SLONG, Type.SINT, Type.POINTER,
            Type.ULONG);
    private static final BoundCall FGETXATTR = LIBC.bindOptional("fgetxattr", Type.SLONG, Type.SINT, Type.POINTER,
            Type.POINTER, Type.ULONG);
    /** {@code preadv2}: with {@code RWF_NOWAIT}, a read that answers only from the page cache (glibc 2.26). */
    private static final BoundCall PREADV2 = LIBC.bindOptional("preadv2", Type.SLONG, Type.SINT, Type.POINTER,
            Type.SINT, Type.SLONG, Type.SINT);
    /** {@code posix_fadvise}: drops from the page cache what a content read brought in. */
    private static final BoundCall POSIX_FADVISE = LIBC.bind("posix_fadvise64", Type.SINT, Type.SINT, Type.SLONG,
            Type.SLONG, Type.SINT);
    /** {@code getrandom}, for names no other user can predict; null before glibc 2.25 (callers use another source). */
    private static final BoundCall GETRANDOM = LIBC.bindOptional("getrandom", Type.SLONG, Type.POINTER, Type.ULONG,
            Type.UINT);

    private LinuxLibc() {
    }

    /**
     * The library and whether its calls can be made: the layout is known and every symbol bound.
     *
     * @return the library
     */
    public static NativeLibrary library() {
        return LIBC;
    }

    /**
     * The layout of the running system.
     *
     * @return the layout
     * @throws UnsupportedOperationException when unavailable
     */
    public static LinuxAbi abi() {
        LIBC.ensureAvailable();
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

    /** @return whether the extended attribute calls were bound (every glibc has them) */
    static boolean hasXattrs() {
        return LLISTXATTR != null && LGETXATTR != null && FLISTXATTR != null && FGETXATTR != null;
    }

    /** @return whether {@code preadv2} was bound */
    static boolean hasPreadv2() {
        return PREADV2 != null;
    }

    /** {@code ssize_t preadv2(int fd, const struct iovec *iov, int iovcnt, off_t offset, int flags)}. */
    static long preadv2(int fd, long iov, int count, long offset, int flags) {
        return INVOKER.invokeL5(PREADV2.context, PREADV2.address, fd, iov, count, offset, flags);
    }

    /** {@code int posix_fadvise(int fd, off_t offset, off_t len, int advice)}: the error number, not -1 and errno. */
    static int posixFadvise(int fd, long offset, long length, int advice) {
        return (int) INVOKER.invokeL4(POSIX_FADVISE.context, POSIX_FADVISE.address, fd, offset, length, advice);
    }

    /** {@code ssize_t flistxattr(int fd, char *list, size_t size)}. */
    static long flistxattr(int fd, long list, long size) {
        return INVOKER.invokeL3(FLISTXATTR.context, FLISTXATTR.address, fd, list, size);
    }

    /** {@code ssize_t fgetxattr(int fd, const char *name, void *value, size_t size)}. */
    static long fgetxattr(int fd, long name, long value, long size) {
        return INVOKER.invokeL4(FGETXATTR.context, FGETXATTR.address, fd, name, value, size);
    }

    /**
     * {@code ssize_t listxattrat(int dfd, const char *path, unsigned int at_flags, char *list, size_t size)}
     * (Linux 6.13): -1 with errno ENOSYS where the kernel (or a seccomp filter) does not offer it.
     */
    static long listxattrat(int dirfd, long path, int atFlags, long list, long size) {
        return INVOKER.invokeL6(LISTXATTRAT.context, LISTXATTRAT.address, LinuxAbi.SYS_LISTXATTRAT, dirfd, path,
                atFlags & 0xFFFFFFFFL, list, size);
    }

    /**
     * {@code ssize_t getxattrat(int dfd, const char *path, unsigned int at_flags, const char *name,
     * struct xattr_args *args, size_t size)} (Linux 6.13), {@code args} filled by the caller: -1 with
     * errno ENOSYS where the kernel does not offer it.
     */
    static long getxattrat(int dirfd, long path, int atFlags, long name, long args) {
        HeapInvocationBuffer call = new HeapInvocationBuffer(GETXATTRAT.context);
        call.putLong(LinuxAbi.SYS_GETXATTRAT);
        call.putInt(dirfd);
        call.putAddress(path);
        call.putInt(atFlags);
        call.putAddress(name);
        call.putAddress(args);
        call.putLong(LinuxAbi.XATTR_ARGS_SIZE);
        return INVOKER.invokeLong(GETXATTRAT.context, GETXATTRAT.address, call);
    }

    /** {@code ssize_t llistxattr(const char *path, char *list, size_t size)}. */
    static long llistxattr(long path, long list, long size) {
        return INVOKER.invokeL3(LLISTXATTR.context, LLISTXATTR.address, path, list, size);
    }

    /** {@code ssize_t lgetxattr(const char *path, const char *name, void *value, size_t size)}. */
    static long lgetxattr(long path, long name, long value, long size) {
        return INVOKER.invokeL4(LGETXATTR.context, LGETXATTR.address, path, name, value, size);
    }

    /**
     * {@code int io_uring_setup(u32 entries, struct io_uring_params *p)}: -1 with errno ENOSYS
     * before Linux 5.1, EPERM where {@code kernel.io_uring_disabled} or a seccomp filter refuses it.
     */
    static int ioUringSetup(int entries, long params) {
        return (int) INVOKER.invokeL3(IO_URING_SETUP.context, IO_URING_SETUP.address, StatRing.SYS_IO_URING_SETUP,
                entries & 0xFFFFFFFFL, params);
    }

    /** {@code int io_uring_register(unsigned int fd, unsigned int opcode, void *arg, unsigned int nr_args)}. */
    static int ioUringRegister(int fd, int opcode, long arg, int count) {
        return (int) INVOKER.invokeL5(IO_URING_REGISTER.context, IO_URING_REGISTER.address,
                StatRing.SYS_IO_URING_REGISTER, fd, opcode & 0xFFFFFFFFL, arg, count & 0xFFFFFFFFL);
    }

    /**
     * {@code int io_uring_enter(fd, to_submit, min_complete, flags | IORING_ENTER_EXT_ARG, arg, argsz)}:
     * with {@code struct io_uring_getevents_arg} at {@code arg}, a wait that ends at its timeout (ETIME).
     */
    static int ioUringEnter(int fd, int toSubmit, int minComplete, int flags, long arg, long argSize) {
        HeapInvocationBuffer call = new HeapInvocationBuffer(IO_URING_ENTER_ARG.context);
        call.putLong(StatRing.SYS_IO_URING_ENTER);
        call.putInt(fd);
        call.putInt(toSubmit);
        call.putInt(minComplete);
        call.putInt(flags);
        call.putAddress(arg);
        call.putLong(argSize);
        return (int) INVOKER.invokeLong(IO_URING_ENTER_ARG.context, IO_URING_ENTER_ARG.address, call);
    }

    /** {@code void *mmap(void *addr, size_t length, int prot, int flags, int fd, off_t offset)}: -1 (MAP_FAILED) on failure. */
    static long mmap(long length, int prot, int flags, int fd, long offset) {
        return INVOKER.invokeL6(MMAP.context, MMAP.address, 0L, length, prot, flags, fd, offset);
    }

    /** {@code int munmap(void *addr, size_t length)}. */
    static int munmap(long address, long length) {
        return (int) INVOKER.invokeL2(MUNMAP.context, MUNMAP.address, address, length);
    }

    /** {@code ssize_t readlinkat(int dirfd, const char *pathname, char *buf, size_t bufsiz)}. */
    /** {@code int utimensat(int dirfd, const char *pathname, const struct timespec times[2], int flags)}. */
    static int utimensat(int dirfd, long path, long times, int flags) {
        return (int) INVOKER.invokeL4(UTIMENSAT.context, UTIMENSAT.address, dirfd, path, times, flags);
    }

    static long readlinkat(int dirfd, long path, long buffer, long size) {
        return INVOKER.invokeL4(READLINKAT.context, READLINKAT.address, dirfd, path, buffer, size);
    }
}
