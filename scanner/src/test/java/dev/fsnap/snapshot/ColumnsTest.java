package dev.fsnap.snapshot;

import dev.fsnap.snapshot.format.Format;
import dev.fsnap.scan.Entry;
import dev.fsnap.scan.Field;
import dev.fsnap.scan.ScanOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Map;
import java.util.zip.CRC32C;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A column a reader does not know: skipped, values and all, when the writer marked it optional;
 * the file refused, naming the field, when it marked it required. Made here by renaming the birth
 * time column of a real snapshot to one no release knows.
 */
class ColumnsTest {
    @TempDir
    Path dir;

    private Path snapshotWithBirthTimes() throws Exception {
        Path root = Files.createDirectories(dir.resolve("tree"));
        Files.writeString(root.resolve("a"), "one");
        Files.createDirectories(root.resolve("d/e"));
        assumeTrue(BirthTimeTest.statBirth(root.resolve("a")) != null, "this filesystem records no birth time");
        Path file = dir.resolve("s.snap");
        Snapshots.take(ScanOptions.builder(root).statx(true).build(), file, Duration.ZERO);
        assertTrue(Snapshots.read(file, new ArrayList<>()).get("a").has(Field.BTIME));
        return file;
    }

    /** The header with its birth time column renamed to {@code name} (id 30), flagged as given. */
    private Path renamed(Path file, String name, int flags) throws Exception {
        byte[] b = Files.readAllBytes(file);
        int at = Format.MAGIC.length;
        int bodyLength = b[at + 1];
        assertTrue(bodyLength > 0, "a header shorter than 128 bytes");
        byte[] column = {10, 5, 'b', 't', 'i', 'm', 'e', 0};
        int c = indexOf(b, column, at + 2, at + 2 + bodyLength);
        b[c] = 30;
        System.arraycopy(name.getBytes(StandardCharsets.US_ASCII), 0, b, c + 2, 5);
        b[c + 7] = (byte) flags;
        CRC32C crc = new CRC32C();
        crc.update(b, at, 2 + bodyLength);
        int sum = (int) crc.getValue();
        int end = at + 2 + bodyLength;
        for (int k = 0; k < 4; k++) {
            b[end + k] = (byte) (sum >>> 8 * k);
        }
        Path f = dir.resolve(name + flags + ".snap");
        Files.write(f, b);
        return f;
    }

    private static int indexOf(byte[] b, byte[] what, int from, int to) {
        for (int i = from; i + what.length <= to; i++) {
            boolean match = true;
            for (int k = 0; k < what.length && match; k++) {
                match = b[i + k] == what[k];
            }
            if (match) {
                return i;
            }
        }
        throw new AssertionError("column not found in the header");
    }

    @Test
    void anUnknownOptionalColumnIsSkippedValuesAndAll() throws Exception {
        Path file = snapshotWithBirthTimes();
        Path optional = renamed(file, "ztime", 0);
        Map<String, Entry> entries = Snapshots.read(optional, new ArrayList<>());
        Map<String, Entry> original = Snapshots.read(file, new ArrayList<>());
        assertEquals(original.keySet(), entries.keySet());
        assertFalse(entries.get("a").has(Field.BTIME), "a column not known is not taken for another");
        assertEquals(original.get("a").size(), entries.get("a").size());
        assertEquals(original.get("d/e").inode(), entries.get("d/e").inode(), "entries after a skipped value read whole");
        assertTrue(Snapshots.diff(file, optional).isEmpty(), "nothing known differs");
    }

    @Test
    void anUnknownRequiredColumnRefusesTheFileNamingTheField() throws Exception {
        Path required = renamed(snapshotWithBirthTimes(), "ztime", 1);
        IncompatibleSnapshotException e = assertThrows(IncompatibleSnapshotException.class,
                () -> Snapshot.open(required).close());
        assertTrue(e.getMessage().contains("'ztime'") && e.getMessage().contains("newer release"), e.getMessage());
    }
}
