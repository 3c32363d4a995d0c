package dev.fsnap.bindings;

import jnr.constants.platform.Errno;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A file written in its target's directory and given the target's name only when complete, on
 * Linux. It is created unnamed ({@code O_TMPFILE}) where the filesystem can: nothing of it is left
 * behind by a process that dies, whatever kills it, and no other user can see or block it. Elsewhere
 * it is created under a random name with {@code O_CREAT|O_EXCL|O_NOFOLLOW}, retried, so that names
 * another local user created in advance (or links planted under them) cannot stop it. Every
 * descriptor is close-on-exec.
 *
 * <p>Threads: {@link #write}, {@link #force} and {@link #publish} by one thread at a time (the
 * caller serializes them). {@link #discard} may be called from any thread at any time: it touches no
 * native memory and no descriptor. {@link #release} closes the descriptors and frees the buffer; the
 * caller makes it the last call, made when no other call can be in progress.
 */
public final class OutputFile {
    private static final int BUFFER = 1 << 20;
    private static final int NAME_TRIES = 64;
    private static final int MODE = 0600;

    private final Path target;
    private final Path directory;
    private final int dirFd;
    private final int fd;
    /** The random name the file has until it is published; null while it has none (O_TMPFILE). */
    private String temporaryName;
    private final NativeBuffer buffer;
    private final AtomicBoolean released = new AtomicBoolean();
    private volatile boolean published;
    private volatile boolean discarded;

    private OutputFile(Path target, Path directory, int dirFd, int fd, String temporaryName, NativeBuffer buffer) {
        this.target = target;
        this.directory = directory;
        this.dirFd = dirFd;
        this.fd = fd;
        this.temporaryName = temporaryName;
        this.buffer = buffer;
    }

    /**
     * Creates the file that will become {@code target}.
     *
     * @param target the file to write; its directory must exist
     * @return the open file, empty
     * @throws IOException naming the directory or the target, when it cannot be created there
     * @throws UnsupportedOperationException when the native Linux calls are unavailable
     */
    public static OutputFile create(Path target) throws IOException {
        // linkat needs /proc/self/fd to give an unnamed file its name
        return create(target, Files.isDirectory(Path.of("/proc/self/fd")));
    }

    /**
     * As {@link #create(Path)}; {@code unnamed} false goes straight to the random name, as on a
     * filesystem without {@code O_TMPFILE} (none of those mounts here, so the tests choose it).
     */
    static OutputFile create(Path target, boolean unnamed) throws IOException {
        LinuxLibc.library().ensureAvailable();
        Path absolute = target.toAbsolutePath();
        Path directory = absolute.getParent();
        if (directory == null || absolute.getFileName() == null) {
            throw new FileSystemException(target.toString(), null, "not a file name");
        }
        NativeBuffer buffer = new NativeBuffer(BUFFER);
        int dirFd = -1;
        try {
            LinuxAbi abi = LinuxLibc.abi();
            put(buffer, directory);
            dirFd = LinuxLibc.openat(LinuxAbi.AT_FDCWD, buffer.address,
                    LinuxAbi.O_RDONLY | abi.oDirectory | LinuxAbi.O_CLOEXEC);
            if (dirFd < 0) {
                throw FileErrors.of(directory, LinuxLibc.errno(), "cannot open the directory");
            }
            int fd = -1;
            String name = null;
            if (unnamed) {
                put(buffer, ".");
                fd = LinuxLibc.openat(dirFd, buffer.address,
                        LinuxAbi.O_TMPFILE_BIT | abi.oDirectory | LinuxAbi.O_WRONLY | LinuxAbi.O_CLOEXEC, MODE);
                int errno = fd < 0 ? LinuxLibc.errno() : 0;
                if (fd < 0 && !unsupported(errno)) {
                    throw FileErrors.of(directory, errno, "cannot create a file there");
                }
            }
            if (fd < 0) {
                for (int tries = 0; fd < 0; tries++) {
                    name = randomName(absolute.getFileName().toString());
                    put(buffer, name);
                    fd = LinuxLibc.openat(dirFd, buffer.address, LinuxAbi.O_WRONLY | LinuxAbi.O_CREAT | LinuxAbi.O_EXCL
                            | abi.oNofollow | LinuxAbi.O_CLOEXEC, MODE);
                    int errno = fd < 0 ? LinuxLibc.errno() : 0;
                    if (fd < 0 && (errno != Errno.EEXIST.intValue() || tries == NAME_TRIES)) {
                        throw FileErrors.of(directory, errno, "cannot create a file there");
                    }
                }
            }
            return new OutputFile(absolute, directory, dirFd, fd, name, buffer);
        } catch (IOException | RuntimeException e) {
            if (dirFd >= 0) {
                LinuxLibc.close(dirFd);
            }
            buffer.close();
            throw e;
        }
    }

    /** What {@code openat} says when the filesystem or kernel has no {@code O_TMPFILE}. */
    private static boolean unsupported(int errno) {
        return errno == Errno.EOPNOTSUPP.intValue() || errno == Errno.EISDIR.intValue()
                || errno == Errno.EINVAL.intValue() || errno == Errno.ENOENT.intValue();
    }

    /** {@code .NAME.} and 16 random hex digits: from {@code getrandom}, which no other user can predict. */
    private static String randomName(String name) {
        long bits;
        try (NativeBuffer r = new NativeBuffer(8)) {
            bits = LinuxLibc.getrandom(r.address, 8) == 8 ? NativeBuffer.IO.getLong(r.address)
                    : ThreadLocalRandom.current().nextLong() ^ System.nanoTime();
        }
        return "." + name + "." + String.format("%016x", bits) + ".tmp";
    }

    private static void put(NativeBuffer b, String path) throws IOException {
        put(b, path.getBytes(PathBytes.jnu()), path);
    }

    /** A path's own bytes: its String form may not hold them (see {@link PathBytes}). */
    private static void put(NativeBuffer b, Path path) throws IOException {
        put(b, PathBytes.of(path), path.toString());
    }

    private static void put(NativeBuffer b, byte[] bytes, String path) throws IOException {
        Errno refused = b.putString(bytes, 0, bytes.length, 4095);
        if (refused != null) {
            throw new FileSystemException(path, null, refused.description());
        }
    }

    /**
     * Appends bytes.
     *
     * @param b the bytes
     * @param offset where they start
     * @param length how many
     * @throws IOException when the file cannot be written (a full disk, a quota), naming the target
     */
    public void write(byte[] b, int offset, int length) throws IOException {
        while (length > 0) {
            int n = Math.min(length, buffer.capacity);
            NativeBuffer.IO.putByteArray(buffer.address, b, offset, n);
            long done = 0;
            while (done < n) {
                long w = LinuxLibc.write(fd, buffer.address + done, n - done);
                if (w < 0) {
                    int errno = LinuxLibc.errno();
                    if (errno == Errno.EINTR.intValue()) {
                        continue;
                    }
                    throw FileErrors.of(target, errno, "cannot write the file");
                }
                done += w;
            }
            offset += n;
            length -= n;
        }
    }

    /**
     * Forces what was written to the disk.
     *
     * @throws IOException when {@code fsync} fails, naming the target
     */
    public void force() throws IOException {
        if (LinuxLibc.fsync(fd) != 0) {
            throw FileErrors.of(target, LinuxLibc.errno(), "cannot force the file to disk");
        }
    }

    /**
     * A path through which what was written can be read back before it is published.
     *
     * @return the temporary name, or the descriptor's entry in {@code /proc/self/fd}
     */
    public Path contents() {
        String name = temporaryName;
        return name != null ? directory.resolve(name) : Path.of("/proc/self/fd/" + fd);
    }

    /**
     * Gives the file the target's name, replacing whatever had it, atomically, and forces the
     * directory. An unnamed file is first linked under a random name, then renamed.
     *
     * @throws IOException naming the target, when it cannot be replaced (the old file is left as it was);
     *         naming the directory, when the rename was done but cannot be forced to disk
     * @throws IllegalStateException after {@link #discard}
     */
    public void publish() throws IOException {
        if (discarded) {
            throw new IllegalStateException(target + ": the file was discarded");
        }
        try (NativeBuffer from = new NativeBuffer(4096); NativeBuffer to = new NativeBuffer(4096)) {
            if (temporaryName == null) {
                put(from, "/proc/self/fd/" + fd);
                for (int tries = 0; ; tries++) {
                    String name = randomName(target.getFileName().toString());
                    put(to, name);
                    if (LinuxLibc.linkat(LinuxAbi.AT_FDCWD, from.address, dirFd, to.address,
                            LinuxAbi.AT_SYMLINK_FOLLOW) == 0) {
                        temporaryName = name;
                        break;
                    }
                    int errno = LinuxLibc.errno();
                    if (errno != Errno.EEXIST.intValue() || tries == NAME_TRIES) {
                        throw FileErrors.of(target, errno, "cannot name the new file");
                    }
                }
            }
            put(from, temporaryName);
            put(to, target.getFileName());
            if (LinuxLibc.renameat(dirFd, from.address, dirFd, to.address) != 0) {
                int errno = LinuxLibc.errno();
                LinuxLibc.unlinkat(dirFd, from.address, 0);
                temporaryName = null;
                throw FileErrors.of(target, errno, "cannot replace the file");
            }
            published = true;
            forceDirectory();
        }
    }

    /**
     * Whether the file was renamed over its target: from then on it is the target, even when forcing
     * the rename to disk failed after it.
     *
     * @return true once renamed
     */
    public boolean published() {
        return published;
    }

    /**
     * Forces the rename to disk: atomic is not durable, and a crash before the directory reaches the
     * disk can bring the old file back, or none. A filesystem that cannot force a directory at all says
     * {@code EINVAL} (fsync(2)): the rename is as durable as it can make it. Any other error (an I/O
     * error) means the new file may not survive a crash, and is reported.
     *
     * @throws IOException naming the directory, with the error
     */
    private void forceDirectory() throws IOException {
        if (LinuxLibc.fsync(dirFd) != 0) {
            int errno = LinuxLibc.errno();
            if (errno != Errno.EINVAL.intValue()) {
                throw FileErrors.of(directory, errno, "cannot force the directory to disk after renaming "
                        + target.getFileName() + " into it");
            }
        }
    }

    /**
     * Gives up the file: a named temporary file is deleted, an unnamed one vanishes when its
     * descriptor closes. Safe from any thread at any time (a signal's shutdown hook), and more than once.
     */
    public void discard() {
        discarded = true;
        String name = temporaryName;
        if (!published && name != null) {
            try {
                Files.deleteIfExists(directory.resolve(name));
            } catch (IOException ignored) {
                // the directory went away or became read-only: nothing more can be done from here
            }
        }
    }

    /** Closes the descriptors and frees the buffer; once. The caller guarantees no other call is in progress. */
    public void release() {
        if (released.compareAndSet(false, true)) {
            LinuxLibc.close(fd);
            LinuxLibc.close(dirFd);
            buffer.close();
        }
    }
}
