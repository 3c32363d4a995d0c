package dev.fsnap.cli;

import dev.fsnap.cli.args.ScanArguments;

import dev.fsnap.scan.ScanError;
import dev.fsnap.snapshot.ShardPlan;
import dev.fsnap.snapshot.ShardPlan.Shard;
import dev.fsnap.snapshot.Snapshot;
import dev.fsnap.testdata.TreeBuilder;
import dev.fsnap.testdata.TreeGenerator;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static dev.fsnap.cli.CliTest.fsnap;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A tree scanned in shards and merged: the merged snapshot is the single scan's (the same tree
 * hash, no difference, the same listing), and every part that cannot be merged is named.
 */
class ShardTest {
    @TempDir
    Path dir;

    private Path root;
    private Path plan;

    /**
     * A tree with nested shards (a, and a/deep inside it), a shard that is an empty directory (e),
     * a name that is not UTF-8 and a link inside shards; the plan written by hand as
     * docs/scale-out.md documents it, so that each of these is a shard's root.
     */
    @BeforeEach
    void aTreeAndAPlan() throws Exception {
        root = dir.resolve("t");
        TreeGenerator.generate(root.resolve("a/deep"), 400, 20, 3);
        TreeGenerator.generate(root.resolve("a/side"), 200, 20, 3);
        TreeGenerator.generate(root.resolve("b"), 300, 20, 3);
        TreeBuilder.at(root).dir("e").file("top", 10).symlink("a/deep/link", "../side").file("b/x/y", 5);
        Files.write(root.resolve("a/deep").resolve(new String(new byte[] {'n', (byte) 0xE9}, StandardCharsets.ISO_8859_1)),
                new byte[3]);
        assertEquals(0, CliTest.sh("touch -h -d '2020-01-01 00:00' $(find \"$1\")", root.toString()));
        plan = dir.resolve("plan.json");
        Files.writeString(plan, ShardPlan.of(root.toString(), List.of(new Shard(0, "", List.of("a", "e"), 0),
                new Shard(1, "a", List.of("a/deep"), 0), new Shard(2, "a/deep", List.of(), 0),
                new Shard(3, "e", List.of(), 0))).json());
    }

