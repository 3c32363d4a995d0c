package dev.fsnap.cli.command;

import dev.fsnap.internal.IoMessages;
import dev.fsnap.cli.report.ChangeTally;
import dev.fsnap.cli.report.Comparison;
import dev.fsnap.cli.console.Console;
import dev.fsnap.cli.console.ExitStatus;
import dev.fsnap.cli.report.HtmlReport;
import dev.fsnap.cli.report.Report;
import dev.fsnap.cli.report.ReportOptions;
import dev.fsnap.cli.args.ScanArguments;

import dev.fsnap.snapshot.CorruptSnapshotException;
import dev.fsnap.snapshot.Change;
import dev.fsnap.snapshot.DiffSummary;
import dev.fsnap.snapshot.Differ;
import dev.fsnap.snapshot.IncompatibleSnapshotException;
import dev.fsnap.snapshot.Snapshot;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Locale;

/** Opening snapshots and reporting comparisons, for {@code ls}, {@code diff} and {@code check}. */
final class SnapshotFiles {

    private SnapshotFiles() {
    }

    /** Runs a task on a thread of its own (not the common pool, which a short command need not start). */
    static void onOwnThread(Runnable task) {
        Thread t = new Thread(task, "fsnap-open");
        t.setDaemon(true);
        t.start();
    }

    /** Opens a snapshot; on failure prints the file and the reason and returns null. */
    static Snapshot open(Path file, PrintStream err) {
        try {
            return Snapshot.open(file);
        } catch (IOException e) {
            boolean named = e instanceof CorruptSnapshotException || e instanceof IncompatibleSnapshotException;
            err.println("fsnap: " + (named ? e.getMessage() : IoMessages.describe(e)));
            return null;
        }
    }


    /**
     * Compares and reports. A report that prints its totals first ({@link Report#totalsFirst()})
     * has the comparison read twice: once into the totals, once to print.
     *
     * @return 0 (nothing changed: racy entries and entries unreadable as last time do not count),
     *         1 (changes), 3 (entries newly unreadable), 4 (corrupt or tampered files), 24 (entries
     *         vanished while the scan read them), 141 (the report's reader went away) or 2 (a
     *         snapshot is damaged)
     */
    static int diff(Snapshot old, Snapshot now, ReportOptions report, Console console) {
        PrintStream err = console.err();
        long start = System.nanoTime();
        Report out = report.open(console.stdout(), Differ.ignoredFields(old, now));
        if (old.contentDigest() != null && now.contentDigest() != null && old.contentDigest() != now.contentDigest()) {
            err.println("fsnap: note: content not compared: the digests are " + old.contentDigest().label()
                    + " in " + old.file() + " and " + now.contentDigest().label() + " in " + now.file());
        }
        ChangeTally tally = new ChangeTally();
        report.tally = tally;
        Comparison comparison = new Comparison(old, now, tally, null, 0, report.detail(), report.firstSeen);
        DiffSummary s;
        try {
            try {
                // Every difference is counted, and dated where it is against an approval, whether or not
                // the report gives it a line of its own.
                java.util.function.Consumer<Change> counted = report.firstSeen == null ? tally : c -> {
                    tally.accept(c);
                    report.firstSeen.of(c);
                };
                if (out.totalsFirst()) {
                    Differ.compare(old, now, report.ignore, report.policy, counted);
                    if (report.massChange != null) {
                        tally.findMassChanges(now, report.massChange);
                    }
                    out.begin(comparison);
                    s = Differ.compare(old, now, report.ignore, report.policy, out::change);
                } else {
                    out.begin(comparison);
                    s = Differ.compare(old, now, report.ignore, report.policy, c -> {
                        counted.accept(c);
                        out.change(c);
                    });
                    if (report.massChange != null) {
                        tally.findMassChanges(now, report.massChange);
                    }
                }
                out.end(comparison.done(s, (System.nanoTime() - start) / 1e9));
            } finally {
                out.flush();
            }
        } catch (IOException e) {
            err.println("fsnap: " + e.getMessage());
            return ExitStatus.TROUBLE;
        } catch (HtmlReport.NotWritten e) {
            err.println("fsnap: " + e.getMessage());
            return ExitStatus.TROUBLE;
        } catch (UncheckedIOException e) {
            if (ExitStatus.closedPipe(e)) {
                return ExitStatus.CLOSED_PIPE;
            }
            err.println("fsnap: the report was cut: " + e.getMessage());
            return ExitStatus.TROUBLE;
        }
        // The same totals as the report's (ChangeTally#total), for logs: the differ's own counts agree.
        err.println(String.format(Locale.ROOT,
                "fsnap: %d added, %d removed, %d modified, %d moved, %d unreadable, %d racy%s%s%s; %d %s; "
                        + "%d directory blocks read, %d identical subtrees skipped, %.3f s",
                tally.total(Change.Kind.ADDED), tally.total(Change.Kind.REMOVED), tally.total(Change.Kind.MODIFIED),
                tally.total(Change.Kind.MOVED), tally.total(Change.Kind.UNREADABLE), tally.total(Change.Kind.RACY),
                tally.stillUnreadable() == 0 ? "" : ", " + tally.stillUnreadable() + " still unreadable",
                tally.total(Change.Kind.CORRUPT) + tally.total(Change.Kind.TAMPERED) == 0 ? ""
                        : ", " + tally.total(Change.Kind.CORRUPT) + " CORRUPT, " + tally.total(Change.Kind.TAMPERED)
                        + " TAMPERED",
                tally.massChanges().isEmpty() ? "" : ", MASS CHANGE in " + tally.massChanges().size()
                        + (tally.massChanges().size() == 1 ? " directory" : " directories"),
                tally.differences(), tally.differences() == 1 ? "change" : "changes",
                s.directoriesRead(), s.subtreesSkipped(), (System.nanoTime() - start) / 1e9));
        return tally.exitStatus();
    }

}
