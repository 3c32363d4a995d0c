package dev.fsnap.example;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Runs the planner of {@code docs/library.md} twice over a tree, and checks the document shows it as it is. */
@org.junit.jupiter.api.parallel.Isolated("swaps System.out to read what the example prints")
class BackupPlannerTest {
    /** Timestamps well before the scan, so that nothing is racy by accident. */
    private static final FileTime LONG_AGO = FileTime.from(Instant.parse("2025-01-01T00:00:00Z"));

    private static void write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
        Files.setLastModifiedTime(file, LONG_AGO);
    }

    private static List<String> run(Path root, Path state) throws Exception {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream saved = System.out;
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            BackupPlanner.main(new String[] {root.toString(), state.toString()});
        } finally {
            System.setOut(saved);
        }
        return captured.toString(StandardCharsets.UTF_8).lines().toList();
    }

    @Test
    void firstRunReadsEverythingThenOnlyWhatChanged(@TempDir Path dir) throws Exception {
        Path root = dir.resolve("home");
        Path state = Files.createDirectories(dir.resolve("state"));
        write(root.resolve("docs/a.txt"), "alpha");
        write(root.resolve("docs/b.txt"), "bravo!");
        write(root.resolve("photos/c.jpg"), "charlie");
        write(root.resolve("scratch.tmp"), "ignored");
        write(root.resolve(".cache/blob"), "ignored");

        assertEquals(List.of(
                "read added 5 docs/a.txt",
                "read added 6 docs/b.txt",
                "read added 7 photos/c.jpg",
                "3 files, 18 bytes to read; 6 entries scanned, native backend"), run(root, state));
        assertTrue(Files.exists(state.resolve("last.snap")));

        write(root.resolve("docs/a.txt"), "alpha, longer");
        Files.move(root.resolve("photos/c.jpg"), root.resolve("docs/c.jpg"));
        Files.delete(root.resolve("docs/b.txt"));
        write(root.resolve("new/d.txt"), "delta");
        write(root.resolve("new/e.tmp"), "ignored");

        assertEquals(List.of(
                "read modified 13 docs/a.txt",
                "read added 5 new/d.txt",
                "moved photos/c.jpg -> docs/c.jpg",
                "removed docs/b.txt",
                "2 files, 18 bytes to read; 7 entries scanned, native backend"), run(root, state));
    }

    @Test
    void theLibraryGuideShowsThisPlannerAsItIs() throws IOException {
        String guide = Files.readString(Path.of("..", "docs", "library.md"));
        String source = Files.readString(Path.of("src", "test", "java", "dev", "fsnap", "example", "BackupPlanner.java"));
        assertTrue(guide.contains("```java\n" + source + "```\n"),
                "docs/library.md must show src/test/java/dev/fsnap/example/BackupPlanner.java verbatim");
    }
}
