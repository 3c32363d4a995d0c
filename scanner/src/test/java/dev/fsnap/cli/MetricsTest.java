package dev.fsnap.cli;

import dev.fsnap.testdata.TreeBuilder;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

import static dev.fsnap.cli.CliTest.fsnap;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The metrics file a nightly job leaves for node_exporter's textfile collector: accepted by
 * Prometheus' own {@code promtool}, its counts those of the run, a failed run's exit status with
 * the last success's time kept, and several roots side by side in one file.
 */
class MetricsTest {
    @TempDir
    Path dir;

    /** The samples of a metrics file, by name and labels. */
    static Map<String, String> samples(Path file) throws Exception {
        Map<String, String> m = new TreeMap<>();
        for (String line : Files.readAllLines(file)) {
            if (!line.startsWith("#")) {
                int space = line.lastIndexOf(' ');
                m.put(line.substring(0, space), line.substring(space + 1));
            }
        }
        return m;
    }

    private static void promtoolAccepts(Path file) throws Exception {
        StringBuilder out = new StringBuilder();
        assertEquals(0, CliTest.sh("promtool check metrics < \"$1\"", out, file.toString()), out.toString());
        assertEquals("", out.toString(), "promtool's complaints");
    }

    @Test
    void aNightlyCheckLeavesMetricsPrometheusAcceptsWithItsCounts() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/promtool")),
                "promtool is missing (Debian: apt-get install prometheus)");
        Path a = TreeBuilder.at(dir.resolve("a")).file("x", 100).file("y", 200).root();
        Path b = TreeBuilder.at(dir.resolve("b")).file("z", 1).root();
        Path prom = dir.resolve("fsnap.prom");
        Path monday = dir.resolve("monday.snap");
        assertEquals(0, fsnap("scan", a.toString(), "-o", monday.toString(), "--metrics", prom.toString()).status());
        promtoolAccepts(prom);
        Map<String, String> first = samples(prom);
        String root = "{root=\"" + a + "\"}";
        assertEquals("0", first.get("fsnap_exit_status" + root));
        assertEquals("3", first.get("fsnap_entries" + root));
        assertEquals("300", first.get("fsnap_bytes" + root));

        Files.write(a.resolve("new"), new byte[50]);
        Files.delete(a.resolve("x"));
        CliTest.Run check = fsnap("check", a.toString(), "--against", monday.toString(), "-o",
                dir.resolve("tuesday.snap").toString(), "--metrics", prom.toString());
        assertEquals(1, check.status(), check.err());
        promtoolAccepts(prom);
        Map<String, String> second = samples(prom);
        assertEquals("1", second.get("fsnap_exit_status" + root));
        assertEquals("1", second.get("fsnap_changes{root=\"" + a + "\",kind=\"added\"}"));
        assertEquals("1", second.get("fsnap_changes{root=\"" + a + "\",kind=\"removed\"}"));
        assertEquals("50", second.get("fsnap_changed_bytes{root=\"" + a + "\",kind=\"added\"}"));
        assertEquals("100", second.get("fsnap_changed_bytes{root=\"" + a + "\",kind=\"removed\"}"));
        String success = second.get("fsnap_last_success_timestamp_seconds" + root);
        double age = System.currentTimeMillis() / 1000.0 - Double.parseDouble(success);
        assertTrue(age >= 0 && age < 60, "the last success was this run: " + success);

        // A run that fails keeps the last success's time and says how it ended.
        Path damaged = Files.writeString(dir.resolve("damaged.snap"), "not a snapshot");
        CliTest.Run failed = fsnap("check", a.toString(), "--against", damaged.toString(), "-o",
                dir.resolve("never.snap").toString(), "--metrics", prom.toString());
        assertEquals(2, failed.status());
        promtoolAccepts(prom);
        Map<String, String> third = samples(prom);
        assertEquals("2", third.get("fsnap_exit_status" + root));
        assertEquals(success, third.get("fsnap_last_success_timestamp_seconds" + root));

        // Another root's job in the same file: both roots, one family each.
        assertEquals(0, fsnap("scan", b.toString(), "--metrics", prom.toString()).status());
        promtoolAccepts(prom);
        Map<String, String> both = samples(prom);
        assertEquals("2", both.get("fsnap_exit_status" + root));
        assertEquals("0", both.get("fsnap_exit_status{root=\"" + b + "\"}"));
        assertEquals("2", both.get("fsnap_entries{root=\"" + b + "\"}"), "b and z: " + both);
        assertEquals(null, both.get("fsnap_entries" + root), "a's failed run read nothing: no stale counts");
    }
}
