package dev.fsnap.cli.args;

import dev.fsnap.bindings.PathBytes;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
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
    private static final char ESCAPE = 0xdc00;

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

    /** The bytes as UTF-8, each byte that is not part of UTF-8 as U+DC80 + byte. */
    public static String decode(byte[] bytes) {
        CharsetDecoder d = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length);
        while (true) {
            CoderResult r = d.decode(in, out, true);
            if (r.isUnderflow()) {
                break;
            }
            for (int k = 0; k < r.length(); k++) {
                out.put((char) (ESCAPE | (in.get() & 0xff)));
            }
        }
        return out.flip().toString();
    }

    /** The bytes {@link #decode} made the text of. */
    public static byte[] bytes(String text) {
        ByteArrayOutputStream b = new ByteArrayOutputStream(text.length());
        int from = 0;
        for (int i = 0; i <= text.length(); i++) {
            if (i == text.length() || escaped(text.charAt(i))) {
                b.writeBytes(text.substring(from, i).getBytes(StandardCharsets.UTF_8));
                if (i < text.length()) {
                    b.write(text.charAt(i) & 0xff);
                }
                from = i + 1;
            }
        }
        return b.toByteArray();
    }

    private static boolean escaped(char c) {
        return c >= ESCAPE + 0x80 && c <= ESCAPE + 0xff;
    }

    /**
     * @param text a path argument
     * @return the path of the argument's bytes, whatever the locale
     * @throws InvalidPathException when it is no path (a NUL, empty)
     */
    public static Path path(String text) {
        if (plain(text)) {
            return Path.of(text); // as the JDK encodes it, which is the argument's bytes
        }
        return PathBytes.path(bytes(text));
    }

    /** Whether the JDK's own String-to-path encoding gives the text's bytes: ASCII, or UTF-8 under a UTF-8 locale. */
    private static boolean plain(String text) {
        if (!"/".equals(java.nio.file.FileSystems.getDefault().getSeparator())) {
            return true; // not a Unix: its paths are text
        }
        boolean utf8 = PathBytes.jnu().equals(StandardCharsets.UTF_8);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c >= 0x80 && (!utf8 || escaped(c))) {
                return false;
            }
        }
        return true;
    }
}
