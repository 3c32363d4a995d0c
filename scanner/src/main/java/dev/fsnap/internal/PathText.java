package dev.fsnap.internal;

import dev.fsnap.bindings.PathBytes;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * A path's exact bytes as text, and back: the bytes as UTF-8, each byte that is not part of UTF-8
 * kept as the lone surrogate U+DC80 + byte (Python's "surrogateescape"; no text decoded from UTF-8
 * holds one). The command line reads its arguments so, and a repository keys and records a root so:
 * a name that is no text in the locale (the bytes {@code \xff\xfe}) stays that name, not U+FFFD.
 */
public final class PathText {
    private static final char ESCAPE = 0xdc00;

    private PathText() {
    }

    /**
     * @param bytes a path's or a name's bytes
     * @return them as text, each byte that is not part of UTF-8 as U+DC80 + byte
     */
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

    /**
     * @param text text {@link #decode} made
     * @return the bytes it was made of
     */
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

    /**
     * @param path a path
     * @return its bytes as text (never the path's own String, which holds U+FFFD for a name that is
     *         no text in the locale)
     */
    public static String of(Path path) {
        return decode(PathBytes.of(path));
    }

    /**
     * @param text a path as text
     * @return the path of the text's bytes, whatever the locale
     * @throws InvalidPathException when it is no path (a NUL, empty)
     */
    public static Path path(String text) {
        if (plain(text)) {
            return Path.of(text); // as the JDK encodes it, which is the text's bytes
        }
        return PathBytes.path(bytes(text));
    }

    private static boolean escaped(char c) {
        return c >= ESCAPE + 0x80 && c <= ESCAPE + 0xff;
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
