package dev.fsnap.scan;

/**
 * Receives a scan's entries and errors as directories complete. Calls come from the scan's
 * worker threads, one at a time (never concurrently), in no particular order between directories.
 * A visitor that throws stops the scan, and {@link Scan#await()} rethrows it.
 */
@FunctionalInterface
public interface EntryVisitor extends ScanListener {
    /**
     * One entry.
     *
     * @param entry the entry
     */
    void visit(Entry entry);

    /** Ignores errors by default; they are still counted in the summary. */
    @Override
    default void error(ScanError error) {
    }
}
