package dev.fsnap.snapshot;

import java.io.IOException;
import java.nio.file.Path;

/** A snapshot written in a format version this fsnap cannot read. */
public final class IncompatibleSnapshotException extends IOException {
    private static final long serialVersionUID = 1L;

    IncompatibleSnapshotException(Path file, int version) {
        super(file + ": snapshot format version " + version + " is not supported (this fsnap reads version "
                + Format.OLDEST_VERSION + " to " + Format.VERSION + ")");
    }

    IncompatibleSnapshotException(Path file, String why) {
        super(file + ": this fsnap cannot read the snapshot: " + why);
    }
}
