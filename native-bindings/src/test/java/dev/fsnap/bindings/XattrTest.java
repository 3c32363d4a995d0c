package dev.fsnap.bindings;

import jnr.constants.platform.Errno;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Extended attributes read relative to the open directory: names and values byte-exact, a link's
 * own attributes and never its target's, a file removed since it was listed told as such.
 */
class XattrTest {
    @TempDir
    Path dir;

    /** The record positions of a directory's names, from one listing (also for the other reader tests). */
    static Map<String, Integer> positions(LinuxDirectoryReader reader, int fd) {
        Map<String, Integer> at = new LinkedHashMap<>();
        int n = reader.readListing(fd);
        for (int pos = 0; pos < n; pos = reader.next(pos)) {
            if (!reader.isSelfOrParent(pos)) {
                byte[] name = new byte[reader.nameLength(pos)];
                reader.copyName(pos, name.length, name, 0);
                at.put(new String(name, StandardCharsets.UTF_8), pos);
            }
        }
        return at;
    }

    @org.junit.jupiter.api.AfterEach
    void restore() {
        LinuxDirectoryReader.useXattrsAt(true);
    }

    @Test
    void attributesAreReadThroughTheAtCalls() throws Exception {
        LinuxDirectoryReader.useXattrsAt(true);
        attributesAreReadByteExactWithoutFollowingALink();
        String[] version = System.getProperty("os.version").split("[.-]");
        boolean since613 = Integer.parseInt(version[0]) > 6
                || Integer.parseInt(version[0]) == 6 && Integer.parseInt(version[1]) >= 13;
        assertEquals(since613 ? "listxattrat" : "/proc/self/fd", LinuxDirectoryReader.xattrCalls(),
                "the at calls from Linux 6.13, /proc/self/fd before");
    }

    @Test
    void attributesAreReadThroughProcOnOlderKernels() throws Exception {
        LinuxDirectoryReader.useXattrsAt(false);
        attributesAreReadByteExactWithoutFollowingALink();
        assertEquals("/proc/self/fd", LinuxDirectoryReader.xattrCalls());
    }

    private void attributesAreReadByteExactWithoutFollowingALink() throws Exception {
        assumeTrue(LinuxLibc.library().isAvailable(), "native Linux calls unavailable");
        Path file = Files.writeString(dir.resolve("f"), "data");
        UserDefinedFileAttributeView view = Files.getFileAttributeView(file, UserDefinedFileAttributeView.class);
        assumeTrue(view != null && Files.getFileStore(file).supportsFileAttributeView(UserDefinedFileAttributeView.class),
                "no user extended attributes on this filesystem");
        byte[] binary = {(byte) 0xff, 0, 'a', (byte) 0x80};
        view.write("x", ByteBuffer.wrap(binary));
        view.write("empty", ByteBuffer.allocate(0));
        Files.writeString(dir.resolve("plain"), "p");
        Files.createSymbolicLink(dir.resolve("link"), Path.of("f"));
        Files.writeString(dir.resolve("gone"), "g");

        try (LinuxDirectoryReader reader = new LinuxDirectoryReader(LinuxDirectoryReader.MIN_BUFFER_SIZE)) {
            int fd = reader.openRoot(dir.toString().getBytes(StandardCharsets.UTF_8));
            Map<String, Integer> at = positions(reader, fd);

            Map<String, byte[]> read = new LinkedHashMap<>();
            byte[][] pairs = reader.readXattrs(fd, at.get("f"));
            for (int k = 0; k < pairs.length; k += 2) {
                read.put(new String(pairs[k], StandardCharsets.UTF_8), pairs[k + 1]);
            }
            assertEquals(java.util.Set.of("user.x", "user.empty"), read.keySet());
            assertArrayEquals(binary, read.get("user.x"), "a value that is not text, a NUL inside, byte-exact");
            assertArrayEquals(new byte[0], read.get("user.empty"));

            assertEquals(0, reader.readXattrs(fd, at.get("plain")).length, "a file without attributes");
            assertEquals(0, reader.readXattrs(fd, at.get("link")).length,
                    "the link's own attributes (none), not its target's");

            // The directory itself, through its descriptor (the scan's root, which no listing names).
            Files.getFileAttributeView(dir, UserDefinedFileAttributeView.class).write("root", ByteBuffer.wrap(binary));
            byte[][] own = reader.readXattrs(fd);
            assertEquals(2, own.length);
            assertArrayEquals("user.root".getBytes(StandardCharsets.UTF_8), own[0]);
            assertArrayEquals(binary, own[1]);
            Files.getFileAttributeView(dir, UserDefinedFileAttributeView.class).delete("root");

            Files.delete(dir.resolve("gone"));
            assertNull(reader.readXattrs(fd, at.get("gone")), "removed since it was listed");
            assertSame(Errno.ENOENT, reader.lastError());
            reader.close(fd);
        }
    }
}
