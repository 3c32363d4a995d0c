package dev.fsnap.walk;

import dev.fsnap.internal.Paths;
import dev.fsnap.internal.ScanInternals;
import dev.fsnap.scan.Backend;
import dev.fsnap.scan.EntryType;
import dev.fsnap.scan.Operation;
import dev.fsnap.scan.PathRules;
import dev.fsnap.scan.Scan;
import dev.fsnap.scan.ScanError;
import dev.fsnap.scan.ScanListener;
import dev.fsnap.scan.ScanOptions;
import dev.fsnap.scan.ScanProgress;
import dev.fsnap.scan.ScanSummary;
import dev.fsnap.bindings.StatFields;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountedCompleter;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * One scan: a work-stealing pool with one task per directory. Each worker thread owns its backend
 * reader and its entry batch, so the hot path allocates nothing per entry but the entry's name.
 */
final class ScanRun implements Scan {
    private final FileSystemAccess access;
    private final String backendReason;
    private int threads;
    private String threadsReason;
    private final int requestedThreads;
    final boolean followLinks;
    private final boolean oneFileSystem;
    /** What the scan leaves out; null when nothing. */
    private final PathRules rules;
    /** The directories other shards cover (paths relative to the root, as bytes), or null for a whole tree. */
    private final Set<ByteBuffer> covered;
    /**
     * With links followed, in a shard's scan: the device and inode of each directory from the
     * plan's root down to the shard root's parent, pairwise; a link to one of them loops, as it does
     * in a scan of the whole tree. Null otherwise.
     */
    private final long[] shardAncestors;
    /** A shard's root relative to its plan's, which exclusion rules match from; null for a whole tree. */
    private final byte[] rulesFrom;
    private ForkJoinPool pool;
    /** Replaces the workers the watchdog gives up on. */
    StandBy standBy;
    /** Listeners, and the counts. */
    private final Delivery delivery;
    /** How tasks reach the workers, and how many may read at once. */
    final CallLimit calls = new CallLimit(this);
    final LongAdder waiting = new LongAdder();
    private final long startNanos = System.nanoTime();
    private volatile boolean cancelled;
    private volatile long endNanos;
    private final long opTimeoutNanos;
    private final Path rootPath;
    private final Watchdog watchdog;
    final List<ScanThread> workers = new CopyOnWriteArrayList<>();
    private long rootDevice;
    private DirectoryTask rootTask;
    /** The root's own entry, delivered by the root task so that a visitor's failure ends the scan like any other. */
    private EntryBatch rootBatch;
    /** Per-entry steps after the stat (see {@link EntryStep}); set before {@link #start()}. */
    private EntryStep[] steps = EntryBatch.NO_STEPS;
    private DigestStep digest;
    /** The requests sent to the root's server, where its client counts them; else null. */
    private RoundTrips roundTrips;

    ScanRun(ScanOptions options, FileSystemAccess access, String backendReason, ScanListener listener) {
        this.access = access;
        this.delivery = new Delivery(listener, this::cancel);
        this.backendReason = backendReason;
        this.requestedThreads = options.threads();
        this.followLinks = options.followSymlinks();
        this.oneFileSystem = options.oneFileSystem();
        this.rules = options.rules().isEmpty() ? null : options.rules();
        this.covered = covered(options.shard());
        this.shardAncestors = options.followSymlinks() ? shardAncestors(options) : null;
        this.rulesFrom = options.shard() == null || options.shard().root().isEmpty() ? null
                : options.shard().root().getBytes(StandardCharsets.UTF_8);
        this.opTimeoutNanos = options.opTimeout().toNanos();
        this.directoriesFirstAlways = ScanInternals.get().directoriesFirst(options);
        this.rootPath = options.root();
        this.watchdog = new Watchdog(this, workers, opTimeoutNanos);
    }

    /**
     * Sizes the pool for the root's filesystem, once it is open. Where the count adapts, the pool is
     * sized for the most it may reach and a limit on calls in flight starts at the chosen count.
     */
    private StandBy newPool() throws IOException {
        network = access.filesystem().network();
        directoriesFirst = access.knowsDirectoriesBeforeStat() && (directoriesFirstAlways || network);
        Concurrency.Choice c = Concurrency.choose(requestedThreads, access.filesystem(),
                Runtime.getRuntime().availableProcessors());
        threads = c.threads();
        threadsReason = c.reason();
        int size = threads;
        if (c.adaptive() && !calls.limited()) {
            size = Concurrency.ADAPTIVE_MAX;
            calls.limit(threads);
            adapter = new Adapter(new HillClimb(threads, Concurrency.ADAPTIVE_MIN, Concurrency.ADAPTIVE_MAX),
                    delivery.entries::sum, calls::limit);
        }
        AtomicInteger numbers = new AtomicInteger();
        return StandBy.start(size, threads, p -> new ScanThread(p, this, numbers.getAndIncrement()));
    }

