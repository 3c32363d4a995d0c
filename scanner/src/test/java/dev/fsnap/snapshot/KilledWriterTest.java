package dev.fsnap.snapshot;

import dev.fsnap.testdata.TreeBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A writer killed with SIGKILL in the middle of a snapshot leaves the previous one intact. */
class KilledWriterTest {
    @TempDir
    Path dir;

    @Test
    void thePreviousSnapshotSurvivesAKilledWriter() throws Exception {
        Path root = TreeBuilder.at(dir.resolve("t")).file("a/1", 1).file("b/2", 1).file("c/3", 1).file("d/4", 1)
                .root();
        Path snap = dir.resolve("nightly.snap");
        Snapshots.take(root, snap, Duration.ZERO);
        byte[] before = Files.readAllBytes(snap);
        Files.write(root.resolve("changed"), new byte[9]);

        Process p = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-cp",
                System.getProperty("java.class.path"), KilledWriter.class.getName(), root.toString(), snap.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            assertEquals("writing", out.readLine());
        } finally {
            p.destroyForcibly(); // SIGKILL: no shutdown hook, no cleanup
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        }
        assertTrue(Arrays.equals(before, Files.readAllBytes(snap)), "the previous snapshot is unchanged");
        try (var left = Files.list(dir)) {
            assertEquals(List.of("nightly.snap", "t"), left.map(f -> f.getFileName().toString()).sorted().toList(),
                    "the killed writer's file was unnamed (O_TMPFILE): nothing of it is left");
        }
        List<dev.fsnap.scan.ScanError> unreadable = new ArrayList<>();
        assertEquals(9, Snapshots.read(snap, unreadable).size(), "the previous snapshot still reads");

        Snapshots.take(root, snap, Duration.ZERO);
        assertEquals(10, Snapshots.read(snap, unreadable).size());
    }
}
