package dev.fsnap.bindings;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The paths handed to the wide Win32 calls: prefixed, joined, and as listing patterns. */
class WindowsPathsTest {
    private static String below(String root, String relative, boolean listing) {
        byte[] r = relative.getBytes(StandardCharsets.UTF_8);
        char[] units = WindowsPaths.below(WindowsPaths.longPath(root), r, r.length, listing);
        assertEquals('\0', units[units.length - 1], "NUL-terminated");
        return new String(units, 0, units.length - 1);
    }

    @Test
    void drivePathsSharesAndPrefixedPathsGetTheLongForm() {
        assertEquals("\\\\?\\C:\\data", WindowsPaths.longPath("C:\\data"));
        assertEquals("\\\\?\\C:\\data", WindowsPaths.longPath("C:\\data\\"));
        assertEquals("\\\\?\\C:\\", WindowsPaths.longPath("C:\\"), "a drive's root keeps its separator");
        assertEquals("\\\\?\\UNC\\nas\\share\\x", WindowsPaths.longPath("\\\\nas\\share\\x"));
        assertEquals("\\\\?\\D:\\a", WindowsPaths.longPath("\\\\?\\D:\\a"));
        assertEquals("\\\\?\\C:\\data", WindowsPaths.longPath("C:/data"));
    }

    @Test
    void pathsBelowTheRootUseBackslashesAndListingsEndInAStar() {
        assertEquals("\\\\?\\C:\\data\\*", below("C:\\data", "", true));
        assertEquals("\\\\?\\C:\\data", below("C:\\data", "", false));
        assertEquals("\\\\?\\C:\\data\\a\\b c.\\*", below("C:\\data", "a/b c.", true), "a trailing dot is kept");
        assertEquals("\\\\?\\C:\\*", below("C:\\", "", true));
        assertEquals("\\\\?\\C:\\a\\*", below("C:\\", "a", true));
        assertEquals("\\\\?\\UNC\\nas\\share\\\uD83D\uDE00\\*", below("\\\\nas\\share", "\uD83D\uDE00", true));
    }
}
