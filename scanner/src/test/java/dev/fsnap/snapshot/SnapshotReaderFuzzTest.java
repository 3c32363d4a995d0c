package dev.fsnap.snapshot;

import dev.fsnap.snapshot.format.Encoder;
import dev.fsnap.snapshot.format.Format;
import com.code_intelligence.jazzer.junit.FuzzTest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Coverage-guided fuzzing of everything that reads a snapshot file: opening (the whole
 * verification), a walk, the unreadable list, a lookup and a comparison with itself. Any input may
 * be refused as damage ({@link CorruptSnapshotException}) or another version
 * ({@link IncompatibleSnapshotException}); anything else it throws, an accepted snapshot that
 * contradicts itself (its counts against what a walk meets, a walked entry its lookup does not
 * find), or an input that makes it run long, is a finding. Each input is read twice: as it is, and with the magic, every block's CRC
 * and the trailer mended, so that the fuzzer reaches the decoders behind the checksums. The seeds are real snapshots of every format version
 * ({@code src/test/resources/.../SnapshotReaderFuzzTestInputs}); a plain build runs them alone, and
 * {@code JAZZER_FUZZ=1} fuzzes for the time {@code maxDuration} gives.
 */
class SnapshotReaderFuzzTest {
    private static final Path FILE = temporaryFile();

    private static Path temporaryFile() {
        try {
            Path f = Files.createTempFile("fsnap-fuzz", ".snap");
            f.toFile().deleteOnExit();
            return f;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @FuzzTest(maxDuration = "90s")
    void readingAnyFileEndsInAnAnswerOrInDamage(byte[] data) throws IOException {
        read(data);
        read(mended(data));
    }

    /**
     * Reads a file every way there is, and checks that what an accepted snapshot says of itself
     * holds: the walk meets the entries the footer counts (and at most one more per error), the
     * unreadable list holds as many errors as the footer counts, every entry walked is found by its path, and compared with
     * itself nothing is added, removed or moved.
     */
    private static void read(byte[] data) throws IOException {
        Files.write(FILE, data);
        try (Snapshot s = Snapshot.open(FILE)) {
            List<byte[]> paths = new ArrayList<>();
            s.walk(e -> paths.add(e.path()));
            // a name listed but gone before its stat is walked, and counted as an error, not as an entry
            assertTrue(paths.size() >= s.entries() && paths.size() - s.entries() <= s.errors(),
                    () -> paths.size() + " entries walked, the footer counts " + s.entries() + " and " + s.errors()
                            + " errors");
            assertEquals(s.errors(), s.unreadable().size(), "unreadable entries listed against the footer's count");
            for (byte[] p : paths.subList(0, Math.min(paths.size(), 64))) {
                assertEquals(Snapshot.Status.FOUND, s.lookup(p).status(), () -> "an entry walked is found by its path: "
                        + new String(p, java.nio.charset.StandardCharsets.UTF_8));
            }
            s.lookup("a/b".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            Differ.compare(s, s, c -> assertFalse(c instanceof Change.Added || c instanceof Change.Removed
                    || c instanceof Change.Moved, () -> "compared with itself: " + c));
        } catch (CorruptSnapshotException | IncompatibleSnapshotException refused) {
            // the answer for a damaged file
        }
    }

    /** The input with fsnap's magic, each block's CRC recomputed, and a trailer after the last footer block. */
    static byte[] mended(byte[] data) {
        if (data.length < Format.MAGIC.length + 8) {
            return data;
        }
        byte[] b = data.clone();
        System.arraycopy(Format.MAGIC, 0, b, 0, Format.MAGIC.length);
        int at = Format.MAGIC.length;
        int footer = -1;
        int footerEnd = -1;
        while (at < b.length) {
            int kind = b[at] & 0xFF;
            long length = 0;
            int p = at + 1;
            for (int shift = 0; p < b.length && shift < 35; shift += 7) {
                int v = b[p++] & 0xFF;
                length |= (long) (v & 0x7F) << shift;
                if ((v & 0x80) == 0) {
                    break;
                }
            }
            long end = p + length + 4;
            if (end > b.length) {
                break;
            }
            java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
            crc.update(b, at, (int) (end - 4 - at));
            int c = (int) crc.getValue();
            for (int k = 0; k < 4; k++) {
                b[(int) end - 4 + k] = (byte) (c >>> (8 * k));
            }
            if (kind == Format.FOOTER) {
                footer = at;
                footerEnd = (int) end;
            }
            at = (int) end;
        }
        if (footer < 0) {
            return b;
        }
        Encoder trailer = new Encoder(Format.TRAILER);
        trailer.le64(footer);
        trailer.le32(footerEnd - footer);
        trailer.bytes(Format.END_MAGIC, 0, Format.END_MAGIC.length);
        byte[] out = java.util.Arrays.copyOf(b, footerEnd + Format.TRAILER);
        System.arraycopy(trailer.buf, 0, out, footerEnd, Format.TRAILER);
        return out;
    }
}
