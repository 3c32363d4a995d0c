package dev.fsnap.cli.command;

import dev.fsnap.internal.IoMessages;
import dev.fsnap.cli.args.Arguments;
import dev.fsnap.cli.console.AtomicFile;
import dev.fsnap.cli.console.ExitStatus;
import dev.fsnap.cli.report.Metrics;
import dev.fsnap.cli.args.ScanArguments;

import dev.fsnap.repository.Repository;
import dev.fsnap.scan.Backend;
import dev.fsnap.scan.ScanSummary;
import dev.fsnap.snapshot.ShardPlan;
import dev.fsnap.snapshot.SnapshotMerge;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** {@code fsnap merge PLAN PART... -o FULL}: a plan's parts grafted into the snapshot of the whole tree. */
public final class MergeCommand extends Command {
    Path plan;
    final List<Path> parts = new ArrayList<>();
    Path output;
    final Signing signing = new Signing();
    private dev.fsnap.signature.SigningKey key;
    Path repo;
    Path metrics;
    boolean allowMissing;


    public MergeCommand() {
        super("merge", new String[] {
                "Grafts the parts of a plan into one snapshot of the whole tree.",
                "Each part is the snapshot of one shard (fsnap scan ROOT --shard PLAN:K). The merged snapshot is the",
                "one a single scan of the tree would have written: the same entries and, for a tree at rest, the same",
                "tree hash (fsnap verify shows it). Every shard must have its part, and every part must be readable",
                "and of this plan; else nothing is written. A shard that could not be read keeps that: its entries",
                "are unreadable in the merged snapshot, never absent. With --allow-missing, a shard whose scan left no",
                "part is recorded as unreadable where its root is, and the merge goes on."
            }, new String[] {
                " 0:merged, and every entry was read",
                " 2:bad usage, the plan cannot be read, a part is missing, damaged, given twice, of another plan or",
                "   scanned with other options, or the snapshot cannot be written",
                " 3:merged, but some parts recorded entries that could not be read, or (--allow-missing) some",
                "   shards had no part",
                " 24:merged, but a shard's root was no longer a directory when its parent shard was scanned (the",
                "   tree changed between the scans): its part is left out, and nothing was unreadable",
                " 75:--repo: another run of this host holds the root's lock; this one did nothing (a lock of another",
                "   host, or one fsnap did not write, is 2)"
            });
    }

    @Override
    void declare(Arguments a) {
        a.parameter("PLAN", "The plan the parts were scanned by.", v -> plan = ScanArguments.path(v));
        a.repeatedParameter("PART", "The parts, one per shard, in any order.", v -> parts.add(ScanArguments.path(v)));
        a.option("FILE", "Write the merged snapshot to FILE (it replaces FILE atomically once complete and "
                + "verified).", v -> output = ScanArguments.path(v), "-o", "--output");
        a.option("DIR", "Write it into the repository DIR instead, as a run of the plan's root (made when missing; "
                + "the root's lock held, a second run exits 75): fsnap history, forget and DIR@latest then see it.",
                v -> repo = ScanArguments.path(v), "--repo");
        a.option("FILE.prom", "Write the run's metrics there, as fsnap scan --metrics does.",
                v -> metrics = ScanArguments.path(v), "--metrics");
        signing.declareSign(a);
        a.flag("Record a shard without a part (its scan failed or did not run) as unreadable, instead of refusing to "
                + "merge; the root's shard (0) is always needed.", () -> allowMissing = true, "--allow-missing");
    }

