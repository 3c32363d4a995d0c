package dev.fsnap.bindings;

import jnr.constants.platform.Errno;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;

/**
 * The one place where a system error becomes a Java one and back: a call's errno as the
 * {@code java.nio.file} exception that names the path, and an exception of the JDK's own file
 * calls as the errno it stands for.
 */
public final class FileErrors {
    private FileErrors() {
    }

    /**
     * The exception for a failed call on a path a user named (a scan's root): a missing path, a
     * refused one and one that is no directory are said by the exception's type alone.
     *
     * @param path the path
     * @param errno the call's error; null when unknown (reported as an I/O error)
     * @param what what was being done, for other errors' message ({@code cannot open}); may be empty
     * @return the exception to throw
     */
    public static IOException ofNamed(String path, Errno errno, String what) {
        if (errno == Errno.ENOENT) {
            return new NoSuchFileException(path);
        }
        if (errno == Errno.EACCES || errno == Errno.EPERM) {
            return new AccessDeniedException(path);
        }
        if (errno == Errno.ENOTDIR) {
            return new NotDirectoryException(path);
        }
        return new FileSystemException(path, null, what.isEmpty() ? reason(errno) : what + ": " + reason(errno));
    }

    /**
     * The exception for a failed call on a file fsnap writes or reads, with what it was doing.
     *
     * @param path the file the call was about
     * @param errno the call's errno
     * @param what what was being done, for the message ({@code cannot write the file})
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

    private static String reason(Errno errno) {
        return errno == null ? "Input/output error" : errno.description();
    }

    /**
     * The error a JDK file call met. NIO reports errno only by the exception's type or as
     * {@code strerror} text; this maps both back.
     *
     * @param e the exception
     * @return the error, or null when the exception says none that is known
     */
    public static Errno errnoOf(IOException e) {
        if (e instanceof NoSuchFileException) {
            return Errno.ENOENT;
        }
        if (e instanceof AccessDeniedException) {
            return Errno.EACCES;
        }
        if (e instanceof NotDirectoryException) {
            return Errno.ENOTDIR;
        }
        if (e instanceof FileSystemLoopException) {
            return Errno.ELOOP;
        }
        String reason = e instanceof FileSystemException fse ? fse.getReason() : e.getMessage();
        if (reason != null) {
            for (Errno errno : Errno.values()) {
                if (errno.defined() && reason.equals(errno.description())) {
                    return errno;
                }
            }
        }
        return null;
    }
}
