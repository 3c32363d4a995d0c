package dev.fsnap.spark;

import dev.fsnap.scan.Digest;
import dev.fsnap.scan.ScanOptions;
import dev.fsnap.scan.ScanSummary;
import dev.fsnap.scan.Scanner;
import dev.fsnap.snapshot.ShardPlan;
import dev.fsnap.snapshot.Snapshot;
import dev.fsnap.snapshot.SnapshotMerge;
import dev.fsnap.snapshot.SnapshotScan;
import org.apache.spark.SparkConf;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A shard plan's scans as Spark tasks, then the merge: the Spark counterpart of running
 * {@code fsnap scan ROOT --shard PLAN:K} for every shard and {@code fsnap merge}.
 *
 * <p>One task per shard, the largest first (by the plan's entries, last night's counts), so that
 * the longest scans do not start last; speculation is on unless the job says otherwise, so that a
 * shard held up by a slow NFS server is run again elsewhere. Each task writes its part to the
 * parts directory (shared storage every executor and the driver see at the same path), under a
 * name of its own attempt, and returns only a small {@link ShardResult}: never entries, so the
 * driver's memory does not grow with the namespace. The driver merges the parts of the attempts
 * that succeeded into the output snapshot and deletes the other attempts' parts. A shard whose root
 * could not be scanned is recorded as unreadable in the merged snapshot, not retried.
 *
 * <pre>
 * spark-submit --class dev.fsnap.spark.ShardScanJob fsnap-scanner-spark-VERSION-all.jar \
 *     PLAN.json PARTS_DIR FULL.snap [--threads N] [--xattrs] [--digest sha256|xxh3-128]
 *     [--baseline LAST.snap] [--op-timeout SECONDS] [--exclude PATTERN]...
 * </pre>
 */
public final class ShardScanJob {
    private ShardScanJob() {
    }

    /**
     * What every shard is scanned with, passed to the tasks (the same for every shard, as
     * {@code fsnap merge} requires).
     *
     * @param threads worker threads per scan, 0 for the scan's own choice
     * @param xattrs whether extended attributes are read
     * @param digest the content digest's label ({@code sha256}, {@code xxh3-128}), or null for none
     * @param opTimeoutSeconds the deadline of one filesystem call, 0 for the default
     * @param exclude exclusion patterns, {@code .gitignore} syntax
     * @param baseline with a digest: the last merged snapshot of the plan's root, on shared storage,
     *                 whose digests each shard's unchanged files take over unread; null for none
     * @serial exclude Serializable only to travel from the driver to its tasks of the same build; not a kept form
     */
    public record Settings(int threads, boolean xattrs, String digest, long opTimeoutSeconds, List<String> exclude,
                           String baseline) implements Serializable {
        /** The defaults: automatic threads, no attributes, no digests, the default deadline, no exclusions. */
        public static final Settings DEFAULT = new Settings(0, false, null, 0, List.of(), null);

        /**
         * @param threads worker threads per scan
         * @param xattrs whether extended attributes are read
         * @param digest the digest's label or null
         * @param opTimeoutSeconds the deadline, 0 for the default
         * @param exclude exclusion patterns
         * @param baseline the last merged snapshot, or null
         */
        public Settings {
            exclude = List.copyOf(exclude);
        }

        ScanOptions options(Path root) {
            ScanOptions.Builder b = ScanOptions.builder(root).threads(threads).xattrs(xattrs);
            if (digest != null) {
                Digest d = Digest.ofLabel(digest);
                if (d == null) {
                    throw new IllegalArgumentException("unknown digest '" + digest + "' (sha256, xxh3-128)");
                }
                b.digest(d);
            }
            if (opTimeoutSeconds > 0) {
                b.opTimeout(Duration.ofSeconds(opTimeoutSeconds));
            }
            exclude.forEach(b::exclude);
            return b.build();
        }
    }

