package dev.fsnap.cli;

import dev.fsnap.snapshot.Snapshot;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;

/** {@code fsnap diff OLD NEW}: what changed between two snapshots. */
@Command(name = "diff", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = {"Reports what changed between two snapshots.",
            "One line per change, with a marker (+ added, - removed, M modified, > moved, ! unreadable,",
            "? racy) and the path; a summary on stderr. With --json, one JSON object per change."},
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {
            " 0:no differences (racy entries alone do not count: they are unchanged as far as",
            "   anyone can tell, and reported so that they are not hidden)",
            " 1:differences: added, removed, modified, moved or unreadable",
            " 2:a snapshot is missing, damaged, truncated, or of another format version"})
final class DiffCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "OLD", description = "The earlier snapshot.")
    Path old;

    @Parameters(index = "1", paramLabel = "NEW", description = "The later snapshot.")
    Path now;

    @Mixin
    ReportOptions report;

    private final PrintStream err = System.err;

    @Override
    public Integer call() throws IOException {
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
