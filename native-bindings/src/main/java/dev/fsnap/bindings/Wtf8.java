package dev.fsnap.bindings;

import java.io.ByteArrayOutputStream;

/**
 * Windows names are sequences of UTF-16 units that need not be valid UTF-16: an unpaired surrogate
 * is a legal name. fsnap keeps every path as bytes, so a Windows name is kept as WTF-8, the
 * superset of UTF-8 that also encodes unpaired surrogates (three bytes each, as UTF-8 would if it
 * allowed them) and so converts back to the very same units. Valid names are plain UTF-8.
 */
public final class Wtf8 {
    private Wtf8() {
    }

    /**
     * Encodes UTF-16 units.
     *
     * @param units the units
     * @param length how many to encode
     * @return the WTF-8 bytes
     */
    public static byte[] encode(char[] units, int length) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(length + 8);
        for (int i = 0; i < length; i++) {
            char c = units[i];
            int cp = c;
            if (Character.isHighSurrogate(c) && i + 1 < length && Character.isLowSurrogate(units[i + 1])) {
                cp = Character.toCodePoint(c, units[++i]);
            }
            if (cp < 0x80) {
                out.write(cp);
            } else if (cp < 0x800) {
                out.write(0xC0 | cp >> 6);
                out.write(0x80 | cp & 0x3F);
            } else if (cp < 0x10000) {
                out.write(0xE0 | cp >> 12);
                out.write(0x80 | cp >> 6 & 0x3F);
                out.write(0x80 | cp & 0x3F);
            } else {
                out.write(0xF0 | cp >> 18);
                out.write(0x80 | cp >> 12 & 0x3F);
                out.write(0x80 | cp >> 6 & 0x3F);
                out.write(0x80 | cp & 0x3F);
            }
        }
        return out.toByteArray();
    }

    /**
     * Decodes WTF-8 bytes back to UTF-16 units.
     *
     * @param bytes the bytes
     * @param offset where to start
     * @param length how many
     * @return the units
     * @throws IllegalArgumentException when the bytes are not WTF-8 (they were not made by {@link #encode})
     */
    public static char[] decode(byte[] bytes, int offset, int length) {
        StringBuilder s = new StringBuilder(length);
        int i = offset;
        int end = offset + length;
        while (i < end) {
            int b = bytes[i] & 0xFF;
            int n = b < 0x80 ? 0 : b >= 0xF0 && b < 0xF5 ? 3 : b >= 0xE0 ? 2 : b >= 0xC2 && b < 0xE0 ? 1 : -1;
            if (n < 0 || i + n >= end) {
                throw malformed(i);
            }
            int cp = n == 0 ? b : b & (0x3F >> n);
            for (int k = 1; k <= n; k++) {
                int c = bytes[i + k] & 0xFF;
                if ((c & 0xC0) != 0x80) {
                    throw malformed(i);
                }
                cp = cp << 6 | c & 0x3F;
            }
            if ((n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10FFFF))) {
                throw malformed(i); // overlong, or beyond Unicode
            }
            s.appendCodePoint(cp);
            i += n + 1;
        }
        char[] units = new char[s.length()];
        s.getChars(0, units.length, units, 0);
        return units;
    }

    private static IllegalArgumentException malformed(int at) {
        return new IllegalArgumentException("not WTF-8 at byte " + at);
    }
}
