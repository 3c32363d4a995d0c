package dev.fsnap.internal;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/** A failure of the system said for a person: the path, and what the system said, never a class name. */
public final class IoMessages {
    private IoMessages() {
    }

    /**
     * @param e what went wrong
     * @return the path and the reason, as a message says them
     */
    public static String describe(IOException e) {
        if (e instanceof NoSuchFileException) {
            return e.getMessage() + ": no such file or directory";
        }
        if (e instanceof NotDirectoryException) {
            return e.getMessage() + ": not a directory";
        }
        if (e instanceof AccessDeniedException) {
            return e.getMessage() + ": permission denied";
        }
        if (e instanceof FileSystemException fse) {
            return fse.getFile() + (fse.getReason() == null ? "" : ": " + fse.getReason());
        }
        return String.valueOf(e.getMessage());
    }
}
