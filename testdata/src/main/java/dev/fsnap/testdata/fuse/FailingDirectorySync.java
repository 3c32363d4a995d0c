package dev.fsnap.testdata.fuse;

import jnr.ffi.Pointer;
import ru.serce.jnrfuse.ErrorCodes;
import ru.serce.jnrfuse.FuseFillDir;
import ru.serce.jnrfuse.FuseStubFS;
import ru.serce.jnrfuse.struct.FileStat;
import ru.serce.jnrfuse.struct.FuseFileInfo;
import ru.serce.jnrfuse.struct.Timespec;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A FUSE filesystem that shows a real directory read-write, and whose {@code fsync} of a directory
 * fails with a chosen error: a disk that loses the rename a program just forced ({@code EIO}), or a
 * filesystem that cannot force a directory at all ({@code EINVAL}). Files themselves are forced.
 *
 * <pre>
 * try (FailingDirectorySync disk = FailingDirectorySync.mount(source, mountPoint)) {
 *     disk.failDirectorySync(ErrorCodes.EIO());
 *     ...
 * }
 * </pre>
 */
public final class FailingDirectorySync extends FuseStubFS implements AutoCloseable {
    private final Path source;
    private final Path mountPoint;
    private volatile int directorySyncError;
    private volatile boolean closed;

    private FailingDirectorySync(Path source, Path mountPoint) {
        this.source = source;
        this.mountPoint = mountPoint;
    }

    /**
     * Mounts {@code source} at {@code mountPoint}, directories forced without error until told.
     * {@link SlowNas#unavailableReason()} says whether FUSE can be mounted here.
     *
     * @param source the real directory shown
     * @param mountPoint an empty directory
     * @return the mounted filesystem
     */
    public static FailingDirectorySync mount(Path source, Path mountPoint) {
        InterruptSignal.keep();
        FailingDirectorySync fs = new FailingDirectorySync(source.toAbsolutePath(), mountPoint.toAbsolutePath());
        fs.mount(fs.mountPoint, false, false, new String[] {"-o",
            "use_ino,attr_timeout=0,entry_timeout=0,negative_timeout=0,fsname=failing-sync,subtype=failingsync"});
        return fs;
    }

    /** @return where it is mounted */
    public Path mountPoint() {
        return mountPoint;
    }

    /**
     * From now on, {@code fsync} of a directory fails with this error.
     *
     * @param errno the error ({@code ErrorCodes.EIO()}), or 0 to succeed again
     */
    public void failDirectorySync(int errno) {
        directorySyncError = errno;
    }

    private Path real(String path) {
        return path.equals("/") ? source : source.resolve(path.substring(1));
    }

    private static int errorOf(IOException e) {
        if (e instanceof NoSuchFileException) {
            return -ErrorCodes.ENOENT();
        }
        if (e instanceof FileAlreadyExistsException) {
            return -ErrorCodes.EEXIST();
        }
        return -ErrorCodes.EIO();
    }

    @Override
    public int getattr(String path, FileStat stat) {
        try {
            RealAttributes.fill(real(path), stat);
            return 0;
        } catch (IOException e) {
            return errorOf(e);
        }
    }

    @Override
    public int readdir(String path, Pointer buf, FuseFillDir filter, long offset, FuseFileInfo fi) {
        try (Stream<Path> s = Files.list(real(path))) {
            filter.apply(buf, ".", null, 0);
            filter.apply(buf, "..", null, 0);
            for (Path p : s.toList()) {
                filter.apply(buf, p.getFileName().toString(), null, 0);
            }
            return 0;
        } catch (IOException e) {
            return errorOf(e);
        }
    }

    @Override
    public int create(String path, long mode, FuseFileInfo fi) {
        try {
            Files.createFile(real(path));
            return 0;
        } catch (IOException e) {
            return errorOf(e);
        }
    }

    @Override
    public int open(String path, FuseFileInfo fi) {
        return Files.exists(real(path), LinkOption.NOFOLLOW_LINKS) ? 0 : -ErrorCodes.ENOENT();
    }

    @Override
    public int read(String path, Pointer buf, long size, long offset, FuseFileInfo fi) {
        try (FileChannel c = FileChannel.open(real(path))) {
            ByteBuffer b = ByteBuffer.allocate((int) Math.min(size, 1 << 20));
            int n = c.read(b, offset);
            if (n <= 0) {
                return 0;
            }
            buf.put(0, b.array(), 0, n);
            return n;
        } catch (IOException e) {
            return errorOf(e);
        }
    }

    @Override
    public int write(String path, Pointer buf, long size, long offset, FuseFileInfo fi) {
        byte[] bytes = new byte[(int) size];
        buf.get(0, bytes, 0, bytes.length);
        try (FileChannel c = FileChannel.open(real(path), StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            long at = offset;
            while (b.hasRemaining()) {
                at += c.write(b, at);
            }
            return bytes.length;
        } catch (IOException e) {
            return errorOf(e);
        }
    }

    @Override
    public int truncate(String path, long size) {
        try (FileChannel c = FileChannel.open(real(path), StandardOpenOption.WRITE)) {
            c.truncate(size);
            return 0;
        } catch (IOException e) {
            return errorOf(e);
        }
    }

    @Override
    public int ftruncate(String path, long size, FuseFileInfo fi) {
        return truncate(path, size);
    }

    @Override
    public int rename(String from, String to) {
        try {
            Files.move(real(from), real(to), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return 0;
        } catch (IOException e) {
            return errorOf(e);
        }
    }

    @Override
    public int unlink(String path) {
        try {
            Files.delete(real(path));
            return 0;
        } catch (IOException e) {
            return errorOf(e);
        }
    }

    @Override
    public int chmod(String path, long mode) {
        return 0;
    }

    @Override
    public int utimens(String path, Timespec[] timespec) {
        return 0;
    }

    @Override
    public int fsync(String path, int isdatasync, FuseFileInfo fi) {
        return 0;
    }

    @Override
    public int fsyncdir(String path, FuseFileInfo fi) {
        int errno = directorySyncError;
        return errno == 0 ? 0 : -errno;
    }

    @Override
    public int opendir(String path, FuseFileInfo fi) {
        return Files.isDirectory(real(path), LinkOption.NOFOLLOW_LINKS) ? 0 : -ErrorCodes.ENOTDIR();
    }

    /** Unmounts. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            new ProcessBuilder("umount", "-l", mountPoint.toString()).redirectErrorStream(true).start()
                    .waitFor(30, TimeUnit.SECONDS);
        } catch (IOException e) {
            // fall through to the library's own unmount
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            umount();
        } catch (RuntimeException ignored) {
            // already unmounted above
        }
    }
}
