package dev.fsnap.cli.report;

import dev.fsnap.scan.Entry;
import dev.fsnap.snapshot.Change;

/**
 * A command's report on standard output, in one format: {@link TextReport} (for a person, the
 * default), {@link LineReport} (a line per change, for scripts) and {@link JsonLines} today. A new
 * format (HTML, metrics) is one more implementation, chosen in {@link ReportOptions}; the commands
 * do not know which one they write to. Not thread-safe: one thread writes a report.
 */
public interface Report {
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
     * @param first the report on standard output
     * @param second another, to a file
     * @return both, written as one: each call goes to the first, then to the second
     */
    static Report both(Report first, Report second) {
        return new Report() {
            @Override
            public boolean totalsFirst() {
                return first.totalsFirst() || second.totalsFirst();
            }

            @Override
            public void begin(Comparison c) {
                first.begin(c);
                second.begin(c);
            }

            @Override
            public void end(Comparison c) {
                first.end(c);
                second.end(c);
            }

            @Override
            public void entry(Entry e) {
                first.entry(e);
                second.entry(e);
            }

            @Override
            public void change(Change c) {
                first.change(c);
                second.change(c);
            }

            @Override
            public void flush() {
                first.flush();
                second.flush();
            }
        };
    }

    /**
     * Writes out what is buffered.
     *
     * @throws java.io.UncheckedIOException when standard output cannot be written
     */
    void flush();
}
