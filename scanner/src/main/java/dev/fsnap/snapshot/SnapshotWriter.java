package dev.fsnap.snapshot;

import dev.fsnap.snapshot.format.EncodedBlock;
import dev.fsnap.snapshot.format.BlockRef;
import dev.fsnap.snapshot.format.Columns;
import dev.fsnap.snapshot.format.DirectoryRecord;
import dev.fsnap.snapshot.format.Encoder;
import dev.fsnap.snapshot.format.Fields;
import dev.fsnap.snapshot.format.Footer;
import dev.fsnap.snapshot.format.Header;
import dev.fsnap.bindings.Sha256;
import dev.fsnap.walk.DirectoryListing;
import dev.fsnap.walk.DirectoryVisitor;
import dev.fsnap.walk.Walk;
import dev.fsnap.scan.Entry;
import dev.fsnap.scan.EntryVisitor;
import dev.fsnap.scan.ScanListener;
import dev.fsnap.scan.Operation;
import dev.fsnap.scan.ScanError;
import dev.fsnap.scan.ScanOptions;
import dev.fsnap.scan.ScanSummary;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/**
 * Writes a snapshot while the scan runs, for {@link SnapshotScan} ({@link dev.fsnap.scan.Scanner#writingTo}):
 * scan with its listener, then {@link #commit} the summary. Each directory is encoded, hashed and appended by the
 * worker that finishes it, so memory holds only the directories in flight, never the tree.
 *
 * <p>The file is written in the target's directory, unnamed where the filesystem allows it (else
 * under a random name created exclusively, mode 0600), forced to disk by {@link #complete}, and
 * renamed over the target only by {@link #commit}: a scan that fails, is cancelled or is killed
 * leaves the previous snapshot as it was. {@link #close} without a commit discards the file.
 *
 * <p>The workers' native memory (their hashers, the file's buffer) is freed only once no thread can
 * touch it: {@link #close} from a signal's shutdown hook while workers still write leaves the freeing
 * to the last of them, and a worker stuck in the kernel keeps it allocated.
 *
 * <p>This class keeps the target's lifecycle and what the footer will say of the root; the blocks
 * themselves, and the native memory writing them takes, are {@code BlockOutput}'s.
 */
final class SnapshotWriter implements Closeable {
    /** The default racy window: timestamps this close to the scan's start cannot be trusted to show a change. */
    public static final Duration DEFAULT_RACY_WINDOW = Duration.ofSeconds(2);

    private final Path target;
    /** The file's lifecycle: published over the target, or discarded. */
    private final SnapshotOutput file;
    /** The file's blocks, and the native memory writing them takes. */
    private final BlockOutput output;
    private final Instant started;

    /** The unreadable root's failure, for the footer. */
    private volatile ScanError rootFailure;
    private volatile Entry rootEntry;
    private volatile BlockRef rootRef;
    /** Where {@link #complete} left the finished file for reading, or null before. */
    private Path completed;
    private boolean published;
    private boolean closed;

    private SnapshotWriter(Path target, SnapshotOutput file, Header header) {
        this.target = target;
        this.file = file;
        this.started = header.started();
        this.output = new BlockOutput(target, file, header);
    }

    /**
     * Starts a snapshot of a scan with these options, to be renamed to {@code target} on commit.
     *
     * @param target the snapshot file to write (replaced on commit)
     * @param options the scan's options, recorded in the snapshot
     * @return the writer
     * @throws IOException when the temporary file cannot be created next to the target
     */
    public static SnapshotWriter create(Path target, ScanOptions options) throws IOException {
        return create(target, options, DEFAULT_RACY_WINDOW);
    }

    /**
     * As {@link #create(Path, ScanOptions)}, with a chosen racy window (the filesystem's timestamp
     * granularity plus any clock skew between this host and the file server).
     *
     * @param target the snapshot file
     * @param options the scan's options
     * @param racyWindow how long before the scan's start a timestamp still counts as racy
     * @return the writer
     * @throws IOException when the target is a directory or not a regular file, or the file cannot
     *                     be created in the target's directory (naming it and the reason)
     */
    public static SnapshotWriter create(Path target, ScanOptions options, Duration racyWindow) throws IOException {
        return create(target, Header.of(options, Instant.now(), racyWindow, Columns.written(Walk.absentFields(options))));
    }

