package dev.fsnap.bindings;

/**
 * Paths as the wide-character Win32 calls take them: absolute, with the {@code \\?\} prefix that
 * lifts the {@code MAX_PATH} limit (to about 32,767 units) and turns off the name rewriting that
 * would lose names ending in a dot or a space; UNC shares as {@code \\?\UNC\server\share}.
 */
public final class WindowsPaths {
    /** The longest path the prefixed form allows, in UTF-16 units. */
    public static final int MAX_LONG_PATH = 32_767;

    private WindowsPaths() {
    }

    /**
     * The prefixed form of an absolute path, without a trailing separator.
     *
     * @param absolute as {@code Path.toAbsolutePath().toString()} gives it: {@code C:\data},
     *                 {@code \\server\share\data}, or already prefixed
     * @return the prefixed path
     */
    public static String longPath(String absolute) {
        String p = absolute.replace('/', '\\');
        String prefixed;
        if (p.startsWith("\\\\?\\")) {
            prefixed = p;
        } else if (p.startsWith("\\\\")) {
            prefixed = "\\\\?\\UNC\\" + p.substring(2);
        } else {
            prefixed = "\\\\?\\" + p;
        }
        // "C:\" keeps its separator: "\\?\C:" would name the drive's current directory
        boolean driveRoot = prefixed.length() == 7 && prefixed.charAt(5) == ':';
        while (prefixed.endsWith("\\") && !driveRoot) {
            prefixed = prefixed.substring(0, prefixed.length() - 1);
        }
        return prefixed;
    }

    /**
     * A directory below a root, or the pattern that lists it.
     *
     * @param longRoot the root, from {@link #longPath}
     * @param relative WTF-8 bytes below the root, {@code '/'}-separated; empty for the root itself
     * @param length how many bytes of {@code relative} to use
     * @param listing true for the {@code FindFirstFileExW} pattern ({@code \*} appended)
     * @return the UTF-16 units, NUL-terminated
     */
    public static char[] below(String longRoot, byte[] relative, int length, boolean listing) {
        char[] rest = Wtf8.decode(relative, 0, length);
        StringBuilder s = new StringBuilder(longRoot.length() + rest.length + 4);
        s.append(longRoot);
        if (rest.length > 0) {
            if (!longRoot.endsWith("\\")) {
                s.append('\\');
            }
            for (char c : rest) {
                s.append(c == '/' ? '\\' : c);
            }
        }
        if (listing) {
            if (s.charAt(s.length() - 1) != '\\') {
                s.append('\\');
            }
            s.append('*');
        }
        s.append('\0');
        char[] units = new char[s.length()];
        s.getChars(0, units.length, units, 0);
        return units;
    }
}
