package dev.fsnap.cli.command;

import dev.fsnap.internal.IoMessages;
import dev.fsnap.cli.args.Arguments;
import dev.fsnap.cli.console.ExitStatus;
import dev.fsnap.cli.args.ScanArguments;

import dev.fsnap.scan.ScanOptions;
import dev.fsnap.walk.ThroughputSweep;

import java.io.IOException;
import java.time.Duration;
import java.util.Locale;

/** {@code fsnap tune ROOT}: measures entries/s against threads on the user's storage and recommends a setting. */
public final class TuneCommand extends Command {
    private static final int BAR = 40;

    String root;
    Duration budget = Duration.ofSeconds(30);
    Integer maxThreads;
    final ScanArguments scan = new ScanArguments();


    public TuneCommand() {
        super("tune", new String[] {
                "Measures how fast ROOT's metadata reads with 1, 2, 4, ... threads and recommends a "
                + "thread count: the fewest that reach 85 % of the best throughput, where the curve flattens.",
                "",
                "It reads metadata only (no file contents), for the time budget (default 30 s): one scan runs "
                + "through the sweep while the number of calls in flight steps up, so each step reads entries "
                + "no earlier step read (a small tree is read again from the start). A last step reads with "
                + "the NIO backend at the recommended count, for comparison.",
                "",
                "To apply the recommendation, pass it to every scan: fsnap scan --threads N [--backend B] ROOT "
                + "(likewise check), or in a program ScanOptions.builder(root).threads(N). Without --threads, "
                + "a scan uses one thread per core on a local disk and 64 on a network filesystem.",
                "Run it at the hour the nightly scan runs: a server's load changes its curve."
            }, new String[] {
                " 0:measured; the recommendation is on stdout",
                " 3:the filesystem stopped answering during the sweep: no recommendation",
                " 2:bad usage, or ROOT cannot be scanned"
            });
    }

    @Override
    void declare(Arguments a) {
        a.parameter("ROOT", "The directory to measure on.", v -> root = v);
        a.option("TIME", "How long the whole sweep may take (default 30s; 90s, 5m; a bare number is seconds).",
                v -> budget = Arguments.duration(v, "1s", "1d"), "--budget");
        a.option("N", "The largest thread count to try (default 256 on a network filesystem, 8 per core on a local "
                + "one).", v -> maxThreads = Arguments.integer(v, 1, ScanOptions.MAX_THREADS), "--max-threads");
        scan.declare(a);
    }

    @Override
    int call() throws InterruptedException {
        ThroughputSweep sweep;
        try {
            if (scan.threads != null) {
                throw new IllegalArgumentException("tune tries thread counts itself: use --max-threads to bound them");
            }
            ScanOptions options = scan.options(root);
            sweep = ThroughputSweep.of(options, maxThreads == null ? 0 : maxThreads, budget);
        } catch (IllegalArgumentException e) {
            err.println("fsnap: " + e.getMessage());
            return ExitStatus.TROUBLE;
        }
        err.printf(Locale.ROOT, "fsnap: measuring %s for %s s (metadata only)...%n", root, Fmt.seconds(budget.toNanos() / 1e9));
        ThroughputSweep.Result r;
        try {
            r = sweep.run(s -> err.printf(Locale.ROOT, "fsnap:   %s %d threads: %s entries/s%n",
                    s.backend().name().toLowerCase(Locale.ROOT), s.threads(), Fmt.count(s.entriesPerSecond())));
        } catch (IOException e) {
            err.println("fsnap: " + IoMessages.describe(e));
            return ExitStatus.TROUBLE;
        } catch (UnsupportedOperationException e) {
            err.println("fsnap: " + e.getMessage());
            return ExitStatus.TROUBLE;
        }
        if (r.timeouts() > 0) {
            table(r, null);
            err.printf(Locale.ROOT, "fsnap: %s stopped answering: %d calls got no answer within the deadline "
                    + "(--op-timeout); the steps measured its silence, not its speed: no recommendation%n", root,
                    r.timeouts());
            return ExitStatus.UNREADABLE;
        }
        report(r);
        return ExitStatus.OK;
    }

