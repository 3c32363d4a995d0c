package dev.fsnap.snapshot;

import dev.fsnap.bindings.Sha256;
import dev.fsnap.scan.DirectoryListing;
import dev.fsnap.scan.DirectoryVisitor;
import dev.fsnap.scan.Entry;
import dev.fsnap.scan.EntryType;
import dev.fsnap.scan.EntryVisitor;
import dev.fsnap.scan.ScanListener;
import dev.fsnap.scan.Operation;
import dev.fsnap.scan.ScanError;
import dev.fsnap.scan.ScanOptions;
import dev.fsnap.scan.ScanSummary;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Writes a snapshot while the scan runs: pass it to {@link dev.fsnap.scan.Scanner#start} as the
 * listener, then {@link #commit} the summary. Each directory is encoded, hashed and appended by the
 * worker that finishes it, so memory holds only the directories in flight, never the tree.
 *
 * <p>The file is written under a temporary name in the target's directory with mode 0600, forced
 * to disk, and renamed over the target only by {@link #commit}: a scan that fails, is cancelled or
 * is killed leaves the previous snapshot as it was. {@link #close} without a commit deletes the
 * temporary file; one left by a killed process is removed by the next writer of the same target.
 */
public final class SnapshotWriter implements DirectoryVisitor, Closeable {
    /** The default racy window: timestamps this close to the scan's start cannot be trusted to show a change. */
    public static final Duration DEFAULT_RACY_WINDOW = Duration.ofSeconds(2);
    private static final int UNREADABLE_BATCH = 256;

    private final Path target;
    private final Path temporary;
    private final FileChannel channel;
    private final Instant started;
    private final long racyFromSec;
    private final int racyFromNsec;
    /** Every worker's encoding state, to free its native memory at the end. */
    private final java.util.Queue<Local> allLocals = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final ThreadLocal<Local> locals = ThreadLocal.withInitial(() -> {
        Local l = new Local();
        allLocals.add(l);
        return l;
    });

    private final Object outputLock = new Object();
    private final ByteBuffer output = ByteBuffer.allocate(1 << 20);
    private long position;
    private IOException writeFailure;

    private final Object errorLock = new Object();
    private final List<ScanError> pendingErrors = new ArrayList<>();
    private long lastUnreadableBlock = -1;
    private long unreadableCount;
    private ScanError rootFailure;

    private volatile Entry rootEntry;
    private volatile ChildRef rootRef;
    private boolean finished;

    private SnapshotWriter(Path target, Path temporary, FileChannel channel, ScanOptions options, Instant started,
                           Duration racyWindow) throws IOException {
        this.target = target;
        this.temporary = temporary;
        this.channel = channel;
        this.started = started;
        Instant racyFrom = started.minus(racyWindow);
        this.racyFromSec = racyFrom.getEpochSecond();
        this.racyFromNsec = racyFrom.getNano();
        Encoder header = new Encoder(256);
        header.varint(Format.VERSION);
        header.string(options.root().toAbsolutePath().toString().getBytes(StandardCharsets.UTF_8));
        header.zigzag(started.getEpochSecond());
        header.varint(started.getNano());
        header.varint(racyWindow.toNanos());
        header.varint(options.threads());
        header.string(options.backend().name().getBytes(StandardCharsets.UTF_8));
        header.u8((options.followSymlinks() ? 1 : 0) | (options.oneFileSystem() ? 2 : 0));
        java.util.List<String> patterns = options.rules().patterns();
        header.varint(patterns.size());
        for (String pattern : patterns) {
            header.string(pattern.getBytes(StandardCharsets.UTF_8));
        }
        write(Format.MAGIC, 0, Format.MAGIC.length);
        append(Format.HEADER, header, locals.get());
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
     * @throws IOException when the temporary file cannot be created
     */
    public static SnapshotWriter create(Path target, ScanOptions options, Duration racyWindow) throws IOException {
        Path absolute = target.toAbsolutePath();
        Path dir = absolute.getParent();
        String name = absolute.getFileName().toString();
        removeAbandoned(dir, name);
        Path temporary = dir.resolve("." + name + "." + ProcessHandle.current().pid() + ".tmp");
        Files.deleteIfExists(temporary);
        FileChannel channel;
        try {
            channel = FileChannel.open(temporary, java.util.Set.of(StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            channel = FileChannel.open(temporary, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        }
        try {
            return new SnapshotWriter(absolute, temporary, channel, options, Instant.now(), racyWindow);
        } catch (IOException | RuntimeException e) {
            channel.close();
            Files.deleteIfExists(temporary);
            throw e;
        }
    }

    /** Temporary files of writers of the same target that were killed: their process is gone. */
    private static void removeAbandoned(Path dir, String name) {
        String prefix = "." + name + ".";
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, p -> {
            String n = p.getFileName().toString();
            return n.startsWith(prefix) && n.endsWith(".tmp");
        })) {
            for (Path p : s) {
                String pid = p.getFileName().toString().substring(prefix.length());
                pid = pid.substring(0, pid.length() - ".tmp".length());
                try {
                    if (ProcessHandle.of(Long.parseLong(pid)).isEmpty()) {
                        Files.deleteIfExists(p);
                    }
                } catch (NumberFormatException | IOException ignored) {
                    // not ours, or already gone
                }
            }
        } catch (IOException ignored) {
            // cleaning up is a courtesy; creating the new file reports real trouble
        }
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
        if (others == null) {
            return this;
        }
        return others instanceof EntryVisitor v ? new WritingVisitor(this, others, v) : new Writing(this, others);
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
            others.error(error);
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

    @Override
    public void root(Entry root) {
        rootEntry = root;
    }

    @Override
    public void error(ScanError error) {
        synchronized (errorLock) {
            if (error.path().length == 0 && error.operation() == Operation.OPEN) {
                rootFailure = error;
            }
            pendingErrors.add(error);
            unreadableCount++;
            if (pendingErrors.size() >= UNREADABLE_BATCH) {
                flushErrors();
            }
        }
    }

    private void flushErrors() {
        if (pendingErrors.isEmpty()) {
            return;
        }
        Encoder body = new Encoder(4096);
        body.varint(lastUnreadableBlock + 1);
        body.varint(pendingErrors.size());
        for (ScanError e : pendingErrors) {
            body.string(e.path());
            EntryCodec.encodeFailure(body, Fields.Failure.of(e));
        }
        pendingErrors.clear();
        lastUnreadableBlock = append(Format.UNREADABLE, body, locals.get());
    }

    @Override
    public Object directory(DirectoryListing listing) {
        if (listing.size() == 0 && listing.listError() == null) {
            if (listing.path().length == 0) {
                rootRef = EMPTY;
            }
            return EMPTY;
        }
        Local t = locals.get();
        Encoder body = t.body;
        body.reset();
        t.codec.reset();
        Fields f = t.fields;
        boolean unreadable = false;
        boolean racy = false;
        ScanError listError = listing.listError();
        if (listError != null) {
            body.u8(Format.LIST_INCOMPLETE);
            EntryCodec.encodeFailure(body, Fields.Failure.of(listError));
            unreadable = true;
        } else {
            body.u8(0);
        }
        int n = listing.size();
        body.varint(n);
        for (int i = 0; i < n; i++) {
            fill(f, listing, i);
            t.codec.encode(body, f);
            if (f.failure != null || f.targetFailure != null) {
                unreadable = true;
            } else if (!racy) {
                racy = racy(f.mtimeSec, f.mtimeNsec) || racy(f.ctimeSec, f.ctimeNsec);
            }
        }
        // Subdirectory references, hashed part: state, then the child's hash or failure.
        int listed = 0;
        for (int i = 0; i < n; i++) {
            if (!isDirectory(listing, i)) {
                continue;
            }
            switch (listing.subdirectory(i)) {
                case LISTED -> {
                    ChildRef c = (ChildRef) listing.childResult(i);
                    if (c == null) {
                        throw new IllegalStateException("subdirectory visited without a result: "
                                + listing.entry(i).displayPath());
                    }
                    if (c == EMPTY) {
                        body.u8(Format.REF_EMPTY);
                        continue;
                    }
                    body.u8(Format.REF_LISTED);
                    body.bytes(c.hash, 0, Format.HASH);
                    racy |= (c.flags & Format.SUBTREE_RACY) != 0;
                    unreadable |= (c.flags & Format.SUBTREE_UNREADABLE) != 0;
                    listed++;
                }
                case UNREADABLE -> {
                    body.u8(Format.REF_UNREADABLE);
                    EntryCodec.encodeFailure(body, Fields.Failure.of(listing.childError(i)));
                    unreadable = true;
                }
                default -> body.u8(Format.REF_NOT_SCANNED);
            }
        }
        int hashed = body.length;
        // Not hashed: where each listed child is in this file, and what its subtree holds.
        if (listed > 0) {
            for (int i = 0; i < n; i++) {
                if (isDirectory(listing, i) && listing.subdirectory(i) == DirectoryListing.Subdirectory.LISTED
                        && listing.childResult(i) != EMPTY) {
                    ChildRef c = (ChildRef) listing.childResult(i);
                    body.u8(c.flags);
                    body.varint(c.offset);
                }
            }
        }
        t.sha.digest(body.buf, 0, hashed, t.digest);
        byte[] hash = java.util.Arrays.copyOf(t.digest, Format.HASH);
        long offset = append(Format.DIRECTORY, body, t);
        ChildRef ref = new ChildRef(offset, hash, (racy ? Format.SUBTREE_RACY : 0)
                | (unreadable ? Format.SUBTREE_UNREADABLE : 0));
        if (listing.path().length == 0) {
            rootRef = ref;
        }
        return ref;
    }

    /** A readable directory entry: it has a reference (unreadable entries are typed unknown). */
    private static boolean isDirectory(DirectoryListing l, int i) {
        return l.type(i) == EntryType.DIRECTORY;
    }

    private boolean racy(long sec, int nsec) {
        return sec > racyFromSec || (sec == racyFromSec && nsec >= racyFromNsec);
    }

    private static void fill(Fields f, DirectoryListing l, int i) {
        int len = l.nameLength(i);
        if (len > f.name.length) {
            f.name = new byte[Math.max(len, f.name.length * 2)];
        }
        l.copyName(i, f.name, 0);
        f.nameLength = len;
        ScanError e = l.error(i);
        f.type = l.type(i);
        if (e != null && e.operation() == Operation.STAT) {
            f.failure = Fields.Failure.of(e);
            return;
        }
        f.failure = null;
        f.size = l.size(i);
        f.mtimeSec = l.mtimeSec(i);
        f.mtimeNsec = l.mtimeNsec(i);
        f.ctimeSec = l.ctimeSec(i);
        f.ctimeNsec = l.ctimeNsec(i);
        f.inode = l.inode(i);
        f.device = l.device(i);
        f.mode = l.mode(i);
        f.uid = l.uid(i);
        f.gid = l.gid(i);
        f.linkCount = l.linkCount(i);
        f.target = l.target(i);
        f.targetFailure = e != null ? Fields.Failure.of(e) : null;
    }

    /** Frames a block (kind, length, body, CRC-32C) and appends it; returns its offset. */
    private long append(int kind, Encoder body, Local t) {
        Encoder head = t.frame;
        head.reset();
        head.u8(kind);
        head.varint(body.length);
        t.crc.reset();
        t.crc.update(head.buf, 0, head.length);
        t.crc.update(body.buf, 0, body.length);
        int crc = (int) t.crc.getValue();
        head.le32(crc);
        int headLength = head.length - 4;
        synchronized (outputLock) {
            long offset = position;
            write(head.buf, 0, headLength);
            write(body.buf, 0, body.length);
            write(head.buf, headLength, 4);
            return offset;
        }
    }

    private void write(byte[] b, int off, int len) {
        synchronized (outputLock) {
            if (writeFailure != null) {
                throw new UncheckedIOException(writeFailure);
            }
            try {
                while (len > 0) {
                    if (!output.hasRemaining()) {
                        drain();
                    }
                    int n = Math.min(len, output.remaining());
                    output.put(b, off, n);
                    off += n;
                    len -= n;
                    position += n;
                }
            } catch (IOException e) {
                writeFailure = new IOException(temporary + ": cannot write the snapshot: " + e.getMessage(), e);
                throw new UncheckedIOException(writeFailure);
            }
        }
    }

    private void drain() throws IOException {
        output.flip();
        while (output.hasRemaining()) {
            channel.write(output);
        }
        output.clear();
    }

    /**
     * Completes the snapshot: writes the footer, forces the file to disk and renames it over the
     * target. A cancelled scan is not committed.
     *
     * @param summary the finished scan's summary
     * @throws IOException when writing, forcing or renaming fails (the previous snapshot is intact)
     * @throws IllegalStateException when the scan was cancelled, or its root was never delivered
     */
    public void commit(ScanSummary summary) throws IOException {
        if (summary.cancelled()) {
            throw new IllegalStateException("a cancelled scan is not committed: " + target + " is unchanged");
        }
        Entry root = rootEntry;
        if (root == null) {
            throw new IllegalStateException("the scan delivered no root entry");
        }
        try {
            synchronized (errorLock) {
                flushErrors();
            }
            Instant ended = started.plus(summary.elapsed());
            Encoder body = new Encoder(512);
            body.zigzag(ended.getEpochSecond());
            body.varint(ended.getNano());
            body.string(summary.backend().name().getBytes(StandardCharsets.UTF_8));
            body.string(summary.backendReason().getBytes(StandardCharsets.UTF_8));
            body.varint(Format.fieldMask(summary.absentFields()));
            body.varint(summary.threads());
            body.varint(summary.entries());
            body.varint(summary.directories());
            body.varint(summary.errors());
            body.varint(summary.bytes());
            Fields f = new Fields();
            f.from(root, new byte[0]);
            new EntryCodec().encode(body, f);
            ChildRef ref = rootRef;
            if (ref == EMPTY) {
                body.u8(Format.REF_EMPTY);
            } else if (ref != null) {
                body.u8(Format.REF_LISTED);
                body.bytes(ref.hash, 0, Format.HASH);
                body.u8(ref.flags);
                body.varint(ref.offset);
            } else {
                ScanError why = rootFailure != null ? rootFailure
                        : new ScanError(new byte[0], Operation.OPEN, "EIO", "the root was not listed");
                body.u8(Format.REF_UNREADABLE);
                EntryCodec.encodeFailure(body, Fields.Failure.of(why));
            }
            body.varint(lastUnreadableBlock + 1);
            body.varint(unreadableCount);
            Local t = locals.get();
            long footer = append(Format.FOOTER, body, t);
            Encoder trailer = new Encoder(Format.TRAILER);
            trailer.le64(footer);
            trailer.le32((int) (position - footer));
            trailer.bytes(Format.END_MAGIC, 0, Format.END_MAGIC.length);
            write(trailer.buf, 0, trailer.length);
            synchronized (outputLock) {
                drain();
            }
            channel.force(true);
            channel.close();
            try {
                Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException(target + ": cannot replace the snapshot atomically: " + e.getMessage(), e);
            }
            finished = true;
            forceDirectory(target.getParent());
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    private static void forceDirectory(Path dir) {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException ignored) {
            // not every filesystem lets a directory be forced; the rename itself is already atomic
        }
    }

    /** Deletes the temporary file unless {@link #commit} succeeded, and frees the workers' buffers. */
    @Override
    public void close() throws IOException {
        for (Local l; (l = allLocals.poll()) != null; ) {
            l.sha.close();
        }
        if (finished) {
            return;
        }
        finished = true;
        try {
            channel.close();
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    /** What a parent records of a written directory. */
    private record ChildRef(long offset, byte[] hash, int flags) {
    }

    private static final ChildRef EMPTY = new ChildRef(Format.EMPTY_OFFSET, Format.EMPTY_HASH, 0);

    /** One worker's encoding state. */
    private static final class Local {
        final Encoder body = new Encoder(16 * 1024);
        final Encoder frame = new Encoder(16);
        final EntryCodec codec = new EntryCodec();
        final Fields fields = new Fields();
        final CRC32C crc = new CRC32C();
        final Sha256 sha = Sha256.create();
        final byte[] digest = new byte[Sha256.LENGTH];
    }
}