    /**
     * A snapshot with this header, whose blocks come from elsewhere than a scan: the merge of a
     * plan's parts ({@link SnapshotMerge}).
     */
    static SnapshotWriter create(Path target, Header header) throws IOException {
        Path absolute = checkTarget(target);
        SnapshotOutput file = SnapshotOutput.create(absolute);
        try {
            return new SnapshotWriter(absolute, file, header);
        } catch (RuntimeException e) {
            file.discard();
            file.release();
            throw e;
        }
    }

    /**
     * What can be known before a scan of hours that the snapshot cannot be written: the target
     * names a directory or something else than a regular file, or has no name.
     */
    private static Path checkTarget(Path target) throws IOException {
        if (target.toString().isEmpty() || target.getFileName() == null) {
            throw new java.nio.file.FileSystemException(target.toString(), null, "not a file name");
        }
        Path absolute = target.toAbsolutePath();
        if (Files.isDirectory(absolute)) {
            throw new java.nio.file.FileSystemException(target.toString(), null, "is a directory");
        }
        if (Files.exists(absolute, java.nio.file.LinkOption.NOFOLLOW_LINKS)
                && !Files.isRegularFile(absolute, java.nio.file.LinkOption.NOFOLLOW_LINKS)
                && !Files.isSymbolicLink(absolute)) {
            throw new java.nio.file.FileSystemException(target.toString(), null,
                    "is not a regular file (a snapshot replaces only a file)");
        }
        return absolute;
    }

    /**
     * The listener to scan with when something else must hear of the scan too: it writes this
     * snapshot, and passes every error on to {@code others}, and every entry when {@code others} is
     * an {@link EntryVisitor}.
     *
     * @param others the other listener; null for none
     * @return the listener for {@link dev.fsnap.scan.Scanner#start}
     */
    public ScanListener listenerWith(ScanListener others) {
        return others instanceof EntryVisitor v ? new WritingVisitor(this, others, v) : new Writing(this, others);
    }

    /**
     * The listener to scan with: it writes this snapshot, a whole directory at a time.
     *
     * @return the listener for {@link dev.fsnap.scan.Scanner#start}
     */
    public ScanListener listener() {
        return listenerWith(null);
    }

    /** Writes the snapshot and tells another listener of the errors. */
    private static class Writing implements DirectoryVisitor {
        private final SnapshotWriter writer;
        private final ScanListener others;

        Writing(SnapshotWriter writer, ScanListener others) {
            this.writer = writer;
            this.others = others;
        }

        @Override
        public void root(Entry root) {
            writer.root(root);
        }

        @Override
        public Object directory(DirectoryListing listing) {
            return writer.directory(listing);
        }

        @Override
        public void error(ScanError error) {
            writer.error(error);
            if (others != null) {
                others.error(error);
            }
        }
    }

    /** Writes the snapshot and hands every entry to a visitor. */
    private static final class WritingVisitor extends Writing implements EntryVisitor {
        private final EntryVisitor entries;

        WritingVisitor(SnapshotWriter writer, ScanListener others, EntryVisitor entries) {
            super(writer, others);
            this.entries = entries;
        }

        @Override
        public void visit(Entry entry) {
            entries.visit(entry);
        }
    }

    /** @return when the snapshot's scan started (as recorded in the file) */
    public Instant started() {
        return started;
    }

    /**
     * Bytes of another snapshot appended as they are, after the header and before any block: a
     * file that continues that one's blocks at their offsets ({@link SnapshotGraft}).
     */
    void copy(byte[] b, int off, int len) {
        output.copy(b, off, len);
    }

    /** The root's own entry, which the footer holds. */
    void root(Entry root) {
        rootEntry = root;
    }

    /** Where the root's block is (or that it is empty), when the blocks come from a merge. */
    void rootDirectory(BlockRef ref) {
        rootRef = ref;
    }