    /** Scans every shard, at the same time, each into part-K.snap; returns the parts. */
    private List<Path> scanShards(Path plan, int shards) throws Exception {
        List<CompletableFuture<CliTest.Run>> runs = new ArrayList<>();
        List<Path> parts = new ArrayList<>();
        for (int k = 0; k < shards; k++) {
            Path part = dir.resolve("part-" + k + ".snap");
            parts.add(part);
            String shard = plan + ":" + k;
            runs.add(CompletableFuture.supplyAsync(() -> {
                try {
                    return fsnap("scan", root.toString(), "--shard", shard, "-o", part.toString());
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }));
        }
        for (CompletableFuture<CliTest.Run> r : runs) {
            assertEquals(0, r.join().status(), r.join().err());
        }
        return parts;
    }

    private static List<String> args(String first, List<Path> parts, String... rest) {
        List<String> a = new ArrayList<>(List.of("merge", first));
        parts.forEach(p -> a.add(p.toString()));
        a.addAll(List.of(rest));
        return a;
    }

    @Test
    void theMergedSnapshotIsTheSingleScans() throws Exception {
        List<Path> parts = scanShards(plan, 4);
        try (Snapshot part = Snapshot.open(parts.get(1))) {
            assertEquals(root.resolve("a").toString(), part.root(), "a part is a snapshot of its shard's root");
            assertEquals(1, part.shardIndex());
            assertFalse(part.shardPlan().isEmpty());
        }
        Path merged = dir.resolve("merged.snap");
        List<Path> anyOrder = new ArrayList<>(parts);
        java.util.Collections.reverse(anyOrder);
        CliTest.Run merge = fsnap(args(plan.toString(), anyOrder, "-o", merged.toString()).toArray(String[]::new));
        assertEquals(0, merge.status(), merge.err());
        Path single = dir.resolve("single.snap");
        assertEquals(0, fsnap("scan", root.toString(), "-o", single.toString()).status());

        try (Snapshot s = Snapshot.open(single); Snapshot m = Snapshot.open(merged)) {
            assertNotNull(s.treeHash());
            assertEquals(s.treeHash(), m.treeHash(), "the same tree hash as the single scan's");
            assertTrue(merge.err().contains("tree hash " + s.treeHash()), merge.err());
            assertEquals(s.root(), m.root());
            assertEquals("", m.shardPlan(), "the merged snapshot is of the whole tree");
            assertEquals(List.of(s.entries(), s.directories(), s.errors(), s.bytes()),
                    List.of(m.entries(), m.directories(), m.errors(), m.bytes()), "the same counts");
        }
        CliTest.Run diff = fsnap("diff", single.toString(), merged.toString());
        assertEquals(0, diff.status(), diff.out() + diff.err());
        assertTrue(diff.out().contains(": no changes"), diff.out());
        CliTest.Run ls = fsnap("ls", single.toString());
        CliTest.Run lsMerged = fsnap("ls", merged.toString());
        assertTrue(ls.out().lines().count() > 900, ls.out());
        assertEquals(ls.out(), lsMerged.out(), "every entry listed the same");
    }

    @Test
    void partsThatCannotBeMergedAreNamedAndNothingIsWritten() throws Exception {
        List<Path> parts = scanShards(plan, 4);
        Path merged = dir.resolve("merged.snap");
        String out = merged.toString();

        CliTest.Run missing = fsnap(args(plan.toString(), parts.subList(0, 3), "-o", out).toArray(String[]::new));
        assertEquals(2, missing.status());
        assertEquals("fsnap: shard 3 (" + root.resolve("e") + "): no part among the 3 given; nothing was written\n",
                missing.err());

        List<Path> twice = new ArrayList<>(parts);
        twice.add(parts.get(2));
        CliTest.Run again = fsnap(args(plan.toString(), twice, "-o", out).toArray(String[]::new));
        assertEquals(2, again.status());
        assertEquals("fsnap: " + parts.get(2) + ": is shard 2, as " + parts.get(2) + " is; nothing was written\n",
                again.err());

        Path damaged = dir.resolve("damaged.snap");
        byte[] b = Files.readAllBytes(parts.get(1));
        b[b.length / 2] ^= 0x40;
        Files.write(damaged, b);
        List<Path> withDamage = new ArrayList<>(parts);
        withDamage.set(1, damaged);
        CliTest.Run bad = fsnap(args(plan.toString(), withDamage, "-o", out).toArray(String[]::new));
        assertEquals(2, bad.status());
        assertTrue(bad.err().startsWith("fsnap: " + damaged + ": cannot be merged: "), bad.err());
        assertTrue(bad.err().endsWith("; nothing was written\n"), bad.err());

        Path whole = dir.resolve("whole.snap");
        assertEquals(0, fsnap("scan", root.toString(), "-o", whole.toString()).status());
        List<Path> withWhole = new ArrayList<>(parts);
        withWhole.set(0, whole);
        CliTest.Run notPart = fsnap(args(plan.toString(), withWhole, "-o", out).toArray(String[]::new));
        assertEquals(2, notPart.status());
        assertEquals("fsnap: " + whole + ": is a snapshot of a whole tree (" + root
                + "), not a part of a plan; nothing was written\n", notPart.err());

        Path other = dir.resolve("other.json");
        assertEquals(0, fsnap("plan", root.toString(), "--shards", "2", "-o", other.toString()).status());
        Path foreign = dir.resolve("foreign.snap");
        CliTest.Run scanOther = fsnap("scan", root.toString(), "--shard", other + ":1", "-o", foreign.toString());
        assertEquals(0, scanOther.status(), scanOther.err());
        List<Path> withForeign = new ArrayList<>(parts);
        withForeign.set(1, foreign);
        CliTest.Run otherPlan = fsnap(args(plan.toString(), withForeign, "-o", out).toArray(String[]::new));
        assertEquals(2, otherPlan.status());
        assertTrue(otherPlan.err().startsWith("fsnap: " + foreign + ": is a part of another plan ("), otherPlan.err());
        assertFalse(Files.exists(merged), "no merged snapshot from parts that do not fit");

        CliTest.Run wrongRoot = fsnap("scan", root.resolve("a").toString(), "--shard", plan + ":1", "-o",
                dir.resolve("x.snap").toString());
        assertEquals(2, wrongRoot.status());
        assertEquals("fsnap: " + plan + " is a plan of " + root + ", not of " + root.resolve("a") + "\n", wrongRoot.err());
        CliTest.Run noShard = fsnap("scan", root.toString(), "--shard", plan + ":4", "-o", dir.resolve("x.snap").toString());
        assertEquals(2, noShard.status());
        assertEquals("fsnap: --shard: " + plan + ": the plan has shards 0 to 3, not 4\n", noShard.err());
        Files.writeString(other, "{\"fsnap_plan\":1,", StandardOpenOption.TRUNCATE_EXISTING);
        CliTest.Run notPlan = fsnap("merge", other.toString(), parts.get(0).toString(), "-o", out);
        assertEquals(2, notPlan.status());
        assertTrue(notPlan.err().startsWith("fsnap: " + other + ": not a plan of fsnap plan: not JSON at character "),
                notPlan.err());
        assertFalse(Files.exists(dir.resolve("x.snap")));
    }

    @Test
    void aShardWhoseScanFailedIsUnreadableInTheMergedSnapshotNeverAbsent() throws Exception {
        List<Path> parts = scanShards(plan, 4);
        Path merged = dir.resolve("merged.snap");
        List<Path> withoutDeep = new ArrayList<>(parts);
        withoutDeep.remove(2);
        CliTest.Run merge = fsnap(args(plan.toString(), withoutDeep, "-o", merged.toString(), "--allow-missing")
                .toArray(String[]::new));
        assertEquals(3, merge.status(), merge.err());
        assertTrue(merge.err().startsWith("fsnap: shard 2 (" + root.resolve("a/deep") + ") has no part: recorded as "
                + "unreadable\n"), merge.err());
        try (Snapshot m = Snapshot.open(merged)) {
            assertEquals(1, m.errors());
            ScanError why = m.unreadable().get(0);
            assertEquals("a/deep", why.displayPath());
            assertEquals("EIO", why.code());
            assertTrue(why.message().contains("shard 2's part is missing"), why.message());
            assertEquals(Snapshot.Status.FOUND, m.lookup("a/deep".getBytes(StandardCharsets.UTF_8)).status(),
                    "the shard's root is kept");
            assertEquals(Snapshot.Status.UNREADABLE, m.lookup("a/deep/link".getBytes(StandardCharsets.UTF_8)).status(),
                    "what it holds is unknown, not absent");
            assertEquals(Snapshot.Status.FOUND, m.lookup("a/side".getBytes(StandardCharsets.UTF_8)).status());
        }
        Path single = dir.resolve("single.snap");
        assertEquals(0, fsnap("scan", root.toString(), "-o", single.toString()).status());
        CliTest.Run check = fsnap("diff", single.toString(), merged.toString(), "--format", "lines");
        assertTrue(check.out().lines().noneMatch(l -> l.startsWith("- ")), "nothing reported removed: " + check.out());
        assertTrue(check.out().lines().anyMatch(l -> l.startsWith("! a/deep")), check.out());

        List<Path> withoutRoot = new ArrayList<>(parts.subList(1, 4));
        CliTest.Run noRoot = fsnap(args(plan.toString(), withoutRoot, "-o", merged.toString(), "--allow-missing")
                .toArray(String[]::new));
        assertEquals(2, noRoot.status());
        assertTrue(noRoot.err().contains("shard 0 (" + root + "): no part among the 3 given (the root's shard"),
                noRoot.err());
    }

    @Test
    void aShardWhoseRootWasReplacedBetweenTheScansIsLeftOutAndNamed() throws Exception {
        Path part3 = dir.resolve("part-3.snap");
        assertEquals(0, fsnap("scan", root.toString(), "--shard", plan + ":3", "-o", part3.toString()).status());
        Files.delete(root.resolve("e"));
        Files.write(root.resolve("e"), new byte[4]); // a file now, when shard 0 lists the root
        List<Path> parts = new ArrayList<>();
        for (int k = 0; k < 3; k++) {
            Path part = dir.resolve("part-" + k + ".snap");
            assertEquals(0, fsnap("scan", root.toString(), "--shard", plan + ":" + k, "-o", part.toString()).status());
            parts.add(part);
        }
        parts.add(part3);
        Path merged = dir.resolve("merged.snap");
        CliTest.Run merge = fsnap(args(plan.toString(), parts, "-o", merged.toString()).toArray(String[]::new));
        assertEquals(24, merge.status(), merge.err());
        assertTrue(merge.err().startsWith("fsnap: shard 3's root " + root.resolve("e") + " was not reached: it was not "
                + "a directory of its parent's part"), merge.err());
        Path single = dir.resolve("single.snap");
        assertEquals(0, fsnap("scan", root.toString(), "-o", single.toString()).status());
        try (Snapshot s = Snapshot.open(single); Snapshot m = Snapshot.open(merged)) {
            assertEquals(s.treeHash(), m.treeHash(), "the tree as the root's shard saw it: e a file");
            assertEquals(s.entries(), m.entries());
        }
    }

    @Test
    void withDigestsEachShardTakesUnchangedFilesOverFromLastNightsMergedSnapshot() throws Exception {
        Path night1 = dir.resolve("night1.snap");
        List<Path> parts = new ArrayList<>();
        for (int k = 0; k < 4; k++) {
            Path part = dir.resolve("d" + k + ".snap");
            CliTest.Run r = fsnap("scan", root.toString(), "--shard", plan + ":" + k, "--digest", "-o", part.toString());
            assertEquals(0, r.status(), r.err());
            parts.add(part);
        }
        assertEquals(0, fsnap(args(plan.toString(), parts, "-o", night1.toString()).toArray(String[]::new)).status());

        Path changed = root.resolve("a/side/top-extra");
        Files.write(changed, new byte[777]);
        assertEquals(0, CliTest.sh("touch -d '2020-01-02 00:00' \"$1\"", changed.toString()));
        Path night2 = dir.resolve("night2.snap");
        List<Path> again = new ArrayList<>();
        for (int k = 0; k < 4; k++) {
            Path part = dir.resolve("e" + k + ".snap");
            CliTest.Run r = fsnap("scan", root.toString(), "--shard", plan + ":" + k, "--digest", "--baseline",
                    night1.toString(), "-o", part.toString());
            assertEquals(0, r.status(), r.err());
            assertTrue(r.err().contains("fsnap: content: " + (k == 1 ? "777 B" : "0 B") + " read"),
                    "shard " + k + " reads only the new file: " + r.err());
            again.add(part);
        }
        assertEquals(0, fsnap(args(plan.toString(), again, "-o", night2.toString()).toArray(String[]::new)).status());
        CliTest.Run diff = fsnap("diff", night1.toString(), night2.toString(), "--format", "lines");
        assertEquals(1, diff.status(), diff.out() + diff.err());
        assertEquals(List.of("+ a/side/top-extra"), CliTest.changes(diff.out()).stream()
                .filter(l -> !l.startsWith("M a/side ")).toList(), diff.out());
    }

    /** Merges the four shards scanned with these options; returns the merge's run. */
    private CliTest.Run shardsAndMerge(Path merged, String... options) throws Exception {
        List<Path> parts = new ArrayList<>();
        for (int k = 0; k < 4; k++) {
            Path part = dir.resolve("o" + k + ".snap");
            List<String> a = new ArrayList<>(List.of("scan", root.toString(), "--shard", plan + ":" + k, "-o",
                    part.toString()));
            a.addAll(List.of(options));
            CliTest.Run r = fsnap(a.toArray(String[]::new));
            assertEquals(0, r.status(), r.err());
            parts.add(part);
        }
        return fsnap(args(plan.toString(), parts, "-o", merged.toString()).toArray(String[]::new));
    }

    /** The tree hash of a whole scan with these options. */
    private String single(String... options) throws Exception {
        Path single = dir.resolve("single-" + options.length + ".snap");
        List<String> a = new ArrayList<>(List.of("scan", root.toString(), "-o", single.toString()));
        a.addAll(List.of(options));
        assertEquals(0, fsnap(a.toArray(String[]::new)).status());
        try (Snapshot s = Snapshot.open(single)) {
            return s.treeHash();
        }
    }

    @Test
    void exclusionRulesMatchFromThePlansRootInEveryShard() throws Exception {
        TreeBuilder.at(root).file("a/deep/build/out.o", 5).file("a/side/build/keep.o", 6).file("a/deep/x.tmp", 1);
        Path merged = dir.resolve("merged.snap");
        CliTest.Run merge = shardsAndMerge(merged, "--exclude", "/a/deep/build", "--exclude", "*.tmp");
        assertEquals(0, merge.status(), merge.err());
        try (Snapshot m = Snapshot.open(merged)) {
            assertEquals(single("--exclude", "/a/deep/build", "--exclude", "*.tmp"), m.treeHash(),
                    "the single scan with the same rules");
            assertEquals(Snapshot.Status.EXCLUDED, m.lookup("a/deep/build".getBytes(StandardCharsets.UTF_8)).status(),
                    "an anchored rule, in shard a/deep's scan");
            assertEquals(Snapshot.Status.EXCLUDED, m.lookup("a/deep/x.tmp".getBytes(StandardCharsets.UTF_8)).status());
            assertEquals(Snapshot.Status.FOUND, m.lookup("a/side/build/keep.o".getBytes(StandardCharsets.UTF_8))
                    .status(), "another build directory is not the rule's");
        }
    }

    @Test
    void underOneFileSystemAShardOnAnotherFilesystemIsLeftOutAsAWholeScanLeavesIt() throws Exception {
        Path e = root.resolve("e");
        Assumptions.assumeTrue(CliTest.sh("mount -t tmpfs fsnap-shard \"$1\" && touch \"$1\"/inside", e.toString()) == 0,
                "mounting a tmpfs needs root and CAP_SYS_ADMIN");
        try {
            assertEquals(0, CliTest.sh("touch -d '2020-01-01 00:00' \"$1\" \"$1\"/inside", e.toString()));
            Path merged = dir.resolve("merged.snap");
            CliTest.Run merge = shardsAndMerge(merged, "-x");
            assertEquals(0, merge.status(), merge.err());
            assertTrue(merge.err().startsWith("fsnap: shard 3's root " + e + " is on another filesystem: left out, "
                    + "as --one-file-system leaves it\n"), merge.err());
            try (Snapshot m = Snapshot.open(merged)) {
                assertEquals(single("-x"), m.treeHash());
                assertEquals(Snapshot.Status.NOT_SCANNED, m.lookup("e/inside".getBytes(StandardCharsets.UTF_8)).status());
            }
        } finally {
            CliTest.sh("umount \"$1\"", e.toString());
        }
    }

    @Test
    void shardedNightsGoIntoARepositoryWithTheirMetrics() throws Exception {
        Path repo = dir.resolve("repo");
        Path prom = dir.resolve("fsnap.prom");
        List<Path> first = scanShards(plan, 4);
        CliTest.Run night1 = fsnap(args(plan.toString(), first, "--repo", repo.toString(), "--metrics", prom.toString())
                .toArray(String[]::new));
        assertEquals(0, night1.status(), night1.err());
        Files.write(root.resolve("b-new"), new byte[9]);
        Thread.sleep(5); // runs are named by their start, to the millisecond
        List<Path> second = scanShards(plan, 4);
        CliTest.Run night2 = fsnap(args(plan.toString(), second, "--repo", repo.toString(), "--metrics", prom.toString())
                .toArray(String[]::new));
        assertEquals(0, night2.status(), night2.err());

        CliTest.Run history = fsnap("history", repo.toString());
        assertEquals(0, history.status(), history.err());
        assertEquals(2, history.out().lines().filter(l -> l.contains(" 0 ")).count(), history.out());
        CliTest.Run diff = fsnap("diff", repo + "@-1", repo + "@latest", "--format", "lines");
        assertEquals(1, diff.status(), diff.err());
        assertTrue(CliTest.changes(diff.out()).contains("+ b-new"), diff.out());

        if (CliTest.sh("command -v promtool") == 0) {
            StringBuilder out = new StringBuilder();
            assertEquals(0, CliTest.sh("promtool check metrics < \"$1\"", out, prom.toString()), out.toString());
        }
        String metrics = Files.readString(prom);
        assertTrue(metrics.contains("fsnap_exit_status{root=\"" + root + "\"} 0"), metrics);

    }

    @Test
    void withLinksFollowedALinkAboveItsShardLoopsAsInAWholeScan() throws Exception {
        Files.createSymbolicLink(root.resolve("a/deep/up"), Path.of("../.."));
        List<Path> parts = new ArrayList<>();
        for (int k = 0; k < 4; k++) {
            Path part = dir.resolve("f" + k + ".snap");
            CliTest.Run r = fsnap("scan", root.toString(), "--shard", plan + ":" + k, "--follow", "-o", part.toString());
            assertEquals(k == 2 ? 3 : 0, r.status(), r.err());
            parts.add(part);
        }
        Path merged = dir.resolve("merged.snap");
        CliTest.Run merge = fsnap(args(plan.toString(), parts, "-o", merged.toString()).toArray(String[]::new));
        assertEquals(3, merge.status(), merge.err());
        Path single = dir.resolve("single.snap");
        assertEquals(3, fsnap("scan", root.toString(), "--follow", "-o", single.toString()).status());
        try (Snapshot s = Snapshot.open(single); Snapshot m = Snapshot.open(merged)) {
            assertEquals(s.treeHash(), m.treeHash(), "the link to the tree's root loops where it is, in shard a/deep");
            assertEquals(List.of("a/deep/up OPEN ELOOP"), m.unreadable().stream()
                    .map(e -> e.displayPath() + " " + e.operation() + " " + e.code()).toList());
        }
    }

    /**
     * A plan file edited so that shard 1's root is {@code r} (shard 0 excluding it), with the id
     * its shards have: as someone would write it who recomputed the id, so that only the checks of
     * the roots themselves stand between it and a scan.
     */
    private static String editedPlan(Path root, String r) throws Exception {
        java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
        String hashed = ShardPlan.FORMAT + "\0" + root + "\0" + "\1" + r + "\0" + r; // docs/scale-out.md: root, shards
        String id = java.util.HexFormat.of().formatHex(sha.digest(hashed.getBytes(StandardCharsets.UTF_8)), 0, 16);
        return "{\"fsnap_plan\":1,\"id\":\"" + id + "\",\"root\":\"" + root + "\",\"counts_from\":null,\"shards\":[\n"
                + "{\"index\":0,\"root\":\"\",\"entries\":1,\"exclude\":[\"" + r + "\"]},\n"
                + "{\"index\":1,\"root\":\"" + r + "\",\"entries\":1,\"exclude\":[]}\n],\"balance\":1}\n";
    }

    /** Refused by scan --shard and by merge: one line naming the plan file and the reason, exit 2, no part. */
    private void refusedPlan(Path bad, String reason) throws Exception {
        Path part = dir.resolve("part.snap");
        CliTest.Run scan = fsnap("scan", root.toString(), "--digest", "--shard", bad + ":1", "-o", part.toString());
        assertEquals(2, scan.status(), scan.err());
        assertEquals("fsnap: " + bad + ": not a plan of fsnap plan: " + reason + "\n", scan.err());
        assertEquals("", scan.out());
        CliTest.Run merge = fsnap("merge", bad.toString(), plan.toString(), "-o", dir.resolve("m.snap").toString());
        assertEquals(2, merge.status(), merge.err());
        assertEquals("fsnap: " + bad + ": not a plan of fsnap plan: " + reason + "\n", merge.err());
        assertFalse(Files.exists(part) || Files.exists(dir.resolve("m.snap")), "nothing written");
    }

    @Test
    void aPlanWhoseShardRootIsNotAPlainPathBelowItsRootIsRefused() throws Exception {
        Path bad = dir.resolve("bad.json");
        // ../.. with its id recomputed: the scan of shard 1 would have read the tree's grandparent.
        Files.writeString(bad, editedPlan(root, "../.."));
        refusedPlan(bad, "shard 1's root \"../..\" leads outside the plan's root");
        Files.writeString(bad, editedPlan(root, "a/../.."));
        refusedPlan(bad, "shard 1's root \"a/../..\" leads outside the plan's root");
        for (String r : new String[] {".", "a/./deep", "a/", "a//deep", "/a"}) {
            Files.writeString(bad, editedPlan(root, r));
            refusedPlan(bad, "shard 1's root \"" + r + "\" is not a plain relative path (names joined by one slash "
                    + "each, none of them \".\", as fsnap plan writes it)");
        }
        // Without its id, edited shards would go unnoticed.
        Files.writeString(bad, Files.readString(plan).replaceFirst("\"id\":\"[0-9a-f]+\",", ""));
        refusedPlan(bad, "it has no id, which tells its parts from another plan's: plan again");
        // Nested beyond any plan: refused at the limit, not by the reader's stack.
        Files.writeString(bad, "[".repeat(200_000));
        refusedPlan(bad, "not JSON at character 64: nested deeper than 64 arrays and objects");
    }

    @Test
    void aShardRootReachedThroughALinkOutOfThePlansRootIsRefusedWhenScanned() throws Exception {
        Path outside = Files.createDirectories(dir.resolve("outside/deep"));
        Files.writeString(outside.resolve("secret"), "not the plan's");
        Path tree = Files.createDirectories(dir.resolve("linked"));
        Files.createSymbolicLink(tree.resolve("a"), outside.getParent());
        Path linked = dir.resolve("linked.json");
        Files.writeString(linked, ShardPlan.of(tree.toString(), List.of(new Shard(0, "", List.of("a/deep"), 1),
                new Shard(1, "a/deep", List.of(), 1))).json());
        Path part = dir.resolve("part.snap");
        CliTest.Run plain = fsnap("scan", tree.toString(), "--digest", "--shard", linked + ":1", "-o", part.toString());
        assertEquals(2, plain.status(), plain.err());
        assertEquals("fsnap: --shard: " + linked + ": shard 1's root \"a/deep\" passes through the symbolic link "
                + tree.resolve("a") + ", which a scan of the whole tree does not follow\n", plain.err());
        CliTest.Run follow = fsnap("scan", tree.toString(), "--follow", "--digest", "--shard", linked + ":1", "-o",
                part.toString());
        assertEquals(2, follow.status(), follow.err());
        assertEquals("fsnap: --shard: " + linked + ": shard 1's root \"a/deep\" passes through the symbolic link "
                + tree.resolve("a") + ", which leads outside the plan's root, to " + outside.getParent().toRealPath()
                + "\n", follow.err());
        assertFalse(Files.exists(part), "no part");
    }

    /**
     * The check of a shard's root (no link on the way) is made when its scan's options are, from the
     * paths; the scan opens the root after. A directory on the way swapped for a link in between
     * must not lead the scan to a decoy: the shard's root is opened from the plan's root's
     * descriptor, and the kernel refuses the link. The options are made here before the swap, as
     * {@code scan --shard} makes them, so that the swap lands between check and open every time.
     */
    @Test
    void aLinkSwappedInOnTheWayToAShardsRootAfterItsCheckIsRefusedByTheKernel() throws Exception {
        ShardPlan p = ShardPlan.read(plan);
        dev.fsnap.scan.ScanOptions plain = p.scanOptions(2, dev.fsnap.scan.ScanOptions.builder(root).build());
        dev.fsnap.scan.ScanOptions follow = p.scanOptions(2,
                dev.fsnap.scan.ScanOptions.builder(root).followSymlinks(true).build());
        Path decoy = Files.createDirectories(dir.resolve("decoy/deep"));
        Files.writeString(decoy.resolve("secret"), "not the plan's");
        Files.move(root.resolve("a"), dir.resolve("a.moved"));
        Files.createSymbolicLink(root.resolve("a"), decoy.getParent());
        java.io.IOException refused = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
                () -> scanned(plain));
        assertEquals(root.resolve("a") + ": shard 2's root \"a/deep\" passes through this symbolic link, which a "
                + "scan of the whole tree does not follow", dev.fsnap.internal.IoMessages.describe(refused));
        refused = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class, () -> scanned(follow));
        assertEquals(root.resolve("a/deep") + ": shard 2's root \"a/deep\" leads outside the plan's root " + root
                + " through a symbolic link", dev.fsnap.internal.IoMessages.describe(refused));
    }

    /**
     * The heaviest directory of a tree named with bytes that are no UTF-8: {@code plan} does not cut
     * it off as a shard, whose root is written as text (it was cut as the text "\uFFFD", and the
     * scan of that shard found no such directory); it stays in the root's shard, and the parts
     * merge to the single scan's tree.
     */
    @Test
    void aDirectoryWhoseNameIsNoUtf8IsNotCutOffAsAShard() throws Exception {
        Path tree = dir.resolve("named");
        assertEquals(0, CliTest.sh("mkdir -p \"$1\"/$'\\xff'/x \"$1\"/b/y && for i in $(seq 60); do : > \"$1\"/$'\\xff'/x/f$i; "
                + "done && for i in $(seq 20); do : > \"$1\"/b/y/f$i; done", tree.toString()));
        Path p = dir.resolve("named.json");
        CliTest.Run planned = fsnap("plan", tree.toString(), "--shards", "2", "-o", p.toString());
        assertEquals(0, planned.status(), planned.err());
        ShardPlan read = ShardPlan.read(p);
        assertEquals(List.of("", "b"), read.shards().stream().map(Shard::root).toList(), Files.readString(p));
        List<Path> parts = new ArrayList<>();
        for (int k = 0; k < 2; k++) {
            Path part = dir.resolve("named-" + k + ".snap");
            CliTest.Run r = fsnap("scan", tree.toString(), "--shard", p + ":" + k, "-o", part.toString());
            assertEquals(0, r.status(), r.err());
            parts.add(part);
        }
        Path merged = dir.resolve("named-merged.snap");
        CliTest.Run merge = fsnap(args(p.toString(), parts, "-o", merged.toString()).toArray(String[]::new));
        assertEquals(0, merge.status(), merge.err());
        Path single = dir.resolve("named-single.snap");
        assertEquals(0, fsnap("scan", tree.toString(), "-o", single.toString()).status());
        try (Snapshot s = Snapshot.open(single); Snapshot m = Snapshot.open(merged)) {
            assertEquals(s.treeHash(), m.treeHash());
        }
    }

    /** Scans with these options; returns the paths seen. */
    private static List<String> scanned(dev.fsnap.scan.ScanOptions options) throws Exception {
        List<String> seen = java.util.Collections.synchronizedList(new ArrayList<>());
        dev.fsnap.scan.Scanner.of(options).scan(new dev.fsnap.scan.EntryVisitor() {
            @Override
            public void visit(dev.fsnap.scan.Entry e) {
                seen.add(new String(e.path(), StandardCharsets.UTF_8));
            }
        });
        return seen;
    }
}
