package dev.fsnap.walk;

import dev.fsnap.scan.Operation;
import dev.fsnap.scan.ScanError;
import java.util.List;
import java.util.concurrent.CountedCompleter;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Lists one directory. The first chunk of names is stat'ed at once; every further chunk (a wide
 * directory) is forked as a {@link ChunkTask} that idle workers steal, so a directory of a million
 * entries keeps every worker busy while this one goes on reading.
 */
final class DirectoryTask extends ScanTask {
    private static final long serialVersionUID = 1L;

    final byte[] path;
    private final transient Object reference;
    private final long device;
    private final long inode;
    private final DirectoryTask parentDirectory;
    /** This directory's entries for a {@link DirectoryVisitor}; null when the scan has none. */
    transient DirectoryListing listing;
    /** The slot of this directory's own entry in its parent's listing. */
    private final int slot;
    /** This directory in the last snapshot, for a scan that digests content; else null. */
    final transient ContentBaseline.Directory baseline;
    /** Chunks forked and not yet done. */
    private final AtomicInteger chunksWaiting = new AtomicInteger();
    /**
     * Calls in this directory (stats of its names, its listing, openings of its subdirectories)
     * that the watchdog gave up on; written by the watchdog alone. Once one hung, the others wait
     * behind it where the filesystem serializes a directory's lookups (FUSE without parallel
     * directory operations): see {@link Watchdog}.
     */
    volatile int stalls;
    /** When the first of them was given up on ({@link ScanThread#ORIGIN}-based nanoseconds), or 0. */
    volatile long stalledAt;

    DirectoryTask(CountedCompleter<?> completer, ScanRun run, byte[] path, Object reference, long device, long inode,
                  DirectoryTask parentDirectory, int slot, ContentBaseline.Directory baseline) {
        super(completer, run);
        this.baseline = baseline;
        this.path = path;
        this.reference = reference;
        this.device = device;
        this.inode = inode;
        this.parentDirectory = parentDirectory;
        this.slot = slot;
        this.listing = run.listsDirectories() ? new DirectoryListing(path) : null;
    }

    /** Whether a directory with this identity is this one or one of its ancestors: a link loop. */
    boolean hasAncestor(long dev, long ino) {
        for (DirectoryTask d = this; d != null; d = d.parentDirectory) {
            if (d.inode == ino && d.device == dev) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void read(ScanThread thread) {
        run.waiting.decrement();
        if (run.cancelled()) {
            finish();
            return;
        }
        if (parentDirectory == null) {
            run.deliverRoot();
        }
        // Not tried on a filesystem that no longer answers, nor where its name would be looked up
        // behind a hung call.
        ScanError notTried = run.notToTry(device, lookedUpIn(), path);
        if (notTried != null) {
            openFailed(notTried);
            finish();
            return;
        }
        FileSystemAccess.Worker io = thread.worker;
        io.failure = null;
        long call = thread.begin(Operation.OPEN, this, this);
        FileSystemAccess.Directory dir = io.open(path, reference, run.followLinks);
        if (!thread.end(call)) {
            if (dir != null) {
                dir.release(); // the call came back after all: the watchdog has done the rest
            }
            return;
        }
        if (dir == null) {
            openFailed(io.failure.at(path, Operation.OPEN));
            finish();
            return;
        }
        try {
            if (!listRest(thread, this, dir, true)) {
                return;
            }
        } finally {
            dir.release();
        }
        finish();
    }

    /**
     * Reads the open directory to its end, stat'ing chunks or forking them as children of
     * {@code current} (this task, or the {@link Rescue} that took over after a stat hung).
     *
     * @param first whether the next chunk is the first this worker reads (it stats that one itself)
     * @return false when the watchdog gave up on a call meanwhile: it recorded and completed it
     */
    boolean listRest(ScanThread thread, CountedCompleter<?> current, FileSystemAccess.Directory dir,
                     boolean first) {
        FileSystemAccess.Worker io = thread.worker;
        io.failure = null;
        while (!run.cancelled()) {
            long call = thread.begin(Operation.LIST, current, this);
            FileSystemAccess.NameChunk chunk = io.read(dir);
            if (!thread.end(call)) {
                return false;
            }
            if (chunk == null) {
                break;
            }
            if (chunk == FileSystemAccess.NO_NAMES) {
                continue;
            }
            // Reading content makes an entry's work heavy, and a round trip makes a stat slow: a
            // listing in a piece per worker, so that idle workers share a wide directory.
            List<FileSystemAccess.NameChunk> pieces = run.splitsListings(this) ? chunk.pieces(run.threads(), run.namesPerPiece(this))
                    : List.of(chunk);
            for (int k = 0; k < pieces.size(); k++) {
                // The pieces but the last go to other workers first; this one digests its own after.
                FileSystemAccess.NameChunk piece = pieces.get(k);
                boolean mine = first && k == pieces.size() - 1;
                if (mine || chunksWaiting.get() >= run.chunksInFlight()) {
                    first &= !mine;
                    if (!run.process(current, this, dir, piece)) {
                        return false;
                    }
                } else {
                    chunksWaiting.incrementAndGet();
                    dir.retain();
                    current.addToPendingCount(1);
                    run.schedule(new ChunkTask(current, run, this, dir, piece.detach()));
                }
            }
        }
        if (io.failure != null) {
            ScanError e = io.failure.at(path, Operation.LIST);
            if (listing != null) {
                listing.listFailed(e);
            }
            run.error(e);
        }
        return true;
    }

    /** This directory could not be opened: its parent records it as unreadable. */
    void openFailed(ScanError e) {
        listing = null;
        if (parentDirectory != null && parentDirectory.listing != null) {
            parentDirectory.listing.childFailed(slot, e);
        }
        run.error(e);
    }

    /** Listing stopped part way: what was read stays, marked incomplete. */
    void listFailed(ScanError e) {
        DirectoryListing l = listing;
        if (l != null) {
            l.listFailed(e);
        }
        run.error(e);
    }

    long device() {
        return device;
    }

    /** @return the directory whose lock a call on this one's own entry takes: its parent, or itself for the root */
    DirectoryTask lookedUpIn() {
        return parentDirectory != null ? parentDirectory : this;
    }

    void chunkDone() {
        chunksWaiting.decrementAndGet();
    }

    /** Every chunk and every subdirectory below is done: hand the whole directory to the visitor. */
    @Override
    public void onCompletion(CountedCompleter<?> caller) {
        DirectoryListing l = listing;
        listing = null;
        if (l == null || run.cancelled()) {
            return;
        }
        Object result = run.visitDirectory(l);
        if (parentDirectory != null && parentDirectory.listing != null) {
            parentDirectory.listing.childListed(slot, result);
        }
    }
}
