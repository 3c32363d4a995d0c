package dev.fsnap.scan;

import dev.fsnap.walk.Walk;

import java.io.IOException;
import java.util.Objects;
import java.util.Set;

/**
 * Scans a directory tree in parallel and delivers every entry's metadata.
 *
 * <pre>{@code
 * ScanSummary summary = Scanner.of(ScanOptions.builder(Path.of("/srv/data")).build())
 *         .scan(entry -> System.out.println(entry.displayPath()));
 * }</pre>
 */
public final class Scanner {
    private final ScanOptions options;

    private Scanner(ScanOptions options) {
        this.options = options;
    }

    /**
     * A scanner for the given options.
     *
     * @param options what to scan and how
     * @return the scanner
     * @throws NullPointerException when options is null
     */
    public static Scanner of(ScanOptions options) {
        return new Scanner(Objects.requireNonNull(options, "options"));
    }

    /** @return the options */
    public ScanOptions options() {
        return options;
    }

    /**
     * Whether the native backend can run here, and why not when it cannot.
     *
     * @return null when it can, otherwise the reason
     */
    public static String nativeUnavailableReason() {
        return Walk.nativeUnavailableReason();
    }

    /**
     * The fields a scan with these options does not read: the extended attribute fields unless
     * asked for ({@link ScanOptions.Builder#xattrs}, Linux's native backend only); on Windows also
     * what a listing does not give (inode, device, owner, group, link count, change time, link
     * target). They are zero or null in every {@link Entry}, recorded as absent in a snapshot, and
     * ignored when snapshots are compared.
     *
     * @return the absent fields
     */
    public Set<Field> absentFields() {
        return Walk.absentFields(options);
    }

    /**
     * Starts a scan in the background.
     *
     * @param listener hears of errors, one call at a time, and of every entry when it is an
     *                 {@link EntryVisitor}; null to only count them
     * @return the running scan
     * @throws java.nio.file.NoSuchFileException when the root does not exist
     * @throws java.nio.file.NotDirectoryException when the root is not a directory
     * @throws java.nio.file.AccessDeniedException when the root cannot be read
     * @throws IOException for any other reason the root cannot be opened, naming it
     * @throws UnsupportedOperationException when the native backend was requested and is unavailable,
     *         or cannot do what the options ask (following symbolic links on Windows)
     */
    public Scan start(ScanListener listener) throws IOException {
        return Walk.start(options, listener);
    }

    /**
     * Starts a scan whose entries are pulled as a stream.
     *
     * @param errors hears of every entry or directory that could not be read (one call at a time,
     *               from the scan's threads); null to only count them
     * @return the running scan: take its {@link ScanStream#entries()}, then {@link ScanStream#await()}
     * @throws IOException when the root cannot be opened (see {@link #start})
     * @throws UnsupportedOperationException when the native backend was requested and is unavailable
     */
    public ScanStream stream(ScanListener errors) throws IOException {
        return Walk.stream(options, errors);
    }

    /**
     * Scans and waits.
     *
     * @param listener hears of errors, and of every entry when it is an {@link EntryVisitor};
     *                 null to only count them
     * @return the summary
     * @throws IOException when the root cannot be opened (see {@link #start})
     * @throws InterruptedException when interrupted while waiting (the scan is cancelled)
     */
    public ScanSummary scan(ScanListener listener) throws IOException, InterruptedException {
        return start(listener).await();
    }
}
