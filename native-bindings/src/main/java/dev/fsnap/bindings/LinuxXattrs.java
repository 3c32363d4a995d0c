package dev.fsnap.bindings;

import jnr.constants.platform.Errno;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static dev.fsnap.bindings.NativeBuffer.IO;

/**
 * One Linux reader's extended attributes: the entry a record names, looked up in its open
 * directory ({@code listxattrat}/{@code getxattrat} where the kernel has them, else the
 * {@code l*xattr} calls on {@code /proc/self/fd/DIRFD/NAME}), or an open file itself
 * ({@code flistxattr}/{@code fgetxattr}). Owns the buffers the names and values are read into,
 * made when first needed and grown up to what Linux gives.
 *
 * <p>Apart from {@link LinuxDirectoryReader}, which opens, lists and stats: attributes are read
 * only when asked ({@code --xattrs}), take three ways to call and their own buffers, and fail in
 * ways of their own (a filesystem without them, an attribute removed between list and read). It
 * takes the record's name, the path buffer and the typed failure from its reader.
 */
final class LinuxXattrs {
    /** The largest list of names and the largest value Linux gives ({@code XATTR_LIST_MAX}, {@code XATTR_SIZE_MAX}). */
    private static final int XATTR_MAX = 64 * 1024;
    private static final byte[] PROC_FD = "/proc/self/fd/".getBytes(StandardCharsets.US_ASCII);
    private static final byte[][] NO_XATTRS = {};
    /**
     * Whether {@code listxattrat}/{@code getxattrat} (Linux 6.13) are used: until the first
     * {@code ENOSYS}, unless {@code -Dfsnap.xattrs.proc=true} asks for the older way.
     */
    private static volatile boolean xattrsAt = !Boolean.getBoolean("fsnap.xattrs.proc");

    /** The three ways: relative to a directory, through {@code /proc/self/fd}, of an open file. */
    private static final int AT = 0;
    private static final int PROC = 1;
    private static final int OF_FD = 2;
    private static final int XATTR_ARGS = 256;

    private final LinuxDirectoryReader reader;
    /** The names, then each value; made when first needed, grown up to {@link #XATTR_MAX}. */
    private NativeBuffer xattrList;
    private NativeBuffer xattrValue;
    /** An attribute's name, NUL-terminated; then {@code struct xattr_args} at {@link #XATTR_ARGS}. */
    private final NativeBuffer xattrName = new NativeBuffer(256 + 16);
    /** {@code /proc/self/fd/DIRFD/NAME}, built here before it is copied to the path buffer. */
    private byte[] procPath;

    LinuxXattrs(LinuxDirectoryReader reader) {
        this.reader = reader;
    }

    /** Chooses the way, for tests of both on one kernel; {@code true} is undone at the first ENOSYS. */
    static void useXattrsAt(boolean useAt) {
        xattrsAt = useAt;
    }

    /** @return {@code "listxattrat"} (Linux 6.13 and later) or {@code "/proc/self/fd"} (older kernels) */
    static String xattrCalls() {
        return xattrsAt ? "listxattrat" : "/proc/self/fd";
    }

    /** As {@link LinuxDirectoryReader#readXattrs(int, int)}. */
    byte[][] read(int dirfd, int position) {
        if (!LinuxLibc.hasXattrs()) {
            reader.fail(Errno.ENOSYS);
            return null;
        }
        int how = xattrsAt ? AT : PROC;
        if (how == PROC && !putProcPath(dirfd, position)) {
            return null;
        }
        byte[][] pairs = xattrs(how, dirfd, reader.nameAddress(position));
        if (pairs == null && how == AT && reader.lastError() == Errno.ENOSYS) {
            xattrsAt = false; // a kernel before 6.13
            return read(dirfd, position);
        }
        return pairs;
    }

    /** As {@link LinuxDirectoryReader#readXattrs(int)}. */
    byte[][] read(int fd) {
        if (!LinuxLibc.hasXattrs()) {
            reader.fail(Errno.ENOSYS);
            return null;
        }
        return xattrs(OF_FD, fd, 0);
    }

