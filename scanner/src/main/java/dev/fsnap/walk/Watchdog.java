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
 * timeouts in {@link #UNRESPONSIVE_AFTER} directories of one device, nothing more is tried on it.
 *
 * <p>A dead directory costs one deadline. Where a filesystem serializes the lookups of one
 * directory (FUSE without parallel directory operations; a server that answers one client's
 * calls in order), a call that hangs holds every other call in its directory behind it: each
 * would cost a deadline of its own, one after the other. So once a call in a directory was given
 * up on, the calls in that directory (stats of its names, its listing, the opening of its
 * subdirectories, which looks their names up in it) get a short {@link #GRACE} instead: a healthy
 * call answers well within it. When one of them hangs too, the directory is held: what is left of
 * it is recorded as not tried, at once. Timeouts in one directory count once toward the breaker.
 */
final class Watchdog extends Thread {
    static final int UNRESPONSIVE_AFTER = 2;
    /** How long a call may take in a directory where one already hung (less when the deadline is shorter). */
    static final long GRACE = TimeUnit.SECONDS.toNanos(2);

    private final ScanRun run;
    private final List<ScanThread> workers;
    private final long opTimeoutNanos;
    private final long graceNanos;
    /** Directories with a timeout, per device. */
    private final Map<Long, AtomicInteger> timeouts = new ConcurrentHashMap<>();
    private final AtomicInteger givenUp = new AtomicInteger();

    Watchdog(ScanRun run, List<ScanThread> workers, long opTimeoutNanos) {
        super("fsnap-watchdog");
        setDaemon(true);
        this.run = run;
        this.workers = workers;
        this.opTimeoutNanos = opTimeoutNanos;
        this.graceNanos = Math.min(GRACE, opTimeoutNanos);
    }

    /**
     * The directory a worker's call waits on: the one whose names it stats or lists, or, for the
     * opening of a directory, the one it is looked up in.
     */
    private static DirectoryTask heldIn(ScanThread t) {
        DirectoryTask d = t.callDirectory;
        return t.callOperation == Operation.OPEN ? d.lookedUpIn() : d;
    }

    /**
     * @param d a directory
     * @return whether two calls in it hung, the second behind the first: nothing more is tried there
     */
    static boolean held(DirectoryTask d) {
        return d.stalls >= 2;
    }

    /** What is recorded for what is left of a held directory (see {@link #held}). */
    ScanError heldError(byte[] path) {
        return new ScanError(path, Operation.OPEN, "ETIMEDOUT", "Not tried: a call in its directory got no answer in "
                + timeoutText() + " and the next waited behind it (the server holds that directory)");
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
            overdue.clear();
            for (ScanThread t : workers) {
                long started = t.callStart.get();
                if (started <= 0) {
                    continue;
                }
                // A stat of a chunk is one call per name (and per piece of a file whose content is
                // read): its deadline runs from the last name begun or piece read.
                int begun = t.batch.begun();
                int progress = t.batch.progress();
                if (t.callOperation == Operation.STAT
                        && (started != t.seenCall || begun != t.seenBegun || progress != t.seenProgress)) {
                    // The order of calls that wait in line must be the order their names began in:
                    // where names are timed, from the name's start; a call seen for the first time
                    // from its start; else from this round (a piece of content read).
                    boolean name = started != t.seenCall || begun != t.seenBegun;
                    t.seenAt = name && t.batch.timesNames ? Math.max(started, t.batch.nameBegan())
                            : started != t.seenCall ? started : now;
                    t.seenCall = started;
                    t.seenBegun = begun;
                    t.seenProgress = progress;
                }
                long from = t.callOperation == Operation.STAT ? Math.max(started, t.seenAt) : started;
                t.watchedFrom = from;
                if (isOverdue(t, from, now)) {
                    overdue.add(t);
                }
            }
            if (overdue.isEmpty()) {
                continue;
            }
            // Oldest first: where a directory's calls wait in line, the first to wait is the one that
            // hung; the others waited behind it, and get their grace from its giving up.
            overdue.sort(java.util.Comparator.comparingLong(t -> t.watchedFrom));
            for (ScanThread t : overdue) {
                long started = t.callStart.get();
                if (started <= 0 || !isOverdue(t, t.watchedFrom, now)) {
                    continue;
                }
                synchronized (t.handoff) {
                    if (t.callStart.compareAndSet(started, ScanThread.GIVEN_UP)) {
                        giveUp(t, now);
                    }
                }
            }
        }
    }

    /** The workers whose calls are past their deadline, in one round; the watchdog's own. */
    private final java.util.ArrayList<ScanThread> overdue = new java.util.ArrayList<>();

    /**
     * Whether a call is past its deadline: the whole deadline from its start, or, in a directory
     * where a call was given up on, the grace from the later of its start and that giving up.
     */
    private boolean isOverdue(ScanThread t, long from, long now) {
        long stalledAt = heldIn(t).stalledAt;
        return stalledAt != 0 ? now - Math.max(from, stalledAt) > graceNanos : now - from > opTimeoutNanos;
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
        return seconds(opTimeoutNanos);
    }

    private String graceText() {
        return seconds(graceNanos);
    }

    private static String seconds(long nanos) {
        double s = nanos / 1e9;
        return s == Math.rint(s) ? (long) s + " s" : s + " s";
    }

    /**
     * A worker's call got no answer within the deadline: record what it was reading as unreadable,
     * mark its filesystem unresponsive, complete its task for it, and let another worker take its
     * place.
     *
     * @param now the watchdog's time of this round
     */
    private void giveUp(ScanThread t, long now) {
        givenUp.incrementAndGet();
        run.calls.leave(t); // the stuck worker no longer counts against the limit
        run.standBy.replaceStuckWorker(); // nor as one of the pool's workers
        DirectoryTask dir = t.callDirectory;
        Operation op = t.callOperation;
        DirectoryTask in = heldIn(t);
        int stalls = in.stalls;
        in.stalls = stalls + 1;
        boolean first = in.stalledAt == 0;
        if (first) {
            in.stalledAt = Math.max(1, now);
        }
        ScanError e = new ScanError(dir.path, op, "ETIMEDOUT", first ? "No answer in " + timeoutText()
                + ": gave up (the filesystem may be dead)" : "No answer within " + graceText() + " of giving up on "
                + "a call in its directory: gave up (the server holds that directory)");
        if (op == Operation.STAT) {
            rescue(t, e);
        }
        if (first) { // one dead directory, however many calls wait behind it, counts once
            timeouts.computeIfAbsent(dir.device(), d -> new AtomicInteger()).incrementAndGet();
        }
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
