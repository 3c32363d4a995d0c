package dev.fsnap.snapshot;

import dev.fsnap.scan.Digest;
import dev.fsnap.scan.Entry;
import dev.fsnap.scan.ScanOptions;
import dev.fsnap.testdata.TreeBuilder;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Edge cases of {@link SnapshotGraft} on real trees: each graft is opened (verified whole), and the
 * differ must find between the baseline and the result exactly the changes taken (with what the
 * class says comes along: a directory the baseline lacks above a path given, what lay below a
 * directory removed), and between the result and the later scan exactly the changes left. The
 * tests named DEFECT in their description fail on the graft as it is.
 */
class SnapshotGraftEdgeTest {
    @TempDir
    Path dir;

    private int files;

    private Path snap(String name) {
        return dir.resolve(name + "-" + files++ + ".snap");
    }

    private static Path take(Path root, Path file) throws Exception {
        Snapshots.take(root, file, Duration.ZERO);
        return file;
    }

    private static byte[] p(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] latin(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static Set<String> lines(Path from, Path to) throws Exception {
        Set<String> s = new TreeSet<>();
        for (Change c : Snapshots.diff(from, to)) {
            if (!(c instanceof Change.Unreadable u && u.side() == Change.Side.BOTH)) { // still unreadable: no difference
                s.add(line(c));
            }
        }
        return s;
    }

    private static String line(Change c) {
        return c.kind().marker() + " " + (c instanceof Change.Moved m ? Snapshots.key(m.from()) + " -> " : "")
                + Snapshots.key(c.path());
    }


    /**
     * The lines of the comparison a graft of these paths takes: those whose path (or a move's old
     * path) is among them; a directory added that one of them lies below (it comes along); and
     * what lay below one of them that is no directory in the later scan (removed with it).
     */
    private static Set<String> linesAt(Path from, Path to, List<byte[]> paths) throws Exception {
        Set<String> keys = new TreeSet<>();
        for (byte[] b : paths) {
            keys.add(Snapshots.key(b));
        }
        Set<String> gone = new TreeSet<>();
        try (Snapshot later = Snapshot.open(to)) {
            for (String k : keys) {
                Snapshot.Lookup l = later.lookup(latin(k));
                if (l.entry() == null || l.entry().type() != dev.fsnap.scan.EntryType.DIRECTORY) {
                    gone.add(k);
                }
            }
        }
        Set<String> noDirectory = new TreeSet<>(); // in the baseline: what a path given lies below, no directory there
        try (Snapshot base = Snapshot.open(from)) {
            for (String k : keys) {
                for (int i = k.indexOf('/'); i > 0; i = k.indexOf('/', i + 1)) {
                    Snapshot.Lookup l = base.lookup(latin(k.substring(0, i)));
                    if (l.entry() != null && l.entry().type() != dev.fsnap.scan.EntryType.DIRECTORY) {
                        noDirectory.add(k.substring(0, i));
                    }
                }
            }
        }
        Set<String> s = new TreeSet<>();
        for (Change c : Snapshots.diff(from, to)) {
            if (c instanceof Change.Unreadable u && u.side() == Change.Side.BOTH) {
                continue;
            }
            String k = Snapshots.key(c.path());
            boolean taken = keys.contains(k) || c instanceof Change.Moved m && keys.contains(Snapshots.key(m.from()))
                    || c.kind() == Change.Kind.MODIFIED && noDirectory.contains(k);
            for (String given : keys) {
                taken |= c.kind() == Change.Kind.ADDED && given.startsWith(k + "/");
                taken |= c.kind() == Change.Kind.REMOVED && gone.contains(given) && (given.isEmpty()
                        || k.startsWith(given + "/"));
            }
            if (taken) {
                s.add(line(c));
            }
        }
        return s;
    }

    private static SnapshotGraft.Result graft(Path from, Path to, Path target, List<byte[]> paths) throws Exception {
        try (Snapshot a = Snapshot.open(from); Snapshot b = Snapshot.open(to)) {
            return SnapshotGraft.graft(a, b, paths, Snapshots.movedDirectories(from, to, paths), target);
        }
    }

    private static String hash(Path file) throws Exception {
        try (Snapshot s = Snapshot.open(file)) {
            return s.treeHash();
        }
    }

    /**
     * Grafts {@code paths} and checks the result: it opens, the changes at the paths are gone
     * from its comparison with the later scan and are its comparison with the baseline, and the
     * rest is as it was. Returns the result.
     */
    private Path check(Path base, Path later, List<byte[]> paths) throws Exception {
        Set<String> every = lines(base, later);
        Set<String> taken = linesAt(base, later, paths);
        Path g = snap("graft");
        SnapshotGraft.Result r = graft(base, later, g, paths);
        try (Snapshot s = Snapshot.open(g)) {
            assertEquals(r.entries(), s.entries());
            assertEquals(r.errors(), s.errors());
        }
        assertEquals(taken, lines(base, g), "the baseline against the result: the changes taken, " + keys(paths));
        Set<String> left = new TreeSet<>(every);
        left.removeAll(taken);
        assertEquals(left, lines(g, later), "the result against the later scan: the changes left, " + keys(paths));
        return g;
    }

    /** Every change taken: the later scan's tree, hash and counts. */
    private Path checkAll(Path base, Path later) throws Exception {
        List<byte[]> paths = Snapshots.changedPaths(base, later);
        Path g = check(base, later, paths);
        assertSame(later, g);
        return g;
    }

    /** Whether results are compared with the later scan by tree hash too (not with content digests: verification times). */
    private boolean sameHash = true;


    private void assertSame(Path later, Path g) throws Exception {
        assertEquals(Set.of(), lines(g, later));

        try (Snapshot r = Snapshot.open(g); Snapshot l = Snapshot.open(later)) {
            if (sameHash) {
                assertEquals(l.treeHash(), r.treeHash(), "the same entries hash the same");
            }
            assertEquals(l.entries(), r.entries(), "entries");
            assertEquals(l.directories(), r.directories(), "directories");
            assertEquals(l.bytes(), r.bytes(), "bytes");
            assertEquals(l.errors(), r.errors(), "errors");
            assertEquals(l.unreadable().size(), r.unreadable().size(), "unreadable list");
        }
    }

    private static String keys(List<byte[]> paths) {
        List<String> s = new ArrayList<>();
        for (byte[] b : paths) {
            s.add("'" + Snapshots.key(b) + "'");
        }
        return s.toString();
    }

    /** Each change on its own, then all of them. */
    private void eachAndAll(Path base, Path later) throws Exception {
        for (Change c : Snapshots.diff(base, later)) {
            List<byte[]> one = new ArrayList<>();
            one.add(c.path());
            if (c instanceof Change.Moved m) {
                one.add(m.from());
            }
            check(base, later, one);
        }
        checkAll(base, later);
    }

    private static int sh(String script, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("bash", "-c", script, "_"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).inheritIO().start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        return p.exitValue();
    }

    // ---------------------------------------------------------------- the root

    @Test
    void theRootsOwnEntryAlone() throws Exception {
        Path root = TreeBuilder.at(dir.resolve("t")).file("a", 1).file("d/x", 1).root();
        Path base = take(root, snap("base"));
        Files.write(root.resolve("new"), new byte[3]);
        Files.write(root.resolve("d/x"), new byte[4]);
        Path later = take(root, snap("later"));
        assertTrue(lines(base, later).contains("M "), lines(base, later).toString());
        check(base, later, List.of(new byte[0]));
        check(base, later, List.of(new byte[0], p("new")));
        check(base, later, List.of(p("new")));
        eachAndAll(base, later);
    }

    @Test
    void anEmptyRootThatFillsAndEmptiesAgain() throws Exception {
        Path root = TreeBuilder.at(dir.resolve("t")).root();
        Path base = take(root, snap("empty"));
        TreeBuilder.at(root).file("a", 1).file("d/x", 2).dir("e");
        Path later = take(root, snap("full"));
        check(base, later, List.of(p("d/x")));
        check(base, later, List.of(new byte[0]));
        eachAndAll(base, later);
        Files.delete(root.resolve("a"));
        Files.delete(root.resolve("d/x"));
        Files.delete(root.resolve("d"));
        Files.delete(root.resolve("e"));
        Path empty = take(root, snap("empty-again"));
        check(later, empty, List.of(p("d")));
        check(later, empty, List.of(new byte[0], p("a")));
        eachAndAll(later, empty);
        checkAll(empty, empty);
        assertEquals(hash(empty), graft(empty, empty, snap("same"), List.of(new byte[0])).treeHash());
    }

    // ---------------------------------------------------------------- empty directories

    @Test
    void aDirectoryThatEmptiesAndOneThatFills() throws Exception {
        Path root = TreeBuilder.at(dir.resolve("t")).file("full/x", 1).file("full/sub/y", 1).dir("empty")
                .file("other", 1).root();
        Path base = take(root, snap("base"));
        Files.delete(root.resolve("full/x"));
        Files.delete(root.resolve("full/sub/y"));
        Files.delete(root.resolve("full/sub"));
        TreeBuilder.at(root).file("empty/n", 5).file("empty/deeper/m", 6);
        Path later = take(root, snap("later"));
        check(base, later, List.of(p("full/x")));
        check(base, later, List.of(p("full/sub"))); // takes full/sub/y along
        check(base, later, List.of(p("full/x"), p("full/sub/y"), p("full/sub")));
        check(base, later, List.of(p("empty/n")));
        check(base, later, List.of(p("empty/deeper/m")));
        check(base, later, List.of(p("empty"), p("empty/deeper")));
        eachAndAll(base, later);
    }

    // ---------------------------------------------------------------- types

    @Test
    void typeChangesEveryWay() throws Exception {
        Path root = TreeBuilder.at(dir.resolve("t")).file("f2d", 1).file("d2f/x", 1).file("d2f/s/y", 1)
                .symlink("l2d", "f2d").file("d2l/x", 1).file("f2l", 3).symlink("l2f", "nowhere").file("keep", 1)
                .root();
        Path base = take(root, snap("base"));
        Files.delete(root.resolve("f2d"));
        TreeBuilder.at(root).file("f2d/in", 2).file("f2d/sub/in", 2);
        sh("rm -r \"$1/d2f\" \"$1/d2l\" \"$1/l2d\" \"$1/f2l\" \"$1/l2f\"", root.toString());
        TreeBuilder.at(root).file("d2f", 4).file("l2d/z", 1).symlink("d2l", "keep").symlink("f2l", "keep")
                .file("l2f", 9);
        Path later = take(root, snap("later"));
        eachAndAll(base, later);
        check(base, later, List.of(p("f2d"), p("f2d/sub")));
        check(base, later, List.of(p("d2f"), p("d2f/x")));
        // and back again
        eachAndAll(later, base);
    }

    // ---------------------------------------------------------------- names

    @Test
    void namesThatAreNoUtf8() throws Exception {
        Path root = TreeBuilder.at(dir.resolve("t")).file("plain", 1).root();
        assertEquals(0, sh("cd \"$1\" && printf x > $'caf\\xe9' && mkdir $'\\xfe' && printf y > $'\\xfe/\\xff'"
                + " && printf z > $'\\xff'", root.toString()));
        Path base = take(root, snap("base"));
        assertEquals(0, sh("cd \"$1\" && printf xx > $'caf\\xe9' && printf yy > $'\\xfe/\\xff' && rm $'\\xff'"
                + " && mkdir $'\\x80' && printf w > $'\\x80/\\x81' && printf v > $'\\xfe/a'", root.toString()));
        Path later = take(root, snap("later"));
        assertTrue(lines(base, later).contains("M caf\u00e9"), lines(base, later).toString());
        check(base, later, List.of(latin("\u00fe/\u00ff")));
        check(base, later, List.of(latin("\u0080/\u0081")));
        eachAndAll(base, later);
    }

    /** Names that sort around '/', each path given on its own, and all of them. */
    @Test
    void namesThatSortAroundTheSlashOneAtATime() throws Exception {
        Path root = TreeBuilder.at(dir.resolve("t")).file("a/b", 1).file("a-b", 1).file("a.txt", 1).file("a0", 1)
                .file("d/a/b", 1).file("d/a-b", 1).root();
        Path base = take(root, snap("base"));
        for (String f : List.of("a/b", "a-b", "a.txt", "a0", "d/a/b", "d/a-b")) {
            Files.write(root.resolve(f), new byte[7]);
        }
        Path later = take(root, snap("later"));
        check(base, later, List.of(p("a/b")));
        check(base, later, List.of(p("a0"), p("a/b")));
        check(base, later, List.of(p("d/a/b")));
        for (String f : List.of("a/b", "a-b", "a.txt", "a0", "d/a/b", "d/a-b")) {
            check(base, later, List.of(p(f)));
        }
    }

    /**
     * DEFECT: '-' (0x2d) and '.' (0x2e) sort before '/' (0x2f), so among the paths given "a-b" lies
     * between "a" and "a/b"; the walk stops looking for the paths below "a" at "a-b" and leaves
     * "a/b" as the baseline has it. An approval of both changes silently approves one.
     */
    @Test
    void aPathBelowADirectoryIsTakenWhenASiblingNamedWithDashIsToo() throws Exception {
        Path root = TreeBuilder.at(dir.resolve("t")).file("a/b", 1).file("a-b", 1).root();
        Path base = take(root, snap("base"));
        Files.write(root.resolve("a/b"), new byte[7]);
        Files.write(root.resolve("a-b"), new byte[7]);
        Path later = take(root, snap("later"));
        assertEquals(Set.of("M a-b", "M a/b"), lines(base, later));
        Path g = snap("g");
        graft(base, later, g, List.of(p("a-b"), p("a/b")));
        assertEquals(Set.of("M a-b", "M a/b"), lines(base, g), "both changes taken");
    }

    // ---------------------------------------------------------------- depth

    @Test
    void aTreeTwoHundredDeep() throws Exception {
        StringBuilder deep = new StringBuilder("d");
        for (int i = 1; i < 200; i++) {
            deep.append("/d");
        }
        String d = deep.toString();
        Path root = TreeBuilder.at(dir.resolve("t")).file(d + "/f", 1).file(d.substring(0, 199) + "/g", 1)
                .file("top", 1).root();
        Path base = take(root, snap("base"));
        Files.write(root.resolve(d + "/f"), new byte[3]);
        Files.write(root.resolve(d + "/new"), new byte[3]);
        Path later = take(root, snap("later"));
        check(base, later, List.of(p(d + "/f")));
        checkAll(base, later);
        // a removal of a subtree 150 deep
        sh("rm -r \"$1\"", root.resolve(d.substring(0, 99)).toString());
        Path cut = take(root, snap("cut"));
        check(later, cut, List.of(p(d.substring(0, 99))));
        checkAll(later, cut);
        checkAll(cut, later);
    }

    // ---------------------------------------------------------------- paths given

    @Test
    void aPathInNeitherSnapshotAndAPathGivenTwice() throws Exception {
        Path root = TreeBuilder.at(dir.resolve("t")).file("a", 1).file("d/x", 1).root();
        Path base = take(root, snap("base"));
        Files.write(root.resolve("a"), new byte[2]);
        Path later = take(root, snap("later"));
        Path g = snap("g");
        graft(base, later, g, List.of(p("nowhere"), p("nowhere/deeper"), p("a/under-a-file"), p("d/missing"),
                p("d/x/under-a-file")));
        assertEquals(Set.of(), lines(base, g), "nothing at those paths: nothing changes");
        assertEquals(hash(base), hash(g));
        Path twice = check(base, later, List.of(p("a"), p("a"), p("a")));
        assertSame(later, twice);
    }

    // ---------------------------------------------------------------- many grafts

    @Test
    void graftOntoGraftNightAfterNight() throws Exception {
        Path root = TreeBuilder.at(dir.resolve("t")).file("a/b/c/f", 1).file("a/b/g", 1).file("h", 1)
                .file("x/y/z", 1).dir("e").root();
        for (int i = 0; i < 30; i++) {
            TreeBuilder.at(root).file("bulk/" + i + "/f", i);
        }
        Path current = take(root, snap("base"));
        boolean rewritten = false;
        for (int night = 1; night <= 25; night++) {
            Files.write(root.resolve("a/b/c/f"), new byte[night]);
            switch (night % 4) {
                case 0 -> sh("rm -rf \"$1/x\" && mkdir -p \"$1/x\" && printf n > \"$1/x/n$2\"", root.toString(), "" + night);
                case 1 -> sh("rm -rf \"$1/x\" && printf f > \"$1/x\"", root.toString());
                case 2 -> sh("rm -rf \"$1/x\" && ln -s h \"$1/x\"", root.toString());
                default -> sh("rm -rf \"$1/x\" && mkdir -p \"$1/x/y\" && printf z > \"$1/x/y/z\"", root.toString());
            }
            Files.write(root.resolve("e/n" + night), new byte[1]);
            Path run = take(root, snap("run"));
            List<byte[]> all = Snapshots.changedPaths(current, run);
            // half the nights: every change; the others: all but the one at e/
            List<byte[]> some = new ArrayList<>();
            for (byte[] b : all) {
                if (night % 2 == 0 || !Snapshots.key(b).startsWith("e/")) {
                    some.add(b);
                }
            }
            Path next = check(current, run, some);
            try (Snapshot s = Snapshot.open(next)) {
                assertTrue(s.verification().freeBytes() * 2 <= s.verification().bytes(), "never mostly free");
                rewritten |= s.verification().freeBytes() == 0 && night > 1;
            }
            if (night % 2 == 0) {
                assertSame(run, next);
            }
            current = next;
        }
        assertTrue(rewritten, "written afresh at some point");
        Path whole = snap("whole");
        try (Snapshot s = Snapshot.open(current)) {
            SnapshotGraft.Result w = SnapshotGraft.rewrite(s, whole);
            assertEquals(s.treeHash(), w.treeHash());
        }
        assertEquals(Set.of(), lines(current, whole));
    }

    // ---------------------------------------------------------------- content digests

    @Test
    void contentDigestsWithAFileChangedInPlace() throws Exception {
        Path root = TreeBuilder.at(dir.resolve("t")).file("same-size", 10).file("grows", 1).file("d/keep", 5).root();
        ScanOptions o = Snapshots.options(root).toBuilder().digest(Digest.SHA256).build();
        Path base = snap("base");
        Snapshots.take(o, base, Duration.ZERO);
        FileTime was = Files.getLastModifiedTime(root.resolve("same-size"));
        Files.write(root.resolve("same-size"), new byte[10]);
        Files.setLastModifiedTime(root.resolve("same-size"), was);
        Files.write(root.resolve("grows"), new byte[100]);
        Files.write(root.resolve("d/new"), new byte[100]);
        Path later = snap("later");
        Snapshots.take(o, later, Duration.ZERO);
        assertTrue(lines(base, later).contains("T same-size"), lines(base, later).toString());
        // An unchanged file's content value carries when the later scan read it: its entry is the
        // baseline's in a graft, equal to the differ, not byte for byte.
        sameHash = false;
        eachAndAll(base, later);
    }

    // ---------------------------------------------------------------- moves and links

    @Test
    void aFileMovedToAnotherParent() throws Exception {
        Path root = TreeBuilder.at(dir.resolve("t")).file("src/f", 3).file("src/stay", 1).dir("dst").root();
        Path base = take(root, snap("base"));
        Files.move(root.resolve("src/f"), root.resolve("dst/f"));
        Path later = take(root, snap("later"));
        assertTrue(lines(base, later).contains("> src/f -> dst/f"), lines(base, later).toString());
        eachAndAll(base, later);
    }

    /**
     * DEFECT: the differ reports a directory moved as one change (its contents moved with it are
     * no difference); a graft takes the entry at the new path alone, an empty directory, and drops
     * the old subtree: what the directory held is gone from the result.
     */
    @Test
    void aDirectoryMovedToAnotherParentKeepsWhatItHolds() throws Exception {
        Path root = TreeBuilder.at(dir.resolve("t")).file("src/mv/x", 1).file("src/mv/sub/y", 2).dir("dst").root();
        Path base = take(root, snap("base"));
        Files.move(root.resolve("src/mv"), root.resolve("dst/mv"));
        Path later = take(root, snap("later"));
        assertEquals(Set.of("> src/mv -> dst/mv", "M dst", "M src"), lines(base, later));
        Path g = snap("g");
        graft(base, later, g, Snapshots.changedPaths(base, later));
        assertEquals(Set.of(), lines(g, later), "every change taken: the later tree");
    }

    @Test
    void hardLinks() throws Exception {
        Path root = TreeBuilder.at(dir.resolve("t")).file("f", 3).hardLink("f2", "f").file("g", 3).root();
        Path base = take(root, snap("base"));
        Files.delete(root.resolve("f2"));
        TreeBuilder.at(root).hardLink("d/g2", "g");
        Path later = take(root, snap("later"));
        eachAndAll(base, later);
    }

    // ---------------------------------------------------------------- unreadable directories

    /** A scan run as nobody: the tree's unreadable parts as an ordinary user meets them. */
    static final class ScanAsNobody {
        public static void main(String[] args) throws Exception {
            Snapshots.take(Path.of(args[0]), Path.of(args[1]), Duration.ZERO);
        }
    }

    private Path classpath;

    private void scanAsNobody(Path root, Path file) throws Exception {
        if (classpath == null) {
            Path cp = Files.createDirectories(dir.resolve("cp"));
            List<String> parts = new ArrayList<>();
            int i = 0;
            for (String element : System.getProperty("java.class.path").split(":")) {
                Path from = Path.of(element);
                if (!Files.exists(from) || from.getFileName().toString().contains("jazzer")) {
                    continue;
                }
                Path to = cp.resolve(i++ + "-" + from.getFileName());
                assertEquals(0, sh("cp -r \"$1\" \"$2\" && chmod -R a+rX \"$2\"", from.toString(), to.toString()));
                parts.add(to.toString());
            }
            classpath = cp;
            Files.writeString(cp.resolve("path"), String.join(":", parts));
            Files.createDirectories(dir.resolve("tmp"));
            Files.createDirectories(dir.resolve("out"));
            assertEquals(0, sh("chmod 755 \"$1\" && chmod 777 \"$1/tmp\" \"$1/out\"", dir.toString()));
        }
        Path out = dir.resolve("out").resolve(file.getFileName());
        List<String> command = new ArrayList<>(List.of("/usr/bin/setpriv", "--reuid=65534", "--regid=65534",
                "--clear-groups", "--", ProcessHandle.current().info().command().orElse("java"),
                "-Djava.io.tmpdir=" + dir.resolve("tmp"), "-cp", Files.readString(classpath.resolve("path")),
                ScanAsNobody.class.getName(), root.toString(), out.toString()));
        Process p = new ProcessBuilder(command).inheritIO().start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue());
        Files.copy(out, file);
    }

