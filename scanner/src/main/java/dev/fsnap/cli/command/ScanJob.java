package dev.fsnap.cli.command;

import dev.fsnap.internal.IoMessages;
import dev.fsnap.cli.console.Display;
import dev.fsnap.cli.console.ExitStatus;
import dev.fsnap.cli.report.ProgressLine;
import dev.fsnap.cli.console.Units;

import dev.fsnap.cli.report.ChangeTally;
import dev.fsnap.cli.console.Console;
import dev.fsnap.cli.report.Report;
import dev.fsnap.cli.report.ReportOptions;

import dev.fsnap.scan.Entry;
import dev.fsnap.scan.EntryVisitor;
import dev.fsnap.scan.Scan;
import dev.fsnap.scan.ScanError;
import dev.fsnap.scan.ScanListener;
import dev.fsnap.scan.ScanOptions;
import dev.fsnap.scan.ScanSummary;
import dev.fsnap.scan.Scanner;
import dev.fsnap.snapshot.Snapshot;
import dev.fsnap.snapshot.ContentSchedule;
import dev.fsnap.snapshot.SnapshotScan;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/** One scan from the command line: errors to stderr, entries as JSON, a snapshot file, a summary. */
public final class ScanJob {
    private ScanJob() {
    }

    /** The exit status, and the summary when the scan ran. */
    public record Result(int exit, ScanSummary summary) {
    }

    /**
     * What runs once the new snapshot is complete and before it replaces the old one: check's
     * report. Its status is returned; unless it is {@link ExitStatus#OK} or {@link ExitStatus#CHANGED},
     * the new snapshot is discarded and the old file stays as it was.
     */
    interface BeforeCommit {
        int run(Path finished);
    }

    static Result run(ScanOptions options, ReportOptions report, Path output, Console console)
            throws InterruptedException {
        return run(options, report, output, console, null);
    }

    /**
     * @param report the format of the entries on standard output; null when none are written
     */
    static Result run(ScanOptions options, ReportOptions report, Path output, Console console,
                      BeforeCommit beforeCommit) throws InterruptedException {
        return run(options, report, output, console, beforeCommit, null);
    }

