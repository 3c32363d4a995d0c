package dev.fsnap.bindings;

import jnr.constants.platform.Errno;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystemException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Opens what lies in a directory another user may write into (a repository shared as /tmp is) so
 * that what they put there cannot stop the caller: never through a symbolic link
 * ({@code O_NOFOLLOW}), never waiting on a FIFO put where a directory or a file was
 * ({@code O_NONBLOCK}, and {@code O_DIRECTORY} for a directory, which the kernel refuses on
 * anything else before opening it), close-on-exec; and what was opened is judged by its
 * descriptor ({@code fstat}), not by its name, which may lead elsewhere a moment later.
 */
public final class GuardedOpen {
    private static final int STAT_BUFFER = 256; // struct stat is 144 bytes on x86_64, 128 on aarch64

    private GuardedOpen() {
    }

    /**
     * What an open descriptor is, as {@code fstat} told.
     *
     * @param mode type and permission bits
     * @param uid the owner
     * @param device the filesystem
     * @param inode the file on it
     * @param links how many names it has
     */
    public record Found(int mode, long uid, long device, long inode, long links) {
        /** @return whether it is a directory */
        public boolean isDirectory() {
            return (mode & LinuxAbi.S_IFMT) == LinuxAbi.S_IFDIR;
        }

        /** @return whether it is a regular file */
        public boolean isRegularFile() {
            return (mode & LinuxAbi.S_IFMT) == LinuxAbi.S_IFREG;
        }

        /** @return the permission bits (with set-id and sticky) */
        public int permissions() {
            return mode & 07777;
        }
    }

    /**
     * @param mode a file's mode, as {@code stat} gives it
     * @return its kind, for a message: "a FIFO", "a directory", ...
     */
    public static String kind(int mode) {
        return switch (mode & LinuxAbi.S_IFMT) {
            case LinuxAbi.S_IFDIR -> "a directory";
            case LinuxAbi.S_IFREG -> "a regular file";
            case LinuxAbi.S_IFLNK -> "a symbolic link";
            case LinuxAbi.S_IFIFO -> "a FIFO";
            case LinuxAbi.S_IFSOCK -> "a socket";
            case LinuxAbi.S_IFBLK -> "a block device";
            case LinuxAbi.S_IFCHR -> "a character device";
            default -> "of an unknown kind";
        };
    }

    /** @return whether the native calls can be made here (Linux with its C library) */
    public static boolean available() {
        return LinuxLibc.library().isAvailable();
    }

    /**
     * Opens a directory by its name in its parent (the parent as named: a link to it is followed,
     * the name itself never) and tells what was opened.
     *
     * @param parent the directory it is in
     * @param name its name there, one component
     * @return what was opened: a directory
     * @throws IOException naming the path: {@link java.nio.file.NotDirectoryException} when it is
     *         no directory (a FIFO, a file, a symbolic link: with {@code O_DIRECTORY} the kernel says
     *         ENOTDIR of a link too), as the system says otherwise
     * @throws UnsupportedOperationException when the native Linux calls are unavailable
     */
    public static Found directory(Path parent, Path name) throws IOException {
        LinuxAbi abi = LinuxLibc.abi();
        Path path = parent.resolve(name);
        try (NativeBuffer buffer = new NativeBuffer(4096 + STAT_BUFFER)) {
            put(buffer, PathBytes.of(parent), parent);
            int at = LinuxLibc.openat(LinuxAbi.AT_FDCWD, buffer.address,
                    LinuxAbi.O_RDONLY | abi.oDirectory | LinuxAbi.O_CLOEXEC | LinuxAbi.O_NONBLOCK);
            if (at < 0) {
                throw FileErrors.of(parent, LinuxLibc.errno(), "cannot open");
            }
            try {
                put(buffer, PathBytes.of(name), path);
                int fd = LinuxLibc.openat(at, buffer.address, LinuxAbi.O_RDONLY | abi.oDirectory | abi.oNofollow
                        | LinuxAbi.O_NONBLOCK | LinuxAbi.O_CLOEXEC);
                if (fd < 0) {
                    throw refused(path, LinuxLibc.errno());
                }
                try {
                    return stat(fd, buffer, path);
                } finally {
                    LinuxLibc.close(fd);
                }
            } finally {
                LinuxLibc.close(at);
            }
        }
    }

