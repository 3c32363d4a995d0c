package dev.fsnap.repository;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A run's summary that cannot be read as one: other bytes than UTF-8, a file cut short, a field of
 * the wrong kind, or a file that is not a regular one. Damage is said as such, never taken for a run
 * that found nothing; the message names the file and the reason, never the file's content.
 */
public final class DamagedSummaryException extends IOException {
    private static final long serialVersionUID = 1L;

    /** The summary file (not serialized: a {@code Path} is not). */
    private final transient Path path;
    /** What is wrong with it, without the path. */
    private final String reason;

    /**
     * @param path the summary file
     * @param reason what is wrong with it, without the path
     */
    DamagedSummaryException(Path path, String reason) {
        super(path + ": " + reason);
        this.path = Objects.requireNonNull(path, "path");
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    /** @return the summary file */
    public Path path() {
        return path;
    }

    /** @return what is wrong with it, without the path ({@code not UTF-8}, {@code cut short (12 characters)}) */
    public String reason() {
        return reason;
    }
}