    /**
     * @param baseline the last snapshot, whose digests unchanged files take over; null for none
     */
    static Result run(ScanOptions options, ReportOptions report, Path output, Console console,
                      BeforeCommit beforeCommit, Snapshot baseline) throws InterruptedException {
        PrintStream err = console.err();
        Scanner scanner = baseline == null ? Scanner.of(options) : Scanner.of(options).against(baseline);
        Report out = report == null ? null : report.entriesOfScan(console.stdout(), scanner.absentFields());
        Path rootPath = options.root();
        String prefix = rootPath.toString().endsWith("/") ? rootPath.toString() : rootPath + "/";
        java.util.concurrent.atomic.AtomicLong vanished = new java.util.concurrent.atomic.AtomicLong();
        ScanListener errors = error -> {
            if (ChangeTally.live(error.code())) {
                vanished.incrementAndGet(); // listed, then gone; or a file that kept changing as it was read
            }
            byte[] p = error.path();
            err.println("fsnap: " + (p.length == 0 ? rootPath.toString() : prefix + Display.path(p)) + ": "
                    + error.message());
        };
        SnapshotScan writer = null;
        if (output != null) {
            try {
                writer = scanner.writingTo(output);
            } catch (IOException e) {
                err.println("fsnap: " + output + ": cannot write a snapshot there: " + IoMessages.describe(e));
                return new Result(ExitStatus.TROUBLE, null);
            }
        }
        ScanListener listener = out == null ? errors : new Reporting(out, errors);
        // On SIGINT or SIGTERM (Ctrl-C, systemd, a cron kill) the JVM runs this, then exits with
        // 128 + the signal. It stops the scan and discards the unfinished snapshot; the writer frees
        // native memory only once no worker can touch it, so the workers may run on meanwhile.
        AtomicReference<Scan> running = new AtomicReference<>();
        AtomicInteger ifCommitted = new AtomicInteger();
        SnapshotScan w = writer;
        Thread interrupted = new Thread(() -> {
            Scan s = running.get();
            if (s != null) {
                s.cancel();
            }
            if (w != null) {
                w.close();
            }
            if (w != null && w.committed()) {
                // The signal came after the new snapshot was put in place: the run is done, and says so.
                Runtime.getRuntime().halt(ifCommitted.get());
            }
        }, "fsnap-interrupted");
        try {
            Runtime.getRuntime().addShutdownHook(interrupted);
        } catch (IllegalStateException exiting) {
            // The signal came before the scan began: nothing was written but an empty temporary file.
            if (writer != null) {
                writer.close();
            }
            return new Result(ExitStatus.INTERRUPTED, null);
        }
        try {
            Scan scan;
            long scheduledBytes = 0;
            boolean firstDigests;
            try {
                java.util.Optional<ContentSchedule> planned = scanner.schedule();
                firstDigests = planned.isEmpty() && options.digest() != null && options.verifyWithin() != null
                        && options.verifyBudget() == 0 && options.verifyTime() == null;
                if (planned.isPresent()) {
                    ContentSchedule schedule = planned.get();
                    if (!schedule.takesOver()) {
                        err.println("fsnap: note: " + baseline.file() + " holds " + (baseline.contentDigest() == null
                                ? "no digests" : baseline.contentDigest().label() + " digests") + ", tonight's are "
                                + options.digest().label() + ": every file is read");
                    }
                    if (options.verifyBudget() > 0 || options.verifyTime() != null || options.verifyWithin() != null) {
                        java.time.Instant oldest = schedule.oldest();
                        err.println(String.format(java.util.Locale.ROOT, "fsnap: verification: %d files "
                                + "(%d bytes%s) due to be read again even if unchanged, %d of them overdue%s",
                                schedule.files(), schedule.bytes(), options.verifyTime() == null ? ""
                                        : String.format(java.util.Locale.ROOT, ": %s at %s/s, the last run's "
                                        + "reading speed or at least %s/s", Units.duration(options.verifyTime()),
                                        Units.bytes(schedule.readRate()), Units.bytes(schedule.leastReadRate())),
                                schedule.overdue(), oldest == null ? ""
                                        : "; the oldest verification was " + java.time.Duration.between(oldest,
                                        java.time.Instant.now()).toDays() + " days ago"));
                    }
                    scheduledBytes = schedule.bytes();
                }
                scan = writer == null ? scanner.start(listener) : writer.start(listener);
            } catch (IOException e) {
                err.println("fsnap: " + IoMessages.describe(e));
                return new Result(ExitStatus.TROUBLE, null);
            } catch (UnsupportedOperationException e) {
                err.println("fsnap: " + e.getMessage());
                return new Result(ExitStatus.TROUBLE, null);
            }
            running.set(scan);
            ProgressLine progress = ProgressLine.startIfTerminal(scan, console, scheduledBytes);
            ScanSummary summary;
            try {
                summary = scan.await();
            } catch (UncheckedIOException e) {
                if (ExitStatus.closedPipe(e)) {
                    return new Result(ExitStatus.CLOSED_PIPE, null); // the reader went away: quietly
                }
                err.println("fsnap: " + e.getCause().getMessage());
                return new Result(ExitStatus.TROUBLE, null);
            } finally {
                if (progress != null) {
                    progress.stop();
                }
            }
            if (firstDigests && !summary.cancelled()) {
                // The first digests: what the schedule will read again on the runs to come.
                java.time.Duration window = options.verifyWithin();
                double days = window.toMillis() / 86_400_000.0;
                err.println("fsnap: verification: every file will be read again within " + Units.duration(window)
                        + " even if unchanged, a share each run, oldest first: run nightly, some "
                        + Units.bytes((long) Math.ceil(summary.bytes() / Math.max(days, 1))) + " a night of these "
                        + Units.bytes(summary.bytes()) + " (--verify-within sets the time, never turns it off)");
            }
            if (summary.cancelled()) {
                err.println("fsnap: interrupted" + (output == null ? "" : "; " + output + " was left as it was"));
                return new Result(ExitStatus.INTERRUPTED, summary);
            }
            if (out != null) {
                try {
                    out.flush();
                } catch (UncheckedIOException e) {
                    if (ExitStatus.closedPipe(e)) {
                        return new Result(ExitStatus.CLOSED_PIPE, summary);
                    }
                    throw e;
                }
            }
            if (options.digest() != null) {
                reportContent(err, options, scan.progress(), scheduledBytes);
            }
            int status = summary.errors() == 0 ? ExitStatus.OK
                    : summary.errors() == vanished.get() ? ExitStatus.VANISHED : ExitStatus.UNREADABLE;
            if (writer != null) {
                try {
                    Path finished = writer.complete();
                    if (beforeCommit != null) {
                        status = beforeCommit.run(finished);
                        if (status == ExitStatus.CLOSED_PIPE) {
                            return new Result(status, summary); // the reader went away: NEW not written, quietly
                        }
                        if (!ExitStatus.didItsWork(status)) {
                            err.println("fsnap: " + output + " was not written" + (Files.exists(output)
                                    ? "; the file there was left as it was" : ""));
                            return new Result(status, summary);
                        }
                    }
                    ifCommitted.set(status);
                    err.println(ScanCommand.summaryLine(summary) + ", hashed by " + dev.fsnap.bindings.Sha256.implementation());
                    writer.commit();
                    return new Result(status, summary);
                } catch (IOException e) {
                    err.println("fsnap: " + output + (writer.committed()
                            ? ": the snapshot is in place, but a crash may lose it: " : ": the snapshot was not written: ")
                            + e.getMessage());
                    return new Result(ExitStatus.TROUBLE, summary);
                } catch (IllegalStateException closed) {
                    err.println("fsnap: interrupted; " + output + " was left as it was");
                    return new Result(ExitStatus.INTERRUPTED, summary);
                }
            }
            err.println(ScanCommand.summaryLine(summary));
            return new Result(status, summary);
        } finally {
            if (writer != null) {
                writer.close();
            }
            try {
                Runtime.getRuntime().removeShutdownHook(interrupted);
            } catch (IllegalStateException exiting) {
                // the JVM is exiting on a signal: the hook runs (or ran)
            }
        }
    }

    /** What was read of the files' content, and what the verification schedule left for next time. */
    private static void reportContent(PrintStream err, ScanOptions options, dev.fsnap.scan.ScanProgress p, long scheduledBytes) {
        double seconds = p.elapsed().toNanos() / 1e9;
        err.println("fsnap: content: " + Units.bytes(p.contentRead()) + " read ("
                + Units.rate(p.contentRead(), seconds) + ")"
                + (scheduledBytes > 0 ? ", of which " + Units.bytes(p.reverified()) + " of the "
                + Units.bytes(scheduledBytes) + " due again" : ""));
        if (p.deferred() > 0) {
            err.println("fsnap: verification: the time budget (" + Units.duration(options.verifyTime()) + ") ran out: "
                    + p.deferred() + " files due again were not read; they stay due and come first in a later run");
        }
    }

    /** Writes each entry to the report as it is read, and tells another listener of the errors. */
    private static final class Reporting implements EntryVisitor {
        private final Report out;
        private final ScanListener errors;

        Reporting(Report out, ScanListener errors) {
            this.out = out;
            this.errors = errors;
        }

        @Override
        public void visit(Entry entry) {
            out.entry(entry);
        }

        @Override
        public void error(ScanError error) {
            errors.error(error);
        }
    }
}
