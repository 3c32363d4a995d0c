package dev.fsnap.cli;

import dev.fsnap.testdata.TreeGenerator;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a nightly job relies on, run as cron runs it: a damaged snapshot is never trusted, a report
 * that cannot be written never costs the baseline, and no other user can stop a snapshot write.
 */
class NightlySafetyTest {
    @TempDir
    Path dir;

    private Path root;
    private Path baseline;
    private byte[] good;

    @BeforeEach
    void aTreeOfFiveThousandEntriesAndItsSnapshot() throws Exception {
        root = dir.resolve("t");
        TreeGenerator.generate(root, 4500);
        baseline = dir.resolve("base.snap");
        CliTest.Run r = CliTest.fsnap("scan", root.toString(), "-o", baseline.toString());
        assertEquals(0, r.status(), r.err());
        good = Files.readAllBytes(baseline);
    }

    private static boolean noStackTrace(String err) {
        return !err.contains("Exception") && !err.contains("\tat ");
    }

    @Test
    void aDamagedSnapshotIsRefusedByLsDiffAndCheckWithExitTwo() throws Exception {
        Random random = new Random(17);
        Path bad = dir.resolve("bad.snap");
        List<byte[]> damaged = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            byte[] b = good.clone();
            int at = random.nextInt(b.length);
            b[at] ^= (byte) (1 + random.nextInt(255));
            damaged.add(b);
        }
        for (int i = 0; i < 3; i++) {
            damaged.add(Arrays.copyOf(good, random.nextInt(good.length)));
        }
        for (byte[] b : damaged) {
            Files.write(bad, b);
            for (String[] args : List.of(new String[] {"ls", bad.toString()},
                    new String[] {"diff", baseline.toString(), bad.toString()},
                    new String[] {"diff", bad.toString(), baseline.toString()},
                    new String[] {"verify", bad.toString()},
                    new String[] {"check", root.toString(), "--against", bad.toString(), "-o", bad.toString()})) {
                CliTest.Run r = CliTest.fsnap(args);
                assertEquals(2, r.status(), String.join(" ", args) + ": " + r.err());
                assertTrue(r.err().contains(bad + ": corrupt snapshot at byte offset "), r.err());
                assertTrue(noStackTrace(r.err()), r.err());
            }
            assertArrayEquals(b, Files.readAllBytes(bad), "check left the damaged baseline as it was");
        }
    }

    @Test
    void verifySaysAWholeSnapshotIsWhole() throws Exception {
        CliTest.Run r = CliTest.fsnap("verify", baseline.toString());
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().startsWith(baseline + ": verified: 5221 entries of " + root + ", taken "), r.out());
        assertTrue(r.out().contains(" directory blocks, 0 unreadable-list blocks, " + good.length + " bytes"), r.out());
    }

    @Test
    void aCheckWhoseReportCannotBeWrittenKeepsTheBaseline() throws Exception {
        Assumptions.assumeTrue(Files.exists(Path.of("/dev/full")), "no /dev/full");
        Files.write(root.resolve("new-file"), new byte[3]);
        Process p = new ProcessBuilder(CliTest.command("check", root.toString(), "--against", baseline.toString(), "-o",
                baseline.toString())).redirectOutput(new File("/dev/full")).start();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(2, p.exitValue(), err);
        assertTrue(err.contains("the report was cut"), err);
        assertTrue(err.contains(baseline + " was not written; the file there was left as it was"), err);
        assertTrue(noStackTrace(err), err);
        assertArrayEquals(good, Files.readAllBytes(baseline));
        try (var files = Files.list(dir)) {
            assertEquals(List.of("base.snap", "t"), files.map(f -> f.getFileName().toString()).sorted().toList());
        }
    }

    @Test
    void aCheckPipedIntoHeadEndsWithoutAStackTraceAndKeepsTheBaselineWhenCut() throws Exception {
        for (int i = 0; i < 10_000; i++) { // a report far larger than a pipe holds (64 KiB), racy or not
            Files.write(root.resolve("added-" + i), new byte[0]);
        }
        Process p = new ProcessBuilder(CliTest.command("check", root.toString(), "--against", baseline.toString(), "-o",
                baseline.toString())).start();
        CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> {
            try {
                return p.getErrorStream().readAllBytes();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            assertTrue(out.readLine() != null, "the first line of the report");
        } // closed: the rest of the report meets a closed pipe, as after `| head -1`
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        String e = new String(err.join(), StandardCharsets.UTF_8);
        assertEquals(141, p.exitValue(), "as a process killed by SIGPIPE: " + e);
        assertEquals("", e, "no stack trace, no error line");
        assertArrayEquals(good, Files.readAllBytes(baseline), "the report was cut: the baseline stays");
    }

    @Test
    void namesAnotherUserCreatedInAdvanceCannotBlockASnapshot() throws Exception {
        Path shared = Files.createDirectory(dir.resolve("shared"));
        Files.setPosixFilePermissions(shared, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
        long pid = ProcessHandle.current().pid();
        // What blocked every write before: a directory under each name a writer could pick.
        for (long p = pid; p < pid + 3000; p++) {
            Files.createDirectory(shared.resolve(".s.snap." + p + ".tmp"));
        }
        Path target = shared.resolve("s.snap");
        CliTest.Run r = CliTest.fsnap("scan", root.toString(), "-o", target.toString());
        assertEquals(0, r.status(), r.err());
        assertEquals(0, CliTest.fsnap("ls", target.toString()).status());
    }

    @Test
    void anOutputThatCannotBeAFileIsRefusedBeforeTheScan() throws Exception {
        for (String[] args : List.of(new String[] {"scan", root.toString(), "-o", dir.toString()},
                new String[] {"check", root.toString(), "--against", baseline.toString(), "-o", dir.toString()},
                new String[] {"scan", root.toString(), "-o", ""},
                new String[] {"scan", root.toString(), "-o", dir.resolve("missing/s.snap").toString()})) {
            CliTest.Run r = CliTest.fsnap(args);
            assertEquals(2, r.status(), String.join(" ", args));
            assertTrue(r.err().contains("cannot write a snapshot there"), r.err());
            assertFalse(r.err().contains("entries,"), "refused before scanning: " + r.err());
        }
    }
}
