package dev.fsnap.walk;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CountedCompleter;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How tasks reach the workers, and how many may read at once. Without a limit a task is forked
 * onto the pool. Under a limit ({@link Throttle}, moved by the {@link Adapter} on a network
 * filesystem) the pool keeps its size and tasks beyond the limit wait in a queue that the admitted
 * workers drain, newest first (depth first, as a worker's own deque is), so the work is not handed
 * from thread to thread at every task.
 */
final class CallLimit {
    /** A task's reading part, which a throttle may run later, on another worker. */
    interface Reading {
        void read(ScanThread thread);
    }

    private static final VarHandle ADMITTED;

    static {
        try {
            ADMITTED = MethodHandles.lookup().findVarHandle(ScanThread.class, "admittedBy", Throttle.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final ScanRun run;
    private ForkJoinPool pool;
    /** Limits the tasks reading at once below the pool's size; null when every worker may read. */
    private volatile Throttle throttle;
    private final ConcurrentLinkedDeque<Reading> deferred = new ConcurrentLinkedDeque<>();
    /** Drainers submitted and not yet running: at most one per free permit is worth waking. */
    private final AtomicInteger drainersQueued = new AtomicInteger();

    CallLimit(ScanRun run) {
        this.run = run;
    }

    /** The pool the tasks run in, once it is made. */
    void pool(ForkJoinPool pool) {
        this.pool = pool;
    }

    /** @return whether a limit is set */
    boolean limited() {
        return throttle != null;
    }

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
     * Lets at most {@code calls} tasks read at once, from now on (before the pool is made: from the
     * beginning).
     */
    void limit(int calls) {
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
        run.prepareWorker(t);
        Throttle limit = throttle;
        if (limit == null) {
            first.read(t);
            run.rejoinIfCameBack(t);
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
                run.rejoinIfCameBack(t);
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

    /** The watchdog gave up on this worker's call: it no longer counts against the limit. */
    void leave(ScanThread t) {
        Throttle limit = t.admittedBy;
        if (limit != null && ADMITTED.compareAndSet(t, limit, null)) {
            limit.release();
            wakeDrainers(limit);
        }
    }
}
