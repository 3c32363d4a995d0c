package dev.fsnap.snapshot;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A snapshot file that is damaged, truncated, or not a snapshot at all: reading stops at the first
 * block that fails its check, and nothing read from it is passed on as an answer.
 */
public final class CorruptSnapshotException extends IOException {
    /** Serialization version. */
    private static final long serialVersionUID = 1L;

    private final transient Path file;
    /** The byte offset of the damaged block. */
    private final long offset;

    /**
     * Made by the snapshot reader.
     *
     * @param file the snapshot file
     * @param offset the byte offset of the damaged block
     * @param reason what is wrong there
     */
    public CorruptSnapshotException(Path file, long offset, String reason) {
        super(file + ": corrupt snapshot at byte offset " + offset + ": " + reason);
        this.file = file;
        this.offset = offset;
    }

    /** @return the snapshot file */
    public Path file() {
        return file;
    }

    /** @return the byte offset of the damaged block */
    public long offset() {
        return offset;
    }
}