    /**
     * Whether each chunk is stat'ed directories first, and their tasks forked before the other names
     * are stat'ed (see {@link FileSystemAccess.Names}): on a network filesystem, where the listing
     * gives types, or always when the options say so.
     */
    private boolean directoriesFirst;
    /** Whether the root's filesystem is a network one: each call a round trip. */
    private boolean network;
    private final boolean directoriesFirstAlways;

    /** Follows the throughput with the limit on calls in flight; null when the count is fixed. */
    private Adapter adapter;

    /** Starts one of the scan's own threads; a limit on threads is said as the other reasons a scan cannot start. */
    private static void startThread(Thread t) throws IOException {
        try {
            t.start();
        } catch (OutOfMemoryError e) {
            throw new IOException("cannot start the scan's threads: " + t.getName() + ": " + e.getMessage(), e);
        }
    }

    /** Hands a new task to the pool (see {@link CallLimit#schedule}). */
    void schedule(CountedCompleter<?> task) {
        calls.schedule(task);
    }

    /** Lets at most {@code calls} tasks read at once, from now on (see {@link CallLimit#limit}). */
    void limitCalls(int calls) {
        this.calls.limit(calls);
    }

    /** Runs a task's reading part on a worker (see {@link CallLimit#read}). */
    void read(CallLimit.Reading task, ScanThread t) {
        calls.read(task, t);
    }

    /** Gives a worker its reader when it first reads: not when the thread starts, reserves may never read. */
    void prepareWorker(ScanThread t) {
        if (t.worker == null) {
            t.worker = access.newWorker();
        }
    }

    /**
     * A worker whose call was given up on, and came back after all, was replaced meanwhile: it
     * stands by in turn, so that the pool goes back to its size.
     */
    void rejoinIfCameBack(ScanThread t) {
        if (t.cameBack) {
            t.cameBack = false;
            standBy.standBy();
        }
    }

    EntryStep[] steps() {
        return steps;
    }

    Backend backend() {
        return access.backend();
    }

    /** Calls the watchdog gave up on. */
    int givenUp() {
        return watchdog.givenUp();
    }

    /** The pool's size, once started. */
    int threads() {
        return threads;
    }

