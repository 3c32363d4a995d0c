package dev.fsnap.cli.report;

import dev.fsnap.snapshot.DiffSummary;
import dev.fsnap.snapshot.Snapshot;

/**
 * What a report says of a comparison besides its changes: the two snapshots, what the changes hold
 * in all, the differ's summary (once it is done) and what the report is asked to show.
 *
 * @param old the earlier snapshot
 * @param now the later snapshot
 * @param tally the changes' totals
 * @param summary the differ's counts, null until it is done
 * @param seconds how long the comparison took, 0 until it is done
 * @param detail what to show beyond the changes a person acts on
 * @param firstSeen against an approved baseline: when each difference was first reported, null for
 *                  one new tonight; null when the comparison is not against an approval
 */
public record Comparison(Snapshot old, Snapshot now, ChangeTally tally, DiffSummary summary, double seconds, Detail detail,
                         FirstSeen firstSeen) {
    /** When a difference from an approved baseline was first reported. */
    @FunctionalInterface
    public interface FirstSeen {
        /**
         * @param c a difference
         * @return when a check first reported it, or null when it is new tonight
         */
        java.time.Instant of(dev.fsnap.snapshot.Change c);
    }

    /** @return when a difference was first reported (null: new tonight, or not against an approval) */
    java.time.Instant reportedBefore(dev.fsnap.snapshot.Change c) {
        return firstSeen == null ? null : firstSeen.of(c);
    }

    /**
     * What to show beyond the changes a person acts on.
     *
     * @param quiet print nothing when nothing changed
     * @param verbose expand added and removed trees, list directories changed only by their entries
     * @param showRacy list racy entries, not only count them
     */
    record Detail(boolean quiet, boolean verbose, boolean showRacy) {
        static final Detail DEFAULT = new Detail(false, false, false);
    }

    /** @return this comparison, done */
    public Comparison done(DiffSummary s, double took) {
        return new Comparison(old, now, tally, s, took, detail, firstSeen);
    }

    /** @return whether it found nothing a person must act on: no difference, no corrupt file */
    boolean nothingChanged() {
        return tally.differences() == 0;
    }
}
