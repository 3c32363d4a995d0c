package dev.fsnap.scan;

import dev.fsnap.bindings.LinuxDirectoryReader;
import dev.fsnap.bindings.LinuxLibc;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** Whether stats through io_uring can be made here, for tests that skip where they cannot. */
final class Rings {
    private Rings() {
    }

    /**
     * Skips the calling test where io_uring cannot stat.
     *
     * @param dir a directory the test scans
     */
    static void assumeAvailable(Path dir) {
        String why = unavailableReason(dir);
        org.junit.jupiter.api.Assumptions.assumeTrue(why == null, () -> "io_uring refused here: " + why);
    }

    /**
     * @param dir a directory
     * @return why io_uring cannot stat there, or null when it can
     */
    static String unavailableReason(Path dir) {
        if (!LinuxLibc.library().isAvailable()) {
            return "native Linux calls unavailable";
        }
        try (LinuxDirectoryReader reader = new LinuxDirectoryReader(LinuxDirectoryReader.MIN_BUFFER_SIZE)) {
            int fd = reader.openRoot(dir.toString().getBytes(StandardCharsets.UTF_8));
            try {
                return reader.probeRing(fd);
            } finally {
                reader.close(fd);
            }
        }
    }
}
