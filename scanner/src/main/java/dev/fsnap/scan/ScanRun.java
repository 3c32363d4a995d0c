package dev.fsnap.scan;

import dev.fsnap.bindings.StatFields;

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
    private int threads;
    private String threadsReason;
    private final int requestedThreads;
    final boolean followLinks;
    private final boolean oneFileSystem;
    /** What the scan leaves out; null when nothing. */
    private final PathRules rules;
    private ForkJoinPool pool;
    /** Replaces the workers the watchdog gives up on. */
    private StandBy standBy;
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
    private final long opTimeoutNanos;
    private final java.nio.file.Path rootPath;
    private final Watchdog watchdog;
    /** Timeouts per device; at {@link #UNRESPONSIVE_AFTER}, nothing more is tried on it (a circuit breaker). */
    private final java.util.Map<Long, java.util.concurrent.atomic.AtomicInteger> timeouts =
            new java.util.concurrent.ConcurrentHashMap<>();
    static final int UNRESPONSIVE_AFTER = 2;
    private final java.util.concurrent.atomic.AtomicInteger givenUp = new java.util.concurrent.atomic.AtomicInteger();
    private final java.util.List<ScanThread> workers = new java.util.concurrent.CopyOnWriteArrayList<>();
    private long rootDevice;
    private DirectoryTask rootTask;
    /** The root's own entry, delivered by the root task so that a visitor's failure ends the scan like any other. */
    private EntryBatch rootBatch;
    /** Limits the tasks reading at once below the pool's size; null when every worker may read. */
    private volatile Throttle throttle;
    /** Per-entry steps after the stat (see {@link EntryStep}); set before {@link #start()}. */
    private EntryStep[] steps = EntryBatch.NO_STEPS;

    ScanRun(ScanOptions options, FileSystemAccess access, String backendReason, ScanListener listener) {
        this.access = access;
        this.listener = listener;
        this.visitor = listener instanceof EntryVisitor v ? v : null;
        this.directoryVisitor = listener instanceof DirectoryVisitor v ? v : null;
        this.backendReason = backendReason;
        this.requestedThreads = options.threads();
        this.followLinks = options.followSymlinks();
        this.oneFileSystem = options.oneFileSystem();
        this.rules = options.rules().isEmpty() ? null : options.rules();
        this.opTimeoutNanos = options.opTimeout().toNanos();
        this.directoriesFirstAlways = options.directoriesFirst();
        this.rootPath = options.root();
        this.watchdog = new Watchdog();
    }

    /**
     * Sizes the pool for the root's filesystem, once it is open. Where the count adapts, the pool is
     * sized for the most it may reach and a limit on calls in flight starts at the chosen count.
     */
    private StandBy newPool() {
        directoriesFirst = access.knowsDirectoriesBeforeStat()
                && (directoriesFirstAlways || access.filesystem().network());
        Concurrency.Choice c = Concurrency.choose(requestedThreads, access.filesystem(),
                Runtime.getRuntime().availableProcessors());
        threads = c.threads();
        threadsReason = c.reason();
        int size = threads;
        if (c.adaptive() && throttle == null) {
            size = Concurrency.ADAPTIVE_MAX;
            limitCalls(threads);
            adapter = new Adapter(new HillClimb(threads, Concurrency.ADAPTIVE_MIN, Concurrency.ADAPTIVE_MAX));
        }
        java.util.concurrent.atomic.AtomicInteger numbers = new java.util.concurrent.atomic.AtomicInteger();
        return StandBy.start(size, threads, p -> new ScanThread(p, this, numbers.getAndIncrement()));
    }

    /**
     * Whether each chunk is stat'ed directories first, and their tasks forked before the other names
     * are stat'ed (see {@link FileSystemAccess.Names}): on a network filesystem, where the listing
     * gives types, or always when the options say so.
     */
    private boolean directoriesFirst;
    private final boolean directoriesFirstAlways;

    /** Follows the throughput with the limit on calls in flight; null when the count is fixed. */
    private Adapter adapter;

    /** How often the adapter measures the throughput and moves the limit. */
    static final long ADAPT_PERIOD_MILLIS = 1000;

    private final class Adapter extends Thread {
        private final HillClimb climb;

        Adapter(HillClimb climb) {
            super("fsnap-adapt");
            setDaemon(true);
            this.climb = climb;
        }

        @Override
        public void run() {
            long t0 = System.nanoTime();
            long e0 = entries.sum();
            while (!isInterrupted()) {
                try {
                    Thread.sleep(ADAPT_PERIOD_MILLIS);
                } catch (InterruptedException e) {
                    return;
                }
                long t1 = System.nanoTime();
                long e1 = entries.sum();
                int next = climb.next((e1 - e0) * 1e9 / (t1 - t0));
                limitCalls(next);
                t0 = t1;
                e0 = e1;
            }
        }

        /** Ends adapting; the summary then says where it went. */
        void finish() {
            interrupt();
            try {
                join(); // it is asleep, or moving the limit: after this, nothing moves it on a finished pool
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            int start = threads;
            threads = climb.count();
            threadsReason += climb.lowest() == climb.highest()
                    ? ", adapting to throughput (the scan ended before the first step)"
                    : String.format(java.util.Locale.ROOT, ", adapted to throughput from %d (tried %d to %d)", start,
                            climb.lowest(), climb.highest());
        }
    }

    /** A task's reading part, which a throttle may run later, on another worker. */
    interface Reading {
        void read(ScanThread thread);
    }

    /**
     * Under a limit, the tasks waiting for a worker that may read, drained by the workers that may,
     * newest first (depth first, as a worker's own deque is). Without a limit, tasks are forked.
     */
    private final java.util.concurrent.ConcurrentLinkedDeque<Reading> deferred =
            new java.util.concurrent.ConcurrentLinkedDeque<>();
    /** Drainers submitted and not yet running: at most one per free permit is worth waking. */
    private final java.util.concurrent.atomic.AtomicInteger drainersQueued =
            new java.util.concurrent.atomic.AtomicInteger();

    /**
     * Hands a new task to the pool. Under a limit it joins the queue the admitted workers drain,
     * waking one more only while permits are free: forking it would wake idle workers to steal a
     * task they may not run, and on a busy CPU that churn costs what the admitted ones need.
     */
    void schedule(CountedCompleter<?> task) {
        Throttle limit = throttle;
        if (limit == null) {
            if (Thread.currentThread() instanceof ScanThread) {
                task.fork();
            } else {
                pool.execute(task); // the watchdog's rescue of a hung stat: fork() would use the common pool
            }
            return;
        }
        deferred.addLast((Reading) task);
        wakeDrainers(limit);
    }

    private void wakeDrainers(Throttle limit) {
        int free = limit.availablePermits();
        while (free > 0 && drainersQueued.get() < free) {
            drainersQueued.incrementAndGet();
            pool.execute(() -> {
                drainersQueued.decrementAndGet();
                read(null, (ScanThread) Thread.currentThread());
            });
            free = limit.availablePermits();
        }
    }

    /**
     * Lets at most {@code calls} tasks read at once, from now on (before {@link #start()}: from the
     * beginning). The pool keeps its size; tasks beyond the limit wait in a queue that the admitted
     * workers drain, so the work is not handed from thread to thread at every task.
     */
    void limitCalls(int calls) {
        Throttle t = throttle;
        if (t == null) {
            throttle = new Throttle(calls);
            return;
        }
        t.limit(calls);
        if (pool != null) {
            wakeDrainers(t); // drain with the new permits
        }
    }

    /**
     * Runs a task's reading part now, or, when the calls are limited and none is free, queues it for a
     * worker that holds one; a worker holding one drains the queue before letting it go.
     */
    void read(Reading first, ScanThread t) {
        if (t.worker == null) {
            t.worker = access.newWorker(); // here, not when the thread starts: reserves may never read
        }
        Throttle limit = throttle;
        if (limit == null) {
            first.read(t);
            rejoinIfCameBack(t);
            return;
        }
        boolean holding = false;
        Reading task = first;
        if (task != null) {
            holding = limit.tryAcquire();
            if (!holding) {
                deferred.addLast(task);
                task = null;
            }
        }
        try {
            while (true) {
                if (task == null) {
                    if (holding) {
                        limit.release();
                        holding = false;
                    }
                    // A task queued while this worker let go finds its permit here.
                    if (deferred.isEmpty() || !limit.tryAcquire()) {
                        return;
                    }
                    holding = true;
                    task = deferred.pollLast();
                    continue;
                }
                t.admittedBy = limit;
                try {
                    task.read(t);
                } finally {
                    holding = ADMITTED.compareAndSet(t, limit, null); // false: the watchdog let it go
                }
                rejoinIfCameBack(t);
                // Over a lowered limit, let go (the top of the loop releases, then takes a permit
                // again only if one is free); a worker the watchdog let go holds none.
                task = holding && limit.availablePermits() >= 0 ? deferred.pollLast() : null;
            }
        } finally {
            if (holding) {
                limit.release();
            }
        }
    }

    /**
     * A worker whose call was given up on, and came back after all, was replaced meanwhile: it
     * stands by in turn, so that the pool goes back to its size.
     */
    private void rejoinIfCameBack(ScanThread t) {
        if (t.cameBack) {
            t.cameBack = false;
            standBy.standBy();
        }
    }

    /** The watchdog gave up on this worker's call: it no longer counts against the limit. */
    private void leave(ScanThread t) {
        Throttle limit = t.admittedBy;
        if (limit != null && ADMITTED.compareAndSet(t, limit, null)) {
            limit.release();
            wakeDrainers(limit);
        }
    }

    private static final java.lang.invoke.VarHandle ADMITTED;

    static {
        try {
            ADMITTED = java.lang.invoke.MethodHandles.lookup().findVarHandle(ScanThread.class, "admittedBy",
                    Throttle.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    Backend backend() {
        return access.backend();
    }

    /** Calls the watchdog gave up on. */
    int givenUp() {
        return givenUp.get();
    }

    /** The pool's size, once started. */
    int threads() {
        return threads;
    }

    /** Waits up to {@code nanos} for the scan to end, completed or not. */
    void awaitEnd(long nanos) throws InterruptedException {
        try {
            rootTask.get(nanos, TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.TimeoutException | ExecutionException | java.util.concurrent.CancellationException e) {
            // ended badly, or not yet: await() says which
        }
    }

    /** Whether the scan has ended, completed or not. */
    boolean isDone() {
        return rootTask != null && rootTask.isDone();
    }

    /**
     * Adds a per-entry step, run on every entry below the root after its stat.
     *
     * @throws IllegalStateException once the scan has started
     */
    void addStep(EntryStep step) {
        if (pool != null) {
            throw new IllegalStateException("steps are added before the scan starts");
        }
        steps = java.util.Arrays.copyOf(steps, steps.length + 1);
        steps[steps.length - 1] = step;
    }

    /** Opens the root, delivers its own entry, and starts listing it. */
    void start() throws IOException {
        EntryBatch rootBatch = new EntryBatch();
        rootBatch.reset(new byte[0]);
        openRootWithDeadline(rootBatch);
        standBy = newPool();
        pool = standBy.pool();
        rootDevice = rootBatch.get(0, StatFields.DEVICE);
        this.rootBatch = rootBatch;
        rootTask = new DirectoryTask(null, this, new byte[0], rootBatch.reference[0], rootBatch.get(0, StatFields.DEVICE),
                rootBatch.get(0, StatFields.INODE), null, -1);
        waiting.increment();
        watchdog.start();
        if (adapter != null) {
            adapter.start();
        }
        pool.execute(rootTask);
    }

    /**
     * Opens the root on a thread of its own, so that a dead server costs the deadline, not forever.
     * If the call comes back after the deadline, that thread releases what it opened.
     */
    private void openRootWithDeadline(EntryBatch rootBatch) throws IOException {
        Object[] outcome = new Object[1];
        java.util.concurrent.atomic.AtomicBoolean abandoned = new java.util.concurrent.atomic.AtomicBoolean();
        Thread opener = new Thread(() -> {
            Object result;
            try {
                access.openRoot(rootBatch);
                result = Boolean.TRUE;
            } catch (IOException | RuntimeException e) {
                result = e;
            }
            synchronized (outcome) {
                outcome[0] = result;
                if (abandoned.get()) {
                    access.close();
                }
            }
        }, "fsnap-open-root");
        opener.setDaemon(true);
        opener.start();
        try {
            opener.join(TimeUnit.NANOSECONDS.toMillis(opTimeoutNanos) + 1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            abandoned.set(true);
            throw new java.io.InterruptedIOException("interrupted while opening " + rootPath);
        }
        synchronized (outcome) {
            if (outcome[0] == null) {
                abandoned.set(true);
                throw new java.nio.file.FileSystemException(rootPath.toString(), null,
                        "no answer in " + timeoutText() + " (the filesystem may be dead)");
            }
        }
        if (outcome[0] instanceof IOException e) {
            access.close();
            throw e;
        }
        if (outcome[0] instanceof RuntimeException e) {
            access.close();
            throw e;
        }
    }

    @Override
    public ScanProgress progress() {
        long end = endNanos;
        return new ScanProgress(entries.sum(), bytes.sum(), waiting.sum(), errors.sum(),
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

    boolean isUnresponsive(long device) {
        if (timeouts.isEmpty()) {
            return false;
        }
        java.util.concurrent.atomic.AtomicInteger n = timeouts.get(device);
        return n != null && n.get() >= UNRESPONSIVE_AFTER;
    }

    ScanError unresponsive(byte[] path) {
        return new ScanError(path, Operation.OPEN, "ETIMEDOUT",
                "Not tried: calls on this filesystem got no answer in " + timeoutText() + " (unresponsive)");
    }

    private String timeoutText() {
        double s = opTimeoutNanos / 1e9;
        return s == Math.rint(s) ? (long) s + " s" : s + " s";
    }

    /**
     * A worker's call got no answer within the deadline: record what it was reading as unreadable,
     * mark its filesystem unresponsive, complete its task for it, and let another worker take its
     * place. The worker stays parked in the kernel; when its call returns, it finds the call given up
     * and drops the result.
     */
    void giveUp(ScanThread t) {
        givenUp.incrementAndGet();
        leave(t); // the stuck worker no longer counts against the limit
        standBy.replaceStuckWorker(); // nor as one of the pool's workers
        DirectoryTask dir = t.callDirectory;
        Operation op = t.callOperation;
        ScanError e = new ScanError(dir.path, op, "ETIMEDOUT", "No answer in " + timeoutText()
                + ": gave up (the filesystem may be dead)");
        if (op == Operation.STAT) {
            rescue(t, e);
        }
        timeouts.computeIfAbsent(dir.device(), d -> new java.util.concurrent.atomic.AtomicInteger()).incrementAndGet();
        CountedCompleter<?> task = t.callTask;
        try {
            if (op == Operation.OPEN) {
                dir.openFailed(e);
            } else if (op == Operation.LIST) {
                dir.listFailed(e);
            }
        } catch (RuntimeException listenerFailed) {
            // recorded as the scan's failure by error(); the task must still complete
        }
        if (task instanceof ScanTask s) {
            s.finish();
        }
    }

    /**
     * A stat got no answer: only the name it was on is lost. The rest of its chunk (the names
     * before it too: their results stayed in the stuck worker's batch) is stat'ed again by another
     * worker, that name recorded as timed out, and a directory's listing goes on from there. Runs
     * under the stuck thread's handoff lock, which the thread takes before it touches its buffers
     * again, so the chunk is copied whole.
     */
    private void rescue(ScanThread t, ScanError e) {
        CountedCompleter<?> task = t.callTask;
        FileSystemAccess.Directory open = t.callOpen;
        FileSystemAccess.NameChunk chunk = t.callChunk.detach();
        int lost = t.batch.begun() - 1;
        t.batch.abandoned = true;
        open.retain();
        task.addToPendingCount(1);
        boolean listing = task instanceof DirectoryTask || (task instanceof Rescue r && r.listing);
        Failure why = new Failure(e.code(), e.message());
        schedule(new Rescue(task, this, t.callDirectory, open, chunk, t.callPass, Math.max(0, lost), why, listing));
    }

    /** Watches the workers' calls against the deadline, a few times per deadline. */
    private final class Watchdog extends Thread {
        Watchdog() {
            super("fsnap-watchdog");
            setDaemon(true);
        }

        @Override
        public void run() {
            long tick = Math.max(TimeUnit.MILLISECONDS.toNanos(5), Math.min(opTimeoutNanos / 4,
                    TimeUnit.MILLISECONDS.toNanos(250)));
            while (!isInterrupted()) {
                try {
                    TimeUnit.NANOSECONDS.sleep(tick);
                } catch (InterruptedException e) {
                    return;
                }
                long now = System.nanoTime() - ScanThread.ORIGIN;
                for (ScanThread t : workers) {
                    long started = t.callStart.get();
                    if (started <= 0) {
                        continue;
                    }
                    // A stat of a chunk is one call per name: its deadline runs from the last name begun.
                    int begun = t.batch.begun();
                    if (t.callOperation == Operation.STAT && begun != t.seenBegun) {
                        t.seenBegun = begun;
                        t.seenAt = now;
                    }
                    long from = t.callOperation == Operation.STAT ? Math.max(started, t.seenAt) : started;
                    if (now - from > opTimeoutNanos) {
                        synchronized (t.handoff) {
                            if (t.callStart.compareAndSet(started, ScanThread.GIVEN_UP)) {
                                giveUp(t);
                            }
                        }
                    }
                }
            }
        }
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
            throw unchecked(e.getCause());
        } finally {
            if (endNanos == 0) {
                endNanos = System.nanoTime();
            }
            watchdog.interrupt();
            if (adapter != null) {
                adapter.finish();
                adapter = null;
            }
            standBy.close();
            pool.shutdown();
            if (givenUp.get() == 0) {
                // Workers free their native buffers as they terminate; wait so a finished scan holds nothing.
                pool.awaitTermination(10, TimeUnit.SECONDS);
            }
            // Otherwise some worker is still parked in the kernel: it frees its buffers if its call ever
            // returns, and the scan does not wait for it.
            access.close();
        }
        return new ScanSummary(entries.sum(), directories.sum(), errors.sum(), bytes.sum(),
                Duration.ofNanos(endNanos - startNanos), access.backend(), backendReason, threads, threadsReason, cancelled,
                access.absentFields());
    }

    /** What a scan's failure is rethrown as: itself when unchecked, else wrapped. */
    static RuntimeException unchecked(Throwable cause) {
        if (cause instanceof RuntimeException re) {
            return re;
        }
        if (cause instanceof Error err) {
            throw err;
        }
        return new IllegalStateException(cause);
    }

    /**
     * Reads the metadata of one chunk of names, delivers it, and forks a task for every
     * subdirectory as a child of {@code current} (the directory's task or one of its chunk tasks).
     */
    boolean process(CountedCompleter<?> current, DirectoryTask directory, FileSystemAccess.Directory open,
                    FileSystemAccess.NameChunk chunk) {
        if (directoriesFirst) {
            return process(current, directory, open, chunk, FileSystemAccess.Names.MAYBE_DIRECTORIES, null)
                    && process(current, directory, open, chunk, FileSystemAccess.Names.REST, null);
        }
        return process(current, directory, open, chunk, FileSystemAccess.Names.ALL, null);
    }

    /**
     * Stats a chunk again after a stat of it hung: from the pass it hung in, with the name it hung
     * on recorded as {@code lost} (and, when the filesystem has since been found unresponsive, every
     * name after it recorded as not tried).
     */
    boolean retry(Rescue rescue, DirectoryTask directory, FileSystemAccess.Directory open,
                  FileSystemAccess.NameChunk chunk, FileSystemAccess.Names pass, int lostAt, Failure why) {
        Failure rest = isUnresponsive(directory.device()) ? new Failure("ETIMEDOUT", unresponsive(directory.path)
                .message()) : null;
        EntryBatch.Lost lost = new EntryBatch.Lost(lostAt, why, rest);
        if (pass == FileSystemAccess.Names.MAYBE_DIRECTORIES) {
            return process(rescue, directory, open, chunk, pass, lost)
                    && process(rescue, directory, open, chunk, FileSystemAccess.Names.REST,
                    rest == null ? null : new EntryBatch.Lost(0, rest, rest));
        }
        return process(rescue, directory, open, chunk, pass, lost);
    }

    private boolean process(CountedCompleter<?> current, DirectoryTask directory, FileSystemAccess.Directory open,
                            FileSystemAccess.NameChunk chunk, FileSystemAccess.Names which, EntryBatch.Lost lost) {
        ScanThread thread = (ScanThread) Thread.currentThread();
        EntryBatch b = thread.batch;
        b.reset(directory.path);
        b.lose(lost);
        thread.callOpen = open;
        thread.callChunk = chunk;
        thread.callPass = which;
        long call = thread.begin(Operation.STAT, current, directory);
        thread.worker.stat(open, chunk, b, followLinks, which);
        if (!thread.end(call)) {
            return false; // given up on while it waited: the watchdog recorded and completed it
        }
        if (rules != null) {
            b.leaveOut(rules);
        }
        for (int i = 0; i < b.count; i++) {
            if (b.type[i] != EntryType.DIRECTORY || (oneFileSystem && b.get(i, StatFields.DEVICE) != rootDevice)) {
                continue;
            }
            if (followLinks && directory.hasAncestor(b.get(i, StatFields.DEVICE), b.get(i, StatFields.INODE))) {
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
                schedule(new DirectoryTask(current, this, b.path(i), b.reference[i], b.get(i, StatFields.DEVICE), b.get(i, StatFields.INODE),
                        directory, base + i));
            }
        }
        return true;
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
                size += b.get(i, StatFields.SIZE);
            }
        }
        if (b.count != 0) { // most directories' last batch is empty: no contended add for nothing
            entries.add(b.count);
            directories.add(dirs);
            bytes.add(size);
        }
        if (!b.errors.isEmpty()) {
            errors.add(b.errors.size());
        }
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
        /** This thread's reader, made when it first reads. */
        FileSystemAccess.Worker worker;
        final EntryBatch batch = new EntryBatch();

        static final long ORIGIN = System.nanoTime();
        static final long GIVEN_UP = -1;
        private final ScanRun run;
        /** When the call in progress began (nanoseconds since ORIGIN, never 0), 0 when idle, GIVEN_UP. */
        final java.util.concurrent.atomic.AtomicLong callStart = new java.util.concurrent.atomic.AtomicLong();
        volatile Operation callOperation;
        volatile CountedCompleter<?> callTask;
        volatile DirectoryTask callDirectory;
        /** The throttle whose permit this worker's current task holds; see {@link ScanRun#read}. */
        volatile Throttle admittedBy;
        /** What a stat call is on, for the watchdog to hand the rest of the chunk to another worker. */
        volatile FileSystemAccess.Directory callOpen;
        volatile FileSystemAccess.NameChunk callChunk;
        volatile FileSystemAccess.Names callPass;
        /**
         * Held by the watchdog while it gives up on this thread's call and copies what the call was
         * on; taken by the thread, when it finds its call given up, before it touches its buffers again.
         */
        final Object handoff = new Object();
        /** The watchdog's own: the names begun when it last looked, and when that changed. */
        int seenBegun;
        long seenAt;

        ScanThread(ForkJoinPool pool, ScanRun run, int number) {
            super(pool);
            this.run = run;
            run.workers.add(this);
            batch.steps = run.steps;
            // Not getPoolIndex(): a worker is registered, and gets its index, only once it runs.
            setName("fsnap-scan-" + number);
        }

        /** Marks the start of a call that may block; returns its token for {@link #end}. */
        long begin(Operation operation, CountedCompleter<?> task, DirectoryTask directory) {
            callOperation = operation;
            callTask = task;
            callDirectory = directory;
            long token = Math.max(1, System.nanoTime() - ORIGIN);
            callStart.set(token);
            return token;
        }

        /** Set when a call the watchdog gave up on came back; see {@link ScanRun#rejoinIfCameBack}. */
        boolean cameBack;

        /** @return false when the watchdog gave up on the call meanwhile: its result must be dropped */
        boolean end(long token) {
            if (callStart.compareAndSet(token, 0)) {
                return true;
            }
            synchronized (handoff) {
                // the watchdog is done with what this call was on: this thread's buffers are its own again
            }
            callStart.set(0);
            cameBack = true;
            return false;
        }

        @Override
        protected void onTermination(Throwable exception) {
            run.workers.remove(this);
            if (worker != null) {
                worker.close();
            }
            if (exception != null) {
                run.workerDied(exception);
            }
            super.onTermination(exception);
        }
    }
}
