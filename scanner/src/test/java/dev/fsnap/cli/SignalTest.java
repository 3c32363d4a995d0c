package dev.fsnap.cli;

import dev.fsnap.testdata.TreeGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Ctrl-C, a systemd stop or a cron kill at any moment of {@code scan -o} or {@code check}: the
 * process ends with 130 or 143, never aborts or hangs, leaves the previous snapshot as it was and no
 * file of its own behind; or, when the signal came after the new snapshot was put in place, with
 * the status the finished run has. (The native memory the workers hash and write with used to be freed under
 * them by the shutdown hook.)
 */
class SignalTest {
    @TempDir
    Path dir;

    @Test
    void signalsAtRandomMomentsEndTheRunCleanly() throws Exception {
        Path root = dir.resolve("t");
        TreeGenerator.generate(root, 60_000);
        Path snap = dir.resolve("out").resolve("night.snap");
        Files.createDirectories(snap.getParent());
        CliTest.Run first = CliTest.fsnap("scan", root.toString(), "-o", snap.toString());
        assertEquals(0, first.status(), first.err());
        Path work = Files.createDirectory(dir.resolve("cwd")); // where a crashing JVM would leave hs_err files
        Random random = new Random(130);
        int interrupted = 0;
        for (int run = 0; run < 12; run++) {
            byte[] before = Files.readAllBytes(snap);
            boolean check = run % 2 == 1;
            String signal = run % 4 < 2 ? "INT" : "TERM";
            List<String> args = check
                    ? List.of("check", root.toString(), "--against", snap.toString(), "-o", snap.toString())
                    : List.of("scan", root.toString(), "-o", snap.toString(), "--threads", "2");
            List<String> command = new java.util.ArrayList<>(CliTest.command(args.toArray(String[]::new)));
            // jffi unpacks its stub into the working directory unless told where (the launcher points
            // it at the build's copy): a signal during that unpacking is not what this test looks for
            command.add(1, "-Djffi.extract.dir=" + Files.createDirectories(dir.resolve("jffi")));
            Process p = new ProcessBuilder(command).directory(work.toFile())
                    .redirectOutput(new File("/dev/null")).start();
            CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> {
                try {
                    return p.getErrorStream().readAllBytes();
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            Thread.sleep(100 + random.nextInt(600)); // most runs are still going: the JVM alone starts in about 0.3 s
            new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).start().waitFor();
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "run " + run + ": still running 30 s after SIG" + signal);
            String e = new String(err.join(), StandardCharsets.UTF_8);
            int status = p.exitValue();
            String what = "run " + run + " (" + args.get(0) + ", SIG" + signal + "): exit " + status + ": " + e;
            assertFalse(e.contains("fatal error") || e.contains("corrupted") || e.contains("\tat "), what);
            try (var left = Files.list(work)) {
                assertEquals(List.of(), left.toList(), what);
            }
            try (var left = Files.list(snap.getParent())) {
                assertEquals(List.of(snap), left.toList(), "no temporary file left: " + what);
            }
            if (status == 130 || status == 143) {
                assertEquals(signal.equals("INT") ? 130 : 143, status, what);
                assertArrayEquals(before, Files.readAllBytes(snap), "the previous snapshot is intact: " + what);
                interrupted++;
            } else {
                assertTrue(status == 0 || status == 1, "finished before the signal: " + what);
            }
            assertEquals(0, CliTest.fsnap("ls", snap.toString()).status(), "the snapshot in place reads: " + what);
        }
        assertTrue(interrupted >= 6, interrupted + " of 12 runs were stopped by the signal: the tree is too small");
    }
}
