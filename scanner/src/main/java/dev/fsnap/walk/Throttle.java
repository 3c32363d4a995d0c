package dev.fsnap.walk;

import java.util.concurrent.Semaphore;

/**
 * How many tasks may read the filesystem at once, changeable while a scan runs. The pool keeps its
 * threads; those beyond the limit wait here, so a sweep can step the number of calls in flight
 * without starting a scan over.
 */
final class Throttle extends Semaphore {
    private static final long serialVersionUID = 1L;
    private int limit;

    Throttle(int limit) {
        super(limit);
        this.limit = limit;
    }

    /** Raises or lowers the limit; tasks running above a lowered limit finish first. */
    synchronized void limit(int calls) {
        if (calls < 1) {
            throw new IllegalArgumentException("the limit must be at least 1, not " + calls);
        }
        if (calls > limit) {
            release(calls - limit);
        } else if (calls < limit) {
            reducePermits(limit - calls);
        }
        limit = calls;
    }
}
