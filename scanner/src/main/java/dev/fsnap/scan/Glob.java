package dev.fsnap.scan;

/**
 * Glob matching on bytes, for {@link PathRules}: {@code *} and {@code ?} stop at {@code /},
 * {@code **} as a whole component crosses it. Characters are UTF-8 sequences where the bytes are
 * valid UTF-8, single bytes where they are not.
 */
final class Glob {
    private Glob() {
    }

    /** Why a pattern is not valid, or null. */
    static String check(byte[] p) {
        for (int i = 0; i < p.length; i++) {
            if (p[i] == '\\') {
                if (++i == p.length) {
                    return "it ends in a lone \\ (write \\\\ for a backslash)";
                }
            } else if (p[i] == '[' && classEnd(p, i) < 0) {
                return "the [ at character " + (i + 1) + " is never closed (write \\[ for a bracket)";
            }
        }
        return null;
    }

    /** Whether {@code p[pi..]} matches all of {@code s[si..end)}. */
    static boolean matches(byte[] p, int pi, byte[] s, int si, int end) {
        while (pi < p.length) {
            byte c = p[pi];
            if (c == '*') {
                boolean wholeComponent = (pi == 0 || p[pi - 1] == '/') && pi + 1 < p.length && p[pi + 1] == '*'
                        && (pi + 2 == p.length || p[pi + 2] == '/');
                if (wholeComponent) {
                    if (pi + 2 == p.length) {
                        return true; // a trailing ** matches everything below
                    }
                    int rest = pi + 3; // after "**/": zero or more whole directories
                    for (int k = si; k <= end; k++) {
                        if ((k == si || s[k - 1] == '/') && matches(p, rest, s, k, end)) {
                            return true;
                        }
                    }
                    return false;
                }
                while (pi < p.length && p[pi] == '*') {
                    pi++;
                }
                for (int k = si; k <= end; k++) {
                    if (matches(p, pi, s, k, end)) {
                        return true;
                    }
                    if (k < end && s[k] == '/') {
                        return false;
                    }
                }
                return false;
            }
            if (si >= end) {
                return false;
            }
            if (c == '?') {
                if (s[si] == '/') {
                    return false;
                }
                si += charLength(s, si, end);
                pi++;
            } else if (c == '[') {
                int close = classEnd(p, pi);
                if (s[si] == '/') {
                    return false;
                }
                int n = charLength(s, si, end);
                if (!inClass(p, pi + 1, close, codePoint(s, si, n))) {
                    return false;
                }
                si += n;
                pi = close + 1;
            } else {
                if (c == '\\') {
                    c = p[++pi];
                }
                if (s[si] != c) {
                    return false;
                }
                si++;
                pi++;
            }
        }
        return si == end;
    }

    /** The index of the {@code ]} closing the set opened at {@code open}, or -1. */
    private static int classEnd(byte[] p, int open) {
        int i = open + 1;
        if (i < p.length && (p[i] == '!' || p[i] == '^')) {
            i++;
        }
        if (i < p.length && p[i] == ']') {
            i++; // a ] first is a member
        }
        for (; i < p.length; i++) {
            if (p[i] == '\\') {
                i++;
            } else if (p[i] == ']') {
                return i;
            }
        }
        return -1;
    }

    private static boolean inClass(byte[] p, int from, int close, int cp) {
        boolean negated = p[from] == '!' || p[from] == '^';
        int i = negated ? from + 1 : from;
        boolean found = false;
        while (i < close) {
            if (p[i] == '\\') {
                i++;
            }
            int n = charLength(p, i, close);
            int lo = codePoint(p, i, n);
            i += n;
            int hi = lo;
            if (i + 1 < close && p[i] == '-') {
                i++;
                if (p[i] == '\\') {
                    i++;
                }
                int m = charLength(p, i, close);
                hi = codePoint(p, i, m);
                i += m;
            }
            if (cp >= lo && cp <= hi) {
                found = true;
            }
        }
        return found != negated;
    }

    /** The length of the UTF-8 sequence at {@code i}, or 1 when the bytes there are not one. */
    static int charLength(byte[] s, int i, int end) {
        int b = s[i] & 0xFF;
        int n = b < 0x80 ? 1 : b >= 0xC2 && b <= 0xDF ? 2 : b >= 0xE0 && b <= 0xEF ? 3 : b >= 0xF0 && b <= 0xF4 ? 4 : 1;
        if (n == 1 || i + n > end) {
            return 1;
        }
        for (int k = 1; k < n; k++) {
            if ((s[i + k] & 0xC0) != 0x80) {
                return 1;
            }
        }
        return n;
    }

    /** The code point of a sequence of {@code n} bytes; a lone byte that is not ASCII maps above Unicode. */
    private static int codePoint(byte[] s, int i, int n) {
        int b = s[i] & 0xFF;
        switch (n) {
            case 2: return (b & 0x1F) << 6 | (s[i + 1] & 0x3F);
            case 3: return (b & 0x0F) << 12 | (s[i + 1] & 0x3F) << 6 | (s[i + 2] & 0x3F);
            case 4: return (b & 0x07) << 18 | (s[i + 1] & 0x3F) << 12 | (s[i + 2] & 0x3F) << 6 | (s[i + 3] & 0x3F);
            default: return b < 0x80 ? b : 0x110000 + b;
        }
    }
}
