package dev.fsnap.walk;

import dev.fsnap.scan.Operation;
import dev.fsnap.scan.ScanError;
import dev.fsnap.bindings.FileErrors;
import jnr.constants.platform.Errno;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystemLoopException;

/** Why one operation failed, as a symbolic code and the system's message; made by each backend. */
record Failure(String code, String message) {
    static final Failure LOOP = new Failure("ELOOP", "Filesystem loop: a symbolic link leads to an ancestor");
    /** A followed link that leads out of the scanned tree: never followed. */
    static final Failure OUTSIDE_ROOT = new Failure("EXDEV", "Symbolic link leads outside the root: not followed");
    /** Without following links, a link found on the way to a directory (swapped in during the scan). */
    static final Failure LINK_ON_PATH = new Failure("ELOOP",
            "A symbolic link is on the path (a directory was replaced during the scan): not followed");

    /** What the backend cannot do at all (extended attributes outside Linux's native backend). */
    static final Failure NOT_SUPPORTED = new Failure("ENOTSUP", "Operation not supported by this backend");

    /** A file whose size, times or inode changed while its content was read, twice. */
    static final Failure CHANGING = new Failure("ECHANGING", "The file changed while its content was read (twice)");

    static Failure of(Errno errno) {
        return errno == null ? new Failure("EIO", "Input/output error") : new Failure(errno.name(), errno.description());
    }

    /** An exception of the JDK's file calls (the NIO backend's), by the error it stands for. */
    static Failure of(IOException e) {
        if (e instanceof FileSystemLoopException) {
            return LOOP;
        }
        Errno errno = FileErrors.errnoOf(e);
        if (errno != null) {
            return of(errno);
        }
        String reason = e instanceof FileSystemException fse ? fse.getReason() : e.getMessage();
        return new Failure("EIO", reason == null ? e.toString() : reason);
    }

    ScanError at(byte[] path, Operation operation) {
        return new ScanError(path, operation, code, message);
    }
}
