package dev.fsnap.snapshot;

import dev.fsnap.internal.SnapshotAccess;
import dev.fsnap.scan.Scan;
import dev.fsnap.scan.ScanListener;
import dev.fsnap.scan.ScanOptions;
import dev.fsnap.scan.ScanProgress;
import dev.fsnap.scan.ScanSummary;
import dev.fsnap.scan.Scanner;
import dev.fsnap.walk.Walk;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A scan writing a snapshot, as {@link Scanner#writingTo} opens it: start it, observe it, cancel it,
 * wait for it, then {@link #commit()} it. The snapshot replaces the target only on commit; a scan
 * that is cancelled, fails or is closed uncommitted leaves the previous file as it was.
 *
 * <pre>{@code
 * try (SnapshotScan scan = Scanner.of(options).writingTo(Path.of("tonight.snap")).start(null)) {
 *     ScanSummary summary = scan.await();
 *     scan.commit();
 * }
 * }</pre>
 *
 * <p>Between {@link #await()} and {@link #commit()}, {@link #complete()} gives the finished
 * snapshot to read (to compare it with the last one, say) before it replaces anything.
 */
public final class SnapshotScan implements Scan, AutoCloseable {
    static {
        SnapshotAccess.register(new Access());
    }

    private final Scanner scanner;
    private final SnapshotWriter writer;
    private volatile Scan scan;
    private volatile ScanSummary summary;
    private volatile boolean closed;

    private SnapshotScan(Scanner scanner, SnapshotWriter writer) {
        this.scanner = scanner;
        this.writer = writer;
    }

    /**
     * Starts the scan; on failure the snapshot is closed (its file discarded).
     *
     * @param listener hears of every error, and of every entry when it is an
     *                 {@link dev.fsnap.scan.EntryVisitor}; null for none (errors are recorded in
     *                 the snapshot either way)
     * @return this scan, running
     * @throws IllegalStateException when started before, or closed
     * @throws java.nio.file.NoSuchFileException when the root does not exist
     * @throws java.nio.file.NotDirectoryException when the root is not a directory
     * @throws java.nio.file.AccessDeniedException when the root cannot be read
     * @throws IOException for any other reason the root (or the baseline) cannot be read, naming it
     * @throws UnsupportedOperationException when the native backend was requested and is unavailable
     */
    public SnapshotScan start(ScanListener listener) throws IOException {
        synchronized (this) {
            if (scan != null || closed) {
                throw new IllegalStateException("the snapshot scan was " + (closed ? "closed" : "started already"));
            }
            try {
                ScanOptions options = scanner.options();
                ScanListener writing = writer.listenerWith(listener);
                ContentSchedule schedule = scanner.schedule().orElse(null);
                scan = schedule == null ? Walk.start(options, writing)
                        : Walk.start(options, writing, schedule.baseline());
            } catch (IOException | RuntimeException e) {
                writer.close();
                throw e;
            }
        }
        return this;
    }

    private Scan started() {
        Scan s = scan;
        if (s == null) {
            throw new IllegalStateException("the snapshot scan was not started");
        }
        return s;
    }

    /**
     * @return the counters now; safe from any thread
     * @throws IllegalStateException when not started
     */
    @Override
    public ScanProgress progress() {
        return started().progress();
    }

    /** Stops the scan; {@link #await()} then returns promptly, and the snapshot cannot be committed. */
    @Override
    public void cancel() {
        Scan s = scan;
        if (s != null) {
            s.cancel();
        }
    }

    /**
     * Waits for the scan. The snapshot is not yet in place: {@link #commit()} puts it there.
     *
     * @return the summary ({@link ScanSummary#cancelled()}: no snapshot can be committed)
     * @throws IllegalStateException when not started
     * @throws InterruptedException when interrupted while waiting (the scan is cancelled)
     * @throws RuntimeException what the listener threw, which stopped the scan
     */
    @Override
    public ScanSummary await() throws InterruptedException {
        ScanSummary s = summary;
        if (s == null) {
            s = started().await();
            summary = s;
        }
        return s;
    }

    /**
     * Waits for the scan and completes the snapshot without putting it in place: writes its end and
     * forces it to disk. It can then be read through the path returned (opened as a {@link Snapshot},
     * compared, verified) before {@link #commit()} renames it over the target, or {@link #close()}
     * discards it.
     *
     * @return a path to read the finished snapshot through, valid until commit or close
     * @throws IOException when writing or forcing fails (the target is left as it was)
     * @throws InterruptedException when interrupted while waiting for the scan (it is cancelled)
     * @throws IllegalStateException when the scan was cancelled or not started, or this was closed
     */
    public Path complete() throws IOException, InterruptedException {
        return writer.complete(await());
    }

    /**
     * Waits for the scan, completes the snapshot unless done, and renames it over the target.
     *
     * @throws IOException when the snapshot cannot be completed or put in place (the target is left
     *                     as it was, unless {@link #committed()}: renamed, but the directory could
     *                     not be forced to disk, so a crash may lose it)
     * @throws InterruptedException when interrupted while waiting for the scan (it is cancelled)
     * @throws IllegalStateException when the scan was cancelled or not started, or this was closed
     */
    public void commit() throws IOException, InterruptedException {
        writer.commit(await());
    }

    /**
     * Whether {@link #commit()} put the snapshot in place. After {@link #close()} the answer is final.
     *
     * @return true once committed
     */
    public boolean committed() {
        return writer.committed();
    }

    /**
     * Cancels the scan unless it was awaited, and discards the snapshot unless it was committed.
     * Safe from any thread, more than once, while the scan runs (a signal's shutdown hook): it does
     * not wait for the scan's workers, which stop on their own; {@link #await()} waits for them.
     */
    @Override
    public void close() {
        closed = true;
        Scan s = scan;
        if (s != null && summary == null) {
            s.cancel();
        }
        writer.close();
    }

    /** The way in from {@link Scanner}, which lives in another package. */
    private static final class Access extends SnapshotAccess {
        @Override
        public ContentSchedule plan(Snapshot last, ScanOptions options) throws IOException {
            return ContentSchedule.plan(last, options);
        }

        @Override
        public Scan start(ScanOptions options, ContentSchedule schedule, ScanListener listener) throws IOException {
            return Walk.start(options, listener, schedule.baseline());
        }

        @Override
        public SnapshotScan open(Scanner scanner, Path target) throws IOException {
            return new SnapshotScan(scanner, SnapshotWriter.create(target, scanner.options()));
        }
    }
}
