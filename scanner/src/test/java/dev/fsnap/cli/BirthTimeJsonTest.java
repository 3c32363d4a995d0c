package dev.fsnap.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static dev.fsnap.cli.CliTest.fsnap;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** {@code btime_ns} in JSON: there with {@code --stat statx} where the filesystem records it, left out otherwise. */
class BirthTimeJsonTest {
    @TempDir
    Path dir;

    @Test
    void jsonCarriesTheBirthTimeOnlyWhereItWasRead() throws Exception {
        Path root = Files.createDirectories(dir.resolve("tree"));
        Path a = Files.writeString(root.resolve("a"), "x");
        Process s = new ProcessBuilder("stat", "--format=%.9W", a.toString()).start();
        String born = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assumeTrue(s.waitFor() == 0 && born.contains(".") && !born.startsWith("0."), "no birth time here");
        String nanos = born.replace(".", "").replaceFirst("^0+", "");

        Path snap = dir.resolve("s.snap");
        CliTest.Run scan = fsnap("scan", root.toString(), "--stat", "statx", "-o", snap.toString());
        assertEquals(0, scan.status(), scan.err());
        CliTest.Run ls = fsnap("ls", snap.toString(), "--json");
        String line = ls.out().lines().filter(l -> l.contains("\"path\":\"a\"")).findFirst().orElseThrow();
        assertTrue(line.contains("\"btime_ns\":" + nanos + ","), line);

        CliTest.Run live = fsnap("scan", root.toString(), "--stat", "statx", "--json");
        assertTrue(live.out().contains("\"btime_ns\":" + nanos + ","), live.out());

        CliTest.Run classic = fsnap("scan", root.toString(), "--json");
        assertEquals(0, classic.status(), classic.err());
        assertFalse(classic.out().contains("btime_ns"), classic.out());
    }
}
