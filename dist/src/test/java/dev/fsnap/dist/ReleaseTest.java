package dev.fsnap.dist;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The release archive as a user installs it: unpacked, made read-only, and run where Maven is not
 * on the PATH (only java, bash and the few commands the launcher uses are): scan, check --repo and
 * tune work, what the launcher prepares goes to the user's cache, and the systemd units pass
 * {@code systemd-analyze verify} where the tool exists.
 */
class ReleaseTest {
    @TempDir
    Path dir;

    private record Run(int status, String out) {
    }

    /** Runs a command with the given PATH and HOME, stdout and stderr together. */
    private static Run run(Path bin, Path home, String... command) throws IOException, InterruptedException {
        ProcessBuilder b = new ProcessBuilder(command).redirectErrorStream(true);
        Map<String, String> env = b.environment();
        env.clear();
        env.put("PATH", bin.toString());
        env.put("HOME", home.toString());
        Process p = b.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), String.join(" ", command));
        return new Run(p.exitValue(), out);
    }

    /** A PATH with java, bash and what the launcher calls: no mvn, no git. */
    private Path pathWithoutMaven() throws IOException {
        Path bin = Files.createDirectory(dir.resolve("bin"));
        Files.createSymbolicLink(bin.resolve("java"), Path.of(ProcessHandle.current().info().command().orElseThrow()));
        for (String tool : List.of("bash", "env", "dirname", "readlink", "cksum", "cut", "mkdir", "mktemp", "rm",
                "cat", "uname")) {
            Path found = Stream.of("/usr/bin", "/bin").map(d -> Path.of(d, tool)).filter(Files::isExecutable)
                    .findFirst().orElseThrow(() -> new AssertionError(tool + " not found"));
            Files.createSymbolicLink(bin.resolve(tool), found);
        }
        return bin;
    }

    private static int sh(String script, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("bash", "-c", script, "_"));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).inheritIO().start().waitFor();
    }

    @Test
    void theUnpackedReadOnlyArchiveScansChecksIntoARepositoryAndTunesWithoutMaven() throws Exception {
        Path archive = Path.of(System.getProperty("fsnap.release"));
        assertTrue(Files.isRegularFile(archive), archive + " was built");
        Path install = Files.createDirectory(dir.resolve("opt"));
        assertEquals(0, sh("tar -xzf \"$1\" -C \"$2\"", archive.toString(), install.toString()));
        Path top;
        try (Stream<Path> s = Files.list(install)) {
            top = s.findFirst().orElseThrow();
        }
        assertTrue(top.getFileName().toString().startsWith("fsnap-"), top.toString());
        for (String f : List.of("bin/fsnap", "lib/fsnap.jar", "README", "share/man/man1/fsnap.1",
                "share/man/man1/fsnap-check.1", "share/bash-completion/completions/fsnap",
                "share/fsnap/systemd/fsnap-check@.service", "share/fsnap/systemd/fsnap-check@.timer")) {
            assertTrue(Files.exists(top.resolve(f)), f);
        }
        assertTrue(Files.isExecutable(top.resolve("bin/fsnap")));
        // Read-only as an installed package is, also for root: a read-only bind mount of it (else no write permission).
        boolean root = "root".equals(System.getProperty("user.name"));
        if (root) {
            assertEquals(0, sh("mount --bind \"$1\" \"$1\" && mount -o remount,bind,ro \"$1\"", install.toString()));
        } else {
            assertEquals(0, sh("chmod -R a-w \"$1\"", install.toString()));
        }
        try {
            runUnpacked(top);
        } finally {
            sh(root ? "umount \"$1\" || umount -l \"$1\"" : "chmod -R u+w \"$1\"", install.toString());
        }
    }

    private void runUnpacked(Path top) throws Exception {

        Path bin = pathWithoutMaven();
        Path home = Files.createDirectory(dir.resolve("home"));
        Path tree = Files.createDirectories(dir.resolve("data/sub"));
        Files.writeString(tree.resolve("a"), "a");
        String fsnap = top.resolve("bin/fsnap").toString();

        assertEquals(127, run(bin, home, "bash", "-c", "command -v mvn || exit 127").status(), "no mvn here");
        Run scan = run(bin, home, fsnap, "scan", tree.getParent().toString());
        assertEquals(0, scan.status(), scan.out());
        assertTrue(scan.out().contains("fsnap: 3 entries, 2 directories, 0 errors"), scan.out());
        Path repo = dir.resolve("repo");
        Run first = run(bin, home, fsnap, "check", tree.getParent().toString(), "--repo", repo.toString());
        assertEquals(0, first.status(), first.out());
        Files.writeString(tree.resolve("b"), "b");
        Run second = run(bin, home, fsnap, "check", tree.getParent().toString(), "--repo", repo.toString());
        assertEquals(1, second.status(), second.out());
        assertTrue(second.out().contains("  + b  1 B"), second.out());
        Run tune = run(bin, home, fsnap, "tune", tree.getParent().toString(), "--budget", "2s");
        assertEquals(0, tune.status(), tune.out());
        assertTrue(tune.out().contains("recommend"), tune.out());
        try (Stream<Path> s = Files.walk(home.resolve(".cache/fsnap"))) {
            assertTrue(s.anyMatch(p -> p.getFileName().toString().equals("fsnap.jsa")),
                    "the class-data archive went to the user's cache, the install being read-only");
        }
    }

    @Test
    void theSystemdUnitsPassSystemdAnalyzeVerify() throws Exception {
        Path analyze = Path.of("/usr/bin/systemd-analyze");
        Assumptions.assumeTrue(Files.isExecutable(analyze), "systemd-analyze is not installed");
        Path archive = Path.of(System.getProperty("fsnap.release"));
        Path unpacked = Files.createDirectory(dir.resolve("unpacked"));
        assertEquals(0, sh("tar -xzf \"$1\" -C \"$2\" --strip-components=1", archive.toString(), unpacked.toString()));
        Path units = unpacked.resolve("share/fsnap/systemd");
        // An instance, as systemctl enable makes it; the command where the README links it, made to exist here.
        Path fsnap = Files.createDirectories(dir.resolve("usr/local/bin")).resolve("fsnap");
        Files.writeString(fsnap, "#!/bin/sh\n");
        assertEquals(0, sh("chmod +x \"$1\"", fsnap.toString()));
        for (String kind : List.of("service", "timer")) {
            String text = Files.readString(units.resolve("fsnap-check@." + kind)).replace("/usr/local/bin/fsnap",
                    fsnap.toString());
            Files.writeString(units.resolve("fsnap-check@data." + kind), text);
        }
        ProcessBuilder b = new ProcessBuilder(analyze.toString(), "verify",
                units.resolve("fsnap-check@data.service").toString(), units.resolve("fsnap-check@data.timer").toString())
                .redirectErrorStream(true);
        // Documentation=man:fsnap-check(1) is checked with man: the archive's pages, as an install puts them on MANPATH.
        b.environment().put("MANPATH", unpacked.resolve("share/man") + ":");
        Process p = b.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.lines().noneMatch(l -> l.contains("fsnap-check@")), "no complaint about the units: " + out);
    }

    @Test
    void whereDpkgDebIsAtHandADebCarriesTheSameRelease() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/dpkg-deb")), "dpkg-deb is not installed");
        Path deb;
        try (Stream<Path> s = Files.list(Path.of(System.getProperty("fsnap.target")))) {
            deb = s.filter(p -> p.getFileName().toString().endsWith("_all.deb")).findFirst().orElseThrow();
        }
        ProcessBuilder fields = new ProcessBuilder("dpkg-deb", "-f", deb.toString(), "Package", "Architecture", "Depends")
                .redirectErrorStream(true);
        Process p = fields.start();
        String control = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor());
        assertTrue(control.contains("Package: fsnap\nArchitecture: all\nDepends: default-jre-headless (>= 2:1.17)"),
                control);
        Path root = Files.createDirectory(dir.resolve("root"));
        assertEquals(0, sh("dpkg-deb -x \"$1\" \"$2\"", deb.toString(), root.toString()));
        for (String f : List.of("usr/share/fsnap/lib/fsnap.jar", "usr/share/man/man1/fsnap-check.1.gz",
                "usr/share/bash-completion/completions/fsnap", "lib/systemd/system/fsnap-check@.timer")) {
            assertTrue(Files.exists(root.resolve(f)), f);
        }
        assertTrue(Files.readString(root.resolve("lib/systemd/system/fsnap-check@.service"))
                .contains("ExecStart=/usr/bin/fsnap check"));
        Path bin = pathWithoutMaven();
        Path home = Files.createDirectory(dir.resolve("home"));
        Run version = run(bin, home, root.resolve("usr/bin/fsnap").toString(), "--version");
        assertEquals(0, version.status(), version.out());
        assertTrue(version.out().startsWith("fsnap "), version.out());
    }
}
