package dev.fsnap.spark;

import dev.fsnap.scan.Entry;
import dev.fsnap.scan.ScanOptions;
import dev.fsnap.scan.ScanSummary;
import dev.fsnap.scan.Scanner;
import dev.fsnap.snapshot.ShardPlan;
import dev.fsnap.snapshot.Snapshot;
import dev.fsnap.snapshot.SnapshotScan;
import dev.fsnap.testdata.Deadlines;
import dev.fsnap.testdata.TreeBuilder;
import dev.fsnap.testdata.TreeGenerator;
import dev.fsnap.testdata.fuse.SlowNas;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.time.Duration;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Spark module on a real cluster manager: Spark's {@code local-cluster[2,1,1024]} runs a
 * standalone master and two workers in this JVM, and each worker starts an executor JVM of its
 * own from {@code SPARK_HOME} (made from the Maven artifacts by the build), with fsnap on the
 * executors' class path. The merged snapshot must be the one a single scan writes.
 */
class LocalClusterTest {
    @TempDir
    static Path dir;

    private static JavaSparkContext sc;

    @BeforeAll
    static void cluster() {
        String home = System.getenv("SPARK_HOME");
        Assumptions.assumeTrue(home != null && Files.isDirectory(Path.of(home, "jars")),
                "needs SPARK_HOME with Spark's jars (the build makes target/spark-home)");
        Set<String> spark;
        try (Stream<Path> jars = Files.list(Path.of(home, "jars"))) {
            spark = jars.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        // The executors get Spark from SPARK_HOME, as on a cluster, and fsnap from here.
        String fsnap = Stream.of(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(e -> !spark.contains(Path.of(e).getFileName().toString()))
                .collect(Collectors.joining(File.pathSeparator));
        SparkConf conf = new SparkConf().setMaster("local-cluster[2,1,1024]").setAppName("fsnap LocalClusterTest")
                .set("spark.executor.extraClassPath", fsnap)
                .set("spark.executor.memory", "512m")
                .set("spark.driver.host", "127.0.0.1")
                .set("spark.ui.enabled", "false")
                .set("spark.speculation", "true");
        sc = new JavaSparkContext(conf);
    }

    @AfterAll
    static void stop() {
        if (sc != null) {
            sc.close();
        }
    }

    @Test
    void theShardsRunAsTasksOnTheExecutorsAndTheMergeIsTheSingleScan() throws Exception {
        Path root = dir.resolve("t");
        TreeGenerator.generate(root, 3000, 25, 4);
        TreeBuilder.at(root).symlink("link", "d000").file("top", 7).dir("empty");
        Path last = dir.resolve("last.snap");
        scan(root, last);
        Path planFile = dir.resolve("plan.json");
        ShardPlan plan;
        try (Snapshot s = Snapshot.open(last)) {
            plan = ShardPlan.of(s, 6);
        }
        Files.writeString(planFile, plan.json());
        assertTrue(plan.shards().size() >= 4, plan.json());

        Path merged = dir.resolve("merged.snap");
        Path parts = dir.resolve("parts");
        ShardScanJob.Result r = ShardScanJob.run(sc, planFile, parts, merged, ShardScanJob.Settings.DEFAULT);

        assertEquals(0, r.exitStatus());
        assertEquals(plan.shards().size(), r.shards().size());
        Set<String> executors = new HashSet<>();
        for (ShardResult s : r.shards()) {
            assertNull(s.failure(), s.line());
            executors.add(s.executor());
        }
        assertEquals(2, executors.size(), "both executors scanned shards: " + executors);
        assertTrue(!executors.contains("driver"), "no shard ran in the driver");
        ShardPlan.Shard largest = plan.shards().stream().max(Comparator.comparingLong(ShardPlan.Shard::entries)
                .thenComparing(Comparator.comparingInt(ShardPlan.Shard::index).reversed())).orElseThrow();
        long first = r.shards().get(largest.index()).attempt();
        for (ShardResult s : r.shards()) {
            assertTrue(first <= s.attempt(), "the largest shard (" + largest.index() + ") was launched first: "
                    + r.shards());
        }
        try (Stream<Path> left = Files.list(parts)) {
            assertEquals(plan.shards().size(), left.count(), "one part per shard is kept, other attempts deleted");
        }

        Path single = dir.resolve("single.snap");
        scan(root, single);
        try (Snapshot s = Snapshot.open(single); Snapshot m = Snapshot.open(merged)) {
            assertEquals(s.treeHash(), m.treeHash(), "the same tree hash as a single scan's");
            assertEquals(List.of(s.entries(), s.directories(), s.errors(), s.bytes()),
                    List.of(m.entries(), m.directories(), m.errors(), m.bytes()));
            List<String> entries = listing(s);
            assertTrue(entries.size() > 3000, "the walk saw the tree");
            assertEquals(entries, listing(m), "every entry the same");
        }
    }

    @Test
    void aShardThatCannotBeScannedIsReportedNotRetriedAndTheRestIsMerged() throws Exception {
        Path root = dir.resolve("u");
        TreeBuilder.at(root).file("a/x", 1).file("b/y", 2).file("c/z", 3);
        Path planFile = dir.resolve("plan-u.json");
        Files.writeString(planFile, ShardPlan.of(root.toString(), List.of(
                new ShardPlan.Shard(0, "", List.of("a", "b"), 1),
                new ShardPlan.Shard(1, "a", List.of(), 1),
                new ShardPlan.Shard(2, "b", List.of(), 1))).json());
        Files.delete(root.resolve("b/y"));
        Files.delete(root.resolve("b"));
        Files.write(root.resolve("b"), new byte[1]); // shard 2's root is a file now

        Path merged = dir.resolve("merged-u.snap");
        ShardScanJob.Result r = ShardScanJob.run(sc, planFile, dir.resolve("parts-u"), merged,
                ShardScanJob.Settings.DEFAULT);
        ShardResult b = r.shards().get(2);
        assertNull(b.part());
        assertTrue(b.failure() != null && b.failure().contains(root.resolve("b").toString()), b.line());
        assertEquals(List.of(2), r.merge().leftOut().stream().map(ShardPlan.Shard::index).toList(),
                "its root is a file in the root's shard: nothing to graft");
        assertEquals(24, r.exitStatus());
        Path single = dir.resolve("single-u.snap");
        scan(root, single);
        try (Snapshot s = Snapshot.open(single); Snapshot m = Snapshot.open(merged)) {
            assertEquals(s.treeHash(), m.treeHash());
        }
    }

    @Test
    void withDigestsASecondNightReadsOnlyWhatChanged() throws Exception {
        Path root = dir.resolve("v");
        TreeBuilder.at(root).file("a/x", 3000).file("a/y", 4000).file("b/z", 5000).file("top", 100);
        assertEquals(0, new ProcessBuilder("touch", "-d", "2020-01-01 00:00", root.resolve("a/x").toString(),
                root.resolve("a/y").toString(), root.resolve("b/z").toString(), root.resolve("top").toString())
                .start().waitFor());
        Path planFile = dir.resolve("plan-v.json");
        Files.writeString(planFile, ShardPlan.of(root.toString(), List.of(
                new ShardPlan.Shard(0, "", List.of("a", "b"), 1),
                new ShardPlan.Shard(1, "a", List.of(), 2),
                new ShardPlan.Shard(2, "b", List.of(), 1))).json());
        ShardScanJob.Settings digests = new ShardScanJob.Settings(0, false, "sha256", 0, List.of(), null);
        Path night1 = dir.resolve("night1.snap");
        ShardScanJob.Result first = ShardScanJob.run(sc, planFile, dir.resolve("parts-v1"), night1, digests);
        assertEquals(12100, first.shards().stream().mapToLong(ShardResult::contentRead).sum(), "every byte read");

        Files.write(root.resolve("a/y"), new byte[4001]);
        ShardScanJob.Settings withBaseline = new ShardScanJob.Settings(0, false, "sha256", 0, List.of(),
                night1.toString());
        Path night2 = dir.resolve("night2.snap");
        ShardScanJob.Result second = ShardScanJob.run(sc, planFile, dir.resolve("parts-v2"), night2, withBaseline);
        assertEquals(List.of(0L, 4001L, 0L), second.shards().stream().map(ShardResult::contentRead).toList(),
                "only the changed file is read: " + second.shards());
        try (Snapshot n2 = Snapshot.open(night2)) {
            assertEquals("sha256", n2.contentDigest().label());
            Entry x = n2.lookup("a/x".getBytes(java.nio.charset.StandardCharsets.UTF_8)).entry();
            try (Snapshot n1 = Snapshot.open(night1)) {
                Entry before = n1.lookup("a/x".getBytes(java.nio.charset.StandardCharsets.UTF_8)).entry();
                assertEquals(java.util.HexFormat.of().formatHex(before.content().digest()),
                        java.util.HexFormat.of().formatHex(x.content().digest()), "taken over unread");
            }
        }
    }

    /**
     * A server that stops answering for one shard's subtree: that shard's task gives up on its root
     * after the operation timeout (the stuck thread left behind in the executor), reports why, and
     * the merged snapshot holds the shard's root as unreadable, never as removed; the job exits 3.
     * (Speculation cannot be shown here: Spark never starts a speculative copy on a host that
     * already runs the task, and a local cluster's executors share one host.)
     */
    @Test
    void aShardOnAServerThatStoppedAnsweringIsUnreadableInTime() throws Exception {
        Assumptions.assumeTrue(SlowNas.unavailableReason() == null, SlowNas.unavailableReason());
        Path source = dir.resolve("nas-src");
        TreeBuilder.at(source).file("a/x", 10).file("b/y", 20).file("top", 5);
        try (SlowNas nas = SlowNas.mount(source, Files.createDirectory(dir.resolve("nas")), Duration.ZERO)) {
            Path root = nas.mountPoint();
            Path planFile = dir.resolve("plan-nas.json");
            Files.writeString(planFile, ShardPlan.of(root.toString(), List.of(
                    new ShardPlan.Shard(0, "", List.of("a", "b"), 3),
                    new ShardPlan.Shard(1, "a", List.of(), 2),
                    new ShardPlan.Shard(2, "b", List.of(), 2))).json());
            nas.hang("b");
            Path merged = dir.resolve("merged-nas.snap");
            long start = System.nanoTime();
            ShardScanJob.Result r;
            try {
                r = ShardScanJob.run(sc, planFile, dir.resolve("parts-nas"), merged,
                        new ShardScanJob.Settings(0, false, null, 1, List.of(), null));
            } finally {
                nas.release();
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            assertTrue(seconds < Deadlines.outerLimitSeconds(1), "the job waited for the server: " + seconds + " s");
            ShardResult b = r.shards().get(2);
            assertNull(b.part());
            assertTrue(b.failure().contains("no answer in 1 s"), b.line());
            assertEquals(3, r.exitStatus());
            try (Snapshot m = Snapshot.open(merged)) {
                assertEquals(Snapshot.Status.FOUND, m.lookup("b".getBytes(java.nio.charset.StandardCharsets.UTF_8)).status());
                assertEquals(Snapshot.Status.UNREADABLE,
                        m.lookup("b/y".getBytes(java.nio.charset.StandardCharsets.UTF_8)).status());
                assertEquals(Snapshot.Status.FOUND, m.lookup("a/x".getBytes(java.nio.charset.StandardCharsets.UTF_8)).status());
            }
        }
    }

    private static void scan(Path root, Path to) throws Exception {
        ScanOptions o = ScanOptions.builder(root).build();
        try (SnapshotScan scan = Scanner.of(o).writingTo(to).start(null)) {
            scan.await();
            scan.commit();
        }
    }

    private static List<String> listing(Snapshot s) throws IOException {
        List<String> out = new ArrayList<>();
        s.walk(new Snapshot.Visitor() {
            @Override
            public void entry(Entry e) {
                out.add(e.toString());
            }
        });
        return out;
    }
}
