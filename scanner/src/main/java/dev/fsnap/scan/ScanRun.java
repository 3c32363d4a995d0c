package dev.fsnap.scan;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CountedCompleter;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * One scan: a work-stealing pool with one task per directory. Each worker thread owns its backend
 * reader and its entry batch, so the hot path allocates nothing per entry but the entry's name.
 */
final class ScanRun implements Scan {
    private final FileSystemAccess access;
    private final ScanListener listener;
    /** The listener when it wants entries too; null when entries are only counted. */
    private final EntryVisitor visitor;
    /** The listener when it wants whole directories in post-order; null otherwise. */
    private final DirectoryVisitor directoryVisitor;
    private final String backendReason;
    private final int threads;
    final boolean followLinks;
    private final boolean oneFileSystem;
    private final ForkJoinPool pool;
    private final Object listenerLock = new Object();
    private final LongAdder entries = new LongAdder();
    private final LongAdder directories = new LongAdder();
    private final LongAdder errors = new LongAdder();
    private final LongAdder bytes = new LongAdder();
    final LongAdder waiting = new LongAdder();
    private final long startNanos = System.nanoTime();
    private volatile boolean cancelled;
    /** The first exception a listener threw: ends the scan, and {@link #await()} rethrows it as it was thrown. */
    private final java.util.concurrent.atomic.AtomicReference<RuntimeException> listenerFailure =
            new java.util.concurrent.atomic.AtomicReference<>();
    private volatile long endNanos;
    private long rootDevice;
    private DirectoryTask rootTask;
    /** The root's own entry, delivered by the root task so that a visitor's failure ends the scan like any other. */
    private EntryBatch rootBatch;

    ScanRun(ScanOptions options, FileSystemAccess access, String backendReason, ScanListener listener) {
        this.access = access;
        this.listener = listener;
        this.visitor = listener instanceof EntryVisitor v ? v : null;
        this.directoryVisitor = listener instanceof DirectoryVisitor v ? v : null;
        this.backendReason = backendReason;
        this.threads = options.effectiveThreads();
        this.followLinks = options.followSymlinks();
        this.oneFileSystem = options.oneFileSystem();
        java.util.concurrent.atomic.AtomicInteger numbers = new java.util.concurrent.atomic.AtomicInteger();
        this.pool = new ForkJoinPool(threads, p -> new ScanThread(p, this, numbers.getAndIncrement()), null,
                false);
    }

    /** Opens the root, delivers its own entry, and starts listing it. */
    void start() throws IOException {
        EntryBatch rootBatch = new EntryBatch();
        rootBatch.reset(new byte[0]);
        try {
            access.openRoot(rootBatch);
        } catch (IOException | RuntimeException e) {
            pool.shutdownNow();
            access.close();
            throw e;
        }
        rootDevice = rootBatch.device[0];
        this.rootBatch = rootBatch;
        rootTask = new DirectoryTask(null, this, new byte[0], rootBatch.reference[0], rootBatch.device[0],
                rootBatch.inode[0], null, -1);
        waiting.increment();
        pool.execute(rootTask);
    }

    @Override
    public ScanProgress progress() {
        long end = endNanos;
        return new ScanProgress(entries.sum(), waiting.sum(), errors.sum(),
                Duration.ofNanos((end != 0 ? end : System.nanoTime()) - startNanos));
    }

    @Override
    public void cancel() {
        cancelled = true;
    }

    boolean cancelled() {
        return cancelled;
    }

    /**
     * How many chunks of one wide directory may wait to be stolen: beyond it, the reading worker stats
     * the next chunk itself, so a directory of millions of entries holds a few chunks in memory, not
     * all of its names.
     */
    int chunksInFlight() {
        return 2 * threads;
    }

    boolean listsDirectories() {
        return directoryVisitor != null;
    }

    Object visitDirectory(DirectoryListing listing) {
        listing.sort();
        try {
            return directoryVisitor.directory(listing);
        } catch (RuntimeException e) {
            listenerFailed(e);
            return null;
        }
    }

    @Override
    public ScanSummary await() throws InterruptedException {
        try {
            rootTask.get();
            RuntimeException thrown = listenerFailure.get();
            if (thrown != null) {
                throw thrown;
            }
        } catch (InterruptedException e) {
            cancel();
            throw e;
        } catch (ExecutionException e) {
            cancel();
            RuntimeException thrown = listenerFailure.get();
            if (thrown != null) {
                throw thrown;
            }
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(cause);
        } finally {
            if (endNanos == 0) {
                endNanos = System.nanoTime();
            }
            pool.shutdown();
            // Workers free their native buffers as they terminate; wait so a finished scan holds nothing.
            pool.awaitTermination(10, TimeUnit.SECONDS);
            access.close();
        }
        return new ScanSummary(entries.sum(), directories.sum(), errors.sum(), bytes.sum(),
                Duration.ofNanos(endNanos - startNanos), access.backend(), backendReason, threads, cancelled);
    }

