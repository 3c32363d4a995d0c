package dev.fsnap.snapshot;

import dev.fsnap.snapshot.format.Format;

import java.io.IOException;
import java.nio.file.Path;

/** A snapshot written in a format version this fsnap cannot read. */
public final class IncompatibleSnapshotException extends IOException {
    private static final long serialVersionUID = 1L;

    /**
     * Made by the snapshot reader for a version it does not read.
     *
     * @param file the snapshot file
     * @param version the version the file was written in
     */
    public IncompatibleSnapshotException(Path file, int version) {
        super(file + ": snapshot format version " + version + " is not supported (this fsnap reads version "
                + Format.OLDEST_VERSION + " to " + Format.NEWEST_VERSION + ")");
    }

    /**
     * Made by the snapshot reader for a file of a version it reads that needs what it does not know
     * (a required column).
     *
     * @param file the snapshot file
     * @param why what it cannot read
     */
    public IncompatibleSnapshotException(Path file, String why) {
        super(file + ": this fsnap cannot read the snapshot: " + why);
    }
}
