package dev.fsnap.snapshot.format;

import dev.fsnap.bindings.StatFields;

import java.time.Duration;
import java.time.Instant;

/**
 * The moment from which a timestamp is racy: the scan's start minus the racy window. An entry is
 * racy when its mtime or ctime is at or after it (see docs/snapshot-format.md, "Racy entries").
 */
public final class RacyFrom {
    private final long seconds;
    private final int nanos;

    /**
     * @throws java.time.DateTimeException when the window reaches before the earliest instant
     */
    public RacyFrom(Instant started, Duration window) {
        Instant from = started.minus(window);
        this.seconds = from.getEpochSecond();
        this.nanos = from.getNano();
    }

    /** Whether a timestamp is at or after the moment. */
    public boolean covers(long sec, int nsec) {
        return sec > seconds || (sec == seconds && nsec >= nanos);
    }

    /** Whether an entry's mtime or ctime is. */
    public boolean covers(Fields f) {
        return covers(f.get(StatFields.MTIME_SEC), (int) f.get(StatFields.MTIME_NSEC))
                || covers(f.get(StatFields.CTIME_SEC), (int) f.get(StatFields.CTIME_NSEC));
    }
}
