package dev.fsnap.scan;

import jnr.constants.platform.Errno;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/** Why one operation failed, as a symbolic code and the system's message; made by each backend. */
record Failure(String code, String message) {
    static final Failure LOOP = new Failure("ELOOP", "Filesystem loop: a symbolic link leads to an ancestor");
    /** A followed link that leads out of the scanned tree: never followed. */
    static final Failure OUTSIDE_ROOT = new Failure("EXDEV", "Symbolic link leads outside the root: not followed");
    /** Without following links, a link found on the way to a directory (swapped in during the scan). */
    static final Failure LINK_ON_PATH = new Failure("ELOOP",
            "A symbolic link is on the path (a directory was replaced during the scan): not followed");

    static Failure of(Errno errno) {
        return errno == null ? new Failure("EIO", "Input/output error") : new Failure(errno.name(), errno.description());
    }

    /** NIO reports errno only as strerror text (or a typed exception): map it back to the symbolic code. */
    static Failure of(IOException e) {
        if (e instanceof NoSuchFileException) {
            return of(Errno.ENOENT);
        }
        if (e instanceof AccessDeniedException) {
            return of(Errno.EACCES);
        }
        if (e instanceof NotDirectoryException) {
            return of(Errno.ENOTDIR);
        }
        if (e instanceof FileSystemLoopException) {
            return LOOP;
        }
        String reason = e instanceof FileSystemException fse ? fse.getReason() : e.getMessage();
        if (reason != null) {
            for (Errno errno : Errno.values()) {
                if (errno.defined() && reason.equals(errno.description())) {
                    return of(errno);
                }
            }
        }
        return new Failure("EIO", reason == null ? e.toString() : reason);
    }

    ScanError at(byte[] path, Operation operation) {
        return new ScanError(path, operation, code, message);
    }
}
