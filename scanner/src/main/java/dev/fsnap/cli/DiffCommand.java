package dev.fsnap.cli;

import dev.fsnap.snapshot.Snapshot;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;

/** {@code fsnap diff OLD NEW}: what changed between two snapshots. */
final class DiffCommand extends Command {
    Path old;
    Path now;
    final ReportOptions report = new ReportOptions();

    private final PrintStream err = System.err;

    DiffCommand() {
        super("diff", new String[] {
                "Reports what changed between two snapshots.",
                "One line per change, with a marker (+ added, - removed, M modified, > moved, ! unreadable,",
                "? racy) and the path; a summary on stderr. With --json, one JSON object per change."
            }, new String[] {
                " 0:no differences (racy entries alone do not count: they are unchanged as far as",
                "   anyone can tell, and reported so that they are not hidden)",
                " 1:differences: added, removed, modified, moved or unreadable",
                " 4:corrupt files (content changed, size, times and inode did not) or files tampered with",
                "   (content and ctime changed, mtime put back), besides any other differences",
                " 2:a snapshot is missing, damaged, truncated, or of another format version"
            });
    }

    @Override
    void declare(Arguments a) {
        a.parameter("OLD", "The earlier snapshot.", v -> old = ScanArguments.path(v));
        a.parameter("NEW", "The later snapshot.", v -> now = ScanArguments.path(v));
        report.declare(a);
    }

    @Override
    int call() throws IOException {
        // Opening verifies each file whole: the two on two cores at once.
        CompletableFuture<Snapshot> later = CompletableFuture.supplyAsync(
                () -> SnapshotFiles.open(now, err), SnapshotFiles::onOwnThread);
        try (Snapshot a = SnapshotFiles.open(old, err); Snapshot b = later.join()) {
            if (a == null || b == null) {
                return Main.USAGE;
            }
            return SnapshotFiles.diff(a, b, report, err);
        }
    }
}
