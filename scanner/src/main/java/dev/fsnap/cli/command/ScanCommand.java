package dev.fsnap.cli.command;
import dev.fsnap.cli.args.Arguments;
import dev.fsnap.cli.args.CommandLine;
import dev.fsnap.cli.console.ExitStatus;
import dev.fsnap.cli.report.Metrics;
import dev.fsnap.cli.report.ReportOptions;
import dev.fsnap.cli.args.ScanArguments;

import dev.fsnap.internal.IoMessages;
import dev.fsnap.internal.PathText;
import dev.fsnap.repository.Repository;
import dev.fsnap.scan.ScanOptions;
import dev.fsnap.scan.ScanSummary;
import dev.fsnap.snapshot.ShardPlan;

import java.nio.file.Path;
import java.util.Locale;

/** {@code fsnap scan ROOT}: reads every entry's metadata and reports a summary, the entries as JSON, a snapshot. */
public final class ScanCommand extends Command {
    String root;
    final ReportOptions report = new ReportOptions();
    Path output;
    final Signing signing = new Signing();
    Path repo;
    /** The last snapshot whose digests unchanged files take over (--baseline), or null. */
    Path baseline;
    /** The plan and the shard of it to scan ({@code PLAN:K}), or null for the whole tree. */
    Path plan;
    int shard;

    final ScanArguments scan = new ScanArguments();


