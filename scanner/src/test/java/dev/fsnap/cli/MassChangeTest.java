package dev.fsnap.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static dev.fsnap.cli.CliTest.fsnap;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A night that rewrites a third of a directory's files (ransomware, a runaway script) is one line
 * a person reads, its own exit status and a metric; a tenth of them is ordinary changes.
 */
class MassChangeTest {
    @TempDir
    Path dir;

    private Path root;

    private Path tree() throws Exception {
        root = Files.createDirectories(dir.resolve("t/docs"));
        for (int i = 0; i < 100; i++) {
            Files.writeString(root.resolve(String.format("file%03d.txt", i)), "plain text " + i);
        }
        Files.createDirectories(dir.resolve("t/small"));
        Files.writeString(dir.resolve("t/small/one"), "1");
        Path night = dir.resolve("night0.snap");
        assertEquals(0, fsnap("scan", dir.resolve("t").toString(), "-o", night.toString()).status());
        return night;
    }

    private void rewrite(int count) throws Exception {
        for (int i = 0; i < count; i++) {
            Files.writeString(root.resolve(String.format("file%03d.txt", i)), "ENCRYPTED, pay to recover " + i);
        }
    }

    @Test
    void aThirdOfADirectoryRewrittenIsOneMassChange() throws Exception {
        Path night = tree();
        rewrite(30);
        Files.writeString(dir.resolve("t/small/one"), "all of one file: no pattern");
        Path metrics = dir.resolve("fsnap.prom");
        CliTest.Run r = fsnap("check", "--format", "lines", dir.resolve("t").toString(), "--mass-change", "20%",
                "--metrics", metrics.toString(), "--against", night.toString(), "-o", dir.resolve("n1.snap").toString());
        assertEquals(6, r.status(), r.out() + r.err());
        List<String> mass = r.out().lines().filter(l -> l.startsWith("% ")).toList();
        assertEquals(List.of("% docs  (30 of 100 files rewritten, 30%)"), mass, "one line: " + r.out());
        assertTrue(r.err().contains(", MASS CHANGE in 1 directory; "), r.err());
        List<String> samples = Files.readAllLines(metrics);
        assertTrue(samples.stream().anyMatch(l -> l.startsWith("fsnap_mass_change_directories{") && l.endsWith("} 1")),
                String.join("\n", samples));
        assertTrue(samples.stream().anyMatch(l -> l.startsWith("fsnap_exit_status{") && l.endsWith("} 6")),
                String.join("\n", samples));

        CliTest.Run text = fsnap("diff", night.toString(), dir.resolve("n1.snap").toString(), "--mass-change", "20");
        assertEquals(6, text.status(), text.err());
        assertTrue(text.out().contains("  MASS CHANGE        30  of 100 files rewritten (30%) in docs\n"), text.out());
        CliTest.Run json = fsnap("diff", "--json", night.toString(), dir.resolve("n1.snap").toString(), "--mass-change", "20%");
        assertTrue(json.out().contains("{\"mass_change\":{\"path\":\"docs\",\"files\":100,\"rewritten\":30}}\n"), json.out());
        assertTrue(json.out().contains("\"mass_change\":1,"), json.out());

        CliTest.Run without = fsnap("diff", "--format", "lines", night.toString(), dir.resolve("n1.snap").toString());
        assertEquals(1, without.status(), "without --mass-change: ordinary changes");
        assertFalse(without.out().contains("% "), without.out());
    }

    @Test
    void aTenthIsOrdinaryChanges() throws Exception {
        Path night = tree();
        rewrite(10);
        CliTest.Run r = fsnap("check", "--format", "lines", dir.resolve("t").toString(), "--mass-change", "20%",
                "--against", night.toString(), "-o", dir.resolve("n1.snap").toString());
        assertEquals(1, r.status(), r.out() + r.err());
        assertEquals(10, CliTest.changes(r.out()).stream().filter(l -> l.startsWith("M docs/file")).count(), r.out());
        assertFalse(r.out().lines().anyMatch(l -> l.startsWith("% ")), r.out());
        CliTest.Run bad = fsnap("diff", night.toString(), dir.resolve("n1.snap").toString(), "--mass-change", "120%");
        assertEquals(2, bad.status());
        assertTrue(bad.err().contains("must be more than 0% and less than 100%, not '120%'"), bad.err());
    }
}
