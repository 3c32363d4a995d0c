package dev.fsnap.cli;

import dev.fsnap.scan.Entry;
import dev.fsnap.snapshot.Change;

/**
 * A command's report on standard output, in one format: {@link TextReport} (for a person, the
 * default), {@link LineReport} (a line per change, for scripts) and {@link JsonLines} today. A new
 * format (HTML, metrics) is one more implementation, chosen in {@link ReportOptions}; the commands
 * do not know which one they write to. Not thread-safe: one thread writes a report.
 */
interface Report {
    /**
     * @return whether the report prints a comparison's totals before its changes: the comparison
     *         is then read twice, once for the totals
     */
    default boolean totalsFirst() {
        return false;
    }

    /**
     * Starts the report of a comparison, before its changes. Its tally is complete when
     * {@link #totalsFirst()}; else it fills as the changes go by.
     *
     * @param c the comparison
     */
    default void begin(Comparison c) {
    }

    /**
     * Ends the report of a comparison, after its changes: the totals complete.
     *
     * @param c the comparison
     */
    default void end(Comparison c) {
    }

    /**
     * Writes an entry: of a scan as it is read, or of a snapshot being listed.
     *
     * @param e the entry
     * @throws java.io.UncheckedIOException when standard output cannot be written
     */
    void entry(Entry e);

    /**
     * Writes a change of a comparison.
     *
     * @param c the change
     * @throws java.io.UncheckedIOException when standard output cannot be written
     */
    void change(Change c);

    /**
     * Writes out what is buffered.
     *
     * @throws java.io.UncheckedIOException when standard output cannot be written
     */
    void flush();
}
