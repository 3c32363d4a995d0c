package dev.fsnap.cli;

import dev.fsnap.testdata.TreeBuilder;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.fsnap.cli.CliTest.fsnap;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A night that changes the digest's algorithm: the last snapshot's SHA-256 digests are never taken
 * over into a snapshot of XXH3-128 digests (its header would lie, and the next night's re-read of an
 * unchanged file would differ from its baseline and be reported corrupt); every file is read, and
 * the user is told why.
 */
class DigestAlgorithmChangeTest {
    @TempDir
    Path dir;

    @Test
    void digestsOfAnotherAlgorithmAreNeverTakenOver() throws Exception {
        Assumptions.assumeTrue(CliTest.sh("command -v xxh128sum") == 0, "needs xxh128sum (Debian package xxhash)");
        Path root = TreeBuilder.at(dir.resolve("t")).file("f", 5000).root();
        assertEquals(0, CliTest.sh("touch -d '2020-01-01 00:00' \"$1\"", root.resolve("f").toString()));
        Path sha = dir.resolve("sha.snap");
        assertEquals(0, fsnap("scan", root.toString(), "--digest", "-o", sha.toString()).status());

        Path xxh = dir.resolve("xxh.snap");
        CliTest.Run change = fsnap("check", root.toString(), "--digest", "--algorithm", "xxh3-128", "--against",
                sha.toString(), "-o", xxh.toString());
        assertEquals(0, change.status(), change.err());
        assertTrue(change.err().contains("fsnap: note: " + sha + " holds sha256 digests, tonight's are xxh3-128: every "
                + "file is read\n"), change.err());
        StringBuilder tool = new StringBuilder();
        assertEquals(0, CliTest.sh("xxh128sum \"$1\" 2>/dev/null", tool, root.resolve("f").toString()));
        assertEquals(tool.toString().trim().split(" ")[0], digestOf(xxh), "the file was read, with tonight's algorithm: " + tool);

        // The next night re-reads the unchanged file against that baseline: equal, not corrupt.
        CliTest.Run next = fsnap("check", root.toString(), "--digest", "--algorithm", "xxh3-128", "--verify-budget",
                "1G", "--against", xxh.toString(), "-o", dir.resolve("next.snap").toString());
        assertEquals(0, next.status(), next.out() + next.err());
        assertTrue(!next.err().contains("every file is read"), next.err());
    }

    private static String digestOf(Path snapshot) throws Exception {
        CliTest.Run ls = fsnap("ls", snapshot.toString(), "--json");
        Matcher m = Pattern.compile("\"path\":\"f\".*\"content\":\\{\"digest\":\"([0-9a-f]+)\"").matcher(ls.out());
        assertTrue(m.find(), ls.out());
        return m.group(1);
    }
}