    @Test
    void aDirectoryUnreadableInOneScanAndReadableInTheOther() throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "needs root to switch users");
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")), "needs setpriv (util-linux)");
        Path root = TreeBuilder.at(dir.resolve("t")).file("open/f", 1).file("shut/hidden", 1)
                .file("shut/sub/deeper", 1).file("top", 1).root();
        assertEquals(0, sh("chmod -R a+rX \"$1\"", root.toString()));
        Path readable = snap("readable");
        scanAsNobody(root, readable);
        Files.setPosixFilePermissions(root.resolve("shut"), PosixFilePermissions.fromString("rwx------"));
        Path unreadable = snap("unreadable");
        scanAsNobody(root, unreadable);
        try (Snapshot s = Snapshot.open(unreadable)) {
            assertEquals(1, s.errors(), "shut could not be listed");
        }
        Set<String> closing = lines(readable, unreadable);
        assertTrue(closing.contains("! shut"), closing.toString());
        eachAndAll(readable, unreadable);
        Files.setPosixFilePermissions(root.resolve("shut"), PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.write(root.resolve("shut/hidden"), new byte[2]);
        Files.write(root.resolve("shut/sub/deeper"), new byte[2]);
        Path again = snap("again");
        scanAsNobody(root, again);
        Set<String> opening = lines(unreadable, again);
        System.out.println("unreadable -> readable: " + opening);
        for (String l : opening) {
            String path = l.substring(2);
            check(unreadable, again, List.of(latin(path)));
        }
        checkAll(unreadable, again);
    }

    /**
     * DEFECT (library only: the command line refuses a path that is no difference): a path given
     * below a directory one snapshot could not list. Below one the baseline could not list, the
     * directory is taken listed with that path alone in it; below one the later scan could not
     * list, the path is taken as removed. Either way the result holds differences from the later
     * scan that are no change of the tree.
     */
    @Test
    void aPathBelowADirectoryOneScanCouldNotListInventsNoChange() throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "needs root to switch users");
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")), "needs setpriv (util-linux)");
        Path root = TreeBuilder.at(dir.resolve("t")).file("shut/hidden", 1).file("shut/sub/deeper", 1).file("top", 1)
                .root();
        assertEquals(0, sh("chmod -R a+rX \"$1\"", root.toString()));
        Path readable = snap("readable");
        scanAsNobody(root, readable);
        Files.setPosixFilePermissions(root.resolve("shut"), PosixFilePermissions.fromString("rwx------"));
        Path unreadable = snap("unreadable");
        scanAsNobody(root, unreadable);
        org.junit.jupiter.api.Assertions.assertAll(() -> {
            Set<String> every = lines(unreadable, readable);
            Path g = snap("g");
            graft(unreadable, readable, g, List.of(p("shut/hidden")));
            Set<String> left = lines(g, readable);
            assertTrue(every.containsAll(left), "unlisted in the baseline: " + every + " against the later scan,"
                    + " but " + left + " against the result");
        }, () -> {
            Set<String> every = lines(readable, unreadable);
            Path g = snap("g");
            graft(readable, unreadable, g, List.of(p("shut/hidden")));
            Set<String> taken = lines(readable, g);
            assertTrue(every.containsAll(taken), "unlisted in the later scan: " + every + " against it, but "
                    + taken + " against the result");
        });
    }

    // ---------------------------------------------------------------- racy judgement

    /**
     * The result's start is the later scan's moved forward (so that the header keeps its length):
     * an entry the later scan judged racy must stay racy in the result, else a change within the
     * same timestamp tick after the approval goes unseen.
     */
    @Test
    void anEntryRacyInTheLaterScanStaysRacyInTheResult() throws Exception {
        Path root = TreeBuilder.at(dir.resolve("t")).file("d/f", 1).root();
        for (int i = 0; i < 40; i++) {
            TreeBuilder.at(root).file("bulk/" + i + "/x", 1);
        }
        Duration window = Duration.ofMillis(200);
        Thread.sleep(300);
        Path base = null;
        for (int i = 0; i < 50 && base == null; i++) {
            Path b = snap("base");
            Snapshots.take(root, b, window);
            try (Snapshot s = Snapshot.open(b)) {
                if (s.started().getNano() >= 1 << 28) { // a start whose nanoseconds take five bytes
                    base = b;
                }
            }
        }
        Assumptions.assumeTrue(base != null);
        for (int attempt = 0; attempt < 200; attempt++) {
            Files.write(root.resolve("d/f"), new byte[attempt + 2]);
            Thread.sleep(150);
            Path later = snap("later");
            Snapshots.take(root, later, window);
            Entry e;
            boolean racy;
            java.time.Instant start;
            try (Snapshot l = Snapshot.open(later)) {
                e = l.lookup(p("d/f")).entry();
                racy = l.isRacy(e);
                start = l.started();
            }
            if (!racy || start.getNano() >= 1 << 28) {
                continue; // not the case looked for: its nanoseconds take as many bytes as the baseline's
            }
            Path g = snap("graft");
            graft(base, later, g, List.of(p("d/f")));
            try (Snapshot s = Snapshot.open(g)) {
                Entry there = s.lookup(p("d/f")).entry();
                assertEquals(e, there);
                org.junit.jupiter.api.Assertions.assertAll(
                        () -> assertTrue(s.isRacy(there), "racy in the later scan (start " + start + ", window "
                                + window + ", ctime " + java.time.Instant.ofEpochSecond(e.ctimeSec(), e.ctimeNsec())
                                + "), not in the result (start " + s.started() + ")"),
                        () -> assertTrue(!s.started().isAfter(s.finished()), "started " + s.started()
                                + " after it finished, " + s.finished()));
            }
            return;
        }
        Assumptions.abort("no later scan met the case");
    }

    @Test
    void rewriteOfAGraftIsTheSame() throws Exception {
        Path root = TreeBuilder.at(dir.resolve("t")).file("a/b", 1).file("c", 1).root();
        Path base = take(root, snap("base"));
        Files.write(root.resolve("a/b"), new byte[5]);
        Path later = take(root, snap("later"));
        Path g = check(base, later, List.of(p("a/b")));
        Path w = snap("w");
        try (Snapshot s = Snapshot.open(g)) {
            SnapshotGraft.rewrite(s, w);
        }
        assertEquals(Set.of(), lines(g, w));
        assertEquals(hash(g), hash(w));
    }

    // ---------------------------------------------------------------- the command line

    record Cli(int status, String out, String err) {
    }

    /** The command line in-process, as CliTest.fsnap runs it (Main.run is the package's own). */
    private static Cli fsnap(String... args) throws Exception {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        java.lang.reflect.Method run = dev.fsnap.cli.Main.class.getDeclaredMethod("run",
                dev.fsnap.cli.console.Console.class, String[].class);
        run.setAccessible(true);
        int status = (int) run.invoke(null, dev.fsnap.cli.console.Console.of(out, err), args);
        return new Cli(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** A repository whose root's first run is approved whole; past the racy window. */
    private Path approvedRepository(Path root) throws Exception {
        Thread.sleep(2100);
        Path repo = dir.resolve("repo");
        Cli first = fsnap("check", root.toString(), "--repo", repo.toString());
        assertEquals(0, first.status(), first.err());
        Cli all = fsnap("approve", repo.toString(), root.toString(), "--all");
        assertEquals(0, all.status(), all.err());
        return repo;
    }

    /**
     * DEFECT, as a person meets it: a directory renamed is one line of the report; approving it
     * (by the paths the report gives) leaves an empty directory in the approved baseline, and the
     * next check reports what the directory held as added.
     */
    @Test
    void approvingADirectoryRenamedLeavesNothingReported() throws Exception {
        Path root = TreeBuilder.at(dir.resolve("data")).file("etc/conf.d/a", 3).file("etc/conf.d/b", 4)
                .file("etc/other", 1).root();
        Path repo = approvedRepository(root);
        Files.move(root.resolve("etc/conf.d"), root.resolve("etc/conf.old"));
        Thread.sleep(2100);
        Cli night = fsnap("check", root.toString(), "--repo", repo.toString(), "--format", "lines");
        assertEquals(1, night.status(), night.err());
        Cli a = fsnap("approve", repo.toString(), root.toString(), "etc");
        assertEquals(0, a.status(), a.out() + a.err());
        Cli after = fsnap("check", root.toString(), "--repo", repo.toString(), "--format", "lines");
        assertEquals(0, after.status(), "reported before the approval:\n" + night.out() + "approved:\n" + a.out()
                + "reported after it:\n" + after.out());
    }

    /** DEFECT, as a person meets it: approve names both changes, one stays reported. */
    @Test
    void approvingTwoChangesOneNamedWithDashTakesBoth() throws Exception {
        Path root = TreeBuilder.at(dir.resolve("data")).file("lib/x", 3).file("lib-old", 4).root();
        Path repo = approvedRepository(root);
        Files.write(root.resolve("lib/x"), new byte[9]);
        Files.write(root.resolve("lib-old"), new byte[9]);
        Thread.sleep(2100);
        Cli night = fsnap("check", root.toString(), "--repo", repo.toString(), "--format", "lines");
        assertEquals(1, night.status(), night.err());
        Cli a = fsnap("approve", repo.toString(), root.toString(), "lib-old", "lib/x");
        assertEquals(0, a.status(), a.out() + a.err());
        Cli after = fsnap("check", root.toString(), "--repo", repo.toString(), "--format", "lines");
        assertEquals(0, after.status(), "reported before the approval:\n" + night.out() + "approved:\n" + a.out()
                + "reported after it:\n" + after.out());
    }
}
