package dev.fsnap.walk;

import dev.fsnap.scan.Operation;
import java.util.concurrent.CountedCompleter;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.atomic.AtomicLong;

/** A worker thread with its own reader and batch, freed when the pool lets the thread go. */
final class ScanThread extends ForkJoinWorkerThread {
    /** This thread's reader, made when it first reads. */
    FileSystemAccess.Worker worker;
    final EntryBatch batch = new EntryBatch();

    static final long ORIGIN = System.nanoTime();
    static final long GIVEN_UP = -1;
    private final ScanRun run;
    /** When the call in progress began (nanoseconds since ORIGIN, never 0), 0 when idle, GIVEN_UP. */
    final AtomicLong callStart = new AtomicLong();
    volatile Operation callOperation;
    volatile CountedCompleter<?> callTask;
    volatile DirectoryTask callDirectory;
    /** The throttle whose permit this worker's current task holds; see {@link CallLimit#read}. */
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
    /** The call (its start token) those were seen in, and the pieces of content read: the watchdog's own. */
    long seenCall;
    int seenProgress;
    long seenAt;

    ScanThread(ForkJoinPool pool, ScanRun run, int number) {
        super(pool);
        this.run = run;
        run.workers.add(this);
        batch.steps = run.steps();
        batch.timesNames = run.network();
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

    /** Where the watchdog's deadline for the current call runs from, in its last round; the watchdog's own. */
    long watchedFrom;

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
