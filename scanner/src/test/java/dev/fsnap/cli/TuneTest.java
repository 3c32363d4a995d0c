package dev.fsnap.cli;

import dev.fsnap.testdata.Deadlines;
import dev.fsnap.testdata.TreeGenerator;
import dev.fsnap.testdata.fuse.SlowNas;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code fsnap tune} on the two kinds of storage it must tell apart: a NAS, where calls are round trips
 * and many in flight pay, and a local disk, where more threads than cores only contend.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TuneTest {
    private static final Pattern RECOMMENDED = Pattern.compile("(?m)^recommended: --threads (\\d+) \\(backend (\\w+)\\)$");
    private static final Pattern STEP = Pattern.compile("(?m)^native +(\\d+) +([\\d,]+) ");

    @TempDir
    Path dir;

    @Test
    void onAHighLatencyNasItRecommendsManyCallsInFlight() throws Exception {
        Assumptions.assumeTrue(SlowNas.unavailableReason() == null, SlowNas.unavailableReason());
        Path source = dir.resolve("src");
        TreeGenerator.generate(source, 10_000, 20, 3);
        try (SlowNas nas = SlowNas.mount(source, Files.createDirectory(dir.resolve("mnt")), Duration.ofMillis(2))) {
            CliTest.Run r = CliTest.fsnap("tune", nas.mountPoint().toString(), "--budget", "8", "--max-threads", "32");
            assertEquals(0, r.status(), r.err());
            assertTrue(r.out().startsWith(nas.mountPoint() + ": fuse"), r.out());
            assertTrue(r.out().lines().findFirst().orElseThrow().endsWith("(network filesystem)"), r.out());
            int threads = recommended(r);
            assertTrue(threads >= 8, "recommended " + threads + " threads on a 2 ms NAS:\n" + r.out());
            // Every step of the sweep is on the table, and the text says how much was read.
            assertEquals(java.util.List.of(1, 2, 4, 8, 16, 32), steps(r));
            assertTrue(r.out().contains("sampled "), r.out());
            assertTrue(r.out().contains("apply: fsnap scan --threads " + threads + " " + nas.mountPoint()), r.out());
        }
    }

    @Test
    void aServerThatStopsAnsweringEndsTheSweepInTimeWithoutARecommendation() throws Exception {
        Assumptions.assumeTrue(SlowNas.unavailableReason() == null, SlowNas.unavailableReason());
        Path source = dir.resolve("src");
        TreeGenerator.generate(source, 2_000, 20, 3);
        try (SlowNas nas = SlowNas.mount(source, Files.createDirectory(dir.resolve("mnt")), Duration.ZERO)) {
            nas.hang("d000");
            long start = System.nanoTime();
            CliTest.Run r = CliTest.fsnapProcess("tune", nas.mountPoint().toString(), "--budget", "3", "--op-timeout", "1",
                    "--max-threads", "8");
            double seconds = (System.nanoTime() - start) / 1e9;
            assertEquals(3, r.status(), r.out() + r.err());
            assertTrue(seconds < Deadlines.outerLimitSeconds(3, 1), "took " + seconds + " s; the budget is 3 s, the operation timeout 1 s");
            assertTrue(r.err().contains(nas.mountPoint() + " stopped answering: "), r.err());
            assertTrue(r.err().contains("no recommendation"), r.err());
            assertTrue(!r.out().contains("recommended:"), r.out());
        }
    }

    @Test
    void onALocalTreeItRecommendsWhereItsOwnCurveFlattens() throws Exception {
        Path root = dir.resolve("tree");
        TreeGenerator.generate(root, 20_000, 20, 3);
        CliTest.Run r = CliTest.fsnap("tune", root.toString(), "--budget", "4");
        assertEquals(0, r.status(), r.err());
        int cores = Runtime.getRuntime().availableProcessors();
        // Which count that is depends on this machine's noise (a flat local curve: 2 here, 16 once, when
        // a step read 20 % more by chance); that it follows the rule from the figures printed does not.
        assertEquals(flattensAt(r), recommended(r), r.out());
        assertEquals(8 * cores, steps(r).get(steps(r).size() - 1), "the sweep goes to 8 per core:\n" + r.out());
        // A small tree is read again from the start, and the report says so.
        assertTrue(Pattern.compile("the tree has [\\d,]+ entries: read [\\d.]+ times").matcher(r.out()).find(), r.out());
        assertTrue(r.out().contains("the nio backend read "), r.out());
    }

    @Test
    void badArgumentsAreRefusedWithTheReason() throws Exception {
        CliTest.Run r = CliTest.fsnap("tune", dir.toString(), "--threads", "4");
        assertEquals(2, r.status());
        assertTrue(r.err().contains("tune tries thread counts itself: use --max-threads"), r.err());
        r = CliTest.fsnap("tune", dir.toString(), "--budget", "0.5");
        assertEquals(2, r.status());
        assertTrue(r.err().contains("Invalid value for option '--budget': must be between 1s and 1d, not '0.5'"), r.err());
        r = CliTest.fsnap("tune", dir.resolve("missing").toString(), "--budget", "1");
        assertEquals(2, r.status());
        assertTrue(r.err().contains(dir.resolve("missing") + ": no such file or directory"), r.err());
        r = CliTest.fsnap("tune", "--help");
        assertEquals(0, r.status());
        assertTrue(r.out().contains("To apply the recommendation, pass it to every scan: fsnap scan --threads N"),
                r.out());
    }

    private static int recommended(CliTest.Run r) {
        Matcher m = RECOMMENDED.matcher(r.out());
        assertTrue(m.find(), () -> "no recommendation in:\n" + r.out() + r.err());
        return Integer.parseInt(m.group(1));
    }

    /** The fewest threads whose native step read within 15 % of the best step, from the table printed. */
    private static int flattensAt(CliTest.Run r) {
        java.util.Map<Integer, Long> rates = new java.util.TreeMap<>();
        Matcher m = STEP.matcher(r.out());
        while (m.find()) {
            rates.put(Integer.parseInt(m.group(1)), Long.parseLong(m.group(2).replace(",", "")));
        }
        long best = java.util.Collections.max(rates.values());
        return rates.entrySet().stream().filter(e -> e.getValue() >= 0.85 * best).findFirst().orElseThrow().getKey();
    }

    private static java.util.List<Integer> steps(CliTest.Run r) {
        java.util.List<Integer> counts = new java.util.ArrayList<>();
        Matcher m = STEP.matcher(r.out());
        while (m.find()) {
            counts.add(Integer.parseInt(m.group(1)));
        }
        return counts;
    }
}
