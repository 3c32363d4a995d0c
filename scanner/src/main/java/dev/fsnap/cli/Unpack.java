package dev.fsnap.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Copies resources out of the jar into the working directory, under their own paths. The launcher
 * uses it to unpack jffi's stub library once, so that no start has to write it to a temporary file.
 */
final class Unpack {
    private Unpack() {
    }

    /**
     * Unpacks each named resource.
     *
     * @param resources resource paths inside the jar
     * @throws IOException when a resource is missing or cannot be written
     */
    public static void main(String[] resources) throws IOException {
        for (String name : resources) {
            try (InputStream in = Unpack.class.getClassLoader().getResourceAsStream(name)) {
                if (in == null) {
                    throw new IOException("the jar has no " + name);
                }
                Path out = Path.of(name);
                Files.createDirectories(out.toAbsolutePath().getParent());
                Path tmp = Files.createTempFile(out.toAbsolutePath().getParent(), ".unpack", null);
                Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
                Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
        }
    }
}
