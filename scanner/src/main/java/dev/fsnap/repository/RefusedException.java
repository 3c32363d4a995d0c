package dev.fsnap.repository;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * What a repository will not do, and why: a directory that is not safe to use (a link, another
 * user's, writable by others), a file that is not what fsnap made, a reference that names no run.
 * The message names the path and the reason, for a person to read; it never quotes a file's content.
 */
public class RefusedException extends IOException {
    private static final long serialVersionUID = 1L;

    /** The file or directory refused. */
    private final transient Path path;

    /**
     * @param path the file or directory refused
     * @param message what is wrong, naming the path
     */
    RefusedException(Path path, String message) {
        super(message);
        this.path = Objects.requireNonNull(path, "path");
    }

    /** @return the file or directory refused */
    public Path path() {
        return path;
    }
}
