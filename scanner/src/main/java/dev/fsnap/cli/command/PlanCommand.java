package dev.fsnap.cli.command;

import dev.fsnap.internal.IoMessages;
import dev.fsnap.cli.console.AtomicFile;
import dev.fsnap.cli.console.ExitStatus;

import dev.fsnap.cli.args.Arguments;
import dev.fsnap.cli.args.CommandLine;
import dev.fsnap.cli.args.ScanArguments;

import dev.fsnap.scan.ScanOptions;
import dev.fsnap.snapshot.ShardPlan;
import dev.fsnap.snapshot.Snapshot;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** {@code fsnap plan ROOT --shards N}: a tree split into shards for many machines. */
public final class PlanCommand extends Command {
    /** The most shards a plan is made of (--shards): more machines than any cluster scans one tree with. */
    static final int MAX_SHARDS = 100_000;

    String root;
    int shards;
    Path from;
    Path output;
    java.time.Duration opTimeout;


    public PlanCommand() {
        super("plan", new String[] {
                "Splits a tree into about N shards of similar size, for scans on many machines.",
                "A shard is a subtree's root and the directories below it that other shards cover. The sizes",
                "are entries: last night's, from its snapshot (--from), or else an estimate from the tree's top",
                "three levels. The plan is written as JSON (docs/scale-out.md); stderr says how even it is:",
                "the largest shard's entries over the mean."
            }, new String[] {
                " 0:planned",
                " 2:bad usage, ROOT cannot be listed, or the snapshot cannot be read",
                " 3:planned, but some directories could not be listed (each counted as one entry)"
            });
    }

    @Override
    void declare(Arguments a) {
        a.parameter("ROOT", "The tree to split.", v -> root = v);
        a.requiredOption("N", "How many shards, at most.", v -> shards = Arguments.integer(v, 1, MAX_SHARDS),
                "--shards");
        a.option("LAST", "Take the sizes from this snapshot of ROOT (a file, or DIR@latest in a repository).",
                v -> from = ScanArguments.snapshot(v), "--from");
        a.option("TIME", "Without --from: give up on a filesystem call after this long (default 30s): what it was "
                + "listing counts as one entry.", v -> opTimeout = ScanArguments.opTimeout(v), "--op-timeout");
        a.option("PLAN.json", "Write the plan there (else to stdout).", v -> output = ScanArguments.path(v),
                "-o", "--output");
    }

    @Override
    int call() throws IOException, InterruptedException {
        Path rootDir = CommandLine.path(root).toAbsolutePath(); // its bytes: its text may not hold them
        String rootPath = rootDir.toString();
        ShardPlan plan;
        long[] unreadable = {0};
        try {
            if (from != null) {
                try (Snapshot last = SnapshotFiles.open(from, err)) {
                    if (last == null) {
                        return ExitStatus.TROUBLE;
                    }
                    if (!last.root().equals(rootPath)) {
                        err.println("fsnap: " + from + " is a snapshot of " + last.root() + ", not of " + rootPath);
                        return ExitStatus.TROUBLE;
                    }
                    plan = ShardPlan.of(last, rootDir, shards);
                }
            } else {
                ScanOptions.Builder options = ScanOptions.builder(rootDir);
                if (opTimeout != null) {
                    options.opTimeout(opTimeout);
                }
                plan = ShardPlan.estimate(options.build(), shards, 3, e -> {
                    unreadable[0]++;
                    err.println("fsnap: " + rootDir.resolve(e.displayPath()) + ": " + e.message()
                            + " (counted as one entry)");
                });
            }
        } catch (IOException e) {
            err.println("fsnap: " + IoMessages.describe(e));
            return ExitStatus.TROUBLE;
        }
        String json = plan.json();
        if (output != null) {
            AtomicFile.write(output, json);
        } else {
            out.print(json);
        }
        err.println(String.format(Locale.ROOT, "fsnap: %d shards of %s, %d entries; the largest %.2f times the mean (%s)",
                plan.shards().size(), rootPath, plan.entries(), plan.balance(),
                from == null ? "sizes estimated from the top three levels" : "sizes from " + from));
        return unreadable[0] > 0 ? ExitStatus.UNREADABLE : ExitStatus.OK;
    }
}
