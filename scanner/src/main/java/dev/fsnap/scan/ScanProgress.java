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
 */
public record ScanProgress(long entries, long bytes, long directoriesWaiting, long errors, Duration elapsed) {
}