    /**
     * Reads a small regular file whole, opened without following a link and without waiting (a
     * FIFO swapped in after the caller looked is refused, not waited on), judged by its descriptor.
     *
     * @param file the file
     * @param max the most bytes read; one more is asked, so that a larger file can be told
     * @param found receives what was opened, at index 0, whatever comes of it (null when nothing was)
     * @return up to {@code max + 1} bytes of it
     * @throws IOException naming the file: a {@link FileSystemException} "is a symbolic link" or
     *         "is a FIFO, not a regular file" and the like, or as the system says
     * @throws UnsupportedOperationException when the native Linux calls are unavailable
     */
    public static byte[] regularFile(Path file, int max, Found[] found) throws IOException {
        LinuxAbi abi = LinuxLibc.abi();
        found[0] = null;
        try (NativeBuffer buffer = new NativeBuffer(Math.max(4096, max + 1) + STAT_BUFFER)) {
            put(buffer, PathBytes.of(file), file);
            int fd = LinuxLibc.openat(LinuxAbi.AT_FDCWD, buffer.address,
                    LinuxAbi.O_RDONLY | abi.oNofollow | LinuxAbi.O_NONBLOCK | LinuxAbi.O_CLOEXEC);
            if (fd < 0) {
                throw refused(file, LinuxLibc.errno());
            }
            try {
                Found f = stat(fd, buffer, file);
                found[0] = f;
                if (!f.isRegularFile()) {
                    throw new FileSystemException(file.toString(), null, "is " + kind(f.mode()) + ", not a regular file");
                }
                int n = 0;
                while (n <= max) {
                    long r = LinuxLibc.pread(fd, buffer.address + n, max + 1 - n, n);
                    if (r < 0 && LinuxLibc.errno() == Errno.EINTR.intValue()) {
                        continue;
                    }
                    if (r < 0) {
                        throw FileErrors.of(file, LinuxLibc.errno(), "cannot read");
                    }
                    if (r == 0) {
                        break;
                    }
                    n += (int) r;
                }
                byte[] bytes = new byte[n];
                NativeBuffer.IO.getByteArray(buffer.address, bytes, 0, n);
                return bytes;
            } finally {
                LinuxLibc.close(fd);
            }
        }
    }

    /**
     * A file opened for reading and writing, and what was opened.
     *
     * @param channel the file; null when what was found is no regular file (nothing is left open)
     * @param found what was opened
     */
    public record Opened(FileChannel channel, Found found) {
    }

    /**
     * Opens a file for reading and writing, made with {@code mode} when missing, without following
     * a link and without waiting on a FIFO. The channel is the file the descriptor opened (reached
     * through {@code /proc/self/fd}, never by its name again), and {@link Opened#found} tells what
     * that is: so a caller can tell, with no other descriptor on the file, whether its name still
     * leads to it. The descriptor the channel was reached through is closed before this returns,
     * before any record lock is taken on the channel: closing a descriptor of a file lets go of the
     * process's {@code fcntl} locks on it.
     *
     * @param file the file
     * @param mode its permission bits when made
     * @return the channel and what it is
     * @throws IOException naming the file: "is a symbolic link", or as the system says
     * @throws UnsupportedOperationException when the native Linux calls are unavailable
     */
    public static Opened readWrite(Path file, int mode) throws IOException {
        LinuxAbi abi = LinuxLibc.abi();
        try (NativeBuffer buffer = new NativeBuffer(4096 + STAT_BUFFER)) {
            put(buffer, PathBytes.of(file), file);
            int fd = LinuxLibc.openat(LinuxAbi.AT_FDCWD, buffer.address, O_RDWR | LinuxAbi.O_CREAT | abi.oNofollow
                    | LinuxAbi.O_NONBLOCK | LinuxAbi.O_CLOEXEC, mode);
            if (fd < 0) {
                throw refused(file, LinuxLibc.errno());
            }
            try {
                Found f = stat(fd, buffer, file);
                if (!f.isRegularFile()) {
                    return new Opened(null, f);
                }
                return new Opened(FileChannel.open(Path.of("/proc/self/fd/" + fd), StandardOpenOption.READ,
                        StandardOpenOption.WRITE), f);
            } finally {
                LinuxLibc.close(fd);
            }
        }
    }