    /** Waits up to {@code nanos} for the scan to end, completed or not. */
    void awaitEnd(long nanos) throws InterruptedException {
        try {
            rootTask.get(nanos, TimeUnit.NANOSECONDS);
        } catch (TimeoutException | ExecutionException | CancellationException e) {
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
        steps = Arrays.copyOf(steps, steps.length + 1);
        steps[steps.length - 1] = step;
        if (step instanceof DigestStep d) {
            digest = d;
        }
    }

    /** Opens the root, delivers its own entry, and starts listing it. */
    void start() throws IOException {
        EntryBatch rootBatch = new EntryBatch();
        rootBatch.reset(new byte[0]);
        RootOpening.open(access, rootBatch, rootPath, opTimeoutNanos, watchdog.timeoutText());
        // From here the root is open: a failure to get the scan going (no thread can be started, a
        // process limit) must release it, and whatever was started, before it reaches the caller.
        try {
            standBy = newPool();
            pool = standBy.pool();
            calls.pool(pool);
            rootDevice = rootBatch.get(0, StatFields.DEVICE);
            roundTrips = RoundTrips.start(rootDevice, access.filesystem());
            this.rootBatch = rootBatch;
            rootTask = new DirectoryTask(null, this, new byte[0], rootBatch.reference[0],
                    rootBatch.get(0, StatFields.DEVICE), rootBatch.get(0, StatFields.INODE), null, -1,
                    digest == null ? null : digest.root());
            waiting.increment();
            startThread(watchdog);
            if (adapter != null) {
                startThread(adapter);
            }
            pool.execute(rootTask);
        } catch (IOException | RuntimeException | Error e) {
            cancel();
            watchdog.interrupt();
            if (adapter != null) {
                adapter.finish();
            }
            if (standBy != null) {
                standBy.close();
                pool.shutdown();
            }
            access.close();
            throw e;
        }
    }

    @Override
    public ScanProgress progress() {
        long end = endNanos;
        DigestStep d = digest;
        return new ScanProgress(delivery.entries.sum(), delivery.bytes.sum(), waiting.sum(), delivery.errors.sum(),
                Duration.ofNanos((end != 0 ? end : System.nanoTime()) - startNanos),
                d == null ? 0 : d.read.sum(), d == null ? 0 : d.reverified.sum(), d == null ? 0 : d.deferred.sum());
    }

    @Override
    public void cancel() {
        cancelled = true;
    }

    boolean cancelled() {
        return cancelled;
    }

    /**
     * @param directory a directory being listed
     * @return whether the scan may read much content there (the last snapshot did not list it, or
     *         holds much content there): its listings are cut in a piece per worker
     */
    boolean readsContent(DirectoryTask directory) {
        return digest != null && (directory.baseline == null || directory.baseline.heavy());
    }

    /**
     * @param directory a directory being listed
     * @return whether its listings are cut in a piece per worker: where each entry's work is heavy
     *         ({@link #readsContent}), and on a network filesystem, where each stat may be a round
     *         trip: a wide directory's chunk of a thousand names stat'ed by one worker, one round
     *         trip after the other, would keep a few calls in flight where the pool has dozens
     */
    /** @return whether the root's filesystem is a network one (known once the pool is made) */
    boolean network() {
        return network;
    }

    boolean splitsListings(DirectoryTask directory) {
        return network || readsContent(directory);
    }

    /**
     * The fewest names a piece of a listing holds ({@link #splitsListings}): one where content is
     * read (a directory of a few large files is shared), {@link #NAMES_PER_NETWORK_PIECE} where
     * only the stats' round trips are shared.
     *
     * @param directory a directory being listed
     * @return that many names
     */
    int namesPerPiece(DirectoryTask directory) {
        return readsContent(directory) ? 1 : NAMES_PER_NETWORK_PIECE;
    }

    /**
     * A network listing's pieces hold at least this many names. Where a server serializes one
     * directory's lookups (FUSE without parallel directory operations), every worker given a piece
     * of it waits on the same lock: with a piece per name, the pool's workers piled up on a few
     * directories and kept fewer lookups in flight than one thread per directory does. Where lookups
     * run side by side, a wide directory still gets a piece per worker.
     */
    static final int NAMES_PER_NETWORK_PIECE = 16;

    /**
     * How many chunks of one wide directory may wait to be stolen: beyond it, the reading worker stats
     * the next chunk itself, so a directory of millions of entries holds a few chunks in memory, not
     * all of its names.
     */
    int chunksInFlight() {
        return 2 * threads;
    }

    /**
     * Why a call is not to be tried: its filesystem no longer answers, or the directory it would
     * wait on is one the server holds (see {@link Watchdog#held}).
     *
     * @param device the device the call is on
     * @param waitsOn the directory whose lock the call takes
     * @param path what the error is recorded under
     * @return what to record instead of trying, or null to try
     */
    ScanError notToTry(long device, DirectoryTask waitsOn, byte[] path) {
        if (watchdog.isUnresponsive(device)) {
            return watchdog.unresponsive(path);
        }
        return Watchdog.held(waitsOn) ? watchdog.heldError(path) : null;
    }

    /** What is recorded for what is left of a directory the server holds (see {@link Watchdog#held}). */
    ScanError held(byte[] path) {
        return watchdog.heldError(path);
    }

    boolean listsDirectories() {
        return delivery.listsDirectories();
    }

    Object visitDirectory(DirectoryListing listing) {
        return delivery.directory(listing);
    }

    @Override
    public ScanSummary await() throws InterruptedException {
        try {
            rootTask.get();
            RuntimeException thrown = delivery.listenerFailure();
            if (thrown != null) {
                throw thrown;
            }
        } catch (InterruptedException e) {
            cancel();
            throw e;
        } catch (ExecutionException e) {
            cancel();
            RuntimeException thrown = delivery.listenerFailure();
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
                int start = threads;
                threads = adapter.finish();
                threadsReason += adapter.outcome(start);
                adapter = null;
            }
            standBy.close();
            pool.shutdown();
            try {
                if (watchdog.givenUp() == 0) {
                    // Workers free their native buffers as they terminate; wait so a finished scan holds nothing.
                    pool.awaitTermination(10, TimeUnit.SECONDS);
                }
                // Otherwise some worker is still parked in the kernel: it frees its buffers if its call ever
                // returns, and the scan does not wait for it.
            } finally {
                // Also when interrupted while waiting for the workers: the caller is gone, the root is
                // released all the same (a worker still in a call frees its own buffers when it returns).
                access.close();
            }
        }
        return new ScanSummary(delivery.entries.sum(), delivery.directories.sum(), delivery.errors.sum(),
                delivery.bytes.sum(),
                Duration.ofNanos(endNanos - startNanos), access.backend(),
                access.statNote() == null ? backendReason : backendReason + ", " + access.statNote(), threads,
                threadsReason, cancelled,
                access.absentFields(), roundTrips == null ? -1 : roundTrips.since());
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

    /** The pass a chunk's names are stat'ed in first (see {@link #process}). */
    FileSystemAccess.Names firstPass() {
        return directoriesFirst ? FileSystemAccess.Names.MAYBE_DIRECTORIES : FileSystemAccess.Names.ALL;
    }

    /**
     * Stats a chunk again after a stat of it hung: from the pass it hung in, with the name it hung
     * on recorded as {@code lost} (and, when the filesystem has since been found unresponsive, every
     * name after it recorded as not tried).
     */
    boolean retry(CountedCompleter<?> rescue, DirectoryTask directory, FileSystemAccess.Directory open,
                  FileSystemAccess.NameChunk chunk, FileSystemAccess.Names pass, int lostAt, Failure why) {
        ScanError notTried = notToTry(directory.device(), directory, directory.path);
        Failure rest = notTried == null ? null : new Failure("ETIMEDOUT", notTried.message());
        // In a directory the server holds, the names before the lost one would be looked up behind it too.
        EntryBatch.Lost lost = new EntryBatch.Lost(lostAt, why, rest, rest != null && Watchdog.held(directory));
        if (pass == FileSystemAccess.Names.MAYBE_DIRECTORIES) {
            return process(rescue, directory, open, chunk, pass, lost)
                    && process(rescue, directory, open, chunk, FileSystemAccess.Names.REST,
                    rest == null ? null : new EntryBatch.Lost(0, rest, rest, false));
        }
        return process(rescue, directory, open, chunk, pass, lost);
    }

    private boolean process(CountedCompleter<?> current, DirectoryTask directory, FileSystemAccess.Directory open,
                            FileSystemAccess.NameChunk chunk, FileSystemAccess.Names which, EntryBatch.Lost lost) {
        ScanThread thread = (ScanThread) Thread.currentThread();
        EntryBatch b = thread.batch;
        b.reset(directory.path, directory.baseline);
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
            b.leaveOut(rules, rulesFrom == null ? b.parent : b.parent.length == 0 ? rulesFrom
                    : Paths.child(rulesFrom, b.parent, 0, b.parent.length));
        }
        for (int i = 0; i < b.count; i++) {
            if (b.type[i] != EntryType.DIRECTORY || (oneFileSystem && b.get(i, StatFields.DEVICE) != rootDevice)
                    || (covered != null && covered.contains(ByteBuffer.wrap(b.path(i))))) {
                continue; // recorded, not entered: its reference says "not scanned"
            }
            if (followLinks && (directory.hasAncestor(b.get(i, StatFields.DEVICE), b.get(i, StatFields.INODE))
                    || aboveShard(b.get(i, StatFields.DEVICE), b.get(i, StatFields.INODE)))) {
                b.errors.add(Failure.LOOP.at(b.path(i), Operation.OPEN));
                continue;
            }
            b.descend[i] = true;
        }
        int base = directory.listing == null ? 0 : directory.listing.add(b, oneFileSystem, rootDevice);
        delivery.batch(b);
        for (int i = 0; i < b.count; i++) {
            if (b.descend[i]) {
                current.addToPendingCount(1);
                waiting.increment();
                ContentBaseline.Directory was = directory.baseline == null ? null
                        : directory.baseline.child(b.names, b.nameOffset[i], b.nameLength[i]);
                schedule(new DirectoryTask(current, this, b.path(i), b.reference[i], b.get(i, StatFields.DEVICE), b.get(i, StatFields.INODE),
                        directory, base + i, was));
            }
        }
        return true;
    }

