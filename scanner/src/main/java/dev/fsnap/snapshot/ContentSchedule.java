package dev.fsnap.snapshot;

import dev.fsnap.scan.ScanOptions;

import java.io.IOException;

/**
 * Tonight's content verification against the last snapshot ({@link ScanOptions#digest()}), as
 * {@link dev.fsnap.scan.Scanner#schedule()} plans it before the scan starts: which unchanged
 * files are read again ({@link ScanOptions#verifyBudget()}, oldest verification first, and every
 * file verified before {@link ScanOptions#verifyWithin()}). In the scan, every other unchanged file
 * takes over its digest unread, and every new or changed file is read.
 */
public final class ContentSchedule {
    private final SnapshotBaseline baseline;

    private ContentSchedule(SnapshotBaseline baseline) {
        this.baseline = baseline;
    }

    /**
     * Plans tonight's verification: reads the last snapshot's files once when a budget or a limit
     * is set.
     *
     * @param last the last snapshot of the same root
     * @param options tonight's options, with a digest
     * @return the plan
     * @throws IOException when the last snapshot cannot be read
     */
    static ContentSchedule plan(Snapshot last, ScanOptions options) throws IOException {
        return new ContentSchedule(new SnapshotBaseline(last, options, System.currentTimeMillis()));
    }

    /** The last snapshot as the baseline the walk looks unchanged files up in. */
    SnapshotBaseline baseline() {
        return baseline;
    }

    /**
     * Whether unchanged files take their digests over from the last snapshot: only when its
     * digests are of tonight's algorithm. Otherwise (another algorithm, or none) every file is read.
     *
     * @return true when digests are taken over
     */
    public boolean takesOver() {
        return baseline.inherits();
    }

    /** @return the unchanged files the schedule reads again tonight */
    public long files() {
        return baseline.schedule().files();
    }

    /** @return their bytes */
    public long bytes() {
        return baseline.schedule().bytes();
    }

    /** @return how many of them are overdue: verified longer ago than the limit ({@link ScanOptions#verifyWithin()}) */
    public long overdue() {
        return baseline.schedule().overdue();
    }

    /**
     * @return for a budget in time ({@link ScanOptions#verifyTime()}), the reading speed in bytes a
     *         second it assumed to choose the files; else 0
     */
    public long readRate() {
        return baseline.schedule().readRate();
    }

    /**
     * @return the least reading speed, in bytes a second, a budget in time assumes (a slow NAS's):
     *         the last run's measured speed counts only above it
     */
    public long leastReadRate() {
        return SnapshotBaseline.ASSUMED_READ_RATE;
    }

    /**
     * @return when the file verified longest ago was last read, or null when the last snapshot has
     *         no digests (or no budget or limit was set, and it was not looked at)
     */
    public java.time.Instant oldest() {
        long at = baseline.schedule().oldestMillis();
        return at == Long.MIN_VALUE ? null : java.time.Instant.ofEpochMilli(at);
    }
}