    public ScanCommand() {
        super("scan", new String[] {
                "Scans ROOT and prints a one-line summary to stderr.",
                "With --json, writes one JSON object per entry to stdout; with -o, a snapshot file."
            }, new String[] {
                " 0:everything was read",
                " 2:bad usage, or ROOT cannot be scanned, or the snapshot cannot be written (or signed, with",
                "   --sign-key: a wrong passphrase ends the run before the scan); --repo: ROOT's",
                "   directory there is not safe to use (a link, another user's) or its lock cannot be judged",
                " 3:the scan finished, but some entries could not be read",
                " 24:the scan finished, but entries vanished (removed between the listing of their directory",
                "   and their stat) or files kept changing while their content was read, and nothing else",
                "   was unreadable",
                " 75:--repo: another run of this host holds ROOT's lock; this one did nothing",
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
        a.option("PLAN:K", "Scan shard K of the plan (made by fsnap plan ROOT) into a part, which fsnap merge grafts "
                + "with the others into the snapshot of ROOT: the directories other shards cover are recorded, not "
                + "entered. ROOT is the plan's root.", v -> {
                    int colon = v.lastIndexOf(':');
                    if (colon <= 0) {
                        throw new IllegalArgumentException("must be PLAN:K, a plan file and a shard's index, not '"
                                + v + "'");
                    }
                    plan = ScanArguments.path(v.substring(0, colon));
                    String k = v.substring(colon + 1);
                    try {
                        shard = Arguments.integer(k, 0, PlanCommand.MAX_SHARDS - 1);
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException("K, a shard's index: " + e.getMessage());
                    }
                }, "--shard");
        a.option("LAST", "With --digest: unchanged files take their digests over from LAST (a snapshot of ROOT, or of "
                + "a tree that holds it, such as last night's merged snapshot for a shard) instead of being read.",
                v -> baseline = ScanArguments.snapshot(v), "--baseline");
        signing.declareSign(a);
        scan.declare(a);
    }

    @Override
    int call() throws java.io.IOException, InterruptedException {
        ScanOptions options;
        try {
            scan.checkMetrics(output, baseline);
            options = plan == null ? scan.options(root) : shard(scan.options(root));
        } catch (IllegalArgumentException e) {
            err.println("fsnap: " + e.getMessage());
            return metrics(null, ExitStatus.TROUBLE);
        } catch (java.io.IOException e) {
            err.println("fsnap: " + IoMessages.describe(e));
            return metrics(null, ExitStatus.TROUBLE);
        }
        try {
            key = signing.signingKey();
        } catch (java.io.IOException e) {
            err.println("fsnap: " + IoMessages.describe(e));
            return metrics(null, ExitStatus.TROUBLE);
        }
        if (key != null && output == null && repo == null) {
            err.println("fsnap: --sign-key signs the snapshot written with -o or --repo");
            return metrics(null, ExitStatus.TROUBLE);
        }
        if (baseline != null) {
            return withBaseline(options);
        }
        if (repo != null) {
            if (output != null) {
                err.println("fsnap: --repo names the snapshot itself: leave out -o");
                return metrics(null, ExitStatus.TROUBLE);
            }
            if (plan != null) {
                err.println("fsnap: a shard's part is not a night of a repository: write it with -o, and merge the "
                        + "parts with fsnap merge");
                return metrics(null, ExitStatus.TROUBLE);
            }
            // A repository keys a root by its real path: ./tree, tree/. and /abs/tree are one series.
            ScanOptions canonical;
            try {
                canonical = scan.options(Repository.canonical(root));
            } catch (IllegalArgumentException e) {
                err.println("fsnap: " + e.getMessage());
                return metrics(null, ExitStatus.TROUBLE);
            }
            ScanJob.Result r = RepositoryRun.locked(repo, PathText.of(canonical.root()), "scan", err,
                    (place, into) -> signed(ScanJob.run(canonical, report, into, console), into, canonical), null);
            return metrics(r.summary(), r.exit());
        }
        ScanJob.Result r = signed(ScanJob.run(options, report, output, console), output, options);
        return metrics(r.summary(), r.exit());
    }

    /** The secret key that signs the snapshot written, or null. */
    private dev.fsnap.signature.SigningKey key;

    /** Signs a snapshot the run wrote and kept, where --sign-key asks for it (see {@link Signing#signed}). */
    private ScanJob.Result signed(ScanJob.Result r, Path written, ScanOptions options) {
        return Signing.signed(key, r, written, options.root().toAbsolutePath().toString(), err);
    }

    /** A scan whose unchanged files take their digests over from the --baseline snapshot. */
    private int withBaseline(ScanOptions options) throws java.io.IOException, InterruptedException {
        if (options.digest() == null) {
            err.println("fsnap: --baseline applies to --digest");
            return metrics(null, ExitStatus.TROUBLE);
        }
        if (repo != null) {
            err.println("fsnap: --repo takes its baseline from the repository: leave out --baseline");
            return metrics(null, ExitStatus.TROUBLE);
        }
        try (dev.fsnap.snapshot.Snapshot last = SnapshotFiles.open(baseline, err)) {
            if (last == null) {
                return metrics(null, ExitStatus.TROUBLE);
            }
            Path tonight = options.root().toAbsolutePath().normalize();
            if (!tonight.startsWith(Path.of(last.root()).normalize())) {
                err.println("fsnap: " + baseline + " is a snapshot of " + last.root() + ", which does not hold " + tonight);
                return metrics(null, ExitStatus.TROUBLE);
            }
            ScanJob.Result r = signed(ScanJob.run(options, report, output, console, null, last), output, options);
            return metrics(r.summary(), r.exit());
        }
    }

    /** The options for one shard of the plan: its root, and the directories other shards cover. */
    private ScanOptions shard(ScanOptions whole) throws java.io.IOException {
        ShardPlan p = ShardPlan.read(plan);
        Path asked = whole.root().toAbsolutePath().normalize();
        // By their bytes: a root whose name is no text in the locale is no text in either.
        if (!java.util.Arrays.equals(dev.fsnap.bindings.PathBytes.of(asked),
                dev.fsnap.bindings.PathBytes.of(p.rootPath().normalize()))) {
            throw new IllegalArgumentException(plan + " is a plan of " + p.root() + ", not of " + asked);
        }
        try {
            return p.scanOptions(shard, whole);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--shard: " + plan + ": " + e.getMessage());
        }
    }

    private int metrics(dev.fsnap.scan.ScanSummary summary, int exit) {
        if (scan.metrics != null) {
            return Metrics.write(scan.metrics, CommandLine.path(root).toAbsolutePath().toString(), summary, null,
                    exit, err);
        }
        return exit;
    }

    static String summaryLine(ScanSummary s) {
        return String.format(Locale.ROOT,
                "fsnap: %d entries, %d directories, %d errors, %.3f s, %.0f entries/s%s, backend %s (%s), %d threads (%s)%s",
                s.entries(), s.directories(), s.errors(), s.elapsed().toNanos() / 1e9, s.entriesPerSecond(),
                s.roundTrips() < 0 ? "" : String.format(Locale.ROOT, ", %d round trips (%.3f per entry)",
                        s.roundTrips(), s.entries() == 0 ? 0.0 : (double) s.roundTrips() / s.entries()),
                s.backend().name().toLowerCase(Locale.ROOT), s.backendReason(), s.threads(), s.threadsReason(),
                s.cancelled() ? ", cancelled" : "");
    }
}
