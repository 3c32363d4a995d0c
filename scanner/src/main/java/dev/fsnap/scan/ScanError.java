package dev.fsnap.scan;

import dev.fsnap.internal.Paths;
import java.util.Arrays;

/**
 * An entry the scan could not read: which path, which operation, and the system's reason.
 * The scan goes on; the error is counted in the summary and delivered to the visitor.
 *
 * @param path the path relative to the root, raw bytes (empty for the root itself)
 * @param operation what failed
 * @param code the symbolic error name, for example {@code ENOENT} or {@code EACCES}
 * @param message the system's message, for example {@code Permission denied}
 */
public record ScanError(byte[] path, Operation operation, String code, String message) {
    /**
     * Validates and copies.
     *
     * @param path the path relative to the root, raw bytes (empty for the root itself)
     * @param operation what failed
     * @param code the symbolic error name, for example {@code ENOENT} or {@code EACCES}
     * @param message the system's message, for example {@code Permission denied}
     * @throws NullPointerException when a component is null
     */
    public ScanError {
        path = path.clone();
        if (operation == null || code == null || message == null) {
            throw new NullPointerException("operation, code and message are required");
        }
    }

    /** @return a copy of the path bytes */
    @Override
    public byte[] path() {
        return path.clone();
    }

    /**
     * The path for display: UTF-8, with invalid bytes replaced; {@code .} for the root.
     *
     * @return the display path
     */
    public String displayPath() {
        return Paths.display(path);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ScanError e && Arrays.equals(path, e.path) && operation == e.operation
                && code.equals(e.code) && message.equals(e.message);
    }

    @Override
    public int hashCode() {
        return (Arrays.hashCode(path) * 31 + operation.hashCode()) * 31 + code.hashCode();
    }

    @Override
    public String toString() {
        return displayPath() + ": " + message + " (" + code + ", " + operation.name().toLowerCase() + ")";
    }
}
