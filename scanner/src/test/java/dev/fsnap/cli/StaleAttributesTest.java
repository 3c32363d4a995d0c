package dev.fsnap.cli;

import dev.fsnap.testdata.TreeBuilder;
import dev.fsnap.testdata.fuse.NfsLikeNas;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;

import static dev.fsnap.cli.CliTest.fsnap;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * On a network filesystem a scan takes the attributes the client holds, which may be older than
 * the file: a file rewritten on the server while the client still trusts its old size and times.
 * When such a file's content is read (the nightly schedule reads it again), it is stat'ed from the
 * server first, so new content under stale attributes is reported as a modification, never as rot
 * or tampering (content changed, metadata not) that nobody did.
 */
class StaleAttributesTest {
    @TempDir
    Path dir;

    private NfsLikeNas nas;

    @AfterEach
    void unmount() {
        if (nas != null) {
            nas.close();
        }
    }

    @Test
    void aFileRewrittenBehindTheClientsCacheIsModifiedNotCorrupt() throws Exception {
        Assumptions.assumeTrue(NfsLikeNas.unavailableReason() == null, NfsLikeNas.unavailableReason());
        Path source = TreeBuilder.at(dir.resolve("src")).file("data/report.txt", 64).file("data/other", 10).root();
        Path report = source.resolve("data/report.txt");
        // Written an hour ago, and changed (ctime) longer ago than the racy window when the baseline
        // is taken: not racy, so its baseline's digest is trusted evidence.
        Files.setLastModifiedTime(report, FileTime.from(Instant.now().minusSeconds(3600)));
        Thread.sleep(2_200); // the racy window is 2 s
        // Names and attributes trusted for ten minutes; listings without attributes, so that nothing
        // refreshes what the first scan's lookups cached.
        nas = NfsLikeNas.builder().readdirplus(false).entryTimeout(Duration.ofMinutes(10))
                .attrTimeout(Duration.ofMinutes(10)).defaultPermissions(false)
                .mount(source, Files.createDirectory(dir.resolve("mnt")));
        Path baseline = dir.resolve("monday.snap");
        CliTest.Run first = fsnap("scan", nas.mountPoint().toString(), "--digest", "-o", baseline.toString());
        assertEquals(0, first.status(), first.err());

        byte[] rewritten = Files.readAllBytes(report);
        rewritten[0] ^= 1; // same size, new bytes, new mtime: an ordinary edit on the server
        Files.write(report, rewritten);
        Files.setLastModifiedTime(report, FileTime.from(Instant.now().minusSeconds(1800)));
        assertEquals(64, Files.size(nas.mountPoint().resolve("data/report.txt")),
                "the client still holds the old attributes");

        CliTest.Run check = fsnap("check", "--format", "lines", nas.mountPoint().toString(), "--digest",
                "--verify-budget", "1G", "--against", baseline.toString(), "-o", dir.resolve("tuesday.snap").toString());
        assertEquals(1, check.status(), check.err() + check.out());
        assertTrue(check.out().lines().anyMatch(l -> l.startsWith("M") && l.contains("data/report.txt")),
                check.out());
        assertFalse(check.out().toLowerCase(java.util.Locale.ROOT).contains("corrupt"), check.out());
        assertFalse(check.out().toLowerCase(java.util.Locale.ROOT).contains("tamper"), check.out());
    }
}
