package dev.fsnap.walk;

import java.util.Locale;
import java.util.function.IntConsumer;
import java.util.function.LongSupplier;

/**
 * Follows the throughput with the limit on calls in flight, on a network filesystem where the
 * thread count adapts: once a period it measures the entries per second and lets the
 * {@link HillClimb} move the limit.
 */
final class Adapter extends Thread {
    /** How often the adapter measures the throughput and moves the limit. */
    static final long PERIOD_MILLIS = 1000;

    private final HillClimb climb;
    private final LongSupplier entries;
    private final IntConsumer limit;

    Adapter(HillClimb climb, LongSupplier entries, IntConsumer limit) {
        super("fsnap-adapt");
        setDaemon(true);
        this.climb = climb;
        this.entries = entries;
        this.limit = limit;
    }

    @Override
    public void run() {
        long t0 = System.nanoTime();
        long e0 = entries.getAsLong();
        while (!isInterrupted()) {
            try {
                Thread.sleep(PERIOD_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
            long t1 = System.nanoTime();
            long e1 = entries.getAsLong();
            limit.accept(climb.next((e1 - e0) * 1e9 / (t1 - t0)));
            t0 = t1;
            e0 = e1;
        }
    }

    /**
     * Ends adapting: after this, nothing moves the limit on a finished pool.
     *
     * @return where the count went
     */
    int finish() {
        interrupt();
        try {
            join(); // it is asleep, or moving the limit
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return climb.count();
    }

    /** @return what the summary says of the adapting, from the count it started at */
    String outcome(int start) {
        return climb.lowest() == climb.highest()
                ? ", adapting to throughput (the scan ended before the first step)"
                : String.format(Locale.ROOT, ", adapted to throughput from %d (tried %d to %d)", start,
                        climb.lowest(), climb.highest());
    }
}