    private boolean aboveShard(long device, long inode) {
        if (shardAncestors != null) {
            for (int k = 0; k < shardAncestors.length; k += 2) {
                if (shardAncestors[k] == device && shardAncestors[k + 1] == inode) {
                    return true;
                }
            }
        }
        return false;
    }

    private static long[] shardAncestors(ScanOptions options) {
        Path plan = FileSystemAccess.planRoot(options);
        if (plan == null) {
            return null;
        }
        long[] found = new long[0];
        for (Path dir = options.root().toAbsolutePath().normalize().getParent(); dir != null && dir.startsWith(plan);
             dir = dir.getParent()) {
            try {
                long device = ((Number) java.nio.file.Files.getAttribute(dir, "unix:dev")).longValue();
                long inode = ((Number) java.nio.file.Files.getAttribute(dir, "unix:ino")).longValue();
                found = Arrays.copyOf(found, found.length + 2);
                found[found.length - 2] = device;
                found[found.length - 1] = inode;
            } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
                break; // what could be read
            }
        }
        return found;
    }

    private static Set<ByteBuffer> covered(ScanOptions.ShardScope shard) {
        if (shard == null || shard.covered().isEmpty()) {
            return null;
        }
        Set<ByteBuffer> s = new HashSet<>();
        for (String p : shard.covered()) {
            s.add(ByteBuffer.wrap(p.getBytes(StandardCharsets.UTF_8)));
        }
        return s;
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
        delivery.root(rootBatch);
        rootBatch = null;
    }

    void error(ScanError error) {
        delivery.error(error);
    }
}