    /**
     * Reads the metadata of one chunk of names, delivers it, and forks a task for every
     * subdirectory as a child of {@code current} (the directory's task or one of its chunk tasks).
     */
    void process(CountedCompleter<?> current, DirectoryTask directory, FileSystemAccess.Directory open,
                 FileSystemAccess.NameChunk chunk) {
        ScanThread thread = (ScanThread) Thread.currentThread();
        EntryBatch b = thread.batch;
        b.reset(directory.path);
        thread.worker.stat(open, chunk, b, followLinks);
        for (int i = 0; i < b.count; i++) {
            if (b.type[i] != EntryType.DIRECTORY || (oneFileSystem && b.device[i] != rootDevice)) {
                continue;
            }
            if (followLinks && directory.hasAncestor(b.device[i], b.inode[i])) {
                b.errors.add(Failure.LOOP.at(b.path(i), Operation.OPEN));
                continue;
            }
            b.descend[i] = true;
        }
        int base = directory.listing == null ? 0 : directory.listing.add(b, oneFileSystem, rootDevice);
        deliver(b);
        for (int i = 0; i < b.count; i++) {
            if (b.descend[i]) {
                current.addToPendingCount(1);
                waiting.increment();
                new DirectoryTask(current, this, b.path(i), b.reference[i], b.device[i], b.inode[i], directory,
                        base + i).fork();
            }
        }
    }

    /**
     * A worker thread ended by an exception or error outside any task (out of memory in the pool
     * itself): the tasks it held will never complete, so the scan fails now instead of hanging.
     */
    void workerDied(Throwable exception) {
        cancel();
        DirectoryTask root = rootTask;
        if (root != null) {
            root.completeExceptionally(exception);
        }
    }

    void deliverRoot() {
        if (directoryVisitor != null) {
            try {
                directoryVisitor.root(rootBatch.entry(0));
            } catch (RuntimeException e) {
                throw listenerFailed(e);
            }
        }
        deliver(rootBatch);
        rootBatch = null;
    }

    void error(ScanError error) {
        errors.increment();
        if (listener != null) {
            synchronized (listenerLock) {
                try {
                    listener.error(error);
                } catch (RuntimeException e) {
                    throw listenerFailed(e);
                }
            }
        }
    }

    private RuntimeException listenerFailed(RuntimeException e) {
        listenerFailure.compareAndSet(null, e);
        cancel();
        return e;
    }

    private void deliver(EntryBatch b) {
        long dirs = 0;
        long size = 0;
        for (int i = 0; i < b.count; i++) {
            EntryType t = b.type[i];
            if (t == EntryType.DIRECTORY) {
                dirs++;
            } else if (t == EntryType.FILE) {
                size += b.size[i];
            }
        }
        entries.add(b.count);
        directories.add(dirs);
        bytes.add(size);
        errors.add(b.errors.size());
        if (listener == null || (visitor == null && b.errors.isEmpty())) {
            return;
        }
        synchronized (listenerLock) {
            try {
                if (visitor != null) {
                    for (int i = 0; i < b.count; i++) {
                        visitor.visit(b.entry(i));
                    }
                }
                for (ScanError e : b.errors) {
                    listener.error(e);
                }
            } catch (RuntimeException e) {
                throw listenerFailed(e);
            }
        }
    }

    /** A worker thread with its own reader and batch, freed when the pool lets the thread go. */
    static final class ScanThread extends ForkJoinWorkerThread {
        final FileSystemAccess.Worker worker;
        final EntryBatch batch = new EntryBatch();

        private final ScanRun run;

        ScanThread(ForkJoinPool pool, ScanRun run, int number) {
            super(pool);
            this.run = run;
            // Not getPoolIndex(): a worker is registered, and gets its index, only once it runs.
            setName("fsnap-scan-" + number);
            this.worker = run.access.newWorker();
        }

        @Override
        protected void onTermination(Throwable exception) {
            worker.close();
            if (exception != null) {
                run.workerDied(exception);
            }
            super.onTermination(exception);
        }
    }
}
