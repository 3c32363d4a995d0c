package dev.fsnap.scan;

import java.time.Duration;

/**
 * A running scan's counters at one moment.
 *
 * @param entries entries read so far
 * @param bytes the sum of the sizes of the regular files read so far
 * @param directoriesWaiting directories found but not yet listed
 * @param errors errors so far
 * @param elapsed time since the scan started
 * @param contentRead bytes of content read so far ({@link ScanOptions#digest()}), piece by piece
 * @param reverified bytes of unchanged files read again on the verification schedule so far
 * @param deferred unchanged files the schedule picked but left unread, their time budget
 *                 ({@link ScanOptions#verifyTime()}) up: first in line the next time
 */
public record ScanProgress(long entries, long bytes, long directoriesWaiting, long errors, Duration elapsed,
                           long contentRead, long reverified, long deferred) {
    /**
     * The counters of a scan that reads no content.
     *
     * @param entries entries read so far
     * @param bytes the sum of the sizes of the regular files read so far
     * @param directoriesWaiting directories found but not yet listed
     * @param errors errors so far
     * @param elapsed time since the scan started
     */
    public ScanProgress(long entries, long bytes, long directoriesWaiting, long errors, Duration elapsed) {
        this(entries, bytes, directoriesWaiting, errors, elapsed, 0, 0, 0);
    }
}
