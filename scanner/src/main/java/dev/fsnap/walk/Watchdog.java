package dev.fsnap.walk;

import dev.fsnap.scan.Operation;
import dev.fsnap.scan.ScanError;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountedCompleter;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Watches the workers' calls against the deadline, a few times per deadline, and gives up on a
 * call that got no answer: what it was reading is recorded as unreadable, its task completed for
 * it, another worker takes its place. The stuck worker stays parked in the kernel; when its call
 * returns it finds the call given up and drops the result. Also the circuit breaker: after
 * {@link #UNRESPONSIVE_AFTER} timeouts on one device, nothing more is tried on it.
 */
final class Watchdog extends Thread {
    static final int UNRESPONSIVE_AFTER = 2;

    private final ScanRun run;
    private final List<ScanThread> workers;
    private final long opTimeoutNanos;
    /** Timeouts per device. */
    private final Map<Long, AtomicInteger> timeouts = new ConcurrentHashMap<>();
    private final AtomicInteger givenUp = new AtomicInteger();

    Watchdog(ScanRun run, List<ScanThread> workers, long opTimeoutNanos) {
        super("fsnap-watchdog");
        setDaemon(true);
        this.run = run;
        this.workers = workers;
        this.opTimeoutNanos = opTimeoutNanos;
    }

    /** @return calls given up on */
    int givenUp() {
        return givenUp.get();
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
                // A stat of a chunk is one call per name (and per piece of a file whose content is
                // read): its deadline runs from the last name begun or piece read.
                int begun = t.batch.begun() + t.batch.progress();
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

    boolean isUnresponsive(long device) {
        if (timeouts.isEmpty()) {
            return false;
        }
        AtomicInteger n = timeouts.get(device);
        return n != null && n.get() >= UNRESPONSIVE_AFTER;
    }

    ScanError unresponsive(byte[] path) {
        return new ScanError(path, Operation.OPEN, "ETIMEDOUT",
                "Not tried: calls on this filesystem got no answer in " + timeoutText() + " (unresponsive)");
    }

    String timeoutText() {
        double s = opTimeoutNanos / 1e9;
        return s == Math.rint(s) ? (long) s + " s" : s + " s";
    }

    /**
     * A worker's call got no answer within the deadline: record what it was reading as unreadable,
     * mark its filesystem unresponsive, complete its task for it, and let another worker take its
     * place.
     */
    private void giveUp(ScanThread t) {
        givenUp.incrementAndGet();
        run.calls.leave(t); // the stuck worker no longer counts against the limit
        run.standBy.replaceStuckWorker(); // nor as one of the pool's workers
        DirectoryTask dir = t.callDirectory;
        Operation op = t.callOperation;
        ScanError e = new ScanError(dir.path, op, "ETIMEDOUT", "No answer in " + timeoutText()
                + ": gave up (the filesystem may be dead)");
        if (op == Operation.STAT) {
            rescue(t, e);
        }
        timeouts.computeIfAbsent(dir.device(), d -> new AtomicInteger()).incrementAndGet();
        CountedCompleter<?> task = t.callTask;
        try {
            if (op == Operation.OPEN) {
                dir.openFailed(e);
            } else if (op == Operation.LIST) {
                dir.listFailed(e);
            }
        } catch (RuntimeException listenerFailed) {
            // recorded as the scan's failure by the delivery; the task must still complete
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
        run.calls.schedule(new Rescue(task, run, t.callDirectory, open, chunk, t.callPass, Math.max(0, lost), why,
                listing));
    }
}
