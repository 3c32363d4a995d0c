package dev.fsnap.scan;

/**
 * A running scan, as {@link Scanner#start} returns it: observe it, cancel it, wait for it.
 */
public interface Scan {
    /**
     * The counters now. Cheap; safe from any thread.
     *
     * @return the progress
     */
    ScanProgress progress();

    /** Stops the scan: directories not yet listed are skipped; {@link #await()} then returns promptly. */
    void cancel();

    /**
     * Waits for the scan to finish.
     *
     * @return the summary
     * @throws InterruptedException when the waiting thread is interrupted (the scan is cancelled)
     * @throws RuntimeException what a visitor threw, which stopped the scan
     */
    ScanSummary await() throws InterruptedException;
}
