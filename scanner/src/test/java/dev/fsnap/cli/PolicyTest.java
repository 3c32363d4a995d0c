package dev.fsnap.cli;

import dev.fsnap.testdata.TreeBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import static dev.fsnap.cli.CliTest.fsnap;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A policy on a server-like tree: everything watched under etc, logs that only grow, a share where
 * only permissions and owners count, a cache left out; explained path by path, and checked.
 */
class PolicyTest {
    @TempDir
    Path dir;

    static final String POLICY = """
            # what to compare where: the last rule that applies decides
            /                all
            /var/log/        growing
            /var/log/lastlog all -mtime -ctime -size -content
            /srv/share/      perms
            /var/cache/      exclude
            *.swp            exclude
            """;

    private Path root;
    private Path policy;

    private void tree() throws Exception {
        root = TreeBuilder.at(dir.resolve("t")).file("etc/passwd", 20).file("etc/hosts", 10).file("var/log/syslog", 100)
                .file("var/log/auth.log", 100).file("var/log/lastlog", 10).file("srv/share/report.doc", 30)
                .file("srv/share/data.csv", 40).file("var/cache/apt/pkg", 5).root();
        policy = Files.writeString(dir.resolve("fsnap.policy"), POLICY);
    }

    private void append(String path, String text) throws Exception {
        Files.writeString(root.resolve(path), text, StandardOpenOption.APPEND);
    }

    @Test
    void eachTreeIsComparedAsItsRuleSays() throws Exception {
        tree();
        Path monday = dir.resolve("monday.snap");
        assertEquals(0, fsnap("scan", root.toString(), "--digest", "-o", monday.toString()).status());
        Thread.sleep(1100); // times that move are seen to move
        Files.writeString(root.resolve("etc/hosts"), "0.0.0.0 bank\n");          // watched: modified
        append("var/log/syslog", "a line\n");                                     // growing: no change
        Files.write(root.resolve("var/log/auth.log"), new byte[10]);              // growing, shrunk: a change
        append("var/log/lastlog", "x");                                           // its own rule: nothing counted
        append("srv/share/data.csv", "more rows\n");                              // perms only: no change
        Files.setPosixFilePermissions(root.resolve("srv/share/report.doc"), PosixFilePermissions.fromString("rwxrwxrwx"));
        Files.writeString(root.resolve("var/cache/apt/pkg"), "changed");          // excluded
        Files.writeString(root.resolve("etc/.passwd.swp"), "swap");               // excluded by name
        Files.writeString(root.resolve("var/log/new.log"), "new");                // new files are reported anywhere
        CliTest.Run r = fsnap("check", "--format", "lines", root.toString(), "--digest", "--policy", policy.toString(),
                "--against", monday.toString(), "-o", dir.resolve("tuesday.snap").toString());
        assertEquals(1, r.status(), r.out() + r.err());
        List<String> changes = CliTest.changes(r.out()).stream()
                .map(l -> l.contains("  content ") ? l.substring(0, l.indexOf("  content ")) : l).toList();
        assertEquals(List.of(
                "+ var/log/new.log",
                "M etc  (mtime,ctime)",
                "M etc/hosts  (size,mtime,ctime,content)",
                "M srv/share/report.doc  (mode)",
                "M var/log/auth.log  (size,mtime,ctime,content)"), changes.stream().sorted().toList(), r.out());
        // Without the policy, the same two snapshots differ in every one of those.
        CliTest.Run all = fsnap("diff", "--format", "lines", monday.toString(), dir.resolve("tuesday.snap").toString());
        List<String> every = CliTest.changes(all.out());
        assertTrue(every.stream().anyMatch(l -> l.startsWith("M var/log/syslog  (")), every.toString());
        assertTrue(every.stream().anyMatch(l -> l.startsWith("M srv/share/data.csv  (")), every.toString());
        try (dev.fsnap.snapshot.Snapshot tuesday = dev.fsnap.snapshot.Snapshot.open(dir.resolve("tuesday.snap"))) {
            assertEquals(dev.fsnap.snapshot.Snapshot.Status.EXCLUDED,
                    tuesday.lookup("var/cache/apt/pkg".getBytes()).status(), "not scanned");
            assertEquals(dev.fsnap.snapshot.Snapshot.Status.EXCLUDED,
                    tuesday.lookup("etc/.passwd.swp".getBytes()).status(), "not scanned");
        }
    }

