package dev.fsnap.testdata;

/**
 * How long a test lets an operation with a deadline run before it calls the operation hung.
 *
 * <p>A test asserts that such an operation ends, not how promptly: a hang lasts until the test
 * releases its server (far beyond this limit), while a loaded machine (another build beside the
 * tests, a FUSE daemon answering half as fast) adds seconds to a JVM's start and to the calls in
 * flight. An assertion of promptness fails on such a machine although nothing is wrong. How
 * promptly fsnap ends is measured by the benchmarks instead ({@code jmh/stop-promptness.sh}), as
 * figures in docs/performance.md.
 */
public final class Deadlines {
    /** What a loaded machine may add to any run: a JVM's start, the calls in flight, reaping. */
    private static final double MARGIN_SECONDS = 30;

    private Deadlines() {
    }

    /**
     * The longest a run may take before a test calls it hung.
     *
     * @param configuredSeconds the deadlines the run was given (an operation timeout, a budget), in
     *                          seconds; none for a run that has none (stopped by a signal, say)
     * @return twice their sum, plus a margin of 30 seconds
     */
    public static double outerLimitSeconds(double... configuredSeconds) {
        double sum = 0;
        for (double s : configuredSeconds) {
            sum += s;
        }
        return 2 * sum + MARGIN_SECONDS;
    }
}
