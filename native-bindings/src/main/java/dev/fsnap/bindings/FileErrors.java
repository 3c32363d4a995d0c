package dev.fsnap.bindings;

import jnr.constants.platform.Errno;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;

/**
 * The one place where a system error becomes a Java one: a call's errno, read once where the call
 * failed, as the {@code java.nio.file} exception that names the path (one table, for every path
 * fsnap names: a scan's root, a snapshot it writes or reads). The exception carries the errno as
 * data ({@link SystemError}), as the JDK's own {@code UnixException} does before it is translated:
 * no one reads it back from the message, whose text depends on the platform and the locale.
 */
public final class FileErrors {
    private FileErrors() {
    }

    /** An exception made here, with the error it stands for. */
    public interface SystemError {
        /** @return the call's error; never null */
        Errno errno();
    }

    /**
     * The exception for a failed call on a path: a missing path, a refused one and one that is no
     * directory are said by the exception's type alone; every other error by its description, after
     * what was being done. (A read-only filesystem is not a refusal: it is said as such.)
     *
     * @param path the path
     * @param errno the call's error; null when unknown (reported as an I/O error)
     * @param what what was being done ({@code cannot write the file}); may be empty
     * @return the exception to throw
     */
    public static IOException of(String path, Errno errno, String what) {
        Errno e = errno == null || !errno.defined() ? Errno.EIO : errno;
        switch (e) {
            case ENOENT:
                return new Missing(path, e);
            case EACCES:
            case EPERM:
                return new Denied(path, e);
            case ENOTDIR:
                return new NotADirectory(path, e);
            default:
                return new Failed(path, what.isEmpty() ? e.description() : what + ": " + e.description(), e);
        }
    }

    /**
     * As {@link #of(String, Errno, String)}, for a call made here whose {@code errno} was just read.
     *
     * @param path the file the call was about
     * @param errno the call's errno
     * @param what what was being done, for the message
     * @return the exception to throw
     */
    static IOException of(Path path, int errno, String what) {
        return of(path.toString(), errno(errno), what);
    }

    /**
     * @param errno an errno as the system gave it
     * @return its constant; null when this platform's table has none
     */
    static Errno errno(int errno) {
        Errno e = Errno.valueOf(errno);
        return e == null || !e.defined() ? null : e;
    }

    /**
     * The error an exception stands for: as data when it was made here; by its type when the JDK
     * made it (NIO gives errno no other way: its message is {@code strerror}'s text, in the
     * locale's language, and is never parsed).
     *
     * @param e the exception
     * @return the error, or null when the exception says none
     */
    public static Errno errnoOf(IOException e) {
        if (e instanceof SystemError s) {
            return s.errno();
        }
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
        if (e instanceof FileAlreadyExistsException) {
            return Errno.EEXIST;
        }
        if (e instanceof DirectoryNotEmptyException) {
            return Errno.ENOTEMPTY;
        }
        return null;
    }

    private static final class Missing extends NoSuchFileException implements SystemError {
        private static final long serialVersionUID = 1L;
        private final transient Errno errno;

        Missing(String path, Errno errno) {
            super(path);
            this.errno = errno;
        }

        @Override
        public Errno errno() {
            return errno;
        }
    }

    private static final class Denied extends AccessDeniedException implements SystemError {
        private static final long serialVersionUID = 1L;
        private final transient Errno errno;

        Denied(String path, Errno errno) {
            super(path);
            this.errno = errno;
        }

        @Override
        public Errno errno() {
            return errno;
        }
    }

    private static final class NotADirectory extends NotDirectoryException implements SystemError {
        private static final long serialVersionUID = 1L;
        private final transient Errno errno;

        NotADirectory(String path, Errno errno) {
            super(path);
            this.errno = errno;
        }

        @Override
        public Errno errno() {
            return errno;
        }
    }

    private static final class Failed extends FileSystemException implements SystemError {
        private static final long serialVersionUID = 1L;
        private final transient Errno errno;

        Failed(String path, String reason, Errno errno) {
            super(path, null, reason);
            this.errno = errno;
        }

        @Override
        public Errno errno() {
            return errno;
        }
    }
}
