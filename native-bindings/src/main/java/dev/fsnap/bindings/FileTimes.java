package dev.fsnap.bindings;

import jnr.constants.platform.Errno;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Path;

/**
 * Sets a file's modification time to the nanosecond, of the entry itself (a symbolic link's own,
 * not its target's): {@code utimensat} with {@code AT_SYMLINK_NOFOLLOW}, its access time left
 * alone ({@code UTIME_OMIT}). The JDK sets a link's times with {@code lutimes}, which takes
 * microseconds.
 */
public final class FileTimes {
    /** {@code UTIME_OMIT}: the time in this slot is left as it is. */
    private static final long UTIME_OMIT = (1L << 30) - 2;
    private static final int TIMESPEC = 16;

    private FileTimes() {
    }

    /**
     * @param path the entry, not followed if it is a link
     * @param seconds the modification time's seconds since the epoch
     * @param nanos its nanoseconds, 0 to 999,999,999
     * @throws IOException naming the path and the reason, when the time cannot be set
     * @throws UnsupportedOperationException when the native Linux calls are unavailable
     */
    public static void setModified(Path path, long seconds, int nanos) throws IOException {
        LinuxLibc.library().ensureAvailable();
        byte[] bytes = PathBytes.of(path);
        try (NativeBuffer name = new NativeBuffer(bytes.length + 1); NativeBuffer times = new NativeBuffer(2 * TIMESPEC)) {
            Errno refused = name.putString(bytes, 0, bytes.length, bytes.length);
            if (refused != null) {
                throw new FileSystemException(path.toString(), null, refused.description());
            }
            NativeBuffer.IO.putLong(times.address, 0L);
            NativeBuffer.IO.putLong(times.address + 8, UTIME_OMIT);
            NativeBuffer.IO.putLong(times.address + TIMESPEC, seconds);
            NativeBuffer.IO.putLong(times.address + TIMESPEC + 8, nanos);
            if (LinuxLibc.utimensat(LinuxAbi.AT_FDCWD, name.address, times.address, LinuxAbi.AT_SYMLINK_NOFOLLOW) != 0) {
                throw FileErrors.of(path, LinuxLibc.errno(), "cannot set its modification time");
            }
        }
    }
}
