package dev.fsnap.cli.command;

import dev.fsnap.cli.args.Arguments;
import dev.fsnap.cli.console.ExitStatus;
import dev.fsnap.cli.report.ReportOptions;
import dev.fsnap.cli.args.ScanArguments;

import dev.fsnap.snapshot.Snapshot;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;

/** {@code fsnap diff OLD NEW}: what changed between two snapshots. */
public final class DiffCommand extends Command {
    Path old;
    Path now;
    final ReportOptions report = new ReportOptions();
    final Signing signing = new Signing();


    public DiffCommand() {
        super("diff", new String[] {
                "Reports what changed between two snapshots.",
                "The totals first (counts and bytes per kind, what was scanned), then the changes by",
                "directory: a marker (+ added, - removed, M modified, > moved, ! unreadable, C corrupt,",
                "T tampered), the name, and each changed field's old and new value. An added or removed",
                "tree is one line, a directory changed only by its entries coming and going is left out,",
                "racy entries are counted (-v shows all). --format lines: one line per change; --json:",
                "one JSON object per change and the totals last."
            }, new String[] {
                " 0:no differences (racy entries, unchanged as far as anyone can tell, and entries unreadable",
                "   in both with the same error do not count)",
                " 1:differences: added, removed, modified, moved, readable again",
                " 3:entries or subtrees unreadable in NEW that were not so in OLD",
                " 4:corrupt files (content changed, size, times and inode did not) or files tampered with",
                "   (content and ctime changed, mtime put back), besides any other differences",
                " 24:entries that vanished, or files that kept changing, while NEW's scan read them, and",
                "   nothing newly unreadable",
                " 2:a snapshot is missing, damaged, truncated, or of another format version",
                " 5:--trust-key: a snapshot's signature is missing, invalid, or another key's: nothing was compared",
                " 141:the report's reader went away (| head)"
            });
    }

    @Override
    void declare(Arguments a) {
        a.parameter("OLD", "The earlier snapshot: a file, or a run in a repository (DIR@latest, DIR@-1, "
                + "DIR@2026-11-28).", v -> old = ScanArguments.snapshot(v));
        a.parameter("NEW", "The later snapshot, likewise.", v -> now = ScanArguments.snapshot(v));
        report.declareComparison(a);
        signing.declareTrust(a, "either snapshot");
    }

    @Override
    int call() throws IOException {
        try {
            report.checkPage(old, now);
        } catch (IllegalArgumentException e) {
            err.println("fsnap: " + e.getMessage());
            return ExitStatus.TROUBLE;
        }
        dev.fsnap.signature.TrustedKey key;
        try {
            key = signing.trustedKey();
        } catch (IOException e) {
            err.println("fsnap: " + dev.fsnap.internal.IoMessages.describe(e));
            return ExitStatus.TROUBLE;
        }
        try (Signing.Trusted a = Signing.open(key, old, err);
             Signing.Trusted b = a.status() != ExitStatus.OK ? new Signing.Trusted(a.status(), null, null)
                     : Signing.open(key, now, err)) {
            if (a.status() != ExitStatus.OK || b.status() != ExitStatus.OK) {
                return a.status() != ExitStatus.OK ? a.status() : b.status();
            }
            return diff(a.path(), b.path());
        }
    }

    private int diff(Path old, Path now) throws IOException {
        // Opening verifies each file whole: the two on two cores at once.
        CompletableFuture<Snapshot> later = CompletableFuture.supplyAsync(
                () -> SnapshotFiles.open(now, err), SnapshotFiles::onOwnThread);
        try (Snapshot a = SnapshotFiles.open(old, err); Snapshot b = later.join()) {
            if (a == null || b == null) {
                return ExitStatus.TROUBLE;
            }
            return SnapshotFiles.diff(a, b, report, console);
        }
    }
}