    @Override
    int call() throws IOException, InterruptedException {
        if ((output == null) == (repo == null)) {
            err.println("fsnap: merge writes to -o FILE or into --repo DIR: give one of them");
            return ExitStatus.TROUBLE;
        }
        if (metrics != null) {
            try {
                AtomicFile.checkTarget(metrics, "--metrics", output, plan);
            } catch (IllegalArgumentException e) {
                err.println("fsnap: " + e.getMessage());
                return ExitStatus.TROUBLE;
            }
        }
        ShardPlan p;
        try {
            key = signing.signingKey();
            p = ShardPlan.read(plan);
        } catch (IOException e) {
            err.println("fsnap: " + IoMessages.describe(e));
            return metrics(null, null, ExitStatus.TROUBLE);
        }
        ScanJob.Result r = repo == null ? Signing.signed(key, merge(p, output), output, p.root(), err)
                : RepositoryRun.locked(repo, Repository.canonical(p.root()), "merge", err,
                        (place, into) -> Signing.signed(key, merge(p, into), into, p.root(), err), null);
        return metrics(p, r.summary(), r.exit());
    }

    private int metrics(ShardPlan p, ScanSummary summary, int exit) {
        if (metrics != null && p != null) {
            return Metrics.write(metrics, p.root(), summary, null, exit, err);
        }
        return exit;
    }

    private static Backend backend(String name) {
        try {
            return Backend.valueOf(name);
        } catch (IllegalArgumentException e) {
            return Backend.AUTO;
        }
    }

    /** Merges the parts into {@code target}; the run's status and, when written, a summary of the merged tree. */
    private ScanJob.Result merge(ShardPlan p, Path target) {
        SnapshotMerge.Result r;
        try {
            r = SnapshotMerge.merge(p, parts, target, allowMissing);
        } catch (SnapshotMerge.PartException e) {
            err.println("fsnap: " + e.getMessage() + "; nothing was written");
            return new ScanJob.Result(ExitStatus.TROUBLE, null);
        } catch (IOException e) {
            err.println("fsnap: " + IoMessages.describe(e));
            return new ScanJob.Result(ExitStatus.TROUBLE, null);
        }
        for (ShardPlan.Shard s : r.missing()) {
            err.println("fsnap: shard " + s.index() + " (" + p.rootOf(s.index()) + ") has no part: recorded as unreadable");
        }
        for (ShardPlan.Shard s : p.shards()) {
            if (r.unreadable()[s.index()] > 0 && !r.missing().contains(s)) {
                err.println("fsnap: shard " + s.index() + " (" + p.rootOf(s.index()) + ") recorded "
                        + r.unreadable()[s.index()] + " unreadable " + (r.unreadable()[s.index()] == 1 ? "entry" : "entries"));
            }
        }
        for (ShardPlan.Shard s : r.leftOut()) {
            err.println("fsnap: shard " + s.index() + "'s root " + p.rootOf(s.index()) + " was not reached: it was not a "
                    + "directory of its parent's part (removed or replaced between the scans), or lies inside a missing "
                    + "shard; its part is left out");
        }
        for (ShardPlan.Shard s : r.otherFilesystem()) {
            err.println("fsnap: shard " + s.index() + "'s root " + p.rootOf(s.index()) + " is on another filesystem: "
                    + "left out, as --one-file-system leaves it");
        }
        err.println("fsnap: merged " + (p.shards().size() - r.missing().size() - r.leftOut().size()
                - r.otherFilesystem().size()) + " parts of " + p.root() + ": " + r.entries() + " entries, "
                + r.directories() + " directories, " + r.errors() + " errors; tree hash "
                + (r.treeHash() == null ? "none (the root is unreadable)" : r.treeHash()));
        int exit = r.errors() > 0 ? ExitStatus.UNREADABLE : r.leftOut().isEmpty() ? ExitStatus.OK : ExitStatus.VANISHED;
        // The merged tree as one scan's summary: for the repository's record and the metrics.
        ScanSummary summary = new ScanSummary(r.entries(), r.directories(), r.errors(), r.bytes(),
                Duration.between(r.started(), r.finished()), backend(r.backend()), "merged", p.shards().size(),
                "shards", false, Set.of(), -1);
        return new ScanJob.Result(exit, summary);
    }
}
