package dev.fsnap.walk;

import dev.fsnap.bindings.LinuxDirectoryReader;
import dev.fsnap.bindings.LinuxLibc;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A listing cut in pieces for other workers: every record in exactly one piece, in order, the
 * pieces no smaller than asked (a network directory's lookups are not spread a name per worker).
 */
class ListingPiecesTest {
    @TempDir
    Path dir;

    @Test
    void everyRecordIsInOnePieceAndPiecesHoldTheFewestNamesAsked() throws Exception {
        assumeTrue(LinuxLibc.library().isAvailable(), "native Linux calls unavailable");
        for (int i = 0; i < 58; i++) {
            Files.createFile(dir.resolve("f" + i));
        }
        try (LinuxDirectoryReader reader = new LinuxDirectoryReader(LinuxDirectoryReader.MIN_BUFFER_SIZE)) {
            int fd = reader.openRoot(dir.toString().getBytes(StandardCharsets.UTF_8));
            int n = reader.read(fd);
            byte[] listing = reader.save(n);
            List<String> all = names(reader, new FileSystemAccess.Records(reader, n));
            assertEquals(60, all.size(), "58 names, . and ..");
            for (int[] cut : new int[][] {{64, 16, 4}, {64, 1, 60}, {2, 1, 2}, {3, 16, 3}, {64, 100, 1}}) {
                reader.restore(listing); // as just read: loading the pieces below wrote over it
                List<FileSystemAccess.NameChunk> pieces = new FileSystemAccess.Records(reader, n).pieces(cut[0], cut[1]);
                assertEquals(cut[2], pieces.size(), "pieces of " + cut[0] + " parts, at least " + cut[1]);
                List<String> joined = new ArrayList<>();
                for (int k = 0; k < pieces.size(); k++) {
                    List<String> piece = names(reader, pieces.get(k));
                    if (k < pieces.size() - 1) {
                        assertEquals(Math.max(cut[1], (60 + cut[0] - 1) / cut[0]), piece.size());
                    }
                    joined.addAll(piece);
                }
                assertEquals(all, joined, "every record once, in order");
            }
            reader.close(fd);
        }
    }

    /** The names of a chunk's records, loaded into the reader as a worker loads them. */
    private static List<String> names(LinuxDirectoryReader reader, FileSystemAccess.NameChunk chunk) {
        FileSystemAccess.Records records = (FileSystemAccess.Records) chunk;
        records.loadInto(reader);
        List<String> names = new ArrayList<>();
        for (int pos = 0; pos < records.length; pos = reader.next(pos)) {
            int len = reader.nameLength(pos);
            byte[] name = new byte[len];
            reader.copyName(pos, len, name, 0);
            names.add(new String(name, StandardCharsets.UTF_8));
        }
        return names;
    }
}