    private void report(ThroughputSweep.Result r) {
        ThroughputSweep.Step best = r.best();
        ThroughputSweep.Step pick = r.recommended();
        table(r, pick);
        String backend = pick.backend().name().toLowerCase(Locale.ROOT);
        out.printf(Locale.ROOT, "recommended: --threads %d (backend %s)%n", pick.threads(), backend);
        if (pick == best) {
            out.printf(Locale.ROOT, "  %d threads gave the most, %s entries/s%s.%n", pick.threads(),
                    Fmt.count(pick.entriesPerSecond()), pick.threads() == r.threadSteps()
                            .get(r.threadSteps().size() - 1).threads() ? " at the largest count tried: more may "
                            + "give more (--max-threads)" : "");
        } else {
            out.printf(Locale.ROOT, "  %d threads reach %s entries/s, %.0f %% of the best (%s at %d threads): "
                            + "beyond it, more threads add less than 15 %%.%n", pick.threads(),
                    Fmt.count(pick.entriesPerSecond()), 100 * pick.entriesPerSecond() / best.entriesPerSecond(),
                    Fmt.count(best.entriesPerSecond()), best.threads());
        }
        r.nioStep().ifPresent(nio -> out.printf(Locale.ROOT,
                "  the nio backend read %s entries/s at %d threads, %.2fx %s%s.%n", Fmt.count(nio.entriesPerSecond()),
                nio.threads(), nio.entriesPerSecond() / pick.entriesPerSecond(), backend,
                nio.entriesPerSecond() > pick.entriesPerSecond()
                        ? " (it read the start of the tree again, which a cache may have served)" : ""));
        out.printf(Locale.ROOT, "apply: fsnap scan --threads %d %s   (in a program: ScanOptions.builder(root).threads(%d))%n",
                pick.threads(), root, pick.threads());
    }

    /** The steps as a table with bars, and how much of the tree was read. */
    private void table(ThroughputSweep.Result r, ThroughputSweep.Step pick) {
        double top = 0;
        for (ThroughputSweep.Step s : r.steps()) {
            top = Math.max(top, s.entriesPerSecond());
        }
        out.printf(Locale.ROOT, "%s: %s (%s)%n", root, r.filesystem(), r.network() ? "network filesystem" : "local");
        out.printf(Locale.ROOT, "%-7s %7s %12s%n", "backend", "threads", "entries/s");
        for (ThroughputSweep.Step s : r.steps()) {
            int width = top > 0 ? (int) Math.round(BAR * s.entriesPerSecond() / top) : 0;
            out.printf(Locale.ROOT, "%-7s %7d %12s  %s%s%n", s.backend().name().toLowerCase(Locale.ROOT), s.threads(),
                    Fmt.count(s.entriesPerSecond()), "#".repeat(width), s == pick ? "  <- recommended" : "");
        }
        String sampled = r.treeEntries() < 0
                ? "the tree was not read to the end"
                : String.format(Locale.ROOT, "the tree has %s entries: read %.1f times", Fmt.count(r.treeEntries()),
                        (double) r.entriesRead() / r.treeEntries());
        out.printf(Locale.ROOT, "sampled %s entries in %s s (%s)%s%n", Fmt.count(r.entriesRead()),
                Fmt.seconds(r.elapsed().toNanos() / 1e9), sampled,
                r.errors() > 0 ? ", " + r.errors() + " could not be read" : "");
    }

    /** Numbers as the report writes them. */
    static final class Fmt {
        private Fmt() {
        }

        static String count(double n) {
            return String.format(Locale.ROOT, "%,d", Math.round(n));
        }

        static String seconds(double s) {
            return String.format(Locale.ROOT, s == Math.rint(s) ? "%.0f" : "%.1f", s);
        }
    }
}
