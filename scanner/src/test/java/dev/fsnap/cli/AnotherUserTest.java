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
}
