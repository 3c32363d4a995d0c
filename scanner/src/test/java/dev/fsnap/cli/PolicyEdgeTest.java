package dev.fsnap.cli;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static dev.fsnap.cli.CliTest.fsnap;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What an administrator or a hostile local user does to --policy, policy explain/check, growing
 * logs with digests and --mass-change, on real trees: each test that fails names a defect.
 */
class PolicyEdgeTest {
    @TempDir
    Path dir;

    private String s(Path p) {
        return p.toString();
    }

    private Path write(String relative, String text) throws Exception {
        Path p = dir.resolve(relative);
        Files.createDirectories(p.getParent());
        return Files.writeString(p, text);
    }

    /** Lets the clock tick past the last scan, so that a write moves the times. */
    private static void tick() throws InterruptedException {
        Thread.sleep(30);
    }

    // ---------------------------------------------------------------- the policy file itself

    @Test
    void aPolicyThatIsAFifoIsRefusedNotWaitedOn() throws Exception {
        Path fifo = dir.resolve("fsnap.policy");
        assertEquals(0, CliTest.sh("mkfifo \"$1\"", s(fifo)));
        try {
            // A local user who can swap the policy for a FIFO must not stop the nightly run.
            CliTest.Run r = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> fsnap("policy", "check", s(fifo)),
                    "reading a FIFO policy waits for a writer forever");
            assertEquals(2, r.status(), r.out() + r.err());
            assertTrue(r.err().contains(s(fifo)), r.err());
        } finally {
            // Releases a reader stuck in open(2): O_RDWR on a FIFO does not wait.
            try (RandomAccessFile w = new RandomAccessFile(fifo.toFile(), "rw")) {
                w.getFD();
            }
        }
    }

    @Test
    void aHugePolicyIsAnErrorNotAStackTrace() throws Exception {
        Path huge = dir.resolve("huge.policy");
        try (RandomAccessFile f = new RandomAccessFile(huge.toFile(), "rw")) {
            f.setLength(3L << 30); // sparse: 3 GiB of nothing
        }
        // In a JVM of its own: the OutOfMemoryError it ends with here would stop the test engine too.
        CliTest.Run r = CliTest.fsnapProcess("policy", "check", s(huge));
        assertEquals(2, r.status(), r.err());
        assertTrue(r.err().contains(s(huge)), r.err());
        assertFalse(r.err().contains("Exception") || r.err().contains("Error"), r.err());
    }

    @Test
    void aDirectoryGivenAsThePolicyIsNamedInTheMessage() throws Exception {
        Path d = Files.createDirectories(dir.resolve("policy.d"));
        CliTest.Run c = fsnap("policy", "check", s(d));
        assertEquals(2, c.status());
        assertTrue(c.err().contains(s(d)), "the message names the file: " + c.err());
        CliTest.Run used = fsnap("diff", "--policy", s(d), s(dir.resolve("a.snap")), s(dir.resolve("b.snap")));
        assertEquals(2, used.status());
        assertTrue(used.err().contains(s(d)), "the message names the file: " + used.err());
    }

    @Test
    void aTabSeparatedRuleWithAHashInItsCommentIsARule() throws Exception {
        Path p = write("tab.policy", "/\tall\n/var/log/\tgrowing\t# see ticket #123\n");
        CliTest.Run r = fsnap("policy", "check", s(p));
        assertEquals(0, r.status(), r.err());
        assertEquals(s(p) + ": 2 rules, no problem\n", r.out());
    }

    @Test
    void windowsLineEndsEscapedSpacesCommentsAndALinkReadAsWritten() throws Exception {
        Path real = write("real.policy", "# data share\r\n/ all\r\nmy\\ docs/ perms   # who may read\r\n"
                + "/var/log/ growing\r\n*.swp exclude\r\n");
        Path link = dir.resolve("link.policy");
        Files.createSymbolicLink(link, real);
        CliTest.Run r = fsnap("policy", "explain", s(link), ".", "/", "home/my docs/cv.odt", "/var/log/syslog",
                "etc/.passwd.swp", "my docs/");
        assertEquals(0, r.status(), r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals(6, lines.size(), r.out());
        assertTrue(lines.get(0).startsWith(".: line 2 '/ all': type,"), lines.get(0));
        assertTrue(lines.get(1).startsWith("/: line 2 '/ all': type,"), lines.get(1));
        assertTrue(lines.get(2).startsWith("home/my docs/cv.odt: line 3 ")
                && lines.get(2).endsWith(": type,mode,uid,gid,flags,acl,caps,selinux,xattrs"), lines.get(2));
        assertTrue(lines.get(3).startsWith("/var/log/syslog: line 4 '/var/log/ growing': "), lines.get(3));
        assertTrue(lines.get(4).startsWith("etc/.passwd.swp: line 5 "), lines.get(4));
        assertFalse(r.out().contains("\r"), r.out());
        assertEquals(0, fsnap("policy", "check", s(link)).status());

        Path latin = dir.resolve("latin1.policy");
        Files.write(latin, "/caf\u00e9/ all\n".getBytes(StandardCharsets.ISO_8859_1));
        CliTest.Run l = fsnap("policy", "check", s(latin));
        assertEquals(2, l.status());
        assertEquals("fsnap: " + latin + ": not UTF-8 text\n", l.err());
        Path empty = write("empty.policy", "");
        assertEquals(s(empty) + ": 0 rules, no problem\n", fsnap("policy", "check", s(empty)).out());
        CliTest.Run bang = fsnap("policy", "check", s(write("bang.policy", "/ all\n!/tmp/ all\n")));
        assertEquals(2, bang.status());
        assertTrue(bang.err().contains("bang.policy, line 2: '!/tmp/': a rule has no !"), bang.err());
    }

    // ---------------------------------------------------------------- what a rule says

    @Test
    void aRuleOfOnlyMinusFieldsDoesNotSilentlyCompareNothing() throws Exception {
        Path root = Files.createDirectories(dir.resolve("t/etc"));
        Files.writeString(root.resolve("hosts"), "127.0.0.1 localhost\n");
        Path p = write("p.policy", "/ all\n/etc/ -mtime\n");
        Path n0 = dir.resolve("n0.snap");
        assertEquals(0, fsnap("scan", s(dir.resolve("t")), "-o", s(n0)).status());
        tick();
        Files.writeString(root.resolve("hosts"), "6.6.6.6 bank.example\n", StandardOpenOption.APPEND);
        CliTest.Run r = fsnap("check", "--format", "lines", s(dir.resolve("t")), "--policy", s(p), "--against", s(n0),
                "-o", s(dir.resolve("n1.snap")));
        // Either the rule is refused (naming its line), or it means every field but mtime: never "nothing".
        boolean refused = r.status() == 2 && r.err().contains("line 2");
        boolean reported = r.status() == 1 && CliTest.changes(r.out()).stream().anyMatch(l -> l.startsWith("M etc/hosts  ("));
        assertTrue(refused || reported, "'/etc/ -mtime' compares nothing in etc: " + r.status() + "\n" + r.out() + r.err());
    }

    @Test
    void growingWithAnAdjustmentKeepsTheAdjustment() throws Exception {
        Path logs = Files.createDirectories(dir.resolve("t/log"));
        Files.writeString(logs.resolve("app.log"), "line 1\n");
        Path p = write("p.policy", "/log/ growing -ino\n");
        Path n0 = dir.resolve("n0.snap");
        assertEquals(0, fsnap("scan", s(dir.resolve("t")), "-o", s(n0)).status());
        tick();
        // The log rewritten through a new file (new inode), what it held kept, and grown.
        Files.writeString(logs.resolve("app.new"), "line 1\nline 2\n");
        Files.move(logs.resolve("app.new"), logs.resolve("app.log"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        CliTest.Run explain = fsnap("policy", "explain", s(p), "log/app.log");
        CliTest.Run r = fsnap("check", "--format", "lines", s(dir.resolve("t")), "--policy", s(p), "--against", s(n0),
                "-o", s(dir.resolve("n1.snap")));
        assertEquals(0, r.status(), "-ino is dropped after growing: " + explain.out() + r.out());
    }

    @Test
    void aNameExcludedBeforeADirectoryRuleIsScannedAsExplained() throws Exception {
        write("t/build/a.tmp", "a");
        Path p = write("p.policy", "/ all\n*.tmp exclude\n/build/ all\n");
        Path n0 = dir.resolve("n0.snap");
        assertEquals(0, fsnap("scan", s(dir.resolve("t")), "-o", s(n0)).status());
        CliTest.Run explain = fsnap("policy", "explain", s(p), "build/b.tmp");
        assertEquals("build/b.tmp: line 3 '/build/ all': type,size,mtime,ctime,btime,mode,uid,gid,nlink,ino,target,"
                + "flags,acl,caps,selinux,xattrs,content\n", explain.out(), "the last rule that applies decides");
        tick();
        write("t/build/a.tmp", "changed");
        write("t/build/b.tmp", "planted");
        CliTest.Run r = fsnap("check", "--format", "lines", s(dir.resolve("t")), "--policy", s(p), "--against", s(n0),
                "-o", s(dir.resolve("n1.snap")));
        List<String> changes = CliTest.changes(r.out());
        assertTrue(changes.contains("+ build/b.tmp"), "explain says compared, the scan leaves it out: " + changes);
        assertTrue(changes.stream().anyMatch(l -> l.startsWith("M build/a.tmp  (")), changes.toString());
    }

    @Test
    void anExcludeOptionIsNotOverriddenByTheRulesOfAPolicy() throws Exception {
        write("t/etc/hosts", "h");
        write("t/etc/secret.log", "s");
        Path p = write("p.policy", "/ all\n/cache/ exclude\n*.log growing\n");
        Path n0 = dir.resolve("n0.snap");
        assertEquals(0, fsnap("scan", s(dir.resolve("t")), "--exclude", "*.log", "-o", s(n0)).status());
        tick();
        write("t/etc/secret.log", "changed, and larger");
        Path n1 = dir.resolve("n1.snap");
        CliTest.Run r = fsnap("check", "--format", "lines", s(dir.resolve("t")), "--exclude", "*.log", "--policy", s(p),
                "--against", s(n0), "-o", s(n1));
        assertEquals(0, r.status(), r.out());
        try (dev.fsnap.snapshot.Snapshot night = dev.fsnap.snapshot.Snapshot.open(n1)) {
            assertEquals(dev.fsnap.snapshot.Snapshot.Status.EXCLUDED, night.lookup("etc/secret.log".getBytes()).status(),
                    "--exclude P is a rule no later rule overrides, yet the policy's '*.log growing' brought it back");
        }
        // The next night, what --exclude leaves out is compared and reported.
        tick();
        write("t/etc/secret.log", "s");
        CliTest.Run next = fsnap("check", "--format", "lines", s(dir.resolve("t")), "--exclude", "*.log", "--policy",
                s(p), "--against", s(n1), "-o", s(dir.resolve("n2.snap")));
        assertFalse(next.out().contains("secret.log"), next.out());
    }

    @Test
    void explainOfDotAndDotDotPathsAnswersForThePathMeantOrRefuses() throws Exception {
        Path p = write("p.policy", "/ all\n/etc/ perms\n/var/cache/ exclude\n");
        CliTest.Run r = fsnap("policy", "explain", s(p), "./etc/passwd", "var/cache/../../etc/shadow");
        if (r.status() == 2) {
            assertTrue(r.err().contains("./etc/passwd") || r.err().contains(".."), r.err());
            return;
        }
        List<String> lines = r.out().lines().toList();
        assertTrue(lines.get(0).contains("'/etc/ perms'"), lines.get(0));
        assertTrue(lines.get(1).contains("'/etc/ perms'"), lines.get(1));
    }

    @Test
    void aDirectoryThePolicyExcludesIsNotReportedUnreadable() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv"))
                && "root".equals(System.getProperty("user.name")), "needs root and setpriv");
        Path root = dir.resolve("t");
        write("t/readme", "r");
        write("t/private/key", "k");
        Path out = Files.createDirectories(dir.resolve("out"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(out, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path n0 = out.resolve("n0.snap");
        assertEquals(0, fsnap("scan", s(root), "-o", s(n0)).status());
        Files.setPosixFilePermissions(root.resolve("private"), PosixFilePermissions.fromString("rwx------"));
        // The classes where nobody can read them (root's Maven repository is root's alone).
        Path cp = Files.createDirectories(dir.resolve("cp"));
        List<String> parts = new ArrayList<>();
        for (String element : System.getProperty("java.class.path").split(":")) {
            if (element.isEmpty() || element.contains("test-classes") || element.matches(".*(junit|jazzer|opentest4j|apiguardian).*")) {
                continue;
            }
            Path to = cp.resolve(parts.size() + "-" + Path.of(element).getFileName());
            copyOpen(Path.of(element), to);
            parts.add(s(to));
        }
        List<String> command = new ArrayList<>(List.of("/usr/bin/setpriv", "--reuid=65534", "--regid=65534",
                "--clear-groups", "--", ProcessHandle.current().info().command().orElse("java"),
                "-Djava.io.tmpdir=" + out, "-cp", String.join(":", parts), Main.class.getName(),
                "scan", s(root), "-o", s(out.resolve("n1.snap"))));
        CliTest.Run scan = CliTest.run(new ProcessBuilder(command));
        assertEquals(3, scan.status(), "nobody cannot enter private: " + scan.err());
        Path p = write("p.policy", "/ all\n/private/ exclude\n");
        CliTest.Run r = fsnap("diff", "--format", "lines", "--policy", s(p), s(n0), s(out.resolve("n1.snap")));
        assertFalse(r.out().lines().anyMatch(l -> l.startsWith("! private")), "excluded, yet reported: " + r.out());
        assertEquals(0, r.status(), r.out());
    }

    private static void copyOpen(Path from, Path to) throws java.io.IOException {
        if (!Files.exists(from)) {
            return;
        }
        try (var walk = Files.walk(from)) {
            for (Path p : walk.toList()) {
                Path t = Files.isDirectory(from) ? to.resolve(from.relativize(p).toString()) : to;
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(p, t);
                }
                Files.setPosixFilePermissions(t, PosixFilePermissions.fromString(Files.isDirectory(t) ? "rwxr-xr-x" : "rw-r--r--"));
            }
        }
    }

    // ---------------------------------------------------------------- growing logs

    @Test
    void growingLogsAsAnAdministratorSeesThem() throws Exception {
        Path t = dir.resolve("t");
        write("t/append.log", "delta\n");
        write("t/trunc.log", "alpha line\n");
        write("t/replaced.log", "beta line\n");
        write("t/copied.log", "gamma line\n");
        write("t/becomesdir", "eps\n");
        write("t/cache/c", "c");
        write("t/old.bak", "b");
        Path n0 = dir.resolve("n0.snap");
        assertEquals(0, fsnap("scan", s(t), "--digest", "-o", s(n0)).status());
        tick();
        Files.writeString(t.resolve("append.log"), "more\n", StandardOpenOption.APPEND);
        Files.writeString(t.resolve("trunc.log"), "");                       // truncated, then grown past its old size
        Files.writeString(t.resolve("trunc.log"), "XXXXX line\nand more\n", StandardOpenOption.APPEND);
        Files.writeString(t.resolve("new"), "other content entirely\n");     // a bigger file in its place
        Files.move(t.resolve("new"), t.resolve("replaced.log"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.writeString(t.resolve("new"), "gamma line\nmore\n");           // copied, appended, moved in
        Files.move(t.resolve("new"), t.resolve("copied.log"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.delete(t.resolve("becomesdir"));
        write("t/becomesdir/f", "x");
        write("t/cache/c", "changed");
        write("t/old.bak", "changed");
        Path p = write("p.policy", "/ growing\n/cache/ exclude\n");
        Path n1 = dir.resolve("n1.snap");
        CliTest.Run r = fsnap("check", "--format", "lines", s(t), "--digest", "--policy", s(p), "--exclude", "*.bak",
                "--against", s(n0), "-o", s(n1));
        assertEquals(4, r.status(), r.out() + r.err());
        List<String> changes = CliTest.changes(r.out());
        assertEquals(5, changes.size(), changes.toString());
        assertTrue(changes.get(0).startsWith("+ becomesdir/f"), changes.toString());
        assertTrue(changes.get(1).startsWith("M becomesdir  (type,"), changes.toString());
        assertTrue(changes.get(2).startsWith("M copied.log  (ino)"), changes.toString());
        assertTrue(changes.get(3).startsWith("T replaced.log  (size,mtime,ctime,content)")
                && changes.get(3).endsWith("it only grows, and grew, but what it held before was changed"), changes.toString());
        assertTrue(changes.get(4).startsWith("T trunc.log  (size,mtime,ctime,content)"), changes.toString());
        // --ignore beside the policy: the new inode is no change anywhere.
        CliTest.Run ignored = fsnap("diff", "--format", "lines", "--policy", s(p), "--ignore", "ino", s(n0), s(n1));
        assertFalse(CliTest.changes(ignored.out()).stream().anyMatch(l -> l.contains("copied.log")), ignored.out());
    }

    @Test
    void aGrowingLogRewrittenToTheSameSizeIsAChange() throws Exception {
        Path t = dir.resolve("t");
        write("t/app.log", "09:00 eve failed su\n");
        Path n0 = dir.resolve("n0.snap");
        assertEquals(0, fsnap("scan", s(t), "--digest", "-o", s(n0)).status());
        tick();
        write("t/app.log", "09:00 bob logged in\n"); // the same size, the same inode: not an append
        Path p = write("p.policy", "/ growing\n");
        CliTest.Run r = fsnap("check", "--format", "lines", s(t), "--digest", "--policy", s(p), "--against", s(n0),
                "-o", s(dir.resolve("n1.snap")));
        assertTrue(r.status() == 1 || r.status() == 4, "a log edited in place, exit " + r.status() + ": " + r.out());
        assertTrue(CliTest.changes(r.out()).stream().anyMatch(l -> l.contains(" app.log  (")), r.out());
    }

    @Test
    void aFieldLeftOutIsNoEvidenceOfTampering() throws Exception {
        Path t = dir.resolve("t");
        write("t/etc/hosts", "127.0.0.1 localhost\n");
        Path n0 = dir.resolve("n0.snap");
        assertEquals(0, fsnap("scan", s(t), "--digest", "-o", s(n0)).status());
        tick();
        write("t/etc/hosts", "127.0.0.1 localhost bank\n"); // an ordinary edit: mtime moved
        Path p = write("p.policy", "/ all -mtime\n");
        CliTest.Run r = fsnap("check", "--format", "lines", s(t), "--digest", "--policy", s(p), "--against", s(n0),
                "-o", s(dir.resolve("n1.snap")));
        assertEquals(1, r.status(), "an edit whose mtime the policy does not compare is not 'mtime put back': " + r.out());
        assertFalse(r.out().contains("TAMPERED"), r.out());
    }

    // ---------------------------------------------------------------- mass change

    private Path massTree() throws Exception {
        for (int i = 0; i < 10; i++) {
            write("t/ten/f" + i, "plain " + i);
            write("t/r" + i, "root " + i);
        }
        for (int i = 0; i < 9; i++) {
            write("t/nine/f" + i, "nine " + i);
        }
        return dir.resolve("t");
    }

    @Test
    void massChangeAtItsBoundsAndWithTamperedFiles() throws Exception {
        Path t = massTree();
        Path n0 = dir.resolve("n0.snap");
        assertEquals(0, fsnap("scan", s(t), "--digest", "-o", s(n0)).status());
        tick();
        for (int i = 0; i < 3; i++) {
            write("t/ten/f" + i, "ENCRYPTED " + i);      // 3 of exactly 10: 30%
        }
        for (int i = 0; i < 9; i++) {
            write("t/nine/f" + i, "ENCRYPTED " + i);     // all of 9: too few files to be a pattern
        }
        for (int i = 0; i < 10; i++) {
            write("t/r" + i, "ENCRYPTED root " + i);     // the root itself
        }
        Path n1 = dir.resolve("n1.snap");
        CliTest.Run r = fsnap("check", "--format", "lines", s(t), "--digest", "--mass-change", "20 %",
                "--against", s(n0), "-o", s(n1));
        assertEquals(6, r.status(), r.out() + r.err());
        assertEquals(List.of("% .  (10 of 10 files rewritten, 100%)", "% ten  (3 of 10 files rewritten, 30%)"),
                r.out().lines().filter(l -> l.startsWith("% ")).toList());
        assertTrue(r.err().contains(", MASS CHANGE in 2 directories; "), r.err());
        CliTest.Run json = fsnap("diff", "--json", s(n0), s(n1), "--mass-change", "30");
        assertEquals(6, json.status());
        assertTrue(json.out().contains("{\"mass_change\":{\"path\":\".\",\"files\":10,\"rewritten\":10}}\n"), json.out());
        assertFalse(json.out().contains("\"path\":\"ten\",\"files\""), "30% is not more than 30%: " + json.out());
        for (String bad : List.of("0%", "100%", "abc", "")) {
            CliTest.Run b = fsnap("diff", s(n0), s(n1), "--mass-change", bad);
            assertEquals(2, b.status(), bad);
            assertTrue(b.err().contains("'" + bad + "'") && !b.err().contains("Exception"), b.err());
        }
        // Tampered (mtime put back) and a mass change: 4 comes first, the mass change still reported.
        tick();
        for (int i = 3; i < 10; i++) {
            Path f = t.resolve("ten/f" + i);
            FileTime m = Files.getLastModifiedTime(f);
            Files.writeString(f, "ENCRYPTED " + i);
            Files.setLastModifiedTime(f, m);
        }
        CliTest.Run both = fsnap("check", "--format", "lines", s(t), "--digest", "--mass-change", "50%",
                "--against", s(n1), "-o", s(dir.resolve("n2.snap")));
        assertEquals(4, both.status(), both.out() + both.err());
        assertTrue(both.out().contains("% ten  (7 of 10 files rewritten, 70%)\n"), both.out());
    }

    @Test
    void theHtmlPageOfAMassChangeSaysSo() throws Exception {
        Path t = massTree();
        Path n0 = dir.resolve("n0.snap");
        assertEquals(0, fsnap("scan", s(t), "-o", s(n0)).status());
        tick();
        for (int i = 0; i < 10; i++) {
            write("t/ten/f" + i, "ENCRYPTED, pay to recover " + i);
        }
        Path n1 = dir.resolve("n1.snap");
        assertEquals(0, fsnap("scan", s(t), "-o", s(n1)).status());
        Path page = dir.resolve("page.html");
        CliTest.Run r = fsnap("diff", "--format", "json", s(n0), s(n1), "--mass-change", "20%", "--report", s(page));
        assertEquals(6, r.status(), r.err());
        assertTrue(r.out().contains("{\"mass_change\":{\"path\":\"ten\""), r.out());
        String html = Files.readString(page).toLowerCase(Locale.ROOT);
        assertTrue(html.contains("mass"), "a run that exits 6 for a mass change: the page does not say so");
    }
}
