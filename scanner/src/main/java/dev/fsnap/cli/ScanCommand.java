package dev.fsnap.cli;

import dev.fsnap.scan.ScanOptions;
import dev.fsnap.scan.ScanSummary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code fsnap scan ROOT}: reads every entry's metadata and reports a summary, the entries as JSON, a snapshot. */
@Command(name = "scan", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = {"Scans ROOT and prints a one-line summary to stderr.",
            "With --json, writes one JSON object per entry to stdout; with -o, a snapshot file."},
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {
            " 0:everything was read",
            " 2:bad usage, or ROOT cannot be scanned, or the snapshot cannot be written",
            " 3:the scan finished, but some entries could not be read"})
final class ScanCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "ROOT", description = "The directory to scan.")
    String root;

    @Mixin
    ReportOptions report;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE",
            description = "Write a snapshot to FILE (it replaces FILE atomically once the scan is complete).")
    Path output;

    @Mixin
    ScanArguments scan;

    private final PrintStream err = System.err;

    @Override
    public Integer call() throws InterruptedException {
        ScanOptions options;
        try {
            options = scan.options(root);
        } catch (IllegalArgumentException e) {
            err.println("fsnap: " + e.getMessage());
            return Main.USAGE;
        }
        return ScanJob.run(options, report, output, err).exit();
    }

    static String summaryLine(ScanSummary s) {
        return String.format(Locale.ROOT,
                "fsnap: %d entries, %d directories, %d errors, %.3f s, %.0f entries/s, backend %s (%s), %d threads (%s)%s",
                s.entries(), s.directories(), s.errors(), s.elapsed().toNanos() / 1e9, s.entriesPerSecond(),
                s.backend().name().toLowerCase(Locale.ROOT), s.backendReason(), s.threads(), s.threadsReason(),
                s.cancelled() ? ", cancelled" : "");
    }
}
