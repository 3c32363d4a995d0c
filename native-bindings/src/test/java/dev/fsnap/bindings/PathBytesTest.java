package dev.fsnap.bindings;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Paths whose names are no text in any locale's charset (the bytes {@code \xff\xfe}), or in this
 * one's: made of their bytes, and given to the kernel as those bytes, by the native calls too.
 */
class PathBytesTest {
    @TempDir
    Path dir;

    private static byte[] concat(byte[]... parts) {
        byte[] all = new byte[0];
        for (byte[] p : parts) {
            int at = all.length;
            all = Arrays.copyOf(all, at + p.length);
            System.arraycopy(p, 0, all, at, p.length);
        }
        return all;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static final byte[] NO_TEXT = {(byte) 0xff, (byte) 0xfe};
    private static final byte[] MUELLER = "Müller".getBytes(StandardCharsets.UTF_8);

    @Test
    void bytesComeBackAsTheyWereAbsoluteOrRelative() {
        for (byte[] p : List.of(ascii("/"), ascii("/a/b"), concat(ascii("/x/"), NO_TEXT, ascii("/../y")), ascii("a"),
                concat(NO_TEXT, ascii("/../"), MUELLER), concat(ascii("./ %25/"), NO_TEXT), MUELLER)) {
            Path path = PathBytes.path(p);
            assertEquals(p[0] == '/', path.isAbsolute(), new String(p, StandardCharsets.ISO_8859_1));
            assertArrayEquals(p, PathBytes.of(path), new String(p, StandardCharsets.ISO_8859_1));
        }
        assertThrows(InvalidPathException.class, () -> PathBytes.path(new byte[] {'a', 0, 'b'}));
        assertThrows(InvalidPathException.class, () -> PathBytes.path(new byte[0]));
    }

    @Test
    void aFileIsWrittenUnderTheBytesOfItsDirectoryAndName() throws Exception {
        Assumptions.assumeTrue(LinuxLibc.library().isAvailable(), "native Linux calls unavailable");
        Path where = Files.createDirectory(PathBytes.path(concat(PathBytes.of(dir), ascii("/"), NO_TEXT)));
        Path target = where.resolve(PathBytes.path(concat(ascii("s"), NO_TEXT, ascii(".snap"))));
        OutputFile out = OutputFile.create(target);
        try {
            out.write(ascii("contents"), 0, 8);
            out.publish();
        } finally {
            out.release();
        }
        List<byte[]> names;
        try (var s = Files.list(dir)) {
            names = s.map(p -> PathBytes.of(p.getFileName())).toList();
        }
        assertEquals(1, names.size());
        assertArrayEquals(NO_TEXT, names.get(0), "the directory as its bytes named it");
        try (var s = Files.list(where)) {
            assertArrayEquals(concat(ascii("s"), NO_TEXT, ascii(".snap")), PathBytes.of(s.findFirst().orElseThrow()
                    .getFileName()));
        }
        try (InputFile in = InputFile.open(target)) {
            byte[] read = new byte[8];
            assertEquals(8, in.read(read, 0, 8, 0), "opened by its bytes");
            assertArrayEquals(ascii("contents"), read);
        }
    }
}