    @Test
    void explainNamesTheRuleAndItsFieldsForEachPath() throws Exception {
        tree();
        CliTest.Run r = fsnap("policy", "explain", policy.toString(), "etc/passwd", "var/log/syslog", "var/log/lastlog",
                "srv/share/report.doc", "var/cache/apt/", "home/x.swp");
        assertEquals(0, r.status(), r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals(6, lines.size(), r.out());
        assertTrue(lines.get(0).startsWith("etc/passwd: line 2 '/                all': type,size,mtime,ctime,"), lines.get(0));
        assertTrue(lines.get(1).startsWith("var/log/syslog: line 3 '/var/log/        growing': ")
                && lines.get(1).endsWith("; growing: a size that grew, and its times and content, are no change"), lines.get(1));
        assertTrue(lines.get(2).startsWith("var/log/lastlog: line 4 '/var/log/lastlog all -mtime -ctime -size -content': type,"),
                lines.get(2));
        String fields = lines.get(2).substring(lines.get(2).indexOf("': ") + 3);
        assertFalse(fields.contains("mtime") || fields.contains("ctime") || fields.contains("size") || fields.contains("content"),
                fields);
        assertEquals("srv/share/report.doc: line 5 '/srv/share/      perms': type,mode,uid,gid,flags,acl,caps,selinux,xattrs",
                lines.get(3));
        assertEquals("var/cache/apt/: line 6 '/var/cache/      exclude': excluded: neither scanned nor compared", lines.get(4));
        assertEquals("home/x.swp: line 7 '*.swp            exclude': excluded: neither scanned nor compared", lines.get(5));
    }

    @Test
    void checkNamesEachProblemWithItsLine() throws Exception {
        tree();
        CliTest.Run good = fsnap("policy", "check", policy.toString());
        assertEquals(0, good.status(), good.err());
        assertEquals(policy + ": 6 rules, no problem\n", good.out());

        Path bad = Files.writeString(dir.resolve("bad.policy"), "/etc all\n/var/log   grwoing\n");
        CliTest.Run b = fsnap("policy", "check", bad.toString());
        assertEquals(2, b.status());
        assertTrue(b.err().startsWith("fsnap: " + bad + ", line 2: 'grwoing' is no group (all, perms, times, content, inode)"
                + " and no field ("), b.err());
        CliTest.Run used = fsnap("check", root.toString(), "--policy", bad.toString(), "--against",
                dir.resolve("none.snap").toString(), "-o", dir.resolve("x.snap").toString());
        assertEquals(2, used.status(), "a bad policy is refused before anything runs");
        assertTrue(used.err().contains(bad + ", line 2: 'grwoing' is no group"), used.err());

        Path useless = Files.writeString(dir.resolve("useless.policy"),
                "/etc/ perms\n/var/cache/ exclude\n/var/cache/keep all\n/etc/ all\n** exclude\n");
        CliTest.Run u = fsnap("policy", "check", useless.toString());
        assertEquals(2, u.status());
        assertEquals(List.of(
                "fsnap: " + useless + ", line 1: never decides: line 4 has the same pattern after it",
                "fsnap: " + useless + ", line 3: never decides: '/var/cache/keep' is below line 2, which excludes it from the scan",
                "fsnap: " + useless + ", line 5: '** exclude' excludes everything below the root"), u.err().lines().toList());
    }

    @Test
    void aGrowingLogAppendedToIsNoChangeAndTruncatedIsOne() throws Exception {
        root = TreeBuilder.at(dir.resolve("logs")).file("app.log", 50).root();
        policy = Files.writeString(dir.resolve("logs.policy"), "/ perms growing\n");
        Path night = dir.resolve("n0.snap");
        assertEquals(0, fsnap("scan", root.toString(), "-o", night.toString()).status());
        Thread.sleep(1100);
        append("app.log", "appended\n");
        Path n1 = dir.resolve("n1.snap");
        CliTest.Run appended = fsnap("check", "--format", "lines", root.toString(), "--policy", policy.toString(),
                "--against", night.toString(), "-o", n1.toString());
        assertEquals(0, appended.status(), appended.out() + appended.err());
        Files.write(root.resolve("app.log"), new byte[5]);
        Files.setLastModifiedTime(root.resolve("app.log"), FileTime.fromMillis(System.currentTimeMillis()));
        CliTest.Run truncated = fsnap("check", "--format", "lines", root.toString(), "--policy", policy.toString(),
                "--against", n1.toString(), "-o", dir.resolve("n2.snap").toString());
        assertEquals(1, truncated.status(), truncated.out() + truncated.err());
        assertEquals(List.of("M app.log  (size)"), CliTest.changes(truncated.out()),
                "perms and growing: the size is watched, the times are not");
    }

    @Test
    void aGrowingLogWhoseOldLinesWereEditedIsTamperedThoughItGrew() throws Exception {
        root = Files.createDirectories(dir.resolve("audit"));
        Files.writeString(root.resolve("auth.log"), "09:00 alice logged in\n09:05 eve failed su\n");
        policy = Files.writeString(dir.resolve("audit.policy"), "/ perms growing\n");
        Thread.sleep(2100); // out of the racy window
        Path n0 = dir.resolve("a0.snap");
        assertEquals(0, fsnap("scan", root.toString(), "--digest", "-o", n0.toString()).status());
        Thread.sleep(1100);

        append("auth.log", "09:10 bob logged in\n");
        Path n1 = dir.resolve("a1.snap");
        CliTest.Run appended = fsnap("check", "--format", "lines", root.toString(), "--digest", "--policy",
                policy.toString(), "--against", n0.toString(), "-o", n1.toString());
        assertEquals(0, appended.status(), "appended to, and what it held kept: " + appended.out() + appended.err());

        // The intruder removes his line, and appends an innocent one so that the log still grew.
        Thread.sleep(1100);
        Files.writeString(root.resolve("auth.log"), "09:00 alice logged in\n09:05 bob  ran su \n09:10 bob logged in\n"
                + "09:15 backup ran\n");
        CliTest.Run edited = fsnap("check", "--format", "lines", root.toString(), "--digest", "--policy",
                policy.toString(), "--against", n1.toString(), "-o", dir.resolve("a2.snap").toString());
        assertEquals(4, edited.status(), edited.out() + edited.err());
        List<String> changes = CliTest.changes(edited.out());
        assertEquals(1, changes.size(), changes.toString());
        assertTrue(changes.get(0).startsWith("T auth.log  (size,mtime,ctime,content)")
                && changes.get(0).endsWith("TAMPERED: it only grows, and grew, but what it held before was changed"),
                changes.get(0));
        // Without digests the prefix is not known: a growing log that grew is no change, as AIDE's growing.
        CliTest.Run plain = fsnap("check", "--format", "lines", root.toString(), "--policy", policy.toString(),
                "--against", n1.toString(), "-o", dir.resolve("a3.snap").toString());
        assertEquals(0, plain.status(), plain.out() + plain.err());
    }
}
