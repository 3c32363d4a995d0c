package dev.fsnap.cli;

import dev.fsnap.scan.ScanError;
import dev.fsnap.snapshot.Snapshot;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Permissions as an ordinary user meets them (root reads everything): the command line run as
 * {@code nobody} through {@code setpriv}, on a tree with directories it may not enter or list.
 */
class AnotherUserTest {
    @TempDir
    Path dir;

    private Path classpath;

    @BeforeEach
    void aClasspathNobodyCanRead() throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "needs root to switch users");
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")), "needs setpriv (util-linux)");
        open(dir);
        classpath = Files.createDirectory(dir.resolve("cp"));
        List<String> parts = new ArrayList<>();
        int i = 0;
        for (String element : System.getProperty("java.class.path").split(":")) {
            Path from = Path.of(element);
            Path to = classpath.resolve(i++ + "-" + from.getFileName());
            copy(from, to);
            parts.add(to.toString());
        }
        Files.writeString(classpath.resolve("path"), String.join(":", parts));
    }

    private static void open(Path p) throws IOException {
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(Files.isDirectory(p) ? "rwxr-xr-x" : "rw-r--r--"));
    }

    private static void copy(Path from, Path to) throws IOException {
        if (Files.isDirectory(from)) {
            try (var walk = Files.walk(from)) {
                for (Path p : walk.toList()) {
                    Path t = to.resolve(from.relativize(p).toString());
                    if (Files.isDirectory(p)) {
                        Files.createDirectories(t);
                    } else {
                        Files.copy(p, t);
                    }
                    open(t);
                }
            }
        } else if (Files.exists(from)) {
            Files.copy(from, to);
            open(to);
        }
    }

    record Run(int status, String out, String err) {
    }

    private Run asNobody(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("/usr/bin/setpriv", "--reuid=65534", "--regid=65534",
                "--clear-groups", "--", ProcessHandle.current().info().command().orElse("java"),
                "-Djava.io.tmpdir=" + dir.resolve("tmp"), "-cp", Files.readString(classpath.resolve("path")),
                Main.class.getName()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).start();
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(p.getInputStream()));
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        return new Run(p.exitValue(), out.join(), err.join());
    }

    private static String read(java.io.InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void whatTheUserMayNotReadIsRecordedAsUnreadableAndTheRestIsScanned() throws Exception {
        Path tmp = Files.createDirectory(dir.resolve("tmp"));
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path root = Files.createDirectory(dir.resolve("t"));
        open(root);
        for (String d : List.of("open", "closed", "listonly")) {
            open(Files.createDirectory(root.resolve(d)));
        }
        open(Files.write(root.resolve("open/f"), new byte[3]));
        open(Files.write(root.resolve("closed/hidden"), new byte[1]));
        open(Files.write(root.resolve("listonly/x"), new byte[1]));
        Files.write(root.resolve("secret"), new byte[5]);
        Files.setPosixFilePermissions(root.resolve("secret"), PosixFilePermissions.fromString("---------"));
        Files.setPosixFilePermissions(root.resolve("closed"), PosixFilePermissions.fromString("---------"));
        Files.setPosixFilePermissions(root.resolve("listonly"), PosixFilePermissions.fromString("r--r--r--"));
        Path out = Files.createDirectory(dir.resolve("out"));
        Files.setPosixFilePermissions(out, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path snap = out.resolve("s");

        Run r = asNobody("scan", root.toString(), "--json", "-o", snap.toString(), "--threads", "2");
        assertEquals(3, r.status(), r.err());
        assertTrue(r.err().contains("fsnap: " + root + "/closed: Permission denied\n"), r.err());
        assertTrue(r.err().contains("fsnap: " + root + "/listonly/x: Permission denied\n"), r.err());
        assertTrue(r.err().contains(" 2 errors,"), r.err());
        List<String> paths = r.out().lines().map(l -> l.substring(9, l.indexOf('"', 9))).sorted().toList();
        assertEquals(List.of(".", "closed", "listonly", "open", "open/f", "secret"), paths);

        List<ScanError> unreadable = new ArrayList<>();
        try (Snapshot s = Snapshot.open(snap)) {
            s.walk(new Snapshot.Visitor() {
                @Override
                public void entry(dev.fsnap.scan.Entry e) {
                }

                @Override
                public void unreadable(ScanError e) {
                    unreadable.add(e);
                }
            });
            assertEquals(Snapshot.Status.UNREADABLE, s.lookup("closed/hidden".getBytes(StandardCharsets.UTF_8)).status());
            assertEquals(Snapshot.Status.UNREADABLE, s.lookup("listonly/x".getBytes(StandardCharsets.UTF_8)).status());
            assertEquals(Snapshot.Status.FOUND, s.lookup("secret".getBytes(StandardCharsets.UTF_8)).status());
        }
        assertEquals(List.of("closed OPEN EACCES", "listonly/x STAT EACCES"), unreadable.stream()
                .map(e -> e.displayPath() + " " + e.operation() + " " + e.code()).toList());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(snap)));

        Run unreadableRoot = asNobody("scan", root.resolve("closed").toString());
        assertEquals(2, unreadableRoot.status());
        assertEquals("fsnap: " + root.resolve("closed") + ": permission denied\n", unreadableRoot.err());
        assertFalse(unreadableRoot.err().contains("Exception"));
    }

    /**
     * Shards that meet what their user may not read: each part records its unreadable entries, the
     * merge names the shards that did and exits 3, and the merged snapshot is the single scan's,
     * the unreadable paths made relative to the tree's root. A shard whose root the user cannot
     * open leaves no part; merged with --allow-missing, its root is unreadable, never absent.
     */
    @Test
    void theUnreadableEntriesOfShardsAreMergedAndNamed() throws Exception {
        Path tmp = Files.createDirectory(dir.resolve("tmp"));
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path root = Files.createDirectory(dir.resolve("t"));
        open(root);
        for (String d : List.of("a", "a/closed", "a/open", "b", "c")) {
            open(Files.createDirectory(root.resolve(d)));
        }
        open(Files.write(root.resolve("a/open/f"), new byte[3]));
        open(Files.write(root.resolve("a/closed/hidden"), new byte[1]));
        open(Files.write(root.resolve("b/g"), new byte[2]));
        open(Files.write(root.resolve("c/h"), new byte[2]));
        Files.setPosixFilePermissions(root.resolve("a/closed"), PosixFilePermissions.fromString("---------"));
        Path out = Files.createDirectory(dir.resolve("out"));
        Files.setPosixFilePermissions(out, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path plan = out.resolve("plan.json");
        Files.writeString(plan, dev.fsnap.snapshot.ShardPlan.of(root.toString(), List.of(
                new dev.fsnap.snapshot.ShardPlan.Shard(0, "", List.of("a", "c"), 0),
                new dev.fsnap.snapshot.ShardPlan.Shard(1, "a", List.of(), 0),
                new dev.fsnap.snapshot.ShardPlan.Shard(2, "c", List.of(), 0))).json());
        open(plan);
        List<String> parts = new ArrayList<>();
        for (int k = 0; k < 3; k++) {
            String part = out.resolve("part-" + k + ".snap").toString();
            parts.add(part);
            Run r = asNobody("scan", root.toString(), "--shard", plan + ":" + k, "-o", part);
            assertEquals(k == 1 ? 3 : 0, r.status(), r.err());
        }
        Path merged = out.resolve("merged.snap");
        List<String> merge = new ArrayList<>(List.of("merge", plan.toString()));
        merge.addAll(parts);
        merge.addAll(List.of("-o", merged.toString()));
        Run m = asNobody(merge.toArray(String[]::new));
        assertEquals(3, m.status(), m.err());
        assertTrue(m.err().startsWith("fsnap: shard 1 (" + root.resolve("a") + ") recorded 1 unreadable entry\n"),
                m.err());
        Path single = out.resolve("single.snap");
        assertEquals(3, asNobody("scan", root.toString(), "-o", single.toString()).status());
        try (Snapshot s = Snapshot.open(single); Snapshot mm = Snapshot.open(merged)) {
            assertEquals(s.treeHash(), mm.treeHash(), "the same tree, unreadable parts and all");
            assertEquals(1, mm.errors());
            assertEquals("a/closed", mm.unreadable().get(0).displayPath(), "relative to the tree's root");
            assertEquals(s.unreadable().get(0).code(), mm.unreadable().get(0).code());
        }

        // c cannot be opened at all: its scan writes no part; merged anyway, c is unreadable.
        Files.setPosixFilePermissions(root.resolve("c"), PosixFilePermissions.fromString("---------"));
        Run failed = asNobody("scan", root.toString(), "--shard", plan + ":2", "-o", out.resolve("c.snap").toString());
        assertEquals(2, failed.status(), failed.err());
        assertFalse(Files.exists(out.resolve("c.snap")));
        Run partial = asNobody("merge", plan.toString(), parts.get(0), parts.get(1), "-o", merged.toString(),
                "--allow-missing");
        assertEquals(3, partial.status(), partial.err());
        assertTrue(partial.err().contains("fsnap: shard 2 (" + root.resolve("c") + ") has no part: recorded as "
                + "unreadable\n"), partial.err());
        try (Snapshot mm = Snapshot.open(merged)) {
            assertEquals(Snapshot.Status.FOUND, mm.lookup("c".getBytes(StandardCharsets.UTF_8)).status());
            assertEquals(Snapshot.Status.UNREADABLE, mm.lookup("c/h".getBytes(StandardCharsets.UTF_8)).status());
        }
    }
}
