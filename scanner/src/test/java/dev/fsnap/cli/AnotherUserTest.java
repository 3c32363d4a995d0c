package dev.fsnap.cli;

import dev.fsnap.repository.OtherUsersException;
import dev.fsnap.repository.RefusedException;
import dev.fsnap.repository.Repository;
import dev.fsnap.repository.RootLock;
import dev.fsnap.repository.RunSeries;
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

    /** Runs a bash script as nobody, with arguments ($1, ...); its exit status and output. */
    private static Run shAsNobody(String script, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("/usr/bin/setpriv", "--reuid=65534", "--regid=65534",
                "--clear-groups", "--", "bash", "-c", script, "_"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = read(p.getInputStream());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        return new Run(p.exitValue(), out, "");
    }

    /** A repository shared as /tmp is: mode 1777, root's. */
    private Path sharedRepository() throws Exception {
        Path tmp = Files.createDirectory(dir.resolve("tmp"));
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path repo = Files.createDirectory(dir.resolve("repo"));
        assertEquals(0, CliTest.sh("chmod 1777 \"$1\"", repo.toString()));
        Repository.open(repo); // as root's first run makes it
        return repo;
    }

    /**
     * In a shared (1777) repository a root's directory has a name anyone can work out. nobody makes
     * it first: as a link to a directory of theirs, or of someone else's, root's run writes nothing
     * through it; as a directory of theirs holding a forged baseline (a snapshot of the tree as it
     * is after a file was changed), root's run does not compare against it, so cannot be made to
     * miss the change; each is exit 2 naming the owner. Once root's own directory is there,
     * nobody can neither put a file in it nor rename it away, and the change is reported.
     */
    @Test
    void aSharedRepositoryDirectoryAnotherUserMadeIsNeitherWrittenThroughNorComparedAgainst() throws Exception {
        Path repo = sharedRepository();
        Path root = Files.createDirectory(dir.resolve("data"));
        open(root);
        open(Files.writeString(root.resolve("f"), "good\n"));
        Path key = repo.resolve(Repository.key(Repository.canonical(root.toString())));

        Path theirs = dir.resolve("tmp").resolve("theirs");
        assertEquals(0, shAsNobody("mkdir \"$1\" && ln -s \"$1\" \"$2\"", theirs.toString(), key.toString()).status());
        CliTest.Run throughTheirs = CliTest.fsnap("check", root.toString(), "--repo", repo.toString());
        assertEquals(2, throughTheirs.status(), throughTheirs.err());
        assertEquals("fsnap: " + key + " (the runs of " + root + ") is a symbolic link (made by nobody), not a directory "
                + "fsnap made: a run does not follow it; remove it\n", throughTheirs.err());
        try (var left = Files.list(theirs)) {
            assertEquals(List.of(), left.toList(), "nothing written through the link");
        }
        Path others = Files.createDirectory(dir.resolve("others"));
        assertEquals(0, shAsNobody("rm \"$1\" && ln -s \"$2\" \"$1\"", key.toString(), others.toString()).status());
        CliTest.Run throughOthers = CliTest.fsnap("scan", root.toString(), "--repo", repo.toString());
        assertEquals(2, throughOthers.status(), throughOthers.err());
        assertTrue(throughOthers.err().contains(key + " (the runs of " + root + ") is a symbolic link (made by nobody)"),
                throughOthers.err());
        try (var left = Files.list(others)) {
            assertEquals(List.of(), left.toList(), "nothing written through the link");
        }

        // A directory of nobody's with a forged baseline: the tree as it is after f was changed.
        Files.writeString(root.resolve("f"), "evil\n");
        Path forged = dir.resolve("forged.snap");
        assertEquals(0, CliTest.fsnap("scan", root.toString(), "-o", forged.toString()).status());
        open(forged);
        assertEquals(0, shAsNobody("rm \"$1\" && mkdir \"$1\" && printf '%s\\n' \"$2\" > \"$1/root\" && cp \"$3\" "
                + "\"$1/20261101T030000.000Z.snap\"", key.toString(), root.toString(), forged.toString()).status());
        CliTest.Run forgedRun = CliTest.fsnap("check", root.toString(), "--repo", repo.toString());
        assertEquals(2, forgedRun.status(), forgedRun.out() + forgedRun.err());
        assertEquals("fsnap: " + key + " (the runs of " + root + ") is owned by nobody, not by root: a run neither writes "
                + "into nor compares against another user's directory; if it is not nobody's to keep, remove it\n",
                forgedRun.err());
        try (var left = Files.list(key)) {
            assertEquals(2, left.count(), "nothing written into nobody's directory");
        }

        // Root's own directory: nobody can neither plant a baseline or a lock in it nor move it away.
        assertEquals(0, shAsNobody("rm -r \"$1\"", key.toString()).status());
        Files.writeString(root.resolve("f"), "good\n");
        assertEquals(0, CliTest.fsnap("check", root.toString(), "--repo", repo.toString()).status());
        for (String attack : List.of("cp \"$2\" \"$1/20991231T000000.000Z.snap\"", "ln -s /nowhere \"$1/lock\"",
                "mv \"$1\" \"$1.moved\"", "rm -r \"$1\"")) {
            Run r = shAsNobody(attack, key.toString(), forged.toString());
            assertTrue(r.status() != 0, attack + " was refused: " + r.out());
        }
        // Nor open the lock a run holds (or a killed run left), to hold a shared record lock on it for ever.
        RootLock.Taken held = (RootLock.Taken) Repository.open(repo).root(Repository.canonical(root.toString())).lock();
        try (RootLock lock = held.lock()) {
            Run open = shAsNobody("exec 3< \"$1/lock\"", key.toString());
            assertTrue(open.status() != 0 && open.out().contains("Permission denied"), open.out());
        }
        Files.writeString(root.resolve("f"), "evil\n");
        CliTest.Run caught = CliTest.fsnap("check", root.toString(), "--repo", repo.toString(), "--format", "lines");
        assertEquals(1, caught.status(), caught.out() + caught.err());
        assertTrue(caught.out().lines().anyMatch(l -> l.startsWith("M f")), caught.out());
    }

    /**
     * nobody's lock, planted in a directory made first as a link to a root-only file, neither
     * blocks root's run with exit 75 nor shows the file's content: the run is exit 2 naming the
     * directory's owner. A root file and a summary planted as links to that file are not read by
     * root's history. nobody's own runs in the shared repository work, and root's forget leaves
     * them to nobody.
     */
    @Test
    void nobodyCanNeitherBlockRootsRunNorMakeItShowARootOnlyFile() throws Exception {
        Path repo = sharedRepository();
        Path root = Files.createDirectory(dir.resolve("data"));
        open(root);
        open(Files.writeString(root.resolve("f"), "good\n"));
        Path secret = Files.writeString(dir.resolve("shadow"), "root:TOPSECRET-HASH:19000:0:99999:7:::\n");
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
        Path key = repo.resolve(Repository.key(Repository.canonical(root.toString())));

        assertEquals(0, shAsNobody("mkdir \"$1\" && ln -s \"$2\" \"$1/lock\" && ln -s \"$2\" \"$1/root\" "
                + "&& : > \"$1/20261101T030000.000Z.snap\" && ln -s \"$2\" \"$1/20261101T030000.000Z.json\"",
                key.toString(), secret.toString()).status());
        CliTest.Run blocked = CliTest.fsnap("check", root.toString(), "--repo", repo.toString());
        assertEquals(2, blocked.status(), blocked.err());
        assertTrue(blocked.err().contains(key + " (the runs of " + root + ") is owned by nobody"), blocked.err());
        assertFalse(blocked.err().contains("TOPSECRET"), blocked.err());

        // nobody's own tree, its runs in the shared repository.
        Path mine = Files.createDirectory(dir.resolve("mine"));
        open(mine);
        assertEquals(0, asNobody("check", mine.toString(), "--repo", repo.toString()).status());

        CliTest.Run history = CliTest.fsnap("history", repo.toString());
        assertEquals(0, history.status(), history.err());
        assertFalse(history.out().contains("TOPSECRET") || history.err().contains("TOPSECRET"), history.out());
        assertTrue(history.out().contains("(damaged: " + key.resolve("root") + " is not a regular file) ("
                + key.getFileName() + "): 1 run\n"), history.out());
        assertTrue(history.out().contains("  damaged summary (20261101T030000.000Z.json: unreadable: "
                + key.resolve("20261101T030000.000Z.json") + " is not a regular file)  0 B snapshot"), history.out());
        assertTrue(history.out().contains(mine + " ("), history.out());

        CliTest.Run forget = CliTest.fsnap("forget", repo.toString(), "--keep-last", "1");
        assertEquals(0, forget.status(), forget.err());
        assertTrue(forget.err().contains("fsnap: note: " + repo.resolve(Repository.key(mine.toString()))
                + " (the runs of " + mine + ") is owned by nobody, not by root"), forget.err());
        assertFalse(forget.err().contains("TOPSECRET"), forget.err());
        assertTrue(Files.isSymbolicLink(key.resolve("lock")), "nobody's files are left as they are");
        assertEquals("root:TOPSECRET-HASH:19000:0:99999:7:::\n", Files.readString(secret));
    }

    /**
     * nobody makes a FIFO where root's directory for a root goes (its name is easy to work out):
     * root's check is refused at once, exit 2 naming the path, what it is and who made it; before,
     * the run opened it for reading and waited for a writer for ever. history and forget go on.
     */
    @Test
    void aFifoWhereARootsDirectoryGoesIsRefusedNotWaitedOn() throws Exception {
        Path repo = sharedRepository();
        Path root = Files.createDirectory(dir.resolve("data"));
        open(root);
        Path key = repo.resolve(Repository.key(Repository.canonical(root.toString())));
        assertEquals(0, shAsNobody("mkfifo \"$1\"", key.toString()).status());

        CliTest.Run check = CliTest.fsnap("check", root.toString(), "--repo", repo.toString());
        assertEquals(2, check.status(), check.err());
        assertEquals("fsnap: " + key + " (the runs of " + root + ") is a FIFO (made by nobody), not a directory fsnap "
                + "made: a run does not open it; remove it\n", check.err());
        assertEquals(0, CliTest.fsnap("history", repo.toString()).status());
        assertEquals(0, CliTest.fsnap("forget", repo.toString(), "--keep-last", "1").status());
    }

    /**
     * nobody swaps the root file and a summary in a directory of theirs between a regular file and
     * a FIFO (renamed over each other, as fast as a loop goes) while root lists and judges that
     * directory, as history and forget do, thousands of times: each read ends, with the root or
     * refused as no regular file; none waits on the FIFO. Then history and forget exit 0, forget
     * leaving nobody's runs to nobody. Before, a file looked at as regular and opened as a FIFO a
     * moment later stopped them for ever, and with forget, retention.
     */
    @Test
    void aFifoSwappedInForARootFileNeverStopsHistoryOrForget() throws Exception {
        Path python = Path.of("/usr/bin/python3");
        Assumptions.assumeTrue(Files.isExecutable(python), "needs python3 for a fast swapping loop");
        Path repo = sharedRepository();
        Path key = repo.resolve("theirs-0123abcd");
        assertEquals(0, shAsNobody("mkdir \"$1\" && printf '/theirs\\n' > \"$1/root\" && : > \"$1/$2.snap\" "
                + "&& printf '{\"exit\":0}\\n' > \"$1/$2.json\"", key.toString(), "20261101T030000.000Z").status());
        String swap = String.join("\n",
                "import os, sys",
                "d, i = sys.argv[1], 0",
                "while True:",
                "    for name, text in (('root', '/theirs\\n'), ('20261101T030000.000Z.json', '{\"exit\":0}\\n')):",
                "        i += 1",
                "        f = '%s/.f%d' % (d, i)",
                "        os.mkfifo(f)",
                "        os.rename(f, d + '/' + name)",
                "        r = '%s/.r%d' % (d, i)",
                "        with open(r, 'w') as w:",
                "            w.write(text)",
                "        os.rename(r, d + '/' + name)");
        Process swapper = new ProcessBuilder("/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--",
                python.toString(), "-c", swap, key.toString()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            int[] outcomes = new int[2]; // read, refused
            org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(120), () -> {
                for (int i = 0; i < 3000; i++) {
                    for (RunSeries r : Repository.existing(repo).roots()) {
                        try {
                            assertEquals("/theirs", r.root());
                            outcomes[0]++;
                        } catch (RefusedException refused) {
                            assertTrue(refused.getMessage().contains(" is not a regular file"), refused.getMessage());
                            outcomes[1]++;
                        } catch (java.nio.file.NoSuchFileException between) {
                            outcomes[1]++;
                        }
                        OtherUsersException others = org.junit.jupiter.api.Assertions.assertThrows(
                                OtherUsersException.class, r::check);
                        assertTrue(others.getMessage().startsWith(key + " (the runs of "), others.getMessage());
                        for (dev.fsnap.repository.Run run : r.runs()) {
                            run.verdict();
                        }
                    }
                }
            }, "a read waited on the FIFO");
            assertTrue(swapper.isAlive(), "the swapping went on all along");
            assertTrue(outcomes[0] > 0 && outcomes[1] > 0, "both met: " + outcomes[0] + " read, " + outcomes[1] + " refused");

            CliTest.Run history = CliTest.fsnap("history", repo.toString());
            assertEquals(0, history.status(), history.err());
            assertTrue(history.out().contains("(" + key.getFileName() + "): 1 run\n"), history.out());
            CliTest.Run forget = CliTest.fsnap("forget", repo.toString(), "--keep-last", "1");
            assertEquals(0, forget.status(), forget.err());
            assertTrue(forget.err().contains("fsnap: note: " + key + " (the runs of "), forget.err());
            assertTrue(forget.err().contains(") is owned by nobody, not by root"), forget.err());
        } finally {
            swapper.destroyForcibly();
            swapper.waitFor(30, TimeUnit.SECONDS);
        }
    }
}
