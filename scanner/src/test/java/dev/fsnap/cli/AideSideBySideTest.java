package dev.fsnap.cli;

import dev.fsnap.internal.Json;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

import static dev.fsnap.cli.CliTest.fsnap;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One policy written as an aide.conf and as an fsnap policy, on the same tree with the same changes:
 * fsnap reports the paths AIDE reports, with the same fields (AIDE's attributes named as fsnap
 * names them). Debian's aide, which .ci/run installs, is run for real.
 */
class AideSideBySideTest {
    @TempDir
    Path dir;

    /** AIDE's JSON attribute names, as fsnap's fields. */
    private static final Map<String, String> FIELD = Map.ofEntries(Map.entry("perm", "mode"), Map.entry("uid", "uid"),
            Map.entry("gid", "gid"), Map.entry("size", "size"), Map.entry("growing_size", "size"),
            Map.entry("modify_time", "mtime"), Map.entry("change_time", "ctime"), Map.entry("inode", "ino"),
            Map.entry("linkcount", "nlink"), Map.entry("link_name", "target"), Map.entry("sha256", "content"),
            Map.entry("ftype", "type"), Map.entry("file_type", "type"));

    @Test
    void fsnapReportsWhatAideReportsWithTheSameFields() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/aide")), "no aide here (.ci/run installs it)");
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "the night gives a file away: root only");
        Path t = Files.createDirectories(dir.resolve("t"));
        for (String d : new String[] {"etc", "var/log", "var/cache", "srv/share"}) {
            Files.createDirectories(t.resolve(d));
        }
        Files.writeString(t.resolve("etc/passwd"), "root:x:0:0:root:/root:/bin/sh\n");
        Files.writeString(t.resolve("etc/hosts"), "127.0.0.1 localhost\n");
        Files.writeString(t.resolve("etc/group"), "root:x:0:\n");
        Files.createSymbolicLink(t.resolve("etc/localtime"), Path.of("/usr/share/zoneinfo/UTC"));
        Files.writeString(t.resolve("var/log/syslog"), "boot\n");
        Files.writeString(t.resolve("var/log/auth.log"), "login root\nlogin alice\n");
        Files.writeString(t.resolve("var/log/secure"), "09:00 su by eve\n");
        Files.writeString(t.resolve("var/cache/pkg.bin"), "cached");
        Files.writeString(t.resolve("srv/share/report.doc"), "draft");
        Files.writeString(t.resolve("srv/share/old.csv"), "a,b\n");

        // The same policy twice: everything under the tree, logs that grow, a share watched for
        // permissions and owners alone, a cache left out.
        Path conf = Files.writeString(dir.resolve("aide.conf"), String.join("\n",
                "database_in=file:" + dir.resolve("aide.db"),
                "database_out=file:" + dir.resolve("aide.db.new"),
                "report_format=json",
                "report_url=stdout",
                "FULL = p+u+g+s+m+c+i+n+l+sha256+ftype",
                "LOG = p+u+g+S+ftype",
                "PERMS = p+u+g+ftype",
                t + " FULL",
                t.resolve("var/log") + " LOG",
                t.resolve("srv/share") + " PERMS",
                "!" + t.resolve("var/cache"), ""));
        Path policy = Files.writeString(dir.resolve("fsnap.policy"), String.join("\n",
                "/            type mode uid gid size mtime ctime ino nlink target content",
                "/var/log/    type mode uid gid growing",
                "/srv/share/  perms",
                "/var/cache/  exclude", ""));
        Thread.sleep(2100); // out of the racy window
        assertEquals(0, run("aide", "-c", conf.toString(), "--init").exit, "aide --init");
        Files.move(dir.resolve("aide.db.new"), dir.resolve("aide.db"));
        Path baseline = dir.resolve("monday.snap");
        assertEquals(0, fsnap("scan", t.toString(), "--digest", "-o", baseline.toString()).status());
        Thread.sleep(1100);

        // The night: content rewritten with its mtime put back, chmod, chown, a log appended to,
        // a log truncated, the cache changed, a file added and one removed, a link changed.
        FileTime mtime = Files.getLastModifiedTime(t.resolve("etc/passwd"));
        Files.writeString(t.resolve("etc/passwd"), "root::0:0:root:/root:/bin/sh\n");
        Files.setLastModifiedTime(t.resolve("etc/passwd"), mtime);
        Files.setPosixFilePermissions(t.resolve("etc/hosts"), PosixFilePermissions.fromString("rw-rw-rw-"));
        Files.setAttribute(t.resolve("etc/group"), "unix:uid", 4242);
        Files.writeString(t.resolve("var/log/syslog"), "cron ran\n", StandardOpenOption.APPEND);
        Files.writeString(t.resolve("var/log/auth.log"), "");
        Files.writeString(t.resolve("var/log/secure"), "09:00 nothing  \n09:10 cron ran\n"); // edited, and grown
        Files.writeString(t.resolve("var/cache/pkg.bin"), "cached again");
        Files.writeString(t.resolve("etc/cron.evil"), "* * * * * root nc -e /bin/sh");
        Files.delete(t.resolve("srv/share/old.csv"));
        Files.delete(t.resolve("etc/localtime"));
        Files.createSymbolicLink(t.resolve("etc/localtime"), Path.of("/usr/share/zoneinfo/Europe/Paris"));
        Files.setPosixFilePermissions(t.resolve("srv/share/report.doc"), PosixFilePermissions.fromString("rwxrwxrwx"));
        Files.writeString(t.resolve("srv/share/report.doc"), " and more", StandardOpenOption.APPEND);

        Result aide = run("aide", "-c", conf.toString(), "--check");
        assertTrue(aide.exit > 0 && aide.exit < 8, "aide found differences: " + aide.exit + " " + aide.out);
        @SuppressWarnings("unchecked")
        Map<String, Object> report = (Map<String, Object>) Json.parse(aide.out);
        Map<String, String> expected = new TreeMap<>();
        String prefix = t + "/";
        for (String kind : new String[] {"added", "removed"}) {
            Object m = report.get(kind);
            if (m instanceof Map<?, ?> paths) {
                for (Object p : paths.keySet()) {
                    expected.put(((String) p).substring(prefix.length()), kind.equals("added") ? "+" : "-");
                }
            }
        }
        Map<?, ?> details = (Map<?, ?>) report.get("details");
        for (Map.Entry<?, ?> e : details.entrySet()) {
            TreeSet<String> fields = new TreeSet<>();
            for (Object attribute : ((Map<?, ?>) e.getValue()).keySet()) {
                String f = FIELD.get((String) attribute);
                assertTrue(f != null, "an attribute this test maps: " + attribute);
                fields.add(f);
            }
            String path = (String) e.getKey();
            expected.put(path.equals(t.toString()) ? "." : path.substring(prefix.length()), String.join(",", fields));
        }

        CliTest.Run check = fsnap("check", "--format", "json", t.toString(), "--digest", "--policy", policy.toString(),
                "--against", baseline.toString(), "-o", dir.resolve("tuesday.snap").toString());
        assertEquals(4, check.status(), "the rewritten passwd is tampered: " + check.out() + check.err());
        Map<String, String> got = new TreeMap<>();
        for (String line : check.out().lines().toList()) {
            Map<?, ?> c = (Map<?, ?>) Json.parse(line);
            if (!(c.get("op") instanceof String op)) {
                continue;
            }
            String path = (String) c.get("path");
            if (path.equals("var/log/secure")) {
                // By design: AIDE's growing checks the size alone; fsnap also checks that the log
                // still begins with what it held, and names the edit.
                assertEquals("tampered", op, line);
                continue;
            }
            if (op.equals("added") || op.equals("removed")) {
                got.put(path, op.equals("added") ? "+" : "-");
            } else {
                TreeSet<String> fields = new TreeSet<>();
                for (Object f : (java.util.List<?>) c.get("fields")) {
                    fields.add((String) f);
                }
                got.put(path, String.join(",", fields));
            }
        }
        assertEquals(expected, got, "the same paths with the same fields\naide: " + aide.out + "\nfsnap: " + check.out());
        // What each tool saw, so that agreement on nothing cannot pass.
        assertEquals("content,ctime,size", expected.get("etc/passwd"));
        assertEquals("ctime,mode", expected.get("etc/hosts"));
        assertEquals("ctime,uid", expected.get("etc/group"));
        assertEquals("size", expected.get("var/log/auth.log"), "a log truncated");
        assertEquals("mode", expected.get("srv/share/report.doc"), "permissions alone there");
        assertEquals("+", expected.get("etc/cron.evil"));
        assertEquals("-", expected.get("srv/share/old.csv"));
        assertTrue(expected.get("etc/localtime").contains("target"), expected.toString());
        assertTrue(!expected.containsKey("var/log/syslog") && !expected.containsKey("var/cache/pkg.bin"),
                "a log appended to, a cache: no change for either: " + expected);
        assertTrue(!expected.containsKey("var/log/secure") && check.out().contains("\"path\":\"var/log/secure\""),
                "a log edited, then grown: AIDE does not see it, fsnap does");
        assertTrue(check.out().contains("\"op\":\"tampered\",\"path\":\"etc/passwd\""),
                "by design, fsnap also names the rewrite whose mtime was put back: " + check.out());
    }

    private record Result(int exit, String out) {
    }

    private Result run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Result(p.waitFor(), out);
    }
}