    /** Lists and reads: {@code fd} and {@code name} as the way needs them (the path buffer for PROC). */
    private byte[][] xattrs(int how, int fd, long name) {
        if (xattrList == null) {
            xattrList = new NativeBuffer(4096);
            xattrValue = new NativeBuffer(4096);
        }
        long n;
        while ((n = listXattrs(how, fd, name)) < 0) {
            Errno e = FileErrors.errno(LinuxLibc.errno());
            if (e == Errno.EOPNOTSUPP || e == Errno.ENOTSUP) {
                return NO_XATTRS; // a filesystem without extended attributes
            }
            if (e != Errno.ERANGE || xattrList.capacity >= XATTR_MAX) {
                reader.fail(e);
                return null;
            }
            xattrList.close();
            xattrList = new NativeBuffer(XATTR_MAX);
        }
        if (n == 0) {
            return NO_XATTRS;
        }
        byte[] names = new byte[(int) n];
        IO.getByteArray(xattrList.address, names, 0, names.length);
        List<byte[]> pairs = new ArrayList<>();
        for (int start = 0, end; start < names.length; start = end + 1) {
            end = start;
            while (end < names.length && names[end] != 0) {
                end++;
            }
            if (end == start || end - start > 255) {
                continue;
            }
            IO.putByteArray(xattrName.address, names, start, end - start);
            IO.putByte(xattrName.address + end - start, (byte) 0);
            long v;
            Errno e = null;
            while ((v = readXattr(how, fd, name)) < 0) {
                e = FileErrors.errno(LinuxLibc.errno());
                if (e != Errno.ERANGE || xattrValue.capacity >= XATTR_MAX) {
                    break;
                }
                xattrValue.close();
                xattrValue = new NativeBuffer(XATTR_MAX);
            }
            if (v < 0 && e == Errno.ENODATA) {
                continue; // removed since it was listed
            }
            if (v < 0) {
                reader.fail(e);
                return null;
            }
            byte[] value = new byte[(int) v];
            IO.getByteArray(xattrValue.address, value, 0, value.length);
            pairs.add(Arrays.copyOfRange(names, start, end));
            pairs.add(value);
        }
        return pairs.toArray(new byte[0][]);
    }

    private long listXattrs(int how, int fd, long name) {
        switch (how) {
            case AT:
                return LinuxLibc.listxattrat(fd, name, LinuxAbi.AT_SYMLINK_NOFOLLOW, xattrList.address,
                        xattrList.capacity);
            case PROC:
                return LinuxLibc.llistxattr(reader.path.address, xattrList.address, xattrList.capacity);
            default:
                return LinuxLibc.flistxattr(fd, xattrList.address, xattrList.capacity);
        }
    }

    /** One value, the attribute named in {@link #xattrName}, into {@link #xattrValue}. */
    private long readXattr(int how, int fd, long name) {
        switch (how) {
            case AT: {
                long args = xattrName.address + XATTR_ARGS;
                IO.putLong(args, xattrValue.address);
                IO.putInt(args + 8, (int) xattrValue.capacity);
                IO.putInt(args + 12, 0);
                return LinuxLibc.getxattrat(fd, name, LinuxAbi.AT_SYMLINK_NOFOLLOW, xattrName.address, args);
            }
            case PROC:
                return LinuxLibc.lgetxattr(reader.path.address, xattrName.address, xattrValue.address,
                        xattrValue.capacity);
            default:
                return LinuxLibc.fgetxattr(fd, xattrName.address, xattrValue.address, xattrValue.capacity);
        }
    }

    /** Puts {@code /proc/self/fd/DIRFD/NAME} in the path buffer, reusing one array. */
    private boolean putProcPath(int dirfd, int position) {
        int nameLength = reader.nameLength(position);
        int need = PROC_FD.length + 11 + 1 + nameLength;
        if (procPath == null || procPath.length < need) {
            procPath = new byte[Math.max(need, 64 + 256)];
            System.arraycopy(PROC_FD, 0, procPath, 0, PROC_FD.length);
        }
        int at = PROC_FD.length;
        int digits = 1;
        for (int v = dirfd; v >= 10; v /= 10) {
            digits++;
        }
        for (int k = digits - 1, v = dirfd; k >= 0; k--, v /= 10) {
            procPath[at + k] = (byte) ('0' + v % 10);
        }
        at += digits;
        procPath[at++] = '/';
        reader.copyName(position, nameLength, procPath, at);
        return reader.putPath(procPath, 0, at + nameLength);
    }

    /** Frees the buffers. Harmless to call twice. */
    void close() {
        xattrName.close();
        if (xattrList != null) {
            xattrList.close();
            xattrValue.close();
        }
    }
}
