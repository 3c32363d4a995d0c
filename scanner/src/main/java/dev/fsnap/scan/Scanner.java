package dev.fsnap.scan;

import dev.fsnap.internal.SnapshotAccess;
import dev.fsnap.snapshot.ContentSchedule;
import dev.fsnap.snapshot.Snapshot;
import dev.fsnap.snapshot.SnapshotScan;
import dev.fsnap.walk.Walk;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The way to start a scan: of a tree, with options; optionally against the last snapshot of it
 * (whose digests unchanged files take over), optionally writing a snapshot. Immutable: each step
 * returns a new scanner.
 *
 * <pre>{@code
 * ScanSummary summary = Scanner.of(ScanOptions.builder(Path.of("/srv/data")).build())
 *         .scan(entry -> System.out.println(entry.displayPath()));
 *
 * try (SnapshotScan scan = Scanner.of(options).against(last).writingTo(Path.of("tonight.snap")).start(null)) {
 *     scan.await();
 *     scan.commit();
 * }
 * }</pre>
 */
public final class Scanner {
    private final ScanOptions options;
    /** The last snapshot, whose digests unchanged files take over; or null. */
    private final Snapshot baseline;
    /** Tonight's verification, planned from the baseline on first use; guarded by this. */
    private ContentSchedule schedule;

    private Scanner(ScanOptions options, Snapshot baseline) {
        this.options = options;
        this.baseline = baseline;
    }

    /**
     * A scanner for the given options.
     *
     * @param options what to scan and how
     * @return the scanner
     * @throws NullPointerException when options is null
     */
    public static Scanner of(ScanOptions options) {
        return new Scanner(Objects.requireNonNull(options, "options"), null);
    }

    /**
     * The same scan against the last snapshot of the tree (or of a tree that holds it, such as the
     * merged snapshot of a plan for a shard): when the options read content
     * ({@link ScanOptions#digest()}), an unchanged file (size, times, inode) takes its digest over
     * unread unless the verification schedule picks it ({@link #schedule()}). Without a digest the
     * baseline is not used. The snapshot is read while the scan runs: keep it open until then.
     *
     * @param last the last snapshot
     * @return a new scanner
     * @throws NullPointerException when last is null
     */
    public Scanner against(Snapshot last) {
        return new Scanner(options, Objects.requireNonNull(last, "last"));
    }

    /**
     * Opens the snapshot this scan writes: created next to the target, unseen, and renamed over it
     * only by {@link SnapshotScan#commit()}. Start it with {@link SnapshotScan#start}, and close it.
     *
     * @param target the snapshot file to write
     * @return the snapshot scan, not started
     * @throws IOException when the snapshot cannot be created next to the target (naming the target,
     *                     its directory, or the file tried there, and the reason)
     */
    public SnapshotScan writingTo(Path target) throws IOException {
        return SnapshotAccess.get().open(this, Objects.requireNonNull(target, "target"));
    }

    /** @return the options */
    public ScanOptions options() {
        return options;
    }

    /**
     * Whether the native backend can run here: fsnap has native calls for this system, and they
     * load. Without it, {@link Backend#AUTO} scans with NIO.
     *
     * @return true when it can
     */
    public static boolean isAvailable() {
        return Walk.nativeUnavailabilityCause().isEmpty();
    }

    /**
     * What keeps the native backend from running here, when it cannot (see {@link #isAvailable()}).
     *
     * @return empty when it can run; otherwise why not: the error its calls failed to load with, or
     *         an {@link UnsupportedOperationException} naming a system fsnap has no native calls for
     */
    public static Optional<Throwable> unavailabilityCause() {
        return Walk.nativeUnavailabilityCause();
    }

    /**
     * The fields a scan with these options does not read: the extended attribute fields unless
     * asked for ({@link ScanOptions.Builder#xattrs}, Linux's native backend only); on Windows also
     * what a listing does not give (inode, device, owner, group, link count, change time, link
     * target). They are zero or null in every {@link Entry}, recorded as absent in a snapshot, and
     * ignored when snapshots are compared.
     *
     * @return the absent fields
     */
    public Set<Field> absentFields() {
        return Walk.absentFields(options);
    }

    /**
     * Tonight's content verification against the baseline, planned once (reading the baseline's
     * files when a budget or a limit is set): what the scan reads again, known before it starts.
     *
     * @return the plan; empty without a baseline ({@link #against}) or without a digest
     * @throws IOException when the baseline cannot be read
     */
    public synchronized Optional<ContentSchedule> schedule() throws IOException {
        if (baseline == null || options.digest() == null) {
            return Optional.empty();
        }
        if (schedule == null) {
            schedule = SnapshotAccess.get().plan(baseline, options);
        }
        return Optional.of(schedule);
    }

    /**
     * Starts a scan in the background, writing no snapshot ({@link #writingTo} writes one).
     *
     * @param listener hears of errors, one call at a time, and of every entry when it is an
     *                 {@link EntryVisitor}; null to only count them
     * @return the running scan
     * @throws java.nio.file.NoSuchFileException when the root does not exist
     * @throws java.nio.file.NotDirectoryException when the root is not a directory
     * @throws java.nio.file.AccessDeniedException when the root cannot be read
     * @throws IOException for any other reason the root (or the baseline) cannot be read, naming it
     * @throws UnsupportedOperationException when the native backend was requested and is unavailable,
     *         or cannot do what the options ask (following symbolic links on Windows)
     */
    public Scan start(ScanListener listener) throws IOException {
        Optional<ContentSchedule> s = schedule();
        return s.isEmpty() ? Walk.start(options, listener) : SnapshotAccess.get().start(options, s.get(), listener);
    }

    /**
     * Starts a scan whose entries are pulled as a stream.
     *
     * @param errors hears of every entry or directory that could not be read (one call at a time,
     *               from the scan's threads); null to only count them
     * @return the running scan: take its {@link ScanStream#entries()}, then {@link ScanStream#await()}
     * @throws IOException when the root cannot be opened (see {@link #start})
     * @throws UnsupportedOperationException when the native backend was requested and is unavailable
     * @throws IllegalStateException when this scanner has a baseline: a stream takes no digests over
     */
    public ScanStream stream(ScanListener errors) throws IOException {
        if (baseline != null) {
            throw new IllegalStateException("a stream of entries takes no digests over: scan without a baseline");
        }
        return Walk.stream(options, errors);
    }

    /**
     * Scans and waits: {@link #start} and {@link Scan#await()} in one call.
     *
     * @param listener hears of errors, and of every entry when it is an {@link EntryVisitor};
     *                 null to only count them
     * @return the summary
     * @throws IOException when the root cannot be opened (see {@link #start})
     * @throws InterruptedException when interrupted while waiting (the scan is cancelled)
     */
    public ScanSummary scan(ScanListener listener) throws IOException, InterruptedException {
        return start(listener).await();
    }
}
