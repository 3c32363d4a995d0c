package dev.fsnap.walk;

import java.util.concurrent.CountedCompleter;

/** Stats one chunk of a wide directory's names, on whichever worker stole it. */
final class ChunkTask extends ScanTask {
    private static final long serialVersionUID = 1L;

    private final DirectoryTask directory;
    private final transient FileSystemAccess.Directory open;
    private final transient FileSystemAccess.NameChunk chunk;

    ChunkTask(CountedCompleter<?> completer, ScanRun run, DirectoryTask directory, FileSystemAccess.Directory open,
              FileSystemAccess.NameChunk chunk) {
        super(completer, run);
        this.directory = directory;
        this.open = open;
        this.chunk = chunk;
    }

    @Override
    public void read(ScanThread thread) {
        boolean answered = true;
        try {
            if (run.cancelled()) {
                // nothing more is read
            } else if (Watchdog.held(directory)) {
                // Its names would each be looked up behind the call that hung: recorded as not tried.
                Failure held = new Failure("ETIMEDOUT", run.held(directory.path).message());
                answered = run.retry(this, directory, open, chunk, run.firstPass(), 0, held);
            } else {
                answered = run.process(this, directory, open, chunk);
            }
        } finally {
            open.release();
            directory.chunkDone();
        }
        if (answered) {
            finish();
        }
    }
}