    /**
     * A regular file held open, named by its descriptor: {@link #path()} ({@code /proc/self/fd/N})
     * reaches the file that was opened whatever its name comes to lead to, so that what is read
     * through it twice (a signature checked, then the file used) is one file. Closing lets it go.
     */
    public static final class Pinned implements java.io.Closeable {
        private final int fd;
        private final Path path;

        private Pinned(int fd) {
            this.fd = fd;
            this.path = Path.of("/proc/self/fd/" + fd);
        }

        /** @return a path that reaches the file opened, while this is open */
        public Path path() {
            return path;
        }

        @Override
        public void close() {
            LinuxLibc.close(fd);
        }
    }

    /**
     * Opens a regular file for reading, without following a link and without waiting on a FIFO or
     * a device put in its place, and holds it open.
     *
     * @param file the file
     * @return it, held open
     * @throws IOException naming the file: "is a symbolic link", "is a FIFO, not a regular file" and
     *         the like, or as the system says
     * @throws UnsupportedOperationException when the native Linux calls are unavailable
     */
    public static Pinned pin(Path file) throws IOException {
        LinuxAbi abi = LinuxLibc.abi();
        try (NativeBuffer buffer = new NativeBuffer(4096 + STAT_BUFFER)) {
            put(buffer, PathBytes.of(file), file);
            int fd = LinuxLibc.openat(LinuxAbi.AT_FDCWD, buffer.address,
                    LinuxAbi.O_RDONLY | abi.oNofollow | LinuxAbi.O_NONBLOCK | LinuxAbi.O_CLOEXEC);
            if (fd < 0) {
                throw refused(file, LinuxLibc.errno());
            }
            boolean kept = false;
            try {
                Found f = stat(fd, buffer, file);
                if (!f.isRegularFile()) {
                    throw new FileSystemException(file.toString(), null, "is " + kind(f.mode()) + ", not a regular file");
                }
                kept = true;
                return new Pinned(fd);
            } finally {
                if (!kept) {
                    LinuxLibc.close(fd);
                }
            }
        }
    }

    /** {@code O_RDWR}: the same on every Linux architecture. */
    private static final int O_RDWR = 2;

    private static void put(NativeBuffer buffer, byte[] bytes, Path path) throws IOException {
        Errno refused = buffer.putString(bytes, 0, bytes.length, 4095);
        if (refused != null) {
            throw new FileSystemException(path.toString(), null, refused.description());
        }
    }

    private static IOException refused(Path path, int errno) {
        if (errno == Errno.ELOOP.intValue()) {
            return new FileSystemException(path.toString(), null, "is a symbolic link");
        }
        return FileErrors.of(path, errno, "cannot open");
    }

    /** fstat of the descriptor, into the end of the buffer (past what a path or a read uses). */
    private static Found stat(int fd, NativeBuffer buffer, Path path) throws IOException {
        LinuxAbi l = LinuxLibc.abi();
        long a = buffer.address + buffer.capacity - STAT_BUFFER;
        long empty = a + STAT_BUFFER - 1;
        NativeBuffer.IO.putByte(empty, (byte) 0);
        if (LinuxLibc.fstatat(fd, empty, a, LinuxAbi.AT_EMPTY_PATH) != 0) {
            throw FileErrors.of(path, LinuxLibc.errno(), "cannot stat");
        }
        long links = l.stNlinkWidth == 8 ? NativeBuffer.IO.getLong(a + l.stNlink)
                : NativeBuffer.IO.getInt(a + l.stNlink) & 0xffffffffL;
        return new Found(NativeBuffer.IO.getInt(a + l.stMode), NativeBuffer.IO.getInt(a + l.stUid) & 0xffffffffL,
                NativeBuffer.IO.getLong(a + l.stDev), NativeBuffer.IO.getLong(a + l.stIno), links);
    }
}
