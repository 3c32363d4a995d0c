package dev.fsnap.walk;

import java.io.IOException;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Keeps a scan's pool at strength while some of its workers are stuck in calls the watchdog gave up on.
 *
 * <p>A thread parked in the kernel by a dead server cannot be interrupted, and a {@link ForkJoinPool}
 * can neither be told that one of its workers is gone nor be grown (its rules for replacing a worker
 * that blocks in {@code managedBlock} differ from one JDK to the next, and count the stuck worker as
 * running). So the pool is made larger than the scan's size by a number of reserve workers, each
 * blocked in a task of its own before the scan starts: the pool counts them busy and runs the scan
 * on the others. When the watchdog gives up on a stuck worker, one reserve is let go and works in its
 * place. A stuck worker whose call comes back after all becomes a reserve in turn.
 */
final class StandBy {
    private final ForkJoinPool pool;
    /** Reserves blocked, waiting to be let go. */
    private int waiting; // guarded by this
    /** Reserves owed a release: let go of as soon as they block. */
    private int released; // guarded by this
    /** Workers given up on while no reserve was left: the scan runs that many short. */
    private int unreplaced; // guarded by this
    private boolean closed; // guarded by this

    private StandBy(ForkJoinPool pool) {
        this.pool = pool;
    }

    /**
     * How many reserves a pool keeps: enough to replace every call in flight at once (all of them on
     * one filesystem when it died), and a few more for small pools.
     */
    static int reservesFor(int callsInFlight) {
        return callsInFlight + 8;
    }

    /**
     * A pool running {@code threads} workers at a time, with reserves for {@code callsInFlight}
     * blocked and ready (the pool's size, unless a limit keeps fewer calls in flight).
     *
     * @throws IOException when the reserves' threads cannot all be started (a limit on processes or
     *         threads): the scan's own workers, started after them, could not be either, and the scan
     *         would wait for them forever; what was started is let go
     */
    static StandBy start(int threads, int callsInFlight, ForkJoinPool.ForkJoinWorkerThreadFactory factory)
            throws IOException {
        int reserves = reservesFor(callsInFlight);
        StandBy s = new StandBy(new ForkJoinPool(threads + reserves, factory, null, false));
        try {
            for (int i = 0; i < reserves; i++) {
                s.pool.execute(s::standBy);
            }
        } catch (RejectedExecutionException | OutOfMemoryError e) {
            // a pool that could not start a thread says so here on some JDKs, and not at all on others
        }
        int blocked = s.awaitBlocked(reserves);
        if (blocked < reserves) {
            s.close();
            s.pool.shutdownNow();
            throw new IOException("cannot start the scan's threads: " + blocked + " of " + (threads + reserves)
                    + " started (a limit on processes or threads is reached)");
        }
        return s;
    }

    ForkJoinPool pool() {
        return pool;
    }

    /**
     * Waits until every reserve has blocked: until then a reserve is only a task in the pool's queue,
     * and would take the place of a scan worker instead of standing by. Where threads cannot be
     * started (a process limit), it gives up once none has blocked for a few seconds.
     *
     * @return how many reserves blocked
     */
    private synchronized int awaitBlocked(int reserves) {
        boolean interrupted = false;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        int seen = waiting;
        long left;
        while (waiting < reserves && (left = deadline - System.nanoTime()) > 0) {
            try {
                TimeUnit.NANOSECONDS.timedWait(this, left);
            } catch (InterruptedException e) {
                interrupted = true;
            }
            if (waiting > seen) { // threads are starting, slowly on a busy machine: wait on while they do
                seen = waiting;
                deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return waiting;
    }

    /** A worker is stuck for good, as far as the scan knows: let a reserve work in its place. */
    synchronized void replaceStuckWorker() {
        if (closed) {
            return;
        }
        if (released < waiting) {
            released++;
            notifyAll();
        } else {
            unreplaced++;
        }
    }

    /**
     * Blocks the calling worker as a reserve until it is let go or the scan ends. A worker whose
     * given-up call came back calls it, so that the pool goes back to its size.
     */
    void standBy() {
        boolean interrupted = false;
        synchronized (this) {
            if (unreplaced > 0) {
                unreplaced--; // it works in the place of one that was not replaced
                return;
            }
            waiting++;
            notifyAll(); // see awaitBlocked
            while (released == 0 && !closed) {
                try {
                    wait();
                } catch (InterruptedException e) {
                    interrupted = true; // the pool is being torn down
                    break;
                }
            }
            waiting--;
            if (released > 0) {
                released--;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Lets every reserve go, so that the pool can terminate. */
    synchronized void close() {
        closed = true;
        notifyAll();
    }
}
