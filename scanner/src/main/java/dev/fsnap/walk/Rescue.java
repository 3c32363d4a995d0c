package dev.fsnap.walk;

import dev.fsnap.scan.ScanError;

import java.util.concurrent.CountedCompleter;

/**
 * Takes over after a stat hung: stats the rest of the chunk on another worker, the name that hung
 * recorded as timed out under its own path, and, when the stuck task was reading a directory, reads
 * the directory on to its end. A hung entry costs that entry, not its directory.
 */
final class Rescue extends ScanTask {
    private static final long serialVersionUID = 1L;

    private final DirectoryTask directory;
    private final transient FileSystemAccess.Directory open;
    private final transient FileSystemAccess.NameChunk chunk;
    private final transient FileSystemAccess.Names pass;
    private final int lostAt;
    private final transient Failure why;
    /** Whether the stuck task was reading the directory, which this one then reads on. */
    final boolean listing;

    Rescue(CountedCompleter<?> completer, ScanRun run, DirectoryTask directory, FileSystemAccess.Directory open,
           FileSystemAccess.NameChunk chunk, FileSystemAccess.Names pass, int lostAt, Failure why, boolean listing) {
        super(completer, run);
        this.directory = directory;
        this.open = open;
        this.chunk = chunk;
        this.pass = pass;
        this.lostAt = lostAt;
        this.why = why;
        this.listing = listing;
    }

    @Override
    public void read(ScanThread thread) {
        boolean answered = true;
        try {
            if (!run.cancelled()) {
                answered = run.retry(this, directory, open, chunk, pass, lostAt, why)
                        && (!listing || readOn(thread));
            }
        } finally {
            open.release();
        }
        if (answered) {
            finish();
        }
    }

    /** Reads the directory on, unless its filesystem, or the directory, no longer answers: then the rest is not tried. */
    private boolean readOn(ScanThread thread) {
        ScanError notTried = run.notToTry(directory.device(), directory, directory.path);
        if (notTried != null) {
            directory.listFailed(notTried);
            return true;
        }
        return directory.listRest(thread, this, open, false);
    }
}
