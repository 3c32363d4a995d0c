package dev.fsnap.scan;

/**
 * Hears about the entries a scan could not read. Calls come from the scan's worker threads, one at
 * a time. To receive the entries too, implement {@link EntryVisitor}; a plain listener costs the
 * scan nothing per entry.
 */
@FunctionalInterface
public interface ScanListener {
    /**
     * One entry or directory that could not be read (it is also counted in the summary).
     *
     * @param error what failed
     */
    void error(ScanError error);
}
