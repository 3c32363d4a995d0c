package dev.fsnap.scan;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** This process's open descriptors, as /proc shows them. */
public final class Descriptors {
    private static final Path FDS = Path.of("/proc/self/fd");

    private Descriptors() {
    }

    public static int count() {
        try (var s = Files.list(FDS)) {
            return (int) s.count() - 1; // the listing's own descriptor
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** @return every open descriptor and what it is open on, for a failure's message */
    public static String list() {
        StringBuilder b = new StringBuilder();
        try (var s = Files.list(FDS)) {
            for (Path fd : s.toList()) {
                try {
                    b.append(fd.getFileName()).append('=').append(Files.readSymbolicLink(fd)).append(' ');
                } catch (IOException gone) {
                    // closed while we looked
                }
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return b.toString();
    }

    /** Descriptors open on something below {@code dir}, each with whether it is close-on-exec. */
    public static List<String> openBelow(Path dir) {
        List<String> found = new ArrayList<>();
        String prefix = dir.toAbsolutePath().toString();
        try (var s = Files.list(FDS)) {
            for (Path fd : s.toList()) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith(prefix)) {
                        found.add(fd.getFileName() + " " + target + (closeOnExec(fd.getFileName().toString())
                                ? " cloexec" : " INHERITABLE"));
                    }
                } catch (IOException gone) {
                    // closed while we looked
                }
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return found;
    }

    private static boolean closeOnExec(String fd) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/fdinfo", fd))) {
            if (line.startsWith("flags:")) {
                return (Integer.parseInt(line.substring(6).trim(), 8) & 02000000) != 0;
            }
        }
        throw new IOException("no flags in fdinfo of " + fd);
    }
}
