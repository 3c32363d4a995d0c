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
            if (!run.cancelled()) {
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
