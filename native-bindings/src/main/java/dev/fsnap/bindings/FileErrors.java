package dev.fsnap.bindings;

import jnr.constants.platform.Errno;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** errno of a call on a whole file, as the {@code java.nio.file} exception that names the path. */
final class FileErrors {
    private FileErrors() {
    }

    /**
     * @param path the file the call was about
     * @param errno the call's errno
     * @param what what was being done, for the message ("cannot write the file")
     * @return the exception to throw
     */
    static IOException of(Path path, int errno, String what) {
        Errno e = Errno.valueOf(errno);
        String reason = e == null ? "error " + errno : e.description();
        if (e == Errno.ENOENT) {
            return new NoSuchFileException(path.toString());
        }
        if (e == Errno.EACCES || e == Errno.EPERM || e == Errno.EROFS) {
            return new AccessDeniedException(path.toString(), null, what + ": " + reason);
        }
        return new FileSystemException(path.toString(), null, what + ": " + reason);
    }
}
