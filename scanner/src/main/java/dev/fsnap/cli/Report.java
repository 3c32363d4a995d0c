package dev.fsnap.cli;

import dev.fsnap.scan.Entry;
import dev.fsnap.snapshot.Change;

/**
 * A command's report on standard output, in one format: {@link TextReport} and {@link JsonLines}
 * today. A new format (HTML, a summary record, metrics) is one more implementation, chosen in
 * {@link ReportOptions}; the commands do not know which one they write to. Not thread-safe: one
 * thread writes a report.
 */
interface Report {
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
