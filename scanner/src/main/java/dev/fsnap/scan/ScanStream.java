package dev.fsnap.scan;

import java.util.stream.Stream;

/**
 * A running scan whose entries are pulled as a {@link Stream}, as {@link Scanner#stream} returns it.
 * The scan reads ahead of the stream by a bounded number of entries, then waits for it, so memory
 * stays bounded however large the tree.
 *
 * <pre>{@code
 * try (ScanStream scan = Scanner.of(options).stream(error -> log.warn(error.toString()))) {
 *     long big = scan.entries().filter(e -> e.size() > 1 << 30).count();
 *     ScanSummary summary = scan.await();
 * }
 * }</pre>
 */
public interface ScanStream extends Scan, AutoCloseable {
    /**
     * The entries, in the order directories complete (the root first). The stream can be taken
     * once; closing it, or this scan, before its end cancels the scan.
     *
     * @return the entries
     * @throws IllegalStateException when taken a second time
     * @throws java.io.UncheckedIOException from the stream's terminal operation, when the thread
     *                                      reading it is interrupted
     */
    Stream<Entry> entries();

    /** Cancels the scan if it is still running, and waits for its workers to stop. */
    @Override
    void close();
}