    /** An entry or directory that could not be read: into the unreadable list. */
    void error(ScanError error) {
        if (error.path().length == 0 && error.operation() == Operation.OPEN) {
            rootFailure = error;
        }
        output.error(error);
    }

    /** A finished directory: encoded, hashed and appended; returns its reference for the parent. */
    Object directory(DirectoryListing listing) {
        BlockRef ref = output.directory(listing);
        if (listing.path().length == 0) {
            rootRef = ref;
        }
        return ref;
    }

    /**
     * A directory block encoded elsewhere (a merge): hashed and appended.
     *
     * @param body the block's body
     * @param block its hashed length and subtree flags
     * @return its reference for the parent
     */
    BlockRef directory(Encoder body, EncodedBlock block) {
        return output.directory(body, block);
    }

    /**
     * Completes the snapshot and renames it over the target: {@link #complete} unless done, then
     * the rename. A cancelled scan is not committed.
     *
     * @param summary the finished scan's summary
     * @throws IOException when writing, forcing or renaming fails (the previous snapshot is intact)
     * @throws IllegalStateException when the scan was cancelled, its root was never delivered, or
     *                               the writer was closed
     */
    public synchronized void commit(ScanSummary summary) throws IOException {
        complete(summary);
        publish();
    }

    /** Renames the completed file over the target. */
    synchronized void publish() throws IOException {
        output.enter();
        try {
            file.publish();
            published = true;
        } finally {
            // renamed, and only forcing it to disk failed: it is the snapshot in place all the same
            published |= file.placed();
            output.leave();
        }
    }

    /**
     * Completes the snapshot without putting it in place: writes the footer and forces the file to
     * disk. The finished file can then be read (and verified, and compared) through the path this
     * returns, before {@link #commit} renames it over the target, or {@link #close} discards it.
     *
     * @param summary the finished scan's summary
     * @return a path to read the finished file through, valid until {@link #commit} or {@link #close}
     * @throws IOException when writing or forcing fails
     * @throws IllegalStateException when the scan was cancelled, its root was never delivered, or
     *                               the writer was closed
     */
    public synchronized Path complete(ScanSummary summary) throws IOException {
        if (completed != null) {
            return completed;
        }
        if (summary.cancelled()) {
            throw new IllegalStateException("a cancelled scan is not committed: " + target + " is unchanged");
        }
        return complete(new Footer(started.plus(summary.elapsed()), summary.backend().name(), summary.backendReason(),
                summary.absentFields(), summary.threads(), summary.entries(), summary.directories(),
                summary.errors(), summary.bytes(), null, null, -1, 0, null));
    }

    /**
     * Completes the snapshot with a footer's counts; its root entry and reference, and its
     * unreadable list, are the ones this writer was given.
     */
    synchronized Path complete(Footer counts) throws IOException {
        if (completed != null) {
            return completed;
        }
        if (rootEntry == null) {
            throw new IllegalStateException("the scan delivered no root entry");
        }
        BlockRef ref = rootRef;
        Footer.RootRef root = ref == BlockRef.EMPTY ? Footer.RootRef.EMPTY
                : ref != null ? new Footer.RootRef(true, ref.hash(), ref.flags(), ref.offset(), null)
                : Footer.RootRef.unreadable(Fields.Failure.of(rootFailure != null ? rootFailure
                        : new ScanError(new byte[0], Operation.OPEN, "EIO", "the root was not listed")));
        completed = output.finish(counts, rootEntry, root);
        return completed;
    }

    /**
     * Discards the file unless {@link #commit} succeeded, and frees the native memory once no
     * thread can touch it. Safe from any thread, while workers still run (a signal's shutdown hook),
     * and more than once.
     */
    @Override
    public void close() {
        synchronized (this) { // not while a commit renames: the file is either in place or discarded
            if (closed) {
                return;
            }
            closed = true;
            if (!published) {
                file.discard();
            }
        }
        output.close();
    }

    /**
     * Whether {@link #commit} put the snapshot in place. After {@link #close} the answer is final.
     *
     * @return true once committed
     */
    public synchronized boolean committed() {
        return published;
    }
}