    /**
     * What a job did: each shard's task, and the merge.
     *
     * @param shards one result per shard, from the attempt that succeeded
     * @param merge the merge of their parts
     */
    public record Result(List<ShardResult> shards, SnapshotMerge.Result merge) {
        /** @return the exit status, as {@code fsnap merge}'s: 0, 3 (unreadable entries or failed shards), 24 */
        public int exitStatus() {
            return merge.errors() > 0 ? 3 : merge.leftOut().isEmpty() ? 0 : 24;
        }
    }

    /**
     * Runs the plan's shards on the context's executors and merges their parts.
     *
     * @param sc the Spark context
     * @param planFile the plan ({@code fsnap plan}), read by the driver and sent to the tasks
     * @param partsDir where the tasks write their parts: a directory every executor and the driver see
     * @param output the merged snapshot
     * @param settings what every shard is scanned with
     * @return each shard's result and the merge's
     * @throws IOException when the plan cannot be read, or the parts cannot be merged (naming the part)
     */
    public static Result run(JavaSparkContext sc, Path planFile, Path partsDir, Path output, Settings settings)
            throws IOException {
        String json = Files.readString(planFile);
        ShardPlan plan;
        try {
            plan = ShardPlan.parse(json);
        } catch (IllegalArgumentException e) {
            throw new IOException(planFile + ": not a plan of fsnap plan: " + e.getMessage(), e);
        }
        settings.options(plan.rootPath()); // a bad setting fails here, not in every task
        if (settings.baseline() != null) {
            try (Snapshot last = Snapshot.open(Path.of(settings.baseline()))) { // damage found here, once
                if (!plan.rootPath().normalize().startsWith(Path.of(last.root()).normalize())) {
                    throw new IOException(settings.baseline() + " is a snapshot of " + last.root()
                            + ", which does not hold " + plan.root());
                }
            }
        }
        Files.createDirectories(partsDir);
        List<Integer> largestFirst = new ArrayList<>();
        plan.shards().stream()
                .sorted(Comparator.comparingLong(ShardPlan.Shard::entries).reversed()
                        .thenComparingInt(ShardPlan.Shard::index))
                .forEach(s -> largestFirst.add(s.index()));
        Broadcast<String> planText = sc.broadcast(json);
        String parts = partsDir.toAbsolutePath().toString();
        // One partition per shard, in this order: Spark launches a stage's tasks in partition order.
        List<ShardResult> results = sc.parallelize(largestFirst, largestFirst.size())
                .map(k -> scanShard(planText.value(), k, parts, settings))
                .collect();
        planText.destroy();
        List<Path> succeeded = new ArrayList<>();
        for (ShardResult r : results) {
            if (r.part() != null) {
                succeeded.add(Path.of(r.part()));
            }
        }
        SnapshotMerge.Result merged = SnapshotMerge.merge(plan, succeeded, output, true);
        deleteOtherAttempts(partsDir, succeeded);
        List<ShardResult> byIndex = new ArrayList<>(results);
        byIndex.sort(Comparator.comparingInt(ShardResult::index));
        return new Result(byIndex, merged);
    }

