package dev.fsnap.cli;

import dev.fsnap.testdata.Deadlines;
import dev.fsnap.testdata.TreeBuilder;
import dev.fsnap.testdata.TreeGenerator;
import dev.fsnap.testdata.fuse.SlowNas;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The {@code fsnap} launcher as cron runs it: exit statuses and output pass through, a signal to the
 * launcher reaches the scan, and a JVM that a server ignoring interrupts keeps from being reaped does
 * not keep the launcher's caller waiting. Runs this build's classes through a jar that only names
 * them ({@code FSNAP_JAR}), since the real jar is packaged after the tests.
 */
class LauncherTest {
    @TempDir
    Path dir;

    private Path launcher;
    private Path jar;

    @BeforeEach
    void aJarNamingThisBuild() throws IOException {
        launcher = Path.of("").toAbsolutePath().getParent().resolve("fsnap");
        Assumptions.assumeTrue(Files.isExecutable(launcher), "no launcher at " + launcher);
        Manifest m = new Manifest();
        m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        m.getMainAttributes().put(Attributes.Name.MAIN_CLASS, Main.class.getName());
        List<String> urls = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            urls.add(Path.of(entry).toUri().toString());
        }
        m.getMainAttributes().put(Attributes.Name.CLASS_PATH, String.join(" ", urls));
        jar = dir.resolve("build").resolve("fsnap.jar");
        Files.createDirectories(jar.getParent());
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out, m)) {
            j.flush();
        }
    }

    private ProcessBuilder launcher(String... args) {
        List<String> command = new ArrayList<>(List.of(launcher.toString()));
        command.addAll(Arrays.asList(args));
        ProcessBuilder b = new ProcessBuilder(command).redirectInput(new File("/dev/null"));
        b.environment().put("FSNAP_JAR", jar.toString());
        return b;
    }

    private Process start(String... args) throws IOException {
        return launcher(args).start();
    }

    private CliTest.Run run(String... args) throws Exception {
        return CliTest.run(launcher(args));
    }

    @Test
    void statusesAndOutputPassThrough() throws Exception {
        Path root = TreeBuilder.at(dir.resolve("t")).file("a", 1).file("b/c", 2).root();
        CliTest.Run json = run("scan", root.toString(), "--json");
        assertEquals(0, json.status(), json.err());
        assertEquals(4, json.out().lines().count(), json.out());
        CliTest.Run missing = run("scan", dir.resolve("missing").toString());
        assertEquals(2, missing.status(), missing.err());
        Files.write(dir.resolve("junk.snap"), new byte[] {1, 2, 3});
        assertEquals(2, run("verify", dir.resolve("junk.snap").toString()).status());
    }

    @Test
    void aLauncherThatCannotStartTheJobSaysWhyWithExit2() throws Exception {
        // Exit 1 means "changes", and a nightly unit counts it as a normal night: the launcher's own failures are 2.
        ProcessBuilder missing = launcher("--version");
        missing.environment().put("FSNAP_JAR", dir.resolve("gone/fsnap.jar").toString());
        CliTest.Run r = CliTest.run(missing);
        assertEquals(2, r.status(), r.err());
        assertEquals("fsnap: " + dir.resolve("gone/fsnap.jar") + ": the program is missing or cannot be read\n", r.err());
        ProcessBuilder noJava = launcher("--version");
        noJava.environment().put("JAVA_HOME", dir.resolve("no-jdk").toString());
        r = CliTest.run(noJava);
        assertEquals(2, r.status(), r.err());
        assertTrue(r.err().startsWith("fsnap: no java on the PATH (nor JAVA_HOME)"), r.err());
    }

    @Test
    void aSignalAfterTheJvmEndedIsNoFailureOfTheLauncher() throws Exception {
        assertEquals(0, run("--version").status()); // the one-time preparation, with the real java
        // A stand-in for java that ends at once with 130, as a JVM that took the same Ctrl-C first,
        // while a process of its own keeps the status pipe open: the launcher's signal handler then
        // passes the signal on to a process that is gone.
        Path jdk = Files.createDirectories(dir.resolve("jdk/bin"));
        Path stand = jdk.resolve("java");
        Files.writeString(stand, "#!/bin/sh\n"
                + "case \"$*\" in *-Dfsnap.statusFd=3*) sleep 3 & exit 130 ;; esac\n"
                + "exec " + ProcessHandle.current().info().command().orElse("java") + " \"$@\"\n");
        Files.setPosixFilePermissions(stand, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        ProcessBuilder b = launcher("--version");
        b.environment().put("JAVA_HOME", dir.resolve("jdk").toString());
        Process p = b.start();
        Thread.sleep(1000);
        new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor(); // the launcher only
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(130, p.exitValue(), "the JVM's own status, not the launcher's 2: " + err);
        assertFalse(err.contains("the launcher failed"), err);
    }

    @Test
    void aSignalToTheLauncherAloneReachesTheScan() throws Exception {
        Path root = dir.resolve("big");
        TreeGenerator.generate(root, 60_000);
        Path snap = dir.resolve("n.snap");
        assertEquals(0, run("scan", root.toString(), "-o", snap.toString()).status());
        byte[] before = Files.readAllBytes(snap);
        Process p = start("scan", root.toString(), "-o", snap.toString(), "--threads", "1");
        Thread.sleep(700);
        new ProcessBuilder("kill", "-TERM", Long.toString(p.pid())).start().waitFor(); // the launcher only
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.exitValue() == 0) {
            return; // the scan was done before the signal: nothing to stop (a slow start-up would have to be very fast)
        }
        assertEquals(143, p.exitValue(), err);
        assertArrayEquals(before, Files.readAllBytes(snap));
    }

    @Test
    void aJvmKilledWithoutSayingGivesTheLauncherItsStatus() throws Exception {
        // A scan that cannot end before it is killed, however fast or loaded the machine: it writes
        // far more JSON than a pipe holds to a standard output nobody reads, and waits there.
        Path root = dir.resolve("big");
        TreeGenerator.generate(root, 5_000);
        assertEquals(0, run("--version").status()); // the one-time preparation, so the next start is the scan's
        Process p = start("scan", root.toString(), "--json", "--threads", "1");
        ProcessHandle jvm = null;
        for (int i = 0; i < 250 && jvm == null; i++) {
            // the launcher's child that runs java (it may run a short helper first)
            jvm = p.toHandle().children().filter(h -> h.info().command().orElse("").endsWith("/java")).findFirst()
                    .orElse(null);
            Thread.sleep(20);
        }
        assertTrue(jvm != null, "the launcher started no JVM");
        Thread.sleep(500); // the JVM is up, and blocked on the full pipe
        assertTrue(jvm.isAlive(), "the scan cannot have ended: its output is not read");
        jvm.destroyForcibly(); // SIGKILL: it writes no status, the launcher reads the end and waits
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(137, p.exitValue());
    }

    @Test
    void aServerThatIgnoresInterruptsDoesNotHoldTheCaller() throws Exception {
        Assumptions.assumeTrue(SlowNas.unavailableReason() == null, SlowNas.unavailableReason());
        Path source = TreeBuilder.at(dir.resolve("src")).file("alive/a", 1).file("dead/c", 3).root();
        SlowNas nas = SlowNas.mount(source, Files.createDirectory(dir.resolve("mnt")), Duration.ZERO);
        try {
            assertEquals(0, run("--version").status()); // the launcher's one-time preparation, outside the timing
            nas.hang("dead");
            nas.ignoreInterrupts();
            long start = System.nanoTime();
            CliTest.Run r = run("scan", nas.mountPoint().toString(), "--op-timeout", "1", "--threads", "4");
            double seconds = (System.nanoTime() - start) / 1e9;
            assertEquals(3, r.status(), r.err());
            assertTrue(r.err().contains("dead: No answer in 1 s"), r.err());
            // The JVM itself cannot be reaped until the server answers: one of its threads waits in the
            // kernel uninterruptibly. Without the launcher's status descriptor this took until the release.
            assertTrue(seconds < Deadlines.outerLimitSeconds(1), "the launcher ended after " + seconds + " s, the deadline is 1 s");
        } finally {
            nas.release();
            nas.close();
        }
    }
}
