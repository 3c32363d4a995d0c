package dev.fsnap.bindings;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.Charset;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * A path's bytes, as the kernel is given them. The JDK keeps a Unix path as bytes, but its String
 * form is decoded with the locale's character set ({@code sun.jnu.encoding}), which cannot hold
 * every name: under a UTF-8 locale a name of the bytes {@code \xff\xfe} reads as two U+FFFD, under
 * cron's C locale {@code Müller} is "malformed input". A {@code file:} URI carries the bytes
 * themselves, percent-escaped, both ways: that is the way in and out used here.
 */
public final class PathBytes {
    /**
     * A regular file every Unix has: below it the kernel finds nothing at once (ENOTDIR), so the
     * URI of a path put below it is made without looking at any real file (a dead server's).
     */
    private static final String NOWHERE = "/dev/null";

    private PathBytes() {
    }

    /** @return the charset the JDK turns a Unix path's String into bytes with */
    public static Charset jnu() {
        String name = System.getProperty("sun.jnu.encoding");
        try {
            return name == null ? Charset.defaultCharset() : Charset.forName(name);
        } catch (RuntimeException e) {
            return Charset.defaultCharset();
        }
    }

    /**
     * @param path a path of the default filesystem
     * @return its bytes: absolute or relative as the path is
     */
    public static byte[] of(Path path) {
        String text = path.toString();
        try {
            if (!unix(path) || path.getFileSystem().getPath(text).equals(path)) {
                return text.getBytes(jnu()); // the String form holds it: as the JDK encodes it
            }
        } catch (InvalidPathException e) {
            // its String form is not a path in this charset: the URI's bytes
        }
        Path root = path.getRoot();
        if (path.getNameCount() == 0) {
            return text.getBytes(jnu());
        }
        // subpath, not relativize, which would take "a/.." away
        Path below = Path.of(NOWHERE).resolve(root == null ? path : path.subpath(0, path.getNameCount()));
        byte[] raw = unescape(below.toUri().getRawPath());
        int from = NOWHERE.length() + (root == null ? 1 : 0); // keeps the leading '/' of an absolute path
        int to = raw.length > from + 1 && raw[raw.length - 1] == '/' ? raw.length - 1 : raw.length;
        return to > from ? Arrays.copyOfRange(raw, from, to) : text.getBytes(jnu());
    }

    /**
     * @param bytes a path's bytes, absolute or relative, no NUL
     * @return a path of exactly those bytes
     * @throws InvalidPathException when the bytes hold a NUL, or are empty
     */
    public static Path path(byte[] bytes) {
        String ascii = new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1);
        if (bytes.length == 0 || ascii.indexOf('\0') >= 0) {
            throw new InvalidPathException(ascii, bytes.length == 0 ? "empty" : "Nul character not allowed");
        }
        boolean absolute = bytes[0] == '/';
        StringBuilder uri = new StringBuilder("file://").append(absolute ? "" : NOWHERE + "/");
        for (byte b : bytes) {
            int c = b & 0xff;
            if (c < 0x80 && (Character.isLetterOrDigit(c) || "/-._~".indexOf(c) >= 0)) {
                uri.append((char) c);
            } else {
                uri.append('%').append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 15, 16));
            }
        }
        try {
            Path p = Path.of(new URI(uri.toString()));
            // subpath, not relativize, which would take "a/.." away: the path is what the bytes say
            return absolute ? p : p.subpath(Path.of(NOWHERE).getNameCount(), p.getNameCount());
        } catch (URISyntaxException | IllegalArgumentException e) {
            throw new InvalidPathException(ascii, e.getMessage());
        }
    }

    private static boolean unix(Path path) {
        return "/".equals(path.getFileSystem().getSeparator());
    }

    private static byte[] unescape(String raw) {
        byte[] out = new byte[raw.length()];
        int n = 0;
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%' && i + 2 < raw.length()) {
                out[n++] = (byte) Integer.parseInt(raw, i + 1, i + 3, 16);
                i += 2;
            } else {
                out[n++] = (byte) c;
            }
        }
        return Arrays.copyOf(out, n);
    }
}
