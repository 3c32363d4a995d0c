package dev.fsnap.bindings;

import jnr.constants.platform.Errno;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Path;

/**
 * A file open for positional reads on Linux, its descriptor close-on-exec (the JDK's channels are
 * not): what a snapshot is read through. Reads and {@link #close} are serialized, so a close from
 * another thread never frees the buffer under a read.
 */
public final class InputFile implements AutoCloseable {
    private static final int BUFFER = 1 << 16;
    private static final int SEEK_END = 2;

    private final Path path;
    private final int fd;
    private final long size;
    private final NativeBuffer buffer;
    private boolean closed;

    private InputFile(Path path, int fd, long size, NativeBuffer buffer) {
        this.path = path;
        this.fd = fd;
        this.size = size;
        this.buffer = buffer;
    }

    /**
     * Opens a file for reading.
     *
     * @param path the file
     * @return the open file
     * @throws IOException naming the file, when it cannot be opened
     * @throws UnsupportedOperationException when the native Linux calls are unavailable
     */
    public static InputFile open(Path path) throws IOException {
        LinuxLibc.library().ensureAvailable();
        NativeBuffer buffer = new NativeBuffer(BUFFER);
        byte[] name = PathBytes.of(path);
        Errno refused = buffer.putString(name, 0, name.length, 4095);
        if (refused != null) {
            buffer.close();
            throw new FileSystemException(path.toString(), null, refused.description());
        }
        int fd = LinuxLibc.openat(LinuxAbi.AT_FDCWD, buffer.address, LinuxAbi.O_RDONLY | LinuxAbi.O_CLOEXEC);
        if (fd < 0) {
            int errno = LinuxLibc.errno();
            buffer.close();
            throw FileErrors.of(path, errno, "cannot open");
        }
        long size = LinuxLibc.lseek(fd, 0, SEEK_END);
        if (size < 0) {
            int errno = LinuxLibc.errno();
            LinuxLibc.close(fd);
            buffer.close();
            throw FileErrors.of(path, errno, "cannot find its size");
        }
        return new InputFile(path, fd, size, buffer);
    }

    /** @return the file's size when it was opened */
    public long size() {
        return size;
    }

    /**
     * Reads up to {@code length} bytes at {@code position}.
     *
     * @param into where they go
     * @param offset where in {@code into}
     * @param length how many at most
     * @param position where in the file
     * @return how many were read; -1 at the end of the file
     * @throws IOException naming the file, when the read fails
     */
    public synchronized int read(byte[] into, int offset, int length, long position) throws IOException {
        if (closed) {
            throw new FileSystemException(path.toString(), null, "closed");
        }
        int n = Math.min(length, buffer.capacity);
        long r;
        do {
            r = LinuxLibc.pread(fd, buffer.address, n, position);
        } while (r < 0 && LinuxLibc.errno() == Errno.EINTR.intValue());
        if (r < 0) {
            throw FileErrors.of(path, LinuxLibc.errno(), "cannot read");
        }
        if (r == 0 && n > 0) {
            return -1;
        }
        NativeBuffer.IO.getByteArray(buffer.address, into, offset, (int) r);
        return (int) r;
    }

    /** Closes the descriptor and frees the buffer; harmless twice. */
    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            LinuxLibc.close(fd);
            buffer.close();
        }
    }
}
