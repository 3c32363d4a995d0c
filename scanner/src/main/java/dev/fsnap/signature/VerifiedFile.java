package dev.fsnap.signature;

import java.io.Closeable;
import java.nio.file.Path;

/**
 * A signed file opened once, its signature verified over what was opened, and held open: read it
 * through {@link #path()}, which reaches those very bytes whatever its name comes to lead to, so that
 * a file swapped in under the same name after the check is never the one used. Close it when done.
 */
public final class VerifiedFile implements Closeable {
    private final Path file;
    private final Path path;
    private final Signed signed;
    private final Closeable pin;

    VerifiedFile(Path file, Path path, Signed signed, Closeable pin) {
        this.file = file;
        this.path = path;
        this.signed = signed;
        this.pin = pin;
    }

    /** @return the file as named */
    public Path file() {
        return file;
    }

    /** @return a path that reaches the bytes verified while this is open (on Linux, the open descriptor) */
    public Path path() {
        return path;
    }

    /** @return the signature verified */
    public Signed signed() {
        return signed;
    }

    @Override
    public void close() throws java.io.IOException {
        if (pin != null) {
            pin.close();
        }
    }
}
