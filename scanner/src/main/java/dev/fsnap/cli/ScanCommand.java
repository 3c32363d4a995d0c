package dev.fsnap.cli;

import dev.fsnap.scan.ScanOptions;
import dev.fsnap.scan.ScanSummary;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;

/** {@code fsnap scan ROOT}: reads every entry's metadata and reports a summary, the entries as JSON, a snapshot. */
final class ScanCommand extends Command {
    String root;
    final ReportOptions report = new ReportOptions();
    Path output;
    Path repo;

    final ScanArguments scan = new ScanArguments();

    private final PrintStream err = System.err;

    ScanCommand() {
        super("scan", new String[] {
                "Scans ROOT and prints a one-line summary to stderr.",
                "With --json, writes one JSON object per entry to stdout; with -o, a snapshot file."
            }, new String[] {
                " 0:everything was read",
                " 2:bad usage, or ROOT cannot be scanned, or the snapshot cannot be written",
                " 3:the scan finished, but some entries could not be read",
                " 24:the scan finished, but entries vanished (removed between the listing of their directory",
                "   and their stat) or files kept changing while their content was read, and nothing else",
                "   was unreadable",
                " 141:--json: the report's reader went away (| head)"
            });
    }

    @Override
    void declare(Arguments a) {
        a.parameter("ROOT", "The directory to scan.", v -> root = v);
        report.declare(a);
        a.option("FILE", "Write a snapshot to FILE (it replaces FILE atomically once the scan is complete).",
                v -> output = ScanArguments.path(v), "-o", "--output");
        a.option("DIR", "Write the snapshot into the repository DIR (made when missing), named by the run's start, "
                + "ROOT's lock held (a second run on ROOT exits 75); see fsnap check --repo.",
                v -> repo = ScanArguments.path(v), "--repo");
        scan.declare(a);
    }

    @Override
    int call() throws java.io.IOException, InterruptedException {
        ScanOptions options;
        try {
            options = scan.options(root);
        } catch (IllegalArgumentException e) {
            err.println("fsnap: " + e.getMessage());
            return metrics(null, ExitStatus.TROUBLE);
        }
        if (repo != null) {
            if (output != null) {
                err.println("fsnap: --repo names the snapshot itself: leave out -o");
                return metrics(null, ExitStatus.TROUBLE);
            }
            ScanJob.Result r = Repository.locked(repo, options.root().toAbsolutePath().toString(), err,
                    (place, into) -> ScanJob.run(options, report, into, err), null);
            return metrics(r.summary(), r.exit());
        }
        ScanJob.Result r = ScanJob.run(options, report, output, err);
        return metrics(r.summary(), r.exit());
    }

    private int metrics(dev.fsnap.scan.ScanSummary summary, int exit) {
        if (scan.metrics != null) {
            Metrics.write(scan.metrics, java.nio.file.Path.of(root).toAbsolutePath().toString(), summary, null, exit,
                    err);
        }
        return exit;
    }

    static String summaryLine(ScanSummary s) {
        return String.format(Locale.ROOT,
                "fsnap: %d entries, %d directories, %d errors, %.3f s, %.0f entries/s, backend %s (%s), %d threads (%s)%s",
                s.entries(), s.directories(), s.errors(), s.elapsed().toNanos() / 1e9, s.entriesPerSecond(),
                s.backend().name().toLowerCase(Locale.ROOT), s.backendReason(), s.threads(), s.threadsReason(),
                s.cancelled() ? ", cancelled" : "");
    }
}
