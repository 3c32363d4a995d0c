package dev.fsnap.snapshot;

import dev.fsnap.scan.Entry;
import dev.fsnap.scan.Field;
import dev.fsnap.scan.ScanOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The birth time: read with {@code statx} where the filesystem records it (as {@code stat %W}
 * shows it), kept in the snapshot, compared by the differ; absent with {@code fstatat}, and an
 * absent birth time on either side is never a change.
 */
class BirthTimeTest {
    @TempDir
    Path dir;

    /** The birth time {@code stat(1)} reports, or null where the filesystem has none. */
    static Instant statBirth(Path p) throws IOException, InterruptedException {
        Process s = new ProcessBuilder("stat", "--format=%.9W", p.toString()).redirectErrorStream(true).start();
        String out = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (s.waitFor() != 0 || out.equals("0") || out.startsWith("0.") || out.equals("-") || !out.contains(".")) {
            return null;
        }
        String[] parts = out.split("\\.");
        return Instant.ofEpochSecond(Long.parseLong(parts[0]), Long.parseLong(parts[1]));
    }

    private ScanOptions statx(Path root) {
        return ScanOptions.builder(root).threads(2).statx(true).build();
    }

    @Test
    void statxRecordsTheBirthTimeThroughScanSnapshotAndDiff() throws Exception {
        Path root = Files.createDirectories(dir.resolve("tree"));
        Path a = Files.writeString(root.resolve("a"), "one");
        Files.createDirectory(root.resolve("d"));
        Instant born = statBirth(a);
        assumeTrue(born != null, "this filesystem records no birth time");

        Map<String, Entry> live = Snapshots.scan(statx(root));
        assertEquals(born, live.get("a").time(Field.BTIME), "the scan reads stx_btime");
        assertEquals(statBirth(root.resolve("d")), live.get("d").time(Field.BTIME));

        Path first = dir.resolve("1.snap");
        Snapshots.take(statx(root), first, Duration.ZERO);
        Map<String, Entry> stored = Snapshots.read(first, new ArrayList<>());
        assertEquals(born, stored.get("a").time(Field.BTIME), "the snapshot keeps it to the nanosecond");
        assertEquals(live.get("d").time(Field.BTIME), stored.get("d").time(Field.BTIME));
        assertEquals(live.get("").time(Field.BTIME), stored.get("").time(Field.BTIME), "the root's too");

        // Recreated with the same content and times: only the birth time (and the inode) tell.
        FileTime mtime = Files.getLastModifiedTime(a);
        Files.delete(a);
        Thread.sleep(20);
        Files.writeString(a, "one");
        Files.setLastModifiedTime(a, mtime);
        Path second = dir.resolve("2.snap");
        Snapshots.take(statx(root), second, Duration.ZERO);
        Change changed = only(Snapshots.diff(first, second), "a");
        assertTrue(changed.fields().contains(Field.BTIME), changed.fields().toString());

        // fstatat gives no birth time: absent, and never a change against one that has it.
        Path classic = dir.resolve("3.snap");
        Snapshots.take(Snapshots.options(root), classic, Duration.ZERO);
        Entry without = Snapshots.read(classic, new ArrayList<>()).get("a");
        assertFalse(without.has(Field.BTIME));
        assertNull(without.time(Field.BTIME));
        for (Change c : Snapshots.diff(second, classic)) {
            assertFalse(c.fields().contains(Field.BTIME), c.toString());
        }
    }

    private static Change only(List<Change> changes, String path) {
        List<Change> of = changes.stream().filter(c -> Snapshots.key(c.path()).equals(path)).toList();
        assertEquals(1, of.size(), changes.toString());
        return of.get(0);
    }
}
