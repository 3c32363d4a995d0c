package dev.fsnap.signature;

import java.io.IOException;
import java.nio.file.Path;

/** A key file that cannot be used: not a key of this format, cut short, or its passphrase wrong. */
public final class KeyFileException extends IOException {
    private static final long serialVersionUID = 1L;

    private final transient Path file;

    KeyFileException(Path file, String reason) {
        super(file + ": " + reason);
        this.file = file;
    }

    /** @return the key file */
    public Path file() {
        return file;
    }
}
