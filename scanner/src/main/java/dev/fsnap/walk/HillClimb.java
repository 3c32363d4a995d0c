package dev.fsnap.walk;

/**
 * Chooses how many calls a scan keeps in flight on a network filesystem from the throughput it
 * measures, one period at a time: it tries a step away from the current count (up first), moves there
 * when that step reads clearly more entries per second, and otherwise comes back and tries the other
 * way next. Two failed tries in a row (a peak, or a flat curve) settle it for a few periods before it
 * tries again, since the best count moves as the scan goes from one part of the tree, or one load on
 * the server, to another. Comparisons are between neighbouring periods only: the rate a whole tree
 * reads at varies more than the difference between two neighbouring counts. Not thread-safe.
 */
final class HillClimb {
    /** How much more a step must read per second to be taken: below it, the noise of a shared server. */
    static final double GAIN = 0.10;
    /** Each step multiplies or divides the count by this. */
    static final double STEP = 1.5;
    /** Periods spent settled after failing both ways. */
    static final int SETTLE = 4;

    private final int min;
    private final int max;
    private int count;
    private int direction = 1;
    /** The count being tried this period, or 0 when the period measures {@link #count}. */
    private int trying;
    private double base;
    private int failures;
    private int settled;
    private int lowest;
    private int highest;

    /**
     * @param start the first count
     * @param min the fewest calls in flight it may choose
     * @param max the most
     */
    HillClimb(int start, int min, int max) {
        if (min < 1 || min > start || start > max) {
            throw new IllegalArgumentException("need 1 <= min <= start <= max: " + min + ", " + start + ", " + max);
        }
        this.min = min;
        this.max = max;
        this.count = start;
        this.lowest = start;
        this.highest = start;
    }

    /**
     * The count for the next period, given the entries per second read during the last one at the
     * count this returned before (the start, the first time).
     */
    int next(double rate) {
        if (trying == 0) {
            if (settled > 0) {
                settled--;
                return count;
            }
            base = rate;
            return tryStep();
        }
        if (rate > base * (1 + GAIN)) {
            count = trying;
            failures = 0;
            base = rate;
            return tryStep();
        }
        trying = 0;
        direction = -direction;
        if (++failures >= 2) {
            failures = 0;
            settled = SETTLE;
        }
        return count;
    }

    private int tryStep() {
        int step = stepFrom(count, direction);
        if (step == count) { // at a bound: the other way
            direction = -direction;
            step = stepFrom(count, direction);
        }
        trying = step == count ? 0 : step;
        lowest = Math.min(lowest, step);
        highest = Math.max(highest, step);
        return step;
    }

    private int stepFrom(int from, int towards) {
        int to = towards > 0 ? (int) Math.ceil(from * STEP) : (int) Math.floor(from / STEP);
        return Math.max(min, Math.min(max, to));
    }

    /** The count it has settled on or moved to so far (not a count only being tried). */
    int count() {
        return count;
    }

    /** The fewest calls in flight it has tried. */
    int lowest() {
        return lowest;
    }

    /** The most calls in flight it has tried. */
    int highest() {
        return highest;
    }
}
