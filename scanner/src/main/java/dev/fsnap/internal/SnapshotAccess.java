package dev.fsnap.internal;

import dev.fsnap.scan.Scan;
import dev.fsnap.scan.ScanListener;
import dev.fsnap.scan.ScanOptions;
import dev.fsnap.scan.Scanner;
import dev.fsnap.snapshot.ContentSchedule;
import dev.fsnap.snapshot.Snapshot;
import dev.fsnap.snapshot.SnapshotScan;

import java.io.IOException;
import java.nio.file.Path;

/**
 * What {@link Scanner}, the one way to start a scan, needs of {@code dev.fsnap.snapshot} that its
 * API does not offer: a content schedule planned from the last snapshot, a scan that takes the
 * schedule's digests over, and a snapshot scan opened on its output. Implemented by
 * {@code dev.fsnap.snapshot}, which registers itself when {@link SnapshotScan} is initialized (as
 * {@link ScanInternals} is registered by {@code dev.fsnap.scan}).
 */
public abstract class SnapshotAccess {
    private static volatile SnapshotAccess registered;

    /**
     * Registers the implementation: once, by {@code dev.fsnap.snapshot}.
     *
     * @param access the implementation
     * @throws IllegalStateException when one is registered already
     */
    public static synchronized void register(SnapshotAccess access) {
        if (registered != null) {
            throw new IllegalStateException("the snapshot access is registered once, by dev.fsnap.snapshot, and is"
                    + " already: " + access.getClass().getName() + " is refused");
        }
        registered = java.util.Objects.requireNonNull(access);
    }

    /** @return the implementation */
    public static SnapshotAccess get() {
        SnapshotAccess r = registered;
        if (r == null) {
            try {
                Class.forName(SnapshotScan.class.getName(), true, SnapshotScan.class.getClassLoader());
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException(e);
            }
            r = registered;
        }
        return r;
    }

    /**
     * Plans tonight's verification against the last snapshot (reads it once when a budget or a limit is set).
     *
     * @throws IOException when the last snapshot cannot be read
     */
    public abstract ContentSchedule plan(Snapshot last, ScanOptions options) throws IOException;

    /**
     * Starts a scan in which unchanged files take their digests over from the schedule's snapshot.
     *
     * @throws IOException when the root cannot be opened, naming it
     */
    public abstract Scan start(ScanOptions options, ContentSchedule schedule, ScanListener listener) throws IOException;

    /**
     * Opens a snapshot scan's output, not yet started.
     *
     * @throws IOException when the snapshot cannot be created next to the target, naming it
     */
    public abstract SnapshotScan open(Scanner scanner, Path target) throws IOException;
}
