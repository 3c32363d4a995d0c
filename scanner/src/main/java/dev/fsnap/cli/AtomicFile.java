package dev.fsnap.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Small files written whole or not at all (a page, a metrics file, a run's summary): a temporary
 * file in the same directory, renamed over the file. A reader (a browser, node_exporter's collector,
 * fsnap history) never sees half of one.
 */
final class AtomicFile {
    private AtomicFile() {
    }

    /**
     * @param file where
     * @param text what, as UTF-8
     * @throws IOException naming the directory when it is missing, else as the system says
     */
    static void write(Path file, CharSequence text) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        if (!Files.isDirectory(dir)) {
            throw new NoSuchFileException(dir.toString());
        }
        Path tmp = Files.createTempFile(dir, ".fsnap-", ".tmp");
        try {
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
