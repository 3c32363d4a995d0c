package dev.fsnap.snapshot;

import dev.fsnap.scan.Scan;
import dev.fsnap.scan.ScanListener;
import dev.fsnap.scan.ScanOptions;
import dev.fsnap.scan.ScanProgress;
import dev.fsnap.scan.ScanSummary;
import dev.fsnap.scan.Scanner;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A scan writing a snapshot, running in the background: observe it, cancel it, wait for it. The
 * snapshot replaces the target only when {@link #await()} returns a scan that was not cancelled;
 * otherwise the previous file is left as it was.
 *
 * <pre>{@code
 * try (SnapshotScan scan = SnapshotScan.start(options, Path.of("tonight.snap"), null)) {
 *     ScanSummary summary = scan.await();
 * }
 * }</pre>
 */
public final class SnapshotScan implements AutoCloseable {
    private final SnapshotWriter writer;
    private final Scan scan;
    private ScanSummary summary;

    private SnapshotScan(SnapshotWriter writer, Scan scan) {
        this.writer = writer;
        this.scan = scan;
    }

    /**
     * Starts scanning into a snapshot.
     *
     * @param options what to scan (recorded in the snapshot, rules included)
     * @param target the snapshot file to write
     * @param listener hears of every error, and of every entry when it is an
     *                 {@link dev.fsnap.scan.EntryVisitor}; null for none (errors are recorded in
     *                 the snapshot either way)
     * @return the running scan
     * @throws IOException when the snapshot cannot be created next to the target (naming it)
     * @throws java.nio.file.NoSuchFileException when the root does not exist
     * @throws java.nio.file.NotDirectoryException when the root is not a directory
     * @throws java.nio.file.AccessDeniedException when the root cannot be read
     * @throws UnsupportedOperationException when the native backend was requested and is unavailable
     */
    public static SnapshotScan start(ScanOptions options, Path target, ScanListener listener) throws IOException {
        SnapshotWriter writer = SnapshotWriter.create(target, options);
        try {
            return new SnapshotScan(writer, Scanner.of(options).start(writer.listenerWith(listener)));
        } catch (IOException | RuntimeException e) {
            writer.close();
            throw e;
        }
    }

    /**
     * Scans into a snapshot and waits: {@link #start} and {@link #await()} in one call.
     *
     * @param options what to scan
     * @param target the snapshot file to write
     * @param listener hears of errors (and entries); null for none
     * @return the summary
     * @throws IOException when the root cannot be opened or the snapshot cannot be written
     * @throws InterruptedException when interrupted while waiting (the scan is cancelled, the target
     *                              left as it was)
     */
    public static ScanSummary take(ScanOptions options, Path target, ScanListener listener)
            throws IOException, InterruptedException {
        try (SnapshotScan s = start(options, target, listener)) {
            return s.await();
        }
    }

    /** @return the counters now; safe from any thread */
    public ScanProgress progress() {
        return scan.progress();
    }

    /** Stops the scan; {@link #await()} then returns promptly and the target is left as it was. */
    public void cancel() {
        scan.cancel();
    }

    /**
     * Waits for the scan, then, unless it was cancelled, completes the snapshot and renames it over
     * the target.
     *
     * @return the summary ({@link ScanSummary#cancelled()} says whether the snapshot was written)
     * @throws IOException when the snapshot cannot be completed (the target is left as it was)
     * @throws InterruptedException when interrupted while waiting (the scan is cancelled)
     */
    public ScanSummary await() throws IOException, InterruptedException {
        if (summary == null) {
            ScanSummary s = scan.await();
            if (!s.cancelled()) {
                writer.commit(s);
            }
            summary = s;
        }
        return summary;
    }

    /**
     * Cancels the scan if it was not awaited, waits for it to stop, and deletes the temporary file
     * unless the snapshot was committed.
     *
     * @throws IOException when the temporary file cannot be deleted
     */
    @Override
    public void close() throws IOException {
        if (summary == null) {
            scan.cancel();
            try {
                scan.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException ignored) {
                // what the listener threw: the caller saw it, or chose not to wait
            }
        }
        writer.close();
    }
}
