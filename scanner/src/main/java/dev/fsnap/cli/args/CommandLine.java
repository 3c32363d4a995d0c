package dev.fsnap.cli.args;

import dev.fsnap.bindings.PathBytes;
import dev.fsnap.internal.PathText;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The arguments as the kernel gave them: bytes. The JVM decodes them with the locale's character
 * set, and a path made of such a String is wrong wherever the name is not text in that set: a
 * root named {@code Müller} under cron's C locale is "not a valid path", one named with the bytes
 * {@code \xff\xfe} is no such file under any locale. So on Linux the arguments are read again from
 * {@code /proc/self/cmdline} and decoded as UTF-8, each byte that is not UTF-8 kept as the lone
 * surrogate U+DC80 + byte (Python's "surrogateescape"; no text decoded from UTF-8 holds one), and a
 * path argument is made of exactly its bytes ({@link #path}).
 */
public final class CommandLine {
    private CommandLine() {
    }

    /**
     * @param decoded the arguments as the JVM decoded them
     * @return the same arguments from their bytes, or {@code decoded} where the bytes cannot be read
     *         (not Linux) or do not end the process's command line as those arguments
     */
    public static String[] arguments(String[] decoded) {
        List<byte[]> all = new ArrayList<>();
        try {
            byte[] line = Files.readAllBytes(Path.of("/proc/self/cmdline"));
            int start = 0;
            for (int i = 0; i < line.length; i++) {
                if (line[i] == 0) {
                    all.add(java.util.Arrays.copyOfRange(line, start, i));
                    start = i + 1;
                }
            }
        } catch (IOException | RuntimeException e) {
            return decoded;
        }
        if (all.size() < decoded.length) {
            return decoded;
        }
        java.nio.charset.Charset jnu = PathBytes.jnu();
        String[] exact = new String[decoded.length];
        for (int i = 0; i < decoded.length; i++) {
            byte[] raw = all.get(all.size() - decoded.length + i);
            // The JVM made each argument of its bytes as new String(bytes, jnu): the same bytes give the same String.
            if (!new String(raw, jnu).equals(decoded[i])) {
                return decoded;
            }
            exact[i] = decode(raw);
        }
        return exact;
    }

    /** The bytes as UTF-8, each byte that is not part of UTF-8 as U+DC80 + byte ({@link PathText}). */
    static String decode(byte[] bytes) {
        return PathText.decode(bytes);
    }

    /** The bytes {@link #decode} made the text of. */
    static byte[] bytes(String text) {
        return PathText.bytes(text);
    }

    /**
     * @param text a path argument
     * @return the path of the argument's bytes, whatever the locale
     * @throws InvalidPathException when it is no path (a NUL, empty)
     */
    public static Path path(String text) {
        return PathText.path(text);
    }
}