    /** One task: scans shard {@code k} into a part named after this attempt. */
    static ShardResult scanShard(String planJson, int k, String partsDir, Settings settings) {
        long startedAt = System.currentTimeMillis();
        long t0 = System.nanoTime();
        TaskContext task = TaskContext.get();
        long attempt = task == null ? -1 : task.taskAttemptId();
        String executor = org.apache.spark.SparkEnv.get() == null ? "?" : org.apache.spark.SparkEnv.get().executorId();
        ShardPlan plan = ShardPlan.parse(planJson);
        ScanOptions options = plan.scanOptions(k, settings.options(plan.rootPath()));
        Path part = Path.of(partsDir, "part-" + k + ".attempt-" + (task == null ? "local" : attempt) + ".snap");
        try (Snapshot last = settings.baseline() == null || options.digest() == null ? null
                     : Snapshot.open(Path.of(settings.baseline()));
             SnapshotScan scan = (last == null ? Scanner.of(options) : Scanner.of(options).against(last))
                     .writingTo(part).start(null)) {
            ScanSummary s = scan.await();
            scan.commit();
            return new ShardResult(k, part.toString(), s.entries(), s.directories(), s.errors(),
                    scan.progress().contentRead(), (System.nanoTime() - t0) / 1e9, executor, attempt, startedAt, null);
        } catch (IOException e) {
            // The shard's root could not be scanned: its subtree is unreadable in the merged
            // snapshot, and running the task again would meet the same.
            return new ShardResult(k, null, 0, 0, 0, 0, (System.nanoTime() - t0) / 1e9, executor, attempt, startedAt,
                    String.valueOf(e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // a speculative copy that lost, or a cancelled job
            throw new IllegalStateException("shard " + k + " was interrupted", e);
        }
    }

    /** Deletes parts of attempts that were not merged: speculative copies that lost, failed attempts. */
    private static void deleteOtherAttempts(Path partsDir, List<Path> merged) throws IOException {
        Set<Path> keep = new HashSet<>();
        merged.forEach(p -> keep.add(p.toAbsolutePath()));
        try (DirectoryStream<Path> s = Files.newDirectoryStream(partsDir, "part-*.attempt-*.snap")) {
            for (Path p : s) {
                if (!keep.contains(p.toAbsolutePath())) {
                    Files.deleteIfExists(p);
                }
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /**
     * The job from {@code spark-submit}: {@code PLAN PARTS_DIR OUTPUT [options]}; exits with
     * {@code fsnap merge}'s status (2 when the plan or a part cannot be used).
     *
     * @param args the arguments
     */
    public static void main(String[] args) {
        int status;
        try {
            status = submit(args);
        } catch (IllegalArgumentException e) {
            System.err.println("fsnap: " + e.getMessage());
            System.err.println("usage: ShardScanJob PLAN PARTS_DIR OUTPUT [--threads N] [--xattrs] "
                    + "[--digest sha256|xxh3-128 [--baseline LAST]] [--op-timeout SECONDS] [--exclude PATTERN]...");
            status = 2;
        } catch (IOException e) {
            System.err.println("fsnap: " + e.getMessage());
            status = 2;
        }
        System.exit(status);
    }

    private static int submit(String[] args) throws IOException {
        List<String> positional = new ArrayList<>();
        int threads = 0;
        boolean xattrs = false;
        String digest = null;
        String baseline = null;
        long timeout = 0;
        List<String> exclude = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--threads" -> threads = Integer.parseInt(value(args, ++i));
                case "--xattrs" -> xattrs = true;
                case "--digest" -> digest = value(args, ++i);
                case "--op-timeout" -> timeout = Long.parseLong(value(args, ++i));
                case "--exclude" -> exclude.add(value(args, ++i));
                case "--baseline" -> baseline = value(args, ++i);
                default -> {
                    if (args[i].startsWith("--")) {
                        throw new IllegalArgumentException("unknown option " + args[i]);
                    }
                    positional.add(args[i]);
                }
            }
        }
        if (positional.size() != 3) {
            throw new IllegalArgumentException("expected PLAN PARTS_DIR OUTPUT");
        }
        SparkConf conf = new SparkConf().setIfMissing("spark.app.name", "fsnap shards")
                .setIfMissing("spark.speculation", "true");
        try (JavaSparkContext sc = new JavaSparkContext(conf)) {
            Result r = run(sc, Path.of(positional.get(0)), Path.of(positional.get(1)), Path.of(positional.get(2)),
                    new Settings(threads, xattrs, digest, timeout, exclude, baseline));
            for (ShardResult s : r.shards()) {
                System.err.println(s.line());
            }
            SnapshotMerge.Result m = r.merge();
            System.err.println(String.format(Locale.ROOT, "fsnap: merged %d shards into %s: %d entries, %d errors; tree hash %s",
                    r.shards().size(), positional.get(2), m.entries(), m.errors(), m.treeHash()));
            return r.exitStatus();
        }
    }

    private static String value(String[] args, int i) {
        if (i >= args.length) {
            throw new IllegalArgumentException(args[i - 1] + " needs a value");
        }
        return args[i];
    }
}
