package dev.fsnap.scan;

import java.time.Duration;
import java.util.Set;

/**
 * What a finished scan did.
 *
 * @param entries entries read, the root included
 * @param directories directories among them
 * @param errors entries or directories that could not be read
 * @param bytes the sum of the sizes of regular files
 * @param elapsed wall time of the scan
 * @param backend the backend that read the filesystem ({@link Backend#NATIVE} or {@link Backend#NIO})
 * @param backendReason why that backend: chosen by the user, or why the native one was unavailable
 * @param threads worker threads
 * @param threadsReason why that many: {@code requested}, or the filesystem that decided it
 * @param cancelled whether the scan was cancelled before it finished
 * @param absentFields the fields the backend could not read, zero in every entry (see
 *                     {@link Scanner#absentFields()}); empty on Linux and macOS
 * @param roundTrips the requests the scan sent to a network filesystem's server, where its client
 *                   counts them (NFS on Linux: {@code /proc/self/mountstats}, every process's
 *                   requests on that mount during the scan); -1 elsewhere
 */
public record ScanSummary(long entries, long directories, long errors, long bytes, Duration elapsed,
                          Backend backend, String backendReason, int threads, String threadsReason,
                          boolean cancelled, Set<Field> absentFields, long roundTrips) {

    /**
     * Validates.
     *
     * @param entries entries read, the root included
     * @param directories directories among them
     * @param errors entries or directories that could not be read
     * @param bytes the sum of the sizes of regular files
     * @param elapsed wall time of the scan
     * @param backend the backend that read the filesystem
     * @param backendReason why that backend
     * @param threads worker threads
     * @param threadsReason why that many
     * @param cancelled whether the scan was cancelled before it finished
     * @param absentFields the fields the backend could not read
     * @param roundTrips the requests sent to a network filesystem's server, or -1
     */
    public ScanSummary {
        absentFields = Set.copyOf(absentFields);
    }

    /** @return entries per second of wall time */
    public double entriesPerSecond() {
        double seconds = elapsed.toNanos() / 1e9;
        return seconds > 0 ? entries / seconds : 0;
    }

    /** @return true when every entry was read and the scan was not cancelled */
    public boolean complete() {
        return errors == 0 && !cancelled;
    }
}
