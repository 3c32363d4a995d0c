package dev.fsnap.bindings;

import jnr.constants.platform.Errno;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Stats through io_uring against the same stats one by one, on a directory of every kind of entry:
 * the same fields, byte for byte, with and without the birth time and flags; a name removed since
 * the listing fails as it does one by one; requests not awaited are settled, and the slots serve again.
 */
class StatRingTest {
    @TempDir
    static Path dir;

    @BeforeAll
    static void theRingCanBeMade() throws Exception {
        assumeTrue(LinuxLibc.library().isAvailable(), "native calls unavailable");
        try (LinuxDirectoryReader reader = new LinuxDirectoryReader(LinuxDirectoryReader.MIN_BUFFER_SIZE)) {
            int fd = reader.openRoot(dir.toString().getBytes(StandardCharsets.UTF_8));
            String refused = reader.probeRing(fd);
            reader.close(fd);
            assumeTrue(refused == null, () -> "io_uring refused here: " + refused);
        }
        for (int i = 0; i < 150; i++) { // more than two rings' worth of names
            Files.writeString(dir.resolve("f" + i), "x".repeat(i));
        }
        Files.createDirectory(dir.resolve("sub"));
        Files.createSymbolicLink(dir.resolve("link"), Path.of("f1"));
        Files.createSymbolicLink(dir.resolve("dangling"), Path.of("nowhere"));
        Files.createSymbolicLink(dir.resolve("to-sub"), Path.of("sub"));
        new ProcessBuilder("mkfifo", dir.resolve("fifo").toString()).start().waitFor();
    }

    /** Each listed name's stat fields, stat'ed through the ring when {@code ring}, else one by one. */
    private static List<long[]> statAll(boolean statx, boolean ring, boolean follow) {
        List<long[]> rows = new ArrayList<>();
        try (LinuxDirectoryReader reader = new LinuxDirectoryReader(LinuxDirectoryReader.MIN_BUFFER_SIZE, statx)) {
            reader.statThroughRing(ring);
            int fd = reader.openRoot(dir.toString().getBytes(StandardCharsets.UTF_8));
            int n;
            int[] positions = new int[LinuxDirectoryReader.STATS_AHEAD];
            while ((n = reader.read(fd)) > 0) {
                List<Integer> names = new ArrayList<>();
                for (int pos = 0; pos < n; pos = reader.next(pos)) {
                    if (!reader.isSelfOrParent(pos)) {
                        names.add(pos);
                    }
                }
                for (int from = 0; from < names.size(); from += positions.length) {
                    int count = Math.min(positions.length, names.size() - from);
                    for (int k = 0; k < count; k++) {
                        positions[k] = names.get(from + k);
                    }
                    if (ring) {
                        assertTrue(reader.statAhead(fd, positions, count, follow), reader.ringRefusal());
                    }
                    for (int k = 0; k < count; k++) {
                        boolean ok;
                        if (ring) {
                            int got;
                            while ((got = reader.awaitStat(k)) < 0) {
                                // a local directory: in before long
                            }
                            ok = got > 0;
                        } else {
                            ok = reader.stat(fd, positions[k], follow);
                        }
                        long[] row = new long[StatFields.WIDTH + 2];
                        int len = reader.nameLength(positions[k]);
                        byte[] name = new byte[len];
                        reader.copyName(positions[k], len, name, 0);
                        row[StatFields.WIDTH] = Arrays.hashCode(name);
                        if (ok) {
                            reader.copyStat(row, 0);
                        } else {
                            row[StatFields.WIDTH + 1] = reader.lastError().intValue();
                        }
                        rows.add(row);
                    }
                    if (ring) {
                        reader.settleStats();
                        assertTrue(reader.statsAhead(), "the ring still serves");
                    }
                }
            }
            reader.close(fd);
        }
        return rows;
    }

    @Test
    void theRingGivesEveryFieldAsOneByOne() {
        for (boolean statx : new boolean[] {false, true}) {
            for (boolean follow : new boolean[] {false, true}) {
                List<long[]> one = statAll(statx, false, follow);
                List<long[]> ring = statAll(statx, true, follow);
                assertTrue(one.size() >= 155, "names listed: " + one.size());
                assertEquals(one.size(), ring.size());
                for (int i = 0; i < one.size(); i++) {
                    assertArrayEquals(one.get(i), ring.get(i), "entry " + i + " statx=" + statx + " follow=" + follow);
                }
                // the dangling link followed: ENOENT through both
                assertEquals(follow ? 1 : 0, one.stream().filter(r -> r[StatFields.WIDTH + 1] == Errno.ENOENT.intValue()).count());
            }
        }
    }

    @Test
    void requestsNotAwaitedAreSettledAndTheSlotsServeAgain() throws Exception {
        try (LinuxDirectoryReader reader = new LinuxDirectoryReader(LinuxDirectoryReader.MIN_BUFFER_SIZE)) {
            reader.statThroughRing(true);
            int fd = reader.openRoot(dir.toString().getBytes(StandardCharsets.UTF_8));
            int n = reader.read(fd);
            int[] positions = new int[LinuxDirectoryReader.STATS_AHEAD];
            int count = 0;
            for (int pos = 0; pos < n && count < positions.length; pos = reader.next(pos)) {
                if (!reader.isSelfOrParent(pos)) {
                    positions[count++] = pos;
                }
            }
            for (int round = 0; round < 50; round++) { // given up after the first each time
                assertTrue(reader.statAhead(fd, positions, count, false));
                while (reader.awaitStat(0) < 0) {
                    // in before long
                }
                reader.settleStats();
            }
            assertTrue(reader.statAhead(fd, positions, count, false));
            for (int k = 0; k < count; k++) {
                while (reader.awaitStat(k) < 0) {
                    // in before long
                }
                long[] ring = new long[StatFields.WIDTH];
                reader.copyStat(ring, 0);
                assertTrue(reader.stat(fd, positions[k], false));
                long[] one = new long[StatFields.WIDTH];
                reader.copyStat(one, 0);
                assertArrayEquals(one, ring, "slot " + k);
            }
            reader.settleStats();
            assertNull(reader.ringRefusal());
            reader.close(fd);
        }
    }

    @Test
    void aNameRemovedSinceTheListingFailsWithEnoent() throws Exception {
        Path d = Files.createDirectory(dir.resolve("gone"));
        Files.writeString(d.resolve("a"), "a");
        Files.writeString(d.resolve("b"), "b");
        try (LinuxDirectoryReader reader = new LinuxDirectoryReader(LinuxDirectoryReader.MIN_BUFFER_SIZE)) {
            reader.statThroughRing(true);
            int fd = reader.openRoot(d.toString().getBytes(StandardCharsets.UTF_8));
            int n = reader.read(fd);
            Files.delete(d.resolve("a"));
            int[] positions = new int[2];
            int count = 0;
            for (int pos = 0; pos < n; pos = reader.next(pos)) {
                if (!reader.isSelfOrParent(pos)) {
                    positions[count++] = pos;
                }
            }
            assertTrue(reader.statAhead(fd, positions, count, false));
            int failed = 0;
            for (int k = 0; k < count; k++) {
                int got;
                while ((got = reader.awaitStat(k)) < 0) {
                    // in before long
                }
                if (got == 0) {
                    failed++;
                    assertEquals(Errno.ENOENT, reader.lastError());
                }
            }
            reader.settleStats();
            assertEquals(1, failed);
            assertFalse(reader.ringRefusal() != null);
            reader.close(fd);
        }
    }
}
